import type {
  ContractModel,
  EnumDecl,
  FieldDecl,
  MapKeyType,
  MessageDecl,
  ScalarType,
  ValueType,
} from "../model/types.js";
import { setOwn } from "../util/own.js";
import { wireId } from "./ids.js";

/** A JSON Schema document (draft 2020-12), as plain data. */
export type JsonSchema = { [keyword: string]: unknown };

const INT32 = { minimum: -2147483648, maximum: 2147483647 };
const UINT32 = { minimum: 0, maximum: 4294967295 };
/** 64-bit bounds are not representable as JSON Schema numbers: strings are checked by pattern. */
const INT64 = {};
const UINT64 = { minimum: 0 };

/** Decimal integer strings, as ProtoJSON writes 64-bit integers (parsers also accept them for 32-bit). */
const SIGNED_INT_STRING = "^-?(0|[1-9][0-9]*)$";
const UNSIGNED_INT_STRING = "^(0|[1-9][0-9]*)$";
/** Floats as strings: a decimal number, or one of the three special values. */
const FLOAT_STRING = "^(NaN|-?Infinity|-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?)$";
/** Standard or URL-safe base64, padding optional (ProtoJSON parsers accept both). */
const BASE64 = "^[A-Za-z0-9+/_-]*={0,2}$";
/**
 * RFC 3339 as ProtoJSON reads it: upper-case `T` and `Z`, years 0001-9999, hours 00-23, minutes and
 * seconds 00-59 (no leap second), an offset ±HH:MM up to ±23:59; 0, 3, 6 or 9 fractional digits are
 * written, up to 9 accepted. `format: date-time` beside it checks the day against the month and year;
 * protobuf-es refuses an instant outside 0001-01-01..9999-12-31 after the offset.
 */
const TIMESTAMP =
  "^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])" +
  "T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";
/** 2^128 - 2^103: a double of this magnitude or more rounds to an infinite float32. */
const FLOAT_LIMIT = 3.4028235677973366e38;
const DURATION = "^-?[0-9]+(\\.[0-9]{1,9})?s$";
const FIELD_MASK =
  "^([a-z][a-zA-Z0-9]*(\\.[a-z][a-zA-Z0-9]*)*(,[a-z][a-zA-Z0-9]*(\\.[a-z][a-zA-Z0-9]*)*)*)?$";

/**
 * The JSON Schema of the ProtoJSON form of a scalar: what a conforming parser accepts. 64-bit integers
 * are strings or numbers, 32-bit integers numbers (or decimal strings), floats numbers or strings.
 */
export function scalarWireSchema(scalar: ScalarType): JsonSchema {
  switch (scalar) {
    case "int32":
    case "sint32":
    case "sfixed32":
      return { type: ["integer", "string"], pattern: SIGNED_INT_STRING, ...INT32 };
    case "uint32":
    case "fixed32":
      return { type: ["integer", "string"], pattern: UNSIGNED_INT_STRING, ...UINT32 };
    case "int64":
    case "sint64":
    case "sfixed64":
      return { type: ["string", "integer"], pattern: SIGNED_INT_STRING, ...INT64 };
    case "uint64":
    case "fixed64":
      return { type: ["string", "integer"], pattern: UNSIGNED_INT_STRING, ...UINT64 };
    case "float":
      // A double rounds to a finite float32 below FLT_MAX + half its last unit (2^128 - 2^103), so
      // `3.4028235e38` (FLT_MAX as C prints it) is a float, as protobuf-es and the PHP reader agree.
      return {
        type: ["number", "string"],
        pattern: FLOAT_STRING,
        exclusiveMinimum: -FLOAT_LIMIT,
        exclusiveMaximum: FLOAT_LIMIT,
      };
    case "double":
      return { type: ["number", "string"], pattern: FLOAT_STRING };
    case "bool":
      return { type: "boolean" };
    case "string":
      return { type: "string" };
    case "bytes":
      return { type: "string", pattern: BASE64, contentEncoding: "base64" };
    case "integer":
      return { type: "integer" };
    case "number":
      return { type: "number" };
  }
}

/** Wire schema of a well-known type (they do not use the generic message form). */
function wellKnownSchema(decl: MessageDecl): JsonSchema | undefined {
  switch (decl.wellKnown) {
    case "Timestamp":
      return { type: "string", format: "date-time", pattern: TIMESTAMP };
    case "Duration":
      return { type: "string", pattern: DURATION };
    case "Struct":
      return { type: "object", additionalProperties: { $ref: wireId("google.protobuf.Value") } };
    case "Value":
      return {
        type: ["null", "boolean", "number", "string", "array", "object"],
        items: { $ref: wireId("google.protobuf.Value") },
        additionalProperties: { $ref: wireId("google.protobuf.Value") },
      };
    case "ListValue":
      return { type: "array", items: { $ref: wireId("google.protobuf.Value") } };
    case "FieldMask":
      return { type: "string", pattern: FIELD_MASK };
    case "Empty":
      return { type: "object", maxProperties: 0 };
    case "Any":
      // `{}` is the empty Any (no type); any other payload needs its "@type" (protobuf-es checks it,
      // and a well-known type's `value`, after the guards).
      return {
        type: "object",
        properties: { "@type": { type: "string", pattern: "/" } },
      };
    case "DoubleValue":
      return scalarWireSchema("double");
    case "FloatValue":
      return scalarWireSchema("float");
    case "Int64Value":
      return scalarWireSchema("int64");
    case "UInt64Value":
      return scalarWireSchema("uint64");
    case "Int32Value":
      return scalarWireSchema("int32");
    case "UInt32Value":
      return scalarWireSchema("uint32");
    case "BoolValue":
      return scalarWireSchema("bool");
    case "StringValue":
      return scalarWireSchema("string");
    case "BytesValue":
      return scalarWireSchema("bytes");
    default:
      return undefined;
  }
}

function enumSchema(decl: EnumDecl): JsonSchema {
  if (decl.fullName === "google.protobuf.NullValue") return { enum: [null, "NULL_VALUE", 0] };
  const names = decl.values.map((v) => v.name);
  return {
    anyOf: [
      { type: "string", enum: names },
      // Open enums keep numbers they do not know; closed enums accept only declared ones.
      decl.open
        ? { type: "integer", ...INT32 }
        : { type: "integer", enum: decl.values.map((v) => v.number ?? 0) },
    ],
  };
}

/** The wire schema of a value of type `type` (no `null`: callers add it where ProtoJSON allows it). */
function valueSchema(type: ValueType): JsonSchema {
  switch (type.kind) {
    case "scalar":
      return scalarWireSchema(type.scalar);
    case "enum":
    case "message":
    case "union":
      return { $ref: wireId(type.ref) };
    case "list":
      return { type: "array", items: valueSchema(type.element) };
    case "map":
      return {
        type: "object",
        propertyNames: mapKeySchema(type.key),
        additionalProperties: valueSchema(type.value),
      };
    case "nullable":
      return { anyOf: [{ type: "null" }, valueSchema(type.type)] };
    case "any":
      return {};
  }
}

function mapKeySchema(key: MapKeyType): JsonSchema {
  switch (key) {
    case "string":
      return { type: "string" };
    case "bool":
      return { enum: ["true", "false"] };
    case "uint32":
    case "fixed32":
    case "uint64":
    case "fixed64":
      return { pattern: UNSIGNED_INT_STRING };
    default:
      return { pattern: SIGNED_INT_STRING };
  }
}

/** `null` means "unset" for every field except those of type google.protobuf.Value (JSON null). */
function fieldSchema(field: FieldDecl): JsonSchema {
  const schema = valueSchema(field.type);
  if (field.type.kind === "message" && field.type.ref === "google.protobuf.Value") return schema;
  return { anyOf: [{ type: "null" }, schema] };
}

/** Documentation keywords copied from the contract. */
function docKeywords(doc: string, deprecated: boolean): JsonSchema {
  return { ...(doc ? { description: doc } : {}), ...(deprecated ? { deprecated: true } : {}) };
}

/**
 * The JSON Schema of a proto message's ProtoJSON form. Both the `json_name` and the proto field name are
 * accepted (parsers must), but not both at once, and at most one member of each oneof.
 */
export function protoMessageWireSchema(decl: MessageDecl): JsonSchema {
  const wkt = wellKnownSchema(decl);
  if (wkt) return { ...docKeywords(decl.doc, decl.deprecated), ...wkt };
  const properties: JsonSchema = {};
  const exclusions: string[][] = [];
  for (const field of decl.fields) {
    const schema = { ...docKeywords(field.doc, field.deprecated), ...fieldSchema(field) };
    setOwn(properties, field.jsonName, schema);
    if (field.name !== field.jsonName) {
      setOwn(properties, field.name, { $ref: `#/properties/${escapeToken(field.jsonName)}` });
      exclusions.push([field.jsonName, field.name]);
    }
  }
  for (const oneof of decl.oneofs) {
    const members = decl.fields.filter((f) => f.oneof === oneof.name);
    if (members.length < 2) continue;
    const spellings = members.map((f) => (f.name === f.jsonName ? [f.jsonName] : [f.jsonName, f.name]));
    for (let i = 0; i < spellings.length; i++) {
      for (let j = i + 1; j < spellings.length; j++) {
        for (const a of spellings[i] ?? []) for (const b of spellings[j] ?? []) exclusions.push([a, b]);
      }
    }
  }
  const schema: JsonSchema = {
    ...docKeywords(decl.doc, decl.deprecated),
    type: "object",
    properties,
    additionalProperties: false,
  };
  if (exclusions.length > 0) {
    schema["not"] = { anyOf: exclusions.map((names) => ({ required: names })) };
  }
  return schema;
}

/** The wire schema of a proto enum: its value names or numbers. */
export function protoEnumWireSchema(decl: EnumDecl): JsonSchema {
  return { ...docKeywords(decl.doc, decl.deprecated), ...enumSchema(decl) };
}

function escapeToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Wire schemas for every proto declaration of the model. */
export function protoWireSchemas(model: ContractModel): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  for (const decl of model.decls.values()) {
    if (decl.source !== "proto") continue;
    if (decl.kind === "message") out.set(decl.fullName, protoMessageWireSchema(decl));
    else if (decl.kind === "enum") out.set(decl.fullName, protoEnumWireSchema(decl));
  }
  return out;
}
