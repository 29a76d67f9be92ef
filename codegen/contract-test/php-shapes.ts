/**
 * PHP-shape cases: a valid request as a PHP encoder sends the same value — `[]` for an empty map or
 * message, a list for a map with keys 0..n-1, a sparse list as an object, `"5"` or `5.0` for an integer,
 * an int64 as a JSON number, `1`/`"1"` for `true`, a DateTime object, a proto enum's short name. Each
 * carries the code of its entry in the runtime's pitfall catalogue (runtime/guard/pitfalls.ts). The
 * harness sends them to every implementation; implementations that disagree on accepting one are an
 * acceptance divergence, the hazard of migrating a PHP service whose clients send such shapes.
 */
import type { PitfallCode } from "../../runtime/guard/pitfalls.js";
import {
  aliasTarget,
  pointerOf,
  type RequestGenerator,
  type SkippedCase,
  type Validate,
} from "./generate.js";
import { branchesOf, type Node, type SchemaIndex, typesOf } from "./schema-walk.js";

/** One PHP-shape request. */
export interface PhpShapeRequest {
  readonly label: string;
  /** The catalogue entry the shape is an instance of; absent for a shape ProtoJSON allows outright. */
  readonly pitfall?: PitfallCode;
  /** JSON pointer of the value sent in its PHP shape. */
  readonly path: string;
  /** The same request in its canonical wire form (valid). */
  readonly value: unknown;
  /** The request body as sent: the canonical JSON with the PHP shape at `path`. */
  readonly body: string;
}

interface Shape {
  readonly pitfall?: PitfallCode;
  readonly what: string;
  /** The canonical value at the location (valid) and its PHP text. */
  readonly canonical: unknown;
  readonly text: string;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

const DATE_TIME = "2024-02-29T12:34:56Z";

/** JSON text of `value` with the value at `at` written as the raw text `raw`. */
export function serializeWith(value: unknown, at: readonly string[], raw: string): string {
  if (at.length === 0) return raw;
  const [head, ...rest] = at as [string, ...string[]];
  if (Array.isArray(value))
    return `[${value.map((v, i) => (String(i) === head ? serializeWith(v, rest, raw) : JSON.stringify(v))).join(",")}]`;
  if (isObj(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${k === head ? serializeWith(v, rest, raw) : JSON.stringify(v)}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

function setAt(root: unknown, at: readonly string[], value: unknown): unknown {
  if (at.length === 0) return value;
  const [head, ...rest] = at as [string, ...string[]];
  if (Array.isArray(root)) return root.map((v, i) => (String(i) === head ? setAt(v, rest, value) : v));
  const obj = isObj(root) ? root : {};
  return { ...obj, [head]: setAt(obj[head], rest, value) };
}

/** The common `PREFIX_` of a proto enum's names (`CARD_BRAND_`), when they have one. */
function enumPrefix(names: readonly string[]): string | undefined {
  const unspecified = names.find((n) => n.endsWith("_UNSPECIFIED"));
  if (unspecified === undefined) return undefined;
  const prefix = unspecified.slice(0, -"UNSPECIFIED".length);
  return names.every((n) => n.startsWith(prefix)) ? prefix : undefined;
}

/** The PHP shapes of the value `v` at a (resolved) schema node. */
function shapesAt(gen: RequestGenerator, node: Node, v: unknown): Shape[] {
  const s = node.schema;
  const types = typesOf(s);
  const out: Shape[] = [];
  const props = isObj(s["properties"]) ? Object.keys(s["properties"] as object) : [];
  const isMap =
    s["additionalProperties"] !== undefined && s["additionalProperties"] !== false && props.length === 0;
  if (isObj(v)) {
    out.push({
      pitfall: "empty_array_for_object",
      what: `[] for an empty ${isMap ? "map" : "message"}`,
      canonical: {},
      text: "[]",
    });
    if (isMap) {
      const entry = Object.values(v)[0];
      if (entry !== undefined)
        out.push({
          pitfall: "list_for_map",
          what: "a list for a map with the keys 0..n-1",
          canonical: { "0": entry },
          text: `[${JSON.stringify(entry)}]`,
        });
    }
  }
  if (Array.isArray(v) && v.length > 0) {
    const text =
      v.length === 1
        ? `{"1":${JSON.stringify(v[0])}}`
        : `{${v.map((x, i) => `"${i === 0 ? 0 : i + 1}":${JSON.stringify(x)}`).join(",")}}`;
    out.push({
      pitfall: "sparse_list_as_object",
      what: "a sparse list (array_filter) as an object",
      canonical: v,
      text,
    });
  }
  if (typeof v === "number" && !types.includes("string")) {
    out.push({
      pitfall: "numeric_string",
      what: "a number as a numeric string",
      canonical: v,
      text: JSON.stringify(String(v)),
    });
    if (Number.isInteger(v) && types.includes("integer") && !types.includes("number"))
      out.push({
        pitfall: "float_for_integer",
        what: `${v}.0 (a PHP float) for an integer`,
        canonical: v,
        text: `${v}.0`,
      });
  }
  if (typeof v === "string" && types.includes("integer") && types.includes("string")) {
    // ProtoJSON's int64: a string on the wire, a number from json_encode of a PHP int.
    if (gen.stringOk(s, "12345678"))
      out.push({ what: "an int64 as a JSON number", canonical: "12345678", text: "12345678" });
    if (gen.stringOk(s, "9007199254740993"))
      out.push({
        pitfall: "unsafe_integer",
        what: "an int64 beyond 2^53 as a JSON number",
        canonical: "9007199254740993",
        text: "9007199254740993",
      });
  } else if (typeof v === "string" && !types.includes("integer") && !types.includes("number")) {
    if (gen.stringOk(s, "12345") && !Array.isArray(s["enum"]))
      out.push({
        pitfall: "number_for_string",
        what: "a numeric string as a JSON number",
        canonical: "12345",
        text: "12345",
      });
    if (s["format"] === "date-time" && gen.stringOk(s, DATE_TIME))
      out.push({
        pitfall: "datetime_object",
        what: "a DateTime object for a date-time",
        canonical: DATE_TIME,
        text: JSON.stringify({ date: "2024-02-29 12:34:56.000000", timezone_type: 3, timezone: "UTC" }),
      });
  }
  if (typeof v === "boolean") {
    out.push({ pitfall: "int_for_bool", what: `${v ? 1 : 0} for ${v}`, canonical: v, text: v ? "1" : "0" });
    out.push({
      pitfall: "string_for_bool",
      what: `${v ? '"1"' : '""'} for ${v}`,
      canonical: v,
      text: v ? '"1"' : '""',
    });
  }
  const names = Array.isArray(s["enum"])
    ? (s["enum"] as unknown[]).filter((e): e is string => typeof e === "string")
    : [];
  const prefix = enumPrefix(names);
  if (prefix !== undefined) {
    const value = names.find((n) => !n.endsWith("_UNSPECIFIED")) ?? names[0];
    if (value !== undefined)
      out.push({
        pitfall: "enum_name",
        what: "a PHP enum's ->name for a proto enum",
        canonical: value,
        text: JSON.stringify(value.slice(prefix.length)),
      });
  }
  return out;
}

/**
 * Every location of `value` with its resolved schema node (nullable wrappers and union branches
 * resolved; aliases skipped), in document order.
 */
function* locations(
  gen: RequestGenerator,
  index: SchemaIndex,
  node: Node,
  value: unknown,
  at: string[],
): Generator<{ at: string[]; node: Node; value: unknown }> {
  let n = node;
  for (let i = 0; i < 8; i++) {
    const inner = gen.nullableInner(n);
    if (inner) {
      n = inner;
      continue;
    }
    if (branchesOf(n.schema).length > 0 && !Array.isArray(n.schema["enum"])) {
      n = gen.branchNode(n, gen.branchOf(n, value));
      continue;
    }
    break;
  }
  yield { at, node: n, value };
  const s = n.schema;
  if (Array.isArray(value) && value.length > 0)
    yield* locations(gen, index, index.child(n, s["items"]), value[0], [...at, "0"]);
  if (isObj(value)) {
    const props = (s["properties"] ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) {
      const p = props[k];
      if (p !== undefined && aliasTarget(p) !== undefined) continue;
      const child = p ?? s["additionalProperties"];
      if (child === undefined || typeof child === "boolean") continue;
      yield* locations(gen, index, index.child(n, child), v, [...at, k]);
    }
  }
}

/**
 * The PHP-shape requests of one method: for each pitfall code, the first location of the full request
 * (then of the minimal one) where it applies. The canonical request is checked with `validate`; one that
 * does not validate is skipped with the reason.
 */
export function phpShapeCases(
  gen: RequestGenerator,
  index: SchemaIndex,
  root: Node,
  bases: readonly unknown[],
  validate: Validate,
): { cases: PhpShapeRequest[]; skipped: SkippedCase[]; generated: number } {
  const cases: PhpShapeRequest[] = [];
  const skipped: SkippedCase[] = [];
  const done = new Set<string>();
  let generated = 0;
  for (const base of bases) {
    for (const loc of locations(gen, index, root, base, [])) {
      for (const shape of shapesAt(gen, loc.node, loc.value)) {
        const key = shape.pitfall ?? shape.what;
        if (done.has(key)) continue;
        const value = setAt(base, loc.at, shape.canonical);
        const path = pointerOf(loc.at);
        const label = `${path || "/"}: ${shape.what}${shape.pitfall ? ` [${shape.pitfall}]` : ""}`;
        const errors = validate(value);
        if (errors) continue; // Not the same value at this location (a bound, a pattern): try the next one.
        done.add(key);
        generated++;
        cases.push({
          label,
          ...(shape.pitfall ? { pitfall: shape.pitfall } : {}),
          path,
          value,
          body: serializeWith(value, loc.at, shape.text),
        });
      }
    }
  }
  return { cases, skipped, generated };
}
