import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { emitPhp } from "../php-gen/index.js";
import { type ConfigOverrides, resolveConfig, type Target } from "./config.js";
import { ContractError } from "./errors.js";
import { type LoadedContracts, loadContracts } from "./load/index.js";
import { emitJsonSchemaService } from "./ts/jsonschema-service.js";
import { emitJsonSchemaTypes } from "./ts/jsonschema-types.js";
import type { GeneratedFile } from "./ts/printer.js";
import { emitProtoServiceHelpers, runProtocGenEs } from "./ts/proto.js";
import { emitValidators } from "./ts/validators.js";
import { compareStrings } from "./util/names.js";
import { type JsonSchema, wireSchemas } from "./wire/index.js";

/** Options of {@link generate}. Everything but `cwd` overrides the config file. */
export interface GenerateOptions extends ConfigOverrides {
  /** Folder to discover the project from (config file, buf.yaml, JSON Schema folder). */
  readonly cwd: string;
  /** Compare with what is on disk and report differences instead of writing (for CI). */
  readonly check?: boolean;
}

/** What {@link generate} produced. */
export interface GenerateResult {
  /** Absolute output folder. */
  readonly out: string;
  readonly files: readonly GeneratedFile[];
  readonly written: number;
  readonly unchanged: number;
  /** Files removed because the contracts no longer produce them. */
  readonly removed: number;
  /** With `check`: output paths that differ from the disk (changed, missing or stale). */
  readonly outdated: readonly string[];
  /** Milliseconds per phase. */
  readonly timings: Readonly<Record<string, number>>;
}

/** Marker file that makes an output folder contractgen's, so stale files in it may be removed. */
const MARKER = ".contractgen";

/** How many output files are compared and written at the same time. */
const WRITE_CONCURRENCY = 16;

/**
 * Reads the project's contracts and writes the generated code: wire JSON Schemas (`schema/`), and per
 * target TypeScript (`ts/`) or PHP (`php/`). Output is deterministic; files whose content is unchanged are
 * not rewritten, and files the contracts no longer produce are removed.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const config = resolveConfig(options.cwd, options);
  const timings: Record<string, number> = {};
  const time = async <T>(phase: string, fn: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      timings[phase] = (timings[phase] ?? 0) + (performance.now() - start);
    }
  };
  const loaded = await time("load contracts (buf build, JSON Schema)", () => loadContracts(config));
  const check = options.check === true;
  const explain = (e: unknown): never => {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOTDIR" || err.code === "EEXIST" || err.code === "EACCES" || err.code === "EROFS") {
      throw new ContractError(
        {
          code: "config",
          message: `cannot write the output folder ${config.out}: ${err.code === "EACCES" || err.code === "EROFS" ? "permission denied" : "a file stands where a folder is needed"} (${err.path ?? config.out})`,
        },
        { cause: e },
      );
    }
    throw e;
  };
  const wire = await time("wire schemas", () => wireSchemas(loaded));
  const schemaFiles = wireSchemaFiles(wire);
  // The wire schemas are written while the target emitters run (buf generate, json-schema-to-typescript).
  const writingSchemas = time("write", () => writeFiles(config.out, schemaFiles, check)).catch(explain);
  writingSchemas.catch(() => undefined); // awaited below; keeps an early failure from being unhandled
  const targetFiles = await emitTargets(loaded, wire, config.targets, time, config.phpNamespace);
  const [schemasWritten, targetsWritten] = await Promise.all([
    writingSchemas,
    time("write", () => writeFiles(config.out, targetFiles, check)).catch(explain),
  ]);
  const files = [...schemaFiles, ...targetFiles].sort((x, y) => compareStrings(x.path, y.path));
  const finished = await time("write", () => finishOutput(config.out, files, check)).catch(explain);
  return {
    out: config.out,
    files,
    written: schemasWritten.written + targetsWritten.written,
    unchanged: schemasWritten.unchanged + targetsWritten.unchanged,
    removed: finished.removed,
    outdated: [...schemasWritten.changed, ...targetsWritten.changed]
      .sort(compareStrings)
      .concat(finished.stale),
    timings,
  };
}

type Timer = <T>(phase: string, fn: () => Promise<T> | T) => Promise<T>;

/** All generated files for `targets`, in memory, sorted by path. */
export async function generateFiles(
  loaded: LoadedContracts,
  targets: readonly Target[],
  time: Timer = async (_p, fn) => fn(),
  phpNamespace?: string,
): Promise<GeneratedFile[]> {
  const wire = await time("wire schemas", () => wireSchemas(loaded));
  const files = [...wireSchemaFiles(wire), ...(await emitTargets(loaded, wire, targets, time, phpNamespace))];
  return files.sort((a, b) => compareStrings(a.path, b.path));
}

/** One `schema/<full.Name>.schema.json` file per wire schema. */
function wireSchemaFiles(wire: ReadonlyMap<string, JsonSchema>): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const [fullName, schema] of wire) {
    files.push({ path: `schema/${fullName}.schema.json`, content: `${JSON.stringify(schema, null, 2)}\n` });
  }
  return files;
}

/** The files of each target language (TypeScript, PHP). */
async function emitTargets(
  loaded: LoadedContracts,
  wire: ReadonlyMap<string, JsonSchema>,
  targets: readonly Target[],
  time: Timer,
  phpNamespace: string | undefined,
): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [];
  if (targets.includes("ts")) {
    const tasks: Promise<GeneratedFile[]>[] = [];
    if (loaded.proto) {
      const image = loaded.proto;
      tasks.push(
        time("buf generate (protoc-gen-es)", () => runProtocGenEs(image)).then((es) => [
          ...es,
          ...emitProtoServiceHelpers(loaded.model, es),
        ]),
      );
    }
    if (loaded.jsonSchema) {
      const sources = loaded.jsonSchema.sources;
      tasks.push(time("json-schema-to-typescript", () => emitJsonSchemaTypes(loaded.model, wire, sources)));
      tasks.push(time("ajv standalone", () => emitValidators(loaded.model, wire, sources.keys())));
      const services = [...loaded.model.services.values()].filter((s) => s.source === "jsonschema");
      files.push(...services.map((s) => emitJsonSchemaService(loaded.model, s)));
    }
    for (const list of await Promise.all(tasks)) files.push(...list);
  }
  if (targets.includes("php")) {
    files.push(
      ...(await time("php", () =>
        emitPhp(loaded, wire, phpNamespace !== undefined ? { namespace: phpNamespace } : {}),
      )),
    );
  }
  return files;
}

/**
 * Compares `files` with the disk and writes those that differ (with `check`, only compares). Files are
 * handled WRITE_CONCURRENCY at a time (one by one, thousands of small files spend most of their time
 * waiting on the file system); each folder is created once.
 */
async function writeFiles(
  out: string,
  files: readonly GeneratedFile[],
  check: boolean,
): Promise<{ written: number; unchanged: number; changed: string[] }> {
  let written = 0;
  let unchanged = 0;
  const changed: string[] = [];
  const folders = new Map<string, Promise<unknown>>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++] as GeneratedFile;
      const target = join(out, file.path);
      let current: string | undefined;
      try {
        current = await readFile(target, "utf8");
      } catch {
        current = undefined;
      }
      if (current === file.content) {
        unchanged++;
        continue;
      }
      changed.push(file.path);
      if (check) continue;
      const folder = dirname(target);
      let made = folders.get(folder);
      if (!made) {
        made = mkdir(folder, { recursive: true });
        folders.set(folder, made);
      }
      await made;
      await writeFile(target, file.content);
      written++;
    }
  };
  await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
  return { written, unchanged, changed };
}

/**
 * Removes files the contracts no longer produce — only in a folder contractgen owns (it holds the
 * marker) — and writes the marker. With `check`, only reports them.
 */
async function finishOutput(
  out: string,
  files: readonly GeneratedFile[],
  check: boolean,
): Promise<{ removed: number; stale: string[] }> {
  let owned = false;
  try {
    await readFile(join(out, MARKER), "utf8");
    owned = true;
  } catch {
    owned = false;
  }
  const existing = new Set<string>(owned ? await listRelative(out) : []);
  for (const file of files) existing.delete(file.path);
  existing.delete(MARKER);
  const stale = [...existing].sort(compareStrings);
  if (!check) {
    for (const p of stale) await rm(join(out, p), { force: true });
    await mkdir(out, { recursive: true });
    await writeFile(
      join(out, MARKER),
      "This folder is written by contractgen generate; files in it are replaced.\n",
    );
  }
  return { removed: check ? 0 : stale.length, stale };
}

async function listRelative(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"));
  }
  return out;
}
