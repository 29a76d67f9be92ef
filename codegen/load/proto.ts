import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ContractError, type Diagnostic } from "../errors.js";
import type {
  ContractFile,
  Decl,
  EnumDecl,
  FieldDecl,
  MapKeyType,
  MessageDecl,
  MethodDecl,
  ScalarType,
  ServiceDecl,
  SourceLocation,
  ValueType,
  WellKnownType,
} from "../model/types.js";
import { parseBufAnnotations, runBuf } from "../tools/buf.js";
import { type BufBuild, startBufBuild } from "./buf-build.js";
import {
  type EnumDesc,
  FEATURE_EXPLICIT,
  FEATURE_OPEN,
  type FieldDesc,
  type FileDesc,
  LABEL_REPEATED,
  LABEL_REQUIRED,
  type MessageDesc,
  readFileDescriptor,
  resolveFeature,
  type ServiceDesc,
  TYPE_ENUM,
  TYPE_GROUP,
  TYPE_MESSAGE,
} from "./descriptor.js";
import type { PhaseTimer } from "./index.js";
import { SourceInfo, splitSourceInfo } from "./source-info.js";

/** A compiled buf workspace: the image bytes (input for `buf generate`) and the descriptors read from it. */
export interface ProtoImage {
  /** The buf image (a FileDescriptorSet with buf's extensions), as written by `buf build`. */
  readonly image: Uint8Array;
  /** Files of the workspace's modules (not imports), sorted by name. */
  readonly files: readonly FileDesc[];
  /** Every file of the image, imports included, by name. */
  readonly allFiles: ReadonlyMap<string, FileDesc>;
  /** Module-relative proto file name → path relative to the project root. */
  readonly paths: ReadonlyMap<string, string>;
  /**
   * Proto file name → its raw `source_code_info` (see codegen/load/source-info.ts): the file
   * descriptors are decoded without it.
   */
  readonly sourceInfo: ReadonlyMap<string, readonly Uint8Array[]>;
}

/**
 * Compiles the buf workspace in `root` with the real `buf build`. Compile errors become a ContractError
 * whose diagnostics carry buf's file:line:column. `started` is a build of `root` begun earlier (see
 * codegen/load/buf-build.ts); without it, one is started here.
 */
export async function buildProtoImage(
  root: string,
  time: PhaseTimer = async (_phase, fn) => fn(),
  started?: BufBuild,
): Promise<ProtoImage> {
  const build = started ?? startBufBuild(root, time);
  try {
    const result = await build.result;
    if (result.exitCode !== 0) {
      throw new ContractError(bufDiagnostics(result.stderr, "proto_compile", "buf build failed"));
    }
    // The module folders (for the files' paths on disk) are listed while the image is decoded: started
    // together with `buf build`, the second buf process took CPU from it (~40 ms on two cores).
    const modules = runBuf(["config", "ls-modules", "--format", "json"], { cwd: root });
    modules.catch(() => undefined); // awaited below; a failure to start must not be unhandled meanwhile
    return await time("proto descriptors", async () => {
      const image = await readFile(build.imagePath);
      const decoded = decodeImage(image);
      return readImage(root, image, decoded, (await modules).stdout.toString("utf8"));
    });
  } finally {
    await build.dispose();
  }
}

/** The image `buf build` wrote, decoded: its files (see codegen/load/descriptor.ts) and their source info. */
interface DecodedImage {
  readonly files: readonly FileDesc[];
  readonly sourceInfo: Map<string, readonly Uint8Array[]>;
}

function decodeImage(image: Uint8Array): DecodedImage {
  const split = splitSourceInfo(image);
  const files = split.files.map(readFileDescriptor);
  const sourceInfo = new Map<string, readonly Uint8Array[]>();
  files.forEach((file, i) => {
    sourceInfo.set(file.name, split.sourceInfo[i] ?? []);
  });
  return { files, sourceInfo };
}

/**
 * The {@link ProtoImage} of a decoded image of the workspace in `root`; `modules` is the output of
 * `buf config ls-modules`.
 */
function readImage(root: string, image: Uint8Array, decoded: DecodedImage, modules: string): ProtoImage {
  const modulePaths = parseModulePaths(modules);
  const files: FileDesc[] = [];
  const allFiles = new Map<string, FileDesc>();
  const paths = new Map<string, string>();
  for (const file of decoded.files) {
    allFiles.set(file.name, file);
    if (file.isImport) continue;
    files.push(file);
    paths.set(file.name, resolveModulePath(root, file.name, modulePaths));
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { image, files, allFiles, paths, sourceInfo: decoded.sourceInfo };
}

/** Turns buf's `--error-format json` output into diagnostics. */
export function bufDiagnostics(stderr: string, code: Diagnostic["code"], fallback: string): Diagnostic[] {
  const annotations = parseBufAnnotations(stderr);
  if (annotations.length === 0) return [{ code, message: fallback }];
  return annotations.map((a) => {
    const location: SourceLocation | undefined = a.path
      ? {
          file: a.path,
          ...(a.start_line ? { line: a.start_line } : {}),
          ...(a.start_column ? { column: a.start_column } : {}),
        }
      : undefined;
    return {
      code,
      message: a.message,
      ...(location ? { location } : {}),
      ...(a.type ? { rule: a.type } : {}),
    };
  });
}

function parseModulePaths(text: string): string[] {
  const paths: string[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line) as { path?: unknown };
      if (typeof parsed.path === "string") paths.push(parsed.path);
    } catch {
      // not JSON: ignore (older buf versions print a table)
    }
  }
  return paths.length > 0 ? paths : ["."];
}

/** Path, relative to the workspace `root`, of the module file `name`: in the module folder that holds it. */
function resolveModulePath(root: string, name: string, modulePaths: readonly string[]): string {
  const inModule = (m: string): string => (m === "." ? name : `${m}/${name}`);
  const [only] = modulePaths;
  // One module (the common case): a plain join, no look at the disk.
  if (modulePaths.length === 1 && only !== undefined) return inModule(only);
  // Two modules of a workspace cannot hold the same file name, so exactly one folder has it.
  for (const m of modulePaths) if (existsSync(join(root, inModule(m)))) return inModule(m);
  return only !== undefined ? inModule(only) : name;
}

const WELL_KNOWN = new Set<string>([
  "Timestamp",
  "Duration",
  "Struct",
  "Value",
  "ListValue",
  "NullValue",
  "FieldMask",
  "Empty",
  "Any",
  "DoubleValue",
  "FloatValue",
  "Int64Value",
  "UInt64Value",
  "Int32Value",
  "UInt32Value",
  "BoolValue",
  "StringValue",
  "BytesValue",
]);

/** The well-known type a full name denotes, if any. */
export function wellKnownOf(fullName: string): WellKnownType | undefined {
  if (!fullName.startsWith("google.protobuf.")) return undefined;
  const name = fullName.slice("google.protobuf.".length);
  return WELL_KNOWN.has(name) ? (name as WellKnownType) : undefined;
}

/** Scalar types by FieldDescriptorProto.Type. */
const SCALARS: Readonly<Record<number, ScalarType>> = {
  1: "double",
  2: "float",
  3: "int64",
  4: "uint64",
  5: "int32",
  6: "fixed64",
  7: "fixed32",
  8: "bool",
  9: "string",
  12: "bytes",
  13: "uint32",
  15: "sfixed32",
  16: "sfixed64",
  17: "sint32",
  18: "sint64",
};

// Field numbers in descriptor.proto, for source-code-info paths.
const FILE_MESSAGE = 4;
const FILE_ENUM = 5;
const FILE_SERVICE = 6;
const MESSAGE_FIELD = 2;
const MESSAGE_NESTED = 3;
const MESSAGE_ENUM = 4;
const MESSAGE_ONEOF = 8;
const ENUM_VALUE = 2;
const SERVICE_METHOD = 2;

/** Output of lowering proto descriptors into the contract model. */
export interface LoweredProto {
  readonly files: ContractFile[];
  readonly decls: Decl[];
  readonly services: ServiceDecl[];
}

/**
 * Lowers the workspace files of a proto image into the contract model. Well-known types that the files
 * use are lowered too (marked with `wellKnown`), so every `ref` in the model resolves.
 */
export function lowerProto(image: ProtoImage): LoweredProto {
  const files: ContractFile[] = [];
  const decls: Decl[] = [];
  const services: ServiceDecl[] = [];
  const seen = new Set<string>();
  const pendingWkt = new Map<string, MessageDesc | EnumDesc>();

  // Every message and enum of the image by full name, with its source path in its file.
  const types = new Map<string, { desc: MessageDesc | EnumDesc; path: number[] }>();
  const indexMessage = (m: MessageDesc, path: number[]): void => {
    types.set(m.typeName, { desc: m, path });
    m.enums.forEach((e, i) => {
      types.set(e.typeName, { desc: e, path: [...path, MESSAGE_ENUM, i] });
    });
    m.nested.forEach((n, i) => {
      indexMessage(n, [...path, MESSAGE_NESTED, i]);
    });
  };
  for (const file of image.allFiles.values()) {
    file.enums.forEach((e, i) => {
      types.set(e.typeName, { desc: e, path: [FILE_ENUM, i] });
    });
    file.messages.forEach((m, i) => {
      indexMessage(m, [FILE_MESSAGE, i]);
    });
  }
  const typeOf = (field: FieldDesc, kind: "message" | "enum"): MessageDesc | EnumDesc => {
    const desc = types.get(field.typeName)?.desc;
    if (desc?.kind !== kind) {
      throw new Error(`internal: field ${field.name} refers to ${field.typeName}, not found as a ${kind}`);
    }
    return desc;
  };

  function noteWkt(desc: MessageDesc | EnumDesc): void {
    if (desc.file.name.startsWith("google/protobuf/") && !seen.has(desc.typeName)) {
      pendingWkt.set(desc.typeName, desc);
    }
  }

  /** The type of one value: of a singular field, of a list's element, of a map entry's value. */
  const valueType = (field: FieldDesc): ValueType => {
    if (field.type === TYPE_MESSAGE || field.type === TYPE_GROUP) {
      const message = typeOf(field, "message");
      noteWkt(message);
      return { kind: "message", ref: message.typeName };
    }
    if (field.type === TYPE_ENUM) {
      const e = typeOf(field, "enum");
      noteWkt(e);
      return { kind: "enum", ref: e.typeName };
    }
    const scalar = SCALARS[field.type];
    if (scalar === undefined) throw new Error(`internal: field ${field.name} has type ${field.type}`);
    return { kind: "scalar", scalar };
  };

  /** The map entry message a repeated field stands for, if it is a map field. */
  const mapEntryOf = (field: FieldDesc): MessageDesc | undefined => {
    if (field.label !== LABEL_REPEATED || field.type !== TYPE_MESSAGE) return undefined;
    const entry = types.get(field.typeName)?.desc;
    return entry?.kind === "message" && entry.mapEntry ? entry : undefined;
  };

  function lowerEnum(desc: EnumDesc, info: SourceInfo, path: number[]): EnumDecl {
    const pkg = desc.file.package;
    const decl: EnumDecl = {
      kind: "enum",
      source: "proto",
      fullName: desc.typeName,
      package: pkg,
      typeName: typeNameIn(desc.typeName, pkg),
      name: desc.name,
      doc: info.doc(path),
      deprecated: desc.deprecated,
      location: info.location(path),
      open: resolveFeature("enumType", desc.features, desc.file) === FEATURE_OPEN,
      values: desc.values.map((v, i) => ({
        name: v.name,
        number: v.number,
        json: v.name,
        doc: info.doc([...path, ENUM_VALUE, i]),
        deprecated: v.deprecated,
      })),
    };
    seen.add(decl.fullName);
    return decl;
  }

  function lowerField(desc: MessageDesc, field: FieldDesc, info: SourceInfo, path: number[]): FieldDecl {
    // A proto3 `optional` field's synthetic oneof marks presence; it is not a union.
    const oneofIndex = field.proto3Optional ? undefined : field.oneofIndex;
    const oneof = oneofIndex !== undefined ? desc.oneofs[oneofIndex] : undefined;
    const entry = mapEntryOf(field);
    let type: ValueType;
    let presence: FieldDecl["presence"];
    if (entry) {
      const key = entry.fields.find((f) => f.number === 1);
      const value = entry.fields.find((f) => f.number === 2);
      const keyType = key ? SCALARS[key.type] : undefined;
      if (!key || !value || keyType === undefined) {
        throw new Error(`internal: map entry ${entry.typeName} has no key or value field`);
      }
      type = { kind: "map", key: keyType as MapKeyType, value: valueType(value) };
      presence = "implicit";
    } else if (field.label === LABEL_REPEATED) {
      type = { kind: "list", element: valueType(field) };
      presence = "implicit";
    } else {
      type = valueType(field);
      presence =
        type.kind === "message" || field.proto3Optional || oneof !== undefined
          ? "explicit"
          : field.label !== LABEL_REQUIRED &&
              resolveFeature("fieldPresence", field.features, desc.file) === FEATURE_EXPLICIT
            ? "explicit"
            : "implicit";
    }
    return {
      name: field.name,
      jsonName: field.jsonName,
      number: field.number,
      type,
      presence,
      ...(oneof !== undefined ? { oneof } : {}),
      doc: info.doc(path),
      deprecated: field.deprecated,
      location: info.location(path),
    };
  }

  function lowerMessage(desc: MessageDesc, info: SourceInfo, path: number[], out: Decl[]): void {
    const fields = desc.fields.map((field, i) => lowerField(desc, field, info, [...path, MESSAGE_FIELD, i]));
    // The oneofs that are unions: those with a member that is not a proto3 `optional` field.
    const unions: MessageDecl["oneofs"][number][] = [];
    desc.oneofs.forEach((name, i) => {
      const members = desc.fields.filter((f) => f.oneofIndex === i && !f.proto3Optional).map((f) => f.name);
      if (members.length === 0) return;
      unions.push({
        name,
        jsonName: oneofLocalName(name),
        fields: members,
        doc: info.doc([...path, MESSAGE_ONEOF, i]),
      });
    });
    const wellKnown = wellKnownOf(desc.typeName);
    const pkg = desc.file.package;
    const decl: MessageDecl = {
      kind: "message",
      source: "proto",
      fullName: desc.typeName,
      package: pkg,
      typeName: typeNameIn(desc.typeName, pkg),
      name: desc.name,
      doc: info.doc(path),
      deprecated: desc.deprecated,
      location: info.location(path),
      fields,
      oneofs: unions,
      closed: true,
      ...(wellKnown ? { wellKnown } : {}),
      examples: [],
    };
    seen.add(decl.fullName);
    out.push(decl);
    desc.enums.forEach((e, i) => {
      out.push(lowerEnum(e, info, [...path, MESSAGE_ENUM, i]));
    });
    desc.nested.forEach((m, i) => {
      if (!m.mapEntry) lowerMessage(m, info, [...path, MESSAGE_NESTED, i], out);
    });
  }

  function lowerService(desc: ServiceDesc, pkg: string, info: SourceInfo, path: number[]): ServiceDecl {
    return {
      source: "proto",
      fullName: desc.typeName,
      package: pkg,
      name: desc.name,
      doc: info.doc(path),
      deprecated: desc.deprecated,
      location: info.location(path),
      methods: desc.methods.map((m, i): MethodDecl => {
        for (const name of [m.inputType, m.outputType]) {
          const type = types.get(name)?.desc;
          if (type?.kind !== "message") throw new Error(`internal: method ${m.name} refers to ${name}`);
          noteWkt(type);
        }
        const methodPath = [...path, SERVICE_METHOD, i];
        return {
          name: m.name,
          input: m.inputType,
          output: m.outputType,
          clientStreaming: m.clientStreaming,
          serverStreaming: m.serverStreaming,
          idempotency:
            m.idempotency === IDEMPOTENCY_NO_SIDE_EFFECTS
              ? "no_side_effects"
              : m.idempotency === IDEMPOTENCY_IDEMPOTENT
                ? "idempotent"
                : "unknown",
          errors: {},
          doc: info.doc(methodPath),
          deprecated: m.deprecated,
          location: info.location(methodPath),
        };
      }),
    };
  }

  for (const file of image.files) {
    const path = image.paths.get(file.name) ?? file.name;
    const info = new SourceInfo(path, image.sourceInfo.get(file.name) ?? []);
    const fileDecls: Decl[] = [];
    file.enums.forEach((e, i) => {
      fileDecls.push(lowerEnum(e, info, [FILE_ENUM, i]));
    });
    file.messages.forEach((m, i) => {
      lowerMessage(m, info, [FILE_MESSAGE, i], fileDecls);
    });
    const fileServices = file.services.map((s, i) => lowerService(s, file.package, info, [FILE_SERVICE, i]));
    decls.push(...fileDecls);
    services.push(...fileServices);
    const options: Record<string, string> = {};
    if (file.phpNamespace) options["php_namespace"] = file.phpNamespace;
    if (file.phpMetadataNamespace) options["php_metadata_namespace"] = file.phpMetadataNamespace;
    files.push({
      source: "proto",
      path,
      sourceName: file.name,
      package: file.package,
      declarations: fileDecls.map((d) => d.fullName),
      services: fileServices.map((s) => s.fullName),
      options,
    });
  }

  // Well-known types referenced by the workspace (transitively: Struct → Value → ListValue).
  while (pendingWkt.size > 0) {
    const [name, desc] = pendingWkt.entries().next().value as [string, MessageDesc | EnumDesc];
    pendingWkt.delete(name);
    if (seen.has(name)) continue;
    const info = new SourceInfo(desc.file.name, image.sourceInfo.get(desc.file.name) ?? []);
    const path = types.get(name)?.path ?? [];
    if (desc.kind === "enum") {
      decls.push(lowerEnum(desc, info, path));
    } else {
      const out: Decl[] = [];
      lowerMessage(desc, info, path, out);
      decls.push(...out);
    }
  }
  return { files, decls, services };
}

/** MethodOptions.IdempotencyLevel values. */
const IDEMPOTENCY_NO_SIDE_EFFECTS = 1;
const IDEMPOTENCY_IDEMPOTENT = 2;

/**
 * The JavaScript property name protobuf-es gives a oneof (its `localName`): protoc's lowerCamelCase of
 * the name, with `$` appended to names that built-in object properties own.
 */
function oneofLocalName(name: string): string {
  let out = "";
  let upper = false;
  for (const c of name) {
    if (c === "_") {
      upper = true;
    } else if (c >= "0" && c <= "9") {
      out += c;
      upper = false;
    } else {
      out += upper ? c.toUpperCase() : c;
      upper = false;
    }
  }
  return RESERVED_PROPERTIES.has(out) ? `${out}$` : out;
}

const RESERVED_PROPERTIES = new Set(["constructor", "toString", "toJSON", "valueOf"]);

function typeNameIn(fullName: string, pkg: string): string {
  return pkg ? fullName.slice(pkg.length + 1) : fullName;
}
