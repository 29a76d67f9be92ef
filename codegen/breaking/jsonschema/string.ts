import { compareLowerBound, compareUpperBound } from "./bounds.js";
import { bothAdmit, type CompareContext, has, type Side } from "./context.js";

function stringAt(side: Side, keyword: string): string | undefined {
  const node = side.node;
  if (node === null || typeof node !== "object") return undefined;
  const v = (node as Record<string, unknown>)[keyword];
  return typeof v === "string" ? v : undefined;
}

/** minLength / maxLength / pattern / format, for strings both sides admit. */
export function compareString(ctx: CompareContext, o: Side, n: Side): void {
  if (!bothAdmit(o, n, "string")) return;
  compareLowerBound(ctx, o, n, "minLength", "MIN_LENGTH_TIGHTENED", "MIN_LENGTH_LOOSENED");
  compareUpperBound(ctx, o, n, "maxLength", "MAX_LENGTH_TIGHTENED", "MAX_LENGTH_LOOSENED");
  for (const keyword of ["pattern", "format"] as const) {
    const a = stringAt(o, keyword);
    const b = stringAt(n, keyword);
    if (a === b) continue;
    const at = has(n, keyword) ? { ...n, pointer: `${n.pointer}/${keyword}` } : n;
    const upper = keyword.toUpperCase() as "PATTERN" | "FORMAT";
    if (a === undefined) ctx.report(`${upper}_ADDED`, `${keyword} ${JSON.stringify(b)} added`, at);
    else if (b === undefined) ctx.report(`${upper}_REMOVED`, `${keyword} ${JSON.stringify(a)} removed`, at);
    else
      ctx.report(
        `${upper}_CHANGED`,
        `${keyword} changed from ${JSON.stringify(a)} to ${JSON.stringify(b)}`,
        at,
        undefined,
        {
          possibly:
            keyword === "pattern"
              ? "regular expressions are not compared for inclusion"
              : "formats are not compared for inclusion",
        },
      );
  }
}
