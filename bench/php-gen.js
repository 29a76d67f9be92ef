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
 *   (b'') (b) as a command, `contractgen generate -t php` in a new Node process: Node start-up, module
 *       loading and a cold JIT included, as a CI job or a developer runs it. Run in turns with protoc
 *       alone (7 rounds): printed as the best against protoc's best and as the median of the rounds'
 *       ratios, the steadier figure on a noisy machine.
 *   (d) The everyday run: generating again into the previous run's output, contracts unchanged
 *       (contractgen compares and writes nothing; protoc rewrites everything). Printed after (b').
 *   (c) Scale within one file: one .proto with 250 / 500 / 1,000 messages; time per message of the PHP
 *       emission phase (and of the whole run). Linear generation keeps the 1,000 vs 250 ratio ≈ 1.
 *
 * Outputs go to bench/tmp (BENCH_TMP sets another folder, see `tmp`). The tools run in turns, each run
 * into a new empty folder; the folders are removed after the runs
 * (see bestInTurns). No timed assertions: this is a benchmark, it exits 0 unless something fails to run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeProtoProject } from "./synthetic.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
/**
 * Scratch folder of the contracts and outputs: bench/tmp/php-gen, or $BENCH_TMP/php-gen (e.g. BENCH_TMP=
 * /dev/shm: on tmpfs no disk state weighs on either tool, and the figures are CPU time alone).
 */
const tmp = join(process.env.BENCH_TMP || join(here, "tmp"), "php-gen");
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
/** Rounds of (b''), the command in a new process against protoc: at least 7. */
const COLD_RUNS = 7;

const dist = join(root, "dist", "codegen", "generate.js");
if (!existsSync(dist)) {
  console.error("bench/php-gen.js: dist/ is missing; run `npm run build` first");
  process.exit(1);
}
const { generate } = await import(pathToFileURL(dist).href);

/**
 * Best wall time (ms) of `runs` runs of each of `tools` (name → fn(out)), taken in turns (a, b, a, b, …)
 * so that both see the same machine state, and that run's result; `all` holds every run's time, in
 * order (round i of every tool at index i). Every run writes into a folder of its own, created empty;
 * the folders are removed only after all runs: deleting thousands of files right before a timed run
 * makes ext4 slow to allocate inodes for a while (its `recently_deleted` scan), which would penalise
 * whichever tool runs next. Before each run the previous run's files are flushed (`sync`, not timed),
 * so that no tool pays for the write-back of the one before it.
 */
async function bestInTurns(dir, tools, runs = RUNS) {
  const results = Object.fromEntries(
    Object.keys(tools).map((name) => [name, { ms: Number.POSITIVE_INFINITY, all: [] }]),
  );
  for (let i = 0; i < runs; i++) {
    for (const [name, fn] of Object.entries(tools)) {
      const out = join(dir, `${name}-${i}`);
      mkdirSync(out, { recursive: true });
      spawnSync("sync");
      const start = performance.now();
      const result = await fn(out);
      const ms = performance.now() - start;
      results[name].all.push(ms);
      // `last` is the result of the fastest run, so its phase timings add up to `ms`.
      if (ms < results[name].ms) results[name] = { ...results[name], ms, last: result };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return results;
}

/** The median of `values`. */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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

/** contractgen `generate` of the PHP target for `project` into `out`. */
function contractgenPhp(project, extra = {}) {
  return (out) => generate({ cwd: project, out, targets: ["php"], jsonSchema: false, ...extra });
}

/** The `contractgen generate -t php` command in a new Node process (start-up and cold JIT included). */
function contractgenCli(project) {
  const bin = join(root, "dist", "cli", "bin.js");
  return (out) => {
    const r = spawnSync(process.execPath, [bin, "generate", "-t", "php", "--no-json-schema", "-o", out], {
      cwd: project,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`contractgen generate failed: ${r.stderr}`);
  };
}

/** `protoc --php_out` on the protos of `project` into `out`. */
function protocPhp(project) {
  const protoDir = join(project, "proto");
  const files = protoFiles(protoDir);
  const include = wktInclude();
  return (out) => {
    const args = [
      `--proto_path=${protoDir}`,
      ...(include ? [`--proto_path=${include}`] : []),
      `--php_out=${out}`,
      ...files,
    ];
    const r = spawnSync("protoc", args, { cwd: project, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`protoc failed: ${r.stderr}`);
  };
}

const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`;

rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
console.log(`PHP code generation — best of ${RUNS} runs, node ${process.version}`);

// (a) + (b) + (b'): 200 files / 2,000 messages, the tools in turns
const project = join(tmp, "set");
writeProtoProject(project, { files: 200, messagesPerFile: 10, seed: 1 });
const protoc = protocAvailable();
const runs = await bestInTurns(join(tmp, "out"), {
  contractgen: contractgenPhp(project),
  ...(protoc ? { protoc: protocPhp(project) } : {}),
  contractgenSchemas: contractgenPhp(project, { wireSchemas: true }),
});
const ours = runs.contractgen;
const phpFiles = ours.last.files.filter((f) => f.path.endsWith(".php")).length;
console.log(
  `\n(b) contractgen generate --target php, 200 .proto files: ${fmt(ours.ms)}  (${phpFiles} PHP files)`,
);
for (const [phase, ms] of Object.entries(ours.last.timings))
  console.log(`      ${phase.padEnd(44)} ${fmt(ms)}`);
/** Best protoc time of (a), for the ratio of (b'). */
let protocMs;
if (!protoc) {
  console.log("(a) protoc --php_out: skipped — protoc is not installed (Debian package protobuf-compiler)");
} else {
  protocMs = runs.protoc.ms;
  console.log(`(a) ${protoc} --php_out, same protos:            ${fmt(protocMs)}`);
  console.log(
    `    ratio contractgen / protoc, whole run:   ${(ours.ms / protocMs).toFixed(2)}×  (target ≤ 2×)`,
  );
  const emit = ours.last.timings.php ?? Number.NaN;
  console.log(
    `    ratio PHP emission phase / protoc:       ${(emit / protocMs).toFixed(2)}×  (protoc's time includes its parsing)`,
  );
}
// (b''): the command in a new process against protoc, in turns of their own (each run follows one of
// the other tool, not the heavier wireSchemas run); more rounds, since a cold process varies more.
const cold = await bestInTurns(
  join(tmp, "out-cold"),
  { cli: contractgenCli(project), ...(protoc ? { protoc: protocPhp(project) } : {}) },
  Math.max(RUNS, COLD_RUNS),
);
let cliRatio = "";
if (cold.protoc) {
  const ratios = cold.cli.all.map((ms, i) => ms / (cold.protoc.all[i] ?? Number.NaN));
  cliRatio = `, protoc ${fmt(cold.protoc.ms)}: best ${(cold.cli.ms / cold.protoc.ms).toFixed(2)}×, median of ${ratios.length} paired runs ${median(ratios).toFixed(2)}×`;
}
console.log(
  `(b'') (b) as the command \`contractgen generate -t php\` (new process): ${fmt(cold.cli.ms)}${cliRatio}`,
);
const withSchemas = runs.contractgenSchemas;
const schemaRatio = protocMs !== undefined ? `, ${(withSchemas.ms / protocMs).toFixed(2)}× protoc` : "";
console.log(
  `(b') (b) with wireSchemas: true (writes schema/ too):    ${fmt(withSchemas.ms)}  (${withSchemas.last.files.length} files${schemaRatio})`,
);

// (d): the everyday case — generating again into the output folder of a previous run, contracts
// unchanged: contractgen compares and rewrites nothing; protoc rewrites every file.
{
  const again = join(tmp, "again");
  mkdirSync(join(again, "protoc"), { recursive: true });
  await contractgenPhp(project)(join(again, "contractgen"));
  protoc && protocPhp(project)(join(again, "protoc"));
  const times = { contractgen: Number.POSITIVE_INFINITY, protoc: Number.POSITIVE_INFINITY };
  let written = 0;
  for (let i = 0; i < RUNS; i++) {
    let start = performance.now();
    const r = await contractgenPhp(project)(join(again, "contractgen"));
    times.contractgen = Math.min(times.contractgen, performance.now() - start);
    written = r.written;
    if (protoc) {
      start = performance.now();
      protocPhp(project)(join(again, "protoc"));
      times.protoc = Math.min(times.protoc, performance.now() - start);
    }
  }
  const ratio = protoc
    ? `, protoc ${fmt(times.protoc)}: ${(times.contractgen / times.protoc).toFixed(2)}×`
    : "";
  console.log(
    `(d) again into the same folder, contracts unchanged: ${fmt(times.contractgen)} (${written} files rewritten)${ratio}`,
  );
  rmSync(again, { recursive: true, force: true });
}

// (c): one file of N messages
console.log("\n(c) one .proto file of N messages — per-message time (linear generation keeps it flat)");
const perMessage = [];
for (const n of [250, 500, 1000]) {
  const dir = join(tmp, `one-${n}`);
  writeProtoProject(dir, { files: 1, messagesPerFile: n, seed: 2 });
  const one = await bestInTurns(join(tmp, `out-one-${n}`), {
    contractgen: contractgenPhp(dir),
    ...(protoc ? { protoc: protocPhp(dir) } : {}),
  });
  const r = one.contractgen;
  const php = r.last.timings.php ?? Number.NaN;
  perMessage.push({ n, total: r.ms / n, php: php / n });
  let line = `    ${String(n).padStart(5)} messages: total ${fmt(r.ms)} (${((r.ms / n) * 1000).toFixed(0)} µs/msg), PHP emission ${fmt(php)} (${((php / n) * 1000).toFixed(0)} µs/msg)`;
  if (protoc) line += `, protoc ${fmt(one.protoc.ms)}`;
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
