/**
 * The one-pass check. Each wire schema is compiled, once and lazily per boundary, into a JavaScript
 * function that walks a parsed value a single time and answers one question: would the guard walk find
 * nothing here, and does the value meet every constraint of its wire schema (exactly what the ajv
 * validators compiled from the same schemas accept)? Guard checks (expected JSON type, unknown and
 * forbidden keys, unsafe integers, limits) and constraint checks (required, ranges, patterns, formats,
 * enums, `oneOf`, `not`…) sit side by side in that one walk.
 *
 * A "yes" lets a clean payload through at the cost of JSON.parse plus that walk. A "no" says nothing
 * about why: the boundary then runs the slow path (the guard walk with its policies, then the validator),
 * which finds, repairs or reports every violation. So the compiled check only has to be exact on the
 * "yes" side; wherever exactness would be costly or the schema uses a keyword this compiler does not
 * know, it answers "no" (or the type gets no compiled check at all) and the slow path decides.
 *
 * The guard side mirrors `ShapePlanner` (shape.ts) and `Walk` (walk.ts); test/runtime-onepass.test.ts
 * checks the mirror against them and ajv on seeded random payloads of every example schema. Proto enum
 * values need nothing of their own here: the `enum` lists and int32 bounds of an enum's wire schema,
 * checked as constraints, accept exactly the names and numbers the walk accepts without an `enum_name`
 * or `enum_unknown` finding (test/runtime-enum.test.ts).
 */
import { createRequire } from "node:module";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { isProtoTimestamp } from "./datetime.js";
import {
  ANY_DOUBLE_TYPE,
  ANY_VALUE_TYPE,
  classifyTypes,
  isAnyMessageSchema,
  SchemaPlanError,
} from "./shape.js";

const require = createRequire(import.meta.url);
const deepEqual = (require("ajv/dist/runtime/equal") as { default: (a: unknown, b: unknown) => boolean })
  .default;
const ucs2length = (require("ajv/dist/runtime/ucs2length") as { default: (s: string) => number }).default;

/** A compiled check: true when the guards would find nothing and the value meets its wire schema. */
export type FastCheck = (value: unknown, checkUnicode: boolean) => boolean;

type Json = Record<string, unknown>;
type Node = unknown;

const URN = "urn:contractgen:";

/** Keywords without effect on validity (annotations), skipped like ajv skips them. */
const ANNOTATIONS = new Set([
  "$schema",
  "$id",
  "$comment",
  "$defs",
  "definitions",
  "title",
  "description",
  "examples",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  "contentEncoding",
  "contentMediaType",
  "contentSchema",
]);

/** Keywords the compiler checks. Any other keyword leaves its schema without a compiled check. */
const KEYWORDS = new Set([
  "$ref",
  "type",
  "enum",
  "const",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "minProperties",
  "maxProperties",
  "dependentRequired",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "anyOf",
  "oneOf",
  "allOf",
  "not",
  "if",
  "then",
  "else",
  "discriminator",
]);

/** Thrown while compiling a schema this compiler cannot check exactly; the type keeps the slow path. */
class Unsupported extends Error {}

/** What the guard expects of a schema node, as `ShapePlanner` computes it (without the children). */
type Summary =
  | { readonly kind: "any"; readonly nullable: boolean }
  | { readonly kind: "object" | "array" | "union"; readonly nullable: boolean }
  | {
      readonly kind: "scalar";
      readonly nullable: boolean;
      readonly string: boolean;
      readonly integer: boolean;
      readonly number: boolean;
      readonly boolean: boolean;
    };

type ScalarSummary = Extract<Summary, { kind: "scalar" }>;

/** A node with the document it lives in and the local `$ref`s followed to reach it (cycle detection). */
interface Place {
  readonly node: Node;
  readonly root: Json;
  readonly refs: ReadonlySet<string>;
}

/** How the guard treats the `anyOf`/`oneOf` branches of a node (`ShapePlanner.union`). */
type UnionPlan =
  | { readonly mode: "single"; readonly nullable: boolean; readonly index: number }
  | { readonly mode: "scalar"; readonly summary: ScalarSummary }
  | { readonly mode: "objects"; readonly nullable: boolean; readonly indexes: readonly number[] }
  | { readonly mode: "any"; readonly nullable: boolean };

/**
 * Compiles wire schemas into {@link FastCheck}s. One compiler serves one boundary: the limits are
 * constants of the generated code.
 */
export class FastCompiler {
  private readonly docs = new Map<string, Json>();
  private readonly checks = new Map<string, FastCheck | null>();

  constructor(
    schemas: Iterable<unknown>,
    private readonly limits: { readonly maxDepth: number; readonly maxArrayLength: number },
  ) {
    for (const s of schemas) {
      if (typeof s === "object" && s !== null && typeof (s as Json)["$id"] === "string") {
        this.docs.set((s as Json)["$id"] as string, s as Json);
      }
    }
  }

  /** The check of a message full name or `$id`; null when its schema uses what the compiler cannot check. */
  check(name: string): FastCheck | null {
    const id = name.startsWith(URN) ? name : URN + name;
    let check = this.checks.get(id);
    if (check === undefined) {
      try {
        check = new Unit(this.docs, this.limits).compile(id);
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
        check = null;
      }
      this.checks.set(id, check);
    }
    return check;
  }
}

/** One compilation: the functions of a root schema and of everything it refers to. */
class Unit {
  private readonly functions: string[] = [];
  /** Function names by node and mode (guarded with a nullability, or constraints only). */
  private readonly names = new Map<Node, Map<string, string>>();
  /** Constants the generated code refers to (`c0`, `c1`…): regexps, enum lists, format checks. */
  private readonly constants: unknown[] = [];
  private readonly constantIndex = new Map<unknown, string>();
  /** Complete bodies of the generated functions, by name, for inlining. */
  private readonly bodies = new Map<string, readonly string[]>();
  private renames = 0;

  constructor(
    private readonly docs: ReadonlyMap<string, Json>,
    private readonly limits: { readonly maxDepth: number; readonly maxArrayLength: number },
  ) {}

  compile(id: string): FastCheck {
    const doc = this.doc(id);
    const entry = this.fn({ node: doc, root: doc, refs: new Set() }, undefined);
    const source = [
      '"use strict";',
      "let U = false;",
      `const FORBIDDEN = (k) => k === "__proto__" || k === "constructor" || k === "prototype";`,
      "const bad = (k) => FORBIDDEN(k) || (U && !k.isWellFormed());",
      "function yes() { return true; }",
      "function no() { return false; }",
      anyOkSource(this.limits),
      anyOkSource(this.limits, "exactOk"),
      anyMessageSource(this.limits),
      pickSource(),
      ...this.functions,
      `return function check(value, checkUnicode) { U = checkUnicode; return ${entry}(value, 0); };`,
    ].join("\n");
    const constantNames = this.constants.map((_, i) => `c${i}`);
    // The generated code is built from schema values only through JSON.stringify and constant slots.
    const factory = new Function("equal", "ucs2length", ...constantNames, source) as (
      ...args: unknown[]
    ) => FastCheck;
    return factory(deepEqual, ucs2length, ...this.constants);
  }

  private doc(id: string): Json {
    const doc = this.docs.get(id);
    if (!doc) throw new SchemaPlanError(`no wire schema with $id ${JSON.stringify(id)}`);
    return doc;
  }

  private constant(value: unknown): string {
    let name = this.constantIndex.get(value);
    if (name === undefined) {
      name = `c${this.constants.length}`;
      this.constants.push(value);
      this.constantIndex.set(value, name);
    }
    return name;
  }

  /** Follows `$ref` (urn or local pointer) from a place; a local cycle is unsupported. */
  private deref(place: Place, ref: string): Place {
    if (ref.startsWith(URN)) {
      const doc = this.doc(ref);
      return { node: doc, root: doc, refs: new Set() };
    }
    if (!ref.startsWith("#/")) throw new Unsupported(`$ref ${ref}`);
    if (place.refs.has(ref)) throw new Unsupported(`recursive local $ref ${ref}`);
    let target: unknown = place.root;
    for (const part of ref.slice(2).split("/")) {
      const key = decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~");
      target = isObject(target) && Object.hasOwn(target, key) ? target[key] : undefined;
    }
    if (target === undefined)
      throw new SchemaPlanError(`${String(place.root["$id"])}: unresolved $ref ${ref}`);
    return { node: target, root: place.root, refs: new Set([...place.refs, ref]) };
  }

  /** The guard's view of a node (`ShapePlanner.compile` without children). */
  private summary(place: Place, depth = 0): Summary {
    if (depth > 32) throw new Unsupported("$ref chain too long");
    const s = place.node;
    if (!isObject(s)) return { kind: "any", nullable: true };
    if (typeof s["$ref"] === "string") return this.summary(this.deref(place, s["$ref"]), depth + 1);
    const branches = (s["anyOf"] ?? s["oneOf"]) as unknown;
    if (Array.isArray(branches)) {
      const plan = this.unionPlan(place, branches, depth);
      switch (plan.mode) {
        case "single": {
          const only = this.summary({ ...place, node: branches[plan.index] }, depth + 1);
          return { ...only, nullable: plan.nullable };
        }
        case "scalar":
          return plan.summary;
        case "objects":
          return { kind: "union", nullable: plan.nullable };
        case "any":
          return { kind: "any", nullable: plan.nullable };
      }
    }
    const { kind, nullable, types } = classifyTypes(s);
    if (kind !== "scalar") return { kind, nullable };
    return {
      kind: "scalar",
      nullable,
      string: types.includes("string"),
      integer: types.includes("integer"),
      number: types.includes("number"),
      boolean: types.includes("boolean"),
    };
  }

  private unionPlan(place: Place, branches: readonly unknown[], depth: number): UnionPlan {
    const summaries = branches.map((b) => this.summary({ ...place, node: b }, depth + 1));
    const nullable = summaries.some((b) => b.nullable);
    const rest: number[] = [];
    summaries.forEach((b, i) => {
      if (!(b.kind === "scalar" && !b.string && !b.integer && !b.number && !b.boolean)) rest.push(i);
    });
    if (rest.length === 1) return { mode: "single", nullable, index: rest[0] as number };
    const restSummaries = rest.map((i) => summaries[i] as Summary);
    if (rest.length > 0 && restSummaries.every((b) => b.kind === "scalar")) {
      const scalars = restSummaries as ScalarSummary[];
      return {
        mode: "scalar",
        summary: {
          kind: "scalar",
          nullable,
          string: scalars.some((b) => b.string),
          integer: scalars.some((b) => b.integer),
          number: scalars.some((b) => b.number),
          boolean: scalars.some((b) => b.boolean),
        },
      };
    }
    if (rest.length > 1 && restSummaries.every((b) => b.kind === "object"))
      return { mode: "objects", nullable, indexes: rest };
    return { mode: "any", nullable: true };
  }

  /** The property names the guard scores a union branch by (`pickBranch`). */
  private branchKeys(place: Place, depth = 0): string[] {
    if (depth > 32) throw new Unsupported("$ref chain too long");
    const s = place.node;
    if (!isObject(s)) return [];
    if (typeof s["$ref"] === "string") return this.branchKeys(this.deref(place, s["$ref"]), depth + 1);
    const branches = (s["anyOf"] ?? s["oneOf"]) as unknown;
    if (Array.isArray(branches)) {
      const plan = this.unionPlan(place, branches, depth);
      if (plan.mode !== "single") throw new Unsupported("nested union");
      return this.branchKeys({ ...place, node: branches[plan.index] }, depth + 1);
    }
    return isObject(s["properties"]) ? Object.keys(s["properties"]) : [];
  }

  /**
   * The name of the function checking `place`: with the guard (`nullable` overriding the node's own
   * nullability when a union made it nullable, or `null` to keep it) or, with `guard` undefined and
   * `constraintsOnly`, constraints only.
   */
  private fn(place: Place, nullable: boolean | null | undefined, constraintsOnly = false): string {
    const node = place.node;
    if (node === true || node === undefined) return constraintsOnly ? "yes" : "anyOk";
    if (node === false) return "no";
    if (!isObject(node))
      throw new SchemaPlanError(`${String(place.root["$id"])}: a schema must be an object`);
    // google.protobuf.Any: the guard walk's rules for its payload (anyMessageOk).
    if (!constraintsOnly && isAnyMessageSchema(node))
      return nullable === true ? "anyMessageOrNull" : "anyMessageOk";
    const mode = constraintsOnly ? "c" : `g${nullable ?? ""}`;
    let byMode = this.names.get(node);
    if (!byMode) {
      byMode = new Map();
      this.names.set(node, byMode);
    }
    const existing = byMode.get(mode);
    if (existing) return existing;
    const name = `f${this.functions.length}`;
    byMode.set(mode, name);
    this.functions.push(""); // reserve the slot: recursive schemas refer to the name before the body exists
    const index = this.functions.length - 1;
    const body = this.body(place, constraintsOnly ? undefined : (nullable ?? null));
    // A schema that only refers to another (`$ref` plus annotations): callers call the target directly.
    const only =
      body.length === 1
        ? /^if \(!(f[0-9]+|anyOk|yes|no)\(x, d\)\) return false;$/.exec(body[0] as string)
        : null;
    if (only) {
      const target = only[1] as string;
      this.functions[index] = `function ${name}(x, d) { return ${target}(x, d); }`;
      byMode.set(mode, target);
      return target;
    }
    this.functions[index] = `function ${name}(x, d) {\n${body.join("\n")}\nreturn true;\n}`;
    this.bodies.set(name, body);
    return name;
  }

  /** Statements checking `x` (at depth `d`) against one schema object; `guard` undefined: constraints only. */
  private body(place: Place, guard: boolean | null | undefined): string[] {
    const s = place.node as Json;
    for (const key of Object.keys(s)) {
      if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key) && !key.startsWith("x-"))
        throw new Unsupported(`keyword ${key}`);
    }
    const out: string[] = [];
    const guarded = guard !== undefined;
    const ref = s["$ref"];
    const branchKey = Array.isArray(s["anyOf"]) ? "anyOf" : Array.isArray(s["oneOf"]) ? "oneOf" : undefined;
    // The guard's shape comes from `$ref` first, then from the branches, then from `type`.
    const local = guarded && typeof ref !== "string" && branchKey === undefined;
    const summary = local ? this.summary(place) : undefined;
    const nullable = summary ? (guard ?? summary.nullable) : false;
    if (summary) out.push(...this.gate(summary, nullable));

    // Constraints that do not descend.
    // The guard's gate, derived from the same `type`, already implies it unless a union made it nullable.
    const implied = summary !== undefined && summary.kind !== "any" && (guard !== true || summary.nullable);
    if (s["type"] !== undefined) {
      const check = typeCheck(s["type"]); // also rejects type names ajv does not know
      if (!implied) out.push(`if (!(${check})) return false;`);
    }
    if (Array.isArray(s["enum"])) out.push(`if (!(${this.oneOfValues(s["enum"])})) return false;`);
    if ("const" in s) out.push(`if (!(${this.oneOfValues([s["const"]])})) return false;`);
    const strings = this.stringChecks(s);
    // After a gate that lets one JSON type through, the checks of that type need no test of it.
    const known = gateType(summary, nullable);
    const block = (type: string, test: string, lines: string[]) => {
      if (lines.length === 0) return;
      if (known === type) out.push("{", ...lines, "}");
      else if (known === undefined) out.push(`if (${test}) {`, ...lines, "}");
    };
    block("string", 'typeof x === "string"', strings);
    const numbers = this.numberChecks(s);
    block("number", 'typeof x === "number"', numbers);

    // Arrays and objects: one loop each over the children, guard and constraints together.
    const guardArray = summary?.kind === "array";
    const array = this.arrayChecks(place, guardArray);
    block("array", "Array.isArray(x)", array);
    const guardObject = summary?.kind === "object";
    const object = this.objectChecks(place, guardObject);
    if (guardObject && object.length > 0) out.push("if (x !== null) {", ...object, "}");
    else block("object", 'typeof x === "object" && x !== null && !Array.isArray(x)', object);
    // `not: {required}` holds for no value but objects (`required` ignores the rest).
    if (maskedNot(s)) out.push('if (typeof x !== "object" || x === null || Array.isArray(x)) return false;');

    if (typeof ref === "string") {
      const target = this.fn(this.deref(place, ref), guarded ? guard : undefined, !guarded);
      out.push(...this.require(target, "x", "d"));
    }
    out.push(...this.branches(place, guarded && typeof ref !== "string" ? guard : undefined));
    if (Array.isArray(s["allOf"])) {
      for (const sub of s["allOf"]) out.push(...this.require(this.constraints(place, sub), "x", "d"));
    }
    if (s["not"] !== undefined && !maskedNot(s))
      out.push(`if (${this.constraints(place, s["not"])}(x, d)) return false;`);
    if (s["if"] !== undefined) {
      const test = this.constraints(place, s["if"]);
      const then = s["then"] === undefined ? "yes" : this.constraints(place, s["then"]);
      const otherwise = s["else"] === undefined ? "yes" : this.constraints(place, s["else"]);
      out.push(`if (!(${test}(x, d) ? ${then}(x, d) : ${otherwise}(x, d))) return false;`);
    }
    return out;
  }

  /**
   * Statements failing unless `name(value, depth)` holds: the function's body inlined (in a block, with
   * `x` and `d` renamed when they differ) when it is complete and small, a call otherwise. Function calls
   * are most of the cost of a walk V8 cannot inline far enough by itself.
   */
  private require(name: string, value: string, depth: string): string[] {
    if (name === "yes") return [];
    if (name === "no") return ["return false;"];
    const body = this.bodies.get(name);
    if (!body || body.length > INLINE_LINES) return [`if (!${name}(${value}, ${depth})) return false;`];
    if (value === "x" && depth === "d") return ["{", ...body, "}"];
    const n = ++this.renames;
    return [
      "{",
      `const x${n} = ${value}, d${n} = ${depth};`,
      ...body.map((l) => rename(l, `x${n}`, `d${n}`)),
      "}",
    ];
  }

  private constraints(place: Place, node: Node): string {
    return this.fn({ ...place, node }, undefined, true);
  }

  /** The guard's type expectation for a node whose shape it defines itself (`type`, not `$ref`/union). */
  private gate(summary: Summary, nullable: boolean): string[] {
    const { maxDepth, maxArrayLength } = this.limits;
    const ifNull = `if (x === null) { if (!${nullable}) return false; }`;
    switch (summary.kind) {
      case "any":
        return ["if (!anyOk(x, d)) return false;"];
      case "scalar":
        return [`if (!(${scalarGate(summary, nullable)})) return false;`];
      case "object":
        return [
          `${ifNull} else if (typeof x !== "object" || Array.isArray(x) || d >= ${maxDepth}) return false;`,
        ];
      case "array":
        return [
          `${ifNull} else if (!Array.isArray(x) || x.length > ${maxArrayLength} || d >= ${maxDepth}) return false;`,
        ];
      case "union":
        throw new Error("unreachable: a union shape comes from branches");
    }
  }

  private oneOfValues(values: readonly unknown[]): string {
    const primitives = values.filter((v) => v === null || typeof v !== "object");
    const literals = primitives.map(literal); // also refuses non-finite numbers
    // Long lists (the names of a proto enum): one set lookup instead of a comparison per value. For
    // finite numbers, strings, booleans and null, `Set.has` finds exactly what `===` finds.
    const parts =
      primitives.length > ENUM_SET_MIN
        ? [`${this.constant(new Set(primitives))}.has(x)`]
        : literals.map((l) => `x === ${l}`);
    if (primitives.length < values.length) {
      const objects = this.constant(values.filter((v) => v !== null && typeof v === "object"));
      parts.push(`${objects}.some((v) => equal(x, v))`);
    }
    return parts.length > 0 ? parts.join(" || ") : "false";
  }

  private stringChecks(s: Json): string[] {
    const out: string[] = [];
    const min = s["minLength"];
    const max = s["maxLength"];
    // A string has between length/2 and length code points: count them only when that range is unclear.
    if (typeof min === "number")
      out.push(`if (x.length < ${2 * min} && (x.length < ${min} || ucs2length(x) < ${min})) return false;`);
    if (typeof max === "number")
      out.push(
        `if (x.length > ${max} && (x.length > ${2 * max + 1} || ucs2length(x) > ${max})) return false;`,
      );
    const pattern = s["pattern"];
    const format = s["format"];
    // google.protobuf.Timestamp: its pattern and ajv's date-time format in one read of the string.
    if (pattern === TIMESTAMP && format === "date-time") {
      // Exactly the walk's rule (the pattern, the day of its month, the range after the offset).
      out.push(`if (!${this.constant(isProtoTimestamp)}(x)) return false;`);
      return out;
    }
    if (pattern === TIMESTAMP_V1 && format === "date-time") {
      const full = formatCheck("date-time").test as (v: string) => boolean;
      out.push(`if (!${this.constant(timestampDateTime(full))}(x)) return false;`);
      return out;
    }
    if (typeof pattern === "string") {
      const re = new RegExp(pattern, "u"); // also rejects a pattern ajv would not compile
      const inline = INLINE_PATTERNS.get(pattern);
      if (inline) out.push(inline);
      else {
        const test = KNOWN_PATTERNS.get(pattern) ?? simplePattern(pattern) ?? ((v: string) => re.test(v));
        out.push(`if (!${this.constant(test)}(x)) return false;`);
      }
    }
    if (typeof format === "string") {
      const check = formatCheck(format);
      if (check.type === "string") out.push(`if (!${this.constant(check.test)}(x)) return false;`);
    }
    return out;
  }

  private numberChecks(s: Json): string[] {
    const out: string[] = [];
    const bound = (key: string, op: string) => {
      const v = s[key];
      if (typeof v === "number") out.push(`if (!(x ${op} ${literal(v)})) return false;`);
      else if (v !== undefined) throw new Unsupported(`${key} that is not a number`);
    };
    bound("minimum", ">=");
    bound("maximum", "<=");
    bound("exclusiveMinimum", ">");
    bound("exclusiveMaximum", "<");
    const m = s["multipleOf"];
    if (typeof m === "number")
      out.push(`{ const r = x / ${literal(m)}; if (r !== parseInt(r)) return false; }`);
    const format = s["format"];
    if (typeof format === "string") {
      const check = formatCheck(format);
      if (check.type === "number") out.push(`if (!${this.constant(check.test)}(x)) return false;`);
    }
    return out;
  }

  private arrayChecks(place: Place, guard: boolean): string[] {
    const s = place.node as Json;
    const out: string[] = [];
    if (typeof s["minItems"] === "number") out.push(`if (x.length < ${s["minItems"]}) return false;`);
    if (typeof s["maxItems"] === "number") out.push(`if (x.length > ${s["maxItems"]}) return false;`);
    if (Array.isArray(s["items"])) throw new Unsupported("items as a list of schemas");
    const items = s["items"] !== undefined ? { ...place, node: s["items"] } : undefined;
    const item = guard
      ? this.fn(items ?? { ...place, node: true }, null)
      : items
        ? this.fn(items, undefined, true)
        : undefined;
    if (item !== undefined && item !== "yes") {
      out.push(
        "for (let i = 0; i < x.length; i++) {",
        "const y = x[i];",
        "if (y === undefined) return false;",
        ...this.require(item, "y", "d + 1"),
        "}",
      );
    }
    if (s["uniqueItems"] === true) {
      out.push("if (!unique(x)) return false;");
      if (!this.functions.includes(UNIQUE)) this.functions.push(UNIQUE);
    }
    return out;
  }

  private objectChecks(place: Place, guard: boolean): string[] {
    const s = place.node as Json;
    const props = isObject(s["properties"]) ? s["properties"] : {};
    const names = Object.keys(props);
    const required = Array.isArray(s["required"]) ? [...new Set(s["required"] as string[])] : [];
    const ap = s["additionalProperties"];
    const propertyNames = s["propertyNames"];
    const minProps = s["minProperties"];
    const maxProps = s["maxProperties"];
    const counting = typeof minProps === "number" || typeof maxProps === "number";
    const groups = maskedNot(s);
    const loop =
      guard || names.length > 0 || ap !== undefined || propertyNames !== undefined || counting || groups;
    const out: string[] = [];
    // Properties named in `not: {required}` groups get a bit each, set when the loop meets them.
    const bits = new Map<string, number>();
    for (const name of (groups ?? []).flat()) if (!bits.has(name)) bits.set(name, 1 << bits.size);
    // A closed object (no other keys allowed) whose names are not inherited from Object.prototype:
    // read the declared properties directly and compare their count with the count of keys.
    const direct =
      ap === false &&
      propertyNames === undefined &&
      names.length > 0 &&
      names.every((n) => !(n in Object.prototype) && n !== "__proto__");
    if (loop && direct) {
      const requiredInProps = new Set(required.filter((r) => names.includes(r)));
      out.push("let n = 0;", "for (const k in x) n++;", "let p = 0;");
      if (groups) out.push("let m = 0;");
      for (const name of names) {
        const child = this.fn({ ...place, node: props[name] }, guard ? null : undefined, !guard);
        const bit = bits.has(name) ? ` m |= ${bits.get(name)};` : "";
        out.push(
          `{ const y = x[${literal(name)}];`,
          `if (y !== undefined) { p++;${bit}`,
          ...this.require(child, "y", "d + 1"),
          `}${requiredInProps.has(name) ? " else return false;" : ""} }`,
        );
      }
      // An unknown key (or one the guard forbids) makes the counts differ.
      out.push("if (p !== n) return false;");
      if (counting) out.push("const c = n;");
      for (const group of groups ?? []) {
        const mask = group.reduce((acc, name) => acc | (bits.get(name) as number), 0);
        out.push(`if ((m & ${mask}) === ${mask}) return false;`);
      }
    } else if (loop) {
      const requiredInProps = required.filter((r) => names.includes(r));
      if (requiredInProps.length > 0) out.push("let r = 0;");
      if (groups) out.push("let m = 0;");
      if (counting) out.push("let c = 0;");
      out.push("for (const k in x) {", "const y = x[k];", "if (y === undefined) return false;");
      if (counting) out.push("c++;");
      if (propertyNames !== undefined)
        out.push(`if (!${this.constraints(place, propertyNames)}(k, d)) return false;`);
      const cases: string[] = [];
      for (const name of names) {
        const child = this.fn({ ...place, node: props[name] }, guard ? null : undefined, !guard);
        const count = `${requiredInProps.includes(name) ? " r++;" : ""}${bits.has(name) ? ` m |= ${bits.get(name)};` : ""}`;
        if (child === "yes" && count === "") cases.push(`case ${literal(name)}: break;`);
        else cases.push(`case ${literal(name)}:`, ...this.require(child, "y", "d + 1"), `${count} break;`);
      }
      const extra: string[] = [];
      if (guard) extra.push("if (bad(k)) return false;");
      if (ap === false) extra.push("return false;");
      else if (ap !== undefined && ap !== true) {
        const fn = this.fn({ ...place, node: ap }, guard ? null : undefined, !guard);
        extra.push(...this.require(fn, "y", "d + 1"));
      } else if (guard) extra.push("if (!anyOk(y, d + 1)) return false;");
      if (cases.length > 0) out.push("switch (k) {", ...cases, "default:", ...extra, "}");
      else out.push(...extra);
      out.push("}");
      if (requiredInProps.length > 0) out.push(`if (r !== ${requiredInProps.length}) return false;`);
      for (const group of groups ?? []) {
        const mask = group.reduce((acc, name) => acc | (bits.get(name) as number), 0);
        out.push(`if ((m & ${mask}) === ${mask}) return false;`);
      }
    }
    for (const name of required.filter((r) => !names.includes(r)))
      out.push(`if (!Object.hasOwn(x, ${literal(name)})) return false;`);
    if (typeof minProps === "number") out.push(`if (c < ${minProps}) return false;`);
    if (typeof maxProps === "number") out.push(`if (c > ${maxProps}) return false;`);
    const dependent = s["dependentRequired"];
    if (isObject(dependent)) {
      for (const [name, deps] of Object.entries(dependent)) {
        if (!Array.isArray(deps)) throw new Unsupported("dependentRequired");
        const all = deps.map((dep) => `Object.hasOwn(x, ${literal(dep)})`).join(" && ") || "true";
        out.push(`if (Object.hasOwn(x, ${literal(name)}) && !(${all})) return false;`);
      }
    }
    return out;
  }

  /**
   * `anyOf`, `oneOf` and `discriminator`. With the guard (`guard` not undefined), the branches of the
   * keyword the planner reads (`anyOf`, else `oneOf`) also carry the guard the way `ShapePlanner.union`
   * and `pickBranch` do.
   */
  private branches(place: Place, guard: boolean | null | undefined): string[] {
    const s = place.node as Json;
    const out: string[] = [];
    const planned = Array.isArray(s["anyOf"]) ? "anyOf" : Array.isArray(s["oneOf"]) ? "oneOf" : undefined;
    const discriminator = this.discriminator(place);
    for (const key of ["anyOf", "oneOf"] as const) {
      const list = s[key];
      if (!Array.isArray(list)) continue;
      // ajv checks a oneOf with a discriminator by the tag alone.
      const useTag = key === "oneOf" && discriminator !== undefined;
      const constraintsOnly = () => {
        if (useTag) return [`if (!${discriminator.check}) return false;`];
        const fns = list.map((b) => `${this.constraints(place, b)}(x, d)`);
        return key === "anyOf"
          ? [`if (!(${fns.join(" || ")})) return false;`]
          : [`if (((${fns.join(" ? 1 : 0) + (")} ? 1 : 0)) !== 1) return false;`];
      };
      if (guard === undefined || key !== planned) {
        out.push(...constraintsOnly());
        continue;
      }
      const plan = this.unionPlan(place, list, 0);
      const nullable = guard ?? (plan.mode === "scalar" ? plan.summary.nullable : plan.nullable);
      switch (plan.mode) {
        case "single": {
          const only = this.fn({ ...place, node: list[plan.index] }, nullable);
          // Every other branch accepts only null: for anything else this branch must hold alone.
          out.push(
            `if (x === null) { if (!${nullable}) return false;`,
            ...constraintsOnly(),
            "} else {",
            ...this.require(only, "x", "d"),
            "}",
          );
          if (useTag) out.push(`if (x !== null && !${discriminator.check}) return false;`);
          break;
        }
        case "scalar":
          out.push(`if (!(${scalarGate(plan.summary, nullable)})) return false;`, ...constraintsOnly());
          break;
        case "objects": {
          const keys = plan.indexes.map((i) => this.branchKeys({ ...place, node: list[i] }));
          const sets = this.constant(keys.map((k) => new Set(k)));
          const fused = plan.indexes.map((i) => this.fn({ ...place, node: list[i] }, null));
          const cases = plan.indexes.map(
            (branch, j) =>
              `case ${j}: if (!${fused[j]}(x, d)) return false;${
                useTag
                  ? ` if (${discriminator.index} !== ${branch}) return false;`
                  : key === "oneOf"
                    ? ` if (${list
                        .map((b, i) => (i === branch ? "" : `${this.constraints(place, b)}(x, d)`))
                        .filter((c) => c !== "")
                        .join(" || ")}) return false;`
                    : ""
              } break;`,
          );
          out.push(
            `if (x === null) { if (!${nullable}) return false;`,
            ...constraintsOnly(),
            '} else if (typeof x !== "object" || Array.isArray(x)) return false;',
            `else switch (pick(x, ${sets})) {`,
            ...cases,
            "}",
          );
          break;
        }
        case "any":
          out.push("if (!anyOk(x, d)) return false;", ...constraintsOnly());
          break;
      }
    }
    return out;
  }

  /** ajv's discriminator: the branch index by tag value, and the constraint check through it. */
  private discriminator(place: Place): { check: string; index: string } | undefined {
    const s = place.node as Json;
    const d = s["discriminator"];
    if (d === undefined) return undefined;
    const list = s["oneOf"];
    if (
      !isObject(d) ||
      typeof d["propertyName"] !== "string" ||
      d["mapping"] !== undefined ||
      !Array.isArray(list)
    )
      throw new Unsupported("discriminator");
    const tag = d["propertyName"];
    const mapping = new Map<string, number>();
    list.forEach((branch, i) => {
      let p: Place = { ...place, node: branch };
      if (isObject(branch) && typeof branch["$ref"] === "string") p = this.deref(p, branch["$ref"]);
      const props = isObject(p.node) && isObject(p.node["properties"]) ? p.node["properties"] : undefined;
      const prop = props?.[tag];
      if (!isObject(prop)) throw new Unsupported("discriminator without a tag property");
      const values =
        "const" in prop ? [prop["const"]] : Array.isArray(prop["enum"]) ? prop["enum"] : undefined;
      if (!values) throw new Unsupported("discriminator tag without const or enum");
      for (const v of values) if (typeof v === "string" && !mapping.has(v)) mapping.set(v, i);
    });
    const map = this.constant(mapping);
    const fns = list.map((b) => this.constraints(place, b));
    // ajv applies the discriminator to objects only; anything else fails here (the slow path decides).
    const index = `(typeof x === "object" && x !== null && typeof x[${literal(tag)}] === "string" ? (${map}.get(x[${literal(tag)}]) ?? -1) : -1)`;
    const check = `((i) => ${fns.map((f, i) => `i === ${i} ? ${f}(x, d) : `).join("")}false)(${index})`;
    return { check, index };
  }
}

/**
 * The groups of a `not` made only of `required` (`not: {required: [a, b]}` or `not: {anyOf: [{required:
 * …}, …]}`, how wire schemas forbid a field spelt twice) whose names are all declared properties: the
 * object loop checks them with a bit per property instead of a lookup per name. Undefined otherwise.
 */
function maskedNot(s: Json): string[][] | undefined {
  const not = s["not"];
  const props = s["properties"];
  if (!isObject(not) || !isObject(props)) return undefined;
  const onlyRequired = (n: unknown): string[] | undefined => {
    if (!isObject(n) || !Array.isArray(n["required"])) return undefined;
    if (Object.keys(n).some((k) => k !== "required" && !ANNOTATIONS.has(k))) return undefined;
    const names = n["required"] as unknown[];
    return names.length > 0 && names.every((r) => typeof r === "string" && Object.hasOwn(props, r))
      ? (names as string[])
      : undefined;
  };
  let groups: (string[] | undefined)[];
  if (Array.isArray(not["anyOf"]) && Object.keys(not).every((k) => k === "anyOf" || ANNOTATIONS.has(k)))
    groups = (not["anyOf"] as unknown[]).map(onlyRequired);
  else groups = [onlyRequired(not)];
  if (groups.length === 0 || groups.some((g) => g === undefined)) return undefined;
  const names = new Set((groups as string[][]).flat());
  return names.size <= 30 ? (groups as string[][]) : undefined;
}

const UNIQUE = `function unique(a) {
  for (let i = 1; i < a.length; i++) for (let j = 0; j < i; j++) if (equal(a[i], a[j])) return false;
  return true;
}`;

/** The guard of a scalar shape (`Walk.leafOk` and `Walk.scalar` on a fast parse, exactly or stricter). */
function scalarGate(s: ScalarSummary, nullable: boolean): string {
  const parts: string[] = [];
  if (nullable) parts.push("x === null");
  if (s.string) parts.push('(typeof x === "string" && (!U || x.isWellFormed()))');
  if (s.number)
    parts.push(
      '(typeof x === "number" && Number.isFinite(x) && (!Number.isInteger(x) || Number.isSafeInteger(x)))',
    );
  else if (s.integer) parts.push("Number.isSafeInteger(x)"); // false for anything but a number
  if (s.boolean) parts.push('typeof x === "boolean"');
  return parts.length > 0 ? parts.join(" || ") : "false";
}

/** The one JSON type a gate lets through (`string`, `number`, `object`…), or undefined. */
function gateType(summary: Summary | undefined, nullable: boolean): string | undefined {
  if (summary === undefined || nullable) return undefined;
  if (summary.kind === "object" || summary.kind === "array") return summary.kind;
  if (summary.kind !== "scalar") return undefined;
  const types = [
    summary.string ? "string" : "",
    summary.number || summary.integer ? "number" : "",
    summary.boolean ? "boolean" : "",
  ].filter((t) => t !== "");
  return types.length === 1 ? types[0] : undefined;
}

/** ajv's `type` keyword (strictNumbers: numbers are finite). */
function typeCheck(type: unknown): string {
  const list = Array.isArray(type) ? type : [type];
  const parts = list.map((t) => {
    switch (t) {
      case "string":
        return 'typeof x === "string"';
      case "number":
        return 'typeof x === "number" && Number.isFinite(x)';
      case "integer":
        return 'typeof x === "number" && Number.isInteger(x)';
      case "boolean":
        return 'typeof x === "boolean"';
      case "null":
        return "x === null";
      case "object":
        return 'typeof x === "object" && x !== null && !Array.isArray(x)';
      case "array":
        return "Array.isArray(x)";
      default:
        throw new Unsupported(`type ${String(t)}`);
    }
  });
  return parts.map((p) => `(${p})`).join(" || ");
}

/** A format check of ajv-formats (full mode), and the JSON type it applies to. */
function formatCheck(name: string): { type: "string" | "number"; test: (v: never) => boolean } {
  const f = (fullFormats as Record<string, unknown>)[name];
  if (name === "date-time" && isObject(f) && typeof f["validate"] === "function")
    return { type: "string", test: fastDateTime(f["validate"] as (v: string) => boolean) };
  if (name === "uuid" && f instanceof RegExp) return { type: "string", test: fastUuid(f) };
  if (name === "email" && f instanceof RegExp && f.source === FULL_EMAIL)
    return { type: "string", test: fastEmail };
  if (f === true) return { type: "string", test: () => true }; // ajv-formats: any string is valid
  if (f instanceof RegExp) return { type: "string", test: (v: string) => f.test(v) };
  if (typeof f === "function") return { type: "string", test: f as (v: never) => boolean };
  if (isObject(f)) {
    if (f["async"] === true) throw new Unsupported(`async format ${name}`);
    const validate = f["validate"];
    const type = f["type"] === "number" ? "number" : "string";
    if (validate instanceof RegExp) return { type, test: (v: string) => validate.test(v) };
    if (typeof validate === "function") return { type, test: validate as (v: never) => boolean };
  }
  throw new Unsupported(`format ${name}`);
}

/**
 * `anyOk(x, d)`: the guard of an `any` shape (forbidden keys, well-formed strings, limits); `exactOk`
 * the same for an Any's payload, where an integer beyond ±2^53 is not accepted (the walk reports it).
 */
function anyOkSource(
  limits: { readonly maxDepth: number; readonly maxArrayLength: number },
  name: "anyOk" | "exactOk" = "anyOk",
): string {
  const number =
    name === "anyOk"
      ? "Number.isFinite(x)"
      : "Number.isFinite(x) && (!Number.isInteger(x) || Number.isSafeInteger(x))";
  return `function ${name}(x, d) {
  switch (typeof x) {
    case "string": return !U || x.isWellFormed();
    case "number": return ${number};
    case "boolean": return true;
    case "object": {
      if (x === null) return true;
      if (d >= ${limits.maxDepth}) return false;
      if (Array.isArray(x)) {
        if (x.length > ${limits.maxArrayLength}) return false;
        for (let i = 0; i < x.length; i++) if (x[i] === undefined || !${name}(x[i], d + 1)) return false;
        return true;
      }
      for (const k in x) if (bad(k) || x[k] === undefined || !${name}(x[k], d + 1)) return false;
      return true;
    }
    default: return false;
  }
}`;
}

/**
 * `anyMessageOk(x, d)`: a google.protobuf.Any as the guard walk accepts it — an object whose `@type`
 * is a string with a `/`, whose other keys hold payloads (`exactOk`), and which has `value` when the
 * type is a well-known type carried under it (acceptance rule any_without_value).
 */
function anyMessageSource(limits: { readonly maxDepth: number }): string {
  return `const ANY_VALUE_TYPE = ${ANY_VALUE_TYPE.toString()};
const ANY_DOUBLE_TYPE = ${ANY_DOUBLE_TYPE.toString()};
function anyMessageOk(x, d) {
  if (typeof x !== "object" || x === null || Array.isArray(x) || d >= ${limits.maxDepth}) return false;
  const t = x["@type"];
  const payloadOk = typeof t === "string" && ANY_DOUBLE_TYPE.test(t) ? anyOk : exactOk;
  for (const k in x) {
    const y = x[k];
    if (y === undefined || bad(k)) return false;
    if (k === "@type") { if (typeof y !== "string" || !y.includes("/") || (U && !y.isWellFormed())) return false; }
    else if (!payloadOk(y, d + 1)) return false;
  }
  return !(typeof t === "string" && ANY_VALUE_TYPE.test(t) && !("value" in x));
}
function anyMessageOrNull(x, d) { return x === null || anyMessageOk(x, d); }`;
}

/** `pick(x, sets)`: the union branch whose properties match most keys, the first on a tie (`pickBranch`). */
function pickSource(): string {
  return `function pick(x, sets) {
  let best = 0, bestScore = -1;
  for (let b = 0; b < sets.length; b++) {
    const set = sets[b];
    let score = 0;
    for (const k in x) if (set.has(k)) score++;
    if (score > bestScore) { best = b; bestScore = score; }
  }
  return best;
}`;
}

function literal(v: unknown): string {
  if (typeof v === "number" && !Number.isFinite(v)) throw new Unsupported("non-finite number");
  return JSON.stringify(v);
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Whether the characters of `s` from `from` to `to` (exclusive) are ASCII digits. */
function digits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** `^-?(0|[1-9][0-9]*)$` (ProtoJSON signed integers as strings) without a regexp. */
function signedInteger(s: string): boolean {
  const start = s.charCodeAt(0) === 45 ? 1 : 0;
  return unsignedFrom(s, start);
}

/** `^(0|[1-9][0-9]*)$` without a regexp. */
function unsignedInteger(s: string): boolean {
  return unsignedFrom(s, 0);
}

function unsignedFrom(s: string, start: number): boolean {
  const n = s.length - start;
  if (n <= 0) return false;
  if (s.charCodeAt(start) === 48) return n === 1;
  return digits(s, start, s.length);
}

/**
 * `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$`
 * (google.protobuf.Timestamp) without a regexp.
 */
function timestamp(s: string): boolean {
  const n = s.length;
  if (
    n < 20 ||
    !digits(s, 0, 4) ||
    s.charCodeAt(4) !== 45 ||
    !digits(s, 5, 7) ||
    s.charCodeAt(7) !== 45 ||
    !digits(s, 8, 10) ||
    s.charCodeAt(10) !== 84 ||
    !digits(s, 11, 13) ||
    s.charCodeAt(13) !== 58 ||
    !digits(s, 14, 16) ||
    s.charCodeAt(16) !== 58 ||
    !digits(s, 17, 19)
  )
    return false;
  let i = 19;
  if (s.charCodeAt(i) === 46) {
    const from = ++i;
    while (i < n && i - from < 10 && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === from || i - from > 9) return false;
  }
  const zone = s.charCodeAt(i);
  if (zone === 90) return i + 1 === n;
  return (
    (zone === 43 || zone === 45) &&
    i + 6 === n &&
    digits(s, i + 1, i + 3) &&
    s.charCodeAt(i + 3) === 58 &&
    digits(s, i + 4, i + 6)
  );
}

/** Statements checking `x` against `^(0|[1-9][0-9]*)$` from index `i` (after an optional `-`). */
const INLINE_DIGITS =
  "const n = x.length; if (i >= n) return false; if (x.charCodeAt(i) === 48) { if (n !== i + 1) return false; } " +
  "else for (; i < n; i++) { const c = x.charCodeAt(i); if (c < 48 || c > 57) return false; }";

/**
 * The integer patterns of ProtoJSON (64-bit integers as strings, on every int64 field) as statements
 * in the generated code: no call, no regexp, exactly the same strings accepted.
 */
const INLINE_PATTERNS: ReadonlyMap<string, string> = new Map([
  ["^-?(0|[1-9][0-9]*)$", `{ let i = x.charCodeAt(0) === 45 ? 1 : 0; ${INLINE_DIGITS} }`],
  ["^(0|[1-9][0-9]*)$", `{ let i = 0; ${INLINE_DIGITS} }`],
]);

/**
 * The pattern of google.protobuf.Timestamp in the wire schemas (codegen/wire/protojson.ts): years
 * 0001-9999, hours 00-23, minutes and seconds 00-59, offsets up to ±23:59, upper-case T and Z.
 */
const TIMESTAMP =
  "^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])" +
  "T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";
/** The Timestamp pattern of wire schemas generated before the one above (still read). */
const TIMESTAMP_V1 =
  "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$";

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Reads `YYYY-MM-DDThh:mm:ss[.f](Z|±hh:mm)` with 1 to `maxFraction` fraction digits: `SHAPE` when `s`
 * has another shape; otherwise `VALID`, `INVALID` (a date, month or zone out of range), or `TIME` when
 * the time is out of range (a leap second or an invalid time, which ajv-formats decides).
 */
function rfc3339(s: string, maxFraction: number): number {
  const n = s.length;
  if (n < 20) return SHAPE;
  const y1 = twoDigits(s, 0);
  const y2 = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  const second = twoDigits(s, 17);
  if (
    y1 < 0 ||
    y2 < 0 ||
    month < 0 ||
    day < 0 ||
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  )
    return SHAPE;
  let i = 19;
  if (s.charCodeAt(i) === 46) {
    const from = ++i;
    while (i < n && i - from <= maxFraction && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === from || i - from > maxFraction) return SHAPE;
  }
  const zone = s.charCodeAt(i);
  let zoneInRange = true;
  if (zone === 90) {
    if (i + 1 !== n) return SHAPE;
  } else {
    if ((zone !== 43 && zone !== 45) || i + 6 !== n || s.charCodeAt(i + 3) !== 58) return SHAPE;
    const tzHour = twoDigits(s, i + 1);
    const tzMinute = twoDigits(s, i + 4);
    if (tzHour < 0 || tzMinute < 0) return SHAPE;
    zoneInRange = tzHour <= 23 && tzMinute <= 59;
  }
  const year = y1 * 100 + y2;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (
    !zoneInRange ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > (month === 2 && leap ? 29 : (DAYS[month] as number))
  )
    return INVALID;
  return hour <= 23 && minute <= 59 && second < 60 ? VALID : TIME;
}

const SHAPE = -1;
const INVALID = 0;
const VALID = 1;
const TIME = 2;

/** The Timestamp pattern alone (without the format): {@link TIMESTAMP} without a regexp. */
function protoTimestampPattern(s: string): boolean {
  if (!timestamp(s)) return false;
  const year = twoDigits(s, 0) * 100 + twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const n = s.length;
  const zoneOk = s.charCodeAt(n - 1) === 90 || (twoDigits(s, n - 5) <= 23 && twoDigits(s, n - 2) <= 59);
  return (
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31 &&
    twoDigits(s, 11) <= 23 &&
    twoDigits(s, 14) <= 59 &&
    twoDigits(s, 17) <= 59 &&
    zoneOk
  );
}

/** `timestamp(s) && full(s)` (the earlier Timestamp pattern and ajv-formats' date-time) in one read. */
function timestampDateTime(full: (s: string) => boolean): (s: string) => boolean {
  return (s) => {
    const r = rfc3339(s, 9);
    return r === VALID || (r === TIME && full(s));
  };
}

/**
 * ajv-formats' `date-time` (full mode), read without allocating for the common shape; any other shape
 * (lower-case or space separators, `±hhmm`, no zone…) and out-of-range times go to ajv-formats' own
 * function, so the answer is always exactly ajv's.
 */
function fastDateTime(full: (s: string) => boolean): (s: string) => boolean {
  return (s) => {
    const r = rfc3339(s, Number.POSITIVE_INFINITY);
    return r === VALID || (r !== INVALID && full(s));
  };
}

/** Patterns of the wire schemas checked by hand-written code accepting exactly the same strings. */
const KNOWN_PATTERNS: ReadonlyMap<string, (s: string) => boolean> = new Map([
  ["^-?(0|[1-9][0-9]*)$", signedInteger],
  ["^(0|[1-9][0-9]*)$", unsignedInteger],
  [TIMESTAMP, protoTimestampPattern],
  [TIMESTAMP_V1, timestamp],
]);

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether `c` is an ASCII hex digit. */
function hex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** ajv-formats' `uuid` for the plain 36-character form without a regexp; other lengths go to `full`. */
function fastUuid(full: RegExp): (s: string) => boolean {
  return (s) => {
    if (s.length !== 36) return full.test(s);
    for (let i = 0; i < 36; i++) {
      const c = s.charCodeAt(i);
      if (i === 8 || i === 13 || i === 18 || i === 23 ? c !== 45 : !hex(c)) return false;
    }
    return true;
  };
}

/** One atom of a simple pattern: a set of ASCII characters repeated between `min` and `max` times. */
interface Atom {
  readonly set: Uint8Array;
  readonly min: number;
  readonly max: number;
}

/** Characters that stand for themselves after a backslash in a simple pattern. */
const ESCAPABLE = "+-.*?()[]{}|^$\\/_";
/** Characters that stand for themselves outside a class in a simple pattern. */
const LITERAL = /^[A-Za-z0-9 _:@#%&=,;'"<>!~`/-]$/;

/**
 * A check without a regexp for anchored patterns made of ASCII characters and classes with counts
 * (`^[A-Z]{3}$`, `^[A-Za-z0-9_-]+$`, `^\+[1-9][0-9]{6,14}$`): read greedily, they need no backtracking
 * when every atom of variable count is followed by the end or by an atom it shares no character with,
 * and then they accept exactly what the regexp accepts. Undefined for any other pattern.
 */
export function simplePattern(pattern: string): ((s: string) => boolean) | undefined {
  if (!pattern.startsWith("^") || !pattern.endsWith("$") || pattern.endsWith("\\$")) return undefined;
  const atoms: Atom[] = [];
  const end = pattern.length - 1;
  const escaped = (c: string | undefined) =>
    c !== undefined && c !== "" && ESCAPABLE.includes(c) ? c.charCodeAt(0) : undefined;
  let i = 1;
  while (i < end) {
    const set = new Uint8Array(128);
    const c = pattern[i] as string;
    if (c === "[") {
      i++;
      if (pattern[i] === "^" || pattern[i] === "]") return undefined;
      while (i < end && pattern[i] !== "]") {
        let from: number | undefined;
        if (pattern[i] === "\\") {
          from = escaped(pattern[i + 1]);
          i += 2;
        } else if (pattern[i] === "[") return undefined;
        else from = pattern.charCodeAt(i++);
        if (from === undefined || from > 127) return undefined;
        if (pattern[i] === "-" && i + 1 < end && pattern[i + 1] !== "]") {
          const to = pattern.charCodeAt(i + 1);
          if (pattern[i + 1] === "\\" || pattern[i + 1] === "[" || to > 127 || to < from) return undefined;
          for (let k = from; k <= to; k++) set[k] = 1;
          i += 2;
        } else set[from] = 1;
      }
      if (pattern[i] !== "]") return undefined;
      i++;
    } else if (c === "\\") {
      const e = escaped(pattern[i + 1]);
      if (e === undefined) return undefined;
      set[e] = 1;
      i += 2;
    } else if (LITERAL.test(c)) {
      set[c.charCodeAt(0)] = 1;
      i++;
    } else return undefined;
    let min = 1;
    let max = 1;
    const q = pattern[i];
    if (q === "+") [min, max, i] = [1, Number.POSITIVE_INFINITY, i + 1];
    else if (q === "*") [min, max, i] = [0, Number.POSITIVE_INFINITY, i + 1];
    else if (q === "?") [min, max, i] = [0, 1, i + 1];
    else if (q === "{") {
      const m = /^\{([0-9]{1,4})(,([0-9]{0,4}))?\}/.exec(pattern.slice(i, end));
      if (!m) return undefined;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
      if (max < min) return undefined;
      i += m[0].length;
    }
    const after = pattern[i];
    if (i < end && (after === "?" || after === "+" || after === "*" || after === "{")) return undefined;
    atoms.push({ set, min, max });
  }
  if (i !== end) return undefined;
  for (let k = 0; k < atoms.length - 1; k++) {
    const a = atoms[k] as Atom;
    const b = atoms[k + 1] as Atom;
    if (a.min !== a.max && a.set.some((v, ch) => v === 1 && b.set[ch] === 1)) return undefined;
  }
  return (s) => {
    let pos = 0;
    for (const atom of atoms) {
      let n = 0;
      while (n < atom.max && pos < s.length) {
        const ch = s.charCodeAt(pos);
        if (ch > 127 || atom.set[ch] !== 1) break;
        pos++;
        n++;
      }
      if (n < atom.min) return false;
    }
    return pos === s.length;
  };
}

/** `enum`/`const` lists longer than this are checked with a set lookup. */
const ENUM_SET_MIN = 8;

/** Bodies longer than this (in lines) are called, not inlined. */
const INLINE_LINES = 60;

/** `line` with the identifiers `x` and `d` renamed, outside string literals. */
function rename(line: string, x: string, d: string): string {
  return line
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\bx\b/g, x).replace(/\bd\b/g, d)))
    .join("");
}

/** ajv-formats' `email` in full mode (the `i` flag makes the classes case-insensitive). */
const FULL_EMAIL =
  "^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$";

/** Characters of the local part of an address (the class of {@link FULL_EMAIL}), by code. */
const LOCAL = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-")
  LOCAL[c.charCodeAt(0)] = 1;

function alnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/**
 * {@link FULL_EMAIL} without a regexp: dot-separated runs of the local characters, `@`, then at least
 * two dot-separated labels of letters, digits and inner hyphens. (Outside unicode mode, `i` matches no
 * character above U+007F to an ASCII letter, so the language is ASCII only.)
 */
function fastEmail(s: string): boolean {
  const at = s.indexOf("@");
  if (at <= 0) return false;
  let run = 0;
  for (let i = 0; i < at; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (run === 0) return false;
      run = 0;
    } else if (c < 128 && LOCAL[c] === 1) run++;
    else return false;
  }
  if (run === 0) return false;
  let labels = 0;
  let length = 0;
  let last = 0;
  for (let i = at + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (length === 0 || last === 45) return false;
      labels++;
      length = 0;
    } else if (alnum(c) || (c === 45 && length > 0)) {
      length++;
      last = c;
    } else return false;
  }
  return length > 0 && last !== 45 && labels >= 1;
}
