import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type DescMessage, fromJson, type JsonValue } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createBoundary,
  createGuardedNodeAdapter,
  createJsonServiceHandler,
  isBoundaryError,
  loadWireSchemas,
  protoJsonCheck,
  type Validator,
} from "../runtime/index.js";
import { validateOrderCreated } from "./golden/ts/jsonschema/shop/events/v1/validators.js";
import { statsServiceRegistration } from "./golden/ts/jsonschema/shop/stats/v1/stats_service.js";
import { validateTrackEventRequest } from "./golden/ts/jsonschema/shop/stats/v1/validators.js";
import { CreateOrderRequestSchema, OrderService } from "./golden/ts/proto/shop/order/v1/order_pb.js";
import { PayRequestSchema } from "./golden/ts/proto/shop/payment/v1/payment_pb.js";
import { GOLDEN_SCHEMAS } from "./runtime-php-corpus.js";

const schemas = loadWireSchemas(GOLDEN_SCHEMAS);

/** An independent ajv compiled from the same wire schemas: the referee of "a valid value". */
function referee(): (type: string, value: unknown) => boolean {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: false,
    allowUnionTypes: true,
    discriminator: true,
    ownProperties: true,
    keywords: ["x-enum-descriptions", "x-contractgen-breaking-ignore"],
  });
  addFormats.default(ajv);
  for (const s of schemas) ajv.addSchema(s as object);
  return (type, value) => ajv.validate(`urn:contractgen:${type}`, value) as boolean;
}

/** Deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS: readonly {
  type: string;
  value: unknown;
  proto?: DescMessage;
  validator?: Validator<unknown>;
}[] = [
  {
    type: "shop.events.v1.OrderCreated",
    validator: validateOrderCreated,
    value: {
      eventId: "0b6e2f9c-5a41-4d8e-b3c7-91f2e4a6d015",
      occurredAt: "2025-11-28T09:12:44Z",
      orderId: 7310442,
      userId: 48213,
      customerEmail: "erika.mustermann@example.com",
      channel: "web",
      items: [
        {
          skuId: 100234,
          productName: "Espresso machine X200",
          quantity: 1,
          unitPrice: { currency: "EUR", amountMinor: 24900 },
        },
      ],
      total: { currency: "EUR", amountMinor: 24900 },
      shippingAddress: {
        recipientName: "Erika",
        lines: ["Heidestraße 17"],
        city: "Köln",
        postalCode: "51147",
        countryCode: "DE",
        phoneNumber: null,
      },
      couponCode: null,
      metadata: { campaign: "bf" },
    },
  },
  {
    type: "shop.stats.v1.TrackEventRequest",
    validator: validateTrackEventRequest,
    value: {
      eventId: "3f1c9a52-8d4e-4b7a-9f0e-2c6d1b8e7a41",
      occurredAt: "2025-11-21T14:03:27.512Z",
      sessionId: "s_9KfT2xQm4L",
      userId: 5,
      event: { kind: "add_to_cart", skuId: 1, quantity: 2, unitPrice: { currency: "EUR", amountMinor: 100 } },
      attributes: { a: "b" },
      tags: ["x"],
    },
  },
  {
    type: "shop.order.v1.CreateOrderRequest",
    proto: CreateOrderRequestSchema,
    value: {
      userId: "9007199254740993",
      items: [{ skuId: "100234", quantity: 1 }],
      metadata: { channel: "ios" },
      note: "ring twice",
    },
  },
  {
    type: "shop.payment.v1.PayRequest",
    proto: PayRequestSchema,
    value: {
      orderId: "7310442",
      amount: { currencyCode: "EUR", units: "261", nanos: 980000000 },
      idempotencyKey: "AQEBAQEBAQEBAQEBAQEBAQ==",
      capture: true,
    },
  },
];

const ODD_VALUES: readonly unknown[] = [
  [],
  {},
  "1",
  "0",
  "",
  1,
  0,
  10.5,
  false,
  true,
  null,
  "9007199254740993",
  { date: "2025-11-28 10:12:44.000000", timezone_type: 3, timezone: "Europe/Berlin" },
  { "0": "a", "2": "b" },
  ["a", "b"],
  { __proto__: 1 },
  "\ud800",
  -0,
  1e308,
];

/** A random mutation of a valid value, at the value level. */
function mutateValue(v: unknown, rnd: () => number): unknown {
  const copy = structuredClone(v);
  const paths: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const visit = (x: unknown) => {
    if (Array.isArray(x))
      x.forEach((_, i) => {
        paths.push({ parent: x, key: i });
        visit(x[i]);
      });
    else if (typeof x === "object" && x !== null)
      for (const k of Object.keys(x)) {
        paths.push({ parent: x as Record<string, unknown>, key: k });
        visit((x as Record<string, unknown>)[k]);
      }
  };
  visit(copy);
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n && paths.length > 0; i++) {
    const p = paths[Math.floor(rnd() * paths.length)] as (typeof paths)[number];
    const r = rnd();
    const odd = ODD_VALUES[Math.floor(rnd() * ODD_VALUES.length)];
    if (r < 0.6) (p.parent as Record<string, unknown>)[p.key] = structuredClone(odd);
    else if (r < 0.75 && !Array.isArray(p.parent)) {
      const k = String(p.key);
      const val = p.parent[k];
      delete p.parent[k];
      p.parent[`${k.slice(0, -1)}${String.fromCharCode(97 + Math.floor(rnd() * 26))}`] = val;
    } else if (r < 0.85 && !Array.isArray(p.parent)) delete p.parent[String(p.key)];
    else (p.parent as Record<string, unknown>)[p.key] = [[[[{ x: odd }]]]];
  }
  return copy;
}

/** A random mutation of the text: deletions, insertions, truncation, BOM, PHP output, huge numbers. */
function mutateText(text: string, rnd: () => number): string | Uint8Array {
  const at = Math.floor(rnd() * text.length);
  switch (Math.floor(rnd() * 9)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 5));
    case 1:
      return text.slice(0, at) + '{}[],:"0123456789.-eE\\ntfu'[Math.floor(rnd() * 26)] + text.slice(at);
    case 2:
      return text.slice(0, at);
    case 3:
      return `\ufeff${text}`;
    case 4:
      return `\nWarning: Undefined variable $x in /app/a.php on line 3\n${text}`;
    case 5:
      return text.replace(/[0-9]+/, "123456789012345678901234567890");
    case 6: {
      const b = Buffer.from(text);
      b[Math.floor(rnd() * b.length)] = 0xc0 + Math.floor(rnd() * 64);
      return b;
    }
    case 7:
      return text.replace(/"[a-z]/, '"\\udc00');
    default:
      return `${"[".repeat(1000)}${"]".repeat(1000)}`;
  }
}

describe("hostile input", () => {
  const boundary = createBoundary({ schemas, policies: { preset: "migrate" } });

  it.each<[string, string, () => string | Uint8Array]>([
    ["100k nested arrays", "too_deep", () => "[".repeat(100_000) + "]".repeat(100_000)],
    ["100k nested objects", "too_deep", () => '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000)],
    ["unterminated 100k nesting", "invalid_json", () => "[".repeat(100_000)],
    [
      "invalid UTF-8",
      "invalid_utf8",
      () => Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    ],
    ["overlong UTF-8", "invalid_utf8", () => Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d])],
    ["lone surrogate in a value", "lone_surrogate", () => '{"fields":{"a":{"stringValue":"\\ud800"}}}'],
    ["lone surrogate in a key", "lone_surrogate", () => '{"fields":{"\\udfff":{"stringValue":"x"}}}'],
  ])("%s ends in a typed error (%s)", (_name, code, body) => {
    let error: unknown;
    try {
      boundary.check("google.protobuf.Struct", body());
    } catch (e) {
      error = e;
    }
    expect(isBoundaryError(error), String(error)).toBe(true);
    if (isBoundaryError(error)) expect(error.violations.map((v) => v.code)).toContain(code);
  });

  it("a 50 MB body ends in resource_exhausted, above the limit or over the array limit", () => {
    const huge = `[${"1,".repeat(25 * 1024 * 1024 - 1)}1]`;
    expect(() => boundary.check("google.protobuf.ListValue", huge)).toThrow(
      expect.objectContaining({ code: 8, violations: [expect.objectContaining({ code: "body_too_large" })] }),
    );
    const roomy = createBoundary({ schemas, limits: { maxBodyBytes: 64 * 1024 * 1024 } });
    expect(() => roomy.check("google.protobuf.ListValue", huge)).toThrow(
      expect.objectContaining({
        code: 8,
        violations: [expect.objectContaining({ code: "array_too_long", path: "" })],
      }),
    );
  });

  it("__proto__, constructor and prototype keys pollute nothing, whatever the policy", () => {
    const body =
      '{"__proto__":{"polluted":1},"metadata":{"__proto__":{"polluted":2},"constructor":"x","prototype":"y","ok":"1"},"userId":"1"}';
    expect(() => boundary.check("shop.order.v1.CreateOrderRequest", body)).toThrow(
      expect.objectContaining({
        violations: [
          expect.objectContaining({ code: "forbidden_key", path: "/__proto__" }),
          expect.objectContaining({ code: "forbidden_key", path: "/metadata/__proto__" }),
          expect.objectContaining({ code: "forbidden_key", path: "/metadata/constructor" }),
          expect.objectContaining({ code: "forbidden_key", path: "/metadata/prototype" }),
        ],
      }),
    );
    const lenient = createBoundary({ schemas, policies: { pitfalls: { forbidden_key: "warn" } } });
    const { value } = lenient.check<Record<string, Record<string, unknown>>>(
      "shop.order.v1.CreateOrderRequest",
      body,
    );
    expect(Object.keys(value)).toEqual(["metadata", "userId"]);
    expect(Object.keys(value.metadata ?? {})).toEqual(["ok"]);
    const message = fromJson(CreateOrderRequestSchema, value as JsonValue);
    expect(message.metadata).toEqual({ ok: "1" });
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.getPrototypeOf(message.metadata)).toBe(Object.prototype);
  });

  it(`seeded fuzz: 12,000 mutated payloads each end in a valid value or the typed error`, () => {
    const rnd = prng(20261122);
    const valid = referee();
    const strict = createBoundary({ schemas, limits: { maxDepth: 32 }, validators: {} });
    let values = 0;
    let errors = 0;
    for (let i = 0; i < 12_000; i++) {
      const seed = SEEDS[i % SEEDS.length] as (typeof SEEDS)[number];
      const validators: Record<string, Validator<unknown> | ReturnType<typeof protoJsonCheck>> = {};
      if (seed.validator) validators[seed.type] = seed.validator;
      if (seed.proto) validators[seed.type] = protoJsonCheck(seed.proto);
      const b =
        i % 2 === 0 ? createBoundary({ schemas, validators, policies: { preset: "migrate" } }) : strict;
      const mutated = mutateValue(seed.value, rnd);
      const input = rnd() < 0.5 ? mutateText(JSON.stringify(mutated), rnd) : JSON.stringify(mutated);
      try {
        const { value } = b.check(seed.type, input);
        // A value that passed: JSON-serialisable (no bigint left), and valid when validation ran.
        JSON.stringify(value);
        if (b !== strict) {
          expect(valid(seed.type, value), `case ${i}: ${String(input).slice(0, 200)}`).toBe(true);
          if (seed.proto) fromJson(seed.proto, value as JsonValue);
        }
        values++;
      } catch (e) {
        if (!isBoundaryError(e))
          throw new Error(`case ${i} threw ${String(e)} for ${String(input).slice(0, 300)}`);
        expect(e.violations.length).toBeGreaterThan(0);
        errors++;
      }
    }
    expect(values + errors).toBe(12_000);
    expect(values).toBeGreaterThan(100);
    expect(errors).toBeGreaterThan(100);
  });
});

describe("hostile input over HTTP", () => {
  let server: Server;
  let url: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    const boundary = createBoundary({ schemas });
    const routes = (router: ConnectRouter) =>
      router.service(OrderService, {
        createOrder: () => ({}),
        getOrder: () => ({}),
        listOrders: () => ({}),
      } as never);
    server = createServer(
      createJsonServiceHandler(
        [
          statsServiceRegistration({
            trackEvent: () => {
              throw new Error("unreachable");
            },
            getDailyReport: () => {
              throw new Error("unreachable");
            },
          }),
        ],
        { boundary, fallback: createGuardedNodeAdapter({ routes, boundary }) },
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    process.off("unhandledRejection", onUnhandled);
  });

  it.each([["/shop.order.v1.OrderService/CreateOrder"], ["/shop.stats.v1.StatsService/TrackEvent"]])(
    "%s: 100k nesting, 50 MB, invalid UTF-8 and lone surrogates get Connect errors; the server keeps serving",
    async (path) => {
      const post = (body: string | Uint8Array) =>
        fetch(url + path, { method: "POST", headers: { "content-type": "application/json" }, body });
      const cases: [string | Uint8Array, number, string][] = [
        ["[".repeat(100_000) + "]".repeat(100_000), 400, "invalid_argument"],
        [Buffer.alloc(50 * 1024 * 1024, 0x20), 429, "resource_exhausted"],
        [Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 400, "invalid_argument"],
        ['{"userId":"\\ud800"}', 400, "invalid_argument"],
      ];
      for (const [body, status, code] of cases) {
        const r = await post(body).catch((e: unknown) => e);
        if (r instanceof Response) {
          expect(r.status).toBe(status);
          expect(((await r.json()) as { code: string }).code).toBe(code);
        } else {
          // A 50 MB upload may be cut off by the server once the limit is passed: the client sees a reset.
          expect(status).toBe(429);
        }
      }
      const ok = await post(path.includes("Order") ? '{"userId":"1"}' : "{}");
      expect([200, 400]).toContain(ok.status);
      expect(unhandled).toEqual([]);
    },
  );
});
