import { type CompareContext, has, type Side, typeSet } from "./context.js";

const NAMES: Record<string, string> = { fraction: "number" };

function describe(set: ReadonlySet<string> | undefined): string {
  if (set === undefined) return "any type";
  const names = [...set].filter((t) => !(t === "fraction" && set.has("integer")));
  return names.length === 0
    ? "no type"
    : names
        .map((t) => (t === "integer" && set.has("fraction") ? "number" : (NAMES[t] ?? t)))
        .sort()
        .join(" | ");
}

/** `type` (and the types implied by `enum`/`const`): changed, widened, narrowed; `null` added or removed. */
export function compareType(ctx: CompareContext, o: Side, n: Side): void {
  if (!has(o, "type") && !has(n, "type")) return;
  const a = typeSet(o);
  const b = typeSet(n);
  const at = has(n, "type") ? { ...n, pointer: `${n.pointer}/type` } : n;
  const hasNull = (s: Set<string> | undefined): boolean => s === undefined || s.has("null");
  if (hasNull(a) !== hasNull(b)) {
    if (hasNull(b)) ctx.report("NULLABLE_ADDED", "null is now accepted", at);
    else ctx.report("NULLABLE_REMOVED", "null is no longer accepted", at);
  }
  const ALL = ["boolean", "object", "array", "string", "integer", "fraction"];
  const nonNull = (s: Set<string> | undefined): Set<string> =>
    new Set(s === undefined ? ALL : [...s].filter((t) => t !== "null"));
  const x = nonNull(a);
  const y = nonNull(b);
  const added = [...y].some((t) => !x.has(t));
  const removed = [...x].some((t) => !y.has(t));
  const from = describe(a === undefined ? undefined : x);
  const to = describe(b === undefined ? undefined : y);
  if (added && removed) ctx.report("TYPE_CHANGED", `type changed from ${from} to ${to}`, at);
  else if (added) ctx.report("TYPE_WIDENED", `type widened from ${from} to ${to}`, at);
  else if (removed) ctx.report("TYPE_NARROWED", `type narrowed from ${from} to ${to}`, at);
}
