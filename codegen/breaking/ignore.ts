import type { BreakingConfig } from "../config.js";
import type { SchemaDocument } from "../load/jsonschema.js";
import { isObject } from "../load/jsonschema.js";
import { parsePointer } from "../util/json-pointer.js";
import { globToRegExp } from "./glob.js";
import type { BreakingFinding, IgnoredFinding } from "./model.js";

/** The keyword a schema uses to accept a breaking change of its own: `["RULE_ID", …]` or `["*"]`. */
export const IGNORE_KEYWORD = "x-contractgen-breaking-ignore";

interface CompiledIgnore {
  readonly rules?: ReadonlySet<string>;
  readonly file?: RegExp;
  readonly pointer?: string;
  readonly where: string;
  readonly reason?: string;
}

function compile(config: BreakingConfig, configFile: string | undefined): CompiledIgnore[] {
  return (config.ignore ?? []).map((entry, i) => {
    const rule = entry.rule;
    const rules = rule === undefined ? undefined : new Set(typeof rule === "string" ? [rule] : rule);
    let file: RegExp | undefined;
    let pointer: string | undefined;
    if (entry.path !== undefined) {
      const hash = entry.path.indexOf("#");
      file = globToRegExp(hash >= 0 ? entry.path.slice(0, hash) : entry.path, "/");
      if (hash >= 0) pointer = entry.path.slice(hash + 1);
    }
    return {
      ...(rules ? { rules } : {}),
      ...(file ? { file } : {}),
      ...(pointer !== undefined ? { pointer } : {}),
      where: `${configFile ?? "contractgen.config.json"}#/breaking/ignore/${i}`,
      ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
    };
  });
}

function pointerWithin(pointer: string | undefined, prefix: string): boolean {
  if (pointer === undefined) return prefix === "";
  return pointer === prefix || pointer.startsWith(`${prefix}/`) || prefix === "";
}

/**
 * Splits findings into kept and ignored: by the config's `breaking.ignore` entries (rule and path
 * glob), and by `x-contractgen-breaking-ignore` on the schema node of a finding or any node above it.
 */
export function applyIgnores(
  findings: readonly BreakingFinding[],
  config: BreakingConfig,
  configFile: string | undefined,
  documents: readonly SchemaDocument[],
): { kept: BreakingFinding[]; ignored: IgnoredFinding[] } {
  const ignores = compile(config, configFile);
  const docs = new Map(documents.map((d) => [d.path, d]));
  const kept: BreakingFinding[] = [];
  const ignored: IgnoredFinding[] = [];
  for (const finding of findings) {
    const byConfig = ignores.find(
      (ig) =>
        (!ig.rules || ig.rules.has(finding.rule)) &&
        (!ig.file || ig.file.test(finding.file)) &&
        (ig.pointer === undefined || pointerWithin(finding.pointer, ig.pointer)),
    );
    if (byConfig) {
      ignored.push({
        finding,
        ignoredBy: byConfig.where,
        ...(byConfig.reason !== undefined ? { reason: byConfig.reason } : {}),
      });
      continue;
    }
    const bySchema = schemaIgnore(docs.get(finding.file), finding);
    if (bySchema) {
      ignored.push({ finding, ignoredBy: bySchema });
      continue;
    }
    kept.push(finding);
  }
  return { kept, ignored };
}

function schemaIgnore(doc: SchemaDocument | undefined, finding: BreakingFinding): string | undefined {
  if (!doc || finding.pointer === undefined) return undefined;
  let tokens: string[];
  try {
    tokens = parsePointer(finding.pointer);
  } catch {
    return undefined;
  }
  let node: unknown = doc.json;
  let pointer = "";
  const check = (): string | undefined => {
    if (!isObject(node)) return undefined;
    const list = node[IGNORE_KEYWORD];
    if (Array.isArray(list) && (list.includes(finding.rule) || list.includes("*")))
      return `${doc.path}#${pointer}/${IGNORE_KEYWORD}`;
    return undefined;
  };
  let found = check();
  for (const token of tokens) {
    if (found) break;
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isObject(node)) node = node[token];
    else break;
    pointer += `/${token.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    found = check();
  }
  return found;
}
