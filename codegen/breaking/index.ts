import { existsSync, statSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import {
  type BreakingConfig,
  type ConfigOverrides,
  JSON_SCHEMA_DEFAULT_ROOTS,
  type ResolvedConfig,
  resolveConfig,
} from "../config.js";
import { ContractError, isContractError } from "../errors.js";
import { type LoadedContracts, loadContracts } from "../load/index.js";
import { compareStrings } from "../util/names.js";
import { extractTree, gitLocation, listTags, parseAgainst, resolveCommit } from "./git.js";
import { applyIgnores } from "./ignore.js";
import { jsonPointerLines, lineOf } from "./json-lines.js";
import { checkJsonSchemaChanges } from "./jsonschema/index.js";
import {
  BreakingError,
  type BreakingFinding,
  type BreakingReport,
  type Direction,
  type IgnoredFinding,
} from "./model.js";
import { checkProtoBreaking } from "./proto.js";
import { severityOf } from "./rules.js";

/** Options of {@link checkBreaking}. */
export interface BreakingOptions extends ConfigOverrides {
  /** Working directory: where the config is looked up and relative paths start. */
  readonly cwd: string;
  /**
   * Git ref (`main`, `origin/main`, `HEAD~1`), buf's `.git#branch=main` form, or a directory; a list
   * checks against each of them in one run (transitive checks), each finding labelled with its ref.
   */
  readonly against?: string | readonly string[];
  /**
   * A glob over tag names (`v*`, `release-*`): also check against every tag of the repository that
   * matches it, oldest version first.
   */
  readonly againstTags?: string;
  /** Direction of schemas no manifest references (overrides `breaking.direction` of the config). */
  readonly direction?: Direction;
}

const DEFAULTS = { direction: "both" as Direction };

const OLD_FILES = /(\.proto|\.schema\.json|\.service\.json|(^|\/)buf\.(yaml|lock|work\.yaml))$/;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function toPosix(p: string): string {
  return p.split(sep).join("/");
}

/** The project as it was: a folder with the same layout as the project root, and where it came from. */
interface OldTree {
  readonly root: string;
  readonly label: string;
  readonly cleanup?: string;
}

async function oldTree(config: ResolvedConfig, options: BreakingOptions, against: string): Promise<OldTree> {
  const source = parseAgainst(against, options.cwd);
  if (source.kind === "directory") return { root: source.dir, label: source.dir };
  const { top, prefix: projectPrefix } = await gitLocation(
    source.repo === options.cwd ? config.root : source.repo,
  );
  const commit = await resolveCommit(top, source.ref);
  // `subdir` (buf's form) says where the project is inside the repository; else it is where we are.
  const subdir = toPosix(source.subdir).replace(/^\/+|\/+$/g, "");
  const prefix = subdir !== "" ? subdir : source.repo === options.cwd ? projectPrefix : "";
  const join2 = (rel: string): string => [prefix, rel].filter((p) => p !== "" && p !== ".").join("/");
  const roots: string[] = [];
  if (config.protoRoot) roots.push(join2(toPosix(relative(config.root, config.protoRoot))));
  if (config.jsonSchemaRoot) roots.push(join2(toPosix(relative(config.root, config.jsonSchemaRoot))));
  if (!config.protoRoot && options.proto !== false) roots.push(join2(""));
  if (!config.jsonSchemaRoot && options.jsonSchema !== false)
    for (const r of JSON_SCHEMA_DEFAULT_ROOTS) roots.push(join2(r));
  const dir = await extractTree(top, commit, [...new Set(roots)], (path) => OLD_FILES.test(path));
  return {
    root: prefix === "" ? dir : join(dir, ...prefix.split("/")),
    label: `${source.ref} (${commit.slice(0, 12)})`,
    cleanup: dir,
  };
}

/** The old version's config: the new layout (folders relative to the project root) applied to the old tree. */
function oldConfig(config: ResolvedConfig, root: string, options: BreakingOptions): ResolvedConfig {
  let protoRoot: string | undefined;
  if (config.protoRoot) {
    const p = join(root, relative(config.root, config.protoRoot));
    if (existsSync(join(p, "buf.yaml"))) protoRoot = p;
  } else if (options.proto !== false && !config.configFile && existsSync(join(root, "buf.yaml"))) {
    protoRoot = root;
  }
  let jsonSchemaRoot: string | undefined;
  if (config.jsonSchemaRoot) {
    const p = join(root, relative(config.root, config.jsonSchemaRoot));
    if (isDirectory(p)) jsonSchemaRoot = p;
  } else if (options.jsonSchema !== false && !config.configFile) {
    jsonSchemaRoot = JSON_SCHEMA_DEFAULT_ROOTS.map((r) => join(root, r)).find(isDirectory);
  }
  return {
    root,
    ...(protoRoot ? { protoRoot } : {}),
    ...(jsonSchemaRoot ? { jsonSchemaRoot } : {}),
    out: join(root, "gen"),
    targets: [],
  };
}

/** Loads only the JSON Schema part (proto goes through `buf breaking`, which builds it itself). */
async function loadJsonSchema(config: ResolvedConfig, label?: string): Promise<LoadedContracts | undefined> {
  if (!config.jsonSchemaRoot) return undefined;
  const { protoRoot: _ignored, ...rest } = config;
  try {
    return await loadContracts(rest);
  } catch (e) {
    if (label && isContractError(e)) {
      throw new ContractError(
        e.diagnostics.map((d) => ({ ...d, message: `${d.message} (in the old contracts at ${label})` })),
        { cause: e },
      );
    }
    throw e;
  }
}

/** The refs to check against: `against` (one or a list), then the tags matching `againstTags`. */
async function againstList(config: ResolvedConfig, options: BreakingOptions): Promise<string[]> {
  const list = typeof options.against === "string" ? [options.against] : [...(options.against ?? [])];
  if (options.againstTags !== undefined) {
    if (options.againstTags.trim() === "")
      throw new BreakingError("bad_against", "--against-tags needs a tag pattern such as 'v*'");
    const { top } = await gitLocation(config.root);
    const tags = await listTags(top, options.againstTags);
    if (tags.length === 0)
      throw new BreakingError(
        "bad_against",
        `no git tag matches ${JSON.stringify(options.againstTags)} in ${top}; in a clone, fetch the tags (\`git fetch --tags\`; in GitHub Actions check out with \`fetch-depth: 0\`)`,
      );
    list.push(...tags);
  }
  if (list.length === 0)
    throw new BreakingError("bad_against", "give --against <ref> (repeatable) or --against-tags <pattern>");
  return [...new Set(list)];
}

/**
 * Compares the project's contracts with an older version and reports the changes that break readers:
 * proto through the real `buf breaking` (rules from buf.yaml, buf's rule ids), JSON Schema messages and
 * service manifests through contractgen's own checker, which reasons about the values each schema
 * accepts in the direction it is read. Ignores from the config and from the schemas are applied and
 * listed. With several refs (`against` as a list, `againstTags`) every one is checked and each finding
 * names the ref it was found against. Throws {@link BreakingError} for a bad `--against` and
 * ContractError for invalid contracts.
 */
export async function checkBreaking(options: BreakingOptions): Promise<BreakingReport> {
  const config = resolveConfig(options.cwd, options);
  const breaking: BreakingConfig = config.breaking ?? {};
  const direction = options.direction ?? breaking.direction ?? DEFAULTS.direction;
  if (!["request", "response", "both"].includes(direction))
    throw new BreakingError(
      "bad_option",
      `--direction must be request, response or both, found ${JSON.stringify(direction)}`,
    );
  if (!config.protoRoot && !config.jsonSchemaRoot) await loadContracts(config); // throws the "no contracts" error
  const refs = await againstList(config, options);
  if (refs.length === 1) {
    const one = await checkOne(config, options, direction, refs[0]!, false);
    return { against: refs[0]!, ...one, breaking: one.findings.some((f) => f.severity === "error") };
  }
  const findings: BreakingFinding[] = [];
  const ignored: IgnoredFinding[] = [];
  for (const ref of refs) {
    const one = await checkOne(config, options, direction, ref, true);
    findings.push(...one.findings);
    ignored.push(...one.ignored);
  }
  return {
    against: refs.join(", "),
    targets: refs,
    findings,
    ignored,
    breaking: findings.some((f) => f.severity === "error"),
  };
}

/** One comparison: the findings against `against` (labelled with it when `label`). */
async function checkOne(
  config: ResolvedConfig,
  options: BreakingOptions,
  direction: Direction,
  against: string,
  label: boolean,
): Promise<{ findings: BreakingFinding[]; ignored: IgnoredFinding[] }> {
  const breaking: BreakingConfig = config.breaking ?? {};
  const old = await oldTree(config, options, against);
  try {
    const before = oldConfig(config, old.root, options);
    const protoWork =
      config.protoRoot && before.protoRoot
        ? checkProtoBreaking(config.protoRoot, before.protoRoot, config.root)
        : Promise.resolve<BreakingFinding[]>([]);
    const [next, prev] = await Promise.all([loadJsonSchema(config), loadJsonSchema(before, old.label)]);
    const changes = checkJsonSchemaChanges(prev?.jsonSchema, next?.jsonSchema, {
      directions: breaking.directions ?? {},
      fallback: direction,
    });
    const texts = new Map<string, Promise<Map<string, number>>>();
    const linesOf = (path: string, onOld: boolean): Promise<Map<string, number>> => {
      const fromNew = !onOld || existsSync(join(config.root, path));
      const key = `${fromNew}:${path}`;
      let lines = texts.get(key);
      if (!lines) {
        lines = readFile(join(fromNew ? config.root : old.root, path), "utf8").then(
          jsonPointerLines,
          () => new Map(),
        );
        texts.set(key, lines);
      }
      return lines;
    };
    const findings: BreakingFinding[] = [];
    for (const c of changes) {
      const line = lineOf(await linesOf(c.file, c.onOld), c.pointer);
      findings.push({
        kind: "jsonschema",
        rule: c.rule,
        severity: severityOf(c.rule),
        direction: c.direction,
        message: c.message,
        file: c.file,
        ...(line !== undefined ? { line } : {}),
        pointer: c.pointer,
        ...(c.possibly !== undefined ? { possibly: c.possibly } : {}),
      });
    }
    if (!config.protoRoot && before.protoRoot) {
      findings.push({
        kind: "proto",
        rule: "PROTO_MODULE_REMOVED",
        severity: "error",
        direction: "both",
        message: `the proto contracts (buf.yaml in ${toPosix(relative(old.root, before.protoRoot)) || "."}) were removed`,
        file: "buf.yaml",
      });
    }
    findings.push(...(await protoWork));
    const unique = dedupe(findings).sort(compareFindings);
    const { kept, ignored } = applyIgnores(
      unique,
      breaking,
      config.configFile,
      next?.jsonSchema?.documents ?? [],
    );
    if (!label) return { findings: kept, ignored };
    return {
      findings: kept.map((f) => ({ ...f, against })),
      ignored: ignored.map((i) => ({ ...i, finding: { ...i.finding, against } })),
    };
  } finally {
    if (old.cleanup) await rm(old.cleanup, { recursive: true, force: true });
  }
}

function dedupe(findings: readonly BreakingFinding[]): BreakingFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rule}\0${f.file}\0${f.line ?? ""}\0${f.pointer ?? ""}\0${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function compareFindings(a: BreakingFinding, b: BreakingFinding): number {
  return (
    compareStrings(a.file, b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareStrings(a.pointer ?? "", b.pointer ?? "") ||
    compareStrings(a.rule, b.rule) ||
    compareStrings(a.message, b.message)
  );
}

export type {
  BreakingErrorCode,
  BreakingFinding,
  BreakingReport,
  Direction,
  Effect,
  IgnoredFinding,
  Severity,
} from "./model.js";
export { BreakingError, isBreakingError } from "./model.js";
export { formatReport, REPORT_FORMATS, type ReportFormat } from "./report.js";
export { JSON_SCHEMA_RULES, type RuleInfo } from "./rules.js";
