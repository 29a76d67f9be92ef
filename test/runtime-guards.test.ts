import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, describe, expect, it } from "vitest";
import { phpDateTimeToRfc3339 } from "../runtime/guard/datetime.js";
import { resolvePolicies } from "../runtime/guard/policy.js";
import { suggest } from "../runtime/guard/walk.js";
import {
  createBoundary,
  createGuardedNodeAdapter,
  createGuardMetrics,
  createJsonClient,
  createJsonServiceHandler,
  currentRequestId,
  type GuardEvent,
  isBoundaryError,
  loadWireSchemas,
  PITFALL_CODES,
  PITFALLS,
  requestIdInterceptor,
} from "../runtime/index.js";
import {
  StatsService,
  statsServiceRegistration,
} from "./golden/ts/jsonschema/shop/stats/v1/stats_service.js";
import { GetOrderResponseSchema, OrderService } from "./golden/ts/proto/shop/order/v1/order_pb.js";
import { GOLDEN_SCHEMAS } from "./runtime-php-corpus.js";

const schemas = loadWireSchemas(GOLDEN_SCHEMAS);

/** A small inline wire schema exercising every shape the guard plans know. */
const INLINE = [
  {
    $id: "urn:contractgen:t.v1.Thing",
    type: "object",
    properties: {
      count: { type: "integer" },
      price: { type: "number" },
      name: { type: "string" },
      flag: { type: "boolean" },
      at: { type: "string", format: "date-time" },
      big: { type: ["string", "integer"], pattern: "^-?[0-9]+$" },
      tags: { type: "array", items: { type: "string" } },
      labels: { type: "object", additionalProperties: { type: "string" } },
      child: { $ref: "urn:contractgen:t.v1.Child" },
      maybe: { anyOf: [{ type: "null" }, { $ref: "urn:contractgen:t.v1.Child" }] },
    },
    additionalProperties: false,
  },
  {
    $id: "urn:contractgen:t.v1.Child",
    type: "object",
    properties: { id: { type: "integer" } },
    additionalProperties: false,
  },
];

describe("guard classification (table)", () => {
  const migrate = createBoundary({ schemas: INLINE, policies: { preset: "migrate" } });
  const strict = createBoundary({ schemas: INLINE });
  it.each([
    // body, code, path, repaired value of the field (undefined: no repair)
    ['{"count":"12"}', "numeric_string", "/count", 12],
    ['{"count":"012"}', "numeric_string", "/count", undefined],
    ['{"count":"1.5"}', "numeric_string", "/count", undefined],
    ['{"price":"10.50"}', "numeric_string", "/price", 10.5],
    ['{"count":10.5}', "float_for_integer", "/count", undefined],
    ['{"name":42}', "number_for_string", "/name", "42"],
    ['{"name":4.2}', "number_for_string", "/name", undefined],
    ['{"name":12345678901234567890}', "number_for_string", "/name", "12345678901234567890"],
    ['{"big":12345678901234567890}', "unsafe_integer", "/big", "12345678901234567890"],
    ['{"count":-9007199254740993}', "unsafe_integer", "/count", undefined],
    ['{"flag":1}', "int_for_bool", "/flag", true],
    ['{"flag":0}', "int_for_bool", "/flag", false],
    ['{"flag":"1"}', "string_for_bool", "/flag", true],
    ['{"flag":""}', "string_for_bool", "/flag", false],
    ['{"flag":"yes"}', "wrong_type", "/flag", undefined],
    ['{"child":[]}', "empty_array_for_object", "/child", {}],
    ['{"child":false}', "false_for_object", "/child", undefined],
    ['{"child":null}', "null_for_required", "/child", undefined],
    ['{"tags":{"1":"b","0":"a"}}', "sparse_list_as_object", "/tags", ["a", "b"]],
    ['{"tags":{}}', "sparse_list_as_object", "/tags", []],
    ['{"tags":{"a":"b"}}', "wrong_type", "/tags", undefined],
    ['{"labels":["x","y"]}', "list_for_map", "/labels", { 0: "x", 1: "y" }],
    [
      '{"at":{"date":"2026-01-01 00:00:00.000000","timezone_type":1,"timezone":"-05:30"}}',
      "datetime_object",
      "/at",
      "2026-01-01T05:30:00Z",
    ],
    [
      '{"at":{"date":"2026-07-01 12:00:00.000000","timezone_type":2,"timezone":"CEST"}}',
      "datetime_object",
      "/at",
      undefined,
    ],
    ['{"child":{"idd":1}}', "unknown_key", "/child/idd", undefined],
    ['{"name":"\\ud83d"}', "lone_surrogate", "/name", undefined],
  ])("%s → %s at %s", (body, code, path, repaired) => {
    const error = (() => {
      try {
        strict.check("t.v1.Thing", body);
      } catch (e) {
        return e;
      }
    })();
    expect(isBoundaryError(error)).toBe(true);
    if (!isBoundaryError(error)) return;
    expect(error.violations.map((v) => [v.code, v.path])).toEqual([[code, path]]);
    const field = path.split("/")[1] as string;
    if (repaired !== undefined) {
      const r = migrate.check<Record<string, unknown>>("t.v1.Thing", body);
      expect(r.value[field]).toEqual(repaired);
      expect(r.findings.map((f) => f.action)).toEqual(["repaired"]);
    } else if (PITFALLS[code as keyof typeof PITFALLS].migrate !== "warn") {
      expect(() => migrate.check("t.v1.Thing", body)).toThrow();
    }
  });

  it("reports every violation at once, in payload order", () => {
    expect(() => strict.check("t.v1.Thing", '{"count":"1","flag":1,"child":[],"nme":"x"}')).toThrow(
      expect.objectContaining({
        violations: ["numeric_string", "int_for_bool", "empty_array_for_object", "unknown_key"].map((code) =>
          expect.objectContaining({ code }),
        ),
      }),
    );
  });

  it("ProtoJSON: null is the default, field names in either spelling, enums by name or number", () => {
    const proto = createBoundary({ schemas });
    const r = proto.check(
      "shop.order.v1.CreateOrderRequest",
      '{"user_id":"5","items":null,"note":null,"couponCode":null}',
    );
    expect(r.findings).toEqual([]);
    expect(proto.check("shop.order.v1.Order", '{"status":"ORDER_STATUS_PAID"}').findings).toEqual([]);
    expect(proto.check("shop.order.v1.Order", '{"status":2}').findings).toEqual([]);
  });
});

describe("recursive messages", () => {
  it("guards every level of a message that contains itself", () => {
    const tree = [
      {
        $id: "urn:contractgen:t.v1.Node",
        type: "object",
        properties: {
          name: { type: "string" },
          child: { anyOf: [{ type: "null" }, { $ref: "urn:contractgen:t.v1.Node" }] },
        },
        additionalProperties: false,
      },
    ];
    const b = createBoundary({ schemas: tree });
    expect(() => b.check("t.v1.Node", '{"child":{"child":{"name":5,"nam":"x"}}}')).toThrow(
      expect.objectContaining({
        violations: [
          expect.objectContaining({ code: "number_for_string", path: "/child/child/name" }),
          expect.objectContaining({ code: "unknown_key", path: "/child/child/nam" }),
        ],
      }),
    );
    expect(b.check("t.v1.Node", '{"child":{"child":null,"name":"a"}}').findings).toEqual([]);
  });
});

describe("did-you-mean", () => {
  it.each([
    ["ordr_id", ["orderId", "order_id", "amount"], "orderId"],
    ["OrderID", ["orderId", "order_id"], "orderId"],
    ["sesion_id", ["sessionId", "eventId"], "sessionId"],
    ["zzz", ["orderId", "amount"], undefined],
    ["amout", ["amount", "orderId"], "amount"],
  ] as const)("%s → %s", (key, names, want) => {
    expect(suggest(key, names)).toBe(want);
  });
});

describe("PHP DateTime → RFC 3339", () => {
  it.each([
    [
      { date: "2025-11-28 10:12:44.000000", timezone_type: 3, timezone: "Europe/Berlin" },
      "2025-11-28T09:12:44Z",
    ],
    [
      { date: "2025-07-01 10:12:44.500000", timezone_type: 3, timezone: "Europe/Berlin" },
      "2025-07-01T08:12:44.500Z",
    ],
    [{ date: "2025-03-30 02:30:00.000000", timezone_type: 3, timezone: "Europe/Berlin" }, undefined], // DST gap
    [{ date: "2025-10-26 02:30:00.000000", timezone_type: 3, timezone: "Europe/Berlin" }, undefined], // DST overlap
    [
      { date: "2025-01-01 00:00:00.000001", timezone_type: 3, timezone: "UTC" },
      "2025-01-01T00:00:00.000001Z",
    ],
    [{ date: "2025-01-01 00:00:00.000000", timezone_type: 3, timezone: "Mars/Olympus" }, undefined],
    [{ date: "2025-02-30 00:00:00.000000", timezone_type: 3, timezone: "UTC" }, undefined],
  ])("%j → %s", (value, want) => {
    expect(phpDateTimeToRfc3339(value)).toBe(want);
  });
});

describe("policies", () => {
  it("presets, then global, service and method overrides, the most specific winning", () => {
    const config = {
      preset: "migrate" as const,
      pitfalls: { numeric_string: "reject" as const },
      services: { "a.v1.S": { numeric_string: "warn" as const } },
      methods: { "a.v1.S/M": { numeric_string: "repair" as const } },
    };
    expect(resolvePolicies(config).numeric_string).toBe("reject");
    expect(resolvePolicies(config).empty_array_for_object).toBe("repair");
    expect(resolvePolicies(config, "a.v1.S").numeric_string).toBe("warn");
    expect(resolvePolicies(config, "a.v1.S", "M").numeric_string).toBe("repair");
    expect(resolvePolicies(config, "a.v1.S", "Other").numeric_string).toBe("warn");
    expect(resolvePolicies({}).empty_array_for_object).toBe("reject");
  });

  it("refuses a repair policy where no lossless repair exists, and unknown policies", () => {
    expect(() => resolvePolicies({ pitfalls: { false_for_object: "repair" } })).toThrow(/cannot be "repair"/);
    expect(() => resolvePolicies({ pitfalls: { numeric_string: "fix" as never } })).toThrow(
      /must be "reject"/,
    );
  });

  it("every catalogue entry is complete; strict rejects everything", () => {
    for (const code of PITFALL_CODES) {
      const p = PITFALLS[code];
      expect(p.code).toBe(code);
      expect(p.fix.length).toBeGreaterThan(10);
      expect(p.strict).toBe("reject");
      if (p.migrate === "repair") expect(p.repairable).toBe(true);
    }
  });

  it("warn passes the value on and reports it; unknown keys are dropped", () => {
    const events: GuardEvent[] = [];
    const b = createBoundary({
      schemas: INLINE,
      policies: { pitfalls: { numeric_string: "warn", unknown_key: "warn" } },
      observer: (e) => events.push(e),
    });
    const r = b.check("t.v1.Thing", '{"count":"7","cnt":1}', {
      service: "t.v1.S",
      method: "M",
      direction: "request",
    });
    expect(r.value).toEqual({ count: "7" });
    expect(events).toEqual([
      {
        code: "numeric_string",
        action: "warned",
        path: "/count",
        type: "t.v1.Thing",
        service: "t.v1.S",
        method: "M",
        direction: "request",
      },
      {
        code: "unknown_key",
        action: "warned",
        path: "/cnt",
        type: "t.v1.Thing",
        service: "t.v1.S",
        method: "M",
        direction: "request",
      },
    ]);
  });
});

describe("observer metrics", () => {
  it("counts decisions per code, action, service and method in the Prometheus format", () => {
    const metrics = createGuardMetrics();
    const b = createBoundary({
      schemas: INLINE,
      policies: { preset: "migrate" },
      observer: metrics.observer,
    });
    b.check("t.v1.Thing", '{"count":"1"}', { service: "t.v1.S", method: "M", direction: "request" });
    b.check("t.v1.Thing", '{"count":"2"}', { service: "t.v1.S", method: "M", direction: "request" });
    expect(() => b.check("t.v1.Thing", '{"child":false}')).toThrow();
    expect(metrics.prometheus()).toBe(
      [
        "# HELP contractgen_guard_total PHP pitfalls found at the boundary, by code and decision.",
        "# TYPE contractgen_guard_total counter",
        'contractgen_guard_total{code="false_for_object",action="rejected",service="",method="t.v1.Thing",direction="message"} 1',
        'contractgen_guard_total{code="numeric_string",action="repaired",service="t.v1.S",method="M",direction="request"} 2',
        "",
      ].join("\n"),
    );
  });
});

describe("request ids and GET requests through the runtime", () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });
  const listen = async (handler: Parameters<typeof createServer>[1]) => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it("a handler's outbound calls carry the incoming request id (JSON client and connect interceptor)", async () => {
    const seen: string[] = [];
    const downstream = await listen(
      createJsonServiceHandler(
        [
          statsServiceRegistration({
            trackEvent: (req, ctx) => {
              seen.push(`stats:${ctx.requestId}`);
              return {
                eventId: req.eventId,
                accepted: true,
                duplicate: false,
                receivedAt: "2026-01-01T00:00:00Z",
              };
            },
            getDailyReport: () => {
              throw new Error("unused");
            },
          }),
        ],
        {
          fallback: createGuardedNodeAdapter({
            routes: (router) =>
              router.service(OrderService, {
                getOrder: (_req, ctx) => {
                  seen.push(`order:${ctx.requestHeader.get("x-request-id")}`);
                  return create(GetOrderResponseSchema, {});
                },
              }),
          }),
        },
      ),
    );
    const statsClient = createJsonClient(StatsService, { baseUrl: downstream });
    const orderClient = createClient(
      OrderService,
      createConnectTransport({
        baseUrl: downstream,
        httpVersion: "1.1",
        interceptors: [requestIdInterceptor()],
      }),
    );
    const boundary = createBoundary({ schemas });
    const front = await listen(
      createGuardedNodeAdapter({
        boundary,
        routes: (router) =>
          router.service(OrderService, {
            async getOrder(req) {
              seen.push(`front:${currentRequestId()}`);
              await statsClient.trackEvent({
                eventId: "3f1c9a52-8d4e-4b7a-9f0e-2c6d1b8e7a41",
                occurredAt: "2026-01-01T00:00:00Z",
                sessionId: "s_12345678",
                event: { kind: "page_view", path: "/" },
              });
              await orderClient.getOrder({ orderId: req.orderId });
              return create(GetOrderResponseSchema, {});
            },
          }),
      }),
    );
    const res = await fetch(`${front}/shop.order.v1.OrderService/GetOrder`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-42" },
      body: '{"orderId":"7"}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("req-42");
    expect(seen).toEqual(["front:req-42", "stats:req-42", "order:req-42"]);
    // Without an incoming id one is created, and still propagated.
    seen.length = 0;
    const res2 = await fetch(`${front}/shop.order.v1.OrderService/GetOrder`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const created = res2.headers.get("x-request-id");
    expect(created).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen).toEqual([`front:${created}`, `stats:${created}`, `order:${created}`]);
  });

  it("GET requests (no_side_effects) are guarded too: repaired in migrate, rejected in strict", async () => {
    const got: bigint[] = [];
    const routes = (
      router: Parameters<NonNullable<Parameters<typeof createGuardedNodeAdapter>[0]["routes"]>>[0],
    ) =>
      router.service(OrderService, {
        getOrder: (req) => {
          got.push(req.orderId);
          return create(GetOrderResponseSchema, {});
        },
      });
    const migrate = await listen(
      createGuardedNodeAdapter({
        routes,
        boundary: createBoundary({ schemas, policies: { preset: "migrate" } }),
      }),
    );
    const strict = await listen(createGuardedNodeAdapter({ routes, boundary: createBoundary({ schemas }) }));
    const query = `?connect=v1&encoding=json&message=${encodeURIComponent('{"orderId":9007199254740993}')}`;
    const ok = await fetch(`${migrate}/shop.order.v1.OrderService/GetOrder${query}`);
    expect(ok.status).toBe(200);
    expect(got).toEqual([9007199254740993n]);
    const bad = await fetch(`${strict}/shop.order.v1.OrderService/GetOrder${query}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain(
      "/orderId: expected a 64-bit integer as a string, found the integer 9007199254740993",
    );
  });
});

describe("docs/pitfalls.md", () => {
  it("documents every code with the policies the presets really have", async () => {
    const { readFile } = await import("node:fs/promises");
    const doc = await readFile(new URL("../docs/pitfalls.md", import.meta.url), "utf8");
    for (const code of PITFALL_CODES) {
      const row = doc.split("\n").find((l) => l.startsWith(`| \`${code}\` |`));
      expect(row, `summary row of ${code}`).toBeDefined();
      const cells = (row ?? "").split("|").map((c) => c.trim());
      expect(cells[3], `${code} strict`).toBe(PITFALLS[code].strict);
      expect(cells[4]?.split(" ")[0], `${code} migrate`).toBe(PITFALLS[code].migrate);
      expect(
        doc.includes(`### \`${code}\``) || doc.includes(`\`${code}\`, `) || doc.includes(`, \`${code}\``),
        `section of ${code}`,
      ).toBe(true);
    }
  });

  it("prints every ProtoJSON rule of the acceptance table with its decisions, and no other", async () => {
    const { readFile } = await import("node:fs/promises");
    const { RULE_ACCEPTANCE } = await import("../runtime/guard/acceptance.js");
    const doc = await readFile(new URL("../docs/pitfalls.md", import.meta.url), "utf8");
    const rows = doc
      .split("\n")
      .filter((l) => /^\| `[a-z0-9_]+` \| .* \| (accept|reject) \| (accept|reject) \|/.test(l));
    const pitfalls = new Set<string>(PITFALL_CODES);
    const printed = rows
      .map((l) => l.split("|").map((c) => c.trim()))
      .filter((c) => !pitfalls.has(c[1]?.slice(1, -1) ?? ""));
    expect(printed.map((c) => c[1]?.slice(1, -1)).sort()).toEqual(Object.keys(RULE_ACCEPTANCE).sort());
    for (const cells of printed) {
      const rule = RULE_ACCEPTANCE[cells[1]?.slice(1, -1) as keyof typeof RULE_ACCEPTANCE];
      expect([cells[3], cells[4]], cells[1]).toEqual([rule.strict, rule.migrate]);
    }
  });
});

describe("configuration errors surface at startup", () => {
  it("a route, client or service whose message has no wire schema fails when it is created", async () => {
    const { createGuardedConnectTransport } = await import("../runtime/index.js");
    const boundary = createBoundary({ schemas: INLINE });
    expect(() => createGuardedNodeAdapter({ boundary, routes: (r) => r.service(OrderService, {}) })).toThrow(
      /shop.order.v1.OrderService\/CreateOrder: the boundary has no wire schema for shop.order.v1.CreateOrderRequest/,
    );
    expect(() =>
      createGuardedConnectTransport({ baseUrl: "http://127.0.0.1:1", boundary, services: [OrderService] }),
    ).toThrow(/no wire schema for shop.order.v1.CreateOrderResponse/);
    expect(() => createJsonClient(StatsService, { baseUrl: "http://127.0.0.1:1", boundary })).toThrow(
      /no wire schema for shop.stats.v1.TrackEventResponse/,
    );
  });

  it("a failing observer does not fail the call it observes", () => {
    const b = createBoundary({
      schemas: INLINE,
      policies: { preset: "migrate" },
      observer: () => {
        throw new Error("exporter down");
      },
    });
    expect(b.check("t.v1.Thing", '{"count":"3"}').value).toEqual({ count: 3 });
  });
});
