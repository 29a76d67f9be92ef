import { readFile } from "node:fs/promises";
import {
  create,
  createFileRegistry,
  type DescEnum,
  type DescField,
  type DescFile,
  type DescMessage,
  type DescService,
  type FileRegistry,
  fromBinary,
  ScalarType as PbScalar,
} from "@bufbuild/protobuf";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import {
  FileDescriptorProtoSchema,
  type FileDescriptorSet,
  FileDescriptorSetSchema,
  MethodOptions_IdempotencyLevel,
} from "@bufbuild/protobuf/wkt";
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
import type { PhaseTimer } from "./index.js";
import { SourceInfo, splitSourceInfo } from "./source-info.js";

/** A compiled buf workspace: the image bytes (input for `buf generate`) and the registry read from it. */
export interface ProtoImage {
  /** The buf image (a FileDescriptorSet with buf's extensions), as written by `buf build`. */
  readonly image: Uint8Array;
  readonly registry: FileRegistry;
  /** Files of the workspace's modules (not imports), sorted by name. */
  readonly files: readonly DescFile[];
  /** Module-relative proto file name → path relative to the project root. */
  readonly paths: ReadonlyMap<string, string>;
  /**
   * Proto file name → its raw `source_code_info` (see codegen/load/source-info.ts): the registry's
   * file descriptors are decoded without it.
   */
  readonly sourceInfo: ReadonlyMap<string, readonly Uint8Array[]>;
}

/** Field number of `buf_extension` on buf's ImageFile (buf/alpha/image/v1/image.proto). */
const BUF_IMAGE_EXTENSION = 8042;

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
      return readImage(image, decoded, (await modules).stdout.toString("utf8"));
    });
  } finally {
    await build.dispose();
  }
}

/** The image `buf build` wrote, decoded: its file descriptors, their registry and their source info. */
interface DecodedImage {
  readonly set: FileDescriptorSet;
  readonly registry: FileRegistry;
  readonly sourceInfo: Map<string, readonly Uint8Array[]>;
}

function decodeImage(image: Uint8Array): DecodedImage {
  const split = splitSourceInfo(image);
  const set = create(FileDescriptorSetSchema, {
    file: split.files.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes)),
  });
  const registry = createFileRegistry(set);
  const sourceInfo = new Map<string, readonly Uint8Array[]>();
  set.file.forEach((fileProto, i) => {
    sourceInfo.set(fileProto.name, split.sourceInfo[i] ?? []);
  });
  return { set, registry, sourceInfo };
}

/** The {@link ProtoImage} of a decoded image; `modules` is the output of `buf config ls-modules`. */
function readImage(image: Uint8Array, decoded: DecodedImage, modules: string): ProtoImage {
  const { set, registry, sourceInfo } = decoded;
  const modulePaths = parseModulePaths(modules);
  const files: DescFile[] = [];
  const paths = new Map<string, string>();
  for (const fileProto of set.file) {
    if (isImport(fileProto.$unknown)) continue;
    const file = registry.getFile(fileProto.name);
    if (!file) continue;
    files.push(file);
    paths.set(file.name, resolveModulePath(fileProto.name, modulePaths));
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { image, registry, files, paths, sourceInfo };
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

function resolveModulePath(name: string, modulePaths: readonly string[]): string {
  // Several modules cannot hold the same file name, so the first module that has it wins; with one
  // module (the common case) this is a plain join.
  const [only] = modulePaths;
  if (modulePaths.length === 1 && only !== undefined) return only === "." ? name : `${only}/${name}`;
  return modulePaths.map((m) => (m === "." ? name : `${m}/${name}`))[0] ?? name;
}

/** Reads `is_import` from buf's image extension on a FileDescriptorProto's unknown fields. */
function isImport(
  unknown: readonly { no: number; wireType: number; data: Uint8Array }[] | undefined,
): boolean {
  const ext = unknown?.find((u) => u.no === BUF_IMAGE_EXTENSION);
  if (!ext) return false;
  // `data` holds the length-delimited value as read after the tag: its length prefix, then the message.
  const reader = new BinaryReader(new BinaryReader(ext.data).bytes());
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (no === 1) return reader.bool();
    reader.skip(wireType);
  }
  return false;
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

const SCALARS: Record<PbScalar, ScalarType> = {
  [PbScalar.DOUBLE]: "double",
  [PbScalar.FLOAT]: "float",
  [PbScalar.INT64]: "int64",
  [PbScalar.UINT64]: "uint64",
  [PbScalar.INT32]: "int32",
  [PbScalar.FIXED64]: "fixed64",
  [PbScalar.FIXED32]: "fixed32",
  [PbScalar.BOOL]: "bool",
  [PbScalar.STRING]: "string",
  [PbScalar.BYTES]: "bytes",
  [PbScalar.UINT32]: "uint32",
  [PbScalar.SFIXED32]: "sfixed32",
  [PbScalar.SFIXED64]: "sfixed64",
  [PbScalar.SINT32]: "sint32",
  [PbScalar.SINT64]: "sint64",
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
  const pendingWkt = new Map<string, DescMessage | DescEnum>();

  /** The type of one value of a field: its element for lists, its value for maps. */
  const typeOfValue = (kind: "scalar" | "enum" | "message", field: DescField): ValueType => {
    if (kind === "scalar" && field.scalar !== undefined)
      return { kind: "scalar", scalar: SCALARS[field.scalar] };
    if (kind === "enum" && field.enum) {
      noteWkt(field.enum);
      return { kind: "enum", ref: field.enum.typeName };
    }
    if (kind === "message" && field.message) {
      noteWkt(field.message);
      return { kind: "message", ref: field.message.typeName };
    }
    throw new Error(`internal: field ${field.name} of kind ${kind} has no type`);
  };

  const fieldType = (field: DescField): ValueType => {
    switch (field.fieldKind) {
      case "scalar":
      case "enum":
      case "message":
        return typeOfValue(field.fieldKind, field);
      case "list":
        return { kind: "list", element: typeOfValue(field.listKind, field) };
      case "map":
        return {
          kind: "map",
          key: SCALARS[field.mapKey] as MapKeyType,
          value: typeOfValue(field.mapKind, field),
        };
    }
  };

  function noteWkt(desc: DescMessage | DescEnum): void {
    if (desc.file.name.startsWith("google/protobuf/") && !seen.has(desc.typeName)) {
      pendingWkt.set(desc.typeName, desc);
    }
  }

  function lowerEnum(desc: DescEnum, info: SourceInfo, path: number[]): EnumDecl {
    const decl: EnumDecl = {
      kind: "enum",
      source: "proto",
      fullName: desc.typeName,
      package: desc.file.proto.package,
      typeName: typeNameIn(desc.typeName, desc.file.proto.package),
      name: desc.name,
      doc: info.doc(path),
      deprecated: desc.deprecated,
      location: info.location(path),
      open: desc.open,
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

  function lowerMessage(desc: DescMessage, info: SourceInfo, path: number[], out: Decl[]): void {
    const fieldIndex = indexOf(desc.proto.field);
    const fields: FieldDecl[] = desc.fields.map((field) => {
      const fieldPath = [...path, MESSAGE_FIELD, fieldIndex.get(field.proto) ?? 0];
      const presence: FieldDecl["presence"] =
        field.fieldKind === "message" || field.proto.proto3Optional || field.oneof
          ? "explicit"
          : field.fieldKind === "list" || field.fieldKind === "map"
            ? "implicit"
            : field.presence === 1 /* EXPLICIT */
              ? "explicit"
              : "implicit";
      const oneof = field.oneof?.name;
      return {
        name: field.name,
        jsonName: field.jsonName,
        number: field.number,
        type: fieldType(field),
        presence,
        ...(oneof !== undefined ? { oneof } : {}),
        doc: info.doc(fieldPath),
        deprecated: field.deprecated,
        location: info.location(fieldPath),
      };
    });
    const wellKnown = wellKnownOf(desc.typeName);
    const decl: MessageDecl = {
      kind: "message",
      source: "proto",
      fullName: desc.typeName,
      package: desc.file.proto.package,
      typeName: typeNameIn(desc.typeName, desc.file.proto.package),
      name: desc.name,
      doc: info.doc(path),
      deprecated: desc.deprecated,
      location: info.location(path),
      fields,
      // Synthetic oneofs of proto3 `optional` fields are presence markers, not unions.
      oneofs: desc.oneofs.map((o, i) => ({
        name: o.name,
        jsonName: o.localName,
        fields: o.fields.map((f) => f.name),
        doc: info.doc([...path, MESSAGE_ONEOF, i]),
      })),
      closed: true,
      ...(wellKnown ? { wellKnown } : {}),
      examples: [],
    };
    seen.add(decl.fullName);
    out.push(decl);
    const enumIndex = indexOf(desc.proto.enumType);
    for (const e of desc.nestedEnums) {
      out.push(lowerEnum(e, info, [...path, MESSAGE_ENUM, enumIndex.get(e.proto) ?? 0]));
    }
    const nestedIndex = indexOf(desc.proto.nestedType);
    for (const m of desc.nestedMessages) {
      if (m.proto.options?.mapEntry) continue;
      lowerMessage(m, info, [...path, MESSAGE_NESTED, nestedIndex.get(m.proto) ?? 0], out);
    }
  }

  function lowerService(desc: DescService, info: SourceInfo, path: number[]): ServiceDecl {
    return {
      source: "proto",
      fullName: desc.typeName,
      package: desc.file.proto.package,
      name: desc.name,
      doc: info.doc(path),
      deprecated: desc.deprecated,
      location: info.location(path),
      methods: desc.methods.map((m, i): MethodDecl => {
        noteWkt(m.input);
        noteWkt(m.output);
        const methodPath = [...path, SERVICE_METHOD, i];
        return {
          name: m.name,
          input: m.input.typeName,
          output: m.output.typeName,
          clientStreaming: m.methodKind === "client_streaming" || m.methodKind === "bidi_streaming",
          serverStreaming: m.methodKind === "server_streaming" || m.methodKind === "bidi_streaming",
          idempotency:
            m.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS
              ? "no_side_effects"
              : m.idempotency === MethodOptions_IdempotencyLevel.IDEMPOTENT
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
    const info = new SourceInfo(path, image.sourceInfo.get(file.proto.name) ?? []);
    const fileDecls: Decl[] = [];
    const enumIndex = indexOf(file.proto.enumType);
    for (const e of file.enums) fileDecls.push(lowerEnum(e, info, [FILE_ENUM, enumIndex.get(e.proto) ?? 0]));
    const messageIndex = indexOf(file.proto.messageType);
    for (const m of file.messages) {
      lowerMessage(m, info, [FILE_MESSAGE, messageIndex.get(m.proto) ?? 0], fileDecls);
    }
    const fileServices = file.services.map((s, i) => lowerService(s, info, [FILE_SERVICE, i]));
    decls.push(...fileDecls);
    services.push(...fileServices);
    const options: Record<string, string> = {};
    const phpNamespace = file.proto.options?.phpNamespace;
    if (phpNamespace) options["php_namespace"] = phpNamespace;
    const phpMetadataNamespace = file.proto.options?.phpMetadataNamespace;
    if (phpMetadataNamespace) options["php_metadata_namespace"] = phpMetadataNamespace;
    files.push({
      source: "proto",
      path,
      sourceName: file.proto.name,
      package: file.proto.package,
      declarations: fileDecls.map((d) => d.fullName),
      services: fileServices.map((s) => s.fullName),
      options,
    });
  }

  // Well-known types referenced by the workspace (transitively: Struct → Value → ListValue).
  while (pendingWkt.size > 0) {
    const [name, desc] = pendingWkt.entries().next().value as [string, DescMessage | DescEnum];
    pendingWkt.delete(name);
    if (seen.has(name)) continue;
    const info = new SourceInfo(desc.file.proto.name, image.sourceInfo.get(desc.file.proto.name) ?? []);
    if (desc.kind === "enum") {
      decls.push(lowerEnum(desc, info, [FILE_ENUM, desc.file.proto.enumType.indexOf(desc.proto)]));
    } else {
      const out: Decl[] = [];
      lowerMessage(desc, info, [FILE_MESSAGE, desc.file.proto.messageType.indexOf(desc.proto)], out);
      decls.push(...out);
    }
  }
  return { files, decls, services };
}

/** Position of each element in a descriptor list, so paths are found in O(1), not by `indexOf`. */
function indexOf<T>(list: readonly T[]): Map<T, number> {
  const map = new Map<T, number>();
  list.forEach((item, i) => {
    map.set(item, i);
  });
  return map;
}

function typeNameIn(fullName: string, pkg: string): string {
  return pkg ? fullName.slice(pkg.length + 1) : fullName;
}
