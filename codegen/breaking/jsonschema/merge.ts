import { isObject } from "../../load/jsonschema.js";
import { canonical } from "./context.js";

type Node = Record<string, unknown>;

const LOWER = new Set(["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"]);
const UPPER = new Set(["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"]);
const FIRST_WINS = new Set(["title", "description", "$comment", "examples", "deprecated", "default"]);

function typeList(x: unknown): string[] {
  return typeof x === "string" ? [x] : Array.isArray(x) ? x.filter((t) => typeof t === "string") : [];
}

/** The types both lists admit (`integer` ∧ `number` = `integer`). */
function intersectTypes(a: unknown, b: unknown): string[] {
  const x = typeList(a);
  const y = typeList(b);
  const out = new Set<string>();
  for (const t of x) {
    if (y.includes(t)) out.add(t);
    else if (t === "integer" && y.includes("number")) out.add("integer");
    else if (t === "number" && y.includes("integer")) out.add("integer");
  }
  return [...out];
}

/**
 * The conjunction of two schemas as one schema, when it can be written exactly: keywords on one side
 * are kept, shared ones are combined (the tighter bound, the common types and enum values, the union
 * of `required`, properties merged under an `allOf`). Undefined when a shared keyword cannot be
 * combined exactly (two patterns, two `not`s, …).
 */
export function mergeExact(a: Node, b: Node): Node | undefined {
  const out: Node = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (!Object.hasOwn(out, k)) {
      out[k] = v;
      continue;
    }
    const u = out[k];
    if (canonical(u) === canonical(v) || FIRST_WINS.has(k) || k.startsWith("x-")) continue;
    if (k === "type") out[k] = intersectTypes(u, v);
    else if (k === "required" && Array.isArray(u) && Array.isArray(v)) out[k] = [...new Set([...u, ...v])];
    else if (LOWER.has(k) && typeof u === "number" && typeof v === "number") out[k] = Math.max(u, v);
    else if (UPPER.has(k) && typeof u === "number" && typeof v === "number") out[k] = Math.min(u, v);
    else if (k === "uniqueItems") out[k] = u === true || v === true;
    else if (k === "enum" && Array.isArray(u) && Array.isArray(v)) {
      const keep = new Set(v.map(canonical));
      out[k] = u.filter((x) => keep.has(canonical(x)));
    } else if (k === "properties" && isObject(u) && isObject(v)) {
      const props: Node = { ...u };
      for (const [name, s] of Object.entries(v))
        props[name] = Object.hasOwn(props, name) ? { allOf: [props[name], s] } : s;
      out[k] = props;
    } else return undefined;
  }
  return out;
}

/** A branch list of `keyword` on `node` whose branches are all plain objects (no `$ref`), if any. */
function plainBranches(node: Node, keyword: string): Node[] | undefined {
  const list = node[keyword];
  if (!Array.isArray(list)) return undefined;
  if (!list.every((x) => x === true || (isObject(x) && !("$ref" in x)))) return undefined;
  return list.map((x) => (isObject(x) ? x : {}));
}

/**
 * The node with its `allOf` and one-branch `anyOf`/`oneOf` folded into it where that is exact
 * (`allOf: [A, B]` next to `O` is `O ∧ A ∧ B`; a union of one branch is that branch). Keywords that
 * cannot be folded exactly stay as they are.
 */
export function foldComposition(node: unknown): unknown {
  if (!isObject(node)) return node;
  let out: Node = node;
  for (const keyword of ["allOf", "anyOf", "oneOf"]) {
    const branches = plainBranches(out, keyword);
    if (!branches || (keyword !== "allOf" && branches.length !== 1)) continue;
    const { [keyword]: _dropped, ...rest } = out;
    let merged: Node | undefined = rest;
    for (const branch of branches) {
      merged = merged && mergeExact(merged, foldComposition(branch) as Node);
    }
    if (merged) out = merged;
  }
  return out;
}

/** The composition keywords of a node that carry branches. */
export function compositionKinds(node: unknown): string {
  if (!isObject(node)) return "";
  return ["allOf", "anyOf", "oneOf"]
    .filter((k) => Array.isArray(node[k]) && (node[k] as unknown[]).length > 0)
    .join(",");
}
