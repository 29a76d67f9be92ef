import type { LoweredJsonSchema, SchemaDocument } from "../../load/jsonschema.js";
import { isObject } from "../../load/jsonschema.js";
import type { Effect } from "../model.js";
import type { JsonSchemaRuleId } from "../rules.js";
import { compareDefault } from "./annotation.js";
import { compareArray } from "./array.js";
import { branchesDisjoint, compareComposition, compareUnionBranches } from "./composition.js";
import {
  ANNOTATION_KEYWORDS,
  type Change,
  type CompareContext,
  canonical,
  child,
  isUnconstrained,
  type ProbeResult,
  type ReportOptions,
  ruleInfo,
  type Side,
} from "./context.js";
import { compareConditional, compareDependent } from "./dependent.js";
import { compareEnum } from "./enum.js";
import { compositionKinds, foldComposition, mergeExact } from "./merge.js";
import { compareNumeric } from "./numeric.js";
import { compareObject } from "./object.js";
import { compareString } from "./string.js";
import { compareType } from "./type.js";

/** How deep `$ref` chains are followed before giving up (a ref to a ref to …). */
const MAX_REF_HOPS = 32;

/**
 * Compares two versions of JSON Schema contracts node by node. Every keyword family lives in its own
 * file and reports raw changes with their effect on the accepted values; the caller filters them by
 * direction. `$ref`s to the same named declaration are not followed (that declaration is compared on
 * its own); `$ref`s to different targets are compared by target, with a guard against cycles.
 */
export class Comparator implements CompareContext {
  readonly changes: Change[] = [];
  private readonly active = new Set<string>();
  private readonly done = new Set<string>();
  private readonly oldDocs: ReadonlySet<SchemaDocument>;
  private effects: { narrows: boolean; widens: boolean; possibly?: string } | undefined;

  constructor(
    readonly oldSet: LoweredJsonSchema,
    readonly newSet: LoweredJsonSchema,
    oldDocs?: ReadonlySet<SchemaDocument>,
  ) {
    this.oldDocs = oldDocs ?? new Set(oldSet.documents);
  }

  report(
    rule: JsonSchemaRuleId,
    message: string,
    at: Side,
    effect?: Effect,
    options: ReportOptions = {},
  ): void {
    const info = ruleInfo(rule);
    const e = effect ?? info.effect;
    if (!e) throw new Error(`internal: rule ${rule} needs an effect`);
    const possibly = options.possibly;
    if (this.effects) {
      if (info.annotation) return;
      if (e !== "widens") this.effects.narrows = true;
      if (e !== "narrows") this.effects.widens = true;
      if (possibly !== undefined) this.effects.possibly ??= possibly;
      return;
    }
    this.changes.push({
      rule,
      effect: e,
      message,
      at,
      onOld: options.onOld ?? false,
      ...(possibly !== undefined ? { possibly } : {}),
    });
  }

  probe(o: Side, n: Side): ProbeResult {
    const sub = new Comparator(this.oldSet, this.newSet, this.oldDocs);
    sub.effects = { narrows: false, widens: false };
    for (const key of this.active) sub.active.add(key);
    sub.compare(o, n);
    return sub.effects;
  }

  resolve(side: Side, ref: string): (Side & { decl?: string }) | undefined {
    const set = this.oldDocs.has(side.doc) ? this.oldSet : this.newSet;
    try {
      const t = set.refTarget(side.doc, ref);
      return { doc: t.document, pointer: t.pointer, node: t.node, ...(t.decl ? { decl: t.decl } : {}) };
    } catch {
      // The loader reported unresolvable refs already; nothing to compare here.
      return undefined;
    }
  }

  compare(o: Side, n: Side): void {
    if (o.node === false || n.node === false) {
      if (o.node === false && n.node !== false)
        this.report("SCHEMA_NO_LONGER_FALSE", "the schema accepted nothing and now accepts values", n);
      else if (o.node !== false && n.node === false)
        this.report("SCHEMA_NOW_FALSE", "the schema now accepts nothing (false)", n);
      return;
    }
    let a = o;
    let b = n;
    const refA = refOf(a);
    const refB = refOf(b);
    if (refA !== undefined && refB !== undefined) {
      const ta = this.resolve(a, refA);
      const tb = this.resolve(b, refB);
      if (!ta || !tb) return;
      if (ta.decl !== undefined && ta.decl === tb.decl) {
        // Same named declaration: compared on its own; only the siblings of `$ref` are compared here
        // (the value must match the declaration and them: their changes bound the whole change).
        const siblings = (side: Side): Side => {
          const { $ref: _ref, ...rest } = side.node as Record<string, unknown>;
          return { ...side, node: rest };
        };
        this.families(siblings(a), siblings(b));
        return;
      }
    }
    for (let hops = 0; hops < MAX_REF_HOPS; hops++) {
      const ra = refOf(a);
      const rb = refOf(b);
      if (ra === undefined && rb === undefined) break;
      if (ra !== undefined) {
        const t = this.follow(a, ra);
        if (!t) return;
        a = t;
      }
      if (rb !== undefined) {
        const t = this.follow(b, rb);
        if (!t) return;
        b = t;
      }
      const ta = (a as { decl?: string }).decl;
      if (ta !== undefined && ta === (b as { decl?: string }).decl) return;
    }
    if (a.node === false || b.node === false) {
      this.compare(a, b);
      return;
    }
    const key = `${a.doc.path}#${a.pointer}${a.variant ?? ""}|${b.doc.path}#${b.pointer}${b.variant ?? ""}`;
    if (this.active.has(key) || this.done.has(key)) return;
    this.active.add(key);
    try {
      this.families(a, b);
    } finally {
      this.active.delete(key);
      this.done.add(key);
    }
  }

  private families(oSide: Side, nSide: Side): void {
    compareDefault(this, oSide, nSide);
    if (isUnconstrained(oSide.node) && isUnconstrained(nSide.node)) return;
    let o = oSide;
    let n = nSide;
    if (compositionKinds(o.node) !== compositionKinds(n.node)) {
      // allOf ↔ anyOf ↔ oneOf: fold what folds exactly (allOf, unions of one branch), then compare
      // what is left as unions.
      o = { ...o, node: foldComposition(o.node) };
      n = { ...n, node: foldComposition(n.node) };
    }
    const uo = unionKeyword(o);
    const un = unionKeyword(n);
    if (uo !== undefined && un !== undefined && uo !== un) {
      this.switchUnion(o, uo, n, un);
      return;
    }
    if ((uo === undefined) !== (un === undefined)) {
      // A union on one side only: compare the whole other side as a one-branch union.
      const keyword = (un ?? uo)!;
      compareUnionBranches(
        this,
        keyword,
        uo ? this.distribute(o, uo) : [o],
        un ? this.distribute(n, un) : [n],
        un ? child(n, un) : n,
      );
      return;
    }
    compareType(this, o, n);
    compareEnum(this, o, n);
    compareNumeric(this, o, n);
    compareString(this, o, n);
    compareArray(this, o, n);
    compareObject(this, o, n);
    compareDependent(this, o, n);
    compareConditional(this, o, n);
    compareComposition(this, o, n);
  }

  /**
   * The target of `side`'s `$ref`, with the keywords beside the `$ref` kept (merged where exact, else
   * as an allOf next to the target): a value must match both.
   */
  private follow(side: Side, ref: string): (Side & { decl?: string }) | undefined {
    const t = this.resolve(side, ref);
    if (!t) return undefined;
    const siblings: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(side.node as Record<string, unknown>))
      if (k !== "$ref" && !ANNOTATION_KEYWORDS.has(k) && !k.startsWith("x-")) siblings[k] = v;
    if (Object.keys(siblings).length === 0 || t.node === false) return t;
    const target = isObject(t.node) ? t.node : {};
    const node = "$ref" in target ? undefined : mergeExact(siblings, target);
    return {
      doc: t.doc,
      pointer: t.pointer,
      node: node ?? { ...siblings, allOf: [target] },
      variant: `+${canonical(siblings)}`,
    };
  }

  /**
   * anyOf ↔ oneOf: the branches are compared as `anyOf` (what some branch accepts), then the overlap
   * of branches decides the rest: values matching two branches of an old `oneOf` were rejected and are
   * now accepted (widens); values matching two branches of a new `oneOf` are now rejected (narrows).
   * Overlap is only disproved from types and discriminator tags, so a possible overlap is reported as
   * possibly breaking.
   */
  private switchUnion(o: Side, uo: "anyOf" | "oneOf", n: Side, un: "anyOf" | "oneOf"): void {
    const a = this.distribute(o, uo);
    const b = this.distribute(n, un);
    compareUnionBranches(this, "anyOf", a, b, child(n, un));
    const oneOf = uo === "oneOf" ? a : b;
    if (oneOf.length < 2 || branchesDisjoint(this, oneOf)) return;
    this.report(
      "UNION_KIND_CHANGED",
      uo === "oneOf"
        ? "oneOf became anyOf: values that matched several branches were rejected and are now accepted"
        : "anyOf became oneOf: values that match several branches are now rejected",
      child(n, un),
      uo === "oneOf" ? "widens" : "narrows",
      { possibly: "the branches may overlap (only distinct types or discriminator tags prove they do not)" },
    );
  }

  /** The branches of a union with the keywords beside the union merged into each (`O ∧ (A ∨ B)` = `(O ∧ A) ∨ (O ∧ B)`). */
  private distribute(side: Side, keyword: "anyOf" | "oneOf"): Side[] {
    const node = side.node as Record<string, unknown>;
    const outer: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) if (k !== keyword && !ANNOTATION_KEYWORDS.has(k)) outer[k] = v;
    const list = node[keyword] as unknown[];
    return list.map((_, i) => {
      let branch = child(side, keyword, i);
      for (let hops = 0; hops < MAX_REF_HOPS; hops++) {
        const ref = refOf(branch);
        if (ref === undefined) break;
        const t = this.resolve(branch, ref);
        if (!t) break;
        branch = t;
      }
      if (branch.node === false) return branch;
      const inner = isObject(branch.node) ? branch.node : {};
      // Exact where the keywords combine; else both stay, the outer ones as an allOf branch.
      const node = mergeExact(outer, inner) ?? {
        ...inner,
        allOf: [...(Array.isArray(inner["allOf"]) ? inner["allOf"] : []), outer],
      };
      return { ...branch, node };
    });
  }
}

function refOf(side: Side): string | undefined {
  const node = side.node;
  return isObject(node) && typeof node["$ref"] === "string" ? node["$ref"] : undefined;
}

function unionKeyword(side: Side): "anyOf" | "oneOf" | undefined {
  const node = side.node;
  if (!isObject(node)) return undefined;
  if (Array.isArray(node["oneOf"])) return "oneOf";
  if (Array.isArray(node["anyOf"])) return "anyOf";
  return undefined;
}
