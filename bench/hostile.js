// Benchmark of the server under hostile load (issue #18). Run with `npm run bench -- hostile`.
// Good traffic (CreateOrder, unary Connect JSON, 16 keep-alive connections from a child process) against
// each target with 0 % and with 10 % hostile load (2 more connections, from a second child process,
// sending heavy hostile bodies back to back: 1 MB of 100k unknown keys, 4 MB lists of nested objects,
// invalid UTF-8 at the end of 1 MB). Prints good requests per second in both runs, their ratio, how the
// hostile requests were answered and the server's peak RSS. Nothing here asserts a time.
//
// Targets: the TS server (createGuardedNodeAdapter + boundary, createContractServer). PHP hook: a PHP
// target under php-fpm is one more entry of TARGETS ({ name, start() → { url, stop(), peakRssMb() } }):
// the example shop's PHP implementation under `contractgen serve-php` (php-fpm behind nginx).
import { fork, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { registerHooks } from "node:module";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import {
  createBoundary,
  createContractServer,
  createGuardedNodeAdapter,
  loadWireSchemas,
} from "../dist/runtime/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
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
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const GOOD_CONNECTIONS = 16;
const HOSTILE_CONNECTIONS = 2;
const PATH = "/shop.order.v1.OrderService/CreateOrder";

const goodBody = JSON.stringify({
  userId: "48213",
  items: Array.from({ length: 6 }, (_, i) => ({
    skuId: String(100234 + i),
    quantity: 1 + i,
    productName: "Espresso machine X200",
    unitPrice: { currencyCode: "EUR", units: "249", nanos: 0 },
  })),
  metadata: { channel: "ios-app" },
  shippingAddress: {
    recipientName: "Erika",
    lines: ["Heidestraße 17"],
    city: "Köln",
    postalCode: "51147",
    countryCode: "DE",
  },
});

function hostileBodies() {
  const keys = `{${Array.from({ length: 100_000 }, (_, i) => `"k${i}":1`).join(",")}}`;
  const nested = JSON.stringify({
    userId: "1",
    items: Array.from({ length: 40_000 }, () => ({ skuId: "1", quantity: 1, productName: "x".repeat(60) })),
  });
  const utf8 = Buffer.concat([
    Buffer.from(`{"userId":"1","note":"${"a".repeat(1024 * 1024)}`),
    Buffer.from([0xff, 0x22, 0x7d]),
  ]);
  return [Buffer.from(keys), Buffer.from(nested), utf8];
}

if (process.argv[2] === "load") {
  // Child: keep `connections` requests in flight for `ms`, good or hostile bodies; report the counts.
  const [url, ms, kind, connections] = [
    process.argv[3],
    Number(process.argv[4]),
    process.argv[5],
    Number(process.argv[6]),
  ];
  const bodies = kind === "good" ? [Buffer.from(goodBody)] : hostileBodies();
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const end = Date.now() + ms;
  const statuses = {};
  let n = 0;
  const one = () =>
    new Promise((resolve) => {
      const body = bodies[n++ % bodies.length];
      const req = httpRequest(
        url,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": body.length },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on("error", () => {
        statuses.error = (statuses.error ?? 0) + 1;
        resolve();
      });
      req.end(body);
    });
  const worker = async () => {
    while (Date.now() < end) await one();
  };
  await Promise.all(Array.from({ length: connections }, worker));
  process.send?.({ statuses, ms });
  agent.destroy();
  process.exit(0);
}

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

const TARGETS = [
  {
    name: "TS server (createGuardedNodeAdapter + boundary, createContractServer)",
    async start() {
      const boundary = createBoundary({ schemas: loadWireSchemas(join(ROOT, "test/golden/schema")) });
      const server = createContractServer(
        createGuardedNodeAdapter({
          boundary,
          routes: (router) =>
            router.service(OrderService, { createOrder: () => create(CreateOrderResponseSchema, {}) }),
        }),
      );
      await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
      return {
        url: `http://127.0.0.1:${server.address().port}${PATH}`,
        stop: () =>
          new Promise((resolve) => {
            server.closeAllConnections();
            server.close(resolve);
          }),
        // The server runs in this process: its peak RSS is this process's.
        peakRssMb: () => process.resourceUsage().maxRSS / 1024,
      };
    },
  },
  {
    // The generated OrderService of the example shop (examples/shop/gen) with an empty CreateOrder, as the
    // TS target (bench/php/hostile-order-router.php), under `contractgen serve-php`: 4 php-fpm workers
    // behind nginx. Peak RSS: the largest php-fpm worker's.
    name: "PHP (generated Dispatcher, contractgen serve-php: php-fpm, 4 workers, behind nginx)",
    async start() {
      const { findBinaries } = await import("../dist/codegen/serve-php/index.js");
      const bins = findBinaries();
      if (!bins.nginx || !bins.phpFpm) {
        console.log(
          "— PHP (php-fpm + nginx): skipped, nginx or php-fpm missing (apt-get install nginx php8.2-fpm)",
        );
        return undefined;
      }
      if (!existsSync(join(ROOT, "examples/shop/gen/php/autoload.php")))
        spawnSync(
          process.execPath,
          ["dist/cli/bin.js", "generate", "--target", "ts,php", "--out", "examples/shop/gen"],
          {
            cwd: ROOT,
            stdio: "inherit",
          },
        );
      const port = await new Promise((resolve) => {
        const s = createNetServer().listen(0, "127.0.0.1", () => {
          const p = s.address().port;
          s.close(() => resolve(p));
        });
      });
      const state = mkdtempSync(join(tmpdir(), "bench-hostile-php-"));
      const child = spawn(
        process.execPath,
        [
          "dist/cli/bin.js",
          "serve-php",
          "--port",
          String(port),
          "--workers",
          "4",
          "bench/php/hostile-order-router.php",
        ],
        { cwd: ROOT, env: { ...process.env, SHOP_STATE_DIR: state }, stdio: ["ignore", "pipe", "inherit"] },
      );
      // Stopped with this process even when it fails half-way.
      process.on("exit", () => child.kill("SIGTERM"));
      await new Promise((resolve, reject) => {
        child.stdout.on("data", (b) => String(b).includes("listening on") && resolve());
        child.once("exit", (code) => reject(new Error(`serve-php exited with ${code}`)));
      });
      const workers = () =>
        readdirSync("/proc")
          .filter((p) => /^\d+$/.test(p))
          .filter((p) => {
            try {
              return (
                readFileSync(`/proc/${p}/cmdline`, "latin1").startsWith("php-fpm: pool") &&
                readFileSync(`/proc/${p}/status`, "latin1").includes(`PPid:\t${fpmMaster()}\n`)
              );
            } catch {
              return false;
            }
          });
      const fpmMaster = () =>
        readdirSync("/proc").find((p) => {
          try {
            return (
              /^\d+$/.test(p) &&
              readFileSync(`/proc/${p}/status`, "latin1").includes(`PPid:\t${child.pid}\n`) &&
              readFileSync(`/proc/${p}/cmdline`, "latin1").startsWith("php-fpm: master")
            );
          } catch {
            return false;
          }
        });
      let peak = 0;
      const sample = setInterval(() => {
        for (const p of workers()) {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "latin1"));
            if (m) peak = Math.max(peak, Number(m[1]) / 1024);
          } catch {
            // A worker replaced (pm.max_requests) between listing and reading.
          }
        }
      }, 200);
      return {
        url: `http://127.0.0.1:${port}${PATH}`,
        stop: async () => {
          clearInterval(sample);
          const gone = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          await gone;
          rmSync(state, { recursive: true, force: true });
        },
        peakRssMb: () => peak,
      };
    },
  },
];

function load(url, kind, connections) {
  const child = fork(
    fileURLToPath(import.meta.url),
    ["load", url, String(SECONDS * 1000), kind, String(connections)],
    {
      stdio: "inherit",
      execArgv: ["--experimental-transform-types", "--no-warnings"],
    },
  );
  return new Promise((resolve) => child.on("message", resolve));
}
const good = (r) => (r.statuses[200] ?? 0) / (r.ms / 1000);

console.log(`node ${process.version}, ${new Date().toISOString()}, ${SECONDS} s per run`);
for (const target of TARGETS) {
  const t = await target.start();
  if (t === undefined) continue;
  console.log(`— ${target.name}`);
  await load(t.url, "good", GOOD_CONNECTIONS); // warm up
  const rounds = [];
  for (let round = 0; round < 2; round++) {
    const base = await load(t.url, "good", GOOD_CONNECTIONS);
    const [underAttack, hostile] = await Promise.all([
      load(t.url, "good", GOOD_CONNECTIONS),
      load(t.url, "hostile", HOSTILE_CONNECTIONS),
    ]);
    rounds.push({
      base: good(base),
      attacked: good(underAttack),
      hostile: hostile.statuses,
      failed: underAttack.statuses,
    });
  }
  for (const [i, r] of rounds.entries()) {
    console.log(
      `round ${i + 1}: good traffic ${r.base.toFixed(0)} req/s alone, ${r.attacked.toFixed(0)} req/s with 10 % hostile connections: ${((r.attacked / r.base) * 100).toFixed(1)}%  (hostile answers ${JSON.stringify(r.hostile)}; good answers ${JSON.stringify(r.failed)})`,
    );
  }
  const best = rounds.reduce((a, b) => (b.attacked / b.base > a.attacked / a.base ? b : a));
  const worst = rounds.reduce((a, b) => (b.attacked / b.base < a.attacked / a.base ? b : a));
  console.log(
    `good throughput under 10 % hostile load: ${((worst.attacked / worst.base) * 100).toFixed(1)}%–${((best.attacked / best.base) * 100).toFixed(1)}% of the baseline; server peak RSS ${t.peakRssMb().toFixed(0)} MB`,
  );
  await t.stop();
}
