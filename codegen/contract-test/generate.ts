/**
 * Requests generated from the wire schemas: a minimal and a full valid request, one variant per
 * systematic change (boundary values, absent, null and empty values, every enum value and oneof branch,
 * empty maps and lists — the shapes PHP encoders get wrong), seeded random requests, and invalid
 * requests every implementation must reject. Candidates are kept only when ajv agrees with their label
 * (a valid one validates, an invalid one does not), so a schema feature the generator does not know
 * costs cases, never false failures.
 */
import type { JsonSchema } from "../wire/index.js";
import type { Rng } from "./rng.js";
import { branchesOf, type Node, type SchemaIndex, typesOf } from "./schema-walk.js";

/** A generated request and what it varies. */
export interface GeneratedRequest {
  /** What was varied (`/labels: empty map`, `minimal`). */
  readonly label: string;
  readonly value: unknown;
}

const ABSENT = Symbol("absent");
type Mutation = { readonly label: string; readonly value: unknown };
const MAX_DEPTH = 4;

const STRING_CANDIDATES = [
  "abc",
  "a",
  "abcdefgh",
  "ABC",
  "a1",
  "abc-123",
  "12345678",
  "x_y",
  "1",
  "A1b2C3d4",
];

/** Whether a property is ProtoJSON's second name of another (`user_id` → `#/properties/userId`). */
function isAlias(schema: unknown): boolean {
  if (schema === null || typeof schema !== "object") return false;
  const keys = Object.keys(schema);
  const ref = (schema as Record<string, unknown>)["$ref"];
  return keys.length === 1 && typeof ref === "string" && ref.startsWith("#/properties/");
}

function isNullSchema(schema: unknown): boolean {
  return (
    schema !== null && typeof schema === "object" && (schema as Record<string, unknown>)["type"] === "null"
  );
}

/** Generates values for one wire schema. */
export class RequestGenerator {
  constructor(
    private readonly index: SchemaIndex,
    private readonly rng: Rng,
  ) {}

  /**
   * The value schema of a nullable wrapper (`anyOf: [{type: null}, X]`, the ProtoJSON form of every
   * field), or undefined when `node` is not one.
   */
  private nullableInner(node: Node): Node | undefined {
    const s = node.schema;
    if (typesOf(s).length > 0) return undefined;
    const branches = branchesOf(s);
    const nonNull = branches.filter((b) => !isNullSchema(b));
    if (branches.length !== 2 || nonNull.length !== 1) return undefined;
    const inner = this.index.child(node, nonNull[0]);
    const { anyOf: _a, oneOf: _o, description: _d, ...rest } = s;
    return Object.keys(rest).length > 0 ? { schema: { ...rest, ...inner.schema }, doc: inner.doc } : inner;
  }

  /** A typical valid value: required properties only (`full` false) or every property (`full` true). */
  sample(node: Node, full: boolean, depth = 0): unknown {
    const inner = this.nullableInner(node);
    if (inner) return this.sample(inner, full, depth);
    const s = node.schema;
    if ("const" in s) return s["const"];
    if (Array.isArray(s["examples"]) && s["examples"].length > 0 && depth > 0) return s["examples"][0];
    if (Array.isArray(s["enum"]) && s["enum"].length > 0)
      return s["enum"].find((v) => v !== null) ?? s["enum"][0];
    const branches = branchesOf(s);
    if (branches.length > 0 && typesOf(s).length === 0)
      return this.sample(
        this.index.child(node, branches.find((b) => !isNullSchema(b)) ?? branches[0]),
        full,
        depth + 1,
      );
    const types = typesOf(s).filter((t) => t !== "null");
    const type = types[0] ?? (branches.length > 0 ? "object" : "string");
    if (branches.length > 0 && type === "object") {
      const merged = this.mergeBranch(node, branches[0]);
      return this.sampleType(merged, "object", full, depth);
    }
    return this.sampleType(node, type, full, depth);
  }

  private mergeBranch(node: Node, branch: unknown): Node {
    const b = this.index.child(node, branch);
    const { oneOf: _o, anyOf: _a, discriminator: _d, ...rest } = node.schema;
    const props = {
      ...(rest["properties"] as object | undefined),
      ...(b.schema["properties"] as object | undefined),
    };
    const required = [
      ...((rest["required"] as string[] | undefined) ?? []),
      ...((b.schema["required"] as string[] | undefined) ?? []),
    ];
    return { schema: { ...rest, ...b.schema, properties: props, required }, doc: b.doc };
  }

  private sampleType(node: Node, type: string, full: boolean, depth: number): unknown {
    const s = node.schema;
    switch (type) {
      case "object": {
        const out: Record<string, unknown> = {};
        const props = (s["properties"] ?? {}) as Record<string, unknown>;
        const required = new Set((s["required"] as string[] | undefined) ?? []);
        for (const [k, v] of Object.entries(props)) {
          if (required.has(k) || (full && depth < MAX_DEPTH))
            out[k] = this.sample(this.index.child(node, v), full, depth + 1);
        }
        return out;
      }
      case "array": {
        const min = (s["minItems"] as number | undefined) ?? 0;
        const n = Math.max(min, full && depth < MAX_DEPTH ? 1 : 0);
        return Array.from({ length: n }, () =>
          this.sample(this.index.child(node, s["items"]), full, depth + 1),
        );
      }
      case "integer":
      case "number": {
        const lo = numberBound(s, "min");
        const hi = numberBound(s, "max");
        let v = lo !== undefined ? Math.ceil(lo) : hi !== undefined ? Math.min(1, Math.floor(hi)) : 1;
        if (lo !== undefined && hi !== undefined) v = Math.ceil(lo + (hi - lo) / 4);
        const m = s["multipleOf"];
        if (typeof m === "number" && m > 0) v = Math.ceil(v / m) * m;
        return v;
      }
      case "boolean":
        return true;
      case "null":
        return null;
      default:
        return this.sampleString(s);
    }
  }

  private sampleString(s: JsonSchema): string {
    if (Array.isArray(s["examples"]) && typeof s["examples"][0] === "string") return s["examples"][0];
    const format = s["format"];
    const byFormat: Record<string, string> = {
      email: "user@example.com",
      uuid: "0b8e5f3c-6a2d-4c1e-9f7a-2d4b6c8e0a13",
      "date-time": "2024-02-29T12:34:56Z",
      date: "2024-02-29",
      time: "12:34:56Z",
      uri: "https://example.com/a",
      ipv4: "192.0.2.1",
      hostname: "example.com",
    };
    if (typeof format === "string" && byFormat[format] !== undefined) return byFormat[format];
    const min = (s["minLength"] as number | undefined) ?? 0;
    const max = (s["maxLength"] as number | undefined) ?? 1_000;
    const pattern = typeof s["pattern"] === "string" ? safeRegExp(s["pattern"]) : undefined;
    for (const c of STRING_CANDIDATES) {
      const v = fitLength(c, min, max);
      if (!pattern || pattern.test(v)) return v;
    }
    return fitLength("abc", min, max);
  }

  /** A random valid-looking value: optional properties present half of the time. */
  random(node: Node, depth = 0): unknown {
    const inner = this.nullableInner(node);
    if (inner) return this.rng.next() < 0.2 ? null : this.random(inner, depth);
    const s = node.schema;
    if ("const" in s) return s["const"];
    if (Array.isArray(s["enum"]) && s["enum"].length > 0) return this.rng.pick(s["enum"]);
    const branches = branchesOf(s);
    const types = typesOf(s);
    if (branches.length > 0) {
      const b = this.rng.pick(branches);
      return types.includes("object") || types.length === 0
        ? this.randomType(this.mergeBranch(node, b), "object", depth)
        : this.random(this.index.child(node, b), depth + 1);
    }
    const type = types.length > 0 ? this.rng.pick(types) : "string";
    return this.randomType(node, type, depth);
  }

  private randomType(node: Node, type: string, depth: number): unknown {
    const s = node.schema;
    switch (type) {
      case "object": {
        const out: Record<string, unknown> = {};
        const props = (s["properties"] ?? {}) as Record<string, unknown>;
        const required = new Set((s["required"] as string[] | undefined) ?? []);
        for (const [k, v] of Object.entries(props))
          if (!isAlias(v) && (required.has(k) || (depth < MAX_DEPTH && this.rng.next() < 0.5)))
            out[k] = this.random(this.index.child(node, v), depth + 1);
        const extra = s["additionalProperties"];
        if (extra && typeof extra === "object" && depth < MAX_DEPTH)
          for (let i = this.rng.int(0, 2); i > 0; i--)
            out[`k${this.rng.int(0, 99)}`] = this.random(this.index.child(node, extra), depth + 1);
        return out;
      }
      case "array": {
        const min = (s["minItems"] as number | undefined) ?? 0;
        const max = Math.min((s["maxItems"] as number | undefined) ?? 3, min + 3);
        const n = depth < MAX_DEPTH ? this.rng.int(min, Math.max(min, max)) : min;
        return Array.from({ length: n }, () => this.random(this.index.child(node, s["items"]), depth + 1));
      }
      case "integer":
      case "number": {
        const lo = numberBound(s, "min") ?? -1000;
        const hi = numberBound(s, "max") ?? 1_000_000;
        let v = this.rng.int(Math.ceil(lo), Math.floor(Math.min(hi, lo + 2_000_000_000)));
        const m = s["multipleOf"];
        if (typeof m === "number" && m > 0) v = Math.ceil(v / m) * m;
        if (type === "number" && this.rng.next() < 0.5 && v + 0.5 <= hi && typeof m !== "number")
          return v + 0.5;
        return v;
      }
      case "boolean":
        return this.rng.next() < 0.5;
      case "null":
        return null;
      default: {
        const base = this.sampleString(s);
        if (s["format"] !== undefined || s["pattern"] !== undefined) return base;
        const min = (s["minLength"] as number | undefined) ?? 0;
        const max = Math.min((s["maxLength"] as number | undefined) ?? 12, 12);
        const n = this.rng.int(min, Math.max(min, max));
        const chars = "abcdefghijklmnopqrstuvwxyzÄé日 0123456789";
        return Array.from({ length: n }, () => this.rng.pick([...chars])).join("");
      }
    }
  }

  /** Systematic valid variations of the value at `node`, each as a whole value. */
  validMutations(node: Node, base: unknown, depth = 0): Mutation[] {
    const inner = this.nullableInner(node);
    if (inner) return [{ label: "null", value: null }, ...this.validMutations(inner, base, depth)];
    const s = node.schema;
    const out: Mutation[] = [];
    const types = typesOf(s);
    if (Array.isArray(s["enum"]))
      for (const v of s["enum"] as unknown[]) out.push({ label: `enum ${JSON.stringify(v)}`, value: v });
    const branches = branchesOf(s);
    branches.forEach((b, i) => {
      const merged =
        types.includes("object") || types.length === 0
          ? this.mergeBranch(node, b)
          : this.index.child(node, b);
      out.push({ label: `oneof branch ${i}`, value: this.sample(merged, true, depth + 1) });
    });
    if (types.includes("null")) out.push({ label: "null", value: null });
    if (types.includes("integer") || types.includes("number")) {
      const lo = numberBound(s, "min");
      const hi = numberBound(s, "max");
      if (lo !== undefined) out.push({ label: "minimum", value: Math.ceil(lo) });
      if (hi !== undefined) out.push({ label: "maximum", value: Math.floor(hi) });
      if (lo === undefined || lo <= 0) out.push({ label: "zero", value: 0 });
      if (lo === undefined) out.push({ label: "negative", value: -1 });
      if (hi === undefined) out.push({ label: "largest safe integer", value: Number.MAX_SAFE_INTEGER });
    }
    if (types.includes("string") && !Array.isArray(s["enum"])) {
      const min = (s["minLength"] as number | undefined) ?? 0;
      if (min === 0) out.push({ label: "empty string", value: "" });
      if (typeof s["maxLength"] === "number" && s["format"] === undefined)
        out.push({ label: "longest string", value: fitLength("é", s["maxLength"], s["maxLength"]) });
    }
    if (types.includes("boolean")) out.push({ label: "false", value: false });
    if (types.includes("array")) {
      if (((s["minItems"] as number | undefined) ?? 0) === 0) out.push({ label: "empty list", value: [] });
      if (Array.isArray(base) && base.length > 0 && depth < MAX_DEPTH) {
        for (const m of this.validMutations(this.index.child(node, s["items"]), base[0], depth + 1))
          out.push({ label: `/0: ${m.label}`, value: [m.value, ...base.slice(1)] });
      }
    }
    if (types.includes("object") && base !== null && typeof base === "object" && !Array.isArray(base)) {
      const obj = base as Record<string, unknown>;
      const props = (s["properties"] ?? {}) as Record<string, unknown>;
      const required = new Set((s["required"] as string[] | undefined) ?? []);
      const extra = s["additionalProperties"];
      if (extra && typeof extra === "object" && Object.keys(props).length === 0) {
        out.push({ label: "empty map", value: {} });
        out.push({
          label: "map with one entry",
          value: { k: this.sample(this.index.child(node, extra), false, depth + 1) },
        });
      }
      if (depth < MAX_DEPTH) {
        for (const [k, v] of Object.entries(props)) {
          if (isAlias(v)) continue;
          const child = this.index.child(node, v);
          const current = k in obj ? obj[k] : this.sample(child, true, depth + 1);
          if (!required.has(k) && k in obj) out.push({ label: `/${k}: absent`, value: without(obj, k) });
          if (!(k in obj)) out.push({ label: `/${k}: present`, value: { ...obj, [k]: current } });
          for (const m of this.validMutations(child, current, depth + 1))
            out.push({ label: `/${k}: ${m.label}`, value: { ...obj, [k]: m.value } });
        }
      }
    }
    return out;
  }

  /** Invalid variations of the value at `node`: each should be rejected with `invalid_argument`. */
  invalidMutations(node: Node, base: unknown, depth = 0): Mutation[] {
    const inner = this.nullableInner(node);
    if (inner) return this.invalidMutations(inner, base, depth).filter((m) => m.value !== null);
    const s = node.schema;
    const out: Mutation[] = [];
    const types = typesOf(s);
    if (types.length > 0) {
      if (!types.includes("string") && !types.includes("integer") && !types.includes("number"))
        out.push({ label: "a string instead", value: "x" });
      if (!types.includes("integer") && !types.includes("number") && !types.includes("string"))
        out.push({ label: "a number instead", value: 7 });
      if (types.includes("integer") && !types.includes("string"))
        out.push({ label: "a fraction", value: 1.5 });
      if (!types.includes("null")) out.push({ label: "null", value: null });
    }
    if (Array.isArray(s["enum"])) out.push({ label: "a value outside the enum", value: "NOT_IN_ENUM" });
    if (types.includes("integer") || types.includes("number")) {
      const lo = numberBound(s, "min");
      const hi = numberBound(s, "max");
      if (lo !== undefined) out.push({ label: "below the minimum", value: Math.ceil(lo) - 1 });
      if (hi !== undefined) out.push({ label: "above the maximum", value: Math.floor(hi) + 1 });
    }
    if (types.includes("string")) {
      if (typeof s["minLength"] === "number" && s["minLength"] > 0)
        out.push({ label: "shorter than minLength", value: "a".repeat(s["minLength"] - 1) });
      if (typeof s["maxLength"] === "number")
        out.push({ label: "longer than maxLength", value: "a".repeat(s["maxLength"] + 1) });
      if (s["format"] === "email") out.push({ label: "an invalid email", value: "not-an-email" });
      else if (typeof s["format"] === "string")
        out.push({ label: `an invalid ${s["format"]}`, value: "not-a-value" });
    }
    if (types.includes("array") && typeof s["maxItems"] === "number" && Array.isArray(base))
      out.push({
        label: "more items than maxItems",
        value: Array.from({ length: s["maxItems"] + 1 }, () =>
          this.sample(this.index.child(node, s["items"]), false, depth + 1),
        ),
      });
    if (types.includes("object") && base !== null && typeof base === "object" && !Array.isArray(base)) {
      const obj = base as Record<string, unknown>;
      const props = (s["properties"] ?? {}) as Record<string, unknown>;
      for (const k of (s["required"] as string[] | undefined) ?? [])
        if (k in obj) out.push({ label: `/${k}: missing (required)`, value: without(obj, k) });
      if (s["additionalProperties"] === false && !("unevaluatedProperties" in s))
        out.push({ label: "an unknown key", value: { ...obj, unknownKey: 1 } });
      if (depth < MAX_DEPTH) {
        for (const [k, v] of Object.entries(props)) {
          if (isAlias(v)) continue;
          const child = this.index.child(node, v);
          const current = k in obj ? obj[k] : this.sample(child, true, depth + 1);
          for (const m of this.invalidMutations(child, current, depth + 1))
            out.push({ label: `/${k}: ${m.label}`, value: { ...obj, [k]: m.value } });
        }
      }
    }
    return out;
  }
}

/** The requests of one method: valid (systematic then random) and invalid, filtered by `isValid`. */
export function generateRequests(
  gen: RequestGenerator,
  root: Node,
  randomCount: number,
  isValid: (value: unknown) => boolean,
  limit = 80,
): { valid: GeneratedRequest[]; invalid: GeneratedRequest[] } {
  const minimal = gen.sample(root, false);
  const full = gen.sample(root, true);
  const seen = new Set<string>();
  const keep = (list: GeneratedRequest[], m: Mutation, want: boolean) => {
    if (m.value === ABSENT || list.length >= limit) return;
    const key = JSON.stringify(m.value);
    if (seen.has(key) || isValid(m.value) !== want) return;
    seen.add(key);
    list.push({ label: m.label, value: m.value });
  };
  const valid: GeneratedRequest[] = [];
  keep(valid, { label: "minimal", value: minimal }, true);
  keep(valid, { label: "every field", value: full }, true);
  for (const m of gen.validMutations(root, full)) keep(valid, m, true);
  for (let i = 0; i < randomCount; i++) keep(valid, { label: `random ${i}`, value: gen.random(root) }, true);
  const invalid: GeneratedRequest[] = [];
  for (const m of gen.invalidMutations(root, full)) keep(invalid, m, false);
  return { valid, invalid };
}

function without(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _drop, ...rest } = obj;
  return rest;
}

function fitLength(seed: string, min: number, max: number): string {
  let v = seed;
  while ([...v].length < min) v += seed;
  return [...v].slice(0, Math.max(min, Math.min(max, [...v].length))).join("");
}

function numberBound(s: JsonSchema, side: "min" | "max"): number | undefined {
  const incl = s[side === "min" ? "minimum" : "maximum"];
  const excl = s[side === "min" ? "exclusiveMinimum" : "exclusiveMaximum"];
  if (typeof excl === "number") return side === "min" ? excl + 1 : excl - 1;
  return typeof incl === "number" ? incl : undefined;
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return undefined;
  }
}
