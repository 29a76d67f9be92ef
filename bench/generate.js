/**
 * contractgen code-generation benchmark (`npm run bench`, or `node bench/generate.js` after a build).
 *
 * What it measures, all in one run, each figure the best wall time of N runs (N = 3, env BENCH_RUNS):
 *
 *   (a) Baseline: plain `buf generate` with the local protoc-gen-es (target=ts) on a synthetic buf
 *       workspace of 200 .proto files / 2,000 messages. This is what a project would run without
 *       contractgen; it compiles the protos and runs the plugin. The template sets `strategy: all` (one
 *       plugin process); buf's default strategy starts one protoc-gen-es process per proto folder, which
 *       is tens of times slower here; BENCH_DIRECTORY_STRATEGY=1 times that too (adds a couple of minutes).
 *   (b) contractgen `generate({ targets: ["ts"], jsonSchema: false })` on the same workspace. It runs
 *       `buf build`, builds its model, writes wire JSON Schemas, runs the same protoc-gen-es through
 *       `buf generate` and adds service helpers. Printed as a ratio to (a); the target is ≤ 1.5×.
 *   (c) contractgen `generate({ proto: false })` on 50 JSON Schema files / 500 definitions: time per 100
 *       definitions and the `timings` breakdown (where the time goes).
 *   (d) Scale within one file: one .proto file with 250 / 500 / 1,000 messages (buf generate alone vs
 *       contractgen; protoc-gen-es' share is `timings["buf generate (protoc-gen-es)"]`, our own time is
 *       the total minus that share), and one JSON Schema file with 250 / 500 / 1,000 `$defs`. The
 *       per-message (per-definition) times show whether the work is linear: the 1,000 vs 250 ratio
 *       should be ≈ 1.
 *
 * Every output folder is removed before each timed run (outside the timing), so every run writes all
 * files. A case whose first run takes longer than SLOW_MS (protoc-gen-es is quadratic within one file)
 * is run once only. The contract sets are generated deterministically into bench/tmp/ (wiped first) by
 * bench/synthetic.js. No timed assertions: this is a benchmark, not a test; it exits 0 unless something
 * fails to run.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeJsonSchemaProject, writeProtoProject } from "./synthetic.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TMP = join(ROOT, "bench", "tmp");
const RUNS = Math.max(1, Number.parseInt(process.env.BENCH_RUNS ?? "3", 10) || 3);
/** A case whose first run is slower than this is not repeated. */
const SLOW_MS = 10_000;
/** BENCH_DIRECTORY_STRATEGY=1 also times plain buf generate with buf's default strategy (slow: one
 * protoc-gen-es process per proto folder, so 200 processes for the 200-file workspace). */
const DIRECTORY_STRATEGY = process.env.BENCH_DIRECTORY_STRATEGY === "1";
/** Sizes of the single-file scale cases. */
const SCALE = [250, 500, 1000];
/** Phase name of protoc-gen-es in GenerateResult.timings. */
const ES_PHASE = "buf generate (protoc-gen-es)";

// ---------------------------------------------------------------------------------------------------
// Tools

/** The buf executable of @bufbuild/buf: the platform package's binary, else the npm shim. */
function bufBinary() {
  const arch = process.arch === "arm64" ? "aarch64" : process.arch;
  const candidates = [
    join(ROOT, "node_modules", "@bufbuild", `buf-${process.platform}-${arch}`, "bin", "buf"),
    join(ROOT, "node_modules", ".bin", "buf"),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`buf not found (looked for ${candidates.join(", ")}); run npm install`);
  return found;
}

const BUF = bufBinary();
const PROTOC_GEN_ES = join(ROOT, "node_modules", ".bin", "protoc-gen-es");
/** Child processes use this Node (protoc-gen-es is a `#!/usr/bin/env node` script), like contractgen. */
const CHILD_ENV = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` };

function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: CHILD_ENV, stdio: ["ignore", "pipe", "pipe"] });
    const out = [];
    child.stdout.on("data", (b) => out.push(b));
    child.stderr.on("data", (b) => out.push(b));
    child.on("error", reject);
    child.on("close", (code) => {
      const text = Buffer.concat(out).toString("utf8").trim();
      if (code === 0) resolve(text);
      else reject(new Error(`${command} ${args.join(" ")} (in ${cwd}) exited with ${code}:\n${text}`));
    });
  });
}

async function loadGenerate() {
  const entry = join(ROOT, "dist", "codegen", "index.js");
  const mod = existsSync(entry) ? await import(pathToFileURL(entry).href) : {};
  if (typeof mod.generate !== "function") {
    console.error(
      `contractgen's generate() is not built (${relative(ROOT, entry)}): run \`npm run build\` first.`,
    );
    process.exit(1);
  }
  return mod.generate;
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"));
}

// ---------------------------------------------------------------------------------------------------
// Measuring

/**
 * Best wall time of `runs` calls of `fn`; `reset` runs before each call, untimed. Stops after the first
 * run when it took longer than SLOW_MS. Returns the best time, its result and the number of runs.
 */
async function bestOf(fn, reset, runs = RUNS) {
  let best;
  let count = 0;
  for (let i = 0; i < runs; i++) {
    reset();
    const start = performance.now();
    const value = await fn();
    const ms = performance.now() - start;
    count++;
    if (!best || ms < best.ms) best = { ms, value };
    if (i === 0 && ms > SLOW_MS) break;
  }
  return { ...best, runs: count };
}

/**
 * Writes a buf.gen.yaml for plain protoc-gen-es (same options contractgen passes) next to the project.
 * `strategy`: buf's default, "directory", runs the plugin once per proto folder; "all" runs it once.
 */
function writeBufGenTemplate(name, out, strategy) {
  const path = join(TMP, `${name}.buf.gen.yaml`);
  const yaml = [
    "version: v2",
    "plugins:",
    `  - local: ${JSON.stringify(PROTOC_GEN_ES)}`,
    `    out: ${JSON.stringify(out)}`,
    "    opt:",
    "      - target=ts",
    // contractgen's generated imports end in .js; same here so both produce identical files.
    "      - import_extension=js",
    ...(strategy ? [`    strategy: ${strategy}`] : []),
    "",
  ].join("\n");
  writeFileSync(path, yaml);
  return path;
}

/** Baseline: `buf generate` alone (compile + protoc-gen-es + write). */
async function measureBufGenerate(name, project, strategy) {
  const out = join(TMP, "out", `${name}-buf`);
  const template = writeBufGenTemplate(name, out, strategy);
  const result = await bestOf(
    () => run(BUF, ["generate", "--template", template], project),
    () => rmSync(out, { recursive: true, force: true }),
  );
  return { ...result, out, files: listFiles(out) };
}

/** contractgen generate() into bench/tmp/out/<name>-contractgen. */
async function measureGenerate(generate, name, options) {
  const out = join(TMP, "out", `${name}-contractgen`);
  const result = await bestOf(
    () => generate({ targets: ["ts"], out, ...options }),
    () => rmSync(out, { recursive: true, force: true }),
  );
  const timings = result.value.timings;
  const es = timings[ES_PHASE] ?? 0;
  return { ...result, out, timings, es, own: result.ms - es, files: result.value.files };
}

/** Whether every file plain buf generate wrote is in contractgen's ts/proto/ with the same content. */
function sameProtocGenEsOutput(bufRun, genRun) {
  const ours = new Map(genRun.files.map((f) => [f.path, f.content]));
  for (const path of bufRun.files) {
    const content = ours.get(`ts/proto/${path}`);
    if (content === undefined) return `no (ts/proto/${path} is missing)`;
    if (content !== readFileSync(join(bufRun.out, path), "utf8")) return `no (ts/proto/${path} differs)`;
  }
  return `yes (${bufRun.files.length} files)`;
}

// ---------------------------------------------------------------------------------------------------
// Printing

const ms = (v) => (v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`);
const perUnit = (v) => (v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(3)} ms`);
const ratio = (v) => `${v.toFixed(2)}×`;
const num = (v) => v.toLocaleString("en-US");
const runsNote = (r) =>
  r.runs === RUNS ? `best of ${r.runs}` : `${r.runs} run${r.runs === 1 ? "" : "s"} (slow)`;

/** Prints rows as an aligned table; columns after the first are right-aligned. */
function table(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => String(r[c] ?? "").length)));
  const line = (r) =>
    r
      .map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell ?? "").padStart(widths[c])))
      .join("  ")
      .trimEnd();
  console.log(`  ${line(header)}`);
  console.log(`  ${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const r of rows) console.log(`  ${line(r)}`);
}

/** The timings of one generate() run, largest first, with their share of the total. */
function phaseRows(run, per) {
  return Object.entries(run.timings)
    .sort((a, b) => b[1] - a[1])
    .map(([phase, t]) => [
      `    ${phase}`,
      ms(t),
      `${((100 * t) / run.ms).toFixed(0)} %`,
      per ? perUnit(t / per.count) : "",
    ]);
}

/** Short column names for the phases of GenerateResult.timings (unknown phases keep their name). */
const SHORT_PHASE = {
  "load contracts (buf build, JSON Schema)": "load",
  "wire schemas": "wire",
  "json-schema-to-typescript": "json2ts",
  "ajv standalone": "ajv",
  [ES_PHASE]: "protoc-gen-es",
};

function heading(text) {
  console.log(`\n${text}`);
}

// ---------------------------------------------------------------------------------------------------
// Main

async function main() {
  const generate = await loadGenerate();
  const started = performance.now();
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });

  // 1. Contract sets.
  const protoDir = join(TMP, "proto-200");
  const protoSet = writeProtoProject(protoDir, { files: 200, messagesPerFile: 10 });
  const schemaDir = join(TMP, "jsonschema-500");
  const schemaSet = writeJsonSchemaProject(schemaDir, { files: 50, defsPerFile: 9 });
  const protoScale = SCALE.map((n) => {
    const dir = join(TMP, `proto-1file-${n}`);
    return { n, dir, set: writeProtoProject(dir, { files: 1, messagesPerFile: n }) };
  });
  const schemaScale = SCALE.map((n) => {
    const dir = join(TMP, `jsonschema-1file-${n}`);
    return { n, dir, set: writeJsonSchemaProject(dir, { files: 1, defsPerFile: n }) };
  });

  const bufVersion = await run(BUF, ["--version"], ROOT);
  console.log("contractgen code-generation benchmark");
  console.log(
    `node ${process.version} · ${process.platform} ${process.arch} · ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? "?"})`,
  );
  console.log(
    `buf ${bufVersion} · protoc-gen-es ${packageVersion("@bufbuild/protoc-gen-es")} · json-schema-to-typescript ${packageVersion("json-schema-to-typescript")} · ajv ${packageVersion("ajv")} · best of ${RUNS} runs (BENCH_RUNS)`,
  );

  heading("Contract sets (bench/tmp/, deterministic)");
  table(
    ["project", "contents"],
    [
      [
        "proto-200",
        `${protoSet.files} files, ${num(protoSet.messages)} messages, ${protoSet.enums} enums, ${protoSet.services} services, ${protoSet.rpcs} rpcs, ${num(protoSet.fields)} fields`,
      ],
      ["jsonschema-500", `${schemaSet.files} files, ${schemaSet.definitions} definitions (title + $defs)`],
      ...protoScale.map((s) => [
        `proto-1file-${s.n}`,
        `1 file, ${num(s.set.messages)} messages, ${s.set.enums} enums, ${s.set.rpcs} rpcs`,
      ]),
      ...schemaScale.map((s) => [
        `jsonschema-1file-${s.n}`,
        `1 file, ${num(s.n)} $defs + title = ${num(s.set.definitions)} definitions`,
      ]),
    ],
  );

  // 2a/2b. Proto: buf generate alone vs contractgen.
  const baseline = await measureBufGenerate("proto-200", protoDir, "all");
  const directory = DIRECTORY_STRATEGY
    ? await measureBufGenerate("proto-200-directory", protoDir)
    : undefined;
  const ours = await measureGenerate(generate, "proto-200", { cwd: protoDir, jsonSchema: false });
  heading(
    `(a/b) Proto, ${protoSet.files} files / ${num(protoSet.messages)} messages: buf generate vs contractgen`,
  );
  const share = (t) => `${((100 * t) / ours.ms).toFixed(0)} %`;
  const caseRow = (label, r, pct = "") => [label, ms(r.ms), pct, runsNote(r), r.files.length];
  table(
    ["case", "wall", "share", "runs", "files"],
    [
      caseRow("(a) buf generate + protoc-gen-es, strategy: all (baseline)", baseline),
      ...(directory
        ? [caseRow("(a2) buf generate + protoc-gen-es, default strategy (directory)", directory)]
        : []),
      caseRow("(b) contractgen generate --target ts", ours, "100 %"),
      ...phaseRows(ours).map(([p, t, pct]) => [p, t, pct, "", ""]),
      ["    our own time (total − protoc-gen-es)", ms(ours.own), share(ours.own), "", ""],
    ],
  );
  console.log(`  ratio (b) / (a): ${ratio(ours.ms / baseline.ms)} (target ≤ 1.5×)`);
  if (directory) console.log(`  ratio (b) / (a2): ${ratio(ours.ms / directory.ms)}`);
  console.log(`  protoc-gen-es output of (b) identical to (a)'s: ${sameProtocGenEsOutput(baseline, ours)}`);
  if (ours.es > 2 * baseline.ms) {
    console.log(
      `  note: contractgen's protoc-gen-es phase alone takes ${ratio(ours.es / baseline.ms)} the whole baseline. buf's default\n` +
        `  strategy ("directory") starts one protoc-gen-es process per proto folder (${protoSet.files} here); the\n` +
        `  baseline sets strategy: all (one process). BENCH_DIRECTORY_STRATEGY=1 also times the default strategy.`,
    );
  }

  // 2c. JSON Schema.
  const schema = await measureGenerate(generate, "jsonschema-500", { cwd: schemaDir, proto: false });
  heading(
    `(c) JSON Schema, ${schemaSet.files} files / ${schemaSet.definitions} definitions: contractgen generate (${runsNote(schema)})`,
  );
  table(
    ["case / phase", "wall", "share", "per 100 definitions"],
    [
      [
        "contractgen generate --target ts",
        ms(schema.ms),
        "100 %",
        perUnit((100 * schema.ms) / schemaSet.definitions),
      ],
      ...phaseRows(schema, { count: schemaSet.definitions / 100 }),
    ],
  );
  console.log(
    `  ${schema.files.length} files generated; phases that run concurrently overlap, so shares may sum over 100 %.`,
  );

  // 2d. Scale within one proto file.
  const protoRows = [];
  for (const s of protoScale) {
    const name = `proto-1file-${s.n}`;
    const base = await measureBufGenerate(name, s.dir);
    const gen = await measureGenerate(generate, name, { cwd: s.dir, jsonSchema: false });
    protoRows.push({ n: s.n, base, gen });
  }
  heading("(d) Scale, one .proto file: buf generate vs contractgen; own time = total − protoc-gen-es");
  table(
    [
      "messages",
      "buf generate",
      "contractgen",
      "ratio",
      "protoc-gen-es",
      "own",
      "own / message",
      "runs (buf / ours)",
    ],
    protoRows.map(({ n, base, gen }) => [
      num(n),
      ms(base.ms),
      ms(gen.ms),
      ratio(gen.ms / base.ms),
      ms(gen.es),
      ms(gen.own),
      perUnit(gen.own / n),
      `${base.runs} / ${gen.runs}`,
    ]),
  );
  const firstProto = protoRows[0];
  const lastProto = protoRows.at(-1);
  console.log(
    `  own time per message, ${num(lastProto.n)} vs ${num(firstProto.n)} messages: ${ratio(lastProto.gen.own / lastProto.n / (firstProto.gen.own / firstProto.n))} (≈ 1 is linear)`,
  );
  console.log(
    `  buf generate per message, ${num(lastProto.n)} vs ${num(firstProto.n)}: ${ratio(lastProto.base.ms / lastProto.n / (firstProto.base.ms / firstProto.n))} (protoc-gen-es, for comparison)`,
  );

  // 2d. Scale within one JSON Schema file.
  const schemaRows = [];
  for (const s of schemaScale) {
    const gen = await measureGenerate(generate, `jsonschema-1file-${s.n}`, { cwd: s.dir, proto: false });
    schemaRows.push({ n: s.n, defs: s.set.definitions, gen });
  }
  const phases = [...new Set(schemaRows.flatMap((r) => Object.keys(r.gen.timings)))];
  heading("(d) Scale, one JSON Schema file: contractgen generate, time per definition (total and per phase)");
  table(
    ["$defs", "total", "total / def", ...phases.map((p) => `${SHORT_PHASE[p] ?? p} / def`), "runs"],
    schemaRows.map(({ n, defs, gen }) => [
      num(n),
      ms(gen.ms),
      perUnit(gen.ms / defs),
      ...phases.map((p) => perUnit((gen.timings[p] ?? 0) / defs)),
      runsNote(gen),
    ]),
  );
  console.log(`  phases: ${phases.map((p) => `${SHORT_PHASE[p] ?? p} = ${p}`).join("; ")}`);
  const firstSchema = schemaRows[0];
  const lastSchema = schemaRows.at(-1);
  const perDef = (r, t) => t / r.defs;
  console.log(
    `  total per definition, ${num(lastSchema.n)} vs ${num(firstSchema.n)} $defs: ${ratio(perDef(lastSchema, lastSchema.gen.ms) / perDef(firstSchema, firstSchema.gen.ms))} (≈ 1 is linear)`,
  );
  for (const p of phases) {
    const a = perDef(firstSchema, firstSchema.gen.timings[p] ?? 0);
    const b = perDef(lastSchema, lastSchema.gen.timings[p] ?? 0);
    if (a > 0) console.log(`    ${p}: ${ratio(b / a)}`);
  }

  const seconds = (performance.now() - started) / 1000;
  console.log(`\nDone in ${seconds.toFixed(0)} s; contracts and outputs are in ${relative(ROOT, TMP)}/.`);
}

main().catch((error) => {
  console.error(error?.stack ?? error);
  if (Array.isArray(error?.diagnostics))
    console.error(JSON.stringify(error.diagnostics.slice(0, 20), null, 2));
  process.exit(1);
});
