/**
 * Benchmark of `contractgen breaking` (run `npm run build` first; then `node bench/breaking.js`).
 *
 * Builds the synthetic contract set of bench/synthetic.js twice (old and new) and applies one change to
 * every file of the new copy: every .proto file renames a field (a FILE + WIRE_JSON break), every JSON
 * Schema file gets a new optional property on its closed root object (breaks readers of responses).
 * Then measures, in the same run:
 * - `buf breaking` alone on the proto change (the baseline), and `contractgen breaking` on the same
 *   proto-only project, as a process (the CLI) and in-process (the library): ratio to buf, target ≤ 1.5×;
 * - the JSON Schema part alone, reported per 100 schemas;
 * - both together, as a user runs it.
 * Prints figures only; no assertions.
 *
 * Options (env): BENCH_PROTO_FILES (default 200), BENCH_JSON_FILES (default 50), BENCH_RUNS (default 3).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeJsonSchemaProject, writeProtoProject } from "./synthetic.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TMP = join(ROOT, "bench", "tmp", "breaking");
const PROTO_FILES = Number(process.env.BENCH_PROTO_FILES ?? 200);
const JSON_FILES = Number(process.env.BENCH_JSON_FILES ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const { checkBreaking } = await import(join(ROOT, "dist", "codegen", "index.js"));
const { bufBinary } = await import(join(ROOT, "dist", "codegen", "tools", "buf.js"));
const { loadContracts, resolveConfig } = await import(join(ROOT, "dist", "codegen", "index.js"));
const { checkJsonSchemaChanges } = await import(
  join(ROOT, "dist", "codegen", "breaking", "jsonschema", "index.js")
);
const CLI = join(ROOT, "dist", "cli", "bin.js");

function walk(dir, suffix, out = []) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, suffix, out);
    else if (name.endsWith(suffix)) out.push(full);
  }
  return out;
}

/** old/ and new/ copies of a project; `change` edits each file of the new copy once. */
function pair(name, write, suffix, change) {
  const base = join(TMP, name);
  rmSync(base, { recursive: true, force: true });
  const source = join(base, "source");
  const totals = write(source);
  cpSync(source, join(base, "old"), { recursive: true });
  cpSync(source, join(base, "new"), { recursive: true });
  rmSync(source, { recursive: true, force: true });
  let changed = 0;
  for (const file of walk(join(base, "new"), suffix)) {
    const before = readFileSync(file, "utf8");
    const after = change(before);
    if (after !== before) changed++;
    writeFileSync(file, after);
  }
  return { old: join(base, "old"), new: join(base, "new"), totals, changed };
}

const renameField = (text) => text.replace(/string id = 1;/, "string ident = 1;");
const addProperty = (text) => {
  const json = JSON.parse(text);
  json.properties.benchNote = { description: "Added by the benchmark.", type: "string" };
  return `${JSON.stringify(json, null, 2)}\n`;
};

mkdirSync(TMP, { recursive: true });
const proto = pair("proto", (dir) => writeProtoProject(dir, { files: PROTO_FILES }), ".proto", renameField);
const json = pair(
  "jsonschema",
  (dir) => writeJsonSchemaProject(dir, { files: JSON_FILES }),
  ".schema.json",
  addProperty,
);
// Both kinds in one project, as a user has them.
const both = { old: join(TMP, "both", "old"), new: join(TMP, "both", "new") };
rmSync(join(TMP, "both"), { recursive: true, force: true });
for (const side of ["old", "new"]) {
  cpSync(proto[side], both[side], { recursive: true });
  cpSync(join(json[side], "contracts"), join(both[side], "contracts"), { recursive: true });
}
const schemaCount = json.totals.definitions;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function runProcess(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, lines: r.stdout.split("\n").filter((l) => l.trim() !== "").length };
}

/**
 * Runs the measured functions round-robin (a, b, c, a, b, c, …) after one warm-up each, so that load
 * from other processes on the machine hits all of them alike; returns each one's median.
 */
async function interleaved(fns) {
  const samples = fns.map(() => []);
  const last = [];
  for (const [i, fn] of fns.entries()) last[i] = await fn();
  for (let run = 0; run < RUNS; run++) {
    for (const [i, fn] of fns.entries()) {
      const start = performance.now();
      last[i] = await fn();
      samples[i].push(performance.now() - start);
    }
  }
  return fns.map((_, i) => ({ ms: median(samples[i]), min: Math.min(...samples[i]), last: last[i] }));
}

const [buf, cliProto, libProto] = await interleaved([
  () => runProcess(bufBinary(), ["breaking", "--error-format", "json", "--against", proto.old], proto.new),
  () =>
    runProcess(
      process.execPath,
      [CLI, "breaking", "--against", proto.old, "--no-json-schema", "--format", "json"],
      proto.new,
    ),
  () => checkBreaking({ cwd: proto.new, against: proto.old, jsonSchema: false }),
]);
const [libJson, cliBoth] = await interleaved([
  () => checkBreaking({ cwd: json.new, against: json.old, proto: false }),
  () => runProcess(process.execPath, [CLI, "breaking", "--against", both.old, "--format", "json"], both.new),
]);

// The comparison alone (both versions loaded once): what the checker itself costs.
const loadJson = async (dir) =>
  (await loadContracts({ ...resolveConfig(dir), protoRoot: undefined })).jsonSchema;
const [oldSet, newSet] = [await loadJson(json.old), await loadJson(json.new)];
const [compareOnly] = await interleaved([
  () => checkJsonSchemaChanges(oldSet, newSet, { directions: {}, fallback: "both" }),
]);

const fmt = (ms) => `${ms.toFixed(0)} ms`;
console.log(
  `contractgen breaking benchmark (median of ${RUNS} runs, ${process.platform}/${process.arch}, node ${process.versions.node})`,
);
console.log(
  `proto: ${proto.totals.files} files, ${proto.totals.messages} messages, ${proto.changed} files changed (a field renamed in each)`,
);
console.log(
  `JSON Schema: ${json.totals.files} files, ${schemaCount} schemas, ${json.changed} files changed (an optional property added to each closed root)`,
);
console.log("");
console.log(
  `buf breaking alone (proto)                 ${fmt(buf.ms)}  (${buf.last.lines} findings, exit ${buf.last.code})`,
);
console.log(
  `contractgen breaking, proto only (CLI)     ${fmt(cliProto.ms)}  ratio ${(cliProto.ms / buf.ms).toFixed(2)}× buf (target ≤ 1.5×); best runs ${(cliProto.min / buf.min).toFixed(2)}×`,
);
console.log(
  `contractgen breaking, proto only (library) ${fmt(libProto.ms)}  ratio ${(libProto.ms / buf.ms).toFixed(2)}× buf; best runs ${(libProto.min / buf.min).toFixed(2)}× (${libProto.last.findings.length} findings)`,
);
console.log(
  `JSON Schema part (library)                 ${fmt(libJson.ms)}  = ${fmt((libJson.ms / schemaCount) * 100)} per 100 schemas (${libJson.last.findings.length} findings)`,
);
console.log(
  `  of which comparing (no loading)          ${fmt(compareOnly.ms)}  = ${((compareOnly.ms / schemaCount) * 100).toFixed(1)} ms per 100 schemas`,
);
console.log(`both kinds together (CLI)                  ${fmt(cliBoth.ms)}  (exit ${cliBoth.last.code})`);
