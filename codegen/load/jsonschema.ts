import { statSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { forEachSchema } from "../../runtime/wire-ajv.js";
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
import { appendPointer } from "../util/json-pointer.js";
import { compareStrings, words } from "../util/names.js";
import { DRAFT_URIS, type Draft, draftOfUri, toDraft2020, translatePointer } from "./drafts.js";
import { lowerManifest } from "./manifest.js";

/** A parsed JSON Schema contract file. */
export interface SchemaDocument {
  /** Path relative to the project root, forward slashes. */
  readonly path: string;
  /** Base URI used to resolve `$ref`s: the document's absolute `$id`, else its file URL. */
  readonly uri: string;
  /** Package derived from the directory relative to the JSON Schema root (`shop/stats/v1` → `shop.stats.v1`). */
  readonly package: string;
  /** The document, rewritten into draft 2020-12 once lowered (codegen/load/drafts.ts). */
  readonly json: unknown;
  readonly kind: "schema" | "manifest";
  /** The file's own URL, when `uri` is its `$id` or the remote URL it was vendored for. */
  readonly fileUri?: string;
  /** The draft the file is written in (set when lowered). */
  readonly draft?: Draft;
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
  /** Full name → schema of each declaration named after where it is used (an inline object, enum, union). */
  readonly synthesizedSources?: ReadonlyMap<string, SchemaSource>;
  /** Problems that do not stop generation: renamed types, ignored keywords, annotations kept. */
  readonly warnings: readonly Diagnostic[];
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

/** How JSON Schema contracts are read (the `jsonSchemaOptions` section of the config, with defaults). */
export interface JsonSchemaOptions {
  /** Draft of a schema file without `$schema`. Default `2020-12`. */
  readonly defaultDraft: Draft;
  /**
   * Remote `$ref` URLs → vendored files (absolute paths). A key ending in `/` maps every URL below it to
   * the same relative path below the value (a folder). Nothing is fetched from the network.
   */
  readonly remoteRefs: Readonly<Record<string, string>>;
  /** Keywords no draft defines (`x-*`, `markdownDescription`): kept as annotations, or refused. */
  readonly unknownKeywords: "annotation" | "error";
}

export const DEFAULT_JSON_SCHEMA_OPTIONS: JsonSchemaOptions = {
  defaultDraft: "2020-12",
  remoteRefs: {},
  unknownKeywords: "annotation",
};

/**
 * Reads and lowers the JSON Schema contracts under `schemaRoot` (absolute). Paths in the model are
 * relative to `projectRoot`. Every problem found is collected and thrown as one ContractError. Files
 * that a `$ref` reaches — any `.json` file under the root, or a vendored file a remote URL maps to — are
 * read as well.
 */
export async function loadJsonSchemaContracts(
  projectRoot: string,
  schemaRoot: string,
  options: Partial<JsonSchemaOptions> = {},
): Promise<LoweredJsonSchema> {
  const opts = { ...DEFAULT_JSON_SCHEMA_OPTIONS, ...options };
  const diagnostics: Diagnostic[] = [];
  const files = await discoverJsonSchemaFiles(schemaRoot);
  const documents: SchemaDocument[] = [];
  const known = new Set<string>();
  const read = async (file: string, kind: SchemaDocument["kind"], uriOverride?: string): Promise<void> => {
    const path = toPosix(relative(projectRoot, file));
    const rel = toPosix(relative(schemaRoot, join(file, "..")));
    const dir = rel.startsWith("..") ? toPosix(relative(projectRoot, join(file, ".."))) : rel;
    const pkg = dir === "" ? "" : packageOfDir(dir);
    const text = await readFile(file, "utf8");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      diagnostics.push({
        code: "schema_parse",
        message: `invalid JSON: ${cap((e as Error).message)}`,
        location: { file: path, ...lineOfJsonError(text, e as Error) },
      });
      return;
    }
    const fileUri = pathToFileURL(file).href;
    known.add(fileUri);
    const id = isObject(json) && typeof json["$id"] === "string" ? json["$id"] : undefined;
    const idOld = isObject(json) && typeof json["id"] === "string" ? json["id"] : undefined;
    const absolute = [id, idOld].find((x) => x !== undefined && /^[a-z][a-z0-9+.-]*:/i.test(x));
    const uri = uriOverride ?? (absolute ? stripFragment(absolute) : fileUri);
    known.add(uri);
    documents.push({ path, uri, fileUri, package: pkg, json, kind });
  };
  for (const file of files) await read(file, file.endsWith(MANIFEST_SUFFIX) ? "manifest" : "schema");
  // Files reached by `$ref` only: relative files under the root, and remote URLs mapped to vendored files.
  for (let i = 0; i < documents.length; i++) {
    const doc = documents[i] as SchemaDocument;
    const refs: string[] = [];
    if (doc.kind === "schema") {
      forEachSchema(doc.json, (node) => {
        if (typeof node["$ref"] === "string") refs.push(node["$ref"]);
      });
    }
    for (const ref of refs) {
      let url: URL;
      try {
        url = new URL(ref, doc.uri);
      } catch {
        continue;
      }
      url.hash = "";
      if (known.has(url.href)) continue;
      let file: string | undefined;
      if (url.protocol === "file:") {
        const path = fileURLToPath(url);
        const inside = !relative(schemaRoot, path).startsWith("..");
        if (inside && path.endsWith(".json") && isFile(path)) file = path;
      } else if (url.protocol === "http:" || url.protocol === "https:") {
        file = mappedFile(url.href, opts.remoteRefs);
        if (file !== undefined && !isFile(file)) {
          diagnostics.push({
            code: "schema_ref",
            message: `remote "$ref" ${JSON.stringify(url.href)} is mapped to ${file}, which does not exist`,
            location: { file: doc.path },
          });
          file = undefined;
        }
      }
      if (file === undefined) continue;
      known.add(url.href);
      await read(file, "schema", url.protocol === "file:" ? undefined : url.href);
    }
  }
  if (diagnostics.length > 0) throw new ContractError(diagnostics);
  return lowerJsonSchemaDocuments(documents, opts);
}

/**
 * Resolves a JSON pointer whose tokens are already percent-decoded (a `$ref` fragment is decoded once,
 * as a URI fragment; `~0`/`~1` are the only escapes left).
 */
function resolveRawPointer(document: unknown, pointer: string): unknown {
  if (pointer === "") return document;
  if (!pointer.startsWith("/")) return undefined;
  let node: unknown = document;
  for (const raw of pointer.slice(1).split("/")) {
    const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (node !== null && typeof node === "object" && Object.hasOwn(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return node;
}

/** `shop/stats/v1` → `shop.stats.v1`; segments that are not identifiers are made lower_snake. */
function packageOfDir(dir: string): string {
  return dir
    .split("/")
    .filter((s) => s !== "" && s !== "..")
    .map((s) =>
      /^[a-z][a-z0-9_]*$/.test(s)
        ? s
        : words(s)
            .join("_")
            .replace(/^(?=[0-9]|$)/, "p"),
    )
    .join(".");
}

/** The vendored file a remote URL maps to: an exact key, else the longest key ending in `/` it starts with. */
function mappedFile(url: string, map: Readonly<Record<string, string>>): string | undefined {
  if (Object.hasOwn(map, url)) return map[url];
  let best: string | undefined;
  for (const key of Object.keys(map)) {
    if (key.endsWith("/") && url.startsWith(key) && (best === undefined || key.length > best.length))
      best = key;
  }
  return best === undefined ? undefined : join(map[best] as string, url.slice(best.length));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Caps a message taken from a tool or a contract, so no error line runs to megabytes. */
export function cap(text: string, max = 400): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/** Keywords of draft 2020-12 (and `definitions`, which 2020-12 still resolves). */
const KNOWN_KEYWORDS = new Set([
  "$schema",
  "$id",
  "$ref",
  "$anchor",
  "$dynamicRef",
  "$dynamicAnchor",
  "$vocabulary",
  "$comment",
  "$defs",
  "definitions",
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "if",
  "then",
  "else",
  "dependentSchemas",
  "prefixItems",
  "items",
  "contains",
  "properties",
  "patternProperties",
  "additionalProperties",
  "propertyNames",
  "unevaluatedItems",
  "unevaluatedProperties",
  "type",
  "const",
  "enum",
  "multipleOf",
  "maximum",
  "exclusiveMaximum",
  "minimum",
  "exclusiveMinimum",
  "maxLength",
  "minLength",
  "pattern",
  "maxItems",
  "minItems",
  "uniqueItems",
  "maxContains",
  "minContains",
  "maxProperties",
  "minProperties",
  "required",
  "dependentRequired",
  "title",
  "description",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  "examples",
  "format",
  "contentEncoding",
  "contentMediaType",
  "contentSchema",
  "discriminator",
]);

/** Keywords that assert something contractgen does not enforce in every generated language. */
const UNSUPPORTED_KEYWORDS: Readonly<Record<string, string>> = {
  $dynamicRef: "dynamic references resolve at run time against the dynamic scope",
  unevaluatedItems: "it depends on which items other keywords evaluated",
};

/** Lowers already-parsed documents (the in-memory entry point used by tests). */
export function lowerJsonSchemaDocuments(
  input: readonly SchemaDocument[],
  options: Partial<JsonSchemaOptions> = {},
): LoweredJsonSchema {
  const opts = { ...DEFAULT_JSON_SCHEMA_OPTIONS, ...options };
  const diagnostics: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const documents = input.map((doc) => readDraft(doc, opts, diagnostics, warnings));
  const byUri = new Map<string, SchemaDocument>();
  for (const doc of documents) {
    byUri.set(doc.uri, doc);
    // Documents with an absolute `$id` are also reachable by their file URL (relative refs).
    if (doc.fileUri !== undefined && !byUri.has(doc.fileUri)) byUri.set(doc.fileUri, doc);
  }
  for (const doc of documents) {
    const id = isObject(doc.json) ? doc.json["$id"] : undefined;
    if (typeof id !== "string") continue;
    try {
      const url = new URL(id, doc.uri);
      url.hash = "";
      if (!byUri.has(url.href)) byUri.set(url.href, doc);
    } catch {
      // An invalid `$id` is reported by ajv when the schema compiles.
    }
  }
  // Anchors (`$anchor`, draft-06/07 `$id: "#name"`) and embedded resources (`$id` below the root).
  const anchors = new Map<string, string>(); // `${uri}#${anchor}` → pointer
  const embedded = new Map<string, { document: SchemaDocument; pointer: string }>();
  for (const doc of documents) {
    if (doc.kind !== "schema") continue;
    forEachSchema(doc.json, (node, pointer) => {
      if (typeof node["$anchor"] === "string") anchors.set(`${doc.uri}#${node["$anchor"]}`, pointer);
      if (pointer !== "" && typeof node["$id"] === "string") {
        try {
          const url = new URL(node["$id"], doc.uri);
          url.hash = "";
          if (!byUri.has(url.href)) embedded.set(url.href, { document: doc, pointer });
        } catch {
          // An invalid `$id` is reported by ajv when the schema compiles.
        }
      }
      for (const key of Object.keys(node)) {
        const why = UNSUPPORTED_KEYWORDS[key];
        if (why !== undefined) {
          diagnostics.push({
            code: "unsupported",
            message: `keyword "${key}" is not supported (${why}); contractgen refuses it rather than ignore it`,
            location: { file: doc.path, pointer: appendPointer(pointer, key) },
          });
        } else if (key === "unevaluatedProperties" && !unevaluatedIsLocal(node)) {
          diagnostics.push({
            code: "unsupported",
            message: `keyword "unevaluatedProperties" is supported only next to properties/patternProperties/additionalProperties, not with allOf, anyOf, oneOf, if, $ref or dependentSchemas; contractgen refuses it rather than ignore it`,
            location: { file: doc.path, pointer: appendPointer(pointer, key) },
          });
        } else if (!KNOWN_KEYWORDS.has(key)) {
          const d: Diagnostic = {
            code: "unsupported",
            ...(opts.unknownKeywords === "error" ? {} : { severity: "warning" as const }),
            message: `keyword ${JSON.stringify(cap(key, 80))} is not defined by ${doc.draft ?? "2020-12"}; ${opts.unknownKeywords === "error" ? 'refused (jsonSchemaOptions.unknownKeywords is "error")' : "kept as an annotation"}`,
            location: { file: doc.path, pointer: appendPointer(pointer, key) },
          };
          if (opts.unknownKeywords === "error") diagnostics.push(d);
          else if (!key.startsWith("x-")) warnings.push(d);
        }
      }
    });
  }

  // 1. Named declarations: each schema file's root and each entry of its root `$defs` / `definitions`.
  const declAt = new Map<string, string>(); // `${path}#${pointer}` → full name
  const sources = new Map<string, SchemaSource>();
  const locations = new Map<string, SourceLocation>();
  const taken = new Map<string, string>(); // lower-cased full name → full name (PHP names ignore case)
  const register = (doc: SchemaDocument, pointer: string, wanted: string, node: SchemaNode): void => {
    const name = uniqueName(doc.package, wanted, taken);
    const fullName = doc.package ? `${doc.package}.${name}` : name;
    if (name !== wanted) {
      const first = taken.get(`${doc.package}.${wanted}`.toLowerCase());
      const previous = first ? locations.get(first) : undefined;
      warnings.push({
        code: "name_conflict",
        severity: "warning",
        message: `type name ${wanted} is already used${previous ? ` by ${previous.file}#${previous.pointer ?? ""}` : ""} in package ${doc.package || "(root)"}; this one is named ${name}`,
        location: { file: doc.path, pointer },
      });
    }
    taken.set(fullName.toLowerCase(), fullName);
    locations.set(fullName, { file: doc.path, pointer });
    declAt.set(`${doc.path}#${pointer}`, fullName);
    sources.set(fullName, { document: doc, pointer, node });
  };
  const rootAliases: [SchemaDocument, string][] = [];
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
    const containers = ["$defs", "definitions"].filter((k) => isObject(root) && root[k] !== undefined);
    for (const container of containers) {
      const defs = (root as Record<string, unknown>)[container];
      if (!isObject(defs)) {
        diagnostics.push({
          code: "schema_invalid",
          message: `"${container}" must be an object, found ${describe(defs)}`,
          location: { file: doc.path, pointer: `/${container}` },
        });
        continue;
      }
      for (const [key, node] of Object.entries(defs)) {
        const pointer = appendPointer(`/${container}`, key);
        if (!isSchemaNode(node)) {
          diagnostics.push({
            code: "schema_invalid",
            message: `a schema must be an object or boolean, found ${describe(node)}`,
            location: { file: doc.path, pointer },
          });
          continue;
        }
        register(doc, pointer, typeNameOf(key), node);
      }
    }
    if (isDefsOnly(root)) continue;
    if (isObject(root) && isBareRef(root)) {
      // A root that only points at one of its definitions names that definition: no second type.
      rootAliases.push([doc, root["$ref"] as string]);
      continue;
    }
    register(doc, "", rootTypeName(doc, root), root);
  }

  // 2. $ref resolution (by URI + JSON pointer or anchor), shared by lowering and the emitters.
  const refTarget = (doc: SchemaDocument, ref: string): ResolvedRef => {
    let url: URL;
    try {
      url = new URL(ref, doc.uri);
    } catch {
      throw new RefError(`"$ref" ${JSON.stringify(cap(ref, 200))} is not a valid URI reference`);
    }
    let fragment: string;
    try {
      fragment = url.hash ? decodeURIComponent(url.hash.slice(1)) : "";
    } catch {
      throw new RefError(
        `"$ref" ${JSON.stringify(cap(ref, 200))} has a fragment that is not valid percent-encoding`,
      );
    }
    url.hash = "";
    let target = byUri.get(url.href);
    let base = "";
    if (!target) {
      const resource = embedded.get(url.href);
      if (resource) {
        target = resource.document;
        base = resource.pointer;
      }
    }
    if (!target) {
      const remote = url.protocol === "http:" || url.protocol === "https:";
      throw new RefError(
        remote
          ? `"$ref" ${JSON.stringify(cap(ref, 200))} points to the remote URL ${cap(url.href, 200)}, which no contract file has as "$id" and jsonSchemaOptions.remoteRefs does not map to a vendored file; contractgen never fetches from the network: vendor the file and map the URL (see docs/contracts.md#references)`
          : `"$ref" ${JSON.stringify(cap(ref, 200))} points to ${url.protocol === "file:" ? relativeFromUri(doc, url) : cap(url.href, 200)}, which is not a contract file${url.protocol === "file:" ? " (missing file, or not a .json file under the JSON Schema root)" : ""}`,
      );
    }
    let pointer = fragment;
    if (fragment !== "" && !fragment.startsWith("/")) {
      const anchored = anchors.get(`${target.uri}#${fragment}`);
      if (anchored === undefined)
        throw new RefError(
          `"$ref" ${JSON.stringify(cap(ref, 200))}: ${target.path} has no anchor "${cap(fragment, 100)}"`,
        );
      pointer = anchored;
    } else {
      pointer = base + fragment;
    }
    let node = resolveRawPointer(target.json, pointer);
    if (node === undefined) {
      // A pointer written for the file's own draft (`#/items/0`) into a keyword the rewrite renamed.
      const moved = translatePointer(pointer);
      node = moved === pointer ? undefined : resolveRawPointer(target.json, moved);
      if (node !== undefined) pointer = moved;
    }
    if (node === undefined) {
      throw new RefError(
        `"$ref" ${JSON.stringify(cap(ref, 200))}: ${target.path} has nothing at #${cap(pointer, 200)}`,
      );
    }
    const decl = declAt.get(`${target.path}#${pointer}`);
    return { document: target, pointer, node, ...(decl ? { decl } : {}) };
  };
  for (const [doc, ref] of rootAliases) {
    try {
      const target = refTarget(doc, ref);
      if (target.decl) declAt.set(`${doc.path}#`, target.decl);
      else register(doc, "", rootTypeName(doc, doc.json as SchemaNode), doc.json as SchemaNode);
    } catch (e) {
      diagnostics.push({
        code: "schema_ref",
        message: (e as Error).message,
        location: { file: doc.path, pointer: "/$ref" },
      });
    }
  }

  // 3. Lower every declaration.
  const decls: Decl[] = [];
  const lowering = new Lowering(refTarget, diagnostics, warnings, locations, taken);
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
  return {
    files,
    decls,
    services,
    sources,
    synthesizedSources: lowering.synthesizedSources,
    documents,
    refTarget,
    warnings,
  };
}

/** Raised by ref resolution; turned into a diagnostic at the ref's location. */
export class RefError extends Error {
  override readonly name = "RefError";
}

const SIMPLE_TYPES = new Set(["string", "integer", "number", "boolean", "object", "array", "null"]);

/** Lowers schema nodes into model types, synthesizing names for inline objects, enums and unions. */
class Lowering {
  readonly synthesized: Decl[] = [];
  readonly synthesizedSources = new Map<string, SchemaSource>();

  /** Named aliases being expanded (a recursive alias is expanded once, then stays `any`). */
  private readonly expanding = new Set<string>();
  /** Inline schemas already declared, by `file#pointer`: each is declared once, however often used. */
  private readonly synthesizedAt = new Map<string, string>();

  constructor(
    private readonly refTarget: (doc: SchemaDocument, ref: string) => ResolvedRef,
    private readonly diagnostics: Diagnostic[],
    private readonly warnings: Diagnostic[],
    private readonly names: Map<string, SourceLocation>,
    private readonly taken: Map<string, string>,
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
    // `type: ["boolean", "object"]` with properties is not an object: a value of several types.
    if (typesOf(node).filter((t) => t !== "null").length > 1) return "other";
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
        type: this.valueType(doc, propPointer, propNode, `${fullName}${typeNameOf(prop)}`),
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
    // Keys matching `patternProperties` are allowed even when additionalProperties is false.
    const patterns = isObject(obj["patternProperties"]) && Object.keys(obj["patternProperties"]).length > 0;
    const closed = !patterns && (ap === false || (ap === undefined && up === false));
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
          type = this.expand(target, target.decl);
        }
      } else if (isSchemaNode(target.node)) {
        type = this.expand(target, nameHint);
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

  /** Lowers the target of a `$ref` in place; a recursion through unnamed schemas or aliases stays `any`. */
  private expand(target: ResolvedRef, nameHint: string): ValueType {
    const key = `${target.document.path}#${target.pointer}`;
    if (!isSchemaNode(target.node) || this.expanding.has(key)) return { kind: "any" };
    this.expanding.add(key);
    try {
      return this.valueType(target.document, target.pointer, target.node, nameHint);
    } finally {
      this.expanding.delete(key);
    }
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
    const wanted = dot >= 0 ? hint.slice(dot + 1) : hint;
    const here = this.synthesizedAt.get(`${doc.path}#${pointer}`);
    if (here !== undefined) return here;
    const name = uniqueName(pkg, wanted, this.taken);
    const fullName = pkg ? `${pkg}.${name}` : name;
    if (name !== wanted) {
      this.warnings.push({
        code: "name_conflict",
        severity: "warning",
        message: `the inline schema here would be named ${wanted}, which is already used in package ${pkg || "(root)"}; it is named ${name}`,
        location: { file: doc.path, pointer },
      });
    }
    this.taken.set(fullName.toLowerCase(), fullName);
    this.synthesizedAt.set(`${doc.path}#${pointer}`, fullName);
    this.names.set(fullName, { file: doc.path, pointer });
    this.synthesizedSources.set(fullName, { document: doc, pointer, node });
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

const ROOT_ONLY = new Set(["$defs", "definitions", "$schema", "$id", "$comment", "title", "description"]);

/** A root that only carries `$defs` (a library of types) declares no type of its own. */
function isDefsOnly(root: SchemaNode): boolean {
  if (!isObject(root)) return false;
  return Object.keys(root).every((k) => ROOT_ONLY.has(k) || k.startsWith("x-"));
}

/** A root that is only a `$ref` (plus definitions and annotations). */
function isBareRef(root: Record<string, unknown>): boolean {
  return (
    typeof root["$ref"] === "string" &&
    Object.keys(root).every((k) => k === "$ref" || ROOT_ONLY.has(k) || k === "examples" || k.startsWith("x-"))
  );
}

/** `unevaluatedProperties` whose meaning does not depend on other subschemas: then it is additionalProperties. */
function unevaluatedIsLocal(node: Readonly<Record<string, unknown>>): boolean {
  return ["allOf", "anyOf", "oneOf", "if", "$ref", "dependentSchemas", "not"].every((k) => !(k in node));
}

/**
 * The type name of a `$defs`/`definitions` key, title or property: ASCII letters and digits of `raw`, each
 * word capitalised (`order-line` → `OrderLine`, `io.k8s.api.Pod` → `IoK8sApiPod`), `T` before a leading
 * digit, `Type` when nothing is left. Escaping reserved words is each emitter's job (docs/naming.md).
 */
export function typeNameOf(raw: string): string {
  const name = raw
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== "")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
  if (name === "") return "Type";
  return /^[0-9]/.test(name) ? `T${name}` : name;
}

/** `wanted`, or `wanted2`, `wanted3`, … — the first not taken in `pkg` (compared without case, as PHP does). */
function uniqueName(pkg: string, wanted: string, taken: ReadonlyMap<string, string>): string {
  const key = (n: string): string => `${pkg}.${n}`.toLowerCase();
  if (!taken.has(key(wanted))) return wanted;
  for (let i = 2; ; i++) if (!taken.has(key(`${wanted}${i}`))) return `${wanted}${i}`;
}

/** A file's root type: its `title` when that is one word, else its file name (`order_line.schema.json` → `OrderLine`). */
function rootTypeName(doc: SchemaDocument, root: SchemaNode): string {
  const title = isObject(root) && typeof root["title"] === "string" ? root["title"].trim() : "";
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(title)) return typeNameOf(title);
  const file = doc.path.slice(doc.path.lastIndexOf("/") + 1);
  const stem = file.endsWith(SCHEMA_SUFFIX)
    ? file.slice(0, -SCHEMA_SUFFIX.length)
    : file.replace(/\.json$/, "");
  return typeNameOf(stem);
}

/** Reads a document with the semantics of its draft and rewrites it into 2020-12 (codegen/load/drafts.ts). */
function readDraft(
  doc: SchemaDocument,
  opts: JsonSchemaOptions,
  diagnostics: Diagnostic[],
  warnings: Diagnostic[],
): SchemaDocument {
  if (doc.kind !== "schema" || doc.draft !== undefined) return doc;
  const declared = isObject(doc.json) ? doc.json["$schema"] : undefined;
  let draft = opts.defaultDraft;
  if (typeof declared === "string") {
    const found = draftOfUri(declared);
    if (found === undefined) {
      diagnostics.push({
        code: "unsupported",
        message: `"$schema" ${JSON.stringify(cap(declared, 120))} is not a draft contractgen reads; use one of ${Object.values(DRAFT_URIS).join(", ")}${/draft-0[0-3]\b/.test(declared) ? " (draft-03 and earlier are not supported)" : ""}`,
        location: { file: doc.path, pointer: "/$schema" },
      });
      return { ...doc, draft };
    }
    draft = found;
  }
  const notes: Diagnostic[] = [];
  const json = toDraft2020(doc.json, draft, doc.path, notes);
  for (const n of notes) (n.severity === "warning" ? warnings : diagnostics).push(n);
  return { ...doc, json, draft };
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
