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
    ...(loaded.jsonSchema ? jsonSchemaWireSchemas(loaded.jsonSchema) : []),
  ]);
  const out = new Map<string, JsonSchema>();
  for (const fullName of [...parts.keys()].sort(compareStrings)) {
    const body = parts.get(fullName) ?? {};
    const { title: _title, ...rest } = body;
    out.set(fullName, { $schema: JSON_SCHEMA_DRAFT, $id: wireId(fullName), title: fullName, ...rest });
  }
  return out;
}

export { fullNameOfWireId, WIRE_ID_PREFIX, wireId } from "./ids.js";
export type { JsonSchema } from "./protojson.js";
