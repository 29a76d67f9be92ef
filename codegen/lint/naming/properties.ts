/**
 * Naming inside schemas: property names are lowerCamelCase (the JSON wire convention shared with
 * ProtoJSON) and string enum values snake_case, wherever a subschema declares them. Both are warnings:
 * these names are the wire format, and renaming them breaks existing clients (a legacy API, or values
 * fixed by a standard such as ISO 4217 currency codes, keeps them).
 */
import type { Diagnostic } from "../../errors.js";
import { appendPointer } from "../../util/json-pointer.js";
import { locate } from "../json-file.js";
import { camelCase, LOWER_CAMEL, LOWER_SNAKE, renameTo, snakeCase } from "./cases.js";
import type { NamingFile } from "./index.js";

/** Keywords whose value is a map of subschemas. */
const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
/** Keywords whose value is a list of subschemas. */
const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];
/** Keywords whose value is one subschema. */
const SCHEMAS = [
  "items",
  "additionalProperties",
  "unevaluatedProperties",
  "unevaluatedItems",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
];

/** Findings for the property names and enum values of every subschema of `file`. */
export function lintSchemaValues(file: NamingFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const visit = (node: unknown, pointer: string): void => {
    if (!isRecord(node)) return;
    const properties = node["properties"];
    if (isRecord(properties))
      for (const name of Object.keys(properties)) {
        // `__proto__` is rejected by the loader whatever its case.
        if (LOWER_CAMEL.test(name) || name === "__proto__") continue;
        out.push({
          code: "schema_invalid",
          message: `expected a lowerCamelCase property name, found ${JSON.stringify(name)}${renameTo(name, camelCase(name), LOWER_CAMEL)}`,
          location: locate(file, appendPointer(pointer, "properties", name)),
          rule: "PROPERTY_LOWER_CAMEL_CASE",
          severity: "warning",
        });
      }
    const values = node["enum"];
    // Only string enums are enums of the model; a mixed `enum` is a set of allowed constants.
    if (Array.isArray(values) && values.every((v) => typeof v === "string" || v === null))
      values.forEach((value, i) => {
        if (typeof value !== "string" || LOWER_SNAKE.test(value)) return;
        out.push({
          code: "schema_invalid",
          message: `expected a snake_case enum value, found ${JSON.stringify(value)}${renameTo(value, snakeCase(value), LOWER_SNAKE)}`,
          location: locate(file, appendPointer(pointer, "enum", i)),
          rule: "ENUM_VALUE_LOWER_SNAKE_CASE",
          severity: "warning",
        });
      });
    for (const key of SCHEMA_MAPS) {
      const map = node[key];
      if (isRecord(map)) for (const [k, v] of Object.entries(map)) visit(v, appendPointer(pointer, key, k));
    }
    for (const key of SCHEMA_LISTS) {
      const list = node[key];
      if (Array.isArray(list)) for (const [i, v] of list.entries()) visit(v, appendPointer(pointer, key, i));
    }
    for (const key of SCHEMAS) visit(node[key], appendPointer(pointer, key));
  };
  visit(file.json, "");
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
