/**
 * Wires the shop (`shop.ts`) to the generated code: the four proto services on connect-node through
 * `createGuardedNodeAdapter`, StatsService (JSON Schema) through `createJsonServiceHandler`, one boundary
 * (guards + validation, strict) for both, and `GET /healthz` for readiness.
 */
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { fromJson, toJson, type DescService } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { createBoundary, createGuardedNodeAdapter, createJsonServiceHandler, loadWireSchemas } from "contractgen/runtime";
import { InventoryService } from "../gen/ts/proto/shop/inventory/v1/inventory_pb.ts";
import { OrderService } from "../gen/ts/proto/shop/order/v1/order_pb.ts";
import { PaymentService } from "../gen/ts/proto/shop/payment/v1/payment_pb.ts";
import { UserService } from "../gen/ts/proto/shop/user/v1/user_pb.ts";
import { statsServiceRegistration } from "../gen/ts/jsonschema/shop/stats/v1/stats_service.ts";
import { loadSeed, Shop } from "./shop.ts";

// biome-ignore lint/suspicious/noExplicitAny: plain JSON values
type J = any;

/**
 * Implements every method of a proto service with the shop method of the same local name: the request
 * message goes to ProtoJSON, the shop's JSON answer becomes the response message.
 */
function viaJson(router: ConnectRouter, service: DescService, shop: Shop): void {
  const impl: Record<string, (req: J) => J> = {};
  for (const method of service.methods) {
    const run = (shop as unknown as Record<string, (req: J) => J>)[method.localName]!.bind(shop);
    impl[method.localName] = (req: J) => fromJson(method.output, run(toJson(method.input, req)));
  }
  router.service(service, impl as never);
}

/** Creates the shop's HTTP server (not yet listening). */
export function createShopServer(options: { genDir: string; seedFile: string; clock: string }): Server {
  const shop = new Shop(loadSeed(options.seedFile), options.clock);
  // Strict, except that `[]` for a map or message is read as `{}` (PHP has one array type); the PHP shop's
  // Dispatcher has the same policy (examples/shop/php/router.php), so both accept the same requests.
  const boundary = createBoundary({
    schemas: loadWireSchemas(join(options.genDir, "schema")),
    policies: { preset: "strict", pitfalls: { empty_array_for_object: "repair" } },
  });
  const stats = statsServiceRegistration({
    trackEvent: (req) => shop.trackEvent(req),
    getDailyReport: (req) => shop.getDailyReport(req),
  });
  const handler = createJsonServiceHandler([stats], {
    boundary,
    fallback: createGuardedNodeAdapter({
      boundary,
      routes: (router) => {
        for (const service of [UserService, OrderService, PaymentService, InventoryService]) viaJson(router, service, shop);
      },
      // An unknown path answers like the PHP dispatcher: a Connect `unimplemented` error, not a bare 404.
      fallback: (req, res) => {
        const path = new URL(req.url ?? "/", "http://localhost").pathname;
        const message = `no method ${path}: expected POST /<package>.<Service>/<Method>`;
        res.writeHead(501, { "content-type": "application/json" }).end(JSON.stringify({ code: "unimplemented", message }));
      },
    }),
  });
  return createServer((req, res) => {
    if (req.method === "GET" && req.url === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      return;
    }
    handler(req, res);
  });
}
