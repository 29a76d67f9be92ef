/**
 * Guard plans: each wire JSON Schema (`gen/schema/*.schema.json`) compiled once into a small tree of
 * shapes — what JSON type is expected at every path — which the guard walks in one pass over a value.
 * Everything finer (patterns, ranges, required keys) is left to the validators that run afterwards.
 */

/** What is expected at one path. */
export type Shape = ObjectShape | ArrayShape | ScalarShape | AnyShape | UnionShape;

interface ShapeBase {
  /** `null` is allowed (ProtoJSON: null means the default; JSON Schema: `"type": [..., "null"]`). */
  nullable: boolean;
}

/** A message/object (`props` set) or a map (`props` undefined, `extra` set). */
export interface ObjectShape extends ShapeBase {
  kind: "object";
  props: Map<string, Shape> | undefined;
  /** Shape of keys not in `props`; undefined when the contract forbids them. */
  extra: Shape | undefined;
  /** Property names, for did-you-mean suggestions. */
  names: readonly string[];
  /**
   * The keys of a ProtoJSON map with integer or bool keys (its wire schema's `propertyNames`): decimal
   * integer strings, signed or unsigned, or `"true"`/`"false"`; undefined for any other object.
   */
  keys?: IntegerText | "bool";
}

/** ProtoJSON's integer strings (the wire schemas' patterns): `-?(0|[1-9][0-9]*)` or without the sign. */
export type IntegerText = "signed" | "unsigned";

const SIGNED_INT_STRING = "^-?(0|[1-9][0-9]*)$";
const UNSIGNED_INT_STRING = "^(0|[1-9][0-9]*)$";
const SIGNED_TEXT = /^-?(0|[1-9][0-9]*)$/;
const UNSIGNED_TEXT = /^(0|[1-9][0-9]*)$/;
/** ProtoJSON's float strings (the wire schemas' pattern for double and float). */
const FLOAT_STRING = "^(NaN|-?Infinity|-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?)$";
/** {@link FLOAT_STRING} as a regular expression. */
export const FLOAT_TEXT = new RegExp(FLOAT_STRING);

/** The ProtoJSON integer string kind of a wire schema `pattern`, if it is one. */
function integerText(pattern: unknown): IntegerText | undefined {
  return pattern === SIGNED_INT_STRING ? "signed" : pattern === UNSIGNED_INT_STRING ? "unsigned" : undefined;
}

/** Whether `v` is an integer string of kind `t` (for map keys, also `"true"`/`"false"`). */
export function integerTextOk(v: string, t: IntegerText | "bool"): boolean {
  return t === "signed"
    ? SIGNED_TEXT.test(v)
    : t === "unsigned"
      ? UNSIGNED_TEXT.test(v)
      : v === "true" || v === "false";
}

/** A list (JSON array) of `items`. */
export interface ArrayShape extends ShapeBase {
  kind: "array";
  items: Shape;
}

/** A string, number, integer or boolean, or a union of them (ProtoJSON int64: string or integer). */
export interface ScalarShape extends ShapeBase {
  kind: "scalar";
  string: boolean;
  integer: boolean;
  number: boolean;
  boolean: boolean;
  /** `format: date-time`. */
  dateTime: boolean;
  /**
   * google.protobuf.Timestamp (its wire schema's pattern with `format: date-time`): strings are read as
   * ProtoJSON reads them ({@link isProtoTimestamp}).
   */
  timestamp: boolean;
  /**
   * A ProtoJSON integer field that takes strings (int64 as `"123"`, also 32-bit integers): a string must
   * be a decimal integer (its wire schema's pattern), as the PHP reader requires; undefined otherwise.
   */
  digits?: IntegerText;
  /**
   * A ProtoJSON double or float, which takes strings: a string must match the wire schemas' float
   * pattern (`"1.5"`, `"NaN"`; not `"+1"`, `".5"`, `" 1"`), as the PHP reader requires.
   */
  floatText?: true;
  /** The values of a proto enum (its wire schema); undefined for any other scalar. */
  enum: EnumValues | undefined;
}

/**
 * The values a proto enum accepts in ProtoJSON (exactly what its wire schema's `anyOf` of names and
 * numbers accepts), with the tables the guard needs to classify a wrong value, built once per enum.
 */
export interface EnumValues {
  /** Full name (`billing.v1.InvoiceStatus`). */
  readonly name: string;
  /** Declared value names, in declaration order. */
  readonly names: readonly string[];
  /** The same names, for lookups. */
  readonly nameSet: ReadonlySet<string>;
  /** Declared numbers of a closed enum; undefined for an open one, which takes any int32 number. */
  readonly numbers: ReadonlySet<number> | undefined;
  /**
   * Each value's short name (without the enum's UPPER_SNAKE prefix: `OPEN` for `INVOICE_STATUS_OPEN`,
   * what a PHP enum's `->name` gives), aligned with `names`.
   */
  readonly short: readonly string[];
  /**
   * Names and short names folded ({@link foldEnumName}) → the declared name they stand for; names whose
   * fold is shared by two values are left out (no guess between them).
   */
  readonly folded: ReadonlyMap<string, string>;
  /** What the enum accepts, in words (`one of A, B (ProtoJSON names) or an int32 number`). */
  readonly expected: string;
}

/** One of several messages (JSON Schema `oneOf` of objects): the branch matching most keys is walked. */
export interface UnionShape extends ShapeBase {
  kind: "union";
  branches: ObjectShape[];
}

/** Anything (google.protobuf.Value, `{}`); only limits and forbidden keys are checked. */
export interface AnyShape extends ShapeBase {
  kind: "any";
  /**
   * The payload of a `google.protobuf.Any`: its type is known only by `@type`, so an integer beyond
   * ±2^53 there may be an int64 that a double would round — refused (`unsafe_integer`), not read as
   * the nearest double as in a `google.protobuf.Value`.
   */
  exactIntegers?: true;
}

/** The wire schema of `google.protobuf.Any`: an object whose only declared property is `@type`. */
export function isAnyMessageSchema(s: Record<string, unknown>): boolean {
  const props = s["properties"];
  return (
    s["type"] === "object" &&
    s["additionalProperties"] === undefined &&
    typeof props === "object" &&
    props !== null &&
    Object.keys(props).length === 1 &&
    "@type" in props
  );
}

/**
 * Well-known types whose numbers are doubles (Value semantics): in an Any of one of them an integer
 * beyond ±2^53 is read as the nearest double, as everywhere else they appear.
 */
export const ANY_DOUBLE_TYPE = /\/google\.protobuf\.(Struct|Value|ListValue|DoubleValue|FloatValue)$/;

/** Well-known types whose JSON sits under `value` in an Any (every one but Empty and plain messages). */
export const ANY_VALUE_TYPE =
  /\/google\.protobuf\.(Timestamp|Duration|FieldMask|Struct|ListValue|Value|DoubleValue|FloatValue|Int64Value|UInt64Value|Int32Value|UInt32Value|BoolValue|StringValue|BytesValue|Any)$/;

type Json = Record<string, unknown>;

const URN = "urn:contractgen:";

/** Error in a wire schema itself (a broken `$ref`): a bug in the generated schemas, not in a payload. */
export class SchemaPlanError extends Error {
  override name = "SchemaPlanError";
  readonly code = "schema_plan";
}

/**
 * Compiles wire schemas into shapes lazily, each schema once, and caches the result; recursive schemas
 * (google.protobuf.Value, Struct) become cyclic shapes.
 */
export class ShapePlanner {
  private readonly docs = new Map<string, Json>();
  private readonly cache = new Map<string, Shape>();
  /** Shapes still being compiled (recursion), with the nullable copies to fill once they are done. */
  private readonly pending = new Map<Shape, Shape[]>();

  constructor(schemas: Iterable<unknown>) {
    for (const s of schemas) {
      if (typeof s === "object" && s !== null && typeof (s as Json)["$id"] === "string") {
        this.docs.set((s as Json)["$id"] as string, s as Json);
      }
    }
  }

  /** Whether a schema with this full name (`shop.order.v1.Order`) or `$id` is known. */
  has(name: string): boolean {
    return this.docs.has(name.startsWith(URN) ? name : URN + name);
  }

  /** The shape of a full name (`shop.order.v1.Order`) or `$id`. */
  shape(name: string): Shape {
    const id = name.startsWith(URN) ? name : URN + name;
    const cached = this.cache.get(id);
    if (cached) return cached;
    const doc = this.docs.get(id);
    if (!doc) throw new SchemaPlanError(`no wire schema with $id ${JSON.stringify(id)}`);
    const shape = { kind: "any", nullable: false } as Shape;
    this.cache.set(id, shape);
    this.pending.set(shape, []);
    Object.assign(shape, this.compile(doc, doc, new Set()));
    for (const copy of this.pending.get(shape) ?? []) Object.assign(copy, { ...shape, nullable: true });
    this.pending.delete(shape);
    return shape;
  }

  private compile(schema: unknown, root: Json, refs: Set<string>): Shape {
    if (schema === true || schema === undefined) return { kind: "any", nullable: true };
    if (typeof schema !== "object" || schema === null) return { kind: "any", nullable: true };
    const s = schema as Json;
    const ref = s["$ref"];
    if (typeof ref === "string") {
      if (ref.startsWith(URN)) return this.shape(ref);
      if (ref.startsWith("#/")) {
        if (refs.has(ref)) return { kind: "any", nullable: true };
        let target: unknown = root;
        for (const part of ref.slice(2).split("/")) {
          const key = decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~");
          target = typeof target === "object" && target !== null ? (target as Json)[key] : undefined;
        }
        if (target === undefined) throw new SchemaPlanError(`${String(root["$id"])}: unresolved $ref ${ref}`);
        return this.compile(target, root, new Set([...refs, ref]));
      }
      throw new SchemaPlanError(`${String(root["$id"])}: unsupported $ref ${ref}`);
    }
    if (s === root) {
      const values = protoEnumValues(s);
      if (values) {
        const isNull = values.name === NULL_VALUE;
        return { ...ENUM_SCALAR, nullable: isNull, enum: values };
      }
    }
    const branches = (s["anyOf"] ?? s["oneOf"]) as unknown[] | undefined;
    if (Array.isArray(branches)) return this.union(branches.map((b) => this.compile(b, root, refs)));
    const { kind, nullable, types } = classifyTypes(s);
    if (kind === "any") return { kind: "any", nullable };
    if (kind === "object") {
      const propsJson = s["properties"] as Json | undefined;
      const props = propsJson ? new Map<string, Shape>() : undefined;
      if (propsJson)
        for (const [k, v] of Object.entries(propsJson)) props?.set(k, this.compile(v, root, refs));
      const ap = s["additionalProperties"];
      const extra: Shape | undefined = isAnyMessageSchema(s)
        ? { kind: "any", nullable: true, exactIntegers: true }
        : ap === false
          ? undefined
          : this.compile(ap ?? true, root, refs);
      return {
        kind: "object",
        nullable,
        props: props && props.size > 0 ? props : ap === false ? new Map() : undefined,
        extra,
        names: propsJson ? Object.keys(propsJson) : [],
        ...mapKeys(s["propertyNames"]),
      };
    }
    if (kind === "array")
      return { kind: "array", nullable, items: this.compile(s["items"] ?? true, root, refs) };
    return {
      kind: "scalar",
      nullable,
      string: types.includes("string"),
      integer: types.includes("integer"),
      number: types.includes("number"),
      boolean: types.includes("boolean"),
      dateTime: s["format"] === "date-time",
      timestamp: s["format"] === "date-time" && TIMESTAMP_PATTERNS.has(s["pattern"]),
      ...(types.includes("integer") && types.includes("string") && integerText(s["pattern"]) !== undefined
        ? { digits: integerText(s["pattern"]) as IntegerText }
        : {}),
      ...(types.includes("number") && types.includes("string") && s["pattern"] === FLOAT_STRING
        ? { floatText: true as const }
        : {}),
      enum: undefined,
    };
  }

  /** `anyOf` of branches: null branches make the rest nullable; scalars merge; anything else is any. */
  private union(shapes: Shape[]): Shape {
    const nullable = shapes.some((b) => b.nullable);
    const rest = shapes.filter(
      (b) => !(b.kind === "scalar" && !b.string && !b.integer && !b.number && !b.boolean),
    );
    if (rest.length === 1) {
      const only = rest[0] as Shape;
      // A cached (named) shape is shared: wrap instead of changing it.
      if (only.nullable === nullable) return only;
      const copy = { ...only, nullable } as Shape;
      // A message that refers to itself: its shape is filled in later, and so is this copy.
      this.pending.get(only)?.push(copy);
      return copy;
    }
    if (rest.length > 0 && rest.every((b) => b.kind === "scalar")) {
      const scalars = rest as ScalarShape[];
      return {
        kind: "scalar",
        nullable,
        string: scalars.some((b) => b.string),
        integer: scalars.some((b) => b.integer),
        number: scalars.some((b) => b.number),
        boolean: scalars.some((b) => b.boolean),
        dateTime: scalars.some((b) => b.dateTime),
        timestamp: scalars.some((b) => b.timestamp),
        ...(scalars.some((b) => b.digits !== undefined)
          ? { digits: scalars.find((b) => b.digits !== undefined)?.digits as IntegerText }
          : {}),
        ...(scalars.some((b) => b.floatText === true) ? { floatText: true as const } : {}),
        enum: undefined,
      };
    }
    if (rest.length > 1 && rest.every((b) => b.kind === "object")) {
      return { kind: "union", nullable, branches: rest as ObjectShape[] };
    }
    return { kind: "any", nullable: true };
  }
}

/**
 * What a schema's `type` (or, without one, its inferred types) makes a value: `any` when nothing narrows
 * it or when it mixes objects or arrays with other types, else an object, an array or a scalar of
 * `types`. Shared with the one-pass compiler (compile.ts), so both classify alike.
 */
export function classifyTypes(s: Json): {
  kind: "any" | "object" | "array" | "scalar";
  nullable: boolean;
  types: string[];
} {
  const declared = s["type"] === undefined ? inferTypes(s) : s["type"];
  const types = (Array.isArray(declared) ? declared : [declared]).filter(
    (t): t is string => typeof t === "string",
  );
  if (types.length === 0) return { kind: "any", nullable: true, types };
  const nullable = types.includes("null");
  const hasObject = types.includes("object");
  const hasArray = types.includes("array");
  if ((hasObject && hasArray) || ((hasObject || hasArray) && types.length > (nullable ? 2 : 1))) {
    return { kind: "any", nullable, types };
  }
  return { kind: hasObject ? "object" : hasArray ? "array" : "scalar", nullable, types };
}

/**
 * The JSON types a schema without `type` admits, inferred from `enum`/`const` values or object/array
 * keywords; undefined when nothing narrows them.
 */
function inferTypes(s: Json): string[] | undefined {
  const values = Array.isArray(s["enum"])
    ? (s["enum"] as unknown[])
    : "const" in s
      ? [s["const"]]
      : undefined;
  if (values) {
    const types = new Set<string>();
    for (const v of values) {
      if (v === null) types.add("null");
      else if (typeof v === "number") types.add(Number.isInteger(v) ? "integer" : "number");
      else if (Array.isArray(v)) types.add("array");
      else types.add(typeof v);
    }
    return [...types];
  }
  if (s["properties"] !== undefined || s["additionalProperties"] !== undefined) return ["object"];
  if (s["items"] !== undefined) return ["array"];
  return undefined;
}

const NULL_VALUE = "google.protobuf.NullValue";
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
/** Names and numbers shown in an enum's expectation; longer enums are cut with their count. */
const SHOWN_VALUES = 16;

/** The scalar shape of every proto enum: a name (string) or a number (integer). */
const ENUM_SCALAR = {
  kind: "scalar",
  string: true,
  integer: true,
  number: false,
  boolean: false,
  dateTime: false,
  timestamp: false,
} as const;

/** The `keys` of a map shape from its wire schema's `propertyNames` (codegen/wire/protojson.ts). */
function mapKeys(names: unknown): { keys?: IntegerText | "bool" } {
  if (names === null || typeof names !== "object") return {};
  const n = names as Record<string, unknown>;
  const t = integerText(n["pattern"]);
  if (t !== undefined) return { keys: t };
  const e = n["enum"];
  if (Array.isArray(e) && e.length === 2 && e.includes("true") && e.includes("false"))
    return { keys: "bool" };
  return {};
}

/** The patterns of google.protobuf.Timestamp in wire schemas: the current one and the one before. */
const TIMESTAMP_PATTERNS: ReadonlySet<unknown> = new Set([
  "^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])" +
    "T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$",
  "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$",
]);

/**
 * The values of a proto enum from its wire schema document (codegen/wire/protojson.ts `enumSchema`):
 * `anyOf` of `{type: "string", enum: names}` and either `{type: "integer", enum: numbers}` (closed)
 * or `{type: "integer", minimum, maximum}` over int32 (open); google.protobuf.NullValue is
 * `{enum: [null, "NULL_VALUE", 0]}`. Undefined for any other schema (JSON Schema enums are left to
 * their validators).
 */
function protoEnumValues(doc: Json): EnumValues | undefined {
  const id = doc["$id"];
  if (typeof id !== "string" || !id.startsWith(URN)) return undefined;
  const name = id.slice(URN.length);
  if (name === NULL_VALUE) {
    const e = doc["enum"];
    if (Array.isArray(e) && e.length === 3 && e[0] === null && e[1] === "NULL_VALUE" && e[2] === 0)
      return enumValues(name, ["NULL_VALUE"], [0]);
    return undefined;
  }
  const branches = doc["anyOf"];
  if (!Array.isArray(branches) || branches.length !== 2 || doc["type"] !== undefined) return undefined;
  const [names, numbers] = branches as [Json, Json];
  if (!isOnly(names, ["type", "enum"]) || names["type"] !== "string") return undefined;
  const list = names["enum"];
  if (!Array.isArray(list) || list.length === 0 || !list.every((n) => typeof n === "string"))
    return undefined;
  if (typeof numbers !== "object" || numbers === null || numbers["type"] !== "integer") return undefined;
  if (isOnly(numbers, ["type", "enum"])) {
    const declared = numbers["enum"];
    if (!Array.isArray(declared) || !declared.every((n) => Number.isSafeInteger(n))) return undefined;
    return enumValues(name, list as string[], declared as number[]);
  }
  if (
    isOnly(numbers, ["type", "minimum", "maximum"]) &&
    numbers["minimum"] === INT32_MIN &&
    numbers["maximum"] === INT32_MAX
  )
    return enumValues(name, list as string[], undefined);
  return undefined;
}

function isOnly(o: unknown, keys: readonly string[]): o is Json {
  return (
    typeof o === "object" && o !== null && !Array.isArray(o) && Object.keys(o).every((k) => keys.includes(k))
  );
}

/** The tables of an enum (`numbers` undefined: open). */
function enumValues(
  name: string,
  names: readonly string[],
  numbers: readonly number[] | undefined,
): EnumValues {
  const simple = name.slice(name.lastIndexOf(".") + 1);
  // The prefix protoc-style naming puts on every value: InvoiceStatus → INVOICE_STATUS_.
  const prefix = `${simple
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toUpperCase()}_`;
  const short = names.map((n) =>
    n.startsWith(prefix) && n.length > prefix.length ? n.slice(prefix.length) : n,
  );
  const folded = new Map<string, string>();
  const ambiguous = new Set<string>();
  const add = (key: string, value: string) => {
    const seen = folded.get(key);
    if (seen !== undefined && seen !== value) ambiguous.add(key);
    else folded.set(key, value);
  };
  const full = new Set<string>();
  for (const n of names) {
    const key = foldEnumName(n);
    full.add(key);
    add(key, n);
  }
  // A short name that folds like a full name (`OPEN` beside `STATUS_OPEN`) stands for that one.
  names.forEach((n, i) => {
    const key = foldEnumName(short[i] as string);
    if (!full.has(key)) add(key, n);
  });
  for (const key of ambiguous) folded.delete(key);
  const list = (values: readonly (string | number)[]) =>
    values.length > SHOWN_VALUES
      ? `${values.slice(0, SHOWN_VALUES).join(", ")}, … (${values.length} in all)`
      : values.join(", ");
  const namesText =
    names.length === 1 ? `the ProtoJSON name ${names[0]}` : `one of ${list(names)} (ProtoJSON names)`;
  const numbersText =
    numbers === undefined
      ? "an int32 number"
      : numbers.length === 1
        ? `its number ${numbers[0]}`
        : `one of their numbers ${list(numbers)}`;
  return {
    name,
    names,
    nameSet: new Set(names),
    numbers: numbers === undefined ? undefined : new Set(numbers),
    short,
    folded,
    expected: `${namesText} or ${numbersText}`,
  };
}

/**
 * An enum name folded for did-you-mean: upper case, without `_` or other separators, so that `open`,
 * `Open`, `invoice_status_open` and `InvoiceStatusOpen` meet the declared name they stand for.
 */
export function foldEnumName(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

/** Whether `n` (an integer) is a value of the enum: any int32 when it is open, a declared one when closed. */
export function enumNumberOk(e: EnumValues, n: number): boolean {
  return e.numbers === undefined ? n >= INT32_MIN && n <= INT32_MAX : e.numbers.has(n);
}
