/**
 * The one ajv configuration for wire schemas, shared by the validators compiled at generation time
 * (`validators.js` of JSON Schema packages) and by {@link createWireValidators} at run time, so both
 * accept exactly the same payloads and the boundary's one-pass check (guard/compile.ts) covers both.
 */
import { createRequire } from "node:module";
import type { Ajv2020, Options } from "ajv/dist/2020.js";
import type { Validator } from "./json-service.js";

const require = createRequire(import.meta.url);

/** ajv options for wire schemas (without code generation options). */
export const WIRE_AJV_OPTIONS: Readonly<Options> = {
  allErrors: true,
  strict: true,
  // Wire schemas forbid spelling a field twice (`orderId` and `order_id`) with `not: {required}`.
  strictRequired: false,
  // Contracts may name properties `constructor` or `toString`: never read them from the prototype.
  ownProperties: true,
  strictTypes: false,
  allowUnionTypes: true,
  discriminator: true,
  validateFormats: true,
  // Tuples (`prefixItems`) need not fix their length, and a property may also match a pattern: both are
  // ordinary JSON Schema, which strict mode would reject.
  strictTuples: false,
  allowMatchingProperties: true,
  // Annotations that contracts may carry: kept in the schema, ignored by validation.
  keywords: ["x-enum-descriptions", "x-contractgen-breaking-ignore"],
};

/** Keywords whose value is one schema. */
export const SCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  "not",
  "if",
  "then",
  "else",
  "additionalProperties",
  "additionalItems",
  "items",
  "contains",
  "propertyNames",
  "unevaluatedItems",
  "unevaluatedProperties",
  "contentSchema",
]);
/** Keywords whose value is an array of schemas (`items` in drafts before 2020-12). */
export const SCHEMA_ARRAY_KEYWORDS: ReadonlySet<string> = new Set([
  "allOf",
  "anyOf",
  "oneOf",
  "prefixItems",
  "items",
]);
/** Keywords whose value maps names to schemas (`dependencies` values may also be arrays of names). */
export const SCHEMA_MAP_KEYWORDS: ReadonlySet<string> = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
  "dependencies",
]);

/**
 * Calls `visit` on every schema object of `node` (itself and every subschema, pre-order) with its JSON
 * pointer. Values of other keywords (`const`, `enum`, `default`, `examples`, vendor keywords) are data
 * and are not visited, so a property named `default` is still a schema and an example is never one.
 */
export function forEachSchema(
  node: unknown,
  visit: (schema: Readonly<Record<string, unknown>>, pointer: string) => void,
  pointer = "",
): void {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return;
  const obj = node as Record<string, unknown>;
  visit(obj, pointer);
  for (const [key, value] of Object.entries(obj)) {
    const at = `${pointer}/${escapeToken(key)}`;
    if (SCHEMA_ARRAY_KEYWORDS.has(key) && Array.isArray(value)) {
      value.forEach((v, i) => {
        forEachSchema(v, visit, `${at}/${i}`);
      });
    } else if (SCHEMA_KEYWORDS.has(key)) {
      forEachSchema(value, visit, at);
    } else if (SCHEMA_MAP_KEYWORDS.has(key) && value !== null && typeof value === "object") {
      for (const [name, sub] of Object.entries(value as Record<string, unknown>))
        if (!Array.isArray(sub)) forEachSchema(sub, visit, `${at}/${escapeToken(name)}`);
    }
  }
}

function escapeToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Keyword names ajv accepts for a user keyword. */
const KEYWORD_NAME = /^[a-z_$][a-z0-9_$:-]*$/i;

/**
 * Teaches `ajv` the annotations of `schema`: keywords it does not know (`x-*`, `markdownDescription`)
 * become annotation keywords, and formats it does not know are accepted as annotations — so strict mode
 * still rejects misspelled schema structure (a keyword of the wrong type) but not vendor annotations.
 * The loader decides beforehand whether such keywords are allowed (`jsonSchemaOptions.unknownKeywords`).
 */
export function addAnnotations(ajv: Ajv2020, schema: unknown): void {
  forEachSchema(schema, (obj) => {
    for (const key of Object.keys(obj)) {
      if (!KEYWORD_NAME.test(key) || ajv.getKeyword(key)) continue;
      try {
        ajv.addKeyword(key);
      } catch {
        // A name ajv reserves (`$schema`, `$id`, …): it already knows what the keyword means.
      }
    }
    const format = obj["format"];
    if (typeof format === "string" && !ajv.formats[format]) ajv.addFormat(format, true);
  });
}

/** An ajv instance (draft 2020-12, ajv-formats) that knows every wire schema of `schemas`. */
export function createWireAjv(schemas: Iterable<unknown>, extra: Options = {}): Ajv2020 {
  // Loaded on first use: most runtime users never compile schemas at run time.
  const { Ajv2020: Ajv } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const addFormats = require("ajv-formats") as typeof import("ajv-formats").default;
  const ajv = new Ajv({ ...WIRE_AJV_OPTIONS, ...extra });
  addFormats(ajv);
  for (const schema of schemas) {
    addAnnotations(ajv, schema);
    ajv.addSchema(schema as object);
  }
  return ajv;
}

/**
 * Validators of wire schemas compiled at run time, by message full name — for proto messages (whose
 * generated TypeScript has no ajv validators) on queues and other transports, or to validate the
 * ProtoJSON form with JSON paths before protobuf-es reads it. Pass them to `createBoundary({validators})`.
 */
export function createWireValidators(
  schemas: Iterable<unknown>,
  names: Iterable<string>,
): Record<string, Validator<unknown>> {
  const ajv = createWireAjv(schemas);
  const out: Record<string, Validator<unknown>> = {};
  for (const name of names) {
    const id = name.startsWith("urn:contractgen:") ? name : `urn:contractgen:${name}`;
    const validate = ajv.getSchema(id);
    if (!validate) throw new TypeError(`no wire schema with $id ${JSON.stringify(id)}`);
    Object.defineProperty(validate, "wireSchema", { value: id, enumerable: true });
    out[id.slice("urn:contractgen:".length)] = validate as unknown as Validator<unknown>;
  }
  return out;
}
