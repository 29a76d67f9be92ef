import { type ConfigOverrides, resolveConfig } from "./config.js";
import { type Diagnostic, isContractError } from "./errors.js";
import { loadContracts } from "./load/index.js";
import { bufDiagnostics } from "./load/proto.js";
import { runBuf } from "./tools/buf.js";
import { createWireAjv } from "./ts/validators.js";
import { appendPointer } from "./util/json-pointer.js";
import { wireId, wireSchemas } from "./wire/index.js";

/** Options of {@link lint}. */
export interface LintOptions extends ConfigOverrides {
  readonly cwd: string;
}

/** Findings of {@link lint}; no findings means the contracts are fine. */
export interface LintResult {
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Checks the contracts: `buf lint` with the rules of buf.yaml for proto; for JSON Schema, that every file
 * parses, every `$ref` resolves, names are unique, manifests are valid, every schema compiles under ajv's
 * strict mode, and every `examples` entry validates against its own schema.
 */
export async function lint(options: LintOptions): Promise<LintResult> {
  const config = resolveConfig(options.cwd, options);
  const diagnostics: Diagnostic[] = [];
  const bufLint = config.protoRoot
    ? runBuf(["lint", "--error-format", "json"], { cwd: config.protoRoot })
    : Promise.resolve(undefined);
  try {
    const loaded = await loadContracts(config);
    const wire = wireSchemas(loaded);
    let ajv: ReturnType<typeof createWireAjv> | undefined;
    try {
      ajv = createWireAjv(wire, false);
    } catch (e) {
      diagnostics.push({ code: "schema_invalid", message: `ajv rejects a schema: ${(e as Error).message}` });
    }
    if (ajv && loaded.jsonSchema) {
      for (const [fullName, source] of loaded.jsonSchema.sources) {
        let validate: ReturnType<NonNullable<typeof ajv>["compile"]> | undefined;
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
          if (!validate(example)) {
            for (const error of validate.errors ?? []) {
              diagnostics.push({
                code: "schema_invalid",
                message: `example ${i} does not match its schema at ${error.instancePath || "/"}: ${error.message ?? error.keyword}`,
                location: {
                  file: source.document.path,
                  pointer: appendPointer(source.pointer, "examples", i),
                },
                rule: "EXAMPLE_VALID",
              });
            }
          }
        });
      }
    }
  } catch (e) {
    if (!isContractError(e)) throw e;
    diagnostics.push(...e.diagnostics);
  }
  const bufResult = await bufLint;
  if (bufResult && bufResult.exitCode !== 0) {
    // buf lint exits 100 with findings; compile errors are reported by the loader already.
    const findings = bufDiagnostics(
      `${bufResult.stdout.toString("utf8")}\n${bufResult.stderr}`,
      "proto_lint",
      "buf lint failed",
    );
    for (const f of findings) {
      if (!diagnostics.some((d) => d.message === f.message && d.location?.file === f.location?.file))
        diagnostics.push(f);
    }
  }
  return { diagnostics };
}
