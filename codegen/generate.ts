import type { PhpOptions } from "../php-gen/index.js";
import { type ConfigOverrides, resolveConfig, type Target } from "./config.js";
import { ContractError, type Diagnostic } from "./errors.js";
import { type BufBuild, startBufBuild } from "./load/buf-build.js";
import type { LoadedContracts, PhaseTimer } from "./load/index.js";
import { openOutput } from "./output/index.js";
import type { GeneratedFile } from "./ts/printer.js";
import { compareStrings } from "./util/names.js";
import type { JsonSchema } from "./wire/index.js";

/** Options of {@link generate}. Everything but `cwd` overrides the config file. */
export interface GenerateOptions extends ConfigOverrides {
  /** Folder to discover the project from (config file, buf.yaml, JSON Schema folder). */
  readonly cwd: string;
  /** Compare with what is on disk and report differences instead of writing (for CI). */
  readonly check?: boolean;
  /**
   * Write the wire JSON Schemas (`schema/`). Default: when the `ts` target is on — the TypeScript
   * runtime reads them; the PHP code does not, so a run with only the `php` target skips them.
   */
  readonly wireSchemas?: boolean;
}

/** Whether a run for `targets` writes `schema/` (see {@link GenerateOptions.wireSchemas}). */
export function writesWireSchemas(targets: readonly Target[], explicit?: boolean): boolean {
  return explicit ?? targets.includes("ts");
}

/** What {@link generate} produced. */
export interface GenerateResult {
  /** Absolute output folder. */
  readonly out: string;
  /**
   * Every generated file, sorted by path. Unless `check` was set, a file's `content` is read back from
   * the output folder when it is accessed (the strings are not kept while generating).
   */
  readonly files: readonly GeneratedFile[];
  readonly written: number;
  readonly unchanged: number;
  /** Files removed because the contracts no longer produce them. */
  readonly removed: number;
  /** With `check`: output paths that differ from the disk (changed, missing or stale). */
  readonly outdated: readonly string[];
  /**
   * Milliseconds per phase: `buf build`, `proto descriptors`, `JSON Schema`, `contract model`,
   * `wire schemas`, then per target (`buf generate (protoc-gen-es)`, `json-schema-to-typescript`,
   * `ajv standalone`, `php`), and `write` — the wait for the writer thread after the last file was
   * generated (it writes while the others run).
   */
  readonly timings: Readonly<Record<string, number>>;
  /**
   * What generation resolved on its own and reports (severity `warning`): a type name already used in
   * its package and renamed, an annotation keyword carried along. The CLI prints them on stderr.
   */
  readonly warnings: readonly Diagnostic[];
}

/**
 * Reads the project's contracts and writes the generated code: per target TypeScript (`ts/`) or PHP
 * (`php/`), and the wire JSON Schemas (`schema/`, with the `ts` target or `wireSchemas`). Output is deterministic; files whose content is unchanged are
 * not rewritten, and files the contracts no longer produce are removed.
 *
 * Files are written on a separate thread while the rest is generated (codegen/output), so the phase
 * timings overlap: `write` is only the wait for the writer after the last file was generated.
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
  // buf compiles the contracts while the writer thread starts (and lists the output folder) and the
  // modules that decode buf's image and emit the code are loaded (~100 ms in a new process).
  let bufBuild: BufBuild | undefined;
  const output = openOutput(config.out, check);
  let files: GeneratedFile[];
  let warnings: readonly Diagnostic[] = [];
  try {
    bufBuild = config.protoRoot ? startBufBuild(config.protoRoot, time) : undefined;
    const [{ loadContracts }, { wireSchemas }] = await Promise.all([
      import("./load/index.js"),
      import("./wire/index.js"),
      config.targets.includes("php") ? import("../php-gen/index.js") : undefined,
    ]);
    const loaded = await loadContracts(config, time, bufBuild);
    warnings = loaded.jsonSchema?.warnings ?? [];
    const writesSchemas = writesWireSchemas(config.targets, options.wireSchemas);
    const wire = needsWireSchemas(loaded, config.targets, writesSchemas)
      ? await time("wire schemas", () => wireSchemas(loaded))
      : new Map<string, JsonSchema>();
    // What the writer returns is kept: the same files backed by the bytes it writes, off the JS heap.
    const schemaFiles = output.write(writesSchemas ? wireSchemaFiles(wire) : []);
    const targetFiles = await emitTargets(loaded, wire, config.targets, time, config.phpNamespace, (batch) =>
      output.write(batch),
    );
    files = [...schemaFiles, ...targetFiles].sort((x, y) => compareStrings(x.path, y.path));
  } catch (e) {
    await output.abort();
    throw e;
  } finally {
    await bufBuild?.dispose();
  }
  const written = await time("write", () => output.finish()).catch(explain);
  return {
    out: config.out,
    files,
    written: written.written,
    unchanged: written.unchanged,
    removed: written.removed,
    outdated: written.outdated,
    timings,
    warnings,
  };
}

/**
 * All generated files for `targets`, in memory, sorted by path; the wire schemas as
 * {@link writesWireSchemas} decides.
 */
export async function generateFiles(
  loaded: LoadedContracts,
  targets: readonly Target[],
  time: PhaseTimer = async (_p, fn) => fn(),
  phpNamespace?: string,
  withWireSchemas?: boolean,
): Promise<GeneratedFile[]> {
  const writesSchemas = writesWireSchemas(targets, withWireSchemas);
  const { wireSchemas } = await import("./wire/index.js");
  const wire = needsWireSchemas(loaded, targets, writesSchemas)
    ? await time("wire schemas", () => wireSchemas(loaded))
    : new Map<string, JsonSchema>();
  const files = [
    ...(writesSchemas ? wireSchemaFiles(wire) : []),
    ...(await emitTargets(loaded, wire, targets, time, phpNamespace)),
  ];
  return files.sort((a, b) => compareStrings(a.path, b.path));
}

/**
 * Whether a run computes the wire schemas: to write them, for the TypeScript target (its JSON Schema
 * types and validators are made from them), and for JSON Schema contracts, whose `$ref` problems
 * (a recursion through an unnamed schema) are found while computing them. Only a proto-only run of the
 * PHP target does without.
 */
function needsWireSchemas(loaded: LoadedContracts, targets: readonly Target[], writes: boolean): boolean {
  return writes || targets.includes("ts") || loaded.jsonSchema !== undefined;
}

/** One `schema/<full.Name>.schema.json` file per wire schema. */
function wireSchemaFiles(wire: ReadonlyMap<string, JsonSchema>): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const [fullName, schema] of wire) {
    files.push({ path: `schema/${fullName}.schema.json`, content: `${JSON.stringify(schema, null, 2)}\n` });
  }
  return files;
}

/**
 * The files of each target language (TypeScript, PHP). `onFiles` receives them as they are produced
 * (the PHP target hands them over in batches while it generates), before the returned list.
 */
async function emitTargets(
  loaded: LoadedContracts,
  wire: ReadonlyMap<string, JsonSchema>,
  targets: readonly Target[],
  time: PhaseTimer,
  phpNamespace: string | undefined,
  onFiles: (files: readonly GeneratedFile[]) => readonly GeneratedFile[] | undefined = () => undefined,
): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [];
  if (targets.includes("ts")) {
    const ts = await emitTypeScript(loaded, wire, time);
    files.push(...(onFiles(ts) ?? ts));
  }
  if (targets.includes("php")) {
    // Loaded on demand: a run without the PHP target does not load the PHP emitter, and the reverse.
    const { emitPhp } = await import("../php-gen/index.js");
    const php: PhpOptions = { ...(phpNamespace !== undefined ? { namespace: phpNamespace } : {}), onFiles };
    files.push(...(await time("php", () => emitPhp(loaded, php))));
  }
  return files;
}

/** The TypeScript target: protoc-gen-es plus helpers for proto; types, validators and services for JSON Schema. */
async function emitTypeScript(
  loaded: LoadedContracts,
  wire: ReadonlyMap<string, JsonSchema>,
  time: PhaseTimer,
): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [];
  const tasks: Promise<GeneratedFile[]>[] = [];
  if (loaded.proto) {
    const image = loaded.proto;
    const { emitProtoServiceHelpers, runProtocGenEs } = await import("./ts/proto.js");
    tasks.push(
      time("buf generate (protoc-gen-es)", () => runProtocGenEs(image)).then((es) => [
        ...es,
        ...emitProtoServiceHelpers(loaded.model, es),
      ]),
    );
  }
  if (loaded.jsonSchema) {
    const sources = loaded.jsonSchema.sources;
    const [{ emitJsonSchemaTypes }, { emitValidators }, { emitJsonSchemaService }] = await Promise.all([
      import("./ts/jsonschema-types.js"),
      import("./ts/validators.js"),
      import("./ts/jsonschema-service.js"),
    ]);
    tasks.push(time("json-schema-to-typescript", () => emitJsonSchemaTypes(loaded.model, wire, sources)));
    tasks.push(time("ajv standalone", () => emitValidators(loaded.model, wire, sources.keys())));
    const services = [...loaded.model.services.values()].filter((s) => s.source === "jsonschema");
    files.push(...services.map((s) => emitJsonSchemaService(loaded.model, s)));
  }
  for (const list of await Promise.all(tasks)) files.push(...list);
  return files;
}
