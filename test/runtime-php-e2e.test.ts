import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { type ConnectRouter, createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Boundary,
  createBoundary,
  createGuardedConnectTransport,
  createGuardedNodeAdapter,
  createGuardMetrics,
  createJsonClient,
  createJsonServiceHandler,
  isBoundaryError,
  loadWireSchemas,
  type Preset,
  VIOLATIONS_DETAIL_TYPE,
} from "../runtime/index.js";
import {
  StatsService,
  statsServiceRegistration,
} from "./golden/ts/jsonschema/shop/stats/v1/stats_service.js";
import { CreateOrderResponseSchema, OrderService } from "./golden/ts/proto/shop/order/v1/order_pb.js";
import { PaymentService, PayResponseSchema } from "./golden/ts/proto/shop/payment/v1/payment_pb.js";
import { ROOT } from "./helpers.js";
import {
  type CorpusCase,
  GOLDEN_SCHEMAS,
  HAVE_PHP,
  HAVE_PHP_CURL,
  loadCorpus,
} from "./runtime-php-corpus.js";

const schemas = HAVE_PHP ? loadWireSchemas(GOLDEN_SCHEMAS) : [];

/** The RPC each request type of the corpus is sent to. */
const ROUTE_OF: Readonly<Record<string, string>> = {
  "shop.payment.v1.PayRequest": "/shop.payment.v1.PaymentService/Pay",
  "shop.order.v1.CreateOrderRequest": "/shop.order.v1.OrderService/CreateOrder",
  "shop.stats.v1.TrackEventRequest": "/shop.stats.v1.StatsService/TrackEvent",
};

interface Received {
  readonly method: string;
  readonly request: unknown;
  readonly requestId: string | undefined;
}

/** A node:http server with the JSON Schema service and two proto services, the runtime enabled. */
async function startServer(
  received: Received[],
  boundary: Boundary,
): Promise<{ server: Server; url: string }> {
  const routes = (router: ConnectRouter) => {
    router.service(PaymentService, {
      pay(req, ctx) {
        received.push({
          method: "Pay",
          request: { orderId: req.orderId, capture: req.capture },
          requestId: ctx.requestHeader.get("x-request-id") ?? undefined,
        });
        return create(PayResponseSchema, {});
      },
    });
    router.service(OrderService, {
      createOrder(req, ctx) {
        received.push({
          method: "CreateOrder",
          request: { userId: req.userId },
          requestId: ctx.requestHeader.get("x-request-id") ?? undefined,
        });
        return create(CreateOrderResponseSchema, {});
      },
    });
  };
  const handler = createJsonServiceHandler(
    [
      statsServiceRegistration({
        trackEvent(request, ctx) {
          received.push({ method: "TrackEvent", request, requestId: ctx.requestId });
          return {
            eventId: request.eventId,
            accepted: true,
            duplicate: false,
            receivedAt: "2025-11-21T14:03:28Z",
          };
        },
        getDailyReport() {
          throw new Error("not used");
        },
      }),
    ],
    { boundary, fallback: createGuardedNodeAdapter({ routes, boundary }) },
  );
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.skipIf(!HAVE_PHP_CURL)("PHP client → connect-node / JSON Schema server with the runtime", () => {
  const cases: CorpusCase[] = HAVE_PHP ? loadCorpus() : [];
  const rpcCases = cases.filter((c) => c.code !== null && ROUTE_OF[c.type] !== undefined);
  // Body-level accidents are the same whatever the method: send them to TrackEvent.
  const bodyCases = cases.filter((c) => c.path === "" && c.correct === null);
  const servers: Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });

  for (const preset of ["strict", "migrate"] as const) {
    it(`${preset}: every corpus request is rejected with its code and path, or repaired to the correct value`, async () => {
      const received: Received[] = [];
      const metrics = createGuardMetrics();
      const boundary = createBoundary({ schemas, policies: { preset }, observer: metrics.observer });
      const { server, url } = await startServer(received, boundary);
      servers.push(server);
      const all = [...rpcCases, ...bodyCases];
      expect(rpcCases.length).toBeGreaterThanOrEqual(10);
      const calls = all.map((c, i) => ({
        url: url + (ROUTE_OF[c.type] ?? ROUTE_OF["shop.stats.v1.TrackEventRequest"]),
        body: c.body,
        requestId: `php-${preset}-${i}`,
      }));
      const results = await new Promise<{ status: number; body: string; requestId: string | null }[]>(
        (resolve, reject) => {
          // The PHP client blocks on the server in this process: run it without blocking the event loop.
          const child: ChildProcess = spawn("php", [join(ROOT, "test/php-corpus/client.php")]);
          let out = "";
          let err = "";
          child.stdout?.on("data", (d) => (out += d));
          child.stderr?.on("data", (d) => (err += d));
          child.on("close", (code) =>
            code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`php client: ${err}`)),
          );
          child.stdin?.end(
            JSON.stringify(
              calls.map((c) => ({ url: c.url, body: c.body.toString("base64"), requestId: c.requestId })),
            ),
          );
        },
      );
      all.forEach((c, i) => {
        const r = results[i];
        expect(r?.requestId, c.name).toBe(`php-${preset}-${i}`);
        const repairs = preset === "migrate" && c.correct !== null;
        const warned = preset === "migrate" && c.code === "unknown_key";
        if (repairs || warned) {
          // The handler saw the repaired value (unknown keys are dropped under warn, then validation decides).
          if (repairs) {
            expect(r?.status, `${c.name}: ${r?.body}`).toBe(200);
            const got = received.find((x) => x.requestId === `php-${preset}-${i}`);
            const correct = JSON.parse((c.correct as Buffer).toString("utf8"));
            if (c.type === "shop.stats.v1.TrackEventRequest") expect(got?.request).toEqual(correct);
            if (c.type === "shop.payment.v1.PayRequest")
              expect(got?.request).toEqual({ orderId: BigInt(correct.orderId), capture: correct.capture });
            if (c.type === "shop.order.v1.CreateOrderRequest")
              expect(got?.request).toEqual({ userId: BigInt(correct.userId) });
          }
          return;
        }
        expect(r?.status, `${c.name}: ${r?.body}`).toBe(400);
        const error = JSON.parse(r?.body ?? "{}");
        expect(error.code).toBe("invalid_argument");
        const detail = error.details.find((d: { type: string }) => d.type === VIOLATIONS_DETAIL_TYPE);
        const violations = JSON.parse(Buffer.from(detail.value, "base64").toString("utf8")).violations;
        expect(
          violations.map((v: { code: string; path: string }) => [v.code, v.path]),
          c.name,
        ).toContainEqual([c.code, c.path]);
      });
      // Every decision was counted per code, service and method.
      expect(metrics.prometheus()).toMatch(
        /contractgen_guard_total\{code="numeric_string",action="(rejected|repaired)",service="shop.stats.v1.StatsService",method="TrackEvent",direction="request"\} [1-9]/,
      );
    });
  }
});

describe.skipIf(!HAVE_PHP)("PHP server (php -S) → TypeScript clients with the runtime", () => {
  let php: ChildProcess;
  let url: string;
  beforeAll(async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    url = `http://127.0.0.1:${port}`;
    php = spawn("php", ["-S", `127.0.0.1:${port}`, join(ROOT, "test/php-corpus/server.php")], {
      stdio: "ignore",
    });
    for (let i = 0; i < 100; i++) {
      try {
        await fetch(`${url}/ping`);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error("php -S did not start");
  });
  afterAll(() => {
    php?.kill();
  });

  const boundary = (preset: Preset) => createBoundary({ schemas, policies: { preset } });
  const correct = async (path: string, body: unknown) => {
    const r = await fetch(url + path, {
      method: "POST",
      headers: { "content-type": "application/json", "x-scenario": "correct" },
      body: JSON.stringify(body),
    });
    return r.json();
  };
  const track = {
    eventId: "3f1c9a52-8d4e-4b7a-9f0e-2c6d1b8e7a41",
    occurredAt: "2025-11-21T14:03:27.512Z",
    sessionId: "s_9KfT2xQm4L",
    event: { kind: "page_view", path: "/" },
  };

  it.each([
    [
      "trackEvent",
      "pdo",
      track,
      [
        ["string_for_bool", "/accepted"],
        ["int_for_bool", "/duplicate"],
        ["datetime_object", "/receivedAt"],
      ],
    ],
    ["trackEvent", "warning", track, [["php_output_before_json", ""]]],
    [
      "getDailyReport",
      "pdo",
      { date: "2025-11-21" },
      [
        ["empty_array_for_object", "/eventCounts"],
        ["sparse_list_as_object", "/topSkus"],
      ],
    ],
  ] as const)("JSON Schema client: %s (%s)", async (method, scenario, request, expected) => {
    const headers = { "x-scenario": scenario };
    const strict = createJsonClient(StatsService, { baseUrl: url, boundary: boundary("strict"), headers });
    const error = await (strict[method] as (r: unknown) => Promise<unknown>)(request).catch(
      (e: unknown) => e,
    );
    expect(isBoundaryError(error), String(error)).toBe(true);
    if (!isBoundaryError(error)) return;
    for (const [code, path] of expected)
      expect(error.violations.map((v) => [v.code, v.path])).toContainEqual([code, path]);
    const migrate = createJsonClient(StatsService, { baseUrl: url, boundary: boundary("migrate"), headers });
    const value = await (migrate[method] as (r: unknown) => Promise<unknown>)(request);
    const path = `/shop.stats.v1.StatsService/${method === "trackEvent" ? "TrackEvent" : "GetDailyReport"}`;
    expect(value).toEqual(await correct(path, request));
  });

  it("proto client (guarded Connect transport): int64 beyond 2^53, empty map and DateTime from PHP", async () => {
    const transport = (preset: Preset) =>
      createGuardedConnectTransport({ baseUrl: url, boundary: boundary(preset), services: [OrderService] });
    const headers = { "x-scenario": "pdo" };
    const strict = createClient(OrderService, transport("strict"));
    const error = await strict.createOrder({}, { headers }).catch((e: unknown) => e);
    expect(isBoundaryError(error), String(error)).toBe(true);
    if (!isBoundaryError(error)) return;
    expect(error.violations.map((v) => [v.code, v.path])).toEqual([
      ["unsafe_integer", "/order/id"],
      ["empty_array_for_object", "/order/metadata"],
      ["datetime_object", "/order/createdAt"],
    ]);
    const migrate = createClient(OrderService, transport("migrate"));
    const res = await migrate.createOrder({}, { headers });
    expect(res.order?.id).toBe(9007199254740993n); // exact: not rounded to …992
    const good = await createClient(OrderService, transport("strict")).createOrder(
      {},
      { headers: { "x-scenario": "correct" } },
    );
    expect(res).toEqual(good);
  });
});
