/**
 * Wire schemas relaxed for expected responses. An example's `response` is matched as a subset (objects
 * may carry more keys: codegen/contract-test/checks.ts `firstMismatch`), so a partial object is a valid
 * expectation: the relaxed schema drops what only a complete object satisfies (`required`,
 * `minProperties`, `dependentRequired`) and turns `oneOf` into `anyOf` (a partial object may fit several
 * branches). What it keeps still catches an expectation no answer can meet: a wrong type, an unknown
 * property of a closed message, a value outside an enum.
 */
import type { JsonSchema } from "../wire/index.js";

const DROPPED = new Set(["required", "minProperties", "dependentRequired", "discriminator"]);
/** Keywords whose subschema's meaning flips or is a condition: relaxing inside them would accept less. */
const KEPT_AS_IS = new Set(["not", "if"]);
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const SCHEMAS = new Set([
  "items",
  "additionalProperties",
  "unevaluatedProperties",
  "unevaluatedItems",
  "contains",
  "propertyNames",
  "then",
  "else",
]);

/** The relaxed copy of every wire schema (same `$id`s: load them into an ajv instance of their own). */
export function subsetSchemas(wire: ReadonlyMap<string, JsonSchema>): Map<string, JsonSchema> {
  return new Map([...wire].map(([name, schema]) => [name, relax(schema) as JsonSchema]));
}

function relax(node: unknown): unknown {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return node;
  const out: Record<string, unknown> = {};
  const source = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(source)) {
    if (DROPPED.has(key)) continue;
    if (KEPT_AS_IS.has(key)) out[key] = value;
    else if (SCHEMA_MAPS.has(key) && isRecord(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relax(v)]));
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      const target = key === "oneOf" && !("anyOf" in source) ? "anyOf" : key;
      out[target] = value.map(relax);
    } else if (SCHEMAS.has(key)) out[key] = relax(value);
    else out[key] = value;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
