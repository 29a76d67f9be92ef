import type { LoadedContracts } from "../load/index.js";
import { compareStrings } from "../util/names.js";
import { wireId } from "./ids.js";
import { jsonSchemaWireSchemas } from "./jsonschema.js";
import { type JsonSchema, protoWireSchemas } from "./protojson.js";

export const JSON_SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema";

/**
 * Every declaration's wire schema, complete (`$schema`, `$id`, `title`), sorted by full name. Proto
 * declarations describe their ProtoJSON form; JSON Schema declarations are the contract itself.
 */
export function wireSchemas(loaded: LoadedContracts): Map<string, JsonSchema> {
  const parts = new Map<string, JsonSchema>([
    ...protoWireSchemas(loaded.model),
    ...(loaded.jsonSchema ? jsonSchemaParts(loaded) : []),
  ]);
  const out = new Map<string, JsonSchema>();
  for (const fullName of [...parts.keys()].sort(compareStrings)) {
    const body = parts.get(fullName) ?? {};
    const { title: _title, ...rest } = body;
    out.set(fullName, { $schema: JSON_SCHEMA_DRAFT, $id: wireId(fullName), title: fullName, ...rest });
  }
  return out;
}

/** The JSON Schema declarations' wire schemas: computed once when loading (the model has them). */
function jsonSchemaParts(loaded: LoadedContracts): Map<string, JsonSchema> {
  const lowered = loaded.jsonSchema;
  if (!lowered) return new Map();
  const known = loaded.model.jsonSchemaWire;
  if (!known) return jsonSchemaWireSchemas(lowered);
  const out = new Map<string, JsonSchema>();
  for (const name of lowered.sources.keys()) {
    const schema = known.get(name);
    if (schema) out.set(name, schema as JsonSchema);
  }
  return out;
}

export { fullNameOfWireId, WIRE_ID_PREFIX, wireId } from "./ids.js";
export type { JsonSchema } from "./protojson.js";
