import type { Ajv2020 } from "ajv/dist/2020.js";
import { type ConfigOverrides, resolveConfig } from "./config.js";
import { type Diagnostic, isContractError } from "./errors.js";
import { lintExamplesFiles } from "./lint/examples-files.js";
import { lintJsonSchemaNaming } from "./lint/naming/index.js";
import { lintSchemaExamples } from "./lint/schema-examples.js";
import { subsetSchemas } from "./lint/subset-schema.js";
import { loadContracts } from "./load/index.js";
import { bufDiagnostics } from "./load/proto.js";
import { runBuf } from "./tools/buf.js";
import { createWireAjv } from "./ts/validators.js";
import { wireSchemas } from "./wire/index.js";

/** Options of {@link lint}. */
export interface LintOptions extends ConfigOverrides {
  readonly cwd: string;
}

/** Findings of {@link lint}; no findings means the contracts are fine. */
export interface LintResult {
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Checks the contracts (docs/cli.md, "lint"): `buf lint` with the rules of buf.yaml for proto; for JSON
 * Schema, that every file parses, every `$ref` resolves, names are unique, manifests are valid, every
 * schema compiles under ajv's strict mode, every `examples` entry validates against its own schema, and
 * the naming conventions of docs/contracts.md; for both, the `<Method>.examples.json` files of the
 * contract tests.
 */
export async function lint(options: LintOptions): Promise<LintResult> {
  const config = resolveConfig(options.cwd, options);
  const diagnostics: Diagnostic[] = [];
  const bufLint = config.protoRoot
    ? runBuf(["lint", "--error-format", "json"], { cwd: config.protoRoot })
    : Promise.resolve(undefined);
  const naming = config.jsonSchemaRoot
    ? lintJsonSchemaNaming(config.root, config.jsonSchemaRoot)
    : Promise.resolve([]);
  try {
    const loaded = await loadContracts(config);
    diagnostics.push(...(loaded.jsonSchema?.warnings ?? []));
    const wire = wireSchemas(loaded);
    let ajv: Ajv2020 | undefined;
    try {
      ajv = createWireAjv(wire, false);
    } catch (e) {
      diagnostics.push({ code: "schema_invalid", message: `ajv rejects a schema: ${(e as Error).message}` });
    }
    if (ajv) {
      diagnostics.push(...lintSchemaExamples(loaded, ajv));
      let subsetAjv: Ajv2020 | undefined;
      diagnostics.push(
        ...lintExamplesFiles({
          model: loaded.model,
          root: config.root,
          roots: [config.root, ...(config.protoRoot ? [config.protoRoot] : [])],
          ajv,
          subsetAjv: () => {
            subsetAjv ??= createWireAjv(subsetSchemas(wire), false);
            return subsetAjv;
          },
        }),
      );
    }
  } catch (e) {
    if (!isContractError(e)) throw e;
    diagnostics.push(...e.diagnostics);
  }
  diagnostics.push(...(await naming));
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
