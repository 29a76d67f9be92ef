/**
 * The contract model reads buf's image with its own descriptor reader (codegen/load/descriptor.ts).
 * Here every proto declaration of the model is checked against protobuf-es's registry of the same image
 * — field kinds, types, presence, json names, oneofs, enum openness, methods — on the bundled contracts,
 * the test fixtures and a workspace of proto2, proto3 and editions files built to exercise feature
 * resolution, groups, maps of every key type and names that built-in object properties own.
 */
import { join } from "node:path";
import {
  createFileRegistry,
  type DescField,
  type DescMessage,
  type FileRegistry,
  fromBinary,
  ScalarType,
} from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { type LoadedContracts, loadContracts } from "../codegen/load/index.js";
import type { FieldDecl, ValueType } from "../codegen/model/types.js";
import { BUF_YAML, ROOT, removeDir, scratchDir, writeTree } from "./helpers.js";

const PROTO2 = `syntax = "proto2";
package feat.v1;

// Closed enum (proto2).
enum Level { LEVEL_LOW = 0; LEVEL_HIGH = 5; }

message Legacy {
  required int32 id = 1;
  optional string name = 2 [json_name = "displayName", deprecated = true];
  repeated Level levels = 3;
  optional group Extra = 4 { optional int64 at = 1; }
  map<uint32, Legacy> children = 5;
  oneof constructor { string text = 6; bytes raw = 7; }
  optional Level level = 8 [default = LEVEL_HIGH];
}
`;

const PROTO3 = `syntax = "proto3";
package feat.v1;

import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

message Modern {
  optional int32 maybe = 1;
  int32 plain = 2;
  oneof choice { string a = 3; Modern b = 4; google.protobuf.Timestamp at = 5; }
  optional string later = 6;
  map<string, google.protobuf.Value> meta = 7;
  map<int64, string> by_long = 8;
  map<bool, int32> by_bool = 9;
  map<sint32, bytes> by_sint = 10;
  map<fixed64, double> by_fixed = 11;
  repeated google.protobuf.StringValue names = 12;
  oneof to_string { bool flag = 13; }
  message Inner {
    enum Kind { KIND_UNSPECIFIED = 0; KIND_X = 1; }
    Kind kind = 1;
    repeated Inner inner = 2;
  }
  Inner inner = 14;
}

service Things {
  rpc Get(Modern) returns (Modern) { option idempotency_level = NO_SIDE_EFFECTS; }
  rpc Put(Modern) returns (Modern) { option idempotency_level = IDEMPOTENT; }
  rpc Watch(Modern) returns (stream Modern);
  rpc Send(stream Modern) returns (Modern);
  rpc Chat(stream Modern) returns (stream Modern) { option deprecated = true; }
}
`;

const EDITIONS = `edition = "2023";
package feat.v1;

option features.field_presence = IMPLICIT;

enum Open { OPEN_UNSPECIFIED = 0; OPEN_A = 1; }
enum Closed {
  option features.enum_type = CLOSED;
  CLOSED_A = 1;
}

message Ed {
  int32 implicit_by_file = 1;
  int32 explicit_here = 2 [features.field_presence = EXPLICIT];
  int32 required_here = 3 [features.field_presence = LEGACY_REQUIRED];
  Ed child = 4;
  Closed closed = 5 [features.field_presence = EXPLICIT];
  message Nested {
    string by_message = 1;
    message Deeper {
      string by_grandparent = 1;
      enum Local { option features.enum_type = CLOSED; LOCAL_A = 1; }
    }
  }
  repeated int32 packed = 6;
}
`;

/** The model's type of a field, as protobuf-es describes the same field. */
function expectedType(f: DescField): ValueType {
  const scalar = (s: ScalarType): ValueType => ({
    kind: "scalar",
    scalar: ScalarType[s].toLowerCase() as never,
  });
  const one = (kind: "scalar" | "enum" | "message", d: DescField): ValueType => {
    if (kind === "scalar" && d.scalar !== undefined) return scalar(d.scalar);
    if (kind === "enum" && d.enum) return { kind: "enum", ref: d.enum.typeName };
    if (kind === "message" && d.message) return { kind: "message", ref: d.message.typeName };
    throw new Error(`no type for ${d.name}`);
  };
  switch (f.fieldKind) {
    case "scalar":
    case "enum":
    case "message":
      return one(f.fieldKind, f);
    case "list":
      return { kind: "list", element: one(f.listKind, f) };
    case "map":
      return {
        kind: "map",
        key: ScalarType[f.mapKey].toLowerCase() as never,
        value: one(f.mapKind, f),
      };
  }
}

function expectedPresence(f: DescField): FieldDecl["presence"] {
  if (f.fieldKind === "list" || f.fieldKind === "map") return "implicit";
  if (f.fieldKind === "message" || f.proto.proto3Optional || f.oneof) return "explicit";
  return f.presence === 1 ? "explicit" : "implicit";
}

/** Compares every proto declaration of `loaded` with protobuf-es's registry; returns how many were checked. */
function compareWithRegistry(loaded: LoadedContracts): number {
  const image = loaded.proto;
  if (!image) throw new Error("no proto contracts");
  const registry: FileRegistry = createFileRegistry(fromBinary(FileDescriptorSetSchema, image.image));
  let checked = 0;
  for (const decl of loaded.model.decls.values()) {
    if (decl.source !== "proto") continue;
    checked++;
    if (decl.kind === "enum") {
      const e = registry.getEnum(decl.fullName);
      expect(e, decl.fullName).toBeDefined();
      if (!e) continue;
      expect({ open: decl.open, deprecated: decl.deprecated, name: decl.name }, decl.fullName).toEqual({
        open: e.open,
        deprecated: e.deprecated,
        name: e.name,
      });
      expect(decl.values.map((v) => [v.name, v.number, v.deprecated])).toEqual(
        e.values.map((v) => [v.name, v.number, v.deprecated]),
      );
      continue;
    }
    if (decl.kind !== "message") throw new Error(`${decl.fullName}: a proto ${decl.kind}`);
    const m: DescMessage | undefined = registry.getMessage(decl.fullName);
    expect(m, decl.fullName).toBeDefined();
    if (!m) continue;
    expect({ name: decl.name, deprecated: decl.deprecated, package: decl.package }).toEqual({
      name: m.name,
      deprecated: m.deprecated,
      package: m.file.proto.package,
    });
    expect(
      decl.fields.map((f) => ({
        name: f.name,
        jsonName: f.jsonName,
        number: f.number,
        type: f.type,
        presence: f.presence,
        oneof: f.oneof,
        deprecated: f.deprecated,
      })),
      decl.fullName,
    ).toEqual(
      m.fields.map((f) => ({
        name: f.name,
        jsonName: f.jsonName,
        number: f.number,
        type: expectedType(f),
        presence: expectedPresence(f),
        oneof: f.oneof?.name,
        deprecated: f.deprecated,
      })),
    );
    expect(
      decl.oneofs.map((o) => ({ name: o.name, jsonName: o.jsonName, fields: o.fields })),
      decl.fullName,
    ).toEqual(
      m.oneofs.map((o) => ({ name: o.name, jsonName: o.localName, fields: o.fields.map((f) => f.name) })),
    );
  }
  for (const service of loaded.model.services.values()) {
    if (service.source !== "proto") continue;
    checked++;
    const s = registry.getService(service.fullName);
    expect(s, service.fullName).toBeDefined();
    if (!s) continue;
    expect(service.deprecated).toBe(s.deprecated);
    expect(
      service.methods.map((m) => ({
        name: m.name,
        input: m.input,
        output: m.output,
        clientStreaming: m.clientStreaming,
        serverStreaming: m.serverStreaming,
        idempotency: m.idempotency,
        deprecated: m.deprecated,
      })),
    ).toEqual(
      s.methods.map((m) => ({
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
        deprecated: m.deprecated,
      })),
    );
  }
  return checked;
}

describe("the descriptor reader agrees with protobuf-es's registry", () => {
  for (const [label, dir] of [
    ["the bundled example contracts", ROOT],
    ["test/fixtures/php-dto", join(ROOT, "test", "fixtures", "php-dto")],
    ["test/fixtures/php-service", join(ROOT, "test", "fixtures", "php-service")],
  ] as const) {
    it(label, async () => {
      const loaded = await loadContracts(resolveConfig(dir, { jsonSchema: false }));
      expect(compareWithRegistry(loaded)).toBeGreaterThan(2);
    });
  }

  describe("proto2, proto3 and editions features", () => {
    let dir: string;
    let loaded: LoadedContracts;
    beforeAll(async () => {
      dir = await scratchDir("descriptors");
      await writeTree(dir, {
        "buf.yaml": BUF_YAML,
        "proto/feat/v1/legacy.proto": PROTO2,
        "proto/feat/v1/modern.proto": PROTO3,
        "proto/feat/v1/ed.proto": EDITIONS,
      });
      loaded = await loadContracts(resolveConfig(dir, { jsonSchema: false }));
    });
    afterAll(() => removeDir(dir));

    it("matches the registry on every declaration, well-known types included", () => {
      expect(compareWithRegistry(loaded)).toBeGreaterThan(15);
      expect(loaded.model.decls.has("google.protobuf.Value")).toBe(true);
    });

    it("resolves presence and enum openness through file, message and field features", () => {
      const fields = (name: string) => {
        const d = loaded.model.decls.get(name);
        if (d?.kind !== "message") throw new Error(name);
        return Object.fromEntries(d.fields.map((f) => [f.name, f.presence]));
      };
      expect(fields("feat.v1.Ed")).toMatchObject({
        implicit_by_file: "implicit",
        explicit_here: "explicit",
        required_here: "implicit",
        child: "explicit",
        closed: "explicit",
        packed: "implicit",
      });
      expect(fields("feat.v1.Ed.Nested")).toEqual({ by_message: "implicit" });
      expect(fields("feat.v1.Ed.Nested.Deeper")).toEqual({ by_grandparent: "implicit" });
      expect(fields("feat.v1.Legacy")).toMatchObject({ id: "implicit", name: "explicit", level: "explicit" });
      const open = (name: string) => {
        const d = loaded.model.decls.get(name);
        return d?.kind === "enum" ? d.open : undefined;
      };
      expect([open("feat.v1.Open"), open("feat.v1.Closed"), open("feat.v1.Ed.Nested.Deeper.Local")]).toEqual([
        true,
        false,
        false,
      ]);
      expect([open("feat.v1.Level"), open("feat.v1.Modern.Inner.Kind")]).toEqual([false, true]);
    });

    it("names the oneofs as protobuf-es does, with `$` after a built-in property's name", () => {
      const oneofs = (name: string) => {
        const d = loaded.model.decls.get(name);
        return d?.kind === "message" ? d.oneofs.map((o) => o.jsonName) : [];
      };
      expect(oneofs("feat.v1.Legacy")).toEqual(["constructor$"]);
      expect(oneofs("feat.v1.Modern")).toEqual(["choice", "toString$"]);
    });
  });
});
