/**
 * Requests generated from the wire schemas, valid by construction:
 *
 * - the **base** requests: the minimal one (required fields only) and the full one (every field, under
 *   its JSON name only, one member per oneof, patterns, formats and bounds honoured in every union
 *   branch and nested message);
 * - **valid variants**: one change of the full request each (every enum value, every oneof member and
 *   union branch in turn, the proto name of a field in its own case, null, absent, bounds, zero, empty
 *   and longest strings, empty/one/two/bound-sized maps and lists, the first item varied the same way);
 * - **invalid variants**: the full request with exactly one value broken, each with the JSON pointer the
 *   rejection must name;
 * - **PHP shapes** (php-shapes.ts): the same value as a PHP encoder sends it.
 *
 * Every candidate is still checked against the wire schema; one that does not come out as labelled is
 * not sent but counted and listed as skipped with the reason, never dropped silently.
 */
import type { JsonSchema } from "../wire/index.js";
import { patternSamples } from "./regex-sample.js";
import type { Rng } from "./rng.js";
import { branchesOf, jsonType, type Node, type SchemaIndex, typesOf } from "./schema-walk.js";

/** A generated request and what it varies. */
export interface GeneratedRequest {
  /** What was varied (`/labels: empty map`, `minimal`). */
  readonly label: string;
  readonly value: unknown;
}

/** An invalid request: valid except at `path`. */
export interface InvalidRequest extends GeneratedRequest {
  /** JSON pointer of the broken value (`/items/0/quantity`; the key itself for a missing or unknown key). */
  readonly path: string;
  /**
   * Pointers a rejection may name instead of `path` and still be about this mutation: the object that
   * misses a required key or holds an unknown one, the union whose branch no longer matches.
   */
  readonly owners: readonly string[];
}

/** A candidate that was not sent, and why. */
export interface SkippedCase {
  readonly kind: "valid" | "invalid" | "php-shape";
  readonly label: string;
  readonly reason: string;
}

/** One schema error, as ajv reports it. */
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string | undefined;
}

/** Validates a request: `null` when valid, else its errors. */
export type Validate = (value: unknown) => readonly SchemaError[] | null;

const ABSENT = Symbol("absent");
type Value = unknown;

/** A change at a path relative to the value it was derived from. */
interface Change {
  readonly label: string;
  readonly at: readonly string[];
  readonly value: Value | typeof ABSENT;
}

interface InvalidChange extends Change {
  /** Extra pointers (relative) that may name this mutation: the object owning a key. */
  readonly owners: readonly (readonly string[])[];
  /** Union nodes (relative) the change sits in: their whole subtree may be reported. */
  readonly unions: readonly (readonly string[])[];
}

const MAX_DEPTH = 5;
const LIST_BOUND_LIMIT = 50;

const FORMAT_SAMPLES: Readonly<Record<string, string>> = {
  email: "user@example.com",
  "idn-email": "user@example.com",
  uuid: "0b8e5f3c-6a2d-4c1e-9f7a-2d4b6c8e0a13",
  "date-time": "2024-02-29T12:34:56Z",
  date: "2024-02-29",
  time: "12:34:56Z",
  duration: "P1D",
  uri: "https://example.com/a",
  "uri-reference": "/a/b",
  iri: "https://example.com/a",
  url: "https://example.com/a",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  hostname: "example.com",
  "idn-hostname": "example.com",
  byte: "aGVsbG8=",
  regex: "^a+$",
  "json-pointer": "/a/b",
};

/** Another valid value of a format, number `k` (for distinct list items and map keys), if it has one. */
function formatVariant(format: string, k: number): string | undefined {
  const two = String(k % 60).padStart(2, "0");
  switch (format) {
    case "email":
    case "idn-email":
      return `user${k}@example.com`;
    case "uuid":
      return `0b8e5f3c-6a2d-4c1e-9f7a-${k.toString(16).padStart(12, "0")}`;
    case "date-time":
      return `2024-02-29T12:${String(Math.floor(k / 60) % 60).padStart(2, "0")}:${two}Z`;
    case "date":
      return `2024-${String((k % 12) + 1).padStart(2, "0")}-${String((Math.floor(k / 12) % 28) + 1).padStart(2, "0")}`;
    case "time":
      return `12:34:${two}Z`;
    case "uri":
    case "iri":
    case "url":
      return `https://example.com/a${k}`;
    case "uri-reference":
      return `/a/b${k}`;
    case "ipv4":
      return `192.0.2.${k % 256}`;
    case "ipv6":
      return `2001:db8::${k.toString(16)}`;
    case "hostname":
    case "idn-hostname":
      return `h${k}.example.com`;
    case "duration":
      return `P${k + 1}D`;
    case "json-pointer":
      return `/a/b${k}`;
    default:
      return undefined;
  }
}

const VARIANT_COUNT = 64;
const FORMAT_VARIANTS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.keys(FORMAT_SAMPLES).map((f) => [
    f,
    new Set(
      Array.from({ length: VARIANT_COUNT }, (_, k) => formatVariant(f, k + 1)).filter(
        (v): v is string => v !== undefined,
      ),
    ),
  ]),
);

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
export function aliasTarget(schema: unknown): string | undefined {
  if (schema === null || typeof schema !== "object") return undefined;
  const keys = Object.keys(schema);
  const ref = (schema as Record<string, unknown>)["$ref"];
  return keys.length === 1 && typeof ref === "string" && ref.startsWith("#/properties/")
    ? decodeURIComponent(ref.slice("#/properties/".length))
    : undefined;
}

function isNullSchema(schema: unknown): boolean {
  return (
    schema !== null && typeof schema === "object" && (schema as Record<string, unknown>)["type"] === "null"
  );
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** The object structure of a schema: fields under one name, aliases, oneof groups, map part. */
interface Shape {
  readonly props: readonly (readonly [string, unknown])[];
  /** JSON name → proto name (the alias property). */
  readonly alias: ReadonlyMap<string, string>;
  readonly required: ReadonlySet<string>;
  /** Fields of which at most one may be present (a proto oneof), in declaration order. */
  readonly groups: readonly (readonly string[])[];
  readonly map?: { readonly value: unknown; readonly keys: unknown };
  readonly closed: boolean;
  readonly minProps: number;
  readonly maxProps: number;
}

function shapeOf(s: JsonSchema): Shape {
  const all = Object.entries((s["properties"] ?? {}) as Record<string, unknown>);
  const alias = new Map<string, string>();
  const canonicalOf = new Map<string, string>();
  const props: (readonly [string, unknown])[] = [];
  for (const [k, v] of all) {
    const target = aliasTarget(v);
    if (target !== undefined && target !== k) {
      alias.set(target, k);
      canonicalOf.set(k, target);
    } else props.push([k, v]);
  }
  // `not: {anyOf: [{required: [a, b]}]}`: a and b never together. Two names of one field are the alias
  // rule; two different fields are members of one oneof.
  const not = s["not"];
  const sets: unknown[] = isObj(not)
    ? Array.isArray(not["anyOf"])
      ? (not["anyOf"] as unknown[])
      : Array.isArray(not["oneOf"])
        ? (not["oneOf"] as unknown[])
        : [not]
    : [];
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r) as string;
    return r;
  };
  for (const set of sets) {
    const req = isObj(set) && Array.isArray(set["required"]) ? (set["required"] as string[]) : [];
    const names = [...new Set(req.map((n) => canonicalOf.get(n) ?? n))];
    if (names.length < 2) continue;
    for (const n of names.slice(1)) {
      const a = find(names[0] as string);
      const b = find(n);
      if (a !== b) parent.set(b, a);
    }
  }
  const byRoot = new Map<string, string[]>();
  for (const [k] of props) {
    if (!parent.has(k) && ![...parent.values()].includes(k)) continue;
    const r = find(k);
    byRoot.set(r, [...(byRoot.get(r) ?? []), k]);
  }
  const extra = s["additionalProperties"];
  const map =
    isObj(extra) || extra === true
      ? { value: extra === true ? {} : extra, keys: s["propertyNames"] }
      : undefined;
  return {
    props,
    alias,
    required: new Set((s["required"] as string[] | undefined) ?? []),
    groups: [...byRoot.values()].filter((g) => g.length > 1),
    ...(map ? { map } : {}),
    closed: extra === false || s["unevaluatedProperties"] === false,
    minProps: typeof s["minProperties"] === "number" ? s["minProperties"] : 0,
    maxProps: typeof s["maxProperties"] === "number" ? s["maxProperties"] : Number.POSITIVE_INFINITY,
  };
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
  nullableInner(node: Node): Node | undefined {
    const s = node.schema;
    if (typesOf(s).length > 0) return undefined;
    const branches = branchesOf(s);
    const nonNull = branches.filter((b) => !isNullSchema(b));
    if (branches.length !== 2 || nonNull.length !== 1) return undefined;
    const inner = this.index.child(node, nonNull[0]);
    const { anyOf: _a, oneOf: _o, description: _d, ...rest } = s;
    return Object.keys(rest).length > 0 ? { schema: { ...rest, ...inner.schema }, doc: inner.doc } : inner;
  }

  /** The union branches of a node that is not a nullable wrapper. */
  private branches(node: Node): unknown[] {
    return branchesOf(node.schema);
  }

  /** Branch `i` of a union node, merged with the node's own keywords (a discriminated object union). */
  branchNode(node: Node, i: number): Node {
    const b = this.index.child(node, this.branches(node)[i]);
    const { oneOf: _o, anyOf: _a, discriminator: _d, ...rest } = node.schema;
    if (Object.keys(rest).filter((k) => k !== "description" && k !== "title").length === 0) return b;
    const merged: JsonSchema = { ...rest, ...b.schema };
    if (rest["properties"] !== undefined || b.schema["properties"] !== undefined)
      merged["properties"] = {
        ...(rest["properties"] as object | undefined),
        ...(b.schema["properties"] as object | undefined),
      };
    const required = [
      ...((rest["required"] as string[] | undefined) ?? []),
      ...((b.schema["required"] as string[] | undefined) ?? []),
    ];
    if (required.length > 0) merged["required"] = [...new Set(required)];
    if (rest["type"] !== undefined && b.schema["type"] === undefined) merged["type"] = rest["type"];
    return { schema: merged, doc: b.doc };
  }

  /** The branch a value of a union node belongs to (by consts, required keys and types). */
  branchOf(node: Node, value: unknown): number {
    const list = this.branches(node);
    let fallback = -1;
    for (let i = 0; i < list.length; i++) {
      if (isNullSchema(list[i])) continue;
      if (fallback < 0) fallback = i;
      if (this.fits(this.branchNode(node, i), value)) return i;
    }
    return Math.max(0, fallback);
  }

  private fits(node: Node, value: unknown): boolean {
    const inner = this.nullableInner(node);
    if (inner) return value === null || this.fits(inner, value);
    const s = node.schema;
    if ("const" in s) return JSON.stringify(s["const"]) === JSON.stringify(value);
    if (Array.isArray(s["enum"]))
      return (s["enum"] as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(value));
    const types = typesOf(s);
    const t = jsonType(value);
    if (types.length > 0 && !types.includes(t) && !(t === "integer" && types.includes("number")))
      return false;
    if (isObj(value) && (types.includes("object") || types.length === 0)) {
      const shape = shapeOf(s);
      for (const r of shape.required) if (!(r in value)) return false;
      for (const [k, v] of shape.props) {
        const c = this.index.child(node, v).schema;
        if (k in value && "const" in c && JSON.stringify(c["const"]) !== JSON.stringify(value[k]))
          return false;
      }
      if (shape.closed && !shape.map)
        for (const k of Object.keys(value))
          if (!shape.props.some(([p]) => p === k) && ![...shape.alias.values()].includes(k)) return false;
    }
    return true;
  }

  /** The JSON type a sample of `s` takes (the first non-null type; `object` for a union of objects). */
  private typeOf(s: JsonSchema): string {
    const types = typesOf(s).filter((t) => t !== "null");
    return (
      types[0] ??
      (branchesOf(s).length > 0
        ? "object"
        : s["pattern"] !== undefined || s["format"] !== undefined
          ? "string"
          : "string")
    );
  }

  /**
   * A typical valid value: required properties only (`full` false) or every property under its JSON name
   * with the first member of each oneof (`full` true). `branch` picks the union branch at this node.
   */
  sample(node: Node, full: boolean, depth = 0, branch?: number): unknown {
    const inner = this.nullableInner(node);
    if (inner) return this.sample(inner, full, depth, branch);
    const s = node.schema;
    if ("const" in s) return s["const"];
    if (Array.isArray(s["examples"]) && s["examples"].length > 0 && depth > 0 && branch === undefined)
      return s["examples"][0];
    if (Array.isArray(s["enum"]) && s["enum"].length > 0)
      return s["enum"].find((v) => v !== null) ?? s["enum"][0];
    const branches = this.branches(node);
    if (branches.length > 0) {
      const i = branch ?? this.branchOf(node, undefined);
      return this.sample(this.branchNode(node, i), full, depth + 1);
    }
    return this.sampleType(node, this.typeOf(s), full, depth);
  }

  private sampleType(node: Node, type: string, full: boolean, depth: number): unknown {
    const s = node.schema;
    switch (type) {
      case "object":
        return this.sampleObject(node, full, depth);
      case "array": {
        const min = (s["minItems"] as number | undefined) ?? 0;
        const max = (s["maxItems"] as number | undefined) ?? Number.POSITIVE_INFINITY;
        const n = Math.min(max, Math.max(min, full && depth < MAX_DEPTH ? 1 : 0));
        return this.items(node, n, full, depth);
      }
      case "integer":
      case "number":
        return this.sampleNumber(s, type) ?? 1;
      case "boolean":
        return true;
      case "null":
        return null;
      default:
        return this.sampleString(s);
    }
  }

  private sampleObject(node: Node, full: boolean, depth: number): Record<string, unknown> {
    const s = node.schema;
    const shape = shapeOf(s);
    const out: Record<string, unknown> = {};
    const skip = new Set<string>();
    for (const g of shape.groups) for (const m of g.slice(1)) skip.add(m);
    for (const [k, v] of shape.props) {
      if (shape.required.has(k) || (full && depth < MAX_DEPTH && !skip.has(k)))
        out[k] = this.sample(this.index.child(node, v), full, depth + 1);
    }
    if (shape.map) {
      const have = Object.keys(out).length;
      const want = Math.max(
        shape.minProps - have,
        full && depth < MAX_DEPTH && shape.props.length === 0 ? 1 : 0,
      );
      const keys = this.mapKeys(node, want);
      for (const k of keys) out[k] = this.sample(this.index.child(node, shape.map.value), full, depth + 1);
    }
    return out;
  }

  /** `n` distinct keys a map accepts (its `propertyNames`). */
  mapKeys(node: Node, n: number): string[] {
    if (n <= 0) return [];
    const shape = shapeOf(node.schema);
    const keySchema = shape.map?.keys !== undefined ? this.index.child(node, shape.map.keys).schema : {};
    const taken = new Set(shape.props.map(([k]) => k));
    const candidates = [...this.strings(keySchema, "short"), "k", "k2", "k3", "key", "a", "b", "1", "2", "3"];
    for (let i = 0; candidates.length < n + 20 && i < n + 20; i++) candidates.push(`k${i}`);
    const out: string[] = [];
    for (const c of candidates) {
      if (out.length >= n) break;
      if (taken.has(c) || out.includes(c) || !this.stringOk(keySchema, c)) continue;
      out.push(c);
    }
    return out;
  }

  /** `n` list items, distinct when the list requires unique items. */
  private items(node: Node, n: number, full: boolean, depth: number): unknown[] {
    const s = node.schema;
    const item = this.index.child(node, s["items"]);
    if (n <= 0) return [];
    const first = this.sample(item, full, depth + 1);
    if (n === 1) return [first];
    const pool = [first, ...this.alternatives(item, first, depth + 1)];
    if (s["uniqueItems"] === true) {
      // ajv compares items deeply (key order does not count): distinct means distinct canonical JSON.
      const distinct = () => new Set(pool.map(canonicalJson)).size >= n;
      const is = this.nullableInner(item)?.schema ?? item.schema;
      if (typesOf(is).includes("string"))
        pool.push(...this.strings(is, "short"), ...this.strings(is, "long"));
      for (const type of ["integer", "number"])
        if (typesOf(is).includes(type)) {
          // Steps of multipleOf (or 1) up from the minimum, or from 0 both ways.
          const step = typeof is["multipleOf"] === "number" && is["multipleOf"] > 0 ? is["multipleOf"] : 1;
          const lo = this.sampleNumber(is, type, "min");
          for (let k = 0; k < n + 2; k++)
            for (const v of lo !== undefined ? [lo + k * step] : [k * step, -k * step])
              if (this.numberOk(is, v, type)) pool.push(v);
        }
      // Objects, unions and lists: the first item with one valid change each (a field absent, another
      // enum value, another union branch, a nested bound…), valid by construction and distinct.
      if (!distinct())
        for (const c of this.validChanges(item, first, depth + 1)) {
          if (c.at.length === 0 && c.value === ABSENT) continue;
          pool.push(applyChange(first, c.at, c.value));
          if (distinct()) break;
        }
      for (let k = 0; k < 4 * n && !distinct(); k++) pool.push(this.random(item, depth + 1));
    }
    const out: unknown[] = [];
    const seen = new Set<string>();
    for (const v of pool) {
      if (out.length >= n) break;
      const key = canonicalJson(v);
      if (s["uniqueItems"] === true && seen.has(key)) continue;
      seen.add(key);
      out.push(v);
    }
    // Unique items: fewer when the item schema has fewer distinct values (booleans, a small enum).
    while (out.length < n && s["uniqueItems"] !== true) out.push(first);
    return out;
  }

  /** `n` list items, or undefined when the list cannot hold `n` distinct ones. */
  private exactItems(node: Node, n: number, depth: number): unknown[] | undefined {
    const out = this.items(node, n, true, depth);
    return out.length === n ? out : undefined;
  }

  /** Other valid values of a node (for distinct list items and map entries). */
  private alternatives(node: Node, base: unknown, depth: number): unknown[] {
    return this.validChanges(node, base, depth, true)
      .filter((c) => c.at.length === 0 && c.value !== ABSENT && c.value !== null)
      .map((c) => c.value);
  }

  private sampleNumber(
    s: JsonSchema,
    type: string,
    prefer: "typical" | "min" | "max" = "typical",
  ): number | undefined {
    const lo = numberBound(s, "min");
    const hi = numberBound(s, "max");
    const m =
      typeof s["multipleOf"] === "number" && s["multipleOf"] > 0
        ? s["multipleOf"]
        : type === "integer"
          ? 1
          : undefined;
    const snap = (v: number, dir: 1 | -1): number | undefined => {
      let x = v;
      if (m !== undefined) x = dir > 0 ? Math.ceil(x / m) * m : Math.floor(x / m) * m;
      if (type === "integer" && !Number.isInteger(x)) x = dir > 0 ? Math.ceil(x) : Math.floor(x);
      if (lo !== undefined && x < lo) return undefined;
      if (hi !== undefined && x > hi) return undefined;
      if (excluded(s, x)) return undefined;
      return Number.isSafeInteger(x) || type === "number" ? x : undefined;
    };
    if (prefer === "min") return lo !== undefined ? snap(lo, 1) : undefined;
    if (prefer === "max") return hi !== undefined ? snap(hi, -1) : undefined;
    for (const c of [1, 0, 2, 10]) {
      const v = snap(c, 1);
      if (v !== undefined && (lo === undefined || v >= lo) && v === snap(v, 1)) return v;
    }
    if (lo !== undefined) return snap(lo, 1);
    if (hi !== undefined) return snap(hi, -1);
    return undefined;
  }

  /** Strings the schema accepts, shortest (or longest) first. */
  strings(s: JsonSchema, prefer: "short" | "long"): string[] {
    const min = (s["minLength"] as number | undefined) ?? 0;
    const max = (s["maxLength"] as number | undefined) ?? (prefer === "long" ? 64 : 1_000);
    const out: string[] = [];
    const format = s["format"];
    if (Array.isArray(s["examples"])) for (const e of s["examples"]) if (typeof e === "string") out.push(e);
    if (typeof format === "string" && FORMAT_SAMPLES[format] !== undefined) out.push(FORMAT_SAMPLES[format]);
    if (typeof format === "string") out.push(...(FORMAT_VARIANTS.get(format) ?? []));
    if (s["contentEncoding"] === "base64") out.push("aGVsbG8=", "", "AAECAw==", fitLength("QUJD", min, max));
    if (typeof s["pattern"] === "string") out.push(...patternSamples(s["pattern"], min, max, prefer));
    for (const c of STRING_CANDIDATES) out.push(fitLength(c, min, max));
    if (prefer === "long" && Number.isFinite(max))
      out.unshift(fitLength("é", max, max), fitLength("a", max, max));
    return [...new Set(out)].filter((v) => this.stringOk(s, v));
  }

  /** Whether `v` satisfies a string schema's length, pattern and (the sampled) format. */
  stringOk(s: JsonSchema, v: string): boolean {
    const len = [...v].length;
    if (typeof s["minLength"] === "number" && len < s["minLength"]) return false;
    if (typeof s["maxLength"] === "number" && len > s["maxLength"]) return false;
    if (typeof s["pattern"] === "string") {
      const re = safeRegExp(s["pattern"]);
      if (re && !re.test(v)) return false;
    }
    if (Array.isArray(s["enum"]) && !(s["enum"] as unknown[]).includes(v)) return false;
    if ("const" in s && s["const"] !== v) return false;
    // Bytes: whole base64 quanta (padded or not), or a decoder rejects what the pattern lets through.
    if (
      s["contentEncoding"] === "base64" &&
      !/^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/.test(v)
    )
      return false;
    const format = s["format"];
    if (typeof format === "string" && FORMAT_SAMPLES[format] !== undefined && v !== FORMAT_SAMPLES[format]) {
      if (
        !(Array.isArray(s["examples"]) && s["examples"].includes(v)) &&
        !FORMAT_VARIANTS.get(format)?.has(v) &&
        !FORMAT_OK[format]?.(v)
      )
        return false;
    }
    return true;
  }

  private sampleString(s: JsonSchema): string {
    return (
      this.strings(s, "short")[0] ??
      fitLength(
        "abc",
        (s["minLength"] as number | undefined) ?? 0,
        (s["maxLength"] as number | undefined) ?? 1000,
      )
    );
  }

  /** A random valid value: optional properties present half of the time, one oneof member at most. */
  random(node: Node, depth = 0): unknown {
    const inner = this.nullableInner(node);
    if (inner) return this.rng.next() < 0.2 ? null : this.random(inner, depth);
    const s = node.schema;
    if ("const" in s) return s["const"];
    if (Array.isArray(s["enum"]) && s["enum"].length > 0) return this.rng.pick(s["enum"]);
    const branches = this.branches(node);
    if (branches.length > 0) {
      const usable = branches.map((_, i) => i).filter((i) => !isNullSchema(branches[i]));
      return this.random(this.branchNode(node, this.rng.pick(usable.length > 0 ? usable : [0])), depth + 1);
    }
    const types = typesOf(s).filter((t) => t !== "null");
    const type = types.length > 0 ? this.rng.pick(types) : this.typeOf(s);
    switch (type) {
      case "object": {
        const shape = shapeOf(s);
        const out: Record<string, unknown> = {};
        const chosen = new Set(shape.groups.map((g) => (this.rng.next() < 0.7 ? this.rng.pick(g) : "")));
        const inGroup = new Set(shape.groups.flat());
        for (const [k, v] of shape.props) {
          const wanted =
            shape.required.has(k) ||
            (depth < MAX_DEPTH && (inGroup.has(k) ? chosen.has(k) : this.rng.next() < 0.5));
          if (!wanted) continue;
          const name = shape.alias.has(k) && this.rng.next() < 0.2 ? (shape.alias.get(k) as string) : k;
          out[name] = this.random(this.index.child(node, v), depth + 1);
        }
        if (shape.map && depth < MAX_DEPTH) {
          const room = Math.min(shape.maxProps - Object.keys(out).length, 2);
          const n = Math.max(shape.minProps - Object.keys(out).length, this.rng.int(0, Math.max(0, room)));
          for (const k of this.mapKeys(node, n))
            out[k] = this.random(this.index.child(node, shape.map.value), depth + 1);
        }
        return out;
      }
      case "array": {
        const min = (s["minItems"] as number | undefined) ?? 0;
        const max = Math.min((s["maxItems"] as number | undefined) ?? 3, min + 3);
        const n = depth < MAX_DEPTH ? this.rng.int(min, Math.max(min, max)) : min;
        if (s["uniqueItems"] === true) return this.items(node, n, true, depth);
        return Array.from({ length: n }, () => this.random(this.index.child(node, s["items"]), depth + 1));
      }
      case "integer":
      case "number": {
        const lo = numberBound(s, "min") ?? -1000;
        const hi = numberBound(s, "max") ?? 1_000_000;
        const m = typeof s["multipleOf"] === "number" && s["multipleOf"] > 0 ? s["multipleOf"] : 1;
        const steps = Math.floor((Math.min(hi, lo + 2_000_000_000) - lo) / m);
        const v = Math.ceil(lo / m) * m + m * this.rng.int(0, Math.max(0, steps - 1));
        if (v > hi || excluded(s, v)) return this.sampleNumber(s, type) ?? 1;
        if (type === "number" && this.rng.next() < 0.5 && v + 0.5 <= hi && s["multipleOf"] === undefined)
          return v + 0.5;
        return v;
      }
      case "boolean":
        return this.rng.next() < 0.5;
      case "null":
        return null;
      default: {
        if (s["format"] !== undefined || s["pattern"] !== undefined) {
          const all = this.strings(s, this.rng.next() < 0.5 ? "short" : "long");
          return all.length > 0 ? this.rng.pick(all) : this.sampleString(s);
        }
        const min = (s["minLength"] as number | undefined) ?? 0;
        const max = Math.min((s["maxLength"] as number | undefined) ?? 12, Math.max(min, 12));
        const n = this.rng.int(min, Math.max(min, max));
        const chars = "abcdefghijklmnopqrstuvwxyzÄé日 0123456789";
        return Array.from({ length: n }, () => this.rng.pick([...chars])).join("");
      }
    }
  }

  /**
   * Systematic valid changes of the value `base` at `node` (itself valid), each relative to `base`.
   * `local` stops at this node (no recursion into children): for alternatives of list items.
   */
  validChanges(node: Node, base: unknown, depth = 0, local = false): Change[] {
    const inner = this.nullableInner(node);
    if (inner) {
      const out = this.validChanges(inner, base, depth, local);
      return base === null ? out : [{ label: "null", at: [], value: null }, ...out];
    }
    const s = node.schema;
    const out: Change[] = [];
    const here = (label: string, value: unknown) => out.push({ label, at: [], value });
    if ("const" in s) return out;
    if (Array.isArray(s["enum"])) {
      for (const v of s["enum"] as unknown[])
        if (JSON.stringify(v) !== JSON.stringify(base)) here(`enum ${JSON.stringify(v)}`, v);
      return out;
    }
    const branches = this.branches(node);
    if (branches.length > 0) {
      const current = this.branchOf(node, base);
      branches.forEach((b, i) => {
        if (i === current || isNullSchema(b)) return;
        here(`union branch ${i}`, this.sample(this.branchNode(node, i), true, depth + 1));
      });
      if (!local)
        for (const c of this.validChanges(this.branchNode(node, current), base, depth + 1, local))
          out.push(c);
      return out;
    }
    const t = jsonType(base);
    const types = typesOf(s);
    if (t === "integer" || t === "number") {
      const type = types.includes("integer") && !types.includes("number") ? "integer" : "number";
      const add = (label: string, v: number | undefined) => {
        if (v === undefined || v === base || !this.numberOk(s, v, type)) return;
        here(label, v);
      };
      add("minimum", this.sampleNumber(s, type, "min"));
      add("maximum", this.sampleNumber(s, type, "max"));
      add("zero", 0);
      add("negative", type === "integer" ? -1 : -1.5);
      if (numberBound(s, "max") === undefined) add("largest safe integer", Number.MAX_SAFE_INTEGER);
      if (type === "number") add("a fraction", 2.5);
    }
    if (t === "string" && typeof base === "string") {
      if (isInt64String(s)) {
        for (const v of ["0", "-1", "9007199254740993", "9223372036854775807"])
          if (v !== base && this.stringOk(s, v)) here(`int64 ${v}`, v);
      }
      if (this.stringOk(s, "") && base !== "") here("empty string", "");
      const long = this.strings(s, "long")[0];
      if (
        long !== undefined &&
        [...long].length > [...base].length &&
        (typeof s["maxLength"] === "number" || s["pattern"] === undefined)
      )
        here(`longest string (${[...long].length} characters)`, long);
      const other = this.strings(s, "short").find((v) => v !== base && v !== "");
      if (other !== undefined && s["format"] === undefined) here("another string", other);
    }
    if (t === "boolean") here(`${!base}`, !base);
    if (types.includes("null") && base !== null) here("null", null);
    if (Array.isArray(base)) {
      const min = (s["minItems"] as number | undefined) ?? 0;
      const max = (s["maxItems"] as number | undefined) ?? Number.POSITIVE_INFINITY;
      if (min === 0 && base.length > 0) here("empty list", []);
      const exactly = (label: string, count: number) => {
        const list = this.exactItems(node, count, depth);
        if (list) here(label, list);
      };
      if (min > 0 && base.length !== min) exactly(`${min} items (minItems)`, min);
      if (base.length < 2 && max >= 2 && !local) exactly("two items", 2);
      if (Number.isFinite(max) && max > 2 && max <= LIST_BOUND_LIMIT && base.length !== max && !local)
        exactly(`${max} items (maxItems)`, max);
      if (base.length > 0 && depth < MAX_DEPTH && !local) {
        const item = this.index.child(node, s["items"]);
        const others = new Set(base.slice(1).map(canonicalJson));
        for (const c of this.validChanges(item, base[0], depth + 1)) {
          // In a list of unique items, a first item changed into another item is no longer valid.
          if (s["uniqueItems"] === true && others.has(canonicalJson(applyChange(base[0], c.at, c.value))))
            continue;
          out.push({ label: prefixLabel("0", c.label), at: ["0", ...c.at], value: c.value });
        }
      }
    }
    if (isObj(base)) {
      const shape = shapeOf(s);
      if (shape.map) {
        const n = Object.keys(base).length - shape.props.filter(([k]) => k in base).length;
        const keys = Object.keys(base).filter((k) => !shape.props.some(([p]) => p === k));
        const fixed = Object.fromEntries(Object.entries(base).filter(([k]) => !keys.includes(k)));
        const entry = this.sample(this.index.child(node, shape.map.value), true, depth + 1);
        const withN = (count: number) => {
          const o: Record<string, unknown> = { ...fixed };
          for (const k of this.mapKeys(node, count)) o[k] = entry;
          return o;
        };
        const total = (count: number) => Object.keys(fixed).length + count;
        if (n > 0 && total(0) >= shape.minProps) here("empty map", withN(0));
        if (n !== 2 && total(2) <= shape.maxProps && total(2) >= shape.minProps && !local)
          here("map with two entries", withN(2));
        if (
          Number.isFinite(shape.maxProps) &&
          shape.maxProps <= LIST_BOUND_LIMIT &&
          total(n) !== shape.maxProps &&
          !local
        )
          here(
            `${shape.maxProps} entries (maxProperties)`,
            withN(shape.maxProps - Object.keys(fixed).length),
          );
        if (!local && depth < MAX_DEPTH && keys[0] !== undefined)
          for (const c of this.validChanges(
            this.index.child(node, shape.map.value),
            base[keys[0]],
            depth + 1,
          ))
            out.push({ label: prefixLabel(keys[0], c.label), at: [keys[0], ...c.at], value: c.value });
      }
      if (local) return out;
      const inGroup = new Set(shape.groups.flat());
      for (const g of shape.groups) {
        const present = g.filter((m) => m in base);
        for (const m of g) {
          if (present.length === 1 && present[0] === m) continue;
          const o: Record<string, unknown> = { ...base };
          for (const x of g) delete o[x];
          o[m] = this.sample(
            this.index.child(node, shape.props.find(([k]) => k === m)?.[1]),
            true,
            depth + 1,
          );
          here(`oneof member /${m} (instead of ${present.map((p) => `/${p}`).join(", ") || "none"})`, o);
        }
        if (present.length > 0 && !g.some((m) => shape.required.has(m))) {
          const o = { ...base };
          for (const x of g) delete o[x];
          here(`no member of oneof ${g.map((m) => `/${m}`).join("|")}`, o);
        }
      }
      for (const [k, v] of shape.props) {
        const child = this.index.child(node, v);
        if (!(k in base)) {
          if (!inGroup.has(k) && depth < MAX_DEPTH)
            here(`/${k}: present`, { ...base, [k]: this.sample(child, true, depth + 1) });
          continue;
        }
        if (!shape.required.has(k) && !inGroup.has(k))
          out.push({ label: `/${k}: absent`, at: [k], value: ABSENT });
        const proto = shape.alias.get(k);
        if (proto !== undefined) {
          const renamed: Record<string, unknown> = {};
          for (const [key, x] of Object.entries(base)) renamed[key === k ? proto : key] = x;
          here(`/${k}: sent under its proto name ${proto}`, renamed);
        }
        if (depth < MAX_DEPTH)
          for (const c of this.validChanges(child, base[k], depth + 1))
            out.push({ label: prefixLabel(k, c.label), at: [k, ...c.at], value: c.value });
      }
    }
    return out;
  }

  private numberOk(s: JsonSchema, v: number, type: string): boolean {
    if (type === "integer" && !Number.isInteger(v)) return false;
    const lo = numberBound(s, "min");
    const hi = numberBound(s, "max");
    if (lo !== undefined && v < lo) return false;
    if (hi !== undefined && v > hi) return false;
    const m = s["multipleOf"];
    if (typeof m === "number" && m > 0 && Math.abs(v / m - Math.round(v / m)) > 1e-9) return false;
    return !excluded(s, v);
  }

  /**
   * Invalid changes of the valid `base` at `node`: each breaks exactly one rule at its path. `owners` are
   * the relative pointers (besides the path) a rejection may name.
   */
  invalidChanges(node: Node, base: unknown, depth = 0): InvalidChange[] {
    const inner = this.nullableInner(node);
    // The wrapper `anyOf: [null, X]` reports a broken X at its own path too.
    if (inner)
      return this.invalidChanges(inner, base, depth)
        .filter((m) => m.value !== null)
        .map((m) => ({ ...m, owners: [...m.owners, []] }));
    const s = node.schema;
    const out: InvalidChange[] = [];
    const here = (label: string, value: unknown) =>
      out.push({ label, at: [], value, owners: [], unions: [] });
    const branches = this.branches(node);
    if (branches.length > 0 && !("enum" in s) && !("const" in s)) {
      const current = this.branchOf(node, base);
      // A change inside a union branch may be reported at the union itself (no branch matches any more).
      const accepted = new Set(branches.flatMap((b) => typesOf(this.index.child(node, b).schema)));
      if (accepted.has("number")) accepted.add("integer");
      for (const c of this.invalidChanges(this.branchNode(node, current), base, depth + 1)) {
        // A type another branch accepts is no error of the union.
        if (
          c.at.length === 0 &&
          c.value !== ABSENT &&
          accepted.has(jsonType(c.value)) &&
          !isObj(c.value) &&
          !Array.isArray(c.value) &&
          !["a value outside the enum", "a value other than the const"].includes(c.label) &&
          !c.label.startsWith("not matching") &&
          !c.label.startsWith("an invalid") &&
          !c.label.includes("minimum") &&
          !c.label.includes("maximum") &&
          !c.label.includes("Length") &&
          !c.label.includes("multipleOf")
        )
          continue;
        out.push({ ...c, owners: [...c.owners, []], unions: [...c.unions, []] });
      }
      if (!branches.some((b) => typesOf(this.index.child(node, b).schema).includes("string")))
        here("a string instead", "x");
      return out;
    }
    const types = typesOf(s);
    const t = jsonType(base);
    const accepts = (x: string) =>
      types.length === 0 || types.includes(x) || (x === "integer" && types.includes("number"));
    if (!accepts("string")) here("a string instead", "x");
    if (!accepts("number") && !accepts("integer")) here("a number instead", 7);
    if (!accepts("boolean") && (t === "object" || t === "array")) here("a boolean instead", true);
    if (types.includes("integer") && !types.includes("number") && !types.includes("string"))
      here("a fraction", 1.5);
    if (!accepts("null")) here("null", null);
    if ("const" in s)
      here("a value other than the const", typeof s["const"] === "string" ? `${s["const"]}_OTHER` : "OTHER");
    if (Array.isArray(s["enum"])) {
      const strings = (s["enum"] as unknown[]).every((e) => typeof e === "string");
      here("a value outside the enum", strings || accepts("string") ? "NOT_IN_ENUM" : 123456789);
    }
    if (t === "integer" || t === "number") {
      const lo = numberBound(s, "min");
      const hi = numberBound(s, "max");
      const step = t === "integer" ? 1 : 0.5;
      if (lo !== undefined)
        here(
          "below the minimum",
          typeof s["exclusiveMinimum"] === "number" ? s["exclusiveMinimum"] : lo - step,
        );
      if (hi !== undefined)
        here(
          "above the maximum",
          typeof s["exclusiveMaximum"] === "number" ? s["exclusiveMaximum"] : hi + step,
        );
      const m = s["multipleOf"];
      if (typeof m === "number" && m > 0 && typeof base === "number") {
        const v = base + m / 2 === Math.round(base + m / 2) || t !== "integer" ? base + m / 2 : base + 1;
        here("not a multiple of multipleOf", t === "integer" ? Math.round(v) : v);
      }
    }
    if (t === "string") {
      if (typeof s["minLength"] === "number" && s["minLength"] > 0)
        here("shorter than minLength", "a".repeat(s["minLength"] - 1));
      if (typeof s["maxLength"] === "number") here("longer than maxLength", "a".repeat(s["maxLength"] + 1));
      if (typeof s["pattern"] === "string") {
        const bad = ["!", "@@ not matching @@", " ", "abc", "1"].find(
          (v) => !(safeRegExp(s["pattern"] as string)?.test(v) ?? true),
        );
        if (bad !== undefined) here(`not matching the pattern ${s["pattern"]}`, bad);
      }
      if (s["format"] === "email") here("an invalid email", "not-an-email");
      else if (typeof s["format"] === "string" && FORMAT_SAMPLES[s["format"]] !== undefined)
        here(
          `an invalid ${s["format"]}`,
          s["format"] === "date-time" ? "2024-02-30T25:61:00Z" : "not-a-value",
        );
    }
    if (Array.isArray(base)) {
      const item = this.index.child(node, s["items"]);
      if (typeof s["maxItems"] === "number" && s["maxItems"] < 1000)
        here(
          "more items than maxItems",
          padded(this.items(node, s["maxItems"] + 1, true, depth), s["maxItems"] + 1),
        );
      if (typeof s["minItems"] === "number" && s["minItems"] > 0)
        here("fewer items than minItems", base.slice(0, s["minItems"] - 1));
      if (s["uniqueItems"] === true && base.length > 0) here("a duplicate item", [...base, base[0]]);
      if (base.length > 0 && depth < MAX_DEPTH)
        for (const c of this.invalidChanges(item, base[0], depth + 1))
          out.push({ ...nest(c, "0"), label: prefixLabel("0", c.label) });
    }
    if (isObj(base)) {
      const shape = shapeOf(s);
      for (const k of shape.required)
        if (k in base)
          out.push({ label: `/${k}: missing (required)`, at: [k], value: ABSENT, owners: [[]], unions: [] });
      if (shape.closed && !shape.map)
        out.push({ label: "an unknown key", at: ["unknownKey"], value: 1, owners: [[]], unions: [] });
      for (const [k] of shape.props) {
        const proto = shape.alias.get(k);
        if (proto !== undefined && k in base)
          out.push({
            label: `/${k}: sent under both names (${k} and ${proto})`,
            at: [proto],
            value: base[k],
            owners: [[], [k]],
            unions: [],
          });
      }
      for (const g of shape.groups) {
        const present = g.find((m) => m in base);
        const other = g.find((m) => m !== present);
        if (present !== undefined && other !== undefined)
          out.push({
            label: `/${other}: a second member of oneof ${g.map((m) => `/${m}`).join("|")} (with /${present})`,
            at: [other],
            value: this.sample(
              this.index.child(node, shape.props.find(([p]) => p === other)?.[1]),
              false,
              depth + 1,
            ),
            owners: [[], [present]],
            unions: [],
          });
      }
      if (shape.map) {
        const keys = Object.keys(base).filter((k) => !shape.props.some(([p]) => p === k));
        if (Number.isFinite(shape.maxProps)) {
          const o: Record<string, unknown> = { ...base };
          const entry = this.sample(this.index.child(node, shape.map.value), false, depth + 1);
          for (const k of this.mapKeys(node, shape.maxProps + 1))
            if (Object.keys(o).length <= shape.maxProps) o[k] = entry;
          here("more entries than maxProperties", o);
        }
        const keySchema =
          shape.map.keys !== undefined ? this.index.child(node, shape.map.keys).schema : undefined;
        if (keySchema) {
          const bad = ["!", "", "not a key!", "-1x"].find((k) => !this.stringOk(keySchema, k));
          if (bad !== undefined)
            out.push({
              label: `a map key ${JSON.stringify(bad)} outside propertyNames`,
              at: [bad],
              value:
                base[keys[0] ?? ""] ?? this.sample(this.index.child(node, shape.map.value), false, depth + 1),
              owners: [[]],
              unions: [],
            });
        }
        if (keys[0] !== undefined && depth < MAX_DEPTH)
          for (const c of this.invalidChanges(
            this.index.child(node, shape.map.value),
            base[keys[0]],
            depth + 1,
          ))
            out.push({ ...nest(c, keys[0]), label: prefixLabel(keys[0], c.label) });
      }
      if (depth < MAX_DEPTH)
        for (const [k, v] of shape.props) {
          if (!(k in base)) continue;
          for (const c of this.invalidChanges(this.index.child(node, v), base[k], depth + 1))
            out.push({ ...nest(c, k), label: prefixLabel(k, c.label) });
        }
    }
    return out;
  }
}

/** Every case of one method, and what was generated, kept and skipped. */
export interface MethodCases {
  readonly valid: GeneratedRequest[];
  readonly invalid: InvalidRequest[];
  readonly skipped: SkippedCase[];
  /** Candidates generated (after removing duplicates), per kind. */
  readonly generated: { valid: number; invalid: number };
  /** The full request the variants derive from. */
  readonly full: unknown;
  readonly minimal: unknown;
}

/** Default cap of cases per kind and method; candidates beyond it are counted as skipped. */
export const CASE_LIMIT = 400;

function describeErrors(errors: readonly SchemaError[]): string {
  const shown = errors
    .slice(0, 3)
    .map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword} [${e.keyword}]`);
  return `${shown.join("; ")}${errors.length > 3 ? ` and ${errors.length - 3} more` : ""}`;
}

/** A child's label as its parent's: `/k: label`, `/k/sub: label`. */
function prefixLabel(k: string, label: string): string {
  const seg = k.replace(/~/g, "~0").replace(/\//g, "~1");
  return label.startsWith("/") ? `/${seg}${label}` : `/${seg}: ${label}`;
}

/** An invalid change of a child, as a change of its parent (at key `k`). */
function nest(c: InvalidChange, k: string): InvalidChange {
  return {
    ...c,
    at: [k, ...c.at],
    owners: c.owners.map((o) => [k, ...o]),
    unions: c.unions.map((u) => [k, ...u]),
  };
}

/** `list` repeated up to `n` items (a list too long whatever else it breaks at the same path). */
function padded(list: readonly unknown[], n: number): unknown[] {
  const out = [...list];
  while (out.length < n && list.length > 0) out.push(list[out.length % list.length]);
  return out;
}

/** JSON with object keys sorted: equal for values ajv's `uniqueItems` holds equal. */
function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "undefined";
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
    .join(",")}}`;
}

/** JSON pointer of path segments. */
export function pointerOf(segs: readonly string[]): string {
  return segs.map((s) => `/${s.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/** A copy of `root` with the value at `at` replaced (or removed with ABSENT). */
function applyChange(root: unknown, at: readonly string[], value: unknown): unknown {
  if (at.length === 0) return value;
  const [head, ...rest] = at as [string, ...string[]];
  if (Array.isArray(root)) {
    const copy = [...root];
    const i = Number(head);
    if (rest.length === 0 && value === ABSENT) copy.splice(i, 1);
    else copy[i] = applyChange(root[i], rest, value);
    return copy;
  }
  const obj = isObj(root) ? root : {};
  if (rest.length === 0 && value === ABSENT) {
    const { [head]: _drop, ...others } = obj;
    return others;
  }
  return { ...obj, [head]: applyChange(obj[head], rest, value) };
}

/**
 * The cases of one method: base requests, valid variants of the full request, random requests and
 * invalid variants, each checked with `validate`; candidates that do not come out as labelled are
 * listed in `skipped` with the reason.
 */
export function generateCases(
  gen: RequestGenerator,
  root: Node,
  randomCount: number,
  validate: Validate,
  limit = CASE_LIMIT,
): MethodCases {
  const minimal = gen.sample(root, false);
  const full = gen.sample(root, true);
  const seen = new Set<string>();
  const skipped: SkippedCase[] = [];
  const generated = { valid: 0, invalid: 0 };
  const valid: GeneratedRequest[] = [];
  const invalid: InvalidRequest[] = [];
  const keepValid = (label: string, value: unknown) => {
    const key = `v${JSON.stringify(value)}`;
    if (seen.has(key)) return;
    seen.add(key);
    generated.valid++;
    const errors = validate(value);
    if (errors)
      return skipped.push({
        kind: "valid",
        label,
        reason: `the wire schema rejects it: ${describeErrors(errors)}`,
      });
    if (valid.length >= limit)
      return skipped.push({
        kind: "valid",
        label,
        reason: `over the limit of ${limit} valid cases per method`,
      });
    valid.push({ label, value });
  };
  keepValid("minimal", minimal);
  keepValid("every field", full);
  const fullErrors = validate(full);
  if (fullErrors === null) {
    for (const c of gen.validChanges(root, full)) keepValid(c.label, applyChange(full, c.at, c.value));
  }
  for (let i = 0; i < randomCount; i++) keepValid(`random ${i}`, gen.random(root));
  if (fullErrors === null) {
    for (const c of gen.invalidChanges(root, full)) {
      const value = applyChange(full, c.at, c.value);
      const key = `i${JSON.stringify(value)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      generated.invalid++;
      const errors = validate(value);
      const path = pointerOf(c.at);
      if (!errors) {
        skipped.push({
          kind: "invalid",
          label: c.label,
          reason: "the wire schema accepts it (a rule the generator assumed is not in the contract)",
        });
        continue;
      }
      const owners = c.owners.map(pointerOf);
      const unions = c.unions.map(pointerOf);
      const elsewhere = errors.filter((e) => !relatedPath(e.instancePath, path, owners, unions));
      if (elsewhere.length > 0) {
        skipped.push({
          kind: "invalid",
          label: c.label,
          reason: `it also breaks another rule: ${describeErrors(elsewhere)}`,
        });
        continue;
      }
      if (invalid.length >= limit) {
        skipped.push({
          kind: "invalid",
          label: c.label,
          reason: `over the limit of ${limit} invalid cases per method`,
        });
        continue;
      }
      invalid.push({ label: c.label, value, path, owners: [...owners, ...unions] });
    }
  } else {
    skipped.push({
      kind: "valid",
      label: "every field (base of the variants and invalid cases)",
      reason: `the wire schema rejects it, so no variant of it is generated: ${describeErrors(fullErrors)}`,
    });
  }
  return { valid, invalid, skipped, generated, full, minimal };
}

/** Whether an error at `p` is about a change at `path` (inside it, or at one of its owners). */
export function relatedPath(
  p: string,
  path: string,
  owners: readonly string[],
  unions: readonly string[] = [],
): boolean {
  if (p === path || p.startsWith(`${path}/`)) return true;
  return owners.includes(p) || unions.some((u) => p === u || p.startsWith(`${u}/`));
}

/**
 * The requests of one method: valid (systematic then random) and invalid, filtered by `isValid`
 * (kept for callers that only need values; see {@link generateCases}).
 */
export function generateRequests(
  gen: RequestGenerator,
  root: Node,
  randomCount: number,
  isValid: (value: unknown) => boolean,
  limit = 80,
): { valid: GeneratedRequest[]; invalid: GeneratedRequest[] } {
  const cases = generateCases(
    gen,
    root,
    randomCount,
    // Without errors to compare, an invalid candidate counts as invalid at its own path.
    (v) => (isValid(v) ? null : []),
    limit,
  );
  return { valid: cases.valid, invalid: cases.invalid.map((i) => ({ label: i.label, value: i.value })) };
}

function fitLength(seed: string, min: number, max: number): string {
  let v = seed;
  while ([...v].length < min) v += seed;
  return [...v].slice(0, Math.max(min, Math.min(max, [...v].length))).join("");
}

function numberBound(s: JsonSchema, side: "min" | "max"): number | undefined {
  const incl = s[side === "min" ? "minimum" : "maximum"];
  const excl = s[side === "min" ? "exclusiveMinimum" : "exclusiveMaximum"];
  const bounds: number[] = [];
  if (typeof incl === "number") bounds.push(incl);
  if (typeof excl === "number") bounds.push(side === "min" ? excl + 1e-9 : excl - 1e-9);
  if (bounds.length === 0) return undefined;
  return side === "min" ? Math.max(...bounds) : Math.min(...bounds);
}

function excluded(s: JsonSchema, v: number): boolean {
  return (
    (typeof s["exclusiveMinimum"] === "number" && v <= s["exclusiveMinimum"]) ||
    (typeof s["exclusiveMaximum"] === "number" && v >= s["exclusiveMaximum"])
  );
}

/** Whether a string schema is ProtoJSON's decimal int64 (`^-?(0|[1-9][0-9]*)$`). */
function isInt64String(s: JsonSchema): boolean {
  return typeof s["pattern"] === "string" && /0\|\[1-9\]\[0-9\]\*/.test(s["pattern"]);
}

const FORMAT_OK: Readonly<Record<string, (v: string) => boolean>> = {
  "date-time": (v) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(v) &&
    !Number.isNaN(Date.parse(v)),
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)),
  email: (v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v),
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
};

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return undefined;
  }
}
