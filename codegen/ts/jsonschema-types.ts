import { compile, type JSONSchema } from "json-schema-to-typescript";
import { SCHEMA_ARRAY_KEYWORDS, SCHEMA_KEYWORDS, SCHEMA_MAP_KEYWORDS } from "../../runtime/wire-ajv.js";
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
      // `true` and `{}` accept any JSON value: json-schema-to-typescript would print an object type
      // (or drop a union that has such a member), so they are written as `unknown`.
      if (node === true) return { tsType: "unknown" };
      if (node === false) return { tsType: "never" };
      if (node === null || typeof node !== "object") return node;
      const obj = node as Record<string, unknown>;
      if (Object.keys(obj).every((k) => ANNOTATION_KEYWORDS.has(k) || !KNOWN_TYPE_KEYWORDS.has(k)))
        return { ...pick(obj, ANNOTATION_KEYWORDS), tsType: "unknown" };
      for (const k of ["oneOf", "anyOf"]) {
        const members = obj[k];
        if (Array.isArray(members) && members.map(rewrite).some(isUnknown)) {
          const { [k]: _m, ...rest } = obj;
          return { ...(rewrite(rest) as object), tsType: "unknown" };
        }
      }
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
    // Only schema positions are rewritten (a property may be named `default` or `enum`); values of
    // `const`, `enum`, `default`, `examples` and annotations are data.
    const rewriteEach = (obj: Record<string, unknown>): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj)) {
        if (SCHEMA_ARRAY_KEYWORDS.has(k) && Array.isArray(v)) setOwn(out, k, v.map(rewrite));
        // `additionalProperties: false` and the like stay booleans: json-schema-to-typescript reads them.
        else if (SCHEMA_KEYWORDS.has(k)) setOwn(out, k, typeof v === "boolean" ? v : rewrite(v));
        else if (SCHEMA_MAP_KEYWORDS.has(k) && v !== null && typeof v === "object" && !Array.isArray(v)) {
          const map: Record<string, unknown> = {};
          for (const [name, sub] of Object.entries(v))
            setOwn(map, name, Array.isArray(sub) ? sub : rewrite(sub));
          setOwn(out, k, map);
        } else setOwn(out, k, v);
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

/** Keywords that describe a value without constraining its TypeScript type. */
const ANNOTATION_KEYWORDS: ReadonlySet<string> = new Set([
  "title",
  "description",
  "$comment",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
]);

/** Keywords json-schema-to-typescript reads to build a type. */
const KNOWN_TYPE_KEYWORDS: ReadonlySet<string> = new Set([
  "type",
  "enum",
  "const",
  "$ref",
  "tsType",
  "oneOf",
  "anyOf",
  "allOf",
  "properties",
  "additionalProperties",
  "patternProperties",
  "required",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "not",
  "if",
  "then",
  "else",
  "format",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "uniqueItems",
  "contains",
  "propertyNames",
  "minProperties",
  "maxProperties",
  "dependentRequired",
  "dependentSchemas",
  "unevaluatedProperties",
  "discriminator",
]);

function isUnknown(node: unknown): boolean {
  return (
    node !== null && typeof node === "object" && (node as Record<string, unknown>)["tsType"] === "unknown"
  );
}

function pick(obj: Record<string, unknown>, keys: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (keys.has(k)) setOwn(out, k, v);
  return out;
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
