import type { LoweredJsonSchema, SchemaSource } from "../../load/jsonschema.js";
import { resolvePointer } from "../../util/json-pointer.js";
import { breaksIn, type Direction, type Effect } from "../model.js";
import type { JsonSchemaRuleId } from "../rules.js";
import { Comparator } from "./compare.js";
import { ruleInfo } from "./context.js";
import { type DirectionSettings, schemaDirections } from "./direction.js";
import { compareManifests } from "./manifest.js";

/** A JSON Schema finding before ignores and line numbers. */
export interface JsonSchemaChange {
  readonly rule: JsonSchemaRuleId;
  readonly effect: Effect;
  readonly direction: Direction;
  readonly message: string;
  readonly file: string;
  readonly pointer: string;
  /** Set when the location is in the old contracts (the thing is gone from the new ones). */
  readonly onOld: boolean;
  /** Full name of the declaration compared (absent for manifest changes). */
  readonly declaration?: string;
  /** Set when the change is only possibly breaking (not decidable exactly): the reason. */
  readonly possibly?: string;
}

const EMPTY: LoweredJsonSchema = {
  files: [],
  decls: [],
  services: [],
  sources: new Map(),
  documents: [],
  refTarget: () => {
    throw new Error("no JSON Schema contracts");
  },
  warnings: [],
};

/**
 * Compares the JSON Schema contracts of two versions: every named schema in the direction it is read
 * in (see {@link schemaDirections}), and the service manifests. Returns the changes that break their
 * direction, plus warnings.
 */
export function checkJsonSchemaChanges(
  before: LoweredJsonSchema | undefined,
  after: LoweredJsonSchema | undefined,
  settings: DirectionSettings,
): JsonSchemaChange[] {
  if (!before) return [];
  const now = after ?? EMPTY;
  const directions = schemaDirections([before, now], settings);
  const out: JsonSchemaChange[] = [];
  // A declaration whose schema is `true` or `{}` is no declaration of the loader's; its node is still
  // there and accepts everything, so it is compared with the other version's declaration.
  const pairs: [string, SchemaSource, SchemaSource | undefined][] = [];
  for (const [name, source] of before.sources)
    pairs.push([name, source, now.sources.get(name) ?? samePlace(now, source)]);
  for (const [name, next] of now.sources) {
    if (before.sources.has(name)) continue;
    const source = samePlace(before, next);
    if (source) pairs.push([name, source, next]);
  }
  for (const [name, source, next] of pairs) {
    const direction = directions.get(name) ?? settings.fallback;
    if (!next) {
      out.push({
        rule: "SCHEMA_REMOVED",
        effect: "changes",
        direction,
        message: `schema ${name} was removed`,
        file: source.document.path,
        pointer: source.pointer,
        onOld: true,
        declaration: name,
      });
      continue;
    }
    const comparator = new Comparator(before, now);
    comparator.compare(
      { doc: source.document, pointer: source.pointer, node: source.node },
      { doc: next.document, pointer: next.pointer, node: next.node },
    );
    for (const c of comparator.changes) {
      const info = ruleInfo(c.rule);
      if (!info.annotation && !breaksIn(c.effect, direction)) continue;
      out.push({
        rule: c.rule,
        effect: c.effect,
        direction,
        message: `${name}: ${c.message}`,
        file: c.at.doc.path,
        pointer: c.at.pointer,
        onOld: c.onOld,
        declaration: name,
        ...(c.possibly !== undefined ? { possibly: c.possibly } : {}),
      });
    }
  }
  for (const m of compareManifests(before, now)) {
    out.push({
      ...m,
      effect: "changes",
      direction: "both",
      onOld: !now.documents.some((d) => d.path === m.file),
    });
  }
  return out;
}

/** The node at the same file and pointer in the new contracts, if that file still has one there. */
function samePlace(now: LoweredJsonSchema, source: SchemaSource): SchemaSource | undefined {
  const document = now.documents.find((d) => d.path === source.document.path && d.kind === "schema");
  if (!document) return undefined;
  const node = resolvePointer(document.json, source.pointer);
  if (
    node === undefined ||
    (typeof node !== "boolean" && (node === null || typeof node !== "object" || Array.isArray(node)))
  )
    return undefined;
  return { document, pointer: source.pointer, node: node as SchemaSource["node"] };
}

export type { DirectionSettings } from "./direction.js";
