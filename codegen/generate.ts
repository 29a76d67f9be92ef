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
import { wireSchemas } from "./wire/index.js";

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
  const files = await generateFiles(loaded, config.targets, time, config.phpNamespace);
  const result = await time("write", () =>
    writeOutput(config.out, files, options.check === true).catch((e: unknown) => {
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
    }),
  );
  return { ...result, out: config.out, files, timings };
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
  const files: GeneratedFile[] = [];
  for (const [fullName, schema] of wire) {
    files.push({ path: `schema/${fullName}.schema.json`, content: `${JSON.stringify(schema, null, 2)}\n` });
  }
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
  return files.sort((a, b) => compareStrings(a.path, b.path));
}

async function writeOutput(
  out: string,
  files: readonly GeneratedFile[],
  check: boolean,
): Promise<Pick<GenerateResult, "written" | "unchanged" | "removed" | "outdated">> {
  const existing = new Set<string>();
  let owned = false;
  try {
    await readFile(join(out, MARKER), "utf8");
    owned = true;
  } catch {
    owned = false;
  }
  if (owned) for (const p of await listRelative(out)) existing.add(p);
  let written = 0;
  let unchanged = 0;
  for (const file of files) existing.delete(file.path);
  // Files are compared and written WRITE_CONCURRENCY at a time (one by one, thousands of small files
  // spend most of their time waiting on the file system); each folder is created once.
  const changed = new Array<boolean>(files.length).fill(false);
  const folders = new Map<string, Promise<unknown>>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const file = files[i] as GeneratedFile;
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
      changed[i] = true;
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
  const outdated = files.filter((_, i) => changed[i]).map((f) => f.path);
  existing.delete(MARKER);
  const stale = [...existing].sort(compareStrings);
  outdated.push(...stale);
  if (!check) {
    for (const p of stale) await rm(join(out, p), { force: true });
    await mkdir(out, { recursive: true });
    await writeFile(
      join(out, MARKER),
      "This folder is written by contractgen generate; files in it are replaced.\n",
    );
  }
  return { written, unchanged, removed: check ? 0 : stale.length, outdated };
}

async function listRelative(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"));
  }
  return out;
}
