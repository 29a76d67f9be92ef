import { type ChildProcess, spawn } from "node:child_process";
import { cp, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ROOT, removeDir, run, scratchDir, TSC } from "./helpers.js";

/**
 * The example shop (examples/shop) implemented twice — PHP on the generated dispatchers under `php -S`
 * with two workers, TypeScript on connect-node with the runtime — started as real processes on loopback.
 * The two cross-language scripts run against the other language's server, and one sequence of raw Connect
 * calls covering every method and the documented error cases must get equal answers from both.
 */

/** The example as committed; the test runs a copy of it (without gen/) in a scratch folder. */
const EXAMPLE = join(ROOT, "examples", "shop");

/** A running implementation: its process (group leader) and base URL. */
interface Impl {
  readonly name: string;
  readonly child: ChildProcess;
  readonly baseUrl: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a command in its own process group; resolves once GET /healthz answers 200. */
async function start(
  name: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  baseUrl: (stdout: string) => string | undefined,
): Promise<Impl> {
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    err += b.toString();
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode} before it was ready: ${err}`);
    const url = baseUrl(out);
    if (url) {
      const ok = await fetch(`${url}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return { name, child, baseUrl: url, stdout: () => out, stderr: () => err };
    }
    if (Date.now() > deadline) throw new Error(`${name} not ready within 20 s; stderr: ${err}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function stop(impl: Impl | undefined): void {
  if (impl?.child.pid === undefined) return;
  try {
    process.kill(-impl.child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** JSON with object keys sorted at every level, so that key order does not count. */
function canonical(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, sort(o[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value));
}

// biome-ignore lint/suspicious/noExplicitAny: responses are plain JSON
type J = any;

/** One call of the differential sequence; `body` may use earlier answers of the same implementation. */
interface Step {
  readonly name: string;
  readonly path: string;
  readonly body: Record<string, unknown> | ((answers: Map<string, Answer>) => Record<string, unknown>);
  /** Send as Connect GET (methods without side effects). */
  readonly get?: boolean;
  /** The request breaks the contract: the wording of the rejection is each runtime's own; compare the code. */
  readonly codeOnly?: boolean;
  /** What the answer must be (a response field or an error code), so that equal failures cannot pass. */
  readonly expect: { code: string } | { path: string; value: unknown };
}

const U = "/shop.user.v1.UserService/";
const O = "/shop.order.v1.OrderService/";
const P = "/shop.payment.v1.PaymentService/";
const I = "/shop.inventory.v1.InventoryService/";
const S = "/shop.stats.v1.StatsService/";
const card = { token: "tok_visa", last4: "4242", expMonth: 12, expYear: 2030, brand: "CARD_BRAND_VISA" };
const at = (answers: Map<string, Answer>, step: string): J => answers.get(step)?.body ?? {};

const STEPS: readonly Step[] = [
  {
    name: "register",
    path: `${U}Register`,
    body: { email: "lin@example.com", password: "twelve chars!!", displayName: "Lin" },
    expect: { path: "user.id", value: "3" },
  },
  {
    name: "register twice",
    path: `${U}Register`,
    body: { email: "LIN@example.com", password: "twelve chars!!", displayName: "Lin" },
    expect: { code: "already_exists" },
  },
  {
    name: "register bad email",
    path: `${U}Register`,
    body: { email: "not-an-email", password: "twelve chars!!", displayName: "X" },
    expect: { code: "invalid_argument" },
  },
  {
    name: "register short password",
    path: `${U}Register`,
    body: { email: "x@example.com", password: "short", displayName: "X" },
    expect: { code: "invalid_argument" },
  },
  {
    name: "login",
    path: `${U}Login`,
    body: { email: "lin@example.com", password: "twelve chars!!", deviceName: "Lin's Laptop" },
    expect: { path: "refreshToken", value: "refresh-3-lin-s-laptop" },
  },
  {
    name: "login wrong",
    path: `${U}Login`,
    body: { email: "lin@example.com", password: "wrong password" },
    expect: { code: "unauthenticated" },
  },
  {
    name: "profile",
    path: `${U}GetProfile`,
    body: { userId: "2" },
    get: true,
    expect: { path: "user.role", value: "USER_ROLE_ADMIN" },
  },
  { name: "profile unknown", path: `${U}GetProfile`, body: { userId: "999" }, expect: { code: "not_found" } },
  {
    name: "order with coupon",
    path: `${O}CreateOrder`,
    body: (a) => ({
      userId: at(a, "register").user.id,
      items: [{ skuId: "102", quantity: 2 }],
      couponCode: "WELCOME10",
    }),
    expect: { path: "order.total.units", value: "161" },
  },
  {
    name: "order unknown coupon",
    path: `${O}CreateOrder`,
    body: { userId: "1", items: [{ skuId: "102", quantity: 1 }], couponCode: "FREE" },
    expect: { code: "invalid_argument" },
  },
  {
    name: "order out of stock",
    path: `${O}CreateOrder`,
    body: { userId: "1", items: [{ skuId: "103", quantity: 1 }] },
    expect: { code: "failed_precondition" },
  },
  {
    name: "order more than stock",
    path: `${O}CreateOrder`,
    body: {
      userId: "1",
      items: [
        { skuId: "101", quantity: 3 },
        { skuId: "101", quantity: 3 },
      ],
    },
    expect: { code: "failed_precondition" },
  },
  {
    name: "order unknown sku",
    path: `${O}CreateOrder`,
    body: { userId: "1", items: [{ skuId: "999", quantity: 1 }] },
    expect: { code: "not_found" },
  },
  {
    name: "order unknown user",
    path: `${O}CreateOrder`,
    body: { userId: "999", items: [{ skuId: "102", quantity: 1 }] },
    expect: { code: "not_found" },
  },
  {
    name: "order zero quantity",
    path: `${O}CreateOrder`,
    body: { userId: "1", items: [{ skuId: "102", quantity: 0 }] },
    expect: { code: "invalid_argument" },
  },
  {
    name: "order empty items",
    path: `${O}CreateOrder`,
    body: { userId: "1", items: [] },
    expect: { code: "invalid_argument" },
  },
  {
    name: "order with [] for a map, a Struct and a message",
    path: `${O}CreateOrder`,
    body: {
      userId: "2",
      items: [{ skuId: "104", quantity: 1, attributes: [] }],
      metadata: [],
      shippingAddress: [],
    },
    expect: { path: "order.items.0.attributes", value: {} },
  },
  {
    name: "order breaks the contract",
    path: `${O}CreateOrder`,
    body: { userId: "abc", items: [{ skuId: "102", quantity: 1 }] },
    codeOnly: true,
    expect: { code: "invalid_argument" },
  },
  {
    name: "list page 1",
    path: `${O}ListOrders`,
    body: { userId: "1", pageSize: 1 },
    expect: { path: "nextPageToken", value: "1" },
  },
  {
    name: "list page 2",
    path: `${O}ListOrders`,
    body: { userId: "1", pageSize: 1, pageToken: "1" },
    get: true,
    expect: { path: "totalSize", value: "3" },
  },
  {
    name: "list pending",
    path: `${O}ListOrders`,
    body: { statuses: ["ORDER_STATUS_PENDING"] },
    expect: { path: "totalSize", value: "3" },
  },
  {
    name: "list page size too big",
    path: `${O}ListOrders`,
    body: { pageSize: 101 },
    expect: { code: "invalid_argument" },
  },
  {
    name: "list bad token",
    path: `${O}ListOrders`,
    body: { pageToken: "x" },
    expect: { code: "invalid_argument" },
  },
  {
    name: "pay wrong amount",
    path: `${P}Pay`,
    body: (a) => ({
      orderId: at(a, "order with coupon").order.id,
      amount: { currencyCode: "EUR", units: "179" },
      idempotencyKey: "a2V5LTE=",
      card,
    }),
    expect: { code: "invalid_argument" },
  },
  {
    name: "pay without method",
    path: `${P}Pay`,
    body: (a) => ({
      orderId: at(a, "order with coupon").order.id,
      amount: at(a, "order with coupon").order.total,
      idempotencyKey: "a2V5LTE=",
    }),
    expect: { code: "invalid_argument" },
  },
  {
    name: "pay authorize",
    path: `${P}Pay`,
    body: (a) => ({
      orderId: at(a, "order with coupon").order.id,
      amount: at(a, "order with coupon").order.total,
      idempotencyKey: "a2V5LTE=",
      bankTransfer: { iban: "DE89370400440532013000", accountHolder: "Lin" },
    }),
    expect: { path: "payment.status", value: "PAYMENT_STATUS_AUTHORIZED" },
  },
  {
    name: "pay retried",
    path: `${P}Pay`,
    body: (a) => ({
      orderId: at(a, "order with coupon").order.id,
      amount: at(a, "order with coupon").order.total,
      idempotencyKey: "a2V5LTE=",
      bankTransfer: { iban: "DE89370400440532013000", accountHolder: "Lin" },
    }),
    expect: { path: "payment.id", value: "pay-0003" },
  },
  {
    name: "pay paid order",
    path: `${P}Pay`,
    body: {
      orderId: "1001",
      amount: { currencyCode: "EUR", units: "263", nanos: 500000000 },
      idempotencyKey: "a2V5LTI=",
      card,
    },
    expect: { code: "failed_precondition" },
  },
  {
    name: "pay wallet without provider",
    path: `${P}Pay`,
    body: {
      orderId: "1002",
      amount: { currencyCode: "EUR", units: "89", nanos: 500000000 },
      idempotencyKey: "a2V5LTM=",
      wallet: { walletToken: "w" },
    },
    expect: { code: "invalid_argument" },
  },
  {
    name: "pay declined",
    path: `${P}Pay`,
    body: {
      orderId: "1002",
      amount: { currencyCode: "EUR", units: "89", nanos: 500000000 },
      idempotencyKey: "a2V5LTQ=",
      capture: true,
      card: { ...card, token: "tok_declined" },
    },
    expect: { path: "payment.status", value: "PAYMENT_STATUS_DECLINED" },
  },
  {
    name: "pay capture",
    path: `${P}Pay`,
    body: {
      orderId: "1002",
      amount: { currencyCode: "EUR", units: "89", nanos: 500000000 },
      idempotencyKey: "a2V5LTU=",
      capture: true,
      wallet: { provider: "WALLET_PROVIDER_APPLE_PAY", walletToken: "w" },
    },
    expect: { path: "payment.captured", value: true },
  },
  {
    name: "pay unknown order",
    path: `${P}Pay`,
    body: { orderId: "77", idempotencyKey: "a2V5LTY=", card },
    expect: { code: "not_found" },
  },
  {
    name: "refund part",
    path: `${P}Refund`,
    body: (a) => ({
      paymentId: at(a, "pay capture").payment.id,
      amount: { currencyCode: "EUR", units: "10" },
      reason: "scratched",
      idempotencyKey: "cjE=",
    }),
    expect: { path: "payment.status", value: "PAYMENT_STATUS_PARTIALLY_REFUNDED" },
  },
  {
    name: "refund too much",
    path: `${P}Refund`,
    body: (a) => ({
      paymentId: at(a, "pay capture").payment.id,
      amount: { currencyCode: "EUR", units: "80" },
      reason: "again",
    }),
    expect: { code: "failed_precondition" },
  },
  {
    name: "refund other currency",
    path: `${P}Refund`,
    body: (a) => ({
      paymentId: at(a, "pay capture").payment.id,
      amount: { currencyCode: "USD", units: "1" },
      reason: "fx",
    }),
    expect: { code: "invalid_argument" },
  },
  {
    name: "refund rest",
    path: `${P}Refund`,
    body: (a) => ({ paymentId: at(a, "pay capture").payment.id, reason: "returned" }),
    expect: { path: "refund.amount.nanos", value: 500000000 },
  },
  {
    name: "refund refunded",
    path: `${P}Refund`,
    body: (a) => ({ paymentId: at(a, "pay capture").payment.id, reason: "again" }),
    expect: { code: "failed_precondition" },
  },
  {
    name: "refund authorized",
    path: `${P}Refund`,
    body: (a) => ({ paymentId: at(a, "pay authorize").payment.id, reason: "x" }),
    expect: { code: "failed_precondition" },
  },
  {
    name: "refund beyond int64 nanos",
    path: `${P}Refund`,
    body: {
      paymentId: "pay-0001",
      amount: { currencyCode: "EUR", units: "9223372036854775807" },
      reason: "x",
    },
    expect: { code: "invalid_argument" },
  },
  {
    name: "pay beyond int64 nanos",
    path: `${P}Pay`,
    body: (a) => ({
      orderId: at(a, "order with coupon").order.id,
      amount: { currencyCode: "EUR", units: "-9223372036854775808" },
      idempotencyKey: "a2V5LTc=",
      card,
    }),
    expect: { code: "invalid_argument" },
  },
  {
    name: "refund unknown",
    path: `${P}Refund`,
    body: { paymentId: "pay-9999", reason: "x" },
    expect: { code: "not_found" },
  },
  {
    name: "payment",
    path: `${P}GetPayment`,
    body: (a) => ({ paymentId: at(a, "pay capture").payment.id }),
    get: true,
    expect: { path: "payment.status", value: "PAYMENT_STATUS_REFUNDED" },
  },
  {
    name: "payment seeded",
    path: `${P}GetPayment`,
    body: { paymentId: "pay-0001" },
    expect: { path: "payment.receiptSignature", value: "cmVjZWlwdDpwYXktMDAwMQ==" },
  },
  {
    name: "order cancelled by refund",
    path: `${O}GetOrder`,
    body: { orderId: "1002" },
    get: true,
    expect: { path: "order.status", value: "ORDER_STATUS_CANCELLED" },
  },
  {
    name: "order unknown",
    path: `${O}GetOrder`,
    body: { orderId: "18446744073709551615" },
    get: true,
    expect: { code: "not_found" },
  },
  {
    name: "reserve",
    path: `${I}Reserve`,
    body: {
      orderId: "1001",
      lines: { "104": { quantity: 5, warehouseId: "7" }, "101": { quantity: 1 } },
      holdFor: "3600s",
    },
    expect: { path: "reservation.expiresAt", value: "2026-11-22T11:00:00Z" },
  },
  {
    name: "reserve out of stock",
    path: `${I}Reserve`,
    body: { orderId: "1001", lines: { "103": { quantity: 1 } } },
    expect: { code: "failed_precondition" },
  },
  {
    name: "reserve partial",
    path: `${I}Reserve`,
    body: { orderId: "1001", lines: { "103": { quantity: 1 }, "102": { quantity: 2 } }, allowPartial: true },
    expect: { path: "reservation.status", value: "RESERVATION_STATUS_PARTIALLY_HELD" },
  },
  {
    name: "reserve nothing",
    path: `${I}Reserve`,
    body: { orderId: "1001", lines: {} },
    expect: { code: "invalid_argument" },
  },
  {
    name: "reserve no time",
    path: `${I}Reserve`,
    body: { orderId: "1001", lines: { "104": { quantity: 1 } }, holdFor: "0s" },
    expect: { code: "invalid_argument" },
  },
  {
    name: "reserve unknown order",
    path: `${I}Reserve`,
    body: { orderId: "5", lines: { "104": { quantity: 1 } } },
    expect: { code: "not_found" },
  },
  {
    name: "release",
    path: `${I}Release`,
    body: (a) => ({
      reservationId: at(a, "reserve").reservation.reservationId,
      reason: "RELEASE_REASON_ORDER_CANCELLED",
    }),
    expect: { path: "reservation.status", value: "RESERVATION_STATUS_RELEASED" },
  },
  {
    name: "release again",
    path: `${I}Release`,
    body: (a) => ({ reservationId: at(a, "reserve").reservation.reservationId }),
    expect: { path: "reservation.status", value: "RESERVATION_STATUS_RELEASED" },
  },
  {
    name: "release unknown",
    path: `${I}Release`,
    body: { reservationId: "res-9999" },
    expect: { code: "not_found" },
  },
  {
    name: "stock back after release",
    path: `${I}Reserve`,
    body: { orderId: "1001", lines: { "104": { quantity: 94 } } },
    expect: { path: "reservation.status", value: "RESERVATION_STATUS_HELD" },
  },
  {
    name: "track view",
    path: `${S}TrackEvent`,
    body: {
      eventId: "11111111-2222-4333-8444-555555555555",
      occurredAt: "2026-11-22T09:00:00+02:00",
      sessionId: "s_diff_session",
      event: { kind: "page_view", path: "/products/102" },
    },
    expect: { path: "duplicate", value: false },
  },
  {
    name: "track view again",
    path: `${S}TrackEvent`,
    body: {
      eventId: "11111111-2222-4333-8444-555555555555",
      occurredAt: "2026-11-22T09:00:00+02:00",
      sessionId: "s_diff_session",
      event: { kind: "page_view", path: "/products/102" },
    },
    expect: { path: "duplicate", value: true },
  },
  {
    name: "track add to cart",
    path: `${S}TrackEvent`,
    body: {
      eventId: "11111111-2222-4333-8444-555555555556",
      occurredAt: "2026-11-22T07:30:00Z",
      sessionId: "s_diff_session",
      userId: 3,
      event: {
        kind: "add_to_cart",
        skuId: 102,
        quantity: 2,
        unitPrice: { currency: "EUR", amountMinor: 8950 },
      },
    },
    expect: { path: "accepted", value: true },
  },
  {
    name: "track a total beyond 10^12",
    path: `${S}TrackEvent`,
    body: {
      eventId: "11111111-2222-4333-8444-555555555558",
      occurredAt: "2026-11-22T07:30:00Z",
      sessionId: "s_diff_session",
      event: {
        kind: "checkout",
        orderId: 1,
        itemCount: 1,
        total: { currency: "EUR", amountMinor: 1e12 + 1 },
        paymentMethod: "card",
      },
    },
    expect: { code: "invalid_argument" },
  },
  {
    name: "track an integer JavaScript cannot hold",
    path: `${S}TrackEvent`,
    body: {
      eventId: "11111111-2222-4333-8444-555555555559",
      occurredAt: "2026-11-22T07:30:00Z",
      sessionId: "s_diff_session",
      event: {
        kind: "add_to_cart",
        skuId: 2 ** 53 + 2,
        quantity: 1,
        unitPrice: { currency: "EUR", amountMinor: 1 },
      },
    },
    codeOnly: true,
    expect: { code: "invalid_argument" },
  },
  {
    name: "track with [] for a map",
    path: `${S}TrackEvent`,
    body: {
      eventId: "11111111-2222-4333-8444-55555555555a",
      occurredAt: "2026-11-21T07:30:00Z",
      sessionId: "s_diff_session",
      event: { kind: "page_view", path: "/" },
      attributes: [],
    },
    expect: { path: "accepted", value: true },
  },
  {
    name: "track breaks the contract",
    path: `${S}TrackEvent`,
    body: {
      eventId: "11111111-2222-4333-8444-555555555557",
      occurredAt: "2026-11-22T07:30:00Z",
      event: { kind: "page_view", path: "/" },
    },
    codeOnly: true,
    expect: { code: "invalid_argument" },
  },
  {
    name: "report today",
    path: `${S}GetDailyReport`,
    body: { date: "2026-11-22", kinds: ["page_view", "add_to_cart"], topSkuLimit: 2 },
    get: true,
    expect: { path: "eventCounts.page_view", value: 1 },
  },
  {
    name: "report yesterday",
    path: `${S}GetDailyReport`,
    body: { date: "2026-11-21" },
    expect: { path: "complete", value: true },
  },
  {
    name: "report without checkouts",
    path: `${S}GetDailyReport`,
    body: { date: "2026-11-19" },
    expect: { path: "eventCounts.checkout", value: 0 },
  },
  {
    name: "report future",
    path: `${S}GetDailyReport`,
    body: { date: "2026-12-01" },
    expect: { code: "failed_precondition" },
  },
  {
    name: "report bad date",
    path: `${S}GetDailyReport`,
    body: { date: "yesterday" },
    codeOnly: true,
    expect: { code: "invalid_argument" },
  },
  {
    name: "unknown method",
    path: `${O}DeleteOrder`,
    body: {},
    expect: { code: "unimplemented" },
  },
];

/** What one call answered, reduced to what both implementations must agree on. */
interface Answer {
  readonly status: number;
  readonly json: boolean;
  readonly body: J;
}

async function call(baseUrl: string, path: string, body: J, get = false): Promise<Answer> {
  const res = get
    ? await fetch(
        `${baseUrl}${path}?connect=v1&encoding=json&message=${encodeURIComponent(JSON.stringify(body))}`,
      )
    : await fetch(`${baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "connect-protocol-version": "1" },
        body: JSON.stringify(body),
      });
  const text = await res.text();
  const json = (res.headers.get("content-type") ?? "").startsWith("application/json");
  return { status: res.status, json, body: json ? JSON.parse(text) : text };
}

/** The part of an answer compared across implementations. */
function comparable(step: Step, a: Answer): string {
  if (a.status === 200) return canonical({ status: 200, body: a.body });
  if (step.codeOnly) return canonical({ status: a.status, code: a.body?.code });
  return canonical({ status: a.status, code: a.body?.code, message: a.body?.message });
}

function pick(value: J, path: string): unknown {
  return path.split(".").reduce((v: J, k) => v?.[k], value);
}

function lines(text: string): J[] {
  return text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

describe("examples/shop: the PHP and the TypeScript implementation answer alike", () => {
  let dir: string;
  let stateDir: string;
  let shop: string;
  let ts: Impl | undefined;
  let php: Impl | undefined;

  beforeAll(async () => {
    // A copy inside test/tmp (`contractgen/runtime` still resolves through the package's self-reference),
    // generated with the documented command: other suites may regenerate examples/shop/gen meanwhile.
    dir = await scratchDir("examples-shop");
    shop = join(dir, "shop");
    stateDir = join(dir, "state");
    await cp(EXAMPLE, shop, { recursive: true, filter: (src) => !/\/(gen|state)$/.test(src) });
    const generated = await run(
      process.execPath,
      [CLI, "generate", "--target", "ts,php", "--out", join(shop, "gen")],
      {
        cwd: ROOT,
      },
    );
    expect(generated.stderr).toBe("");
    expect(generated.code).toBe(0);
    const env = { ...process.env, SHOP_CLOCK: "2026-11-22T10:00:00Z" };
    const port = await freePort();
    [ts, php] = await Promise.all([
      start(
        "ts",
        process.execPath,
        [join(shop, "ts", "server.ts"), "--port", "0"],
        env,
        (out) => /^listening on (http:\/\/127\.0\.0\.1:[0-9]+)\n/.exec(out)?.[1],
      ),
      // serve.sh runs `php -S 127.0.0.1:<port> router.php` with the workers and prints the readiness line
      start(
        "php",
        join(shop, "php", "serve.sh"),
        ["--port", String(port)],
        { ...env, PHP_CLI_SERVER_WORKERS: "2", SHOP_STATE_DIR: stateDir },
        (out) => /^listening on (http:\/\/127\.0\.0\.1:[0-9]+)\n/.exec(out)?.[1],
      ),
    ]);
  });

  afterAll(async () => {
    stop(ts);
    stop(php);
    if (dir) await removeDir(dir);
  });

  it("the cross-language scripts get the same answers, with the expected values and errors", async () => {
    const [phpCallsTs, tsCallsPhp] = await Promise.all([
      run("php", [join(shop, "scripts", "php-calls-ts.php"), ts!.baseUrl], { cwd: ROOT }),
      run(process.execPath, [join(shop, "scripts", "ts-calls-php.ts"), php!.baseUrl], { cwd: ROOT }),
    ]);
    expect(phpCallsTs.stderr).toBe("");
    expect(tsCallsPhp.stderr).toBe("");
    expect([phpCallsTs.code, tsCallsPhp.code]).toEqual([0, 0]);
    const fromPhp = lines(phpCallsTs.stdout);
    const fromTs = lines(tsCallsPhp.stdout);
    expect(fromPhp.map((l) => l.step)).toEqual([
      "GetProfile",
      "CreateOrder",
      "Pay",
      "GetOrder",
      "GetPayment",
      "GetOrder(unknown)",
      "CreateOrder(empty)",
      "TrackEvent",
      "GetDailyReport",
    ]);
    expect(fromPhp.map(canonical)).toEqual(fromTs.map(canonical));
    const step = (name: string) => fromPhp.find((l) => l.step === name);
    // 1 × 249.00 + 3 × 7.25 = 270.75 EUR, computed by the server from the seed's prices
    expect(step("CreateOrder").response.order.total).toEqual({
      currencyCode: "EUR",
      units: "270",
      nanos: 750000000,
    });
    expect(step("GetOrder").response.order.status).toBe("ORDER_STATUS_PAID");
    expect(step("GetPayment").response.payment.id).toBe(step("Pay").response.payment.id);
    expect(step("GetOrder(unknown)").error.code).toBe("not_found");
    expect(step("CreateOrder(empty)").error.code).toBe("invalid_argument");
    expect(step("GetDailyReport").response.revenue).toEqual({ currency: "EUR", amountMinor: 27075 });
  });

  it("one sequence of calls over every method gets equal answers from both", async () => {
    const answers = { ts: new Map<string, Answer>(), php: new Map<string, Answer>() };
    const diverging: string[] = [];
    for (const step of STEPS) {
      const body = (answers: Map<string, Answer>) =>
        typeof step.body === "function" ? step.body(answers) : step.body;
      const a = await call(ts!.baseUrl, step.path, body(answers.ts), step.get);
      const b = await call(php!.baseUrl, step.path, body(answers.php), step.get);
      answers.ts.set(step.name, a);
      answers.php.set(step.name, b);
      for (const [impl, answer] of [
        ["ts", a],
        ["php", b],
      ] as const) {
        expect(answer.json, `${step.name} (${impl}): JSON answer`).toBe(true);
        if ("code" in step.expect) {
          expect(answer.body.code, `${step.name} (${impl}): ${JSON.stringify(answer.body)}`).toBe(
            step.expect.code,
          );
        } else {
          expect(answer.status, `${step.name} (${impl}): ${JSON.stringify(answer.body)}`).toBe(200);
          expect(pick(answer.body, step.expect.path), `${step.name} (${impl})`).toEqual(step.expect.value);
        }
      }
      if (comparable(step, a) !== comparable(step, b))
        diverging.push(`${step.name}:\n  ts:  ${comparable(step, a)}\n  php: ${comparable(step, b)}`);
    }
    expect(diverging.join("\n")).toBe("");
  });

  it("concurrent writes to the PHP workers all land in the shared state", async () => {
    const event = (i: number) => ({
      eventId: `22222222-3333-4444-8555-${String(i).padStart(12, "0")}`,
      occurredAt: "2026-11-20T12:00:00Z",
      sessionId: `s_concurrent_${i}`,
      event: {
        kind: "add_to_cart",
        skuId: 104,
        quantity: 1,
        unitPrice: { currency: "EUR", amountMinor: 725 },
      },
    });
    for (const impl of [ts!, php!]) {
      const sent = await Promise.all(
        Array.from({ length: 12 }, (_, i) => call(impl.baseUrl, `${S}TrackEvent`, event(i))),
      );
      expect(sent.map((s) => s.status)).toEqual(Array(12).fill(200));
      const counted = await call(impl.baseUrl, `${S}GetDailyReport`, { date: "2026-11-20" }, true);
      expect(counted.body.eventCounts, impl.name).toEqual({ page_view: 0, add_to_cart: 12, checkout: 0 });
    }
  });

  it("the TypeScript of the example (server, shop, script) type-checks under the project's strict settings", async () => {
    // Node runs it by type stripping and checks nothing: tsc does, with the `.ts` import specifiers allowed.
    const tsconfig = join(dir, "tsconfig.json");
    await writeFile(
      tsconfig,
      JSON.stringify({
        extends: join(ROOT, "tsconfig.json"),
        compilerOptions: {
          noEmit: true,
          rootDir: ROOT,
          declaration: false,
          sourceMap: false,
          allowImportingTsExtensions: true,
          typeRoots: [join(ROOT, "node_modules", "@types")],
        },
        include: [join(shop, "ts", "*.ts"), join(shop, "scripts", "*.ts")],
      }),
    );
    const checked = await run(process.execPath, [TSC, "-p", tsconfig], { cwd: ROOT });
    expect(checked.stdout + checked.stderr).toBe("");
    expect(checked.code).toBe(0);
  });

  it("both servers printed only their readiness line to stdout", () => {
    expect(ts!.stdout()).toMatch(/^listening on http:\/\/127\.0\.0\.1:[0-9]+\n$/);
    expect(ts!.stderr()).toBe("");
    expect(php!.stdout()).toMatch(/^listening on http:\/\/127\.0\.0\.1:[0-9]+\n$/);
  });

  it("serve.sh stops the php -S master and its workers on SIGTERM", async () => {
    const group = php!.child.pid!;
    const alive = () => {
      try {
        process.kill(-group, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive()).toBe(true);
    process.kill(group, "SIGTERM"); // the shell only, not the group
    const deadline = Date.now() + 10_000;
    while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive()).toBe(false);
  });
});
