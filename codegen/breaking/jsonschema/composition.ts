import { isObject } from "../../load/jsonschema.js";
import { type CompareContext, canonical, child, has, type Side, typeSet } from "./context.js";
import { mergeExact } from "./merge.js";

type UnionKeyword = "anyOf" | "oneOf";

function branches(side: Side, keyword: string): Side[] | undefined {
  const node = side.node;
  if (!isObject(node) || !Array.isArray(node[keyword])) return undefined;
  return (node[keyword] as unknown[]).map((_, i) => child(side, keyword, i));
}

/** The branch with its `$ref` followed (for matching and tags). */
function target(ctx: CompareContext, side: Side): Side & { decl?: string } {
  const ref = isObject(side.node) ? side.node["$ref"] : undefined;
  return typeof ref === "string" ? (ctx.resolve(side, ref) ?? side) : side;
}

/** `property=value` of the first required property with a `const` (a discriminator tag), if any. */
function tagOf(ctx: CompareContext, side: Side): string | undefined {
  const t = target(ctx, side).node;
  if (!isObject(t) || !isObject(t["properties"])) return undefined;
  const required = Array.isArray(t["required"]) ? t["required"] : [];
  for (const [name, prop] of Object.entries(t["properties"])) {
    if (!required.includes(name) || !isObject(prop)) continue;
    if ("const" in prop) return `${name}=${canonical(prop["const"])}`;
    if (Array.isArray(prop["enum"]) && prop["enum"].length === 1)
      return `${name}=${canonical(prop["enum"][0])}`;
  }
  return undefined;
}

function identity(ctx: CompareContext, side: Side): string {
  const tag = tagOf(ctx, side);
  if (tag) return `tag:${tag}`;
  const t = target(ctx, side);
  if (t.decl) return `decl:${t.decl}`;
  return `json:${canonical(normalRequired(t.node))}`;
}

/** The node with every `required` list sorted and without duplicates (their order means nothing), deeply. */
function normalRequired(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalRequired);
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] =
      k === "required" && Array.isArray(v)
        ? [...new Set(v.filter((x) => typeof x === "string"))].sort()
        : k === "enum" || k === "const" || k === "default" || k === "examples"
          ? v
          : normalRequired(v);
  }
  return out;
}

/** Pairs old and new branches: same tag, same `$ref` target or equal JSON, then by position. */
export function matchBranches(
  ctx: CompareContext,
  a: readonly Side[],
  b: readonly Side[],
): { pairs: [Side, Side][]; removed: Side[]; added: Side[] } {
  const pairs: [Side, Side][] = [];
  const freeB = new Map<number, Side>(b.map((s, i) => [i, s]));
  const idsB = b.map((s) => identity(ctx, s));
  const removed: Side[] = [];
  for (const s of a) {
    const id = identity(ctx, s);
    const j = [...freeB.keys()].find((k) => idsB[k] === id);
    if (j !== undefined) {
      pairs.push([s, freeB.get(j)!]);
      freeB.delete(j);
    } else removed.push(s);
  }
  const added = [...freeB.values()];
  if (removed.length > 0 && removed.length === added.length) {
    removed.forEach((s, i) => {
      pairs.push([s, added[i]!]);
    });
    return { pairs, removed: [], added: [] };
  }
  return { pairs, removed, added };
}

/** Whether `branch` is provably disjoint from every other branch (distinct tags or distinct types). */
function disjoint(ctx: CompareContext, branch: Side, others: readonly Side[]): boolean {
  const tag = tagOf(ctx, branch);
  const types = typeSet(target(ctx, branch));
  return others.every((other) => {
    const t = tagOf(ctx, other);
    if (tag && t && tag.split("=")[0] === t.split("=")[0] && tag !== t) return true;
    const ot = typeSet(target(ctx, other));
    return types !== undefined && ot !== undefined && ![...types].some((x) => ot.has(x));
  });
}

/**
 * Whether every value `x` accepts is accepted by `y` (a proof; false when not proved). Besides the
 * comparison itself, a conjunction is inside `y` when one of its parts is: `A ∧ B ⊆ Y` if `A ⊆ Y`.
 */
function within(ctx: CompareContext, x: Side, y: Side, depth = 0): boolean {
  if (!ctx.probe(x, y).narrows) return true;
  const node = x.node;
  if (depth > 4 || !isObject(node) || !Array.isArray(node["allOf"])) return false;
  const { allOf: _parts, ...rest } = node;
  if (Object.keys(rest).length > 0 && within(ctx, { ...x, node: rest }, y, depth + 1)) return true;
  return node["allOf"].some((_, i) => within(ctx, target(ctx, child(x, "allOf", i)), y, depth + 1));
}

/** Whether every branch is provably disjoint from the others. */
export function branchesDisjoint(ctx: CompareContext, list: readonly Side[]): boolean {
  return list.every((s) =>
    disjoint(
      ctx,
      s,
      list.filter((x) => x !== s),
    ),
  );
}

/** Compares two lists of union branches (`anyOf`/`oneOf`), reporting at `nSide`. */
export function compareUnionBranches(
  ctx: CompareContext,
  keyword: UnionKeyword,
  a: readonly Side[],
  b: readonly Side[],
  nSide: Side,
): void {
  const { pairs, removed, added } = matchBranches(ctx, a, b);
  const overlap = "overlap of oneOf branches is only disproved from types and discriminator tags";
  for (const [x, y] of pairs) {
    ctx.compare(x, y);
    // A oneOf branch that accepts less may have overlapped another one: values that matched both were
    // rejected and may now be accepted.
    if (
      keyword === "oneOf" &&
      ctx.probe(x, y).narrows &&
      !disjoint(
        ctx,
        x,
        a.filter((s) => s !== x),
      )
    )
      ctx.report(
        "ONE_OF_BRANCH_NARROWED",
        "oneOf branch accepts less; values it shared with another branch were rejected and may now be accepted",
        y,
        "widens",
        { possibly: overlap },
      );
    // A oneOf branch that now accepts more may now overlap another one (values matching both are rejected).
    if (
      keyword === "oneOf" &&
      ctx.probe(x, y).widens &&
      !disjoint(
        ctx,
        y,
        b.filter((s) => s !== y),
      )
    )
      ctx.report(
        "ONE_OF_BRANCH_WIDENED",
        "oneOf branch accepts more and may now overlap another branch",
        y,
        "narrows",
        {
          possibly: "overlap of oneOf branches is only disproved from types and discriminator tags",
        },
      );
  }
  const upper = keyword === "anyOf" ? "ANY_OF" : "ONE_OF";
  for (const y of added) {
    const covered = a.some((x) => within(ctx, y, x));
    const overlaps =
      keyword === "oneOf" &&
      !disjoint(
        ctx,
        y,
        b.filter((s) => s !== y),
      );
    if (!covered) ctx.report(`${upper}_BRANCH_ADDED`, `${keyword} branch added`, y, "widens");
    if (overlaps)
      ctx.report(
        `${upper}_BRANCH_ADDED`,
        `${keyword} branch added that may overlap another branch (values matching both are rejected)`,
        y,
        "narrows",
        { possibly: "overlap of oneOf branches is only disproved from types and discriminator tags" },
      );
  }
  for (const x of removed) {
    if (b.some((y) => within(ctx, x, y))) continue;
    ctx.report(`${upper}_BRANCH_REMOVED`, `${keyword} branch ${x.pointer} removed`, nSide, "narrows");
  }
  if (keyword === "oneOf")
    for (const x of removed) {
      if (
        disjoint(
          ctx,
          x,
          a.filter((s) => s !== x),
        )
      )
        continue;
      ctx.report(
        "ONE_OF_BRANCH_REMOVED",
        `oneOf branch ${x.pointer} removed; values it shared with another branch were rejected and may now be accepted`,
        nSide,
        "widens",
        { possibly: overlap },
      );
    }
}

/** `allOf` (branch by branch), `anyOf`/`oneOf` when both sides have them, `not`, `if`/`then`/`else`. */
export function compareComposition(ctx: CompareContext, o: Side, n: Side): void {
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const a = branches(o, keyword);
    const b = branches(n, keyword);
    // A node can hold both unions; one that exists on one side only is a union of `true` on the other.
    if (a || b)
      compareUnionBranches(
        ctx,
        keyword,
        a ?? [{ ...o, node: true }],
        b ?? [{ ...n, node: true }],
        b ? child(n, keyword) : n,
      );
  }
  const a = branches(o, "allOf") ?? [];
  const b = branches(n, "allOf") ?? [];
  if (a.length > 0 || b.length > 0) {
    const { pairs, removed, added } = matchBranches(ctx, a, b);
    for (const [x, y] of pairs) ctx.compare(x, y);
    for (const y of added) {
      if (!ctx.probe(o, y).narrows) continue;
      ctx.report("ALL_OF_BRANCH_ADDED", "allOf branch added: values must now match it too", y);
    }
    for (const x of removed) {
      if (!ctx.probe(x, n).widens) continue;
      ctx.report(
        "ALL_OF_BRANCH_REMOVED",
        `allOf branch ${x.pointer} removed`,
        has(n, "allOf") ? child(n, "allOf") : n,
      );
    }
  }
  compareNot(ctx, o, n);
}

const JSON_TYPES = ["null", "boolean", "object", "array", "string", "integer", "number"];

/** The `not` schema restricted to the types both sides admit (`false` when none is left). */
function excluded(not: Side, o: Side, n: Side): Side {
  const a = typeSet(o);
  const b = typeSet(n);
  if (a === undefined && b === undefined) return not;
  const admits = (t: string): boolean =>
    [a, b].every((s) => s === undefined || s.has(t) || (t === "number" && s.has("fraction")));
  const types = JSON_TYPES.filter(admits);
  if (types.includes("number")) types.splice(types.indexOf("integer"), 1);
  if (types.length === 0 || not.node === false) return { ...not, node: false };
  const node = isObject(not.node) ? not.node : {};
  const merged = mergeExact(node, { type: types });
  if (!merged) return not;
  return { ...not, node: Array.isArray(merged["type"]) && merged["type"].length === 0 ? false : merged };
}

/**
 * `not`: the new schema excludes what its `not` accepts, so the comparison of the negated schemas is
 * turned around (a `not` whose schema narrows widens the value set).
 */
function compareNot(ctx: CompareContext, o: Side, n: Side): void {
  const ha = has(o, "not");
  const hb = has(n, "not");
  if (!ha && !hb) return;
  // Only values of the types both sides admit matter: the rest is the type families' business.
  const a = excluded(ha ? child(o, "not") : { ...o, node: false }, o, n);
  const b = excluded(hb ? child(n, "not") : { ...n, node: false }, o, n);
  const r = ctx.probe(a, b);
  if (!r.narrows && !r.widens) return;
  const effect = r.narrows && r.widens ? "changes" : r.narrows ? "widens" : "narrows";
  const what = !ha
    ? "not added"
    : !hb
      ? "not removed"
      : effect === "widens"
        ? "not excludes less"
        : effect === "narrows"
          ? "not excludes more"
          : "not changed";
  ctx.report("NOT_CHANGED", what, hb ? b : n, effect, { possibly: r.possibly });
}
