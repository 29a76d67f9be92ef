/**
 * The JSON Schema breaking checker, table-driven. Every row states an old and a new schema and the
 * verdict in each direction, derived from the sets of accepted values:
 * - request (read by the server): breaking when the new schema rejects a value the old one accepted;
 * - response (read by old clients): breaking when the new schema accepts (produces) a value the old
 *   one rejected;
 * - both: breaking when either is.
 * `warn` marks a change reported with severity warning (not failing the check).
 */
import { describe, expect, test } from "vitest";
import { jsonPointerLines, lineOf } from "../codegen/breaking/json-lines.js";
import { checkJsonSchemaChanges } from "../codegen/breaking/jsonschema/index.js";
import type { Direction } from "../codegen/breaking/model.js";
import { severityOf } from "../codegen/breaking/rules.js";
import {
  type LoweredJsonSchema,
  lowerJsonSchemaDocuments,
  type SchemaDocument,
} from "../codegen/load/jsonschema.js";

type Verdict = "ok" | "warn" | "break";

interface Row {
  readonly name: string;
  readonly old: Record<string, unknown>;
  readonly new: Record<string, unknown>;
  readonly request: Verdict;
  readonly response: Verdict;
  /** A rule id the check must report (in direction `both`). */
  readonly rule?: string;
}

/** Wraps a schema as the root of a file `c/t.schema.json` (declaration `c.T`). */
function contractSet(schema: Record<string, unknown>, label: string): LoweredJsonSchema {
  return lowerJsonSchemaDocuments([
    {
      path: "contracts/c/t.schema.json",
      uri: `file:///${label}/contracts/c/t.schema.json`,
      package: "c",
      json: { $schema: "https://json-schema.org/draft/2020-12/schema", title: "T", ...schema },
      kind: "schema",
    },
  ]);
}

function run(row: Row, direction: Direction) {
  return checkJsonSchemaChanges(contractSet(row.old, "old"), contractSet(row.new, "new"), {
    directions: {},
    fallback: direction,
  });
}

function verdict(row: Row, direction: Direction): Verdict {
  const found = run(row, direction);
  if (found.some((f) => severityOf(f.rule) === "error")) return "break";
  if (found.length > 0) return "warn";
  return "ok";
}

const worst = (a: Verdict, b: Verdict): Verdict =>
  a === "break" || b === "break" ? "break" : a === "warn" || b === "warn" ? "warn" : "ok";

const S = { type: "string" };
const I = { type: "integer" };
const N = { type: "number" };
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "object",
  properties,
  ...extra,
});
const closed = (properties: Record<string, unknown>, required: string[] = []) =>
  obj(properties, { required, additionalProperties: false });
const prop = (schema: Record<string, unknown> | boolean) => closed({ a: schema });
const tagged = (tag: string, extra: Record<string, unknown> = {}) =>
  closed({ kind: { const: tag }, ...extra }, ["kind"]);

const rows: Row[] = [
  // --- types
  { name: "integer → number", old: I, new: N, request: "ok", response: "break", rule: "TYPE_WIDENED" },
  { name: "number → integer", old: N, new: I, request: "break", response: "ok", rule: "TYPE_NARROWED" },
  { name: "string → integer", old: S, new: I, request: "break", response: "break", rule: "TYPE_CHANGED" },
  {
    name: "string → string|null",
    old: S,
    new: { type: ["string", "null"] },
    request: "ok",
    response: "break",
    rule: "NULLABLE_ADDED",
  },
  {
    name: "string|null → string",
    old: { type: ["string", "null"] },
    new: S,
    request: "break",
    response: "ok",
    rule: "NULLABLE_REMOVED",
  },
  {
    name: "string|integer → string",
    old: { type: ["string", "integer"] },
    new: S,
    request: "break",
    response: "ok",
    rule: "TYPE_NARROWED",
  },
  {
    name: "string → string|integer",
    old: S,
    new: { type: ["string", "integer"] },
    request: "ok",
    response: "break",
    rule: "TYPE_WIDENED",
  },
  {
    name: "any → string",
    old: prop({}),
    new: prop(S),
    request: "break",
    response: "ok",
    rule: "TYPE_NARROWED",
  },
  { name: "string → any", old: prop(S), new: prop({}), request: "ok", response: "break" },
  {
    name: "description only",
    old: { ...S, description: "a" },
    new: { ...S, description: "b" },
    request: "ok",
    response: "ok",
  },
  {
    name: "boolean → boolean|null",
    old: { type: "boolean" },
    new: { type: ["boolean", "null"] },
    request: "ok",
    response: "break",
  },
  {
    name: "type list reordered",
    old: { type: ["string", "null"] },
    new: { type: ["null", "string"] },
    request: "ok",
    response: "ok",
  },
  // --- enum / const
  {
    name: "enum value added",
    old: { ...S, enum: ["a", "b"] },
    new: { ...S, enum: ["a", "b", "c"] },
    request: "ok",
    response: "break",
    rule: "ENUM_VALUE_ADDED",
  },
  {
    name: "enum value removed",
    old: { ...S, enum: ["a", "b", "c"] },
    new: { ...S, enum: ["a", "b"] },
    request: "break",
    response: "ok",
    rule: "ENUM_VALUE_REMOVED",
  },
  {
    name: "enum value replaced",
    old: { ...S, enum: ["a", "b"] },
    new: { ...S, enum: ["a", "c"] },
    request: "break",
    response: "break",
  },
  {
    name: "const changed",
    old: { const: "a" },
    new: { const: "b" },
    request: "break",
    response: "break",
    rule: "CONST_CHANGED",
  },
  {
    name: "enum added to a string",
    old: S,
    new: { ...S, enum: ["a", "b"] },
    request: "break",
    response: "ok",
    rule: "ENUM_ADDED",
  },
  {
    name: "enum removed from a string",
    old: { ...S, enum: ["a", "b"] },
    new: S,
    request: "ok",
    response: "break",
    rule: "ENUM_REMOVED",
  },
  {
    name: "const → enum containing it",
    old: { ...S, const: "a" },
    new: { ...S, enum: ["a", "b"] },
    request: "ok",
    response: "break",
  },
  {
    name: "enum → const of one of its values",
    old: { ...S, enum: ["a", "b"] },
    new: { ...S, const: "a" },
    request: "break",
    response: "ok",
  },
  {
    name: "enum reordered",
    old: { ...S, enum: ["a", "b"] },
    new: { ...S, enum: ["b", "a"] },
    request: "ok",
    response: "ok",
  },
  {
    name: "enum gains null",
    old: { enum: ["a", "b"] },
    new: { enum: ["a", "b", null] },
    request: "ok",
    response: "break",
  },
  {
    name: "const added",
    old: S,
    new: { ...S, const: "a" },
    request: "break",
    response: "ok",
    rule: "CONST_ADDED",
  },
  {
    name: "const removed",
    old: { ...S, const: "a" },
    new: S,
    request: "ok",
    response: "break",
    rule: "CONST_REMOVED",
  },
  // --- numbers
  {
    name: "minimum raised",
    old: { ...I, minimum: 0 },
    new: { ...I, minimum: 1 },
    request: "break",
    response: "ok",
    rule: "MINIMUM_TIGHTENED",
  },
  {
    name: "minimum lowered",
    old: { ...I, minimum: 1 },
    new: { ...I, minimum: 0 },
    request: "ok",
    response: "break",
    rule: "MINIMUM_LOOSENED",
  },
  { name: "minimum added", old: I, new: { ...I, minimum: 0 }, request: "break", response: "ok" },
  { name: "minimum removed", old: { ...I, minimum: 0 }, new: I, request: "ok", response: "break" },
  {
    name: "maximum lowered",
    old: { ...N, maximum: 100 },
    new: { ...N, maximum: 50 },
    request: "break",
    response: "ok",
    rule: "MAXIMUM_TIGHTENED",
  },
  {
    name: "maximum raised",
    old: { ...N, maximum: 50 },
    new: { ...N, maximum: 100 },
    request: "ok",
    response: "break",
    rule: "MAXIMUM_LOOSENED",
  },
  {
    name: "integer exclusiveMinimum 0 ≡ minimum 1",
    old: { ...I, exclusiveMinimum: 0 },
    new: { ...I, minimum: 1 },
    request: "ok",
    response: "ok",
  },
  {
    name: "number exclusiveMinimum 0 → minimum 0",
    old: { ...N, exclusiveMinimum: 0 },
    new: { ...N, minimum: 0 },
    request: "ok",
    response: "break",
  },
  {
    name: "number minimum 0 → exclusiveMinimum 0",
    old: { ...N, minimum: 0 },
    new: { ...N, exclusiveMinimum: 0 },
    request: "break",
    response: "ok",
  },
  {
    name: "integer exclusiveMaximum 10 ≡ maximum 9",
    old: { ...I, exclusiveMaximum: 10 },
    new: { ...I, maximum: 9 },
    request: "ok",
    response: "ok",
  },
  {
    name: "multipleOf 2 → 4",
    old: { ...I, multipleOf: 2 },
    new: { ...I, multipleOf: 4 },
    request: "break",
    response: "ok",
    rule: "MULTIPLE_OF_CHANGED",
  },
  {
    name: "multipleOf 4 → 2",
    old: { ...I, multipleOf: 4 },
    new: { ...I, multipleOf: 2 },
    request: "ok",
    response: "break",
  },
  {
    name: "multipleOf 2 → 3",
    old: { ...I, multipleOf: 2 },
    new: { ...I, multipleOf: 3 },
    request: "break",
    response: "break",
  },
  { name: "multipleOf added", old: N, new: { ...N, multipleOf: 0.5 }, request: "break", response: "ok" },
  { name: "multipleOf removed", old: { ...N, multipleOf: 0.5 }, new: N, request: "ok", response: "break" },
  { name: "integer gains multipleOf 1", old: I, new: { ...I, multipleOf: 1 }, request: "ok", response: "ok" },
  {
    name: "range shifted",
    old: { ...I, minimum: 0, maximum: 10 },
    new: { ...I, minimum: 5, maximum: 20 },
    request: "break",
    response: "break",
  },
  {
    name: "numeric bounds of a string are irrelevant",
    old: { ...S, minimum: 1 },
    new: S,
    request: "ok",
    response: "ok",
  },
  // --- strings
  {
    name: "maxLength lowered",
    old: { ...S, maxLength: 10 },
    new: { ...S, maxLength: 5 },
    request: "break",
    response: "ok",
    rule: "MAX_LENGTH_TIGHTENED",
  },
  {
    name: "maxLength raised",
    old: { ...S, maxLength: 5 },
    new: { ...S, maxLength: 10 },
    request: "ok",
    response: "break",
    rule: "MAX_LENGTH_LOOSENED",
  },
  {
    name: "minLength 1 → 0",
    old: { ...S, minLength: 1 },
    new: { ...S, minLength: 0 },
    request: "ok",
    response: "break",
    rule: "MIN_LENGTH_LOOSENED",
  },
  {
    name: "minLength added",
    old: S,
    new: { ...S, minLength: 1 },
    request: "break",
    response: "ok",
    rule: "MIN_LENGTH_TIGHTENED",
  },
  { name: "maxLength removed", old: { ...S, maxLength: 5 }, new: S, request: "ok", response: "break" },
  { name: "minLength 0 added (no-op)", old: S, new: { ...S, minLength: 0 }, request: "ok", response: "ok" },
  {
    name: "pattern added",
    old: S,
    new: { ...S, pattern: "^[a-z]+$" },
    request: "break",
    response: "ok",
    rule: "PATTERN_ADDED",
  },
  {
    name: "pattern removed",
    old: { ...S, pattern: "^[a-z]+$" },
    new: S,
    request: "ok",
    response: "break",
    rule: "PATTERN_REMOVED",
  },
  {
    name: "pattern changed",
    old: { ...S, pattern: "^[a-z]+$" },
    new: { ...S, pattern: "^[a-z0-9]+$" },
    request: "break",
    response: "break",
    rule: "PATTERN_CHANGED",
  },
  {
    name: "format added",
    old: S,
    new: { ...S, format: "email" },
    request: "break",
    response: "ok",
    rule: "FORMAT_ADDED",
  },
  {
    name: "format removed",
    old: { ...S, format: "email" },
    new: S,
    request: "ok",
    response: "break",
    rule: "FORMAT_REMOVED",
  },
  {
    name: "format changed",
    old: { ...S, format: "date" },
    new: { ...S, format: "date-time" },
    request: "break",
    response: "break",
    rule: "FORMAT_CHANGED",
  },
  {
    name: "string keywords of an integer are irrelevant",
    old: { ...I, maxLength: 5 },
    new: I,
    request: "ok",
    response: "ok",
  },
  // --- arrays
  {
    name: "items integer → number",
    old: { type: "array", items: I },
    new: { type: "array", items: N },
    request: "ok",
    response: "break",
  },
  {
    name: "items number → integer",
    old: { type: "array", items: N },
    new: { type: "array", items: I },
    request: "break",
    response: "ok",
  },
  {
    name: "maxItems lowered",
    old: { type: "array", maxItems: 10 },
    new: { type: "array", maxItems: 5 },
    request: "break",
    response: "ok",
    rule: "MAX_ITEMS_TIGHTENED",
  },
  {
    name: "maxItems raised",
    old: { type: "array", maxItems: 5 },
    new: { type: "array", maxItems: 10 },
    request: "ok",
    response: "break",
    rule: "MAX_ITEMS_LOOSENED",
  },
  {
    name: "minItems raised",
    old: { type: "array" },
    new: { type: "array", minItems: 1 },
    request: "break",
    response: "ok",
    rule: "MIN_ITEMS_TIGHTENED",
  },
  {
    name: "uniqueItems added",
    old: { type: "array" },
    new: { type: "array", uniqueItems: true },
    request: "break",
    response: "ok",
    rule: "UNIQUE_ITEMS_ADDED",
  },
  {
    name: "uniqueItems removed",
    old: { type: "array", uniqueItems: true },
    new: { type: "array" },
    request: "ok",
    response: "break",
    rule: "UNIQUE_ITEMS_REMOVED",
  },
  {
    name: "prefixItems gains a typed position",
    old: { type: "array", prefixItems: [S] },
    new: { type: "array", prefixItems: [S, I] },
    request: "break",
    response: "ok",
  },
  {
    name: "prefixItems loses a position",
    old: { type: "array", prefixItems: [S, I] },
    new: { type: "array", prefixItems: [S] },
    request: "ok",
    response: "break",
  },
  {
    name: "tuple closed with items: false",
    old: { type: "array", prefixItems: [S] },
    new: { type: "array", prefixItems: [S], items: false },
    request: "break",
    response: "ok",
    rule: "SCHEMA_NOW_FALSE",
  },
  {
    name: "tuple opened (items: false removed)",
    old: { type: "array", prefixItems: [S], items: false },
    new: { type: "array", prefixItems: [S] },
    request: "ok",
    response: "break",
    rule: "SCHEMA_NO_LONGER_FALSE",
  },
  {
    name: "contains added",
    old: { type: "array" },
    new: { type: "array", contains: S },
    request: "break",
    response: "ok",
    rule: "CONTAINS_ADDED",
  },
  {
    name: "prefix item type changed",
    old: { type: "array", prefixItems: [S, S] },
    new: { type: "array", prefixItems: [S, I] },
    request: "break",
    response: "break",
  },
  // --- objects and content models
  {
    name: "optional property added, closed object",
    old: closed({ a: S }),
    new: closed({ a: S, b: S }),
    request: "ok",
    response: "break",
    rule: "PROPERTY_ADDED",
  },
  {
    name: "required property added, closed object",
    old: closed({ a: S }),
    new: closed({ a: S, b: S }, ["b"]),
    request: "break",
    response: "break",
    rule: "REQUIRED_ADDED",
  },
  {
    name: "optional property removed, closed object",
    old: closed({ a: S, b: S }),
    new: closed({ a: S }),
    request: "break",
    response: "ok",
    rule: "PROPERTY_REMOVED",
  },
  {
    name: "required property removed, closed object",
    old: closed({ a: S, b: S }, ["b"]),
    new: closed({ a: S }),
    request: "break",
    response: "break",
    rule: "PROPERTY_REMOVED",
  },
  {
    name: "optional property added, open object",
    old: obj({ a: S }),
    new: obj({ a: S, b: S }),
    request: "break",
    response: "ok",
    rule: "PROPERTY_ADDED_TO_OPEN_MODEL",
  },
  {
    name: "unconstrained property added, open object",
    old: obj({ a: S }),
    new: obj({ a: S, b: {} }),
    request: "ok",
    response: "ok",
  },
  {
    name: "optional property removed, open object",
    old: obj({ a: S, b: S }),
    new: obj({ a: S }),
    request: "ok",
    response: "break",
    rule: "PROPERTY_REMOVED",
  },
  {
    name: "property added as additionalProperties allowed it",
    old: obj({}, { additionalProperties: S }),
    new: obj({ a: S }, { additionalProperties: S }),
    request: "ok",
    response: "ok",
  },
  {
    name: "property added with another type than additionalProperties",
    old: obj({}, { additionalProperties: S }),
    new: obj({ a: I }, { additionalProperties: S }),
    request: "break",
    response: "break",
    rule: "PROPERTY_ADDED",
  },
  {
    name: "property added narrower than additionalProperties",
    old: obj({}, { additionalProperties: S }),
    new: obj({ a: { ...S, maxLength: 3 } }, { additionalProperties: S }),
    request: "break",
    response: "ok",
    rule: "PROPERTY_ADDED",
  },
  {
    name: "property added covered by patternProperties",
    old: obj({}, { patternProperties: { "^x-": S }, additionalProperties: false }),
    new: obj({ "x-a": S }, { patternProperties: { "^x-": S }, additionalProperties: false }),
    request: "ok",
    response: "ok",
  },
  {
    name: "property removed, name falls back to patternProperties of another type",
    old: obj({ "x-a": I }, { patternProperties: { "^x-": S } }),
    new: obj({}, { patternProperties: { "^x-": S } }),
    request: "break",
    response: "break",
  },
  {
    name: "property became required",
    old: closed({ a: S }),
    new: closed({ a: S }, ["a"]),
    request: "break",
    response: "ok",
    rule: "REQUIRED_ADDED",
  },
  {
    name: "property no longer required",
    old: closed({ a: S }, ["a"]),
    new: closed({ a: S }),
    request: "ok",
    response: "break",
    rule: "REQUIRED_REMOVED",
  },
  {
    name: "additionalProperties false → true",
    old: obj({ a: S }, { additionalProperties: false }),
    new: obj({ a: S }, { additionalProperties: true }),
    request: "ok",
    response: "break",
    rule: "ADDITIONAL_PROPERTIES_OPENED",
  },
  {
    name: "additionalProperties absent → false",
    old: obj({ a: S }),
    new: obj({ a: S }, { additionalProperties: false }),
    request: "break",
    response: "ok",
    rule: "ADDITIONAL_PROPERTIES_CLOSED",
  },
  {
    name: "map values string → integer",
    old: { type: "object", additionalProperties: S },
    new: { type: "object", additionalProperties: I },
    request: "break",
    response: "break",
    rule: "TYPE_CHANGED",
  },
  {
    name: "map values gain null",
    old: { type: "object", additionalProperties: S },
    new: { type: "object", additionalProperties: { type: ["string", "null"] } },
    request: "ok",
    response: "break",
  },
  {
    name: "patternProperties added to a closed object",
    old: closed({ a: S }),
    new: obj({ a: S }, { patternProperties: { "^x-": S }, additionalProperties: false }),
    request: "ok",
    response: "break",
    rule: "PATTERN_PROPERTY_ADDED",
  },
  {
    name: "patternProperties removed from a closed object",
    old: obj({ a: S }, { patternProperties: { "^x-": S }, additionalProperties: false }),
    new: closed({ a: S }),
    request: "break",
    response: "ok",
    rule: "PATTERN_PROPERTY_REMOVED",
  },
  {
    name: "patternProperties schema widened",
    old: obj({}, { patternProperties: { "^x-": I } }),
    new: obj({}, { patternProperties: { "^x-": N } }),
    request: "ok",
    response: "break",
  },
  {
    name: "unevaluatedProperties: false added",
    old: obj({ a: S }),
    new: obj({ a: S }, { unevaluatedProperties: false }),
    request: "break",
    response: "ok",
    rule: "UNEVALUATED_PROPERTIES_CLOSED",
  },
  {
    name: "unevaluatedProperties: false removed",
    old: obj({ a: S }, { unevaluatedProperties: false }),
    new: obj({ a: S }),
    request: "ok",
    response: "break",
    rule: "UNEVALUATED_PROPERTIES_OPENED",
  },
  {
    name: "property added beside unevaluatedProperties: false",
    old: obj({ a: S }, { unevaluatedProperties: false }),
    new: obj({ a: S, b: S }, { unevaluatedProperties: false }),
    request: "ok",
    response: "break",
    rule: "PROPERTY_ADDED",
  },
  {
    name: "nested property type widened",
    old: prop(I),
    new: prop(N),
    request: "ok",
    response: "break",
    rule: "TYPE_WIDENED",
  },
  { name: "nested property type narrowed", old: prop(N), new: prop(I), request: "break", response: "ok" },
  {
    name: "maxProperties added",
    old: { type: "object" },
    new: { type: "object", maxProperties: 5 },
    request: "break",
    response: "ok",
    rule: "MAX_PROPERTIES_TIGHTENED",
  },
  {
    name: "minProperties removed",
    old: { type: "object", minProperties: 1 },
    new: { type: "object" },
    request: "ok",
    response: "break",
    rule: "MIN_PROPERTIES_LOOSENED",
  },
  {
    name: "property schema true → false",
    old: prop(true),
    new: prop(false),
    request: "break",
    response: "ok",
    rule: "SCHEMA_NOW_FALSE",
  },
  {
    name: "property schema false → true",
    old: prop(false),
    new: prop(true),
    request: "ok",
    response: "break",
    rule: "SCHEMA_NO_LONGER_FALSE",
  },
  // --- composition
  {
    name: "anyOf branch added",
    old: { anyOf: [S, I] },
    new: { anyOf: [S, I, { type: "boolean" }] },
    request: "ok",
    response: "break",
    rule: "ANY_OF_BRANCH_ADDED",
  },
  {
    name: "anyOf branch removed",
    old: { anyOf: [S, I] },
    new: { anyOf: [S] },
    request: "break",
    response: "ok",
    rule: "ANY_OF_BRANCH_REMOVED",
  },
  {
    name: "anyOf branch removed but covered",
    old: { anyOf: [S, { ...S, maxLength: 5 }] },
    new: { anyOf: [S] },
    request: "ok",
    response: "ok",
  },
  {
    name: "oneOf discriminated branch added",
    old: { type: "object", oneOf: [tagged("a"), tagged("b")] },
    new: { type: "object", oneOf: [tagged("a"), tagged("b"), tagged("c")] },
    request: "ok",
    response: "break",
    rule: "ONE_OF_BRANCH_ADDED",
  },
  {
    name: "oneOf overlapping branch added",
    old: { oneOf: [closed({ a: S }, ["a"])] },
    new: { oneOf: [closed({ a: S }, ["a"]), obj({ b: S })] },
    request: "break",
    response: "break",
    rule: "ONE_OF_BRANCH_ADDED",
  },
  {
    name: "oneOf branch removed",
    old: { type: "object", oneOf: [tagged("a"), tagged("b")] },
    new: { type: "object", oneOf: [tagged("a")] },
    request: "break",
    response: "ok",
    rule: "ONE_OF_BRANCH_REMOVED",
  },
  {
    name: "oneOf branch changed in place",
    old: { type: "object", oneOf: [tagged("a", { n: I }), tagged("b")] },
    new: { type: "object", oneOf: [tagged("a", { n: N }), tagged("b")] },
    request: "ok",
    response: "break",
  },
  {
    name: "allOf branch added",
    old: { allOf: [obj({ a: S })] },
    new: { allOf: [obj({ a: S }), { required: ["a"] }] },
    request: "break",
    response: "ok",
    rule: "ALL_OF_BRANCH_ADDED",
  },
  {
    name: "allOf branch removed",
    old: { allOf: [obj({ a: S }), { required: ["a"] }] },
    new: { allOf: [obj({ a: S })] },
    request: "ok",
    response: "break",
    rule: "ALL_OF_BRANCH_REMOVED",
  },
  {
    name: "union introduced around the old type",
    old: S,
    new: { anyOf: [S, I] },
    request: "ok",
    response: "break",
  },
  {
    name: "union collapsed to one of its branches",
    old: { anyOf: [S, I] },
    new: S,
    request: "break",
    response: "ok",
  },
  {
    name: "union introduced, narrower than before",
    old: S,
    new: { anyOf: [{ ...S, maxLength: 3 }] },
    request: "break",
    response: "ok",
  },
  {
    name: "not added",
    old: S,
    new: { ...S, not: { const: "x" } },
    request: "break",
    response: "ok",
    rule: "NOT_CHANGED",
  },
  // --- $ref
  {
    name: "$ref to another declaration with the same shape",
    old: { ...closed({ m: { $ref: "#/$defs/A" } }), $defs: { A: closed({ v: I }), B: closed({ v: I }) } },
    new: { ...closed({ m: { $ref: "#/$defs/B" } }), $defs: { A: closed({ v: I }), B: closed({ v: I }) } },
    request: "ok",
    response: "ok",
  },
  {
    name: "$ref to a wider declaration",
    old: { ...closed({ m: { $ref: "#/$defs/A" } }), $defs: { A: closed({ v: I }), B: closed({ v: N }) } },
    new: { ...closed({ m: { $ref: "#/$defs/B" } }), $defs: { A: closed({ v: I }), B: closed({ v: N }) } },
    request: "ok",
    response: "break",
    rule: "TYPE_WIDENED",
  },
  {
    name: "inline schema replaced by an equal $ref",
    old: { ...closed({ m: closed({ v: I }) }), $defs: { A: closed({ v: I }) } },
    new: { ...closed({ m: { $ref: "#/$defs/A" } }), $defs: { A: closed({ v: I }) } },
    request: "ok",
    response: "ok",
  },
  {
    name: "recursive declarations swapped, same shape (terminates)",
    old: {
      ...closed({ n: { $ref: "#/$defs/NodeA" } }),
      $defs: {
        NodeA: closed({ v: I, children: { type: "array", items: { $ref: "#/$defs/NodeA" } } }),
        NodeB: closed({ v: I, children: { type: "array", items: { $ref: "#/$defs/NodeB" } } }),
      },
    },
    new: {
      ...closed({ n: { $ref: "#/$defs/NodeB" } }),
      $defs: {
        NodeA: closed({ v: I, children: { type: "array", items: { $ref: "#/$defs/NodeA" } } }),
        NodeB: closed({ v: I, children: { type: "array", items: { $ref: "#/$defs/NodeB" } } }),
      },
    },
    request: "ok",
    response: "ok",
  },
  {
    name: "recursive declarations swapped, the new one narrower",
    old: {
      ...closed({ n: { $ref: "#/$defs/NodeA" } }),
      $defs: {
        NodeA: closed({ v: N, children: { type: "array", items: { $ref: "#/$defs/NodeA" } } }),
        NodeB: closed({ v: I, children: { type: "array", items: { $ref: "#/$defs/NodeB" } } }),
      },
    },
    new: {
      ...closed({ n: { $ref: "#/$defs/NodeB" } }),
      $defs: {
        NodeA: closed({ v: N, children: { type: "array", items: { $ref: "#/$defs/NodeA" } } }),
        NodeB: closed({ v: I, children: { type: "array", items: { $ref: "#/$defs/NodeB" } } }),
      },
    },
    request: "break",
    response: "ok",
    rule: "TYPE_NARROWED",
  },
  {
    name: "$defs entry removed",
    old: { ...closed({ a: S }), $defs: { A: S, B: I } },
    new: { ...closed({ a: S }), $defs: { A: S } },
    request: "break",
    response: "break",
    rule: "SCHEMA_REMOVED",
  },
  // --- defaults (warnings: the accepted values do not change, their meaning does)
  {
    name: "default changed",
    old: { ...S, default: "a" },
    new: { ...S, default: "b" },
    request: "warn",
    response: "warn",
    rule: "DEFAULT_CHANGED",
  },
  {
    name: "default added",
    old: S,
    new: { ...S, default: "a" },
    request: "warn",
    response: "warn",
    rule: "DEFAULT_ADDED",
  },
  {
    name: "default removed",
    old: { ...I, default: 1 },
    new: I,
    request: "warn",
    response: "warn",
    rule: "DEFAULT_REMOVED",
  },
];

describe("JSON Schema change verdicts by direction", () => {
  test("the table has at least 80 cases", () => {
    expect(rows.length).toBeGreaterThanOrEqual(80);
  });
  test.each(rows)("$name", (row) => {
    const request = verdict(row, "request");
    const response = verdict(row, "response");
    const both = verdict(row, "both");
    expect({ request, response, both }).toEqual({
      request: row.request,
      response: row.response,
      both: worst(row.request, row.response),
    });
    if (row.rule) expect(run(row, "both").map((f) => f.rule)).toContain(row.rule);
  });
});

describe("directions from manifests", () => {
  const manifest = {
    $schema: "https://contractgen.dev/schema/service-manifest/v1.json",
    package: "c",
    service: "S",
    methods: { Get: { request: "./req.schema.json", response: "./res.schema.json" } },
  };
  const set = (shared: Record<string, unknown>, label: string): LoweredJsonSchema =>
    lowerJsonSchemaDocuments(
      [
        ["req", closed({ id: S, tag: { $ref: "./shared.schema.json" } }, ["id"])],
        ["res", closed({ id: S }, ["id"])],
        ["shared", shared],
        ["event", closed({ id: S })],
      ]
        .map(
          ([name, json]): SchemaDocument => ({
            path: `contracts/c/${name}.schema.json`,
            uri: `file:///${label}/contracts/c/${name}.schema.json`,
            package: "c",
            json: {
              title: `${String(name).charAt(0).toUpperCase()}${String(name).slice(1)}`,
              ...(json as object),
            },
            kind: "schema",
          }),
        )
        .concat([
          {
            path: "contracts/c/s.service.json",
            uri: `file:///${label}/contracts/c/s.service.json`,
            package: "c",
            json: manifest,
            kind: "manifest" as const,
          },
        ]),
    );
  test("a schema referenced only by a request is checked as a request, whatever --direction says", () => {
    const before = set({ ...S, enum: ["a", "b"] }, "old");
    const widened = set({ ...S, enum: ["a", "b", "c"] }, "new");
    const narrowed = set({ ...S, enum: ["a"] }, "new");
    const settings = { directions: {}, fallback: "response" as Direction };
    expect(checkJsonSchemaChanges(before, widened, settings)).toEqual([]);
    const found = checkJsonSchemaChanges(before, narrowed, settings);
    expect(found.map((f) => [f.rule, f.direction, f.file])).toEqual([
      ["ENUM_VALUE_REMOVED", "request", "contracts/c/shared.schema.json"],
    ]);
  });
  test("unreferenced schemas take the configured direction, then the fallback", () => {
    const before = lowerJsonSchemaDocuments([
      {
        path: "e/v1/e.schema.json",
        uri: "file:///o/e/v1/e.schema.json",
        package: "e.v1",
        json: { title: "E", ...closed({ a: S }) },
        kind: "schema",
      },
    ]);
    const after = lowerJsonSchemaDocuments([
      {
        path: "e/v1/e.schema.json",
        uri: "file:///n/e/v1/e.schema.json",
        package: "e.v1",
        json: { title: "E", ...closed({ a: S, b: S }) },
        kind: "schema",
      },
    ]);
    expect(
      checkJsonSchemaChanges(before, after, { directions: { "e.**": "request" }, fallback: "both" }),
    ).toEqual([]);
    expect(
      checkJsonSchemaChanges(before, after, { directions: { "x.*": "request" }, fallback: "request" }),
    ).toEqual([]);
    expect(
      checkJsonSchemaChanges(before, after, { directions: {}, fallback: "both" }).map((f) => [
        f.rule,
        f.direction,
      ]),
    ).toEqual([["PROPERTY_ADDED", "both"]]);
  });
  test("manifest changes: method removed, request swapped, idempotency weakened", () => {
    const withManifest = (m: unknown, label: string) =>
      lowerJsonSchemaDocuments([
        ...["req", "res", "other"].map((name) => ({
          path: `c/${name}.schema.json`,
          uri: `file:///${label}/c/${name}.schema.json`,
          package: "c",
          json: { title: name.charAt(0).toUpperCase() + name.slice(1), ...closed({ id: S }) },
          kind: "schema" as const,
        })),
        {
          path: "c/s.service.json",
          uri: `file:///${label}/c/s.service.json`,
          package: "c",
          json: m,
          kind: "manifest" as const,
        },
      ]);
    const before = withManifest(
      {
        ...manifest,
        methods: {
          Get: {
            request: "./req.schema.json",
            response: "./res.schema.json",
            idempotency: "no_side_effects",
          },
          Put: { request: "./req.schema.json", response: "./res.schema.json" },
        },
      },
      "old",
    );
    const after = withManifest(
      {
        ...manifest,
        methods: {
          Get: { request: "./other.schema.json", response: "./res.schema.json", idempotency: "idempotent" },
        },
      },
      "new",
    );
    const found = checkJsonSchemaChanges(before, after, { directions: {}, fallback: "both" });
    expect(found.map((f) => [f.rule, f.pointer]).sort()).toEqual(
      [
        ["IDEMPOTENCY_WEAKENED", "/methods/Get/idempotency"],
        ["METHOD_REMOVED", "/methods"],
        ["METHOD_REQUEST_CHANGED", "/methods/Get/request"],
      ].sort(),
    );
    const gone = checkJsonSchemaChanges(before, undefined, { directions: {}, fallback: "both" });
    expect(gone.map((f) => f.rule)).toContain("SERVICE_REMOVED");
  });
});

describe("JSON pointer → line", () => {
  test("maps every value of a JSON text to its line, and missing pointers to the nearest ancestor", () => {
    const text = '{\n  "a": {\n    "b~/c": [\n      1,\n      "x\\"y"\n    ]\n  },\n  "d": true\n}\n';
    const lines = jsonPointerLines(text);
    expect(lines.get("")).toBe(1);
    expect(lines.get("/a")).toBe(2);
    expect(lines.get("/a/b~0~1c")).toBe(3);
    expect(lines.get("/a/b~0~1c/1")).toBe(5);
    expect(lines.get("/d")).toBe(8);
    expect(lineOf(lines, "/a/missing/deeper")).toBe(2);
  });
});

describe("scale", () => {
  test("a file with 1,000 declarations, each changed once, gives 1,000 findings", () => {
    const defs = (extra: boolean) =>
      Object.fromEntries(
        Array.from({ length: 1000 }, (_, i) => [
          `D${i}`,
          closed({
            id: S,
            next: { $ref: `#/$defs/D${(i + 1) % 1000}` },
            ...(extra ? { note: S } : {}),
          }),
        ]),
      );
    const before = contractSet({ $defs: defs(false) }, "old");
    const after = contractSet({ $defs: defs(true) }, "new");
    const found = checkJsonSchemaChanges(before, after, { directions: {}, fallback: "response" });
    expect(found).toHaveLength(1000);
    expect(new Set(found.map((f) => f.rule))).toEqual(new Set(["PROPERTY_ADDED"]));
    expect(checkJsonSchemaChanges(before, after, { directions: {}, fallback: "request" })).toEqual([]);
  });
});
