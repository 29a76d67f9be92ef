import { compareLowerBound, compareUpperBound } from "./bounds.js";
import { bothAdmit, type CompareContext, child, has, type Side } from "./context.js";

/** The positional and the rest-item schemas of an array schema (2020-12, or draft-07's array `items`). */
function itemSchemas(side: Side): { prefix: Side[]; rest: Side } {
  const node = side.node as Record<string, unknown>;
  if (node !== null && typeof node === "object" && Array.isArray(node["items"])) {
    const list = node["items"] as unknown[];
    return { prefix: list.map((_, i) => child(side, "items", i)), rest: child(side, "additionalItems") };
  }
  const prefix =
    node !== null && typeof node === "object" && Array.isArray(node["prefixItems"])
      ? (node["prefixItems"] as unknown[]).map((_, i) => child(side, "prefixItems", i))
      : [];
  return { prefix, rest: child(side, "items") };
}

/** items / prefixItems / minItems / maxItems / uniqueItems / contains, for arrays both sides admit. */
export function compareArray(ctx: CompareContext, o: Side, n: Side): void {
  if (!bothAdmit(o, n, "array")) return;
  const a = itemSchemas(o);
  const b = itemSchemas(n);
  const positions = Math.max(a.prefix.length, b.prefix.length);
  for (let i = 0; i < positions; i++) {
    ctx.compare(a.prefix[i] ?? a.rest, b.prefix[i] ?? b.rest);
  }
  ctx.compare(a.rest, b.rest);
  compareLowerBound(ctx, o, n, "minItems", "MIN_ITEMS_TIGHTENED", "MIN_ITEMS_LOOSENED");
  compareUpperBound(ctx, o, n, "maxItems", "MAX_ITEMS_TIGHTENED", "MAX_ITEMS_LOOSENED");
  const ua = (o.node as Record<string, unknown>)?.["uniqueItems"] === true;
  const ub = (n.node as Record<string, unknown>)?.["uniqueItems"] === true;
  if (!ua && ub)
    ctx.report("UNIQUE_ITEMS_ADDED", "uniqueItems now rejects repeated items", child(n, "uniqueItems"));
  if (ua && !ub) ctx.report("UNIQUE_ITEMS_REMOVED", "uniqueItems was removed: items may repeat", n);
  const ca = has(o, "contains");
  const cb = has(n, "contains");
  if (!ca && cb) ctx.report("CONTAINS_ADDED", "contains now demands a matching item", child(n, "contains"));
  else if (ca && !cb) ctx.report("CONTAINS_REMOVED", "the contains demand was removed", n);
  else if (ca && cb) {
    // With maxContains, a contains schema that matches fewer items also lets more arrays through (and
    // the reverse): any change then changes both ways.
    const counted = has(o, "maxContains") || has(n, "maxContains");
    const r = counted ? ctx.probe(child(o, "contains"), child(n, "contains")) : undefined;
    if (r && (r.narrows || r.widens))
      ctx.report(
        "CONTAINS_CHANGED",
        "the contains schema changed while maxContains bounds the matching items",
        child(n, "contains"),
        "changes",
        r.possibly !== undefined ? { possibly: r.possibly } : {},
      );
    else ctx.compare(child(o, "contains"), child(n, "contains"));
    compareLowerBound(ctx, o, n, "minContains", "MIN_ITEMS_TIGHTENED", "MIN_ITEMS_LOOSENED", 1);
    compareUpperBound(ctx, o, n, "maxContains", "MAX_ITEMS_TIGHTENED", "MAX_ITEMS_LOOSENED");
  }
}
