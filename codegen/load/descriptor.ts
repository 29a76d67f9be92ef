/**
 * The parts of descriptor.proto that the contract model reads, decoded straight from a buf image.
 *
 * Why not protobuf-es's `fromBinary` + `createFileRegistry`: for 200 files / 2,000 messages they take
 * ~170 ms in a new process (most of it building a descriptor object per field that the model then
 * copies), and loading their modules another ~60 ms; the model needs a few fields of each declaration.
 * Reading those with protobuf-es's own `BinaryReader` takes a fraction of that. Feature resolution for
 * editions (`field_presence`, `enum_type`) follows the same rules as protobuf-es's registry;
 * test/proto-descriptors.test.ts checks the model against that registry on the bundled contracts, the
 * test fixtures and a proto2 / proto3 / editions workspace.
 */
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";

/** A `google.protobuf.FeatureSet`, the two features the model needs (0: not set). */
export interface Features {
  fieldPresence: number;
  enumType: number;
}

/** One file of the image, without source info (see codegen/load/source-info.ts). */
export interface FileDesc {
  name: string;
  package: string;
  /** `proto2`, `proto3`, `editions`; empty means proto2. */
  syntax: string;
  messages: MessageDesc[];
  enums: EnumDesc[];
  services: ServiceDesc[];
  phpNamespace?: string;
  phpMetadataNamespace?: string;
  features?: Features;
  /** buf's image extension: the file is only an import of the workspace's files. */
  isImport: boolean;
}

export interface MessageDesc {
  kind: "message";
  name: string;
  /** Full name without a leading dot (`shop.order.v1.Order.Line`). */
  typeName: string;
  file: FileDesc;
  fields: FieldDesc[];
  nested: MessageDesc[];
  enums: EnumDesc[];
  oneofs: string[];
  mapEntry: boolean;
  deprecated: boolean;
  features?: Features;
}

export interface FieldDesc {
  name: string;
  number: number;
  /** FieldDescriptorProto.Label: 1 optional, 2 required, 3 repeated. */
  label: number;
  /** FieldDescriptorProto.Type (1 double … 18 sint64; 10 group, 11 message, 14 enum). */
  type: number;
  /** Referenced message or enum, without the leading dot; empty for scalars. */
  typeName: string;
  jsonName: string;
  oneofIndex?: number;
  proto3Optional: boolean;
  deprecated: boolean;
  features?: Features;
}

export interface EnumDesc {
  kind: "enum";
  name: string;
  typeName: string;
  file: FileDesc;
  values: { name: string; number: number; deprecated: boolean }[];
  deprecated: boolean;
  features?: Features;
}

export interface ServiceDesc {
  name: string;
  typeName: string;
  methods: MethodDesc[];
  deprecated: boolean;
}

export interface MethodDesc {
  name: string;
  inputType: string;
  outputType: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
  deprecated: boolean;
  /** MethodOptions.IdempotencyLevel: 0 unknown, 1 no side effects, 2 idempotent. */
  idempotency: number;
}

export const TYPE_GROUP = 10;
export const TYPE_MESSAGE = 11;
export const TYPE_ENUM = 14;
export const LABEL_REQUIRED = 2;
export const LABEL_REPEATED = 3;
/** FeatureSet values shared by `field_presence` and `enum_type`. */
export const FEATURE_EXPLICIT = 1;
const FEATURE_IMPLICIT = 2;
export const FEATURE_OPEN = 1;
const FEATURE_CLOSED = 2;

/** Field number of `buf_extension` on buf's ImageFile (buf/alpha/image/v1/image.proto). */
const BUF_IMAGE_EXTENSION = 8042;

const LEN = WireType.LengthDelimited;
const VARINT = WireType.Varint;

/*
 * Each reader below reads one message from `r` up to `end` (the position after its bytes), with one
 * BinaryReader for the whole file: a reader per nested message would allocate a DataView for each of
 * the ~20 nested messages a field declaration has. Unknown fields are skipped.
 */

const utf8 = new TextDecoder();

/**
 * UTF-8 decoding for the reader: names are short and ASCII, and for them building the string here is
 * several times faster than a call into TextDecoder per name (measured: 201 files, 52 → 30 ms).
 */
function decodeUtf8(bytes: Uint8Array): string {
  if (bytes.length > 48) return utf8.decode(bytes);
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) >= 0x80) return utf8.decode(bytes);
  }
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** Position after the length-delimited value at the reader's position (its length is consumed). */
function endOf(r: BinaryReader): number {
  return r.uint32() + r.pos;
}

function readFeatures(r: BinaryReader, end: number, into: Features | undefined): Features {
  const features = into ?? { fieldPresence: 0, enumType: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = (tag & 7) as WireType;
    if (no === 1 && wt === VARINT) features.fieldPresence = r.int32();
    else if (no === 2 && wt === VARINT) features.enumType = r.int32();
    else r.skip(wt, no);
  }
  return features;
}

/** What an options message holds that the model reads; `extra` is any other varint option asked for. */
interface Options {
  deprecated: boolean;
  features?: Features;
  extra: number;
  strings?: Map<number, string>;
}

/**
 * Reads an options message: `deprecated` (field `deprecatedNo`), `features` (field `featuresNo`), the
 * varint field `extraNo`, and the string fields `stringNos`.
 */
function readOptions(
  r: BinaryReader,
  end: number,
  deprecatedNo: number,
  featuresNo: number,
  extraNo = 0,
  stringNos?: readonly number[],
): Options {
  const options: Options = { deprecated: false, extra: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = (tag & 7) as WireType;
    if (no === deprecatedNo && wt === VARINT) options.deprecated = r.bool();
    else if (no === featuresNo && wt === LEN) options.features = readFeatures(r, endOf(r), options.features);
    else if (no === extraNo && wt === VARINT) options.extra = r.int32();
    else if (wt === LEN && stringNos?.includes(no)) {
      options.strings ??= new Map();
      options.strings.set(no, r.string());
    } else r.skip(wt, no);
  }
  return options;
}

function applyOptions(target: { deprecated: boolean; features?: Features }, options: Options): void {
  target.deprecated = options.deprecated;
  if (options.features) target.features = options.features;
}

function readField(r: BinaryReader, end: number): FieldDesc {
  const field: FieldDesc = {
    name: "",
    number: 0,
    label: 1,
    type: 0,
    typeName: "",
    jsonName: "",
    proto3Optional: false,
    deprecated: false,
  };
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = (tag & 7) as WireType;
    if (wt === LEN) {
      if (no === 1) field.name = r.string();
      else if (no === 6) field.typeName = trimDot(r.string());
      else if (no === 10) field.jsonName = r.string();
      else if (no === 8) applyOptions(field, readOptions(r, endOf(r), 3, 21));
      else r.skip(wt, no);
    } else if (wt === VARINT) {
      if (no === 3) field.number = r.int32();
      else if (no === 4) field.label = r.int32();
      else if (no === 5) field.type = r.int32();
      else if (no === 9) field.oneofIndex = r.int32();
      else if (no === 17) field.proto3Optional = r.bool();
      else r.skip(wt, no);
    } else r.skip(wt, no);
  }
  return field;
}

function readEnumValue(r: BinaryReader, end: number): EnumDesc["values"][number] {
  const value = { name: "", number: 0, deprecated: false };
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = (tag & 7) as WireType;
    if (no === 1 && wt === LEN) value.name = r.string();
    else if (no === 2 && wt === VARINT) value.number = r.int32();
    else if (no === 3 && wt === LEN) value.deprecated = readOptions(r, endOf(r), 1, 2).deprecated;
    else r.skip(wt, no);
  }
  return value;
}

function readEnum(r: BinaryReader, end: number, file: FileDesc): EnumDesc {
  const desc: EnumDesc = { kind: "enum", name: "", typeName: "", file, values: [], deprecated: false };
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = (tag & 7) as WireType;
    if (wt === LEN && no === 1) desc.name = r.string();
    else if (wt === LEN && no === 2) desc.values.push(readEnumValue(r, endOf(r)));
    else if (wt === LEN && no === 3) applyOptions(desc, readOptions(r, endOf(r), 3, 7));
    else r.skip(wt, no);
  }
  return desc;
}

function readOneofName(r: BinaryReader, end: number): string {
  let name = "";
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = (tag & 7) as WireType;
    if (no === 1 && wt === LEN) name = r.string();
    else r.skip(wt, no);
  }
  return name;
}

function readMessage(r: BinaryReader, end: number, file: FileDesc): MessageDesc {
  const desc: MessageDesc = {
    kind: "message",
    name: "",
    typeName: "",
    file,
    fields: [],
    nested: [],
    enums: [],
    oneofs: [],
    mapEntry: false,
    deprecated: false,
  };
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = (tag & 7) as WireType;
    if (wt !== LEN) r.skip(wt, no);
    else if (no === 1) desc.name = r.string();
    else if (no === 2) desc.fields.push(readField(r, endOf(r)));
    else if (no === 3) desc.nested.push(readMessage(r, endOf(r), file));
    else if (no === 4) desc.enums.push(readEnum(r, endOf(r), file));
    else if (no === 8) desc.oneofs.push(readOneofName(r, endOf(r)));
    else if (no === 7) {
      // MessageOptions: deprecated 3, map_entry 7, features 12.
      const options = readOptions(r, endOf(r), 3, 12, 7);
      applyOptions(desc, options);
      desc.mapEntry = options.extra !== 0;
    } else r.skip(wt, no);
  }
  return desc;
}

function readMethod(r: BinaryReader, end: number): MethodDesc {
  const method: MethodDesc = {
    name: "",
    inputType: "",
    outputType: "",
    clientStreaming: false,
    serverStreaming: false,
    deprecated: false,
    idempotency: 0,
  };
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = (tag & 7) as WireType;
    if (wt === LEN && no === 1) method.name = r.string();
    else if (wt === LEN && no === 2) method.inputType = trimDot(r.string());
    else if (wt === LEN && no === 3) method.outputType = trimDot(r.string());
    else if (wt === LEN && no === 4) {
      // MethodOptions: deprecated 33, idempotency_level 34, features 35.
      const options = readOptions(r, endOf(r), 33, 35, 34);
      method.deprecated = options.deprecated;
      method.idempotency = options.extra;
    } else if (wt === VARINT && no === 5) method.clientStreaming = r.bool();
    else if (wt === VARINT && no === 6) method.serverStreaming = r.bool();
    else r.skip(wt, no);
  }
  return method;
}

function readService(r: BinaryReader, end: number): ServiceDesc {
  const desc: ServiceDesc = { name: "", typeName: "", methods: [], deprecated: false };
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = (tag & 7) as WireType;
    if (wt === LEN && no === 1) desc.name = r.string();
    else if (wt === LEN && no === 2) desc.methods.push(readMethod(r, endOf(r)));
    else if (wt === LEN && no === 3) desc.deprecated = readOptions(r, endOf(r), 33, 34).deprecated;
    else r.skip(wt, no);
  }
  return desc;
}

/** Reads `is_import` from buf's ImageFileExtension. */
function readIsImport(r: BinaryReader, end: number): boolean {
  let isImport = false;
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = (tag & 7) as WireType;
    if (no === 1 && wt === VARINT) isImport = r.bool();
    else r.skip(wt, no);
  }
  return isImport;
}

const FILE_OPTION_PHP_NAMESPACE = 41;
const FILE_OPTION_PHP_METADATA_NAMESPACE = 44;

/** Reads one FileDescriptorProto (as found in a buf image, with buf's extension). */
export function readFileDescriptor(bytes: Uint8Array): FileDesc {
  const file: FileDesc = {
    name: "",
    package: "",
    syntax: "",
    messages: [],
    enums: [],
    services: [],
    isImport: false,
  };
  const r = new BinaryReader(bytes, decodeUtf8);
  while (r.pos < r.len) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = (tag & 7) as WireType;
    if (wt === LEN) {
      if (no === 1) file.name = r.string();
      else if (no === 2) file.package = r.string();
      else if (no === 4) file.messages.push(readMessage(r, endOf(r), file));
      else if (no === 5) file.enums.push(readEnum(r, endOf(r), file));
      else if (no === 6) file.services.push(readService(r, endOf(r)));
      else if (no === 12) file.syntax = r.string();
      else if (no === 8) {
        // FileOptions: deprecated 23, php_namespace 41, php_metadata_namespace 44, features 50.
        const options = readOptions(r, endOf(r), 23, 50, 0, [
          FILE_OPTION_PHP_NAMESPACE,
          FILE_OPTION_PHP_METADATA_NAMESPACE,
        ]);
        if (options.features) file.features = options.features;
        const php = options.strings?.get(FILE_OPTION_PHP_NAMESPACE);
        if (php !== undefined) file.phpNamespace = php;
        const meta = options.strings?.get(FILE_OPTION_PHP_METADATA_NAMESPACE);
        if (meta !== undefined) file.phpMetadataNamespace = meta;
      } else if (no === BUF_IMAGE_EXTENSION) file.isImport = readIsImport(r, endOf(r));
      else r.skip(wt, no);
    } else r.skip(wt, no);
  }
  // Full names, now that every name is read (a serializer may write `name` after the nested types).
  const prefix = file.package ? `${file.package}.` : "";
  const nameMessage = (m: MessageDesc, scope: string): void => {
    m.typeName = `${scope}${m.name}`;
    for (const e of m.enums) e.typeName = `${m.typeName}.${e.name}`;
    for (const n of m.nested) nameMessage(n, `${m.typeName}.`);
  };
  for (const e of file.enums) e.typeName = `${prefix}${e.name}`;
  for (const m of file.messages) nameMessage(m, prefix);
  for (const s of file.services) s.typeName = `${prefix}${s.name}`;
  return file;
}

function trimDot(name: string): string {
  return name.startsWith(".") ? name.slice(1) : name;
}

/**
 * The edition default of `feature` for `file`: proto2 (`syntax` "" or "proto2") explicit presence and
 * closed enums, proto3 implicit and open; every edition so far (2023, 2024) explicit and open.
 */
function editionDefault(file: FileDesc, feature: keyof Features): number {
  if (file.syntax === "proto3") return feature === "fieldPresence" ? FEATURE_IMPLICIT : FEATURE_OPEN;
  if (file.syntax === "editions") return feature === "fieldPresence" ? FEATURE_EXPLICIT : FEATURE_OPEN;
  return feature === "fieldPresence" ? FEATURE_EXPLICIT : FEATURE_CLOSED;
}

/**
 * A feature's value for a field or an enum: its own, else the file's, else the edition's default. The
 * enclosing messages are not consulted: `field_presence` can be set only on files and fields, and
 * `enum_type` only on files and enums (descriptor.proto's feature targets).
 */
export function resolveFeature(feature: keyof Features, own: Features | undefined, file: FileDesc): number {
  return own?.[feature] || file.features?.[feature] || editionDefault(file, feature);
}
