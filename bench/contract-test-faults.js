// Bug-catching rate of `contractgen test` (issue 15). Run after `npm run build` and
// `examples/shop/generate.sh`: `npm run bench -- contract-test-faults`.
// The fixture test/fixtures/contract-test/php-shop-faults is the example shop's PHP implementation with
// seeded faults, one per value of the env var CT_FAULT (listed in faults.json with the field or code a
// good report names). Each fault runs alone against the TypeScript shop (faults.config.json: generated
// cases plus the scenarios in shop-scenarios/). A fault is caught when the run has a failure on php that
// is not a known failure; it is pinpointed when one of those failures names the faulty field or code.
// Prints each fault, the kill rate and the pinpoint rate; exits 1 when the kill rate is below 95 %.
// The harness knows nothing of the faults: the same `runContractTests` as the CLI.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FIXTURE = join(ROOT, "test", "fixtures", "contract-test");
const { runContractTests } = await import(join(ROOT, "dist", "codegen", "contract-test", "index.js"));

if (!existsSync(join(ROOT, "examples", "shop", "gen", "php", "autoload.php"))) {
  console.log("skipped: examples/shop/gen is missing (run examples/shop/generate.sh)");
  process.exit(0);
}
const faults = JSON.parse(readFileSync(join(FIXTURE, "faults.json"), "utf8"));
const only = process.env.FAULTS ? new Set(process.env.FAULTS.split(",")) : undefined;
const seed = Number(process.env.SEED ?? 1);

/** Runs the contract tests with one fault active; returns what was reported against php. */
export async function runFault(name) {
  const before = process.env.CT_FAULT;
  if (name) process.env.CT_FAULT = name;
  else delete process.env.CT_FAULT;
  try {
    const r = await runContractTests({ cwd: FIXTURE, config: "faults.config.json", seed });
    const failures = r.failures.filter((f) => !f.known && f.impl === "php");
    return {
      failures,
      messages: failures.flatMap((f) => f.problems.map((p) => `${f.caseId}: ${p.message}`)),
      shrunk: failures
        .filter((f) => f.shrunk)
        .map((f) => ({
          caseId: f.caseId,
          ...f.shrunk,
          request: r.cases.find((c) => c.id === f.caseId)?.requests.php,
        })),
      shrinkRuns: r.timing.shrinkRuns ?? 0,
      shrinkMs: r.timing.shrinkMs ?? 0,
    };
  } finally {
    if (before === undefined) delete process.env.CT_FAULT;
    else process.env.CT_FAULT = before;
  }
}

const t0 = performance.now();
const baseline = await runFault(undefined);
if (baseline.failures.length > 0) {
  console.error(
    `the fixture without a fault fails ${baseline.failures.length} cases:\n${baseline.messages.slice(0, 5).join("\n")}`,
  );
  process.exit(1);
}
let caught = 0;
let pinpointed = 0;
const rows = [];
const shrinks = [];
let shrinkRuns = 0;
let shrinkMs = 0;
for (const f of faults) {
  if (only && !only.has(f.name)) continue;
  const { failures, messages, shrunk, ...timing } = await runFault(f.name);
  shrinks.push(...shrunk.map((s) => ({ fault: f.name, ...s })));
  shrinkRuns += timing.shrinkRuns;
  shrinkMs += timing.shrinkMs;
  const isCaught = failures.length > 0;
  const fields = Array.isArray(f.field) ? f.field : [f.field];
  const pin = messages.find((m) => fields.some((x) => m.includes(x)));
  if (isCaught) caught++;
  if (pin) pinpointed++;
  rows.push({ f, isCaught, pin, first: messages[0] });
  console.log(
    `${isCaught ? (pin ? "caught    " : "caught(?) ") : "MISSED    "} ${f.name.padEnd(26)} ${failures.length
      .toString()
      .padStart(4)} failing cases  ${((pin ?? messages[0] ?? f.what) || "").slice(0, 150)}`,
  );
}
for (const s of shrinks)
  console.log(
    `shrunk  ${s.fault.padEnd(26)} ${s.caseId}: ${s.originalBytes} → ${s.bytes} bytes, ${s.steps} steps, ${s.runs} runs: ${JSON.stringify(s.request).slice(0, 120)}`,
  );
if (shrinks.length > 0) {
  const ratio = shrinks.reduce((n, s) => n + s.bytes / s.originalBytes, 0) / shrinks.length;
  console.log(
    `\nshrinking: ${shrinks.length} failing cases shrunk to ${(100 * ratio).toFixed(0)} % of their size on average; ${shrinkRuns} runs in ${(shrinkMs / 1000).toFixed(1)} s over all faults`,
  );
}
const n = rows.length;
const rate = (x) => `${((100 * x) / Math.max(1, n)).toFixed(1)} %`;
console.log(
  `\nkill rate: ${caught}/${n} faults caught (${rate(caught)}); ${pinpointed}/${n} with a message naming the faulty field or code (${rate(pinpointed)}); seed ${seed}; ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
process.exit(caught / Math.max(1, n) >= 0.95 ? 0 : 1);
