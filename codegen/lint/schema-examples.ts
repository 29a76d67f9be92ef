/**
 * Lint of JSON Schema declarations under ajv: every schema compiles in strict mode, and every entry of a
 * message's `examples` keyword validates against its own schema.
 */
import type { Ajv2020 } from "ajv/dist/2020.js";
import type { Diagnostic } from "../errors.js";
import type { LoadedContracts } from "../load/index.js";
import { appendPointer } from "../util/json-pointer.js";
import { wireId } from "../wire/index.js";

/** Compiles each JSON Schema declaration's wire schema and validates its `examples`. */
export function lintSchemaExamples(loaded: LoadedContracts, ajv: Ajv2020): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (!loaded.jsonSchema) return diagnostics;
  for (const [fullName, source] of loaded.jsonSchema.sources) {
    let validate: ReturnType<Ajv2020["compile"]> | undefined;
    try {
      validate = ajv.getSchema(wireId(fullName));
    } catch (e) {
      diagnostics.push({
        code: "schema_invalid",
        message: `schema does not compile: ${(e as Error).message}`,
        location: { file: source.document.path, pointer: source.pointer },
      });
      continue;
    }
    const decl = loaded.model.decls.get(fullName);
    if (!validate || decl?.kind !== "message") continue;
    decl.examples.forEach((example, i) => {
      if (validate(example)) return;
      for (const error of validate.errors ?? []) {
        diagnostics.push({
          code: "schema_invalid",
          message: `example ${i} does not match its schema at ${error.instancePath || "/"}: ${error.message ?? error.keyword}`,
          location: { file: source.document.path, pointer: appendPointer(source.pointer, "examples", i) },
          rule: "EXAMPLE_VALID",
        });
      }
    });
  }
  return diagnostics;
}
