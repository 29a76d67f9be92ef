import { _ } from "ajv";
import type { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import { addAnnotations, createWireAjv as createRuntimeWireAjv } from "../../runtime/wire-ajv.js";
import { ContractError, type Diagnostic } from "../errors.js";
import { cap } from "../load/jsonschema.js";
import type { ContractModel } from "../model/types.js";
import { compareStrings } from "../util/names.js";
import { wireId } from "../wire/ids.js";
import type { JsonSchema } from "../wire/protojson.js";
import { jsonSchemaTypeName } from "./jsonschema-types.js";
import { type GeneratedFile, preamble } from "./printer.js";

/** Path (without extension) of the validators module of a JSON Schema package. */
export function validatorsPath(pkg: string): string {
  return `ts/jsonschema/${pkg ? pkg.split(".").join("/") : "_"}/validators`;
}

/** Export name of the validator of a declaration. */
export function validatorName(fullName: string): string {
  return `validate${jsonSchemaTypeName(fullName).replace(/\$$/, "_")}`;
}

/** An ajv instance that knows every wire schema; the one configuration generation and runtime share. */
export function createWireAjv(wire: ReadonlyMap<string, JsonSchema>, forCode: boolean): Ajv2020 {
  return createRuntimeWireAjv(
    wire.values(),
    forCode ? { code: { source: true, esm: true, lines: true, formats: _`ajvFormats` } } : {},
  );
}

/**
 * Finds the declaration ajv fails on (compiling each of `names` alone) so the error names its file and
 * pointer; the message is capped, as ajv may quote a whole schema.
 */
function locateAjvFailure(
  model: ContractModel,
  wire: ReadonlyMap<string, JsonSchema>,
  error: unknown,
  names: Iterable<string> = wire.keys(),
): Diagnostic {
  const message = cap((error as Error).message);
  const ajv = createRuntimeWireAjv([]);
  const located = (fullName: string, e: unknown): Diagnostic => {
    const location = model.decls.get(fullName)?.location;
    return {
      code: "schema_invalid",
      message: `ajv rejects the schema of ${fullName}: ${cap((e as Error).message)}`,
      ...(location ? { location } : {}),
    };
  };
  for (const [fullName, schema] of wire) {
    try {
      addAnnotations(ajv, schema);
      ajv.addSchema(schema);
    } catch (e) {
      return located(fullName, e);
    }
  }
  for (const fullName of names) {
    try {
      ajv.getSchema(wireId(fullName));
    } catch (e) {
      return located(fullName, e);
    }
  }
  return { code: "schema_invalid", message: `ajv rejects a schema: ${message}` };
}

/**
 * One module of validators per JSON Schema package, compiled by ajv at generation time (standalone
 * code), each exported with its type: a type guard for its generated type.
 */
export function emitValidators(
  model: ContractModel,
  wire: ReadonlyMap<string, JsonSchema>,
  names: Iterable<string>,
): GeneratedFile[] {
  const packages = new Map<string, string[]>();
  for (const fullName of names) {
    const decl = model.decls.get(fullName);
    if (!decl) continue;
    const list = packages.get(decl.package) ?? [];
    list.push(fullName);
    packages.set(decl.package, list);
  }
  let ajv: Ajv2020;
  try {
    ajv = createWireAjv(wire, true);
  } catch (e) {
    throw new ContractError(locateAjvFailure(model, wire, e), { cause: e });
  }
  const files: GeneratedFile[] = [];
  for (const pkg of [...packages.keys()].sort(compareStrings)) {
    const fullNames = (packages.get(pkg) ?? []).sort(compareStrings);
    const exports: Record<string, string> = {};
    for (const fullName of fullNames) exports[validatorName(fullName)] = wireId(fullName);
    let code: string;
    try {
      code = standaloneCode.default(ajv, exports);
    } catch (e) {
      throw new ContractError(locateAjvFailure(model, wire, e, fullNames), { cause: e });
    }
    const sources = [...new Set(fullNames.map((n) => model.decls.get(n)?.location.file ?? ""))].sort(
      compareStrings,
    );
    const body = code
      .replace(/^"use strict";/, "")
      .replace(/require\("ajv\/dist\/runtime\/([a-z_0-9]+)"\)/g, (_m, name: string) => `ajvRuntime.${name}`);
    // Only code can hold `require("`: inside the schema literals ajv embeds, a quote is escaped (`\"`),
    // so a description that mentions require("x") does not match.
    if (/require\("/.test(body)) {
      throw new ContractError({
        code: "unsupported",
        message: `ajv emitted a require() contractgen cannot map in package ${pkg}`,
      });
    }
    // ajv's standalone code is untyped JavaScript: the module opts out of type checking and exports each
    // validator with its declared type (a `.ts` file, so `tsc` builds it like every other generated file).
    const exported = new Map<string, string>();
    const untyped = body.replace(
      /export const ([A-Za-z0-9_$]+) = ([A-Za-z0-9_$]+);/g,
      (_m, name: string, fn: string) => {
        exported.set(name, fn);
        return "";
      },
    );
    const ts = [
      ...preamble(sources, "//"),
      "// Validators compiled by ajv from the wire JSON Schemas (gen/schema).",
      "// @ts-nocheck: ajv's generated code is untyped; the exports below carry the types.",
      "/* eslint-disable */",
      "",
      'import type { Validator } from "contractgen/runtime";',
      'import { ajvFormats, ajvRuntime } from "contractgen/runtime/ajv";',
      `import type { ${fullNames.map((n) => jsonSchemaTypeName(n)).join(", ")} } from "./types.js";`,
      "",
      untyped.replace(/;(?=const |function )/g, ";\n").replace(/^\n+/, ""),
      "",
      ...fullNames.flatMap((n) => {
        const name = validatorName(n);
        const fn = exported.get(name);
        if (fn === undefined) throw new Error(`internal: ajv exported no ${name}`);
        return [
          `/** Checks a value against the JSON Schema of ${n}; on failure, \`errors\` says where and why. */`,
          `export const ${name} = ${fn} as Validator<${jsonSchemaTypeName(n)}>;`,
        ];
      }),
      "",
      "// The wire schema of each validator: the runtime boundary's one-pass check covers these.",
      ...fullNames.map((n) => `${validatorName(n)}.wireSchema = ${JSON.stringify(wireId(n))};`),
      "",
    ].join("\n");
    files.push({ path: `${validatorsPath(pkg)}.ts`, content: ts });
  }
  return files;
}
