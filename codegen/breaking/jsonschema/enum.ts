import { isObject } from "../../load/jsonschema.js";
import { type CompareContext, canonical, type Side, show } from "./context.js";

interface Values {
  readonly keyword: "enum" | "const";
  readonly values: readonly unknown[];
}

function valuesOf(side: Side): Values | undefined {
  const node = side.node;
  if (!isObject(node)) return undefined;
  if ("const" in node) return { keyword: "const", values: [node["const"]] };
  if (Array.isArray(node["enum"])) return { keyword: "enum", values: node["enum"] };
  return undefined;
}

/** `enum` and `const`: values added or removed, restriction added or removed, const changed. */
export function compareEnum(ctx: CompareContext, o: Side, n: Side): void {
  const a = valuesOf(o);
  const b = valuesOf(n);
  if (!a && !b) return;
  if (!a && b) {
    const at = { ...n, pointer: `${n.pointer}/${b.keyword}` };
    if (b.keyword === "const")
      ctx.report("CONST_ADDED", `const ${show(b.values[0])} now fixes the value`, at);
    else ctx.report("ENUM_ADDED", `enum now restricts the value to ${b.values.map(show).join(", ")}`, at);
    return;
  }
  if (a && !b) {
    if (a.keyword === "const") ctx.report("CONST_REMOVED", `const ${show(a.values[0])} was removed`, n);
    else ctx.report("ENUM_REMOVED", "the enum restriction was removed", n);
    return;
  }
  if (!a || !b) return;
  const at = { ...n, pointer: `${n.pointer}/${b.keyword}` };
  const oldKeys = new Map(a.values.map((v) => [canonical(v), v]));
  const newKeys = new Map(b.values.map((v) => [canonical(v), v]));
  const added = [...newKeys].filter(([k]) => !oldKeys.has(k)).map(([, v]) => v);
  const removed = [...oldKeys].filter(([k]) => !newKeys.has(k)).map(([, v]) => v);
  if (added.length === 0 && removed.length === 0) return;
  if (oldKeys.size === 1 && newKeys.size === 1 && (a.keyword === "const" || b.keyword === "const")) {
    ctx.report("CONST_CHANGED", `const changed from ${show(a.values[0])} to ${show(b.values[0])}`, at);
    return;
  }
  if (removed.length > 0)
    ctx.report(
      "ENUM_VALUE_REMOVED",
      `enum value${plural(removed)} ${removed.map(show).join(", ")} removed`,
      at,
    );
  if (added.length > 0)
    ctx.report("ENUM_VALUE_ADDED", `enum value${plural(added)} ${added.map(show).join(", ")} added`, at);
}

function plural(list: readonly unknown[]): string {
  return list.length === 1 ? "" : "s";
}
