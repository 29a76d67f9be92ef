import type { LoweredJsonSchema } from "../../load/jsonschema.js";
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
  for (const [name, source] of before.sources) {
    const direction = directions.get(name) ?? settings.fallback;
    const next = now.sources.get(name);
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

export type { DirectionSettings } from "./direction.js";
