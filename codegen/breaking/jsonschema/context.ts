import type { LoweredJsonSchema, SchemaDocument } from "../../load/jsonschema.js";
import { isObject } from "../../load/jsonschema.js";
import { appendPointer } from "../../util/json-pointer.js";
import type { Effect } from "../model.js";
import { JSON_SCHEMA_RULES, type JsonSchemaRuleId, type RuleInfo } from "../rules.js";

/** A schema node with the document and JSON pointer it was read from. */
export interface Side {
  readonly doc: SchemaDocument;
  readonly pointer: string;
  /** `true` / `false` / an object; a keyword that is absent is represented by a synthetic `true`. */
  readonly node: unknown;
  /** Set when `node` is not the node at `pointer` but a combination (a `$ref` target with its siblings). */
  readonly variant?: string;
}

/** A raw change found by a keyword family, before the direction filter. */
export interface Change {
  readonly rule: JsonSchemaRuleId;
  readonly effect: Effect;
  readonly message: string;
  /** Where to report it: the new side when it exists there, else the old side. */
  readonly at: Side;
  readonly onOld: boolean;
  /** Set when the effect could not be decided exactly and was assumed conservatively: the reason. */
  readonly possibly?: string;
}

/** Options of {@link CompareContext.report}. */
export interface ReportOptions {
  /** The location is in the old contracts. */
  readonly onOld?: boolean;
  /** The effect is a conservative assumption, not a proof: why it could not be decided. */
  readonly possibly?: string | undefined;
}

/** What a probe found: the effects, and why they are only possible when they are not certain. */
export interface ProbeResult {
  readonly narrows: boolean;
  readonly widens: boolean;
  /** Set when some effect was assumed conservatively (see {@link ReportOptions.possibly}). */
  readonly possibly?: string;
}

/** What a family needs: the two contract sets, recursion, a sink for changes and a probe. */
export interface CompareContext {
  readonly oldSet: LoweredJsonSchema;
  readonly newSet: LoweredJsonSchema;
  /** Compares two subschemas (recursion safe). */
  compare(o: Side, n: Side): void;
  /** Records a change at `at` (a side of the new schema unless `options.onOld`). */
  report(rule: JsonSchemaRuleId, message: string, at: Side, effect?: Effect, options?: ReportOptions): void;
  /** Effects of comparing `o` with `n` without reporting anything (annotations excluded). */
  probe(o: Side, n: Side): ProbeResult;
  /** Resolves a `$ref` found in `side`'s document; undefined when it cannot be resolved. */
  resolve(side: Side, ref: string): (Side & { decl?: string }) | undefined;
}

/** Keywords that never constrain a value. */
export const ANNOTATION_KEYWORDS = new Set([
  "$schema",
  "$id",
  "$anchor",
  "$comment",
  "$defs",
  "definitions",
  "title",
  "description",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
  "default",
  "discriminator",
  "x-enum-descriptions",
  "x-contractgen-breaking-ignore",
]);

/** The keywords of a node as an object (`true` → `{}`); `false` yields undefined. */
export function keywords(side: Side): Record<string, unknown> | undefined {
  if (side.node === false) return undefined;
  if (isObject(side.node)) return side.node;
  return {};
}

/** Whether the node accepts every value (`true`, `{}`, or annotations only). */
export function isUnconstrained(node: unknown): boolean {
  if (node === true) return true;
  if (!isObject(node)) return false;
  return Object.keys(node).every((k) => ANNOTATION_KEYWORDS.has(k) || k.startsWith("x-"));
}

/** The subschema at `key` (and further tokens), or a synthetic `true` when absent. */
export function child(side: Side, ...tokens: (string | number)[]): Side {
  let node: unknown = side.node;
  for (const t of tokens) {
    if (Array.isArray(node)) node = node[Number(t)];
    else if (isObject(node)) node = Object.hasOwn(node, String(t)) ? node[String(t)] : undefined;
    else node = undefined;
  }
  return {
    doc: side.doc,
    pointer: appendPointer(side.pointer, ...tokens),
    node: node === undefined ? true : node,
  };
}

/** Whether `side`'s node has `key`. */
export function has(side: Side, key: string): boolean {
  return isObject(side.node) && Object.hasOwn(side.node, key);
}

/** A JSON value as a canonical string (sorted keys), for equality of enum values and defaults. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

/** Short rendering of a value for messages. */
export function show(value: unknown): string {
  const s = canonical(value);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** The catalogue entry of a rule. */
export function ruleInfo(rule: JsonSchemaRuleId): RuleInfo {
  return JSON_SCHEMA_RULES[rule];
}

/** JSON types a node admits, from `type`, else from `enum`/`const`; undefined = every type. */
export function typeSet(side: Side): Set<string> | undefined {
  const kw = keywords(side);
  if (!kw) return new Set();
  const t = kw["type"];
  const out = new Set<string>();
  const add = (name: string): void => {
    if (name === "number") {
      out.add("integer");
      out.add("fraction");
    } else out.add(name);
  };
  if (typeof t === "string") {
    add(t);
  } else if (Array.isArray(t)) {
    for (const x of t) if (typeof x === "string") add(x);
  } else {
    const values = "const" in kw ? [kw["const"]] : Array.isArray(kw["enum"]) ? kw["enum"] : undefined;
    if (!values) return undefined;
    for (const v of values) add(jsonTypeOf(v));
  }
  return out;
}

/** The JSON Schema type of a JSON value (`fraction` for a number with a fractional part). */
export function jsonTypeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "fraction";
  if (typeof v === "boolean") return "boolean";
  return typeof v;
}

/** Whether both sides can hold a value of JSON type `name` (constraints of that type then matter). */
export function bothAdmit(o: Side, n: Side, ...names: string[]): boolean {
  const a = typeSet(o);
  const b = typeSet(n);
  return names.some((name) => (a === undefined || a.has(name)) && (b === undefined || b.has(name)));
}
