import { numberAt } from "./bounds.js";
import { bothAdmit, type CompareContext, has, type Side, typeSet } from "./context.js";

/** A bound on numbers: its value and whether it is exclusive; undefined = unbounded. */
interface Bound {
  readonly value: number;
  readonly exclusive: boolean;
}

function bound(
  side: Side,
  inclusive: string,
  exclusive: string,
  lower: boolean,
  integer: boolean,
): Bound | undefined {
  const inc = numberAt(side, inclusive);
  const node = side.node as Record<string, unknown>;
  // draft-04 wrote `exclusiveMinimum: true` next to `minimum`.
  const exRaw = typeof node === "object" && node !== null ? node[exclusive] : undefined;
  const exc = typeof exRaw === "number" ? exRaw : exRaw === true ? inc : undefined;
  const candidates: Bound[] = [];
  if (inc !== undefined && exRaw !== true) candidates.push({ value: inc, exclusive: false });
  if (exc !== undefined) candidates.push({ value: exc, exclusive: true });
  let best: Bound | undefined;
  for (const c of candidates) {
    // Integers only: an exclusive bound is the next integer, inclusive.
    const b = integer
      ? {
          value: lower
            ? c.exclusive
              ? Math.floor(c.value) + 1
              : Math.ceil(c.value)
            : c.exclusive
              ? Math.ceil(c.value) - 1
              : Math.floor(c.value),
          exclusive: false,
        }
      : c;
    if (!best) best = b;
    else if (lower ? tighterLower(b, best) : tighterUpper(b, best)) best = b;
  }
  return best;
}

function tighterLower(a: Bound, b: Bound): boolean {
  return a.value > b.value || (a.value === b.value && a.exclusive && !b.exclusive);
}

function tighterUpper(a: Bound, b: Bound): boolean {
  return a.value < b.value || (a.value === b.value && a.exclusive && !b.exclusive);
}

function render(b: Bound | undefined, lower: boolean): string {
  if (!b) return "none";
  return `${lower ? (b.exclusive ? ">" : "≥") : b.exclusive ? "<" : "≤"} ${b.value}`;
}

function integerOnly(side: Side): boolean {
  // No `type` means every type, fractions included.
  const t = typeSet(side) ?? new Set(["fraction"]);
  return t.has("integer") && !t.has("fraction");
}

/** minimum / exclusiveMinimum / maximum / exclusiveMaximum / multipleOf, for numbers both sides admit. */
export function compareNumeric(ctx: CompareContext, o: Side, n: Side): void {
  if (!bothAdmit(o, n, "integer", "fraction")) return;
  const integer = integerOnly(o) && integerOnly(n);
  const keywordAt = (side: Side, ...keys: string[]): Side => {
    const k = keys.find((x) => has(side, x));
    return k ? { ...side, pointer: `${side.pointer}/${k}` } : side;
  };
  const lo = bound(o, "minimum", "exclusiveMinimum", true, integer);
  const ln = bound(n, "minimum", "exclusiveMinimum", true, integer);
  if (lo?.value !== ln?.value || lo?.exclusive !== ln?.exclusive) {
    const tightened = ln !== undefined && (lo === undefined || tighterLower(ln, lo));
    ctx.report(
      tightened ? "MINIMUM_TIGHTENED" : "MINIMUM_LOOSENED",
      `lower bound changed from ${render(lo, true)} to ${render(ln, true)}`,
      keywordAt(n, "minimum", "exclusiveMinimum"),
    );
  }
  const uo = bound(o, "maximum", "exclusiveMaximum", false, integer);
  const un = bound(n, "maximum", "exclusiveMaximum", false, integer);
  if (uo?.value !== un?.value || uo?.exclusive !== un?.exclusive) {
    const tightened = un !== undefined && (uo === undefined || tighterUpper(un, uo));
    ctx.report(
      tightened ? "MAXIMUM_TIGHTENED" : "MAXIMUM_LOOSENED",
      `upper bound changed from ${render(uo, false)} to ${render(un, false)}`,
      keywordAt(n, "maximum", "exclusiveMaximum"),
    );
  }
  const mo = numberAt(o, "multipleOf");
  const mn = numberAt(n, "multipleOf");
  if (mo !== mn) {
    const at = keywordAt(n, "multipleOf");
    const msg = `multipleOf changed from ${mo ?? "none"} to ${mn ?? "none"}`;
    if (mn === undefined) ctx.report("MULTIPLE_OF_CHANGED", msg, at, "widens");
    else if (mo === undefined) {
      if (!(integer && mn === 1)) ctx.report("MULTIPLE_OF_CHANGED", msg, at, "narrows");
    } else if (isMultiple(mo, mn)) ctx.report("MULTIPLE_OF_CHANGED", msg, at, "widens");
    else if (isMultiple(mn, mo)) ctx.report("MULTIPLE_OF_CHANGED", msg, at, "narrows");
    else ctx.report("MULTIPLE_OF_CHANGED", msg, at, "changes");
  }
}

/** Whether `a` is an integer multiple of `b` (every multiple of `a` is then one of `b`). */
function isMultiple(a: number, b: number): boolean {
  const q = a / b;
  return Math.abs(q - Math.round(q)) < 1e-9;
}
