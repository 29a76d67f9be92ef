import { SCHEMA_ARRAY_KEYWORDS, SCHEMA_KEYWORDS, SCHEMA_MAP_KEYWORDS } from "../../runtime/wire-ajv.js";
import { ContractError, type Diagnostic } from "../errors.js";
import type { LoweredJsonSchema, SchemaDocument } from "../load/jsonschema.js";
import { appendPointer } from "../util/json-pointer.js";
import { setOwn } from "../util/own.js";
import { wireId } from "./ids.js";
import type { JsonSchema } from "./protojson.js";

/** Keywords of a file root that do not belong in the wire schema of one declaration. */
const FILE_KEYWORDS = new Set(["$schema", "$id", "$defs", "definitions"]);

/** Keywords dropped at every level of a wire schema. */
const NESTED_DROPPED = new Set(["$schema", "$id", "$anchor", "$defs", "definitions"]);

/**
 * The wire schema of each JSON Schema declaration: the contract's own schema, where every `$ref` to a
 * named declaration becomes a `$ref` to that declaration's wire id, and a `$ref` to an unnamed part of a
 * file is inlined. The JSON wire form of a JSON Schema contract is the contract itself.
 */
export function jsonSchemaWireSchemas(lowered: LoweredJsonSchema): Map<string, JsonSchema> {
  const diagnostics: Diagnostic[] = [];
  const out = new Map<string, JsonSchema>();
  const rewrite = (
    doc: SchemaDocument,
    pointer: string,
    node: unknown,
    inlining: ReadonlySet<string>,
  ): unknown => {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return node;
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const at = appendPointer(pointer, key);
      if (key === "$ref" && typeof value === "string") {
        try {
          const target = lowered.refTarget(doc, value);
          if (target.decl) {
            result["$ref"] = wireId(target.decl);
          } else {
            const key = `${target.document.path}#${target.pointer}`;
            if (inlining.has(key)) {
              throw new Error(
                `"$ref" ${JSON.stringify(value)} is recursive through a schema without a name; move it into "$defs"`,
              );
            }
            const inlined = rewrite(
              target.document,
              target.pointer,
              target.node,
              new Set([...inlining, key]),
            );
            // An inlined `$ref` target is merged as an `allOf` branch so sibling keywords keep their meaning.
            result["allOf"] = [...((result["allOf"] as unknown[]) ?? []), inlined];
          }
        } catch (e) {
          diagnostics.push({
            code: "schema_ref",
            message: (e as Error).message,
            location: { file: doc.path, pointer: at },
          });
        }
        continue;
      }
      // Resource and location names: every `$ref` above is resolved, and an inlined copy must not
      // declare the same `$id` or `$anchor` twice; nested definitions are inlined where used.
      if (NESTED_DROPPED.has(key)) continue;
      // Only schema positions are rewritten: `const`, `enum`, `default`, `examples` and annotations are
      // data, while `properties.default` is a schema (a property may be named like any keyword).
      if (SCHEMA_KEYWORDS.has(key) && !Array.isArray(value)) {
        setOwn(result, key, rewrite(doc, at, value, inlining));
      } else if (SCHEMA_ARRAY_KEYWORDS.has(key) && Array.isArray(value)) {
        setOwn(
          result,
          key,
          value.map((v, i) => rewrite(doc, appendPointer(at, i), v, inlining)),
        );
      } else if (
        SCHEMA_MAP_KEYWORDS.has(key) &&
        value !== null &&
        typeof value === "object" &&
        !Array.isArray(value)
      ) {
        const map: Record<string, unknown> = {};
        for (const [name, sub] of Object.entries(value))
          setOwn(map, name, Array.isArray(sub) ? sub : rewrite(doc, appendPointer(at, name), sub, inlining));
        setOwn(result, key, map);
      } else {
        setOwn(result, key, value);
      }
    }
    if (Array.isArray(result["allOf"]) && result["allOf"].length === 0) delete result["allOf"];
    dropIneffective(result);
    return result;
  };
  for (const [fullName, source] of lowered.sources) {
    const copy = rewrite(source.document, source.pointer, source.node, new Set()) as JsonSchema | boolean;
    if (typeof copy === "boolean") {
      out.set(fullName, copy ? {} : { not: {} });
      continue;
    }
    const schema: JsonSchema = {};
    for (const [key, value] of Object.entries(copy)) if (!FILE_KEYWORDS.has(key)) setOwn(schema, key, value);
    out.set(fullName, schema);
  }
  if (diagnostics.length > 0) throw new ContractError(diagnostics);
  return out;
}

/**
 * Removes keywords that have no effect without a partner (`if` without `then`/`else`, `then`/`else`
 * without `if`, `minContains`/`maxContains` without `contains`): JSON Schema ignores them, ajv's strict
 * mode refuses them.
 */
function dropIneffective(schema: Record<string, unknown>): void {
  if ("if" in schema && !("then" in schema) && !("else" in schema)) delete schema["if"];
  if (!("if" in schema)) {
    delete schema["then"];
    delete schema["else"];
  }
  if (!("contains" in schema)) {
    delete schema["minContains"];
    delete schema["maxContains"];
  }
}
