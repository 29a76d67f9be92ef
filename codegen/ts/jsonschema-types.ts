import { compile, type JSONSchema } from "json-schema-to-typescript";
import { ContractError } from "../errors.js";
import type { ContractModel } from "../model/types.js";
import { compareStrings } from "../util/names.js";
import { setOwn } from "../util/own.js";
import { fullNameOfWireId } from "../wire/ids.js";
import type { JsonSchema } from "../wire/protojson.js";
import { type GeneratedFile, preamble, relativeImport, safeIdentifier } from "./printer.js";

/** Path of the types module of a JSON Schema package, relative to the output folder. */
export function jsonSchemaTypesPath(pkg: string): string {
  return `ts/jsonschema/${pkg ? pkg.split(".").join("/") : "_"}/types.ts`;
}

/** The exported TypeScript name of a JSON Schema declaration (in its package's types module). */
export function jsonSchemaTypeName(fullName: string): string {
  return safeIdentifier(fullName.slice(fullName.lastIndexOf(".") + 1));
}

/**
 * One `types.ts` per JSON Schema package, by json-schema-to-typescript: every named declaration of the
 * package becomes an exported type; declarations of other packages are imported from their module.
 */
export async function emitJsonSchemaTypes(
  model: ContractModel,
  wire: ReadonlyMap<string, JsonSchema>,
  sources: ReadonlyMap<string, unknown>,
): Promise<GeneratedFile[]> {
  const packages = new Map<string, string[]>();
  for (const fullName of sources.keys()) {
    const decl = model.decls.get(fullName);
    if (!decl) continue;
    const list = packages.get(decl.package) ?? [];
    list.push(fullName);
    packages.set(decl.package, list);
  }
  const files: GeneratedFile[] = [];
  for (const pkg of [...packages.keys()].sort(compareStrings)) {
    const names = (packages.get(pkg) ?? []).sort(compareStrings);
    const path = jsonSchemaTypesPath(pkg);
    const imports = new Map<string, { module: string; name: string; local: string }>();
    const localNames = new Set(names.map(jsonSchemaTypeName));
    const importedLocal = (fullName: string): string => {
      const existing = imports.get(fullName);
      if (existing) return existing.local;
      const decl = model.decls.get(fullName);
      const name = jsonSchemaTypeName(fullName);
      let local = name;
      const otherPkg = decl?.package ?? "";
      if (localNames.has(local) || [...imports.values()].some((i) => i.local === local)) {
        local = safeIdentifier(
          `${otherPkg
            .split(".")
            .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
            .join("")}${name}`,
        );
      }
      imports.set(fullName, { module: relativeImport(path, jsonSchemaTypesPath(otherPkg)), name, local });
      return local;
    };
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (node === null || typeof node !== "object") return node;
      const obj = node as Record<string, unknown>;
      if (typeof obj["$ref"] === "string") {
        const target = fullNameOfWireId(obj["$ref"]);
        if (target !== undefined) {
          // Every reference becomes a `tsType`: json-schema-to-typescript then prints each declaration
          // once, from its own definition, instead of a copy per place that refers to it.
          const { $ref: _ref, ...rest } = obj;
          const targetDecl = model.decls.get(target);
          const nullable = Array.isArray(rest["type"]) && rest["type"].includes("null");
          const { type: _type, ...others } = rest;
          const local = targetDecl?.package === pkg ? jsonSchemaTypeName(target) : importedLocal(target);
          return { ...rewriteEach(others), tsType: nullable ? `${local} | null` : local };
        }
      }
      return rewriteEach(obj);
    };
    const rewriteEach = (obj: Record<string, unknown>): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj)) {
        setOwn(out, k, k === "const" || k === "enum" || k === "examples" || k === "default" ? v : rewrite(v));
      }
      return out;
    };
    const defs: Record<string, unknown> = {};
    for (const fullName of names) {
      const schema = wire.get(fullName);
      if (!schema) continue;
      const { $schema: _s, $id: _i, title: _t, examples: _e, ...body } = schema;
      defs[jsonSchemaTypeName(fullName)] = {
        ...(rewrite(body) as object),
        title: jsonSchemaTypeName(fullName),
      };
    }
    const root = {
      title: "ContractgenPackageRoot",
      type: "object",
      additionalProperties: false,
      properties: Object.fromEntries(Object.keys(defs).map((k) => [k, { tsType: k }])),
      $defs: defs,
    };
    let code: string;
    try {
      code = await compile(root as JSONSchema, "ContractgenPackageRoot", {
        bannerComment: "",
        format: true,
        additionalProperties: false,
        declareExternallyReferenced: true,
        enableConstEnums: false,
        strictIndexSignatures: true,
        unknownAny: true,
        maxItems: -1,
        ignoreMinAndMaxItems: true,
        unreachableDefinitions: true,
        $refOptions: { resolve: { external: false, file: false, http: false } },
      });
    } catch (e) {
      throw new ContractError(
        {
          code: "tool_failed",
          message: `json-schema-to-typescript failed on package ${pkg}: ${(e as Error).message}`,
        },
        { cause: e },
      );
    }
    const body = stripRoot(code);
    const sourcesOfPkg = [...new Set(names.map((n) => model.decls.get(n)?.location.file ?? ""))].sort(
      compareStrings,
    );
    const importLines = [...imports.values()]
      .sort((a, b) => compareStrings(a.module + a.name, b.module + b.name))
      .map(
        (i) =>
          `import type { ${i.name === i.local ? i.name : `${i.name} as ${i.local}`} } from "${i.module}";`,
      );
    const content = [
      ...preamble(sourcesOfPkg, "//"),
      ...(importLines.length > 0 ? ["", ...importLines] : []),
      "",
      body.trim(),
      "",
    ].join("\n");
    files.push({ path, content });
  }
  return files;
}

/**
 * Removes the synthetic root interface json-schema-to-typescript prints first, and its remarks that a
 * type "was referenced by" that root.
 */
function stripRoot(code: string): string {
  let out = code.replace(
    /\n \*\n \* This interface was referenced by `ContractgenPackageRoot`'s JSON-Schema\n \* via the `definition` "[^"]*"\./g,
    "",
  );
  out = out.replace(
    /\/\*\*\n \* This interface was referenced by `ContractgenPackageRoot`'s JSON-Schema\n \* via the `definition` "[^"]*"\.\n \*\/\n/g,
    "",
  );
  const start = out.indexOf("export interface ContractgenPackageRoot");
  if (start < 0) return out;
  const end = out.indexOf("\n}\n", start);
  return out.slice(0, start) + out.slice(end + 3);
}
