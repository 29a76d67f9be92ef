import { isObject } from "../../load/jsonschema.js";
import { compareLowerBound, compareUpperBound } from "./bounds.js";
import { bothAdmit, type CompareContext, child, has, isUnconstrained, type Side } from "./context.js";

function propertiesOf(side: Side): Record<string, unknown> {
  const node = side.node;
  return isObject(node) && isObject(node["properties"]) ? node["properties"] : {};
}

function requiredOf(side: Side): Set<string> {
  const node = side.node;
  const list = isObject(node) && Array.isArray(node["required"]) ? node["required"] : [];
  return new Set(list.filter((x): x is string => typeof x === "string"));
}

function patternsOf(side: Side): Record<string, unknown> {
  const node = side.node;
  return isObject(node) && isObject(node["patternProperties"]) ? node["patternProperties"] : {};
}

/** Property names declared by the branches of `allOf`/`anyOf`/`oneOf` (evaluated for `unevaluatedProperties`). */
function branchPropertyNames(ctx: CompareContext, side: Side): Set<string> {
  const names = new Set<string>();
  const node = side.node;
  if (!isObject(node)) return names;
  for (const keyword of ["allOf", "anyOf", "oneOf"]) {
    const branches = node[keyword];
    if (!Array.isArray(branches)) continue;
    branches.forEach((_, i) => {
      let branch = child(side, keyword, i);
      const ref = isObject(branch.node) ? branch.node["$ref"] : undefined;
      if (typeof ref === "string") branch = ctx.resolve(branch, ref) ?? branch;
      for (const k of Object.keys(propertiesOf(branch))) names.add(k);
    });
  }
  return names;
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return undefined;
  }
}

/**
 * The schema that governs a property `name` that `properties` does not list: the first matching
 * `patternProperties` entry, else `additionalProperties`, else `unevaluatedProperties` (unless a branch
 * declares the name), else anything.
 */
function fallback(ctx: CompareContext, side: Side, name: string): Side {
  for (const pattern of Object.keys(patternsOf(side))) {
    if (safeRegExp(pattern)?.test(name)) return child(side, "patternProperties", pattern);
  }
  if (has(side, "additionalProperties")) return child(side, "additionalProperties");
  if (has(side, "unevaluatedProperties") && !branchPropertyNames(ctx, side).has(name))
    return child(side, "unevaluatedProperties");
  return { ...side, node: true };
}

function describeModel(side: Side): string {
  if (side.node === false) return "the object was closed";
  if (isUnconstrained(side.node)) return "the object was open";
  return "undeclared properties had to match a schema";
}

/** Properties, required, additional/pattern/unevaluated properties, property counts. */
export function compareObject(ctx: CompareContext, o: Side, n: Side): void {
  if (!bothAdmit(o, n, "object")) return;
  const po = propertiesOf(o);
  const pn = propertiesOf(n);
  const ro = requiredOf(o);
  const rn = requiredOf(n);
  const names = [...new Set([...Object.keys(po), ...Object.keys(pn)])];
  const handledRequired = new Set<string>();
  for (const name of names) {
    const inO = Object.hasOwn(po, name);
    const inN = Object.hasOwn(pn, name);
    const reqO = ro.has(name);
    const reqN = rn.has(name);
    if (inO && inN) {
      ctx.compare(child(o, "properties", name), child(n, "properties", name));
      continue;
    }
    handledRequired.add(name);
    if (inN) {
      const before = fallback(ctx, o, name);
      const at = child(n, "properties", name);
      const { narrows, widens } = ctx.probe(before, at);
      const required = !reqO && reqN;
      if (required) ctx.report("REQUIRED_ADDED", `new property ${JSON.stringify(name)} is required`, at);
      if (reqO && !reqN)
        ctx.report(
          "REQUIRED_REMOVED",
          `property ${JSON.stringify(name)} is no longer required`,
          has(n, "required") ? child(n, "required") : n,
        );
      if (isUnconstrained(before.node)) {
        if (narrows)
          ctx.report(
            "PROPERTY_ADDED_TO_OPEN_MODEL",
            `property ${JSON.stringify(name)} added; the object was open, so values old senders put under this name may now be rejected`,
            at,
          );
        continue;
      }
      if (narrows || widens) {
        ctx.report(
          "PROPERTY_ADDED",
          `property ${JSON.stringify(name)} added; ${describeModel(before)}, so ${widens ? "old readers reject it" : "values allowed before under this name are rejected"}`,
          at,
          narrows && widens ? "changes" : narrows ? "narrows" : "widens",
        );
      }
    } else {
      const after = fallback(ctx, n, name);
      if (!reqO && reqN)
        ctx.report(
          "REQUIRED_ADDED",
          `property ${JSON.stringify(name)} became required`,
          child(n, "required"),
        );
      const { narrows, widens: valueWidens } = ctx.probe(child(o, "properties", name), after);
      const widens = valueWidens || (reqO && !reqN);
      if (narrows || widens) {
        const why = [
          reqO && !reqN ? "it was required" : "",
          after.node === false ? "the object is closed, so it is now rejected" : "",
          after.node !== false && valueWidens ? "other values are now accepted under its name" : "",
        ].filter((s) => s !== "");
        ctx.report(
          "PROPERTY_REMOVED",
          `property ${JSON.stringify(name)} removed${why.length > 0 ? `: ${why.join("; ")}` : ""}`,
          { ...n, pointer: has(n, "properties") ? `${n.pointer}/properties` : n.pointer },
          narrows && widens ? "changes" : narrows ? "narrows" : "widens",
        );
      }
    }
  }
  for (const name of rn) {
    if (!ro.has(name) && !handledRequired.has(name))
      ctx.report("REQUIRED_ADDED", `property ${JSON.stringify(name)} became required`, child(n, "required"));
  }
  for (const name of ro) {
    if (!rn.has(name) && !handledRequired.has(name))
      ctx.report(
        "REQUIRED_REMOVED",
        `property ${JSON.stringify(name)} is no longer required`,
        has(n, "required") ? child(n, "required") : n,
      );
  }
  const apO = has(o, "additionalProperties");
  const apN = has(n, "additionalProperties");
  if (apO && apN)
    compareOpenness(
      ctx,
      o,
      n,
      "additionalProperties",
      "ADDITIONAL_PROPERTIES_CLOSED",
      "ADDITIONAL_PROPERTIES_OPENED",
    );
  else if (!apO && !apN)
    compareOpenness(
      ctx,
      o,
      n,
      "unevaluatedProperties",
      "UNEVALUATED_PROPERTIES_CLOSED",
      "UNEVALUATED_PROPERTIES_OPENED",
    );
  else {
    // additionalProperties evaluates every undeclared name, so unevaluatedProperties no longer applies
    // (or starts to apply) on the side without it: the two rest schemas are compared.
    const rest = (side: Side): Side =>
      has(side, "additionalProperties")
        ? child(side, "additionalProperties")
        : has(side, "unevaluatedProperties")
          ? child(side, "unevaluatedProperties")
          : { ...side, node: true };
    const a = rest(o);
    const b = rest(n);
    if (a.node !== false && b.node === false)
      ctx.report("ADDITIONAL_PROPERTIES_CLOSED", "undeclared properties are now rejected", b);
    else if (a.node === false && b.node !== false)
      ctx.report("ADDITIONAL_PROPERTIES_OPENED", "undeclared properties are now accepted", apN ? b : n);
    else if (a.node !== false && b.node !== false) ctx.compare(a, b);
  }
  const pao = patternsOf(o);
  const pan = patternsOf(n);
  for (const pattern of new Set([...Object.keys(pao), ...Object.keys(pan)])) {
    const inO = Object.hasOwn(pao, pattern);
    const inN = Object.hasOwn(pan, pattern);
    if (inO && inN) {
      ctx.compare(child(o, "patternProperties", pattern), child(n, "patternProperties", pattern));
    } else if (inN) {
      const before = has(o, "additionalProperties") ? child(o, "additionalProperties") : { ...o, node: true };
      const at = child(n, "patternProperties", pattern);
      const { narrows, widens } = ctx.probe(before, at);
      if (narrows || widens)
        ctx.report(
          "PATTERN_PROPERTY_ADDED",
          `patternProperties ${JSON.stringify(pattern)} added`,
          at,
          narrows && widens ? "changes" : narrows ? "narrows" : "widens",
        );
    } else {
      const after = has(n, "additionalProperties") ? child(n, "additionalProperties") : { ...n, node: true };
      const { narrows, widens } = ctx.probe(child(o, "patternProperties", pattern), after);
      if (narrows || widens)
        ctx.report(
          "PATTERN_PROPERTY_REMOVED",
          `patternProperties ${JSON.stringify(pattern)} removed`,
          n,
          narrows && widens ? "changes" : narrows ? "narrows" : "widens",
        );
    }
  }
  if (has(o, "propertyNames") || has(n, "propertyNames"))
    ctx.compare(child(o, "propertyNames"), child(n, "propertyNames"));
  compareLowerBound(ctx, o, n, "minProperties", "MIN_PROPERTIES_TIGHTENED", "MIN_PROPERTIES_LOOSENED");
  compareUpperBound(ctx, o, n, "maxProperties", "MAX_PROPERTIES_TIGHTENED", "MAX_PROPERTIES_LOOSENED");
}

function compareOpenness(
  ctx: CompareContext,
  o: Side,
  n: Side,
  keyword: "additionalProperties" | "unevaluatedProperties",
  closed: "ADDITIONAL_PROPERTIES_CLOSED" | "UNEVALUATED_PROPERTIES_CLOSED",
  opened: "ADDITIONAL_PROPERTIES_OPENED" | "UNEVALUATED_PROPERTIES_OPENED",
): void {
  if (!has(o, keyword) && !has(n, keyword)) return;
  const a = child(o, keyword);
  const b = child(n, keyword);
  if (a.node !== false && b.node === false)
    ctx.report(closed, `${keyword}: false now rejects undeclared properties`, b);
  else if (a.node === false && b.node !== false)
    ctx.report(
      opened,
      `undeclared properties are now accepted (${keyword} is no longer false)`,
      has(n, keyword) ? b : n,
    );
  else if (a.node !== false && b.node !== false) ctx.compare(a, b);
}
