import { ContractError, type Diagnostic } from "../errors.js";
import type { LoweredJsonSchema, SchemaDocument } from "../load/jsonschema.js";
import { appendPointer } from "../util/json-pointer.js";
import { setOwn } from "../util/own.js";
import { wireId } from "./ids.js";
import type { JsonSchema } from "./protojson.js";

/** Keywords of a file root that do not belong in the wire schema of one declaration. */
const FILE_KEYWORDS = new Set(["$schema", "$id", "$defs", "definitions"]);

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
    if (Array.isArray(node))
      return node.map((item, i) => rewrite(doc, appendPointer(pointer, i), item, inlining));
    if (node === null || typeof node !== "object") return node;
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
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
            location: { file: doc.path, pointer: appendPointer(pointer, "$ref") },
          });
        }
        continue;
      }
      // Values of these keywords are data or names, not schemas: copy them as they are.
      if (key === "const" || key === "enum" || key === "examples" || key === "default") {
        setOwn(result, key, value);
        continue;
      }
      setOwn(result, key, rewrite(doc, appendPointer(pointer, key), value, inlining));
    }
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
