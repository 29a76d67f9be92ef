/**
 * Calls the PHP shop (or any shop implementation) with the generated TypeScript clients:
 * `node examples/shop/scripts/ts-calls-php.ts http://127.0.0.1:8080` (or env SHOP_URL).
 * Looks up a customer, creates an order, pays it, reads order and payment back, asks for an order that does
 * not exist, tracks a checkout event and reads the day's report. Prints one JSON line per call:
 * `{"step":…,"response":…}` or `{"step":…,"error":{"code":…,"message":…}}`; the same steps, in the same
 * order and with the same requests, as `php-calls-ts.php`.
 */
import "../ts/hooks.ts";

const baseUrl = process.argv[2] ?? process.env.SHOP_URL;
if (!baseUrl || !/^https?:\/\//.test(baseUrl)) {
  process.stderr.write("usage: node examples/shop/scripts/ts-calls-php.ts <base-url> (or env SHOP_URL)\n");
  process.exit(2);
}

const { fromJson, toJson } = await import("@bufbuild/protobuf");
const { Code, ConnectError } = await import("@connectrpc/connect");
const user = await import("../gen/ts/proto/shop/user/v1/user_contract.ts");
const userPb = await import("../gen/ts/proto/shop/user/v1/user_pb.ts");
const order = await import("../gen/ts/proto/shop/order/v1/order_contract.ts");
const orderPb = await import("../gen/ts/proto/shop/order/v1/order_pb.ts");
const payment = await import("../gen/ts/proto/shop/payment/v1/payment_contract.ts");
const paymentPb = await import("../gen/ts/proto/shop/payment/v1/payment_pb.ts");
const stats = await import("../gen/ts/jsonschema/shop/stats/v1/stats_service.ts");

// biome-ignore lint/suspicious/noExplicitAny: plain JSON values
type J = any;

function print(step: string, outcome: J): void {
  process.stdout.write(`${JSON.stringify({ step, ...outcome })}\n`);
}

/** Runs one call; prints and returns its response (as JSON), or prints its error and returns undefined. */
async function step(name: string, call: () => Promise<J>): Promise<J> {
  try {
    const response = await call();
    print(name, { response });
    return response;
  } catch (err) {
    const e = ConnectError.from(err);
    const code = Code[e.code].replace(/[A-Z]/g, (c, i) => (i === 0 ? c.toLowerCase() : `_${c.toLowerCase()}`));
    print(name, { error: { code, message: e.rawMessage } });
    return undefined;
  }
}

const users = user.createUserServiceJsonClient(baseUrl);
const orders = order.createOrderServiceJsonClient(baseUrl);
const payments = payment.createPaymentServiceJsonClient(baseUrl);
const statsClient = stats.createStatsServiceClient({ baseUrl });

await step("GetProfile", async () =>
  toJson(userPb.GetProfileResponseSchema, await users.getProfile(fromJson(userPb.GetProfileRequestSchema, { userId: "1" }))),
);
const created = await step("CreateOrder", async () => {
  const request = fromJson(orderPb.CreateOrderRequestSchema, {
    userId: "1",
    items: [
      { skuId: "101", quantity: 1 },
      { skuId: "104", quantity: 3, attributes: { gift: true } },
    ],
    shippingAddress: {
      recipientName: "Ada Lovelace",
      lines: ["12 St James's Square"],
      city: "London",
      postalCode: "SW1Y 4JH",
      countryCode: "GB",
    },
    metadata: { channel: "script" },
    note: "leave at the door",
  });
  return toJson(orderPb.CreateOrderResponseSchema, await orders.createOrder(request));
});
const orderId = created?.order?.id ?? "0";
const paid = await step("Pay", async () => {
  const request = fromJson(paymentPb.PayRequestSchema, {
    orderId,
    amount: created?.order?.total ?? {},
    idempotencyKey: Buffer.from("script-key-0001").toString("base64"),
    capture: true,
    card: { token: "tok_visa", last4: "4242", expMonth: 12, expYear: 2030, brand: "CARD_BRAND_VISA" },
  });
  return toJson(paymentPb.PayResponseSchema, await payments.pay(request));
});
await step("GetOrder", async () =>
  toJson(orderPb.GetOrderResponseSchema, await orders.getOrder(fromJson(orderPb.GetOrderRequestSchema, { orderId }))),
);
await step("GetPayment", async () =>
  toJson(
    paymentPb.GetPaymentResponseSchema,
    await payments.getPayment(fromJson(paymentPb.GetPaymentRequestSchema, { paymentId: paid?.payment?.id ?? "" })),
  ),
);
await step("GetOrder(unknown)", async () =>
  toJson(orderPb.GetOrderResponseSchema, await orders.getOrder(fromJson(orderPb.GetOrderRequestSchema, { orderId: "424242" }))),
);
await step("CreateOrder(empty)", async () =>
  toJson(orderPb.CreateOrderResponseSchema, await orders.createOrder(fromJson(orderPb.CreateOrderRequestSchema, { userId: "1" }))),
);
await step("TrackEvent", () =>
  statsClient.trackEvent({
    eventId: "9b2f4c1e-5a6d-4e8f-b7c3-1d2e3f4a5b6c",
    occurredAt: "2026-11-22T09:59:00Z",
    sessionId: "s_script_session",
    userId: 1,
    event: { kind: "checkout", orderId: Number(orderId), itemCount: 4, total: { currency: "EUR", amountMinor: 27075 }, paymentMethod: "card" },
  }),
);
await step("GetDailyReport", () => statsClient.getDailyReport({ date: "2026-11-22" }));
