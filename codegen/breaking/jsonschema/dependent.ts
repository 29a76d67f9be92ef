import { isObject } from "../../load/jsonschema.js";
import { bothAdmit, type CompareContext, child, has, type Side } from "./context.js";

function dependentRequiredOf(side: Side): Map<string, Set<string>> {
  const node = side.node;
  const out = new Map<string, Set<string>>();
  const map = isObject(node) && isObject(node["dependentRequired"]) ? node["dependentRequired"] : {};
  for (const [trigger, list] of Object.entries(map)) {
    if (Array.isArray(list))
      out.set(trigger, new Set(list.filter((x): x is string => typeof x === "string")));
  }
  return out;
}

function requiredOf(side: Side): Set<string> {
  const node = side.node;
  const list = isObject(node) && Array.isArray(node["required"]) ? node["required"] : [];
  return new Set(list.filter((x): x is string => typeof x === "string"));
}

/**
 * `dependentRequired` and `dependentSchemas` (draft-07 `dependencies` arrive here split into the two),
 * for objects both sides admit. Lists are sets (order and duplicates mean nothing); a name that the
 * other side requires anyway adds or removes nothing. A dependent schema is compared like any
 * subschema: its effects only touch objects holding the trigger, so they are an upper bound.
 */
export function compareDependent(ctx: CompareContext, o: Side, n: Side): void {
  if (!bothAdmit(o, n, "object")) return;
  const a = dependentRequiredOf(o);
  const b = dependentRequiredOf(n);
  const requiredO = requiredOf(o);
  const requiredN = requiredOf(n);
  for (const trigger of new Set([...a.keys(), ...b.keys()])) {
    const before = a.get(trigger) ?? new Set<string>();
    const after = b.get(trigger) ?? new Set<string>();
    const added = [...after].filter((x) => !before.has(x) && !requiredO.has(x));
    const removed = [...before].filter((x) => !after.has(x) && !requiredN.has(x));
    const at = b.has(trigger) ? child(n, "dependentRequired", trigger) : n;
    if (added.length > 0)
      ctx.report(
        "DEPENDENT_REQUIRED_ADDED",
        `an object with ${JSON.stringify(trigger)} now also needs ${added.map((x) => JSON.stringify(x)).join(", ")}`,
        at,
      );
    if (removed.length > 0)
      ctx.report(
        "DEPENDENT_REQUIRED_REMOVED",
        `an object with ${JSON.stringify(trigger)} no longer needs ${removed.map((x) => JSON.stringify(x)).join(", ")}`,
        at,
      );
  }
  const sa = isObject(o.node) && isObject(o.node["dependentSchemas"]) ? o.node["dependentSchemas"] : {};
  const sb = isObject(n.node) && isObject(n.node["dependentSchemas"]) ? n.node["dependentSchemas"] : {};
  for (const trigger of new Set([...Object.keys(sa), ...Object.keys(sb)])) {
    ctx.compare(child(o, "dependentSchemas", trigger), child(n, "dependentSchemas", trigger));
  }
}

/**
 * `if`/`then`/`else`. With the same `if` (equal in both directions), `then` and `else` are compared as
 * subschemas (their effects only touch the values on that side of the condition). A condition added
 * only constrains, a removed one only frees; a changed condition moves values between `then` and
 * `else`, which is not decided: reported as possibly changing both ways.
 */
export function compareConditional(ctx: CompareContext, o: Side, n: Side): void {
  const ia = has(o, "if");
  const ib = has(n, "if");
  if (!ia && !ib) return;
  const constrains = (s: Side): boolean => has(s, "then") || has(s, "else");
  if (!ia || !ib) {
    if (ib && constrains(n))
      ctx.report("CONDITION_ADDED", "an if/then/else condition now constrains the value", child(n, "if"));
    if (ia && constrains(o)) ctx.report("CONDITION_REMOVED", "the if/then/else condition was removed", n);
    return;
  }
  const cond = ctx.probe(child(o, "if"), child(n, "if"));
  if (!cond.narrows && !cond.widens) {
    ctx.compare(child(o, "then"), child(n, "then"));
    ctx.compare(child(o, "else"), child(n, "else"));
    return;
  }
  if (!constrains(o) && !constrains(n)) return;
  ctx.report("CONDITION_CHANGED", "the if condition changed", child(n, "if"), "changes", {
    possibly: "values move between then and else; which ones is not compared",
  });
}
