// Benchmark of `contractgen test` (issue 6). Run after `npm run build`: `node bench/contract-test.js`.
// For two pairs of implementations on 127.0.0.1 — the fixture AccountService (php -S and node:http,
// test/fixtures/contract-test) and the example shop (examples/shop, PHP and TypeScript; skipped with a
// message when examples/shop/gen is missing: run examples/shop/generate.sh) — it prints:
//   - cases per second and calls per second of a full run (generation, calls, checks, differential);
//   - the share of the run's wall time during which at least one call was waiting on a server
//     (target ≥ 80%: the harness is never the bottleneck);
//   - a baseline measured in the same run: the same request bodies replayed to freshly started servers
//     with plain HTTP and no checks, at the same concurrency, and the harness's calls/s as a ratio of it.
// Prints figures measured in this run; no assertions.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const { runContractTests } = await import(join(ROOT, "dist", "codegen", "contract-test", "index.js"));
const { start } = await import(join(ROOT, "dist", "codegen", "contract-test", "process.js"));
const { call, createAgent } = await import(join(ROOT, "dist", "codegen", "contract-test", "http.js"));

const FIXTURE = join(ROOT, "test", "fixtures", "contract-test");
const RUNS = 3;

const targets = [
  { name: "fixture AccountService (php -S + node:http)", config: "contractgen.config.json", randomCases: 60 },
];
if (existsSync(join(ROOT, "examples", "shop", "gen", "php", "autoload.php")))
  targets.push({
    name: "example shop, 5 services (php -S + connect-node)",
    config: "shop.config.json",
    randomCases: 20,
  });
else console.log("example shop skipped: examples/shop/gen is missing (run examples/shop/generate.sh)\n");

const fmt = (n, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

for (const target of targets) {
  const config = JSON.parse(readFileSync(join(FIXTURE, target.config), "utf8"));
  const concurrency = config.test.concurrency ?? 4;
  const runs = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    last = await runContractTests({
      cwd: FIXTURE,
      config: target.config,
      seed: 1000 + i,
      randomCases: target.randomCases,
    });
    const total = performance.now() - t0;
    runs.push({ total, ...last.timing, cases: last.cases.length });
  }
  // Baseline: the same bodies, plain HTTP, no checks, same concurrency, fresh servers.
  const impls = await Promise.all(config.test.implementations.map((c) => start(c, FIXTURE)));
  const agent = createAgent();
  const jobs = last.cases.map((c) => ({
    path: `/${c.service}/${c.method}`,
    bodies: impls.map((i) => JSON.stringify(c.requests[i.name] ?? null)),
  }));
  let next = 0;
  const b0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        await Promise.all(impls.map((impl, k) => call(agent, impl.url, job.path, job.bodies[k], 10_000)));
      }
    }),
  );
  const baselineMs = performance.now() - b0;
  agent.destroy();
  await Promise.all(impls.map((i) => i.stop()));

  const best = runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  const casesPerS = (best.cases / best.wallMs) * 1000;
  const callsPerS = (best.calls / best.wallMs) * 1000;
  const baselineCallsPerS = ((jobs.length * impls.length) / baselineMs) * 1000;
  console.log(`== ${target.name}, concurrency ${concurrency}, best of ${RUNS} runs ==`);
  console.log(`cases per run:                 ${best.cases} (${best.calls} calls)`);
  console.log(
    `startup (both servers):        ${fmt(best.startupMs)} ms; whole run incl. contract loading ${fmt(best.total)} ms`,
  );
  console.log(`cases/s:                       ${fmt(casesPerS)}`);
  console.log(`calls/s:                       ${fmt(callsPerS)}`);
  console.log(
    `server time share of the run:  ${fmt((best.serverMs / best.wallMs) * 100, 1)}% (harness alone: ${fmt(best.wallMs - best.serverMs, 1)} of ${fmt(best.wallMs, 1)} ms)`,
  );
  console.log(`baseline (plain HTTP replay):  ${fmt(baselineCallsPerS)} calls/s`);
  console.log(`harness / baseline:            ${fmt(callsPerS / baselineCallsPerS, 2)}×`);
  console.log(`per-run share: ${runs.map((r) => `${fmt((r.serverMs / r.wallMs) * 100, 1)}%`).join(", ")}\n`);
}
