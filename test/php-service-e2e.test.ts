import { spawnSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJsonServiceHandler, validationError } from "../runtime/index.js";
import {
  freePort,
  generateInto,
  type PhpServer,
  phpWithCurl,
  startPhpServer,
} from "./fixtures/php-service/harness.js";
import { ROOT, removeDir, run, scratchDir } from "./helpers.js";

const FIXTURE = join(ROOT, "test", "fixtures", "php-service");
const hasPhp = await phpWithCurl();
const hasPhpcs = spawnSync("phpcs", ["--version"]).status === 0;
const GOLDEN = join(FIXTURE, "golden");
/** Generated service files (clients, handler interfaces, dispatchers) of the example contracts. */
const SERVICE_FILE = /^php\/src\/(?!Contractgen\/).*(Client|Handler|Dispatcher)\.php$/;

// biome-ignore lint/suspicious/noExplicitAny: modules generated at test time, imported dynamically
type Any = any;

/**
 * Both directions over real HTTP/1.1 on loopback, with the code generated from the example contracts:
 * the generated PHP clients call a TypeScript server (connect-node with the generated helpers for the
 * proto services, contractgen's runtime for the JSON Schema service), and the generated TypeScript
 * clients call a PHP server built on the generated handler interfaces and dispatchers under `php -S`.
 */
describe.skipIf(!hasPhp)("PHP ⇄ TypeScript with generated code", () => {
  let dir: string;
  let gen: string;
  let tsServer: Server;
  let tsUrl: string;
  let php: PhpServer;
  let order: Any;
  let orderPb: Any;
  let payment: Any;
  let paymentPb: Any;
  let stats: Any;
  // biome-ignore lint/suspicious/noExplicitAny: JSON printed by the PHP script
  let fromPhp: Record<string, any>;
  let phpFiles = 0;
  let serviceFiles: { path: string; content: string }[] = [];

  beforeAll(async () => {
    dir = await scratchDir("php-service-e2e");
    gen = join(dir, "gen");
    const files = await generateInto(ROOT, gen, ["ts", "php"]);
    phpFiles = files.filter((f) => f.path.endsWith(".php")).length;
    serviceFiles = files.filter((f) => SERVICE_FILE.test(f.path));
    order = await import(join(gen, "ts/proto/shop/order/v1/order_contract.ts"));
    orderPb = await import(join(gen, "ts/proto/shop/order/v1/order_pb.ts"));
    payment = await import(join(gen, "ts/proto/shop/payment/v1/payment_contract.ts"));
    paymentPb = await import(join(gen, "ts/proto/shop/payment/v1/payment_pb.ts"));
    stats = await import(join(gen, "ts/jsonschema/shop/stats/v1/stats_service.ts"));

    // The TypeScript server the PHP clients call.
    const orders = new Map<bigint, unknown>();
    let barrierArrived = 0;
    let releaseBarrier: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      releaseBarrier = resolve;
    });
    // Answers only once three barrier calls are in flight: proves the PHP client sent them concurrently.
    const awaitBarrier = async () => {
      barrierArrived++;
      if (barrierArrived === 3) releaseBarrier();
      await Promise.race([
        barrier,
        new Promise((_, reject) =>
          setTimeout(() => reject(new ConnectError("barrier not reached", Code.DeadlineExceeded)), 5000),
        ),
      ]);
    };
    const routes = (router: ConnectRouter) => {
      order.registerOrderService(router, {
        createOrder(req: Any) {
          if (req.items.length === 0)
            throw new ConnectError("an order needs at least one item", Code.InvalidArgument);
          const id = 9007199254740993n;
          const created = create(orderPb.OrderSchema, {
            id,
            userId: req.userId,
            items: req.items,
            status: orderPb.OrderStatus.PENDING,
            metadata: req.metadata,
            note: req.note,
            shippingAddress: req.shippingAddress,
            createdAt: { seconds: 1795341600n, nanos: 123456789 },
          });
          orders.set(id, created);
          return { order: created };
        },
        async getOrder(req: Any) {
          if (req.orderId >= 777001n && req.orderId <= 777003n) {
            await awaitBarrier();
            return { order: create(orderPb.OrderSchema, { id: req.orderId }) };
          }
          const found = orders.get(req.orderId);
          if (!found) throw new ConnectError(`order ${req.orderId} not found`, Code.NotFound);
          return { order: found };
        },
        listOrders() {
          return { orders: [...orders.values()], nextPageToken: "", totalSize: BigInt(orders.size) };
        },
      });
      payment.registerPaymentService(router, {
        pay(req: Any) {
          const method = req.method;
          return {
            payment: create(paymentPb.PaymentSchema, {
              id: `pay_${method.case}_${method.case === "wallet" ? method.value.walletToken : ""}`,
              orderId: req.orderId,
              amount: req.amount,
              status: req.capture ? paymentPb.PaymentStatus.CAPTURED : paymentPb.PaymentStatus.AUTHORIZED,
              captured: req.capture,
              fraudScore: 0.125,
              receiptSignature: req.idempotencyKey.slice().reverse(),
              createdAt: timestampFromDate(new Date("2026-11-22T10:00:00Z")),
            }),
          };
        },
        refund() {
          throw new ConnectError("not implemented", Code.Unimplemented);
        },
        async getPayment(req: Any) {
          if (req.paymentId === "barrier") {
            await awaitBarrier();
            return { payment: create(paymentPb.PaymentSchema, { id: "barrier" }) };
          }
          throw new ConnectError(`payment ${req.paymentId} not found`, Code.NotFound);
        },
      });
    };
    const statsImpl = {
      trackEvent(req: Any, ctx: Any) {
        return {
          eventId: req.eventId,
          accepted: ctx.requestHeader.get("x-caller") === "php-back-office",
          duplicate: false,
          receivedAt: "2026-11-22T10:00:00Z",
        };
      },
      getDailyReport(req: Any) {
        if (req.date === "1999-01-01") throw new ConnectError("no report for that day", Code.NotFound);
        if (req.date === "2000-02-02") {
          throw validationError("no data for that day", [
            { instancePath: "/date", keyword: "retention", message: "is older than the retention period" },
          ]);
        }
        return {
          date: req.date,
          timezone: "UTC",
          eventCounts: {},
          revenue: { currency: "EUR", amountMinor: 74700 },
          conversionRate: 0.025,
          averageOrderValueMinor: null,
          topSkus: [],
          complete: true,
          generatedAt: "2026-11-22T00:05:00Z",
        };
      },
    };
    tsServer = createServer(
      createJsonServiceHandler([stats.statsServiceRegistration(statsImpl)], {
        fallback: connectNodeAdapter({ routes }),
      }),
    );
    await new Promise<void>((resolve) => tsServer.listen(0, "127.0.0.1", resolve));
    tsUrl = `http://127.0.0.1:${(tsServer.address() as AddressInfo).port}`;

    // The PHP server the TypeScript clients call, and the PHP clients' run against the TS server.
    const env = { GEN_DIR: gen, STATE_DIR: dir, PHP_CLI_SERVER_WORKERS: "2" };
    const [started, res] = await Promise.all([
      startPhpServer(FIXTURE, "e2e-router.php", env),
      run("php", [join(FIXTURE, "e2e-client.php"), tsUrl], {
        cwd: FIXTURE,
        env: { ...process.env, ...env },
        timeoutMs: 30_000,
      }),
    ]);
    php = started;
    if (res.code !== 0) throw new Error(`e2e-client.php failed (${res.code}): ${res.stderr}${res.stdout}`);
    fromPhp = JSON.parse(res.stdout);
  });

  afterAll(async () => {
    await php?.stop();
    if (tsServer) await new Promise((resolve) => tsServer.close(resolve));
    if (dir) await removeDir(dir);
  });

  it("every generated PHP file passes php -l", async () => {
    const res = await run(
      "bash",
      ["-c", `find ${JSON.stringify(join(gen, "php"))} -name '*.php' -print0 | xargs -0 -n1 -P4 php -n -l`],
      { cwd: dir },
    );
    expect(res.stdout).not.toMatch(/Errors parsing|Parse error/);
    expect(res.stdout.match(/^No syntax errors detected/gm)?.length).toBe(phpFiles);
    expect(res.code).toBe(0);
  });

  it("service files match the committed golden files (UPDATE_GOLDEN=1 rewrites them)", async () => {
    expect(serviceFiles.length).toBe(15);
    for (const f of serviceFiles) {
      const golden = join(GOLDEN, f.path);
      if (process.env["UPDATE_GOLDEN"]) {
        await mkdir(dirname(golden), { recursive: true });
        await writeFile(golden, f.content);
      }
      expect(f.content, f.path).toBe(await readFile(golden, "utf8"));
    }
  });

  it.skipIf(!hasPhpcs)(
    "service files and the Http/Server runtime are PSR-12 clean (PHP_CodeSniffer, Debian php-codesniffer)",
    async () => {
      const paths = [
        ...serviceFiles.map((f) => join(gen, f.path)),
        join(gen, "php/src/Contractgen/Runtime/Http"),
        join(gen, "php/src/Contractgen/Runtime/Server"),
      ];
      const res = await run("phpcs", ["--standard=PSR12", "-q", "--report=full", ...paths], { cwd: dir });
      expect(res.stdout + res.stderr).toBe("");
      expect(res.code).toBe(0);
    },
  );

  describe("PHP client → TypeScript server", () => {
    it("creates an order: int64 beyond 2^53 stays exact, maps and Timestamp nanos survive", () => {
      const created = fromPhp["createOrder"];
      expect(created.class).toBe("Shop\\Order\\V1\\CreateOrderResponse");
      expect(created.ok.order).toMatchObject({
        id: "9007199254740993",
        userId: "42",
        status: "ORDER_STATUS_PENDING",
        metadata: { channel: "php-back-office", "123": "numeric key" },
        createdAt: "2026-11-22T10:00:00.123456789Z",
        note: "leave at the door",
      });
      expect(created.ok.order.items[0]).toMatchObject({
        skuId: "9007199254740993",
        quantity: 2,
        unitPrice: { currencyCode: "EUR", units: "249", nanos: 990000000 },
      });
      expect(fromPhp["getOrder"].ok.order.id).toBe("9007199254740993");
      expect(fromPhp["listOrders"].ok).toMatchObject({
        orders: [{ id: "9007199254740993" }],
        totalSize: "1",
      });
    });

    it("pays with a oneof member, bytes and uint64 max intact", () => {
      expect(fromPhp["pay"].ok.payment).toMatchObject({
        id: "pay_wallet_tok_apple",
        orderId: "18446744073709551615",
        status: "PAYMENT_STATUS_CAPTURED",
        captured: true,
        fraudScore: 0.125,
        createdAt: "2026-11-22T10:00:00Z",
      });
      const key = Buffer.from("\x00\x01\xfe\xffkey-16-bytes!", "latin1");
      expect(Buffer.from(fromPhp["pay"].ok.payment.receiptSignature, "base64")).toEqual(
        Buffer.from(key).reverse(),
      );
    });

    it.each([
      ["getOrderNotFound", "not_found", "order 1 not found"],
      ["getPaymentNotFound", "not_found", "payment nope not found"],
      ["createOrderInvalid", "invalid_argument", "an order needs at least one item"],
      ["dailyReportNotFound", "not_found", "no report for that day"],
      ["dead", "unavailable", "cannot reach http://127.0.0.1:1/shop.order.v1.OrderService/GetOrder"],
    ])("%s → ConnectException %s", (key, code, message) => {
      expect(fromPhp[key].error.code).toBe(code);
      expect(fromPhp[key].error.message).toContain(message);
    });

    it("invalid_argument details from the TypeScript server arrive as violations", () => {
      expect(fromPhp["dailyReportInvalid"].error).toMatchObject({
        code: "invalid_argument",
        details: ["contractgen.v1.Violations"],
      });
      expect(fromPhp["dailyReportInvalid"].error.violations[0]).toMatchObject({ path: "/date" });
    });

    it("calls the JSON Schema service with typed DTOs, client headers reach the handler", () => {
      expect(fromPhp["trackEvent"].ok).toEqual({
        eventId: "0f8fad5b-d9cb-469f-a165-70867728950e",
        accepted: true,
        duplicate: false,
        receivedAt: "2026-11-22T10:00:00Z",
      });
      expect(fromPhp["dailyReport"].ok).toMatchObject({
        date: "2026-11-21",
        revenue: { amountMinor: 74700 },
      });
    });

    it("async calls of two clients run concurrently (the server answers only when all three are in flight)", () => {
      expect(fromPhp["batch"].ok).toMatchObject({
        a: { order: { id: "777001" } },
        b: { payment: { id: "barrier" } },
        c: { order: { id: "777002" } },
      });
    });
  });

  describe("TypeScript client → PHP server", () => {
    it("creates and reads an order: bigint ids beyond 2^53, maps, Timestamp nanos", async () => {
      const client = order.createOrderServiceJsonClient(php.baseUrl);
      const created = await client.createOrder({
        userId: 42n,
        items: [{ skuId: 9007199254740995n, quantity: 3, productName: "Espresso" }],
        metadata: { channel: "ios-app", "7": "seven" },
        note: "ring twice",
      });
      expect(created.order.id).toBe(9007199254740993n);
      expect(created.order.userId).toBe(42n);
      expect(created.order.items[0].skuId).toBe(9007199254740995n);
      expect(created.order.metadata).toEqual({ channel: "ios-app", "7": "seven" });
      expect(created.order.createdAt.nanos).toBe(123456789);
      expect(created.order.note).toBe("ring twice");
      const got = await client.getOrder({ orderId: 9007199254740993n });
      expect(got.order.items[0].productName).toBe("Espresso");
      const list = await client.listOrders({ userId: 42n });
      expect(list.totalSize).toBe(1n);
    });

    it("pays with each oneof member; GET for a method without side effects", async () => {
      const client = payment.createPaymentServiceJsonClient(php.baseUrl);
      const key = new Uint8Array([0, 1, 2, 250, 255]);
      const paid = await client.pay({
        orderId: 18446744073709551615n,
        amount: { currencyCode: "EUR", units: 10n, nanos: 5 },
        idempotencyKey: key,
        capture: true,
        method: { case: "card", value: { token: "tok", last4: "4242", expMonth: 12, expYear: 2030 } },
      });
      expect(paid.payment.id).toBe("pay_card-4242");
      expect(paid.payment.orderId).toBe(18446744073709551615n);
      expect(paid.payment.amount).toMatchObject({ currencyCode: "EUR", units: 10n, nanos: 5 });
      expect(paid.payment.status).toBe(paymentPb.PaymentStatus.CAPTURED);
      expect(paid.payment.fraudScore).toBe(0.25);
      expect([...paid.payment.receiptSignature]).toEqual([...key].reverse());
      const bank = await client.pay({
        orderId: 1n,
        method: { case: "bankTransfer", value: { iban: "DE89" } },
      });
      expect(bank.payment.id).toBe("pay_bank-DE89");
      expect(bank.payment.captured).toBe(false);
      await expect(client.getPayment({ paymentId: "p1" })).rejects.toMatchObject({
        code: Code.NotFound,
        rawMessage: "payment p1 not found",
      });
    });

    it("a PHP handler's not_found and invalid_argument (with violations) reach the TypeScript client", async () => {
      const client = order.createOrderServiceJsonClient(php.baseUrl);
      await expect(client.getOrder({ orderId: 5n })).rejects.toMatchObject({ code: Code.NotFound });
      const error = (await client
        .createOrder({ userId: 1n, items: [] })
        .catch((e: unknown) => e)) as ConnectError;
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toBe("an order needs at least one item");
      expect(error.details.map((d) => ("type" in d ? d.type : d.desc.typeName))).toEqual([
        "contractgen.v1.Violations",
      ]);
    });

    it("a request that breaks the contract gets invalid_argument listing every violation", async () => {
      const res = await fetch(`${php.baseUrl}/shop.order.v1.OrderService/CreateOrder`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: "abc", items: {}, colour: "red" }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as Any;
      expect(body.code).toBe("invalid_argument");
      const paths = body.details[0].debug.violations.map((v: { path: string }) => v.path);
      expect(paths).toEqual(expect.arrayContaining(["$.userId", "$.items", "$.colour"]));
    });

    it("JSON Schema service: typed client against the PHP server, errors with their codes", async () => {
      const client = stats.createStatsServiceClient({
        baseUrl: php.baseUrl,
        headers: { "x-caller": "retry" },
      });
      const ack = await client.trackEvent({
        eventId: "0f8fad5b-d9cb-469f-a165-70867728950e",
        occurredAt: "2026-11-22T09:59:59Z",
        sessionId: "sess_12345678",
        event: { kind: "page_view", path: "/products/42" },
      });
      expect(ack).toEqual({
        eventId: "0f8fad5b-d9cb-469f-a165-70867728950e",
        accepted: true,
        duplicate: true,
        receivedAt: "2026-11-22T10:00:00Z",
      });
      const report = await client.getDailyReport({ date: "2026-11-21", timezone: "Europe/Berlin" });
      expect(report).toMatchObject({
        timezone: "Europe/Berlin",
        eventCounts: { page_view: 120 },
        topSkus: [],
      });
      await expect(client.getDailyReport({ date: "1999-01-01" })).rejects.toMatchObject({
        code: Code.NotFound,
      });
      const invalid = (await client
        .trackEvent({
          eventId: "0f8fad5b-d9cb-469f-a165-70867728950e",
          occurredAt: "2026-11-22T09:59:59Z",
          sessionId: "x",
          event: { kind: "page_view", path: "/" },
        })
        .catch((e: unknown) => e)) as ConnectError;
      expect(invalid.code).toBe(Code.InvalidArgument);
      expect(invalid.rawMessage).toContain("$.sessionId");
    });

    it("a PHP server answering HTML (proxy error page) is a clear unavailable error in both TS clients", async () => {
      const client = order.createOrderServiceJsonClient(`${php.baseUrl}/html`);
      const error = (await client.getOrder({ orderId: 1n }).catch((e: unknown) => e)) as ConnectError;
      expect(error).toBeInstanceOf(ConnectError);
      expect(error.code).toBe(Code.Unavailable);
      const statsClient = stats.createStatsServiceClient({ baseUrl: `${php.baseUrl}/html` });
      const statsError = (await statsClient
        .getDailyReport({ date: "2026-11-21" })
        .catch((e: unknown) => e)) as ConnectError;
      expect(statsError.code).toBe(Code.Unavailable);
      expect(statsError.rawMessage).toContain("HTTP 502 without a Connect error body (text/html)");
    });

    it("a dead PHP server is unavailable", async () => {
      const client = order.createOrderServiceJsonClient(`http://127.0.0.1:${await freePort()}`);
      await expect(client.getOrder({ orderId: 1n })).rejects.toMatchObject({ code: Code.Unavailable });
    });
  });
});
