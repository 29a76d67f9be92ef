import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { checkTestSection, type TestConfig } from "./contract-test/config.js";
import { ContractError } from "./errors.js";
import { DRAFTS, type Draft } from "./load/drafts.js";

/** Output languages of `generate`. */
export type Target = "ts" | "php";

export const ALL_TARGETS: readonly Target[] = ["ts", "php"];

/** The config file name looked up in the working directory. */
export const CONFIG_FILE = "contractgen.config.json";

/**
 * Settings of a contractgen project, as written in `contractgen.config.json` (every key optional).
 * Paths are relative to the folder of the config file.
 */
export interface ConfigFile {
  /** Folder holding `buf.yaml` (a buf workspace or module), or `false` to ignore proto. Default: `.` if it has one. */
  proto?: string | false;
  /** Folder whose `*.schema.json` / `*.service.json` files are the JSON Schema contracts, or `false`. */
  jsonSchema?: string | false;
  /** Output folder. Default `gen`. */
  out?: string;
  /** Output languages. Default `["ts"]`. */
  targets?: Target[];
  /** PHP output settings. */
  php?: { namespace?: string };
  /** Settings of `contractgen breaking` (docs/breaking.md). */
  breaking?: BreakingConfig;
  /** Settings of `contractgen test` (docs/contract-tests.md). */
  test?: TestConfig;
  /** How JSON Schema contracts are read (docs/contracts.md#drafts). */
  jsonSchemaOptions?: JsonSchemaOptionsConfig;
}

/** The `jsonSchemaOptions` section: paths relative to the config file. */
export interface JsonSchemaOptionsConfig {
  /** Draft of a schema without `$schema`: `draft-04`, `draft-06`, `draft-07`, `2019-09` or `2020-12` (default). */
  readonly defaultDraft?: Draft;
  /** Remote `$ref` URL (or URL prefix ending in `/`) → vendored file (or folder). */
  readonly remoteRefs?: Readonly<Record<string, string>>;
  /** `annotation` (default): unknown keywords are kept as annotations; `error`: they are refused. */
  readonly unknownKeywords?: "annotation" | "error";
}

/** Direction a JSON Schema is read in: by the server, by clients, or both. */
export type BreakingDirection = "request" | "response" | "both";

/** One ignore of `contractgen breaking`: findings of these rules (all when absent) under this path. */
export interface BreakingIgnore {
  /** Rule id or ids (`"PROPERTY_ADDED"`, buf's `"FIELD_SAME_JSON_NAME"`). */
  readonly rule?: string | readonly string[];
  /** Glob on the project-relative file path (`contracts/jsonschema/shop/events/**`), optionally `#/json/pointer` prefix. */
  readonly path?: string;
  /** Why; shown in the report. */
  readonly reason?: string;
}

/** The `breaking` section of the config file. */
export interface BreakingConfig {
  /** Direction of schemas no manifest references and `directions` does not name. Default `both`. */
  readonly direction?: BreakingDirection;
  /** Full-name glob (`shop.events.v1.*`) → direction, for schemas no manifest references. */
  readonly directions?: Readonly<Record<string, BreakingDirection>>;
  readonly ignore?: readonly BreakingIgnore[];
}

/** A resolved configuration: absolute paths, defaults applied. */
export interface ResolvedConfig {
  /** Project root: the folder of the config file, or the working directory. */
  readonly root: string;
  /** The config file read, if any. */
  readonly configFile?: string;
  /** Absolute folder with buf.yaml, or undefined when the project has no proto contracts. */
  readonly protoRoot?: string;
  /** Absolute JSON Schema root, or undefined when the project has none. */
  readonly jsonSchemaRoot?: string;
  readonly out: string;
  readonly targets: readonly Target[];
  readonly phpNamespace?: string;
  /** The `breaking` section as written (validated); empty when absent. */
  readonly breaking?: BreakingConfig;
  /** The `test` section as written (validated); empty when absent. */
  readonly test?: TestConfig;
  /** JSON Schema reading options, remote ref paths made absolute; defaults applied by the loader. */
  readonly jsonSchemaOptions?: JsonSchemaOptionsConfig;
}

/** Flags that override the config file. */
export interface ConfigOverrides {
  readonly config?: string;
  readonly out?: string;
  readonly targets?: readonly Target[];
  readonly proto?: string | false;
  readonly jsonSchema?: string | false;
}

/** Folders searched, in order, for JSON Schema contracts when no config names one. */
export const JSON_SCHEMA_DEFAULT_ROOTS = ["contracts/jsonschema", "contracts", "schemas"];

/**
 * Finds and reads the configuration. Discovery: `--config` if given, else `contractgen.config.json` in
 * `cwd`; without one, proto contracts are the buf workspace in `cwd` (if it has a `buf.yaml`) and JSON
 * Schema contracts are the first of {@link JSON_SCHEMA_DEFAULT_ROOTS} that holds a `*.schema.json` file.
 */
export function resolveConfig(cwd: string, overrides: ConfigOverrides = {}): ResolvedConfig {
  let file: ConfigFile = {};
  let configFile: string | undefined;
  let root = cwd;
  if (overrides.config !== undefined) {
    configFile = resolve(cwd, overrides.config);
    if (!existsSync(configFile)) {
      throw new ContractError({ code: "config", message: `config file ${overrides.config} does not exist` });
    }
  } else if (existsSync(join(cwd, CONFIG_FILE))) {
    configFile = join(cwd, CONFIG_FILE);
  }
  if (configFile) {
    file = readConfigFile(configFile);
    root = resolve(configFile, "..");
  }
  const protoSetting = overrides.proto ?? file.proto;
  let protoRoot: string | undefined;
  if (protoSetting === false) {
    protoRoot = undefined;
  } else if (protoSetting !== undefined) {
    protoRoot = resolve(root, protoSetting);
    if (!existsSync(join(protoRoot, "buf.yaml"))) {
      throw new ContractError({
        code: "config",
        message: `proto folder ${protoSetting} has no buf.yaml; create one (buf config init) or set "proto": false`,
        ...(configFile ? { location: { file: configFile, pointer: "/proto" } } : {}),
      });
    }
  } else if (existsSync(join(root, "buf.yaml"))) {
    protoRoot = root;
  }
  const schemaSetting = overrides.jsonSchema ?? file.jsonSchema;
  let jsonSchemaRoot: string | undefined;
  if (schemaSetting === false) {
    jsonSchemaRoot = undefined;
  } else if (schemaSetting !== undefined) {
    jsonSchemaRoot = resolve(root, schemaSetting);
    if (!isDirectory(jsonSchemaRoot)) {
      throw new ContractError({
        code: "config",
        message: `JSON Schema folder ${schemaSetting} does not exist`,
        ...(configFile ? { location: { file: configFile, pointer: "/jsonSchema" } } : {}),
      });
    }
  } else {
    for (const candidate of JSON_SCHEMA_DEFAULT_ROOTS) {
      const dir = join(root, candidate);
      if (isDirectory(dir)) {
        jsonSchemaRoot = dir;
        break;
      }
    }
  }
  const outSetting = overrides.out ?? file.out ?? "gen";
  const out = isAbsolute(outSetting)
    ? outSetting
    : resolve(overrides.out !== undefined ? cwd : root, outSetting);
  const targets = overrides.targets ?? file.targets ?? ["ts"];
  return {
    root,
    ...(configFile ? { configFile } : {}),
    ...(protoRoot ? { protoRoot } : {}),
    ...(jsonSchemaRoot ? { jsonSchemaRoot } : {}),
    out,
    targets,
    ...(file.php?.namespace ? { phpNamespace: file.php.namespace } : {}),
    breaking: file.breaking ?? {},
    test: file.test ?? {},
    ...(file.jsonSchemaOptions
      ? {
          jsonSchemaOptions: {
            ...file.jsonSchemaOptions,
            ...(file.jsonSchemaOptions.remoteRefs
              ? {
                  remoteRefs: Object.fromEntries(
                    Object.entries(file.jsonSchemaOptions.remoteRefs).map(([url, path]) => [
                      url,
                      resolve(root, path),
                    ]),
                  ),
                }
              : {}),
          },
        }
      : {}),
  };
}

/** Parses `--target ts,php`; rejects unknown names. */
export function parseTargets(value: string): Target[] {
  const targets = value
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  for (const t of targets) {
    if (!(ALL_TARGETS as readonly string[]).includes(t)) {
      throw new ContractError({
        code: "config",
        message: `unknown target ${JSON.stringify(t)}: expected a comma-separated list of ${ALL_TARGETS.join(", ")}`,
      });
    }
  }
  if (targets.length === 0)
    throw new ContractError({ code: "config", message: "--target needs at least one target" });
  return [...new Set(targets)] as Target[];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const KEYS = new Set([
  "$schema",
  "proto",
  "jsonSchema",
  "out",
  "targets",
  "php",
  "breaking",
  "test",
  "jsonSchemaOptions",
]);

function checkJsonSchemaOptions(value: unknown, fail: (pointer: string, message: string) => never): void {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObj(value))
    fail("/jsonSchemaOptions", "expected an object with defaultDraft, remoteRefs, unknownKeywords");
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!["defaultDraft", "remoteRefs", "unknownKeywords"].includes(key))
      fail(
        `/jsonSchemaOptions/${key}`,
        `unknown key ${JSON.stringify(key)}; expected defaultDraft, remoteRefs or unknownKeywords`,
      );
  }
  const d = o["defaultDraft"];
  if (d !== undefined && !(DRAFTS as readonly unknown[]).includes(d))
    fail(
      "/jsonSchemaOptions/defaultDraft",
      `expected one of ${DRAFTS.map((x) => JSON.stringify(x)).join(", ")}`,
    );
  const u = o["unknownKeywords"];
  if (u !== undefined && u !== "annotation" && u !== "error")
    fail("/jsonSchemaOptions/unknownKeywords", 'expected "annotation" or "error"');
  const r = o["remoteRefs"];
  if (r !== undefined) {
    if (!isObj(r))
      fail(
        "/jsonSchemaOptions/remoteRefs",
        'expected an object such as { "https://example.com/schemas/": "vendor/example/" }',
      );
    for (const [url, path] of Object.entries(r as Record<string, unknown>)) {
      const at = `/jsonSchemaOptions/remoteRefs/${url.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      if (!/^https?:\/\//.test(url)) fail(at, "expected an http(s) URL as key");
      if (typeof path !== "string" || path === "") fail(at, "expected the path of a vendored file or folder");
    }
  }
}

const DIRECTIONS = ["request", "response", "both"];

function checkBreakingSection(value: unknown, fail: (pointer: string, message: string) => never): void {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObj(value)) fail("/breaking", "expected an object with direction, directions and ignore");
  const b = value as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!["direction", "directions", "ignore"].includes(key))
      fail(
        `/breaking/${key}`,
        `unknown key ${JSON.stringify(key)}; expected one of direction, directions, ignore`,
      );
  }
  const direction = (v: unknown, pointer: string): void => {
    if (typeof v !== "string" || !DIRECTIONS.includes(v))
      fail(pointer, `expected "request", "response" or "both", found ${JSON.stringify(v)}`);
  };
  if (b["direction"] !== undefined) direction(b["direction"], "/breaking/direction");
  if (b["directions"] !== undefined) {
    if (!isObj(b["directions"]))
      fail("/breaking/directions", 'expected an object such as { "shop.events.v1.*": "response" }');
    for (const [glob, d] of Object.entries(b["directions"] as Record<string, unknown>))
      direction(d, `/breaking/directions/${glob.replace(/~/g, "~0").replace(/\//g, "~1")}`);
  }
  if (b["ignore"] !== undefined) {
    if (!Array.isArray(b["ignore"])) fail("/breaking/ignore", "expected an array of { rule, path, reason }");
    (b["ignore"] as unknown[]).forEach((entry, i) => {
      const at = `/breaking/ignore/${i}`;
      if (!isObj(entry)) fail(at, "expected an object { rule, path, reason }");
      const e = entry as Record<string, unknown>;
      for (const key of Object.keys(e)) {
        if (!["rule", "path", "reason"].includes(key))
          fail(`${at}/${key}`, `unknown key ${JSON.stringify(key)}; expected rule, path or reason`);
      }
      if (e["rule"] === undefined && e["path"] === undefined)
        fail(at, "an ignore needs a rule, a path or both (an ignore of everything would hide every finding)");
      const rule = e["rule"];
      const ruleOk = (r: unknown): boolean => typeof r === "string" && /^[A-Z][A-Z0-9_]*$/.test(r);
      if (
        rule !== undefined &&
        !(ruleOk(rule) || (Array.isArray(rule) && rule.length > 0 && rule.every(ruleOk)))
      )
        fail(
          `${at}/rule`,
          `expected a rule id such as "PROPERTY_ADDED" or an array of them, found ${JSON.stringify(rule)}`,
        );
      if (e["path"] !== undefined && (typeof e["path"] !== "string" || e["path"] === ""))
        fail(`${at}/path`, 'expected a non-empty path glob such as "contracts/jsonschema/shop/events/**"');
      if (e["reason"] !== undefined && typeof e["reason"] !== "string")
        fail(`${at}/reason`, "expected a string");
    });
  }
}

function readConfigFile(path: string): ConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new ContractError({
      code: "config",
      message: `invalid JSON: ${(e as Error).message}`,
      location: { file: path },
    });
  }
  const fail = (pointer: string, message: string): never => {
    throw new ContractError({ code: "config", message, location: { file: path, pointer } });
  };
  if (json === null || typeof json !== "object" || Array.isArray(json))
    fail("", "the config must be a JSON object");
  const obj = json as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!KEYS.has(key))
      fail(`/${key}`, `unknown key ${JSON.stringify(key)}; expected one of ${[...KEYS].join(", ")}`);
  }
  const pathOrFalse = (key: "proto" | "jsonSchema"): void => {
    const v = obj[key];
    if (v !== undefined && v !== false && typeof v !== "string")
      fail(`/${key}`, `expected a folder path or false`);
  };
  pathOrFalse("proto");
  pathOrFalse("jsonSchema");
  if (obj["out"] !== undefined && typeof obj["out"] !== "string") fail("/out", "expected a folder path");
  if (obj["targets"] !== undefined) {
    const t = obj["targets"];
    if (!Array.isArray(t) || t.some((x) => !(ALL_TARGETS as readonly unknown[]).includes(x))) {
      fail("/targets", `expected an array of ${ALL_TARGETS.map((x) => JSON.stringify(x)).join(", ")}`);
    }
  }
  if (obj["php"] !== undefined) {
    const php = obj["php"];
    if (php === null || typeof php !== "object" || Array.isArray(php)) fail("/php", "expected an object");
    const ns = (php as Record<string, unknown>)["namespace"];
    if (
      ns !== undefined &&
      (typeof ns !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*(\\[A-Za-z_][A-Za-z0-9_]*)*$/.test(ns))
    ) {
      fail("/php/namespace", `expected a PHP namespace such as "Acme\\\\Contracts"`);
    }
  }
  if (obj["breaking"] !== undefined) checkBreakingSection(obj["breaking"], fail);
  if (obj["test"] !== undefined) checkTestSection(obj["test"], fail);
  if (obj["jsonSchemaOptions"] !== undefined) checkJsonSchemaOptions(obj["jsonSchemaOptions"], fail);
  return obj as ConfigFile;
}
