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
 * `oneOf` branch (unless the branches are disjoint by type or tag) or `if` may widen, a `contains`
 * under `maxContains` goes both ways. A declaration reached through them is read in both directions.
 */
const TWO_WAY = new Set(["not", "oneOf", "if", "contains"]);

/** A `$ref`'s target node (a few hops), or the node itself. */
function followRefs(set: LoweredJsonSchema, doc: SchemaDocument, node: unknown): unknown {
  let d = doc;
  let n = node;
  for (let hops = 0; hops < 8 && isObject(n) && typeof n["$ref"] === "string"; hops++) {
    try {
      const t = set.refTarget(d, n["$ref"]);
      d = t.document;
      n = t.node;
    } catch {
      return undefined;
    }
  }
  return n;
}

/** The JSON types a node admits (`number` as integer + fraction); undefined = every type. */
function typesOf(node: unknown): Set<string> | undefined {
  if (!isObject(node)) return node === false ? new Set() : undefined;
  const t = node["type"];
  const list = typeof t === "string" ? [t] : Array.isArray(t) ? t : undefined;
  if (!list) return undefined;
  const out = new Set<string>();
  for (const x of list) {
    if (x === "number") out.add("integer").add("fraction");
    else if (typeof x === "string") out.add(x);
  }
  return out;
}

/** `property=value` of the first required property with a `const` (a discriminator tag). */
function tagOf(node: unknown): [string, string] | undefined {
  if (!isObject(node) || !isObject(node["properties"])) return undefined;
  const required = Array.isArray(node["required"]) ? node["required"] : [];
  for (const [name, prop] of Object.entries(node["properties"])) {
    if (!required.includes(name) || !isObject(prop)) continue;
    if ("const" in prop) return [name, JSON.stringify(prop["const"])];
    if (Array.isArray(prop["enum"]) && prop["enum"].length === 1)
      return [name, JSON.stringify(prop["enum"][0])];
  }
  return undefined;
}

/**
 * Whether the `oneOf` branches are pairwise disjoint by type or discriminator tag: then no value
 * matches two of them and a branch's change keeps its sign.
 */
function disjointBranches(
  set: LoweredJsonSchema,
  doc: SchemaDocument,
  branches: readonly unknown[],
): boolean {
  const nodes = branches.map((b) => followRefs(set, doc, b));
  return nodes.every((a, i) =>
    nodes.every((b, j) => {
      if (j <= i) return true;
      const ta = tagOf(a);
      const tb = tagOf(b);
      if (ta && tb && ta[0] === tb[0] && ta[1] !== tb[1]) return true;
      const x = typesOf(a);
      const y = typesOf(b);
      return x !== undefined && y !== undefined && ![...x].some((t) => y.has(t));
    }),
  );
}

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
          const sign =
            TWO_WAY.has(key) &&
            !(key === "oneOf" && Array.isArray(value) && disjointBranches(set, doc, value));
          walk(doc, value, twoWay || sign);
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
