import { isObject } from "../../load/jsonschema.js";
import { type CompareContext, canonical, child, type Side, show } from "./context.js";

/** `default`: added, removed or changed (reported as warnings: the accepted values stay the same). */
export function compareDefault(ctx: CompareContext, o: Side, n: Side): void {
  const a = isObject(o.node) && "default" in o.node ? { value: o.node["default"] } : undefined;
  const b = isObject(n.node) && "default" in n.node ? { value: n.node["default"] } : undefined;
  if (!a && !b) return;
  if (a && b) {
    if (canonical(a.value) !== canonical(b.value))
      ctx.report(
        "DEFAULT_CHANGED",
        `default changed from ${show(a.value)} to ${show(b.value)}`,
        child(n, "default"),
      );
  } else if (b) {
    ctx.report("DEFAULT_ADDED", `default ${show(b.value)} added`, child(n, "default"));
  } else if (a) {
    ctx.report("DEFAULT_REMOVED", `default ${show(a.value)} removed`, n);
  }
}
