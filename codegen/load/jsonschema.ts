import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { ContractError, type Diagnostic } from "../errors.js";
import type {
  Constraints,
  ContractFile,
  Decl,
  EnumDecl,
  FieldDecl,
  JsonValue,
  MessageDecl,
  ScalarType,
  ServiceDecl,
  SourceLocation,
  UnionDecl,
  ValueType,
} from "../model/types.js";
import { appendPointer, resolvePointer } from "../util/json-pointer.js";
import { compareStrings, pascalCase } from "../util/names.js";
import { lowerManifest } from "./manifest.js";

/** A parsed JSON Schema contract file. */
export interface SchemaDocument {
  /** Path relative to the project root, forward slashes. */
  readonly path: string;
  /** Base URI used to resolve `$ref`s: the document's absolute `$id`, else its file URL. */
  readonly uri: string;
  /** Package derived from the directory relative to the JSON Schema root (`shop/stats/v1` → `shop.stats.v1`). */
  readonly package: string;
  readonly json: unknown;
  readonly kind: "schema" | "manifest";
}

/** Where a named declaration's schema lives, for the wire-schema writer and the TS emitter. */
export interface SchemaSource {
  readonly document: SchemaDocument;
  readonly pointer: string;
  readonly node: SchemaNode;
}

export type SchemaNode = boolean | { readonly [keyword: string]: unknown };

/** The JSON Schema part of a contract set, lowered into the model, with the raw schemas kept. */
export interface LoweredJsonSchema {
  readonly files: ContractFile[];
  readonly decls: Decl[];
  readonly services: ServiceDecl[];
  /** Full name → raw schema of that declaration. */
  readonly sources: ReadonlyMap<string, SchemaSource>;
  readonly documents: readonly SchemaDocument[];
  /** Resolves a `$ref` found in `document` to the declaration (full name) it names, if it names one. */
  readonly refTarget: (document: SchemaDocument, ref: string) => ResolvedRef;
}

export interface ResolvedRef {
  readonly document: SchemaDocument;
  readonly pointer: string;
  readonly node: unknown;
  /** Full name of the declaration the ref points at, when it points at a named one. */
  readonly decl?: string;
}

const SCHEMA_SUFFIX = ".schema.json";
const MANIFEST_SUFFIX = ".service.json";

/** Lists `*.schema.json` and `*.service.json` below `root`, sorted; skips dot folders and node_modules. */
export async function discoverJsonSchemaFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && (entry.name.endsWith(SCHEMA_SUFFIX) || entry.name.endsWith(MANIFEST_SUFFIX)))
        found.push(full);
    }
  }
  await walk(root);
  return found.sort(compareStrings);
}

/**
 * Reads and lowers the JSON Schema contracts under `schemaRoot` (absolute). Paths in the model are
 * relative to `projectRoot`. Every problem found is collected and thrown as one ContractError.
 */
export async function loadJsonSchemaContracts(
  projectRoot: string,
  schemaRoot: string,
): Promise<LoweredJsonSchema> {
  const diagnostics: Diagnostic[] = [];
  const files = await discoverJsonSchemaFiles(schemaRoot);
  const documents: SchemaDocument[] = [];
  for (const file of files) {
    const path = toPosix(relative(projectRoot, file));
    const dir = toPosix(relative(schemaRoot, join(file, "..")));
    const pkg = dir === "" ? "" : dir.split("/").join(".");
    const text = await readFile(file, "utf8");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      diagnostics.push({
        code: "schema_parse",
        message: `invalid JSON: ${(e as Error).message}`,
        location: { file: path, ...lineOfJsonError(text, e as Error) },
      });
      continue;
    }
    const fileUri = pathToFileURL(file).href;
    const id = isObject(json) && typeof json["$id"] === "string" ? json["$id"] : undefined;
    const uri = id && /^[a-z][a-z0-9+.-]*:/i.test(id) ? stripFragment(id) : fileUri;
    documents.push({
      path,
      uri,
      package: pkg,
      json,
      kind: file.endsWith(MANIFEST_SUFFIX) ? "manifest" : "schema",
    });
  }
  if (diagnostics.length > 0) throw new ContractError(diagnostics);
  const lowered = lowerJsonSchemaDocuments(documents);
  return lowered;
}

/** Lowers already-parsed documents (the in-memory entry point used by tests). */
export function lowerJsonSchemaDocuments(documents: readonly SchemaDocument[]): LoweredJsonSchema {
  const diagnostics: Diagnostic[] = [];
  const byUri = new Map<string, SchemaDocument>();
  for (const doc of documents) {
    byUri.set(doc.uri, doc);
    // Documents with an absolute `$id` are also reachable by their file URL (relative refs).
  }

  // 1. Named declarations: each schema file's root and each entry of its root `$defs`.
  const declAt = new Map<string, string>(); // `${path}#${pointer}` → full name
  const sources = new Map<string, SchemaSource>();
  const locations = new Map<string, SourceLocation>();
  const register = (doc: SchemaDocument, pointer: string, name: string, node: SchemaNode): void => {
    const fullName = doc.package ? `${doc.package}.${name}` : name;
    const previous = locations.get(fullName);
    if (previous) {
      diagnostics.push({
        code: "name_conflict",
        message: `type name ${fullName} is declared twice; first declared at ${previous.file}#${previous.pointer ?? ""}. $defs keys and titles must be unique within a package`,
        location: { file: doc.path, pointer },
      });
      return;
    }
    locations.set(fullName, { file: doc.path, pointer });
    declAt.set(`${doc.path}#${pointer}`, fullName);
    sources.set(fullName, { document: doc, pointer, node });
  };
  for (const doc of documents) {
    if (doc.kind !== "schema") continue;
    if (!isSchemaNode(doc.json)) {
      diagnostics.push({
        code: "schema_invalid",
        message: `a schema file must hold a JSON object or boolean, found ${describe(doc.json)}`,
        location: { file: doc.path, pointer: "" },
      });
      continue;
    }
    const root = doc.json;
    const title = isObject(root) && typeof root["title"] === "string" ? root["title"] : undefined;
    const stem = doc.path.slice(doc.path.lastIndexOf("/") + 1, -SCHEMA_SUFFIX.length);
    const rootName = title && isTypeName(title) ? title : pascalCase(stem);
    if (!isTypeName(rootName)) {
      diagnostics.push({
        code: "schema_invalid",
        message: `cannot derive a type name from file name ${JSON.stringify(stem)}; add a "title" that is a PascalCase identifier`,
        location: { file: doc.path, pointer: "" },
      });
    } else if (!isDefsOnly(root)) {
      register(doc, "", rootName, root);
    }
    const defs = isObject(root) ? root["$defs"] : undefined;
    if (defs !== undefined) {
      if (!isObject(defs)) {
        diagnostics.push({
          code: "schema_invalid",
          message: `"$defs" must be an object, found ${describe(defs)}`,
          location: { file: doc.path, pointer: "/$defs" },
        });
      } else {
        for (const [key, node] of Object.entries(defs)) {
          const pointer = appendPointer("/$defs", key);
          if (!isTypeName(key)) {
            diagnostics.push({
              code: "schema_invalid",
              message: `$defs key ${JSON.stringify(key)} is not a type name: expected a PascalCase identifier such as "OrderLine"`,
              location: { file: doc.path, pointer },
            });
            continue;
          }
          if (!isSchemaNode(node)) {
            diagnostics.push({
              code: "schema_invalid",
              message: `a schema must be an object or boolean, found ${describe(node)}`,
              location: { file: doc.path, pointer },
            });
            continue;
          }
          register(doc, pointer, key, node);
        }
      }
    }
  }

  // 2. $ref resolution (by URI + JSON pointer), shared by lowering and the emitters.
  const refTarget = (doc: SchemaDocument, ref: string): ResolvedRef => {
    let url: URL;
    try {
      url = new URL(ref, doc.uri);
    } catch {
      throw new RefError(`"$ref" ${JSON.stringify(ref)} is not a valid URI reference`);
    }
    const fragment = url.hash ? decodeURIComponent(url.hash.slice(1)) : "";
    url.hash = "";
    const target = byUri.get(url.href);
    if (!target) {
      throw new RefError(
        `"$ref" ${JSON.stringify(ref)} points to ${url.protocol === "file:" ? relativeFromUri(doc, url) : url.href}, which is not a contract file${url.protocol === "file:" ? " (missing file, or not named *.schema.json)" : ""}`,
      );
    }
    if (fragment !== "" && !fragment.startsWith("/")) {
      throw new RefError(
        `"$ref" ${JSON.stringify(ref)} uses an anchor; use a JSON pointer fragment such as "#/$defs/Name"`,
      );
    }
    const node = resolvePointer(target.json, fragment);
    if (node === undefined) {
      throw new RefError(`"$ref" ${JSON.stringify(ref)}: ${target.path} has nothing at #${fragment}`);
    }
    const decl = declAt.get(`${target.path}#${fragment}`);
    return { document: target, pointer: fragment, node, ...(decl ? { decl } : {}) };
  };

  // 3. Lower every declaration.
  const decls: Decl[] = [];
  const lowering = new Lowering(refTarget, diagnostics, locations);
  for (const [fullName, source] of sources) {
    const decl = lowering.declaration(fullName, source);
    if (decl) decls.push(decl);
  }
  decls.push(...lowering.synthesized);

  // 4. Manifests.
  const services: ServiceDecl[] = [];
  for (const doc of documents) {
    if (doc.kind !== "manifest") continue;
    const service = lowerManifest(doc, refTarget, sources, diagnostics);
    if (service) services.push(service);
  }

  if (diagnostics.length > 0) throw new ContractError(diagnostics);

  const byFile = new Map<string, string[]>();
  for (const [fullName, source] of sources) {
    const list = byFile.get(source.document.path) ?? [];
    list.push(fullName);
    byFile.set(source.document.path, list);
  }
  for (const decl of lowering.synthesized) {
    const list = byFile.get(decl.location.file) ?? [];
    list.push(decl.fullName);
    byFile.set(decl.location.file, list);
  }
  const files: ContractFile[] = documents.map((doc) => ({
    source: "jsonschema",
    path: doc.path,
    sourceName: doc.path,
    package: doc.package,
    declarations: byFile.get(doc.path) ?? [],
    services: services.filter((s) => s.location.file === doc.path).map((s) => s.fullName),
    options: {},
  }));
  return { files, decls, services, sources, documents, refTarget };
}

/** Raised by ref resolution; turned into a diagnostic at the ref's location. */
export class RefError extends Error {
  override readonly name = "RefError";
}

const SIMPLE_TYPES = new Set(["string", "integer", "number", "boolean", "object", "array", "null"]);

/** Lowers schema nodes into model types, synthesizing names for inline objects, enums and unions. */
class Lowering {
  readonly synthesized: Decl[] = [];

  constructor(
    private readonly refTarget: (doc: SchemaDocument, ref: string) => ResolvedRef,
    private readonly diagnostics: Diagnostic[],
    private readonly names: Map<string, SourceLocation>,
  ) {}

  declaration(fullName: string, source: SchemaSource): Decl | undefined {
    const { document, pointer, node } = source;
    const name = fullName.slice(fullName.lastIndexOf(".") + 1);
    const base = {
      source: "jsonschema" as const,
      fullName,
      package: document.package,
      typeName: name,
      name,
      doc: docOf(node),
      deprecated: isObject(node) && node["deprecated"] === true,
      location: { file: document.path, pointer },
    };
    const shape = this.shapeOf(node);
    switch (shape) {
      case "enum":
        return { ...base, kind: "enum", open: false, values: enumValues(node) };
      case "union":
        return { ...base, kind: "union", ...this.unionParts(document, pointer, node, fullName) };
      case "message":
        return { ...base, kind: "message", ...this.messageParts(document, pointer, node, fullName) };
      case "other":
        return { ...base, kind: "alias", type: this.valueType(document, pointer, node, fullName) };
    }
  }

  private shapeOf(node: SchemaNode): "enum" | "union" | "message" | "other" {
    if (!isObject(node)) return "other";
    if (Array.isArray(node["enum"]) && node["enum"].every((v) => typeof v === "string" || v === null))
      return "enum";
    if (Array.isArray(node["oneOf"]) || Array.isArray(node["anyOf"])) return "union";
    if (isObject(node["properties"])) return "message";
    const types = typesOf(node);
    if (types.includes("object") && node["additionalProperties"] === false) return "message";
    return "other";
  }

  private messageParts(
    doc: SchemaDocument,
    pointer: string,
    node: SchemaNode,
    fullName: string,
  ): Pick<MessageDecl, "fields" | "oneofs" | "closed" | "additional" | "examples"> {
    const obj = isObject(node) ? node : {};
    const properties = isObject(obj["properties"]) ? obj["properties"] : {};
    const required = new Set(
      Array.isArray(obj["required"]) ? obj["required"].filter((r) => typeof r === "string") : [],
    );
    const fields: FieldDecl[] = [];
    for (const [prop, propNode] of Object.entries(properties)) {
      const propPointer = appendPointer(pointer, "properties", prop);
      if (prop === "__proto__") {
        // ajv (like most JavaScript JSON tooling) skips this name, so it could never be validated.
        this.diagnostics.push({
          code: "unsupported",
          message: `property name "__proto__" is not supported: JavaScript validators cannot check it; rename the property`,
          location: { file: doc.path, pointer: propPointer },
        });
        continue;
      }
      if (!isSchemaNode(propNode)) {
        this.diagnostics.push({
          code: "schema_invalid",
          message: `property schema must be an object or boolean, found ${describe(propNode)}`,
          location: { file: doc.path, pointer: propPointer },
        });
        continue;
      }
      const def =
        isObject(propNode) && "default" in propNode ? (propNode["default"] as JsonValue) : undefined;
      fields.push({
        name: prop,
        jsonName: prop,
        type: this.valueType(doc, propPointer, propNode, `${fullName}${pascalCase(prop)}`),
        presence: required.has(prop) ? "required" : "explicit",
        ...(def !== undefined ? { default: def } : {}),
        doc: docOf(propNode),
        deprecated: isObject(propNode) && propNode["deprecated"] === true,
        location: { file: doc.path, pointer: propPointer },
      });
    }
    for (const name of required) {
      if (!Object.hasOwn(properties, name) && obj["additionalProperties"] === false) {
        this.diagnostics.push({
          code: "schema_invalid",
          message: `"required" names ${JSON.stringify(name)}, which is not in "properties" while additionalProperties is false: no value can satisfy this schema`,
          location: { file: doc.path, pointer: appendPointer(pointer, "required") },
        });
      }
    }
    const ap = obj["additionalProperties"];
    const up = obj["unevaluatedProperties"];
    const closed = ap === false || (ap === undefined && up === false);
    const additional =
      isSchemaNode(ap) && ap !== false && ap !== true
        ? this.valueType(doc, appendPointer(pointer, "additionalProperties"), ap, `${fullName}Value`)
        : undefined;
    const examples = Array.isArray(obj["examples"]) ? (obj["examples"] as JsonValue[]) : [];
    return { fields, oneofs: [], closed, ...(additional ? { additional } : {}), examples };
  }

  private unionParts(
    doc: SchemaDocument,
    pointer: string,
    node: SchemaNode,
    fullName: string,
  ): Pick<UnionDecl, "discriminator" | "members"> {
    const obj = isObject(node) ? node : {};
    const keyword = Array.isArray(obj["oneOf"]) ? "oneOf" : "anyOf";
    const branches = obj[keyword] as unknown[];
    const disc = isObject(obj["discriminator"]) ? obj["discriminator"]["propertyName"] : undefined;
    const discriminator = typeof disc === "string" ? disc : undefined;
    const members = branches.map((branch, i) => {
      const branchPointer = appendPointer(pointer, keyword, i);
      if (!isSchemaNode(branch)) {
        this.diagnostics.push({
          code: "schema_invalid",
          message: `a ${keyword} branch must be a schema, found ${describe(branch)}`,
          location: { file: doc.path, pointer: branchPointer },
        });
        return { type: { kind: "any" } as ValueType };
      }
      const type = this.valueType(doc, branchPointer, branch, `${fullName}Option${i + 1}`);
      const tag = discriminator ? this.tagOf(doc, branch, discriminator) : undefined;
      if (discriminator && tag === undefined) {
        this.diagnostics.push({
          code: "schema_invalid",
          message: `discriminator "${discriminator}": this branch does not fix "${discriminator}" with "const" (or a one-value "enum") and list it in "required"`,
          location: { file: doc.path, pointer: branchPointer },
        });
      }
      return { ...(tag !== undefined ? { tag } : {}), type };
    });
    if (discriminator) {
      const seen = new Map<string, number>();
      members.forEach((m, i) => {
        if (m.tag === undefined) return;
        const previous = seen.get(m.tag);
        if (previous !== undefined) {
          this.diagnostics.push({
            code: "schema_invalid",
            message: `discriminator value ${JSON.stringify(m.tag)} selects both branch ${previous} and branch ${i}`,
            location: { file: doc.path, pointer: appendPointer(pointer, keyword, i) },
          });
        }
        seen.set(m.tag, i);
      });
    }
    return { ...(discriminator ? { discriminator } : {}), members };
  }

  /** The constant value of the discriminator property in one union branch (following `$ref`s). */
  private tagOf(doc: SchemaDocument, branch: SchemaNode, property: string, depth = 0): string | undefined {
    if (!isObject(branch) || depth > 32) return undefined;
    if (typeof branch["$ref"] === "string") {
      try {
        const target = this.refTarget(doc, branch["$ref"]);
        if (isSchemaNode(target.node)) return this.tagOf(target.document, target.node, property, depth + 1);
      } catch {
        return undefined;
      }
    }
    const props = isObject(branch["properties"]) ? branch["properties"] : undefined;
    const prop = props?.[property];
    const required = Array.isArray(branch["required"]) && branch["required"].includes(property);
    if (!isObject(prop) || !required) return undefined;
    if (typeof prop["const"] === "string") return prop["const"];
    if (Array.isArray(prop["enum"]) && prop["enum"].length === 1 && typeof prop["enum"][0] === "string")
      return prop["enum"][0];
    return undefined;
  }

  /** The model type of a schema used as a value; `nameHint` names inline objects, enums and unions. */
  valueType(doc: SchemaDocument, pointer: string, node: SchemaNode, nameHint: string): ValueType {
    if (node === true || (isObject(node) && Object.keys(node).every((k) => ANNOTATIONS.has(k))))
      return { kind: "any" };
    if (node === false) return { kind: "any" };
    const obj = node as Record<string, unknown>;
    if (typeof obj["$ref"] === "string") {
      let target: ResolvedRef;
      try {
        target = this.refTarget(doc, obj["$ref"]);
      } catch (e) {
        this.diagnostics.push({
          code: "schema_ref",
          message: (e as Error).message,
          location: { file: doc.path, pointer: appendPointer(pointer, "$ref") },
        });
        return { kind: "any" };
      }
      const nullable = typesOf(obj).includes("null");
      let type: ValueType;
      if (target.decl) {
        const kindOfTarget = isSchemaNode(target.node) ? this.shapeOf(target.node) : "other";
        type =
          kindOfTarget === "message"
            ? { kind: "message", ref: target.decl }
            : kindOfTarget === "enum"
              ? { kind: "enum", ref: target.decl }
              : kindOfTarget === "union"
                ? { kind: "union", ref: target.decl }
                : { kind: "message", ref: target.decl };
        if (kindOfTarget === "other") {
          // Aliases (maps, lists, scalars with a name) are lowered where they are used.
          type = isSchemaNode(target.node)
            ? this.valueType(target.document, target.pointer, target.node, target.decl)
            : { kind: "any" };
        }
      } else if (isSchemaNode(target.node)) {
        type = this.valueType(target.document, target.pointer, target.node, nameHint);
      } else {
        type = { kind: "any" };
      }
      return nullable ? { kind: "nullable", type } : type;
    }
    const types = typesOf(obj);
    const nullable = types.includes("null") || (Array.isArray(obj["enum"]) && obj["enum"].includes(null));
    const inner = this.nonNullType(
      doc,
      pointer,
      obj,
      types.filter((t) => t !== "null"),
      nameHint,
    );
    return nullable ? { kind: "nullable", type: inner } : inner;
  }

  private nonNullType(
    doc: SchemaDocument,
    pointer: string,
    obj: Record<string, unknown>,
    types: string[],
    nameHint: string,
  ): ValueType {
    const shape = this.shapeOf(obj);
    if (shape === "enum" || shape === "union" || shape === "message") {
      const fullName = this.synthesize(doc, pointer, obj, nameHint);
      return { kind: shape, ref: fullName };
    }
    const constraints = constraintsOf(obj);
    if ("const" in obj) {
      const c = obj["const"];
      const scalar: ScalarType =
        typeof c === "string"
          ? "string"
          : typeof c === "boolean"
            ? "bool"
            : Number.isInteger(c)
              ? "integer"
              : "number";
      return { kind: "scalar", scalar, ...(constraints ? { constraints } : {}) };
    }
    const [type] = types;
    if (types.length !== 1 || type === undefined) return { kind: "any" };
    switch (type) {
      case "string":
        return { kind: "scalar", scalar: "string", ...(constraints ? { constraints } : {}) };
      case "integer":
        return { kind: "scalar", scalar: "integer", ...(constraints ? { constraints } : {}) };
      case "number":
        return { kind: "scalar", scalar: "number", ...(constraints ? { constraints } : {}) };
      case "boolean":
        return { kind: "scalar", scalar: "bool" };
      case "array": {
        const items = obj["items"];
        const element = isSchemaNode(items)
          ? this.valueType(doc, appendPointer(pointer, "items"), items, `${nameHint}Item`)
          : ({ kind: "any" } as ValueType);
        return { kind: "list", element, ...(constraints ? { constraints } : {}) };
      }
      case "object": {
        const ap = obj["additionalProperties"];
        const value = isSchemaNode(ap)
          ? this.valueType(doc, appendPointer(pointer, "additionalProperties"), ap, `${nameHint}Value`)
          : ({ kind: "any" } as ValueType);
        return { kind: "map", key: "string", value, ...(constraints ? { constraints } : {}) };
      }
      default:
        return { kind: "any" };
    }
  }

  /** Declares an inline object, enum or union under a name derived from where it is used. */
  private synthesize(doc: SchemaDocument, pointer: string, node: SchemaNode, hint: string): string {
    const dot = hint.lastIndexOf(".");
    const pkg = dot >= 0 ? hint.slice(0, dot) : doc.package;
    const name = dot >= 0 ? hint.slice(dot + 1) : hint;
    const fullName = pkg ? `${pkg}.${name}` : name;
    const previous = this.names.get(fullName);
    if (previous) {
      if (previous.file === doc.path && previous.pointer === pointer) return fullName;
      this.diagnostics.push({
        code: "name_conflict",
        message: `the inline schema here would be named ${fullName}, which is already declared at ${previous.file}#${previous.pointer ?? ""}; move it into "$defs" under another name`,
        location: { file: doc.path, pointer },
      });
      return fullName;
    }
    this.names.set(fullName, { file: doc.path, pointer });
    const decl = this.declaration(fullName, { document: doc, pointer, node });
    if (decl) this.synthesized.push(decl);
    return fullName;
  }
}

/** Keywords that do not constrain a value. */
const ANNOTATIONS = new Set([
  "description",
  "title",
  "$comment",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
  "default",
]);

function enumValues(node: SchemaNode): EnumDecl["values"] {
  const values = isObject(node) && Array.isArray(node["enum"]) ? node["enum"] : [];
  const docs = isObject(node) && isObject(node["x-enum-descriptions"]) ? node["x-enum-descriptions"] : {};
  return values
    .filter((v): v is string => typeof v === "string")
    .map((v) => ({
      name: v,
      json: v,
      doc: typeof docs[v] === "string" ? (docs[v] as string) : "",
      deprecated: false,
    }));
}

function constraintsOf(obj: Record<string, unknown>): Constraints | undefined {
  const c: Record<string, unknown> = {};
  for (const key of [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
  ]) {
    if (typeof obj[key] === "number") c[key] = obj[key];
  }
  if (typeof obj["pattern"] === "string") c["pattern"] = obj["pattern"];
  if (typeof obj["format"] === "string") c["format"] = obj["format"];
  if (obj["uniqueItems"] === true) c["uniqueItems"] = true;
  if ("const" in obj) c["const"] = obj["const"];
  return Object.keys(c).length > 0 ? (c as Constraints) : undefined;
}

function typesOf(obj: Record<string, unknown> | SchemaNode): string[] {
  if (!isObject(obj)) return [];
  const t = obj["type"];
  if (typeof t === "string") return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === "string" && SIMPLE_TYPES.has(x));
  if (isObject(obj["properties"]) || isObject(obj["additionalProperties"])) return ["object"];
  if (obj["items"] !== undefined) return ["array"];
  return [];
}

/** A root that only carries `$defs` (a library of types) declares no type of its own. */
function isDefsOnly(root: SchemaNode): boolean {
  if (!isObject(root)) return false;
  return Object.keys(root).every(
    (k) =>
      k === "$defs" ||
      k === "$schema" ||
      k === "$id" ||
      k === "$comment" ||
      k === "title" ||
      k === "description",
  );
}

function docOf(node: SchemaNode): string {
  if (!isObject(node)) return "";
  const description = node["description"];
  if (typeof description === "string") return description;
  return "";
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function isSchemaNode(v: unknown): v is SchemaNode {
  return typeof v === "boolean" || isObject(v);
}

/** A name usable as a type in every target language before escaping: PascalCase ASCII. */
export function isTypeName(name: string): boolean {
  return /^[A-Z][A-Za-z0-9_]*$/.test(name);
}

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function stripFragment(uri: string): string {
  const hash = uri.indexOf("#");
  return hash >= 0 ? uri.slice(0, hash) : uri;
}

function relativeFromUri(doc: SchemaDocument, url: URL): string {
  // Both are file URLs under the same project: show the path the way the user wrote it.
  const from = doc.uri.slice(0, doc.uri.lastIndexOf("/") + 1);
  return url.href.startsWith(from) ? url.href.slice(from.length) : decodeURIComponent(url.pathname);
}

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

/** Node's JSON.parse messages name a position; turn it into line and column. */
function lineOfJsonError(text: string, e: Error): { line?: number; column?: number } {
  const m = /position (\d+)/.exec(e.message);
  if (!m) return {};
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  return { line, column };
}
