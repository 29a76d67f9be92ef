import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../codegen/generate.js";
import { createJsonServiceHandler } from "../runtime/index.js";
import { ROOT, removeDir, scratchDir } from "./helpers.js";

/**
 * One node:http server on 127.0.0.1 serving a proto service (connect-node, generated helpers) and the
 * JSON Schema service (contractgen runtime, generated module), called through the generated clients.
 */
describe("end to end: generated servers and clients over HTTP/1.1 on loopback", () => {
  let dir: string;
  let server: Server;
  let baseUrl: string;
  // biome-ignore lint/suspicious/noExplicitAny: modules are generated at test time and imported dynamically
  let order: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  let orderPb: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  let stats: any;

  beforeAll(async () => {
    dir = await scratchDir("e2e");
    const out = join(dir, "gen");
    await generate({ cwd: ROOT, out });
    order = await import(join(out, "ts/proto/shop/order/v1/order_contract.ts"));
    orderPb = await import(join(out, "ts/proto/shop/order/v1/order_pb.ts"));
    stats = await import(join(out, "ts/jsonschema/shop/stats/v1/stats_service.ts"));

    const orders = new Map<bigint, unknown>();
    const routes = (router: ConnectRouter) =>
      order.registerOrderService(router, {
        createOrder(req: { userId: bigint; items: unknown[]; metadata: Record<string, string> }) {
          if (req.items.length === 0)
            throw new ConnectError("an order needs at least one item", Code.InvalidArgument);
          const id = BigInt(orders.size + 1) + 9007199254740992n; // beyond 2^53: must survive as a string
          const created = create(orderPb.OrderSchema, {
            id,
            userId: req.userId,
            items: req.items,
            status: orderPb.OrderStatus.PENDING,
            metadata: req.metadata,
            createdAt: timestampFromDate(new Date("2026-11-22T10:00:00.123Z")),
          });
          orders.set(id, created);
          return { order: created };
        },
        getOrder(req: { orderId: bigint }) {
          const found = orders.get(req.orderId);
          if (!found) throw new ConnectError(`order ${req.orderId} not found`, Code.NotFound);
          return { order: found };
        },
        listOrders() {
          return { orders: [...orders.values()], nextPageToken: "" };
        },
      });
    const statsImpl = {
      trackEvent(req: { eventId: string }) {
        return { eventId: req.eventId, accepted: true, duplicate: false, receivedAt: "2026-11-22T10:00:00Z" };
      },
      getDailyReport(req: { date: string }) {
        if (req.date === "1999-01-01") throw new ConnectError("no report for that day", Code.NotFound);
        return { never: "valid" };
      },
    };
    server = createServer(
      createJsonServiceHandler([stats.statsServiceRegistration(statsImpl)], {
        fallback: connectNodeAdapter({ routes }),
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await removeDir(dir);
  });

  it("proto: creates and reads an order through the generated JSON client (int64 beyond 2^53 intact)", async () => {
    const client = order.createOrderServiceJsonClient(baseUrl);
    const created = await client.createOrder({
      userId: 42n,
      items: [{ skuId: 7n, quantity: 2 }],
      metadata: { channel: "ios-app" },
    });
    expect(created.order.id).toBe(9007199254740993n);
    expect(created.order.metadata).toEqual({ channel: "ios-app" });
    const got = await client.getOrder({ orderId: created.order.id });
    expect(got.order.userId).toBe(42n);
    expect(got.order.createdAt.nanos).toBe(123000000);
  });

  it("proto: a handler's Connect error reaches the client with its code", async () => {
    const client = order.createOrderServiceJsonClient(baseUrl);
    await expect(client.getOrder({ orderId: 1n })).rejects.toMatchObject({ code: Code.NotFound });
    await expect(client.createOrder({ userId: 1n, items: [] })).rejects.toMatchObject({
      code: Code.InvalidArgument,
    });
  });

  it("JSON Schema: the generated client calls TrackEvent and gets a validated response", async () => {
    const client = stats.createStatsServiceClient({ baseUrl });
    const res = await client.trackEvent({
      eventId: "0f8fad5b-d9cb-469f-a165-70867728950e",
      occurredAt: "2026-11-22T09:59:59Z",
      sessionId: "sess_12345678",
      event: { kind: "page_view", path: "/products/42" },
    });
    expect(res).toMatchObject({ eventId: "0f8fad5b-d9cb-469f-a165-70867728950e", accepted: true });
  });

  it("JSON Schema: an invalid request is rejected with invalid_argument naming the JSON path", async () => {
    const client = stats.createStatsServiceClient({ baseUrl, validateResponses: true });
    const error = await client
      .trackEvent({
        eventId: "not-a-uuid",
        occurredAt: "yesterday",
        sessionId: "x",
        event: { kind: "page_view" },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    expect((error as ConnectError).rawMessage).toContain("/eventId");
    expect((error as ConnectError).rawMessage).toContain('must match format "uuid"');
  });

  it("JSON Schema: a response that breaks the contract becomes internal, a handler error keeps its code", async () => {
    const client = stats.createStatsServiceClient({ baseUrl });
    await expect(client.getDailyReport({ date: "2026-11-21" })).rejects.toMatchObject({
      code: Code.Internal,
    });
    await expect(client.getDailyReport({ date: "1999-01-01" })).rejects.toMatchObject({
      code: Code.NotFound,
    });
  });

  it("JSON Schema: speaks the Connect protocol on the wire (status, content type, error JSON)", async () => {
    const res = await fetch(`${baseUrl}/shop.stats.v1.StatsService/TrackEvent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "[]",
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe("invalid_argument");
    const empty = await fetch(`${baseUrl}/shop.stats.v1.StatsService/TrackEvent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "",
    });
    expect(((await empty.json()) as { message: string }).message).toContain("request body is empty");
    const get = await fetch(
      `${baseUrl}/shop.stats.v1.StatsService/GetDailyReport?encoding=json&message=${encodeURIComponent('{"date":"1999-01-01"}')}`,
    );
    expect(get.status).toBe(404);
  });

  it("a dead server gives the client a clear unavailable error", async () => {
    const client = stats.createStatsServiceClient({ baseUrl: "http://127.0.0.1:1" });
    const error = (await client
      .getDailyReport({ date: "2026-11-21" })
      .catch((e: unknown) => e)) as ConnectError;
    expect(error.code).toBe(Code.Unavailable);
    expect(error.rawMessage).toContain("cannot reach http://127.0.0.1:1");
  });
});
