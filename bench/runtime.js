// Benchmark of the runtime boundary (issue 4). Run after `npm run build`: `node bench/runtime.js`.
// 1. JSON.parse + guards + validation against JSON.parse alone, for a ~2 KB order (OrderCreated, ajv
//    validator compiled at generation time) and a ~64 KB list (ListOrdersResponse, ajv compiled from its
//    wire schema at startup).
// 2. Requests per second of a connect-node server (CreateOrder, unary Connect JSON) with the runtime on
//    (createGuardedNodeAdapter + boundary) against the same server with it off (connectNodeAdapter),
//    load generated on 127.0.0.1 by a child process for a bounded time.
// Prints figures measured in this run; no assertions.
import { fork, spawnSync } from "node:child_process";
import { Agent, createServer, request as httpRequest } from "node:http";
import { registerHooks } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  createBoundary,
  createGuardedNodeAdapter,
  createWireValidators,
  loadWireSchemas,
} from "../dist/runtime/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

// The proto service comes from the golden protoc-gen-es output (TypeScript with enums): let Node
// transform its types, re-running this file with the flag when it is missing.
if (!process.execArgv.includes("--experimental-transform-types")) {
  const r = spawnSync(
    process.execPath,
    [
      "--experimental-transform-types",
      "--no-warnings",
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: "inherit" },
  );
  process.exit(r.status ?? 1);
}
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONCURRENCY = 16;

if (process.argv[2] === "load") {
  // Child: keep CONCURRENCY requests in flight against argv[3] for argv[4] ms, print the count.
  const [url, ms, body] = [process.argv[3], Number(process.argv[4]), process.argv[5]];
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const end = Date.now() + ms;
  let done = 0;
  let failed = 0;
  const one = () =>
    new Promise((resolve) => {
      const req = httpRequest(
        url,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === 200) done++;
            else failed++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        failed++;
        resolve();
      });
      req.end(body);
    });
  const worker = async () => {
    while (Date.now() < end) await one();
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  process.send?.({ done, failed, ms });
  agent.destroy();
  process.exit(0);
}

const schemas = loadWireSchemas(join(ROOT, "test/golden/schema"));
const { validateOrderCreated } = await import("../test/golden/ts/jsonschema/shop/events/v1/validators.js");
// The proto message has no generated ajv validator: compile its wire schema at run time (same ajv
// configuration as the generated validators).
const { "shop.order.v1.ListOrdersResponse": validateListOrders } = createWireValidators(schemas, [
  "shop.order.v1.ListOrdersResponse",
]);

// ~2 KB OrderCreated (JSON Schema contract).
const line = (i) => ({
  skuId: 100000 + i,
  productName: `Espresso machine X${200 + i}, stainless steel`,
  quantity: 1 + (i % 3),
  unitPrice: { currency: "EUR", amountMinor: 24900 + i },
});
const order = {
  eventId: "0b6e2f9c-5a41-4d8e-b3c7-91f2e4a6d015",
  occurredAt: "2025-11-28T09:12:44Z",
  orderId: 7310442,
  userId: 48213,
  customerEmail: "erika.mustermann@example.com",
  channel: "web",
  items: Array.from({ length: 14 }, (_, i) => line(i)),
  total: { currency: "EUR", amountMinor: 26198 },
  shippingAddress: {
    recipientName: "Erika Mustermann",
    lines: ["Heidestraße 17", "2. OG links"],
    city: "Köln",
    postalCode: "51147",
    countryCode: "DE",
    phoneNumber: "+4922112345678",
  },
  couponCode: "BF-2025",
  metadata: { campaign: "black-friday", source: "newsletter" },
};
// ~64 KB ListOrdersResponse (proto contract, ProtoJSON).
const protoOrder = (i) => ({
  id: String(9007199254740993n + BigInt(i)),
  userId: "48213",
  status: "ORDER_STATUS_PAID",
  createdAt: "2025-11-28T09:12:44.123Z",
  items: [
    {
      skuId: "100234",
      quantity: 1,
      productName: "Espresso machine X200",
      unitPrice: { currencyCode: "EUR", units: "249", nanos: 0 },
    },
    {
      skuId: "100871",
      quantity: 2,
      productName: "Descaler, 500 ml",
      unitPrice: { currencyCode: "EUR", units: "8", nanos: 990000000 },
    },
  ],
  total: { currencyCode: "EUR", units: "261", nanos: 980000000 },
  metadata: { channel: "ios-app" },
  shippingAddress: {
    recipientName: "Erika Mustermann",
    lines: ["Heidestraße 17"],
    city: "Köln",
    postalCode: "51147",
    countryCode: "DE",
  },
});
const list = {
  orders: Array.from({ length: 100 }, (_, i) => protoOrder(i)),
  nextPageToken: "eyJwYWdlIjoyfQ",
  totalSize: "1234",
};
const orderText = JSON.stringify(order);
const listText = JSON.stringify(list);

const validators = {
  "shop.events.v1.OrderCreated": validateOrderCreated,
  "shop.order.v1.ListOrdersResponse": validateListOrders,
};
// The boundary as shipped: one compiled pass for guards and constraints, the walk only on failure.
const boundary = createBoundary({ schemas, validators });
// Baseline in the same run: the guard walk then the ajv validator, two passes (`compile: false`).
const twoPass = createBoundary({ schemas, validators, compile: false });

function timeIt(fn, iterations) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - start) / iterations;
}

function parseBench(name, type, text, iterations) {
  const variants = {
    parse: () => JSON.parse(text),
    guards: () => boundary.check(type, text, {}, { validate: false }),
    all: () => boundary.check(type, text),
    walk: () => twoPass.check(type, text),
  };
  if (variants.all().findings.length !== 0 || variants.walk().findings.length !== 0)
    throw new Error(`${name}: the payload should be clean`);
  for (let i = 0; i < 3; i++) for (const fn of Object.values(variants)) timeIt(fn, iterations / 4); // warm up
  const times = { parse: [], guards: [], all: [], walk: [] };
  // Rounds alternate between the variants; the fastest round of each is the least disturbed by other
  // work on the machine.
  for (let r = 0; r < 15; r++)
    for (const [k, fn] of Object.entries(variants)) times[k].push(timeIt(fn, iterations));
  const min = (a) => Math.min(...a);
  const [p, g, a, w] = [min(times.parse), min(times.guards), min(times.all), min(times.walk)];
  const us = (t) => `${(t / 1000).toFixed(1).padStart(6)} µs`;
  console.log(
    `${name.padEnd(32)} ${(text.length / 1024).toFixed(1).padStart(5)} KB  JSON.parse ${us(p)} | +guards ${us(g)} ${(g / p).toFixed(2)}× | +guards+validation ${us(a)} ${(a / p).toFixed(2)}× | two passes (walk, then ajv) ${us(w)} ${(w / p).toFixed(2)}×`,
  );
}

console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.log(
  "— parse: JSON.parse + guards + validation vs JSON.parse alone (fastest of 15 alternating rounds)",
);
parseBench("OrderCreated (JSON Schema, ajv)", "shop.events.v1.OrderCreated", orderText, 4000);
parseBench("ListOrdersResponse (proto, ajv)", "shop.order.v1.ListOrdersResponse", listText, 200);

// Server throughput.
// protoc-gen-es output imports its siblings as `./x_pb.js`: resolve those to the golden `.ts` files.
registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (e) {
      if (specifier.startsWith(".") && specifier.endsWith("_pb.js"))
        return next(`${specifier.slice(0, -3)}.ts`, context);
      throw e;
    }
  },
});
const { OrderService, CreateOrderResponseSchema } = await import(
  "../test/golden/ts/proto/shop/order/v1/order_pb.ts"
);
const routes = (router) =>
  router.service(OrderService, { createOrder: () => create(CreateOrderResponseSchema, {}) });
const requestBody = JSON.stringify({
  userId: "48213",
  items: Array.from({ length: 6 }, (_, i) => ({
    skuId: String(100234 + i),
    quantity: 1 + i,
    productName: "Espresso machine X200",
    unitPrice: { currencyCode: "EUR", units: "249", nanos: 0 },
  })),
  metadata: { channel: "ios-app" },
  couponCode: "BF-2025",
  shippingAddress: {
    recipientName: "Erika Mustermann",
    lines: ["Heidestraße 17"],
    city: "Köln",
    postalCode: "51147",
    countryCode: "DE",
  },
});

async function serve(handler) {
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}
async function load(server) {
  const url = `http://127.0.0.1:${server.address().port}/shop.order.v1.OrderService/CreateOrder`;
  const child = fork(
    fileURLToPath(import.meta.url),
    ["load", url, String(LOAD_SECONDS * 1000), requestBody],
    { stdio: "inherit" },
  );
  const result = await new Promise((resolve) => child.on("message", resolve));
  await new Promise((resolve) => child.on("exit", resolve));
  if (result.failed > 0) console.log(`  (${result.failed} failed requests)`);
  return result.done / (result.ms / 1000);
}
const off = await serve(connectNodeAdapter({ routes }));
const on = await serve(createGuardedNodeAdapter({ routes, boundary }));
console.log(
  `— server: CreateOrder (${requestBody.length} B request), ${CONCURRENCY} connections, ${LOAD_SECONDS} s per round, rounds alternate`,
);
const rates = { off: [], on: [] };
for (let round = 0; round < 3; round++) {
  rates.off.push(await load(off));
  rates.on.push(await load(on));
}
const best = (a) => Math.max(...a);
console.log(
  `runtime off (connectNodeAdapter)      ${best(rates.off).toFixed(0).padStart(7)} req/s  (rounds: ${rates.off.map((r) => r.toFixed(0)).join(", ")})`,
);
console.log(
  `runtime on  (createGuardedNodeAdapter) ${best(rates.on).toFixed(0).padStart(6)} req/s  (rounds: ${rates.on.map((r) => r.toFixed(0)).join(", ")})`,
);
console.log(
  `throughput with the runtime: ${((best(rates.on) / best(rates.off)) * 100).toFixed(1)}% of without`,
);
off.close();
on.close();
