/**
 * The guard pass: one walk over a parsed value against its shape that classifies every mismatch into
 * the pitfall catalogue and applies the policy of each (repairing in place where allowed).
 */

import { InexactNumber } from "./body.js";
import { isPhpDateTime, isProtoTimestamp, phpDateTimeToRfc3339 } from "./datetime.js";
import { preview } from "./errors.js";
import { PITFALLS, type PitfallCode } from "./pitfalls.js";
import type { PolicyTable } from "./policy.js";
import {
  ANY_DOUBLE_TYPE,
  ANY_VALUE_TYPE,
  type EnumValues,
  enumNumberOk,
  FLOAT_TEXT,
  foldEnumName,
  integerTextOk,
  type ObjectShape,
  type ScalarShape,
  type Shape,
  type UnionShape,
} from "./shape.js";

/** What the guard did about one pitfall. */
export type GuardAction = "rejected" | "repaired" | "warned";

/** One pitfall found by the guard (or by the body reader), with the decision taken. */
export interface Finding {
  readonly code: PitfallCode;
  /** JSON pointer (`/items/0/quantity`); `""` is the whole body. */
  readonly path: string;
  readonly expected: string;
  readonly found: string;
  readonly suggestion: string | undefined;
  readonly action: GuardAction;
}

/** Limits on the parsed value. */
export interface WalkLimits {
  readonly maxDepth: number;
  readonly maxArrayLength: number;
  /** Rejections after which the walk stops ({@link FindingsCapped}); other findings beyond it are counted. */
  readonly maxFindings?: number;
}

/** ES2024 String.prototype.isWellFormed (Node ≥ 20), missing from the configured lib. */
type WellFormed = string & { isWellFormed(): boolean };

const NO_REPAIR: unique symbol = Symbol("no repair");
const DROP: unique symbol = Symbol("drop key");
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);
const CANONICAL_INT = /^-?(0|[1-9][0-9]*)$/;
const CANONICAL_DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const NUMERIC = /^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$/;
const INDEX = /^(0|[1-9][0-9]{0,8})$/;
/** Longer strings are not folded for an enum did-you-mean (no enum value name is this long). */
const MAX_ENUM_GUESS = 256;
/** Typos are looked for only in enums up to this size: the edit distances cost a pass over every name. */
const MAX_ENUM_TYPO_NAMES = 64;

const INTEGER_TEXT = {
  signed: "an integer as a decimal string (-?digits, no leading zero, fraction or exponent)",
  unsigned:
    "a non-negative integer as a decimal string (digits, no sign, leading zero, fraction or exponent)",
} as const;

/** The payload shape of an Any whose numbers are doubles (Struct, Value, …). */
const VALUE_SHAPE: Shape = { kind: "any", nullable: true };

const ANY_PAYLOAD_INTEGER =
  "an integer within ±2^53 (in an Any's payload a 64-bit integer must be a string: its type is known only by @type)";

const TIMESTAMP_EXPECTED =
  "an RFC 3339 timestamp as ProtoJSON reads it (upper-case T and Z, an offset ±HH:MM up to ±23:59, a day of its month, 0001-01-01 to 9999-12-31)";

/** Stops a walk over a fast parse that met an integer beyond ±2^53 (see `Walk.fromFastParse`). */
export class NeedsExactIntegers {}

/** Stops the walk: an exhausted limit makes the rest of the value irrelevant. */
export class LimitExceeded {
  constructor(readonly finding: Finding) {}
}

/** Stops the walk: `maxFindings` rejections were found, the rest is not looked for (a hostile body). */
export class FindingsCapped {}

/** The state of one walk. */
export class Walk {
  readonly findings: Finding[] = [];
  /** Findings (repaired or warned) beyond `maxFindings`, counted but not recorded. */
  omitted = 0;
  private rejected = 0;
  private readonly path: (string | number)[] = [];

  constructor(
    private readonly table: PolicyTable,
    private readonly limits: WalkLimits,
    /**
     * Check strings and keys for lone surrogates; the reader turns it off for texts without a
     * `\uD8xx`–`\uDFxx` escape (JSON.parse makes lone surrogates only from escapes).
     */
    private readonly checkUnicode = true,
    /**
     * The value comes from a fast JSON.parse of text: an integer beyond ±2^53 may have lost digits, so
     * the walk stops with {@link NeedsExactIntegers} and the reader parses again keeping them exact.
     */
    private readonly fromFastParse = false,
  ) {}

  /** Walks `value` against `shape`; returns the value to use (repaired where the policy allows). */
  run(value: unknown, shape: Shape): unknown {
    return this.walk(value, shape, 0);
  }

  /** Records a pitfall at the current path and returns the value to continue with. */
  report(
    code: PitfallCode,
    value: unknown,
    expected: string,
    repaired: unknown = NO_REPAIR,
    suggestion?: string,
    warned: unknown = value,
  ): unknown {
    const policy = this.table[code];
    let action: GuardAction;
    let result: unknown;
    if (policy === "repair" && repaired !== NO_REPAIR) {
      action = "repaired";
      result = repaired;
    } else if (policy === "warn") {
      action = "warned";
      result = warned;
    } else {
      action = "rejected";
      result = value;
    }
    const max = this.limits.maxFindings ?? Number.POSITIVE_INFINITY;
    if (action === "rejected" || this.findings.length < max)
      this.findings.push({
        code,
        path: this.pointer(),
        expected,
        found: describe(value),
        suggestion,
        action,
      });
    else this.omitted++;
    if (action === "rejected" && ++this.rejected >= max) throw new FindingsCapped();
    return result;
  }

  private limit(code: PitfallCode, value: unknown, expected: string): never {
    throw new LimitExceeded({
      code,
      path: this.pointer(),
      expected,
      found: describe(value),
      suggestion: undefined,
      action: "rejected",
    });
  }

  private pointer(): string {
    let s = "";
    for (const p of this.path)
      s += `/${typeof p === "number" ? p : p.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    return s;
  }

  private walk(v: unknown, shape: Shape, depth: number): unknown {
    const s = shape.kind === "union" ? pickBranch(v, shape) : shape;
    if (v === null) {
      if (s.nullable || s.kind === "any") return v;
      return this.report("null_for_required", v, expectation(s));
    }
    if (v instanceof InexactNumber) return this.inexact(v, s);
    if (typeof v === "string") {
      if (this.checkUnicode && !(v as WellFormed).isWellFormed())
        return this.report("lone_surrogate", v, "a valid Unicode string");
      if (s.kind === "scalar") {
        if (!s.string) return this.scalarFromString(v, s);
        if (s.timestamp && !isProtoTimestamp(v)) return this.report("wrong_type", v, TIMESTAMP_EXPECTED);
        if (s.digits !== undefined && !integerTextOk(v, s.digits)) return this.integerText(v, s);
        if (s.floatText === true && !FLOAT_TEXT.test(v))
          return this.report(
            NUMERIC.test(v) ? "numeric_string" : "wrong_type",
            v,
            'a number, or a string of one as ProtoJSON writes it ("1.5", "1e3", "NaN", "-Infinity")',
          );
        return s.enum === undefined || s.enum.nameSet.has(v) ? v : this.enumName(v, s, s.enum);
      }
      if (s.kind === "any") return v;
      return this.report("wrong_type", v, expectation(s));
    }
    if (typeof v !== "object") {
      if (
        this.fromFastParse &&
        (s.kind !== "any" || s.exactIntegers === true) &&
        typeof v === "number" &&
        !Number.isSafeInteger(v) &&
        Number.isInteger(v)
      ) {
        throw new NeedsExactIntegers();
      }
      if (s.kind === "scalar") return this.scalar(v, s);
      // Values of any type (google.protobuf.Value) hold numbers as doubles by contract: no pitfall,
      // unless no double holds it (`1e400` parses to Infinity, which protobuf-es cannot read).
      if (s.kind === "any") {
        if (typeof v === "number" && !Number.isFinite(v))
          return this.report("wrong_type", v, "a finite number");
        if (typeof v === "bigint" && s.exactIntegers === true)
          return this.report("unsafe_integer", v, ANY_PAYLOAD_INTEGER, NO_REPAIR, undefined, Number(v));
        return typeof v === "bigint" ? Number(v) : v;
      }
      if (v === false) return this.report("false_for_object", v, expectation(s));
      return this.report("wrong_type", v, expectation(s));
    }
    if (depth >= this.limits.maxDepth)
      this.limit("too_deep", v, `at most ${this.limits.maxDepth} levels of nesting`);
    if (Array.isArray(v)) {
      if (v.length > this.limits.maxArrayLength)
        this.limit("array_too_long", v, `at most ${this.limits.maxArrayLength} items`);
      if (s.kind === "array") return this.list(v, s.items, depth);
      if (s.kind === "any") return this.list(v, s, depth);
      if (s.kind === "object") {
        if (v.length === 0) return this.report("empty_array_for_object", v, expectation(s), {});
        if (s.props === undefined && s.extra !== undefined) {
          const asMap: Record<string, unknown> = {};
          for (let i = 0; i < v.length; i++) asMap[i] = v[i];
          const result = this.report("list_for_map", v, expectation(s), asMap);
          return result === asMap ? this.object(asMap, s, depth) : result;
        }
        return this.report("wrong_type", v, expectation(s));
      }
      return this.report("wrong_type", v, expectation(s));
    }
    const o = v as Record<string, unknown>;
    if (s.kind === "object") return this.object(o, s, depth);
    if (s.kind === "any") return this.anyObject(o, s, depth);
    if (s.kind === "array") {
      const keys = Object.keys(o);
      if (keys.every((k) => INDEX.test(k))) {
        const list = keys
          .map(Number)
          .sort((a, b) => a - b)
          .map((k) => o[k]);
        const result = this.report("sparse_list_as_object", v, expectation(s), list);
        return result === list ? this.list(list, s.items, depth) : result;
      }
      return this.report("wrong_type", v, expectation(s));
    }
    if (s.string && s.dateTime && isPhpDateTime(o)) {
      const text = phpDateTimeToRfc3339(o);
      return this.report("datetime_object", v, "an RFC 3339 date-time string", text ?? NO_REPAIR);
    }
    return this.report("wrong_type", v, expectation(s));
  }

  private list(v: unknown[], items: Shape, depth: number): unknown[] {
    const d = depth + 1;
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      if (this.leafOk(item, items)) continue;
      this.path.push(i);
      const next = this.walk(item, items, d);
      this.path.pop();
      if (next !== item) v[i] = next;
    }
    return v;
  }

  private object(o: Record<string, unknown>, s: ObjectShape, depth: number): unknown {
    const d = depth + 1;
    const props = s.props;
    let extra = s.extra;
    const anyMessage = extra?.kind === "any" && extra.exactIntegers === true;
    // An Any of Struct, Value, ListValue or a double wrapper holds doubles, as those types do elsewhere.
    if (anyMessage) {
      const type = o["@type"];
      if (typeof type === "string" && ANY_DOUBLE_TYPE.test(type)) extra = VALUE_SHAPE;
    }
    // for-in: JSON.parse objects have only own enumerable keys, and V8 iterates them fastest this way.
    for (const key in o) {
      const item = o[key];
      const child = props === undefined ? undefined : props.get(key);
      // Most values are leaves of the expected type: accept them without a call or a path entry.
      if (
        child !== undefined
          ? this.leafOk(item, child)
          : extra !== undefined &&
            !this.badKey(key) &&
            (s.keys === undefined || integerTextOk(key, s.keys)) &&
            this.leafOk(item, extra)
      ) {
        continue;
      }
      this.path.push(key);
      let next: unknown;
      if (child !== undefined) next = this.walk(item, child, d);
      else if (this.badKey(key)) next = this.reportKey(key, item);
      else if (s.keys !== undefined && !integerTextOk(key, s.keys)) {
        const expected =
          s.keys === "bool" ? 'a map key "true" or "false"' : `a map key: ${INTEGER_TEXT[s.keys]}`;
        next = this.report("wrong_type", key, expected, NO_REPAIR, undefined, DROP);
      } else if (extra === undefined) {
        next = this.report("unknown_key", item, expectation(s), NO_REPAIR, suggest(key, s.names), DROP);
      } else next = this.walk(item, extra, d);
      this.path.pop();
      if (next === DROP) delete o[key];
      else if (next !== item) o[key] = next;
    }
    // An Any of a well-known type carries its JSON under "value": without it, reading the default
    // is a guess (acceptance rule any_without_value).
    if (anyMessage) {
      const type = o["@type"];
      if (typeof type === "string" && ANY_VALUE_TYPE.test(type) && !("value" in o))
        return this.report(
          "wrong_type",
          o,
          `the JSON value of ${type.slice(type.lastIndexOf("/") + 1)} under "value"`,
        );
    }
    return o;
  }

  /** Whether `v` is a scalar exactly as `s` expects it (nothing to report, nothing to repair). */
  private leafOk(v: unknown, s: Shape): boolean {
    if (s.kind !== "scalar") return false;
    switch (typeof v) {
      case "string":
        return (
          s.string &&
          !this.checkUnicode &&
          (s.enum === undefined || s.enum.nameSet.has(v)) &&
          (!s.timestamp || isProtoTimestamp(v)) &&
          (s.digits === undefined || integerTextOk(v, s.digits)) &&
          (s.floatText === undefined || FLOAT_TEXT.test(v))
        );
      case "number":
        // An unsafe integer after a fast parse may have lost digits: the slow path handles it.
        // JSON.parse makes a number beyond the double range ±Infinity: not a leaf (see `scalar`).
        return s.number
          ? Number.isFinite(v) && (!this.fromFastParse || Number.isSafeInteger(v) || !Number.isInteger(v))
          : s.integer && Number.isSafeInteger(v) && (s.enum === undefined || enumNumberOk(s.enum, v));
      case "boolean":
        return s.boolean;
      default:
        return v === null && s.nullable;
    }
  }

  /** A key that may never reach JavaScript objects: __proto__ and friends, or invalid Unicode. */
  private badKey(key: string): boolean {
    return FORBIDDEN.has(key) || (this.checkUnicode && !(key as WellFormed).isWellFormed());
  }

  private reportKey(key: string, item: unknown): unknown {
    return FORBIDDEN.has(key)
      ? this.report(
          "forbidden_key",
          item,
          "no __proto__, constructor or prototype keys",
          NO_REPAIR,
          undefined,
          DROP,
        )
      : this.report("lone_surrogate", key, "a valid Unicode key", NO_REPAIR, undefined, DROP);
  }

  private anyObject(o: Record<string, unknown>, s: Shape, depth: number): unknown {
    const d = depth + 1;
    for (const key in o) {
      const item = o[key];
      this.path.push(key);
      const next = this.badKey(key) ? this.reportKey(key, item) : this.walk(item, s, d);
      this.path.pop();
      if (next === DROP) delete o[key];
      else if (next !== item) o[key] = next;
    }
    return o;
  }

  private scalar(v: unknown, s: ScalarShape): unknown {
    if (typeof v === "number") {
      if (s.enum !== undefined && Number.isInteger(v))
        return enumNumberOk(s.enum, v) ? v : this.report("enum_unknown", v, expectation(s));
      // Beyond the double range: JSON cannot write it back (JSON.stringify gives null), PHP refuses it.
      if (!Number.isFinite(v)) return this.report("wrong_type", v, "a finite number");
      if (s.number || (s.integer && Number.isInteger(v))) return v;
      if (s.boolean && (v === 0 || v === 1)) return this.report("int_for_bool", v, "a boolean", v === 1);
      if (s.integer && Number.isFinite(v)) return this.report("float_for_integer", v, expectation(s));
      if (s.string && !s.integer) {
        return this.report(
          "number_for_string",
          v,
          expectation(s),
          Number.isSafeInteger(v) ? String(v) : NO_REPAIR,
        );
      }
      return this.report("wrong_type", v, expectation(s));
    }
    if (typeof v === "boolean") return s.boolean ? v : this.report("wrong_type", v, expectation(s));
    if (typeof v === "bigint") {
      // An integer beyond ±2^53 that the reader kept exact (see body.ts): beyond int32 too.
      if (s.enum !== undefined) return this.report("enum_unknown", v, expectation(s));
      // A double field reads any JSON number as its nearest double, as every ProtoJSON reader does:
      // JSON.stringify writes the doubles in [2^53, 1e21) as plain digits (`10000000000000000`).
      if (s.number) return Number(v);
      const exact = v.toString();
      if (s.string && s.integer)
        return this.report("unsafe_integer", v, "a 64-bit integer as a string", exact, undefined, exact);
      if (s.string) return this.report("number_for_string", v, expectation(s), exact, undefined, exact);
      if (s.integer || s.number)
        return this.report(
          "unsafe_integer",
          v,
          "a number JavaScript can hold exactly",
          NO_REPAIR,
          undefined,
          Number(v),
        );
      return this.report("wrong_type", v, expectation(s), NO_REPAIR, undefined, Number(v));
    }
    return this.report("wrong_type", v, expectation(s));
  }

  /**
   * A string for an integer field that is not ProtoJSON's decimal integer string: a numeral (`"007"`,
   * `"1e3"`, `"+1"`, a PDO column) is `numeric_string` without a repair (only canonical numerals have
   * one, and for this field the string itself would be legal), anything else `wrong_type`.
   */
  private integerText(v: string, s: ScalarShape): unknown {
    const expected = `${INTEGER_TEXT[s.digits ?? "signed"]}, or a number`;
    return this.report(NUMERIC.test(v) ? "numeric_string" : "wrong_type", v, expected);
  }

  /**
   * A number with a fraction or exponent whose double is an integer beyond ±2^53
   * (`9007199254740993.0`): a double field or a Value takes the double; an integer field refuses it —
   * the double may differ from the number written, and a PHP reader (json_decode) sees only the double.
   */
  private inexact(v: InexactNumber, s: Shape): unknown {
    if (s.kind === "any" || (s.kind === "scalar" && s.number)) return v.value;
    if (s.kind === "scalar") {
      if (s.enum !== undefined)
        return this.report("enum_unknown", v, expectation(s), NO_REPAIR, undefined, v.value);
      if (s.integer)
        return this.report(
          "unsafe_integer",
          v,
          "an integer without a fraction or exponent beyond ±2^53 (a 64-bit integer as a string)",
          NO_REPAIR,
          undefined,
          v.value,
        );
      if (s.string) return this.report("number_for_string", v, expectation(s), NO_REPAIR, undefined, v.value);
    }
    return this.report("wrong_type", v, expectation(s), NO_REPAIR, undefined, v.value);
  }

  /**
   * A string that is not a name of enum `e`: a numeral (a PDO column: `numeric_string`, repaired to the
   * number when the enum has it), a short name or case variant of one value (`enum_name`, with the name
   * to send), or a name the enum lacks (`enum_unknown`, with a did-you-mean for a typo).
   */
  private enumName(v: string, s: ScalarShape, e: EnumValues): unknown {
    if (NUMERIC.test(v)) {
      if (!CANONICAL_INT.test(v)) return this.report("numeric_string", v, expectation(s));
      const n = Number(v);
      return Number.isSafeInteger(n) && enumNumberOk(e, n)
        ? this.report("numeric_string", v, expectation(s), n)
        : this.report("enum_unknown", v, expectation(s));
    }
    if (v.length > MAX_ENUM_GUESS) return this.report("enum_unknown", v, expectation(s));
    const meant = e.folded.get(foldEnumName(v));
    if (meant !== undefined) return this.report("enum_name", v, expectation(s), NO_REPAIR, meant);
    if (e.names.length > MAX_ENUM_TYPO_NAMES) return this.report("enum_unknown", v, expectation(s));
    // A typo of a full name (`INVOICE_STATUS_OPNE`) or of a short one (`OPNE`).
    let guess = suggest(v, e.names);
    if (guess === undefined) {
      const short = suggest(v, e.short);
      if (short !== undefined) guess = e.names[e.short.indexOf(short)];
    }
    return this.report("enum_unknown", v, expectation(s), NO_REPAIR, guess);
  }

  private scalarFromString(v: string, s: ScalarShape): unknown {
    if ((s.integer || s.number) && NUMERIC.test(v)) {
      let repaired: unknown = NO_REPAIR;
      if (s.number ? CANONICAL_DECIMAL.test(v) : CANONICAL_INT.test(v)) {
        const n = Number(v);
        if (s.number ? Number.isFinite(n) : Number.isSafeInteger(n)) repaired = n;
      }
      return this.report("numeric_string", v, expectation(s), repaired);
    }
    if (s.boolean) {
      const b = v === "1" || v === "true" ? true : v === "0" || v === "" || v === "false" ? false : undefined;
      if (b !== undefined) return this.report("string_for_bool", v, "a boolean", b);
    }
    return this.report("wrong_type", v, expectation(s));
  }
}

/** The branch of a union whose properties match most keys of `v` (the first one for non-objects). */
function pickBranch(v: unknown, u: UnionShape): ObjectShape {
  let best = u.branches[0] as ObjectShape;
  if (typeof v !== "object" || v === null || Array.isArray(v))
    return u.nullable ? { ...best, nullable: true } : best;
  let bestScore = -1;
  for (const b of u.branches) {
    let score = 0;
    for (const k of Object.keys(v)) if (b.props?.has(k)) score++;
    if (score > bestScore) {
      best = b;
      bestScore = score;
    }
  }
  return best;
}

/** Human description of what a shape expects. */
export function expectation(s: Shape): string {
  const base = ((): string => {
    switch (s.kind) {
      case "any":
        return "any JSON value";
      case "array":
        return "a list (JSON array)";
      case "object":
        return s.props === undefined
          ? "a map (JSON object)"
          : s.names.length > 0
            ? `an object with keys ${s.names.slice(0, 8).join(", ")}${s.names.length > 8 ? ", …" : ""}`
            : "an object";
      case "union":
        return "one of several objects";
      case "scalar": {
        if (s.enum !== undefined) return s.enum.expected;
        const t: string[] = [];
        if (s.string) t.push(s.dateTime ? "an RFC 3339 date-time string" : "a string");
        if (s.integer && !s.number) t.push("an integer");
        if (s.number) t.push("a number");
        if (s.boolean) t.push("a boolean");
        return t.join(" or ");
      }
    }
  })();
  return s.nullable ? `${base} or null` : base;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "bigint") return `the integer ${v}`;
  if (v instanceof InexactNumber) return `the number ${v.source}`;
  if (Array.isArray(v)) return v.length === 0 ? "[] (empty array)" : `a list: ${preview(v)}`;
  if (typeof v === "object") return `an object: ${preview(v)}`;
  if (typeof v === "string") return `the string ${preview(v)}`;
  return `the ${typeof v} ${preview(v)}`;
}

/** A did-you-mean for a misspelt key: same name ignoring case and `_`, or at most a few edits away. */
export function suggest(key: string, names: readonly string[]): string | undefined {
  const norm = (n: string) => n.toLowerCase().replace(/[_-]/g, "");
  const k = norm(key);
  if (k.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(k.length / 3));
  for (const name of names) {
    if (name.includes("_") && names.some((n) => n !== name && norm(n) === norm(name))) continue; // the proto-name alias
    const d = distance(k, norm(name), bestDistance);
    if (d === 0) return name;
    if (d <= bestDistance) {
      best = name;
      bestDistance = d - 1;
    }
  }
  return best;
}

function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The fix text of a finding, with its suggestion. */
export function fixOf(f: Finding): string {
  return f.suggestion !== undefined
    ? `did you mean "${f.suggestion}"? ${PITFALLS[f.code].fix}`
    : PITFALLS[f.code].fix;
}
