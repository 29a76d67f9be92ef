/**
 * The contract model: one small, typed intermediate representation for Protobuf and JSON Schema
 * contracts. Loaders lower their source into it; every emitter, the wire-schema writer and later the
 * checkers read only this.
 *
 * Names: `fullName` is the dotted, package-qualified name (`shop.order.v1.Order.Item`), `typeName` the
 * name inside the package (`Order.Item`), `name` the last segment (`Item`).
 */

/** Where a declaration comes from: proto file and line, or JSON Schema file and JSON pointer. */
export interface SourceLocation {
  /** Path of the contract file, relative to the project root, with forward slashes. */
  readonly file: string;
  /** 1-based line, where the source knows it. */
  readonly line?: number;
  /** 1-based column, where the source knows it. */
  readonly column?: number;
  /** JSON pointer inside the file (JSON Schema contracts). */
  readonly pointer?: string;
}

export type ContractKind = "proto" | "jsonschema";

/** Protobuf scalar types, plus the two JSON numeric types JSON Schema contracts use. */
export type ScalarType =
  | "double"
  | "float"
  | "int32"
  | "int64"
  | "uint32"
  | "uint64"
  | "sint32"
  | "sint64"
  | "fixed32"
  | "fixed64"
  | "sfixed32"
  | "sfixed64"
  | "bool"
  | "string"
  | "bytes"
  /** JSON Schema `integer`: a JSON number without fraction. */
  | "integer"
  /** JSON Schema `number`. */
  | "number";

/** Validation constraints a contract attaches to a value (JSON Schema keywords; later protovalidate). */
export interface Constraints {
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  /** The only value allowed (JSON Schema `const`). */
  readonly const?: JsonValue;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The type of a value: recursive, so JSON Schema's nested arrays and maps fit as well as proto's. */
export type ValueType =
  | { readonly kind: "scalar"; readonly scalar: ScalarType; readonly constraints?: Constraints }
  | { readonly kind: "enum"; readonly ref: string }
  | { readonly kind: "message"; readonly ref: string }
  | { readonly kind: "union"; readonly ref: string }
  | { readonly kind: "list"; readonly element: ValueType; readonly constraints?: Constraints }
  | {
      readonly kind: "map";
      readonly key: MapKeyType;
      readonly value: ValueType;
      readonly constraints?: Constraints;
    }
  /** Any JSON value (proto `google.protobuf.Value`, an unconstrained JSON Schema). */
  | { readonly kind: "any" }
  /** A value the contract allows to be JSON `null` besides `type` (JSON Schema `["string","null"]`). */
  | { readonly kind: "nullable"; readonly type: ValueType };

/** Map keys are strings on the wire; proto also allows integral and bool keys (quoted in JSON). */
export type MapKeyType = Extract<
  ScalarType,
  | "string"
  | "int32"
  | "int64"
  | "uint32"
  | "uint64"
  | "sint32"
  | "sint64"
  | "fixed32"
  | "fixed64"
  | "sfixed32"
  | "sfixed64"
  | "bool"
>;

/**
 * How absence is observed. `implicit`: proto3 scalars, absent means default. `explicit`: absence is
 * distinguishable (proto3 `optional`, message fields, JSON Schema properties not in `required`).
 * `required`: the contract demands the field (JSON Schema `required`).
 */
export type Presence = "implicit" | "explicit" | "required";

export interface FieldDecl {
  /** Name in the contract: the proto field name or the JSON Schema property name. */
  readonly name: string;
  /** Name on the JSON wire (ProtoJSON `json_name`; for JSON Schema, the property name). */
  readonly jsonName: string;
  /** Proto field number. */
  readonly number?: number;
  readonly type: ValueType;
  readonly presence: Presence;
  /** Name of the oneof this field belongs to (proto). */
  readonly oneof?: string;
  /** Default value stated by the contract (JSON Schema `default`). */
  readonly default?: JsonValue;
  readonly doc: string;
  readonly deprecated: boolean;
  readonly location: SourceLocation;
}

/** A proto oneof: at most one of `fields` is set. */
export interface OneofDecl {
  readonly name: string;
  readonly jsonName: string;
  readonly fields: readonly string[];
  readonly doc: string;
}

/** Well-known types that have a special JSON form. */
export type WellKnownType =
  | "Timestamp"
  | "Duration"
  | "Struct"
  | "Value"
  | "ListValue"
  | "NullValue"
  | "FieldMask"
  | "Empty"
  | "Any"
  | "DoubleValue"
  | "FloatValue"
  | "Int64Value"
  | "UInt64Value"
  | "Int32Value"
  | "UInt32Value"
  | "BoolValue"
  | "StringValue"
  | "BytesValue";

interface DeclBase {
  readonly source: ContractKind;
  readonly fullName: string;
  readonly package: string;
  readonly typeName: string;
  readonly name: string;
  readonly doc: string;
  readonly deprecated: boolean;
  readonly location: SourceLocation;
}

export interface MessageDecl extends DeclBase {
  readonly kind: "message";
  readonly fields: readonly FieldDecl[];
  readonly oneofs: readonly OneofDecl[];
  /** Whether keys the contract does not name are rejected (proto; JSON Schema `additionalProperties: false`). */
  readonly closed: boolean;
  /** Schema of keys the contract does not name, when the message is open and says what they hold. */
  readonly additional?: ValueType;
  readonly wellKnown?: WellKnownType;
  /** Examples stated by the contract (JSON Schema `examples`). */
  readonly examples: readonly JsonValue[];
}

export interface EnumValueDecl {
  /** Proto value name (`ORDER_STATUS_PAID`) or the JSON Schema enum string. */
  readonly name: string;
  /** Proto number. */
  readonly number?: number;
  /** The value as written in JSON: the name for proto (canonical ProtoJSON), the literal for JSON Schema. */
  readonly json: string | number;
  readonly doc: string;
  readonly deprecated: boolean;
}

export interface EnumDecl extends DeclBase {
  readonly kind: "enum";
  readonly values: readonly EnumValueDecl[];
  /** Proto3 enums are open (unknown numbers are kept); JSON Schema enums are closed. */
  readonly open: boolean;
}

export interface UnionMember {
  /** Discriminator value selecting this member. */
  readonly tag?: string;
  readonly type: ValueType;
}

/** A JSON Schema `oneOf`/`anyOf`: exactly one member matches, ideally selected by a discriminator. */
export interface UnionDecl extends DeclBase {
  readonly kind: "union";
  readonly discriminator?: string;
  readonly members: readonly UnionMember[];
}

/** A named JSON Schema definition that is neither object, enum nor union (a map, list or scalar). */
export interface AliasDecl extends DeclBase {
  readonly kind: "alias";
  readonly type: ValueType;
}

export type Decl = MessageDecl | EnumDecl | UnionDecl | AliasDecl;

export type Idempotency = "unknown" | "idempotent" | "no_side_effects";

export interface MethodDecl {
  readonly name: string;
  /** Full name of the request message. */
  readonly input: string;
  /** Full name of the response message. */
  readonly output: string;
  readonly clientStreaming: boolean;
  readonly serverStreaming: boolean;
  readonly idempotency: Idempotency;
  /** Connect error code → full name of the declaration describing that error's detail. */
  readonly errors: Readonly<Record<string, string>>;
  readonly doc: string;
  readonly deprecated: boolean;
  readonly location: SourceLocation;
}

export interface ServiceDecl {
  readonly source: ContractKind;
  readonly fullName: string;
  readonly package: string;
  readonly name: string;
  readonly methods: readonly MethodDecl[];
  readonly doc: string;
  readonly deprecated: boolean;
  readonly location: SourceLocation;
}

/** One contract file and what it declares (full names, in declaration order). */
export interface ContractFile {
  readonly source: ContractKind;
  /** Path relative to the project root (JSON Schema) or to the buf module root (proto, as buf names it). */
  readonly path: string;
  /** Name the source tool uses: for proto the module-relative file name (`shop/order/v1/order.proto`). */
  readonly sourceName: string;
  readonly package: string;
  readonly declarations: readonly string[];
  readonly services: readonly string[];
  /** Options that steer generation (proto file options such as `php_namespace`). */
  readonly options: Readonly<Record<string, string>>;
}

/** The whole contract set, with lookup tables built once. */
export interface ContractModel {
  readonly files: readonly ContractFile[];
  readonly decls: ReadonlyMap<string, Decl>;
  readonly services: ReadonlyMap<string, ServiceDecl>;
  /**
   * The wire schema (draft 2020-12, with `$id`) of each JSON Schema declaration, by full name: emitters
   * whose generated code validates at run time (the PHP DTOs) embed them, so every language checks a
   * payload against the same schema. Absent without JSON Schema contracts.
   */
  readonly jsonSchemaWire?: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}
