/**
 * PHP code-generation benchmark (`node bench/php-gen.js` after `npm run build`).
 *
 * Figures, all from one run, each the best wall time of N runs (N = 3, env BENCH_RUNS):
 *
 *   (a) Baseline: `protoc --php_out` (Debian `protobuf-compiler`) on a synthetic buf workspace of 200
 *       .proto files / 2,000 messages with services (bench/synthetic.js). Skipped, with a message, when
 *       protoc is not installed.
 *   (b) contractgen `generate({ targets: ["php"], jsonSchema: false })` on the same protos: buf build,
 *       the contract model, PHP DTOs, enums, oneofs, clients, handler interfaces, dispatchers and the
 *       runtime, written to disk. Printed as a ratio to (a); the target is ≤ 2×. The `timings`
 *       breakdown shows each phase; files are written on a separate thread while the model is built
 *       and PHP emitted, so `write` is only the wait for the writer after the last file.
 *       A run with only the PHP target does not write `schema/` (the wire JSON Schemas; docs/cli.md);
 *       (b') is the same run with `wireSchemas: true`, which writes them too (2,401 more files).
 *   (c) Scale within one file: one .proto with 250 / 500 / 1,000 messages; time per message of the PHP
 *       emission phase (and of the whole run). Linear generation keeps the 1,000 vs 250 ratio ≈ 1.
 *
 * Output folders are removed before each timed run (outside the timing). No timed assertions: this is
 * a benchmark, it exits 0 unless something fails to run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeProtoProject } from "./synthetic.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const tmp = join(here, "tmp", "php-gen");
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

const dist = join(root, "dist", "codegen", "generate.js");
if (!existsSync(dist)) {
  console.error("bench/php-gen.js: dist/ is missing; run `npm run build` first");
  process.exit(1);
}
const { generate } = await import(pathToFileURL(dist).href);

/** Best wall time (ms) of RUNS runs of `fn` and that run's result; `prepare` runs untimed before each. */
async function best(fn, prepare = () => {}) {
  let min = Number.POSITIVE_INFINITY;
  let last;
  for (let i = 0; i < RUNS; i++) {
    prepare();
    const start = performance.now();
    const result = await fn();
    const ms = performance.now() - start;
    if (ms < min) {
      min = ms;
      last = result;
    }
  }
  // `last` is the result of the fastest run, so its phase timings add up to `ms`.
  return { ms: min, last };
}

function protoFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".proto"))
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

function protocAvailable() {
  const r = spawnSync("protoc", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Include folder of the well-known types for protoc (Debian installs them with protobuf-compiler). */
function wktInclude() {
  for (const dir of ["/usr/include", "/usr/local/include"]) {
    if (existsSync(join(dir, "google", "protobuf", "timestamp.proto"))) return dir;
  }
  return undefined;
}

async function contractgenPhp(project, out, extra = {}) {
  return best(
    () => generate({ cwd: project, out, targets: ["php"], jsonSchema: false, ...extra }),
    () => rmSync(out, { recursive: true, force: true }),
  );
}

function protocPhp(project, out) {
  const protoDir = join(project, "proto");
  const files = protoFiles(protoDir);
  const include = wktInclude();
  const args = [
    `--proto_path=${protoDir}`,
    ...(include ? [`--proto_path=${include}`] : []),
    `--php_out=${out}`,
    ...files,
  ];
  return best(
    () => {
      const r = spawnSync("protoc", args, { cwd: project, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`protoc failed: ${r.stderr}`);
    },
    () => {
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
    },
  );
}

const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`;

rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
console.log(`PHP code generation — best of ${RUNS} runs, node ${process.version}`);

// (a) + (b): 200 files / 2,000 messages
const project = join(tmp, "set");
writeProtoProject(project, { files: 200, messagesPerFile: 10, seed: 1 });
const ours = await contractgenPhp(project, join(tmp, "out-contractgen"));
const phpFiles = ours.last.files.filter((f) => f.path.endsWith(".php")).length;
console.log(
  `\n(b) contractgen generate --target php, 200 .proto files: ${fmt(ours.ms)}  (${phpFiles} PHP files)`,
);
for (const [phase, ms] of Object.entries(ours.last.timings))
  console.log(`      ${phase.padEnd(44)} ${fmt(ms)}`);
const protoc = protocAvailable();
/** Best protoc time of (a), for the ratio of (b'). */
let protocMs;
if (!protoc) {
  console.log("(a) protoc --php_out: skipped — protoc is not installed (Debian package protobuf-compiler)");
} else {
  const theirs = protocPhp(project, join(tmp, "out-protoc"));
  const ms = (await theirs).ms;
  protocMs = ms;
  console.log(`(a) ${protoc} --php_out, same protos:            ${fmt(ms)}`);
  console.log(`    ratio contractgen / protoc, whole run:   ${(ours.ms / ms).toFixed(2)}×  (target ≤ 2×)`);
  const emit = ours.last.timings.php ?? Number.NaN;
  console.log(
    `    ratio PHP emission phase / protoc:       ${(emit / ms).toFixed(2)}×  (protoc's time includes its parsing)`,
  );
}

// (b') after (a), so that its extra files do not change the conditions (a) is measured in.
const withSchemas = await contractgenPhp(project, join(tmp, "out-contractgen-schemas"), {
  wireSchemas: true,
});
const schemaRatio = protocMs !== undefined ? `, ${(withSchemas.ms / protocMs).toFixed(2)}× protoc` : "";
console.log(
  `(b') (b) with wireSchemas: true (writes schema/ too):    ${fmt(withSchemas.ms)}  (${withSchemas.last.files.length} files${schemaRatio})`,
);

// (c): one file of N messages
console.log("\n(c) one .proto file of N messages — per-message time (linear generation keeps it flat)");
const perMessage = [];
for (const n of [250, 500, 1000]) {
  const dir = join(tmp, `one-${n}`);
  writeProtoProject(dir, { files: 1, messagesPerFile: n, seed: 2 });
  const r = await contractgenPhp(dir, join(tmp, `out-one-${n}`));
  const php = r.last.timings.php ?? Number.NaN;
  perMessage.push({ n, total: r.ms / n, php: php / n });
  let line = `    ${String(n).padStart(5)} messages: total ${fmt(r.ms)} (${((r.ms / n) * 1000).toFixed(0)} µs/msg), PHP emission ${fmt(php)} (${((php / n) * 1000).toFixed(0)} µs/msg)`;
  if (protoc) {
    const p = await protocPhp(dir, join(tmp, `out-one-protoc-${n}`));
    line += `, protoc ${fmt(p.ms)}`;
  }
  console.log(line);
}
const first = perMessage[0];
const lastN = perMessage[perMessage.length - 1];
if (first && lastN) {
  console.log(
    `    per-message ratio 1,000 vs 250: PHP emission ${(lastN.php / first.php).toFixed(2)}×, whole run ${(lastN.total / first.total).toFixed(2)}×  (≈ 1 means linear)`,
  );
}
rmSync(tmp, { recursive: true, force: true });
