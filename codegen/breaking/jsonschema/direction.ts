import type { LoweredJsonSchema, SchemaDocument } from "../../load/jsonschema.js";
import { isObject } from "../../load/jsonschema.js";
import { globToRegExp } from "../glob.js";
import { type Direction, joinDirections } from "../model.js";

/** Where a schema's direction comes from, for unreferenced schemas. */
export interface DirectionSettings {
  /** Full-name globs (`shop.events.v1.*`) → direction, for schemas no manifest references. */
  readonly directions: Readonly<Record<string, Direction>>;
  /** Direction of the remaining schemas (`--direction`, default `both`). */
  readonly fallback: Direction;
}

/**
 * Keywords under which a schema's change does not keep its sign: a narrower `not` widens, a narrower
 * `oneOf` branch or `if` may widen, a `contains` under `maxContains` goes both ways. A declaration
 * reached through them is read in both directions.
 */
const TWO_WAY = new Set(["not", "oneOf", "if", "contains"]);

/**
 * Named declarations each declaration references, directly or through unnamed parts of files; `true`
 * when the reference passes through a {@link TWO_WAY} keyword.
 */
function referenceGraph(set: LoweredJsonSchema): Map<string, Map<string, boolean>> {
  const graph = new Map<string, Map<string, boolean>>();
  for (const [name, source] of set.sources) {
    const out = new Map<string, boolean>();
    const seen = new Set<string>();
    const walk = (doc: SchemaDocument, node: unknown, twoWay = false): void => {
      if (Array.isArray(node)) {
        for (const item of node) walk(doc, item, twoWay);
        return;
      }
      if (!isObject(node)) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === "$ref" && typeof value === "string") {
          try {
            const t = set.refTarget(doc, value);
            if (t.decl) out.set(t.decl, (out.get(t.decl) ?? false) || twoWay);
            else {
              const id = `${t.document.path}#${t.pointer}${twoWay ? "!" : ""}`;
              if (!seen.has(id)) {
                seen.add(id);
                walk(t.document, t.node, twoWay);
              }
            }
          } catch {
            // unresolvable refs were reported by the loader
          }
        } else if (
          key !== "enum" &&
          key !== "const" &&
          key !== "examples" &&
          key !== "default" &&
          key !== "$defs"
        ) {
          walk(doc, value, twoWay || TWO_WAY.has(key));
        }
      }
    };
    walk(source.document, source.node);
    graph.set(name, out);
  }
  return graph;
}

/**
 * The direction of every named JSON Schema declaration of the old and new contract sets: requests read
 * by servers, responses and error details read by clients (from the manifests, old and new, through
 * every `$ref`), then the configured directions for unreferenced schemas, then the fallback.
 */
export function schemaDirections(
  sets: readonly LoweredJsonSchema[],
  settings: DirectionSettings,
): Map<string, Direction> {
  const graphs = sets.map(referenceGraph);
  const result = new Map<string, Direction>();
  const propagate = (
    start: string,
    direction: Direction,
    onlyUnset: ReadonlySet<string> | undefined,
  ): void => {
    const stack: [string, Direction][] = [[start, direction]];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const [name, d] = stack.pop()!;
      if (seen.has(`${name} ${d}`)) continue;
      seen.add(`${name} ${d}`);
      if (onlyUnset?.has(name)) continue;
      result.set(name, joinDirections(result.get(name), d));
      for (const g of graphs)
        for (const [next, twoWay] of g.get(name) ?? []) stack.push([next, twoWay ? "both" : d]);
    }
  };
  sets.forEach((set) => {
    for (const service of set.services) {
      for (const method of service.methods) {
        propagate(method.input, "request", undefined);
        propagate(method.output, "response", undefined);
        for (const detail of Object.values(method.errors)) propagate(detail, "response", undefined);
      }
    }
  });
  const fromManifests = new Set(result.keys());
  const patterns = Object.entries(settings.directions).map(
    ([glob, d]) => [globToRegExp(glob, "."), d] as const,
  );
  const all = new Set<string>();
  for (const set of sets) for (const name of set.sources.keys()) all.add(name);
  for (const name of all) {
    if (fromManifests.has(name)) continue;
    const match = patterns.find(([re]) => re.test(name));
    if (match) propagate(name, match[1], fromManifests);
  }
  // Every remaining schema starts a walk (not only the first one reached): a declaration reached
  // through a two-way keyword becomes `both` even when it was visited on its own before.
  const fixed = new Set(result.keys());
  for (const name of all) if (!fixed.has(name)) propagate(name, settings.fallback, fixed);
  return result;
}
