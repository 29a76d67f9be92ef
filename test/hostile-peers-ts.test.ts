import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { gzipSync } from "node:zlib";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Boundary,
  createBoundary,
  createContractServer,
  createGuardedNodeAdapter,
  createJsonServiceHandler,
  isBoundaryError,
  LIMITS,
  loadWireSchemas,
} from "../runtime/index.js";
import {
  createStatsServiceClient,
  statsServiceRegistration,
} from "./golden/ts/jsonschema/shop/stats/v1/stats_service.js";
import {
  createOrderServiceJsonClient,
  registerOrderService,
} from "./golden/ts/proto/shop/order/v1/order_contract.js";
import {
  CreateOrderRequestSchema,
  CreateOrderResponseSchema,
  GetOrderResponseSchema,
} from "./golden/ts/proto/shop/order/v1/order_pb.js";
import { GOLDEN_SCHEMAS } from "./runtime-php-corpus.js";

/**
 * Hostile peers against the TS runtime (issue #18): a hostile HTTP server against every generated TS
 * client, and a hostile client against both TS servers. Each case asserts the typed outcome and that
 * the victim's memory stays bounded (RSS of this process, where the victim runs).
 */
const schemas = loadWireSchemas(GOLDEN_SCHEMAS);
const boundary: Boundary = createBoundary({ schemas });
const MB = 1024 * 1024;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

/** Runs `fn` and returns its result with the RSS growth it caused, in MB. */
async function rssDelta<T>(fn: () => Promise<T>): Promise<{ value: T; mb: number }> {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    if (process.env["HOSTILE_RSS"]) console.log(`RSS +${((peak - before) / MB).toFixed(1)} MB`);
    return { value, mb: (peak - before) / MB };
  } finally {
    clearInterval(timer);
  }
}

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("expected the call to fail, it succeeded");
}

// ---------------------------------------------------------------------------------------------------
// A hostile server
type Mode = (req: IncomingMessage, res: ServerResponse) => void;
const BOMB = gzipSync(Buffer.alloc(256 * MB), { level: 9 }); // ~250 KB that decompress to 256 MB
const JUNK = Buffer.alloc(MB, 0x20);

const MODES: Record<string, Mode> = {
  "gzip bomb": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
    res.end(BOMB);
  },
  "huge body (50 MB)": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    let n = 0;
    const more = () => {
      while (n < 50 && res.write(JUNK)) n++;
      if (n >= 50) res.end();
      else res.once("drain", () => more());
    };
    more();
  },
  "endless body": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const more = () => {
      if (res.destroyed) return;
      while (res.write(JUNK)) if (res.destroyed) return;
      res.once("drain", more);
    };
    res.write("{");
    more();
  },
  "drip-fed body": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const timer = setInterval(() => res.write(" "), 50);
    res.on("close", () => clearInterval(timer));
  },
  "cross-origin 307": (_req, res) => {
    res.writeHead(307, { location: `${elsewhere}/steal` });
    res.end();
  },
  "invalid UTF-8": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(Buffer.concat([Buffer.from('{"eventId":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]));
  },
  "error JSON with status 200": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ code: "not_found", message: "no such order" }));
  },
  "huge error body": (_req, res) => {
    res.writeHead(500, { "content-type": "application/json" });
    let n = 0;
    const more = () => {
      while (n < 50 && res.write(JUNK)) n++;
      if (n >= 50) res.end();
      else res.once("drain", () => more());
    };
    more();
  },
};
const EXPECTED: Record<string, Code> = {
  "gzip bomb": Code.Internal, // compression was not offered
  "huge body (50 MB)": Code.ResourceExhausted,
  "endless body": Code.ResourceExhausted,
  "drip-fed body": Code.DeadlineExceeded,
  "cross-origin 307": Code.Internal,
  "invalid UTF-8": Code.Internal,
  "error JSON with status 200": Code.Internal,
  "huge error body": Code.Unknown, // HTTP 500 without a Connect error body
};

let mode: Mode = () => {};
let hostile: Server;
let other: Server;
let base = "";
let elsewhere = "";
let stolen = 0;

beforeAll(async () => {
  hostile = createServer((req, res) => {
    req.resume();
    mode(req, res);
  });
  other = createServer((req, res) => {
    stolen++;
    req.resume();
    res.end("{}");
  });
  base = await listen(hostile);
  elsewhere = await listen(other);
});
afterAll(() => {
  hostile.closeAllConnections();
  hostile.close();
  other.close();
});

const CLIENTS: Record<string, (timeoutMs: number) => () => Promise<unknown>> = {
  "JSON Schema client": (timeoutMs) => {
    const c = createStatsServiceClient({ baseUrl: base, timeoutMs });
    return () => c.trackEvent({} as never);
  },
  "JSON Schema client + boundary": (timeoutMs) => {
    const c = createStatsServiceClient({ baseUrl: base, timeoutMs, boundary });
    return () => c.trackEvent({} as never);
  },
  "proto JSON client": (timeoutMs) => {
    const c = createOrderServiceJsonClient(base, { timeoutMs });
    return () => c.createOrder({});
  },
  "proto JSON client + boundary": (timeoutMs) => {
    const c = createOrderServiceJsonClient(base, { timeoutMs, boundary });
    return () => c.createOrder({});
  },
};

describe("a hostile server against every generated TS client: a typed error, bounded memory", () => {
  const rows = Object.keys(CLIENTS).flatMap((client) => Object.keys(MODES).map((m) => [client, m] as const));
  it.each(rows)("%s ← %s", async (client, name) => {
    mode = MODES[name] as Mode;
    const call = (CLIENTS[client] as (t: number) => () => Promise<unknown>)(
      name === "drip-fed body" ? 400 : 5000,
    );
    const started = Date.now();
    const { value: error, mb } = await rssDelta(() => failure(call()));
    expect(error.code, error.message).toBe(EXPECTED[name]);
    expect(mb).toBeLessThan(64);
    expect(Date.now() - started).toBeLessThan(4000);
    if (name === "cross-origin 307") {
      expect(error.message).toContain(`${elsewhere}/steal`);
      expect(stolen).toBe(0);
    }
    if (name === "error JSON with status 200") expect(error.message).toContain("protocol error");
  });

  it("a JSON client with compression on: the bomb is resource_exhausted, bounded while it decompresses", async () => {
    mode = MODES["gzip bomb"] as Mode;
    const c = createStatsServiceClient({ baseUrl: base, compression: true });
    const { value: error, mb } = await rssDelta(() => failure(c.trackEvent({} as never)));
    expect(error.code, error.message).toBe(Code.ResourceExhausted);
    expect(mb).toBeLessThan(64);
  });

  it("every client has a default deadline (30 s), overridable per call", async () => {
    expect(LIMITS.clientTimeoutMs).toBe(30_000);
    mode = MODES["drip-fed body"] as Mode;
    const c = createStatsServiceClient({ baseUrl: base });
    const error = await failure(c.trackEvent({} as never, { timeoutMs: 300 }));
    expect(error.code).toBe(Code.DeadlineExceeded);
  });
});

// ---------------------------------------------------------------------------------------------------
// A hostile client against the TS servers
const LIMITS_FOR_TEST = {
  headersTimeoutMs: 800,
  requestTimeoutMs: 1500,
  keepAliveTimeoutMs: 500,
  maxConnections: 64,
};

let jsonServer: Server;
let protoServer: Server;
let jsonBase = "";
let protoBase = "";
let slowHandler: () => Promise<void> = async () => {};

beforeAll(async () => {
  jsonServer = createContractServer(
    createJsonServiceHandler(
      [
        statsServiceRegistration({
          trackEvent: async (r) => {
            await slowHandler();
            return {
              eventId: r.eventId,
              accepted: true,
              duplicate: false,
              receivedAt: new Date().toISOString(),
            };
          },
          getDailyReport: () => {
            throw new ConnectError("none", Code.NotFound);
          },
        }),
      ],
      { boundary, limits: { maxConcurrentRequests: 8 } },
    ),
    LIMITS_FOR_TEST,
  );
  protoServer = createContractServer(
    createGuardedNodeAdapter({
      boundary,
      routes: (router) =>
        registerOrderService(router, {
          createOrder: () => create(CreateOrderResponseSchema, {}),
          getOrder: () => create(GetOrderResponseSchema, {}),
          listOrders: () => ({}) as never,
        }),
    }),
    LIMITS_FOR_TEST,
  );
  jsonBase = await listen(jsonServer);
  protoBase = await listen(protoServer);
});
afterAll(() => {
  for (const s of [jsonServer, protoServer]) {
    s.closeAllConnections();
    s.close();
  }
});

/** One raw request; resolves with status and body (or the socket error's code). */
function raw(
  url: string,
  init: { method?: string; headers?: Record<string, string | number>; body?: Buffer | string },
): Promise<{ status: number; body: string; length: number }> {
  return new Promise((resolve) => {
    const req = request(url, { method: init.method ?? "POST", headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, body: body.toString(), length: body.length });
      });
      res.on("error", () => resolve({ status: res.statusCode ?? 0, body: "", length: 0 }));
    });
    req.on("error", (e: NodeJS.ErrnoException) =>
      resolve({ status: 0, body: e.code ?? e.message, length: 0 }),
    );
    if (init.body !== undefined) req.end(init.body);
    else req.end();
  });
}

const CREATE = "/shop.order.v1.OrderService/CreateOrder";
const TRACK = "/shop.stats.v1.StatsService/TrackEvent";
const REPORT = "/shop.stats.v1.StatsService/GetDailyReport";
const GETORDER = "/shop.order.v1.OrderService/GetOrder";

describe("a hostile client against the TS servers: client errors are 4xx, bounded, the server keeps serving", () => {
  it("a 300 MB application/proto body is refused by its content-length, before protobuf-es sees it", async () => {
    const { value, mb } = await rssDelta(() =>
      raw(`${protoBase}${CREATE}`, {
        headers: { "content-type": "application/proto", "content-length": 300 * MB },
        body: Buffer.alloc(64 * 1024),
      }),
    );
    expect(value.status).toBe(429);
    expect(value.body).toContain("resource_exhausted");
    expect(mb).toBeLessThan(64);
  });

  it("a chunked body without a length (binary and JSON) stops at maxBodyBytes", async () => {
    for (const [url, type] of [
      [`${protoBase}${CREATE}`, "application/proto"],
      [`${protoBase}${CREATE}`, "application/json"],
      [`${jsonBase}${TRACK}`, "application/json"],
    ] as const) {
      const { value, mb } = await rssDelta(
        () =>
          new Promise<number>((resolve) => {
            const req = request(url, { method: "POST", headers: { "content-type": type } }, (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            });
            req.on("error", () => resolve(-1));
            let sent = 0;
            const more = () => {
              while (sent < 40 && req.write(JUNK)) sent++;
              if (sent < 40) req.once("drain", more);
              else req.end();
            };
            more();
          }),
      );
      expect([429, -1]).toContain(value);
      expect(mb).toBeLessThan(64);
    }
  });

  it("a malformed binary body is invalid_argument (400), not internal", async () => {
    const r = await raw(`${protoBase}${CREATE}`, {
      headers: { "content-type": "application/proto" },
      body: Buffer.from([0x0a, 0x0a, 0x01]), // a field of 10 bytes, one sent
    });
    expect(r.status).toBe(400);
    const ok = await raw(`${protoBase}${CREATE}`, {
      headers: { "content-type": "application/proto" },
      body: Buffer.from(toBinary(CreateOrderRequestSchema, create(CreateOrderRequestSchema, { userId: 1n }))),
    });
    expect(ok.status).toBe(200);
  });

  it("GET with invalid UTF-8 in the message is invalid_argument, as in a POST body (both servers)", async () => {
    const json = await raw(
      `${jsonBase}${REPORT}?connect=v1&encoding=json&message=%7B%22date%22%3A%22%FF%22%7D`,
      {
        method: "GET",
      },
    );
    expect(json.status).toBe(400);
    expect(json.body).toContain("invalid_utf8");
    const proto = await raw(
      `${protoBase}${GETORDER}?connect=v1&encoding=json&message=%7B%22id%22%3A%22%FF%22%7D`,
      {
        method: "GET",
      },
    );
    expect(proto.status).toBe(400);
    expect(proto.body).toContain("invalid_utf8");
  });

  it("1e400 in a google.protobuf.Struct is invalid_argument, not an unlogged internal", async () => {
    const body = '{"userId":"1","items":[{"skuId":"1","quantity":1,"attributes":{"x":1e400}}]}';
    const r = await raw(`${protoBase}${CREATE}`, { headers: { "content-type": "application/json" }, body });
    expect(r.status).toBe(400);
    expect(r.body).toContain("finite");
  });

  it("200k unknown keys: a small error with 100 violations and a count of the rest, no stack overflow", async () => {
    const keys = Array.from({ length: 200_000 }, (_, i) => `"k${i}":1`).join(",");
    for (const url of [`${protoBase}${CREATE}`, `${jsonBase}${TRACK}`]) {
      const r = await raw(url, { headers: { "content-type": "application/json" }, body: `{${keys}}` });
      // A body this size is heavy; under no other load the budget admits it.
      expect(r.status, r.body.slice(0, 300)).toBe(400);
      expect(r.length).toBeLessThan(128 * 1024);
      expect(r.body).toContain("stopped after 100 violations");
    }
  });

  it("compressed requests are invalid_argument (nothing is decompressed)", async () => {
    const r = await raw(`${protoBase}${CREATE}`, {
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: BOMB,
    });
    expect(r.status).toBe(400);
  });

  it("slowloris (headers a byte at a time) and a stalled body are closed by the server's timeouts", async () => {
    const port = Number(new URL(protoBase).port);
    const closedAfter = (write: (s: Socket) => void) =>
      new Promise<number>((resolve) => {
        const started = Date.now();
        const s = connect(port, "127.0.0.1", () => write(s));
        s.on("data", () => {});
        s.on("error", () => {});
        s.on("close", () => resolve(Date.now() - started));
      });
    const [slowloris, stalled] = await Promise.all([
      closedAfter((s) => {
        const text = `POST ${CREATE} HTTP/1.1\r\nhost: x\r\nx-a: ${"a".repeat(100)}`;
        let i = 0;
        const timer = setInterval(() => {
          if (s.destroyed || i >= text.length) return clearInterval(timer);
          s.write(text[i++] as string);
        }, 50);
      }),
      closedAfter((s) => {
        s.write(
          `POST ${CREATE} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"us`,
        );
      }),
    ]);
    expect(slowloris).toBeLessThan(LIMITS_FOR_TEST.headersTimeoutMs + 1500);
    expect(stalled).toBeLessThan(LIMITS_FOR_TEST.requestTimeoutMs + 1500);
  });

  it("idle keep-alive connections are closed after keepAliveTimeoutMs", async () => {
    const port = Number(new URL(jsonBase).port);
    const idleFor = await new Promise<number>((resolve) => {
      const s = connect(port, "127.0.0.1", () => {
        s.write(`GET ${REPORT}?connect=v1&encoding=json&message=%7B%7D HTTP/1.1\r\nhost: x\r\n\r\n`);
      });
      let answered = 0;
      s.on("data", () => {
        answered ||= Date.now();
      });
      s.on("error", () => {});
      s.on("close", () => resolve(Date.now() - answered));
    });
    expect(idleFor).toBeLessThan(LIMITS_FOR_TEST.keepAliveTimeoutMs + 1500);
  });

  it("a connection flood (500 idle sockets on loopback) is capped; good requests succeed once it is shed", async () => {
    const port = Number(new URL(protoBase).port);
    const { mb } = await rssDelta(async () => {
      const sockets: Socket[] = [];
      for (let i = 0; i < 500; i++) {
        const s = connect(port, "127.0.0.1");
        s.on("error", () => {});
        sockets.push(s);
      }
      await sleep(200);
      const open = await new Promise<number>((resolve) =>
        protoServer.getConnections((_e, n) => {
          resolve(n);
        }),
      );
      expect(open).toBeLessThanOrEqual(LIMITS_FOR_TEST.maxConnections);
      // The held sockets send nothing: the headers timeout frees them.
      await sleep(LIMITS_FOR_TEST.headersTimeoutMs + 1200);
      const good = await raw(`${protoBase}${CREATE}`, {
        headers: { "content-type": "application/json" },
        body: '{"userId":"1"}',
      });
      expect(good.status).toBe(200);
      for (const s of sockets) s.destroy();
    });
    expect(mb).toBeLessThan(64);
  });

  it("a request loop of hostile bodies (2,000 requests, 3 s at most): typed answers, the server keeps serving", async () => {
    const bodies = [
      Buffer.from([0xff, 0xfe, 0x7b]),
      "[".repeat(100_000),
      '{"userId": 1e400}',
      '{"__proto__": {"x": 1}}',
      "",
      "<html>",
    ];
    const end = Date.now() + 3000;
    const statuses = new Map<number, number>();
    const { mb } = await rssDelta(async () => {
      let sent = 0;
      const worker = async () => {
        while (sent < 2000 && Date.now() < end) {
          const body = bodies[sent++ % bodies.length] as string | Buffer;
          const r = await raw(`${protoBase}${CREATE}`, {
            headers: { "content-type": "application/json" },
            body,
          });
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    });
    for (const status of statuses.keys()) expect([400, 429]).toContain(status);
    // Clients and server share this process, so its RSS moves with the clients' garbage and the load on
    // the machine (64-104 MB seen): a sanity bound against runaway growth (a 100,000-deep nesting parsed
    // recursively per request would take gigabytes), not a measure of the server alone.
    expect(mb).toBeLessThan(192);
    const good = await raw(`${protoBase}${CREATE}`, {
      headers: { "content-type": "application/json" },
      body: '{"userId":"1"}',
    });
    expect(good.status).toBe(200);
  });

  it("more than maxConcurrentRequests at once: the rest get resource_exhausted (429) at once", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    slowHandler = () => gate;
    const body = JSON.stringify({
      eventId: "3f1c9a52-8d4e-4b7a-9f0e-2c6d1b8e7a41",
      occurredAt: "2025-11-21T14:03:27.512Z",
      sessionId: "s_9KfT2xQm4L",
      event: { kind: "page_view", path: "/" },
    });
    const calls = Array.from({ length: 12 }, () =>
      raw(`${jsonBase}${TRACK}`, { headers: { "content-type": "application/json" }, body }),
    );
    await sleep(300);
    release();
    slowHandler = async () => {};
    const statuses = (await Promise.all(calls)).map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBe(4);
    expect(statuses.filter((s) => s !== 429).every((s) => s === 200 || s === 400)).toBe(true);
  });

  it("the boundary's BoundaryError carries the count of the violations it left out", () => {
    const keys = Array.from({ length: 500 }, (_, i) => `"k${i}":1`).join(",");
    try {
      boundary.check("shop.order.v1.CreateOrderRequest", `{${keys}}`);
      throw new Error("accepted");
    } catch (e) {
      expect(isBoundaryError(e)).toBe(true);
      if (isBoundaryError(e)) {
        expect(e.violations.length).toBe(100);
        expect(e.truncated).toBe(true);
      }
    }
  });
});
