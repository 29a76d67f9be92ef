/**
 * How each contract value type looks in PHP: the declared type, the PHPStan docblock type, the decode
 * expression (strict, with a fast path for the common case) and the encode expression (canonical
 * ProtoJSON or the JSON Schema wire form). One function per value kind; well-known types map to the
 * runtime's classes.
 */
import type { MapKeyType, ScalarType, ValueType, WellKnownType } from "../../codegen/model/types.js";
import type { PhpContext } from "../context.js";
import { phpIdentifier } from "../names.js";
import type { PhpFile } from "../printer.js";

/** Number.MAX_SAFE_INTEGER (2^53 - 1): a JSON integer beyond ±this is `unsafe_integer`, read by Read. */
const SAFE = "0x1FFFFFFFFFFFFF";
/** The PHP side of one value type, bound to the file that uses it (imports are recorded there). */
export interface PhpType {
  /** Declared PHP type without nullability (`int`, `array`, `Money`, `int|string`, `mixed`). */
  readonly php: string;
  /** Docblock type for PHPStan (`list<Money>`, `array<int, string>`), or the declared type. */
  readonly doc: string;
  /** PHP expression decoding `$v` (a JSON value) at path expression `p`, recording errors in `$e`. */
  decode(v: string, p: string): string;
  /** A PHP callable `(mixed $v, string $p, Errors $e)` decoding one value (for list elements, map values). */
  callable(): string;
  /** PHP expression encoding `x` (a value of this type) for `json_encode`. */
  encode(x: string): string;
  /** Whether {@link encode} is the identity (json_encode writes the value correctly as is). */
  readonly identity: boolean;
  /** The proto3 default (implicit presence), as a PHP literal; undefined when the type has none. */
  readonly zero?: string;
  /**
   * A PHP literal of this type for a decoder's local of a required JSON Schema property before its key
   * is read, when {@link zero} is undefined. It never reaches the constructor (a missing key is an
   * error); it gives the local its non-null type.
   */
  readonly placeholder?: string;
  /** PHP condition that `x` is not the default. */
  notZero?(x: string): string;
  /** Whether JSON `null` is a value of this type (google.protobuf.Value, JSON Schema nullable). */
  readonly acceptsNull: boolean;
  /**
   * Whether {@link decode} returns null after recording an error (a message's or union's `decode`):
   * lists and maps of it use the runtime readers that leave such values out, typed `list<T>`.
   */
  readonly nullOnError?: true;
}

/** Type mapping shared by the message, union and oneof emitters. */
export class PhpTypes {
  constructor(
    private readonly ctx: PhpContext,
    private readonly file: PhpFile,
  ) {}

  private rt(name: string): string {
    return this.file.use(`${this.ctx.runtimeNamespace}\\${name}`);
  }

  /** The PHP type of `t`. `singular` is true for a field (not a list element or map value). */
  of(t: ValueType, singular = true): PhpType {
    switch (t.kind) {
      case "scalar":
        // A JSON Schema date-time string: a PHP DateTime object there is datetime_object (policy).
        if (t.scalar === "string" && t.constraints?.format === "date-time") {
          const str = this.scalar("string");
          const read = this.rt("Json\\Read");
          return {
            ...str,
            decode: (v, p) => `\\is_string(${v}) ? ${v} : ${read}::dateTimeString(${v}, ${p}, $e)`,
            callable: () => `${read}::dateTimeString(...)`,
          };
        }
        return this.scalar(t.scalar);
      case "enum": {
        if (t.ref === "google.protobuf.NullValue") return this.nullValue();
        const name = this.file.use(this.ctx.classOf(t.ref).fqcn);
        const decl = this.ctx.model.decls.get(t.ref);
        const first = decl?.kind === "enum" ? decl.values[0] : undefined;
        const firstCase = first ? `${name}::${enumCaseOf(this.ctx, t.ref, first.name)}` : undefined;
        const zero = decl?.source === "proto" ? firstCase : undefined;
        if (decl?.kind === "enum" && decl.source === "proto" && decl.open) {
          // Open enum: a number the contract does not name stays an int (decode returns it); encoding
          // writes a case by name and an int as its case's name when it has one, else as the number.
          return {
            php: `${name}|int`,
            doc: `${name}|int`,
            decode: (v, p) => `${name}::decode(${v}, ${p}, $e)`,
            callable: () => `${name}::decode(...)`,
            encode: (x) => `${name}::encode(${x})`,
            identity: false,
            ...(zero !== undefined ? { zero, notZero: (x: string) => `${x} !== ${zero} && ${x} !== 0` } : {}),
            acceptsNull: false,
          };
        }
        return {
          php: name,
          doc: name,
          decode: (v, p) => `${name}::decode(${v}, ${p}, $e)`,
          callable: () => `${name}::decode(...)`,
          encode: (x) => x,
          identity: true,
          ...(zero !== undefined ? { zero, notZero: (x: string) => `${x} !== ${zero}` } : {}),
          ...(firstCase !== undefined ? { placeholder: firstCase } : {}),
          acceptsNull: false,
        };
      }
      case "message": {
        const decl = this.ctx.model.decls.get(t.ref);
        if (decl?.kind === "message" && decl.wellKnown !== undefined)
          return this.wellKnown(decl.wellKnown, singular);
        const name = this.file.use(this.ctx.classOf(t.ref).fqcn);
        return classType(name);
      }
      case "union":
        return classType(this.file.use(this.ctx.classOf(t.ref).fqcn));
      case "list": {
        const el = this.of(t.element, false);
        const read = this.rt("Json\\Read");
        const reader = el.nullOnError ? "listOfMessages" : "listOf";
        return {
          php: "array",
          doc: `list<${el.doc}>`,
          decode: (v, p) => `${read}::${reader}(${v}, ${p}, $e, ${el.callable()})`,
          // No declared return type: PHPStan infers the closure's `list<T>` from the call.
          callable: () =>
            `static fn (mixed $v, string $p, ${this.rt("Json\\Errors")} $e) => ${read}::${reader}($v, $p, $e, ${el.callable()})`,
          encode: (x) => (el.identity ? x : this.listEncode(t.element, el, x)),
          identity: el.identity,
          zero: "[]",
          notZero: (x) => `${x} !== []`,
          acceptsNull: false,
        };
      }
      case "map": {
        const el = this.of(t.value, false);
        const key = mapKey(t.key);
        const read = this.rt("Json\\Read");
        const write = this.rt("Json\\Write");
        const reader = el.nullOnError ? "mapOfMessages" : "mapOf";
        return {
          php: "array",
          doc: `array<${key.doc}, ${el.doc}>`,
          decode: (v, p) =>
            `${read}::${reader}(${v}, ${p}, $e, ${read}::${key.reader}(...), ${el.callable()})`,
          callable: () =>
            `static fn (mixed $v, string $p, ${this.rt("Json\\Errors")} $e) => ${read}::${reader}($v, $p, $e, ${read}::${key.reader}(...), ${el.callable()})`,
          encode: (x) =>
            el.identity ? `${write}::map(${x})` : `${write}::map(${x}, static fn ($y) => ${el.encode("$y")})`,
          identity: false,
          zero: "[]",
          notZero: (x) => `${x} !== []`,
          acceptsNull: false,
        };
      }
      case "any": {
        const read = this.rt("Json\\Read");
        const write = this.rt("Json\\Write");
        return {
          php: "mixed",
          doc: "mixed",
          decode: (v, p) => `${read}::value(${v}, ${p}, $e)`,
          callable: () => `${read}::value(...)`,
          encode: (x) => `${write}::value(${x})`,
          identity: false,
          acceptsNull: true,
        };
      }
      case "nullable": {
        const inner = this.of(t.type, singular);
        const errors = this.rt("Json\\Errors");
        return {
          php: inner.php === "mixed" ? "mixed" : `${inner.php}|null`,
          doc: inner.doc === "mixed" ? "mixed" : `${inner.doc}|null`,
          decode: (v, p) => `${v} === null ? null : (${inner.decode(v, p)})`,
          callable: () =>
            `static fn (mixed $v, string $p, ${errors} $e) => $v === null ? null : (${inner.decode("$v", "$p")})`,
          encode: (x) => (inner.identity ? x : `${x} === null ? null : (${inner.encode(x)})`),
          identity: inner.identity,
          acceptsNull: true,
        };
      }
    }
  }

  private listEncode(element: ValueType, el: PhpType, x: string): string {
    const write = this.rt("Json\\Write");
    if (element.kind === "scalar") {
      if (isInt64(element.scalar)) return `${write}::int64s(${x})`;
      if (element.scalar === "double" || element.scalar === "float") return `${write}::doubles(${x})`;
      if (element.scalar === "bytes") return `${write}::bytesList(${x})`;
    }
    return `\\array_map(static fn ($y) => ${el.encode("$y")}, ${x})`;
  }

  private scalar(s: ScalarType): PhpType {
    const read = this.rt("Json\\Read");
    const base = (
      php: string,
      reader: string,
      fast: ((v: string) => string) | undefined,
      encode: (x: string) => string,
      zero: string | undefined,
      identity: boolean,
    ): PhpType => ({
      php,
      doc: php,
      decode: (v, p) =>
        fast
          ? `${fast(v)} ? ${v} : ${read}::${reader}(${v}, ${p}, $e)`
          : `${read}::${reader}(${v}, ${p}, $e)`,
      callable: () => `${read}::${reader}(...)`,
      encode,
      identity,
      ...(zero !== undefined
        ? {
            zero,
            notZero: (x: string) =>
              php === "int|string"
                ? `${x} !== 0 && ${x} !== '0'`
                : php === "float"
                  ? // -0.0 === 0.0 in PHP; protobuf-es writes a -0 field (as `0`), so does this.
                    `(${x} !== 0.0 || \\fdiv(1.0, ${x}) < 0.0)`
                  : `${x} !== ${zero}`,
          }
        : {}),
      acceptsNull: false,
    });
    const id = (x: string): string => x;
    switch (s) {
      case "int32":
      case "sint32":
      case "sfixed32":
        return base(
          "int",
          "int32",
          (v) => `\\is_int(${v}) && ${v} >= -2147483648 && ${v} <= 2147483647`,
          id,
          "0",
          true,
        );
      case "uint32":
      case "fixed32":
        return base(
          "int",
          "uint32",
          (v) => `\\is_int(${v}) && ${v} >= 0 && ${v} <= 4294967295`,
          id,
          "0",
          true,
        );
      case "int64":
      case "sint64":
      case "sfixed64":
        return base(
          "int",
          "int64",
          // Beyond ±2^53 a JSON number is unsafe_integer (the policy decides): Read::int64.
          (v) => `\\is_int(${v}) && \\abs(${v}) <= ${SAFE}`,
          (x) => `(string) ${x}`,
          "0",
          false,
        );
      case "uint64":
      case "fixed64":
        return base(
          "int|string",
          "uint64",
          (v) => `\\is_int(${v}) && ${v} >= 0 && ${v} <= ${SAFE}`,
          (x) => `(string) ${x}`,
          "0",
          false,
        );
      case "double":
        return base(
          "float",
          "double",
          // json_decode makes a number beyond the double range ±INF: Read::double refuses it.
          (v) => `\\is_float(${v}) && \\is_finite(${v})`,
          // Write::double writes -0.0 as 0 (JSON.stringify cannot write a negative zero).
          (x) => `${this.rt("Json\\Write")}::double(${x})`,
          "0.0",
          false,
        );
      case "float":
        return base(
          "float",
          "float",
          undefined,
          (x) => `${this.rt("Json\\Write")}::double(${x})`,
          "0.0",
          false,
        );
      case "bool":
        return base("bool", "bool", (v) => `\\is_bool(${v})`, id, "false", true);
      case "string":
        return base("string", "string", (v) => `\\is_string(${v})`, id, "''", true);
      case "bytes":
        return base("string", "bytes", undefined, (x) => `\\base64_encode(${x})`, "''", false);
      case "integer":
        return {
          ...base(
            "int",
            "jsonInteger",
            (v) => `\\is_int(${v}) && \\abs(${v}) <= ${SAFE}`,
            id,
            undefined,
            true,
          ),
          placeholder: "0",
        };
      case "number":
        return {
          // `+ 0.0`: -0.0 is written as 0, as JSON.stringify does.
          ...base(
            "float",
            "jsonNumber",
            (v) => `\\is_float(${v}) && \\is_finite(${v})`,
            (x) => `${x} + 0.0`,
            undefined,
            false,
          ),
          placeholder: "0.0",
        };
    }
  }

  private nullValue(): PhpType {
    const read = this.rt("Json\\Read");
    return {
      php: "mixed",
      doc: "null",
      decode: (v, p) => `${read}::nullValue(${v}, ${p}, $e)`,
      callable: () => `${read}::nullValue(...)`,
      encode: () => "null",
      identity: true,
      acceptsNull: true,
    };
  }

  private wellKnown(w: WellKnownType, singular: boolean): PhpType {
    const read = (): string => this.rt("Json\\Read");
    const write = (): string => this.rt("Json\\Write");
    const cls = (name: string, reader: string): PhpType => {
      const n = this.rt(name);
      return {
        php: n,
        doc: n,
        decode: (v, p) => `${reader === "read" ? n : read()}::${reader}(${v}, ${p}, $e)`,
        callable: () => `${reader === "read" ? n : read()}::${reader}(...)`,
        encode: (x) => x,
        identity: true,
        acceptsNull: false,
      };
    };
    switch (w) {
      case "Timestamp": {
        // Read::timestamp: a PHP DateTime object is datetime_object (repaired as the policy says).
        const t = cls("Timestamp", "timestamp");
        return { ...t, php: this.rt("Timestamp"), doc: this.rt("Timestamp") };
      }
      case "Duration":
        return cls("Duration", "read");
      case "FieldMask":
        return cls("FieldMask", "read");
      case "Empty":
        return cls("EmptyMessage", "empty");
      case "Any":
        return cls("Any", "read");
      case "Struct":
        return {
          php: "array",
          doc: "array<string, mixed>",
          decode: (v, p) => `${read()}::struct(${v}, ${p}, $e)`,
          callable: () => `${read()}::struct(...)`,
          encode: (x) => `${write()}::struct(${x})`,
          identity: false,
          acceptsNull: false,
        };
      case "ListValue":
        return {
          php: "array",
          doc: "list<mixed>",
          decode: (v, p) => `${read()}::listValue(${v}, ${p}, $e)`,
          callable: () => `${read()}::listValue(...)`,
          encode: (x) => `${write()}::value(${x})`,
          identity: false,
          acceptsNull: false,
        };
      case "Value": {
        if (!singular) {
          return {
            php: "mixed",
            doc: "mixed",
            decode: (v, p) => `${read()}::value(${v}, ${p}, $e)`,
            callable: () => `${read()}::value(...)`,
            encode: (x) => `${write()}::value(${x})`,
            identity: false,
            acceptsNull: true,
          };
        }
        const n = this.rt("Value");
        return {
          php: n,
          doc: n,
          decode: (v, p) => `new ${n}(${read()}::value(${v}, ${p}, $e))`,
          callable: () =>
            `static fn (mixed $v, string $p, ${this.rt("Json\\Errors")} $e): ${n} => new ${n}(${read()}::value($v, $p, $e))`,
          encode: (x) => x,
          identity: true,
          acceptsNull: true,
        };
      }
      case "NullValue":
        return this.nullValue();
      case "DoubleValue":
        return this.scalar("double");
      case "FloatValue":
        return this.scalar("float");
      case "Int64Value":
        return this.scalar("int64");
      case "UInt64Value":
        return this.scalar("uint64");
      case "Int32Value":
        return this.scalar("int32");
      case "UInt32Value":
        return this.scalar("uint32");
      case "BoolValue":
        return this.scalar("bool");
      case "StringValue":
        return this.scalar("string");
      case "BytesValue":
        return this.scalar("bytes");
    }
  }
}

function classType(name: string): PhpType {
  return {
    php: name,
    doc: name,
    decode: (v, p) => `${name}::decode(${v}, ${p}, $e)`,
    callable: () => `${name}::decode(...)`,
    encode: (x) => x,
    identity: true,
    acceptsNull: false,
    nullOnError: true,
  };
}

/** Whether a scalar is written as a JSON string in ProtoJSON (64-bit integers). */
export function isInt64(s: ScalarType): boolean {
  return s === "int64" || s === "sint64" || s === "sfixed64" || s === "uint64" || s === "fixed64";
}

function mapKey(k: MapKeyType): { doc: string; reader: string } {
  switch (k) {
    case "string":
      return { doc: "string", reader: "keyString" };
    case "bool":
      return { doc: "string", reader: "keyBool" };
    case "int32":
    case "sint32":
    case "sfixed32":
      return { doc: "int", reader: "keyInt32" };
    case "uint32":
    case "fixed32":
      return { doc: "int", reader: "keyUint32" };
    case "int64":
    case "sint64":
    case "sfixed64":
      return { doc: "int", reader: "keyInt64" };
    case "uint64":
    case "fixed64":
      return { doc: "int|string", reader: "keyUint64" };
  }
}

const enumCaseCache = new WeakMap<object, Map<string, Map<string, string>>>();

/**
 * The PHP case name of enum value `valueName` of enum `ref` (see {@link enumCases}); computed once per
 * enum and cached, so lookups stay O(1).
 */
export function enumCaseOf(ctx: PhpContext, ref: string, valueName: string): string {
  let perCtx = enumCaseCache.get(ctx);
  if (!perCtx) {
    perCtx = new Map();
    enumCaseCache.set(ctx, perCtx);
  }
  let cases = perCtx.get(ref);
  if (!cases) {
    const decl = ctx.model.decls.get(ref);
    cases =
      decl?.kind === "enum"
        ? enumCases(
            decl.name,
            decl.source,
            decl.values.map((v) => v.name),
            decl.values.map((v) => v.number ?? 0),
          )
        : new Map();
    perCtx.set(ref, cases);
  }
  return cases.get(valueName) ?? valueName;
}

/**
 * Case names of an enum. Proto: the value name without the enum's UPPER_SNAKE prefix
 * (`ORDER_STATUS_PAID` → `PAID`), unless stripping would leave an invalid or colliding name, in which
 * case the full value name is kept. JSON Schema: the value in UPPER_SNAKE (`page_view` → `PAGE_VIEW`).
 * Then {@link phpIdentifier} rules for cases (`class` → `class_`), and `_2`, `_3` for any remaining
 * clash (enum cases are case-sensitive, but PHP class constants must be unique). With `numbers`, a
 * proto alias (a later value with an earlier value's number) maps to the earlier value's case.
 */
export function enumCases(
  enumName: string,
  source: "proto" | "jsonschema",
  values: readonly string[],
  numbers?: readonly number[],
): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  const prefix = `${enumName
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toUpperCase()}_`;
  const stripped = values.map((v) => {
    if (source !== "proto") return v.toUpperCase().replace(/[^A-Z0-9_]+/g, "_");
    const s = v.startsWith(prefix) ? v.slice(prefix.length) : v;
    return s === "" || /^[0-9]/.test(s) ? v : s;
  });
  const counts = new Map<string, number>();
  for (const s of stripped) counts.set(s, (counts.get(s) ?? 0) + 1);
  values.forEach((v, i) => {
    let name = stripped[i] ?? v;
    if ((counts.get(name) ?? 0) > 1 && source === "proto") name = v;
    name = phpIdentifier(name, "case");
    const base = name;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    out.set(v, name);
  });
  // Proto aliases (`allow_alias`): a value whose number an earlier value has is no case of its own;
  // its name maps to the case of the first value with that number (the canonical ProtoJSON name).
  if (numbers !== undefined && source === "proto") {
    const first = new Map<number, string>();
    values.forEach((v, i) => {
      const n = numbers[i] ?? 0;
      const c = first.get(n);
      if (c === undefined) first.set(n, out.get(v) ?? v);
      else out.set(v, c);
    });
  }
  return out;
}

/** Names of the proto enum values that alias an earlier value's number (`allow_alias`). */
export function enumAliases(values: readonly { name: string; number?: number }[]): Set<string> {
  const seen = new Set<number>();
  const out = new Set<string>();
  for (const v of values) {
    const n = v.number ?? 0;
    if (seen.has(n)) out.add(v.name);
    else seen.add(n);
  }
  return out;
}
