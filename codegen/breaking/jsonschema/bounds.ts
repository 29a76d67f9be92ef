import type { JsonSchemaRuleId } from "../rules.js";
import { type CompareContext, has, type Side } from "./context.js";

/** Compares an inclusive lower-bound keyword (`minLength`, `minItems`, `minProperties`; `minContains`, absent = 1). */
export function compareLowerBound(
  ctx: CompareContext,
  o: Side,
  n: Side,
  keyword: string,
  tightened: JsonSchemaRuleId,
  loosened: JsonSchemaRuleId,
  absent = 0,
): void {
  const a = numberAt(o, keyword) ?? absent;
  const b = numberAt(n, keyword) ?? absent;
  if (a === b) return;
  const at = has(n, keyword) ? { ...n, pointer: `${n.pointer}/${keyword}` } : n;
  const msg = `${keyword} changed from ${show(o, keyword)} to ${show(n, keyword)}`;
  ctx.report(b > a ? tightened : loosened, msg, at);
}

/** Compares an inclusive upper-bound keyword (`maxLength`, `maxItems`, `maxProperties`). */
export function compareUpperBound(
  ctx: CompareContext,
  o: Side,
  n: Side,
  keyword: string,
  tightened: JsonSchemaRuleId,
  loosened: JsonSchemaRuleId,
): void {
  const a = numberAt(o, keyword) ?? Number.POSITIVE_INFINITY;
  const b = numberAt(n, keyword) ?? Number.POSITIVE_INFINITY;
  if (a === b) return;
  const at = has(n, keyword) ? { ...n, pointer: `${n.pointer}/${keyword}` } : n;
  const msg = `${keyword} changed from ${show(o, keyword)} to ${show(n, keyword)}`;
  ctx.report(b < a ? tightened : loosened, msg, at);
}

/** The numeric value of `keyword` on the node, if it has one. */
export function numberAt(side: Side, keyword: string): number | undefined {
  const node = side.node;
  if (node === null || typeof node !== "object") return undefined;
  const v = (node as Record<string, unknown>)[keyword];
  return typeof v === "number" ? v : undefined;
}

function show(side: Side, keyword: string): string {
  const v = numberAt(side, keyword);
  return v === undefined ? "none" : String(v);
}
