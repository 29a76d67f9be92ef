/**
 * The differential's labels (docs/contract-tests.md, "Differential"): two answers are an encoding-only
 * divergence when every ProtoJSON parser reads them as the same message (after the lossless repair of
 * PHP pitfalls), and a semantic one otherwise. One row per rule, on an inline proto contract.
 */
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { beforeAll, describe, expect, test } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { ResponseChecker } from "../codegen/contract-test/checks.js";
import { compareAnswers } from "../codegen/contract-test/differential.js";
import { duration, ProtoCanonical, timestamp } from "../codegen/contract-test/proto-canonical.js";
import { loadContracts } from "../codegen/load/index.js";
import { wireId, wireSchemas } from "../codegen/wire/index.js";
import { BUF_YAML, scratchDir, writeTree } from "./helpers.js";

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

const PROTO = `syntax = "proto3";
package enc.v1;
import "google/protobuf/duration.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
enum Role { ROLE_UNSPECIFIED = 0; ROLE_ADMIN = 2; }
message Money { int64 units = 1; int32 nanos = 2; }
message Reply {
  int64 total_units = 1;
  Role role = 2;
  string name = 3;
  optional string note = 4;
  google.protobuf.Timestamp created_at = 5;
  google.protobuf.Duration ttl = 6;
  bytes blob = 7;
  repeated string tags = 8;
  map<string, int64> counts = 9;
  Money price = 10;
  bool active = 11;
  double score = 12;
  google.protobuf.Int64Value big = 13;
  oneof pick { int32 count = 14; string label = 15; }
}
service EncodingService { rpc Get(Reply) returns (Reply); }
`;

const REPLY = "enc.v1.Reply";
let normalize: (v: unknown) => unknown;

beforeAll(async () => {
  const dir = await scratchDir("ct-encoding");
  await writeTree(dir, { "buf.yaml": BUF_YAML, "proto/enc/v1/enc.proto": PROTO });
  const loaded = await loadContracts(resolveConfig(dir, { jsonSchema: false }));
  const schemas = wireSchemas(loaded);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const s of schemas.values()) ajv.addSchema(s as object);
  const validators: Record<string, (v: unknown) => boolean> = {};
  for (const name of schemas.keys()) {
    const v = ajv.getSchema(wireId(name));
    if (v) validators[name] = v as (v: unknown) => boolean;
  }
  const checker = new ResponseChecker([...schemas.values()], validators);
  const canon = new ProtoCanonical(loaded.model.decls);
  // As the run does: the lossless pitfall repair, then ProtoJSON's canonical form.
  normalize = (v) => canon.message(REPLY, checker.repaired(REPLY, v));
});

/** The label of the divergence between two ok answers (`none` when they agree). */
function label(php: unknown, ts: unknown): string {
  const d = compareAnswers(
    [
      { impl: "php", code: "ok", value: php, repaired: normalize(php), clean: true },
      { impl: "ts", code: "ok", value: ts, repaired: normalize(ts), clean: true },
    ],
    [],
  );
  return d ? d.kind : "none";
}

const T = "2024-01-01T10:00:00";

describe("encoding-only vs semantic divergences (ProtoJSON)", () => {
  test.each([
    // [what, php, ts, label]
    ["key order", { name: "a", role: "ROLE_ADMIN" }, { role: "ROLE_ADMIN", name: "a" }, "none"],
    ["int64 as a string vs a number", { totalUnits: "5" }, { totalUnits: 5 }, "encoding"],
    ["int64 -0 vs 0 (both the default)", { totalUnits: "-0" }, { totalUnits: "0" }, "encoding"],
    ["int64 of another value", { totalUnits: "5" }, { totalUnits: 6 }, "semantic"],
    ["int64 wrapper as a string vs a number", { big: "7" }, { big: 7 }, "encoding"],
    ["a double as a string vs a number", { score: "1.5" }, { score: 1.5 }, "encoding"],
    ["a double of another value", { score: 1.5 }, { score: 2.5 }, "semantic"],
    ["enum name vs number", { role: "ROLE_ADMIN" }, { role: 2 }, "encoding"],
    ["enum of another value", { role: "ROLE_ADMIN" }, { role: 0 }, "semantic"],
    [
      "defaults emitted vs omitted",
      {
        totalUnits: "0",
        role: "ROLE_UNSPECIFIED",
        name: "",
        active: false,
        score: 0,
        blob: "",
        tags: [],
        counts: {},
      },
      {},
      "encoding",
    ],
    ["an enum default as its number", { role: 0 }, {}, "encoding"],
    ["a nested default", { price: { units: "1", nanos: 0 } }, { price: { units: 1 } }, "encoding"],
    ["null vs absent", { name: null, price: null }, {}, "encoding"],
    [
      "proto name vs JSON name",
      { total_units: "5", created_at: `${T}Z` },
      { totalUnits: 5, createdAt: `${T}Z` },
      "encoding",
    ],
    ["an explicit-presence field set to its default vs absent", { note: "" }, {}, "semantic"],
    ["an empty message vs absent", { price: {} }, {}, "semantic"],
    ["a oneof member set to its default vs absent", { count: 0 }, {}, "semantic"],
    ["Timestamp fraction digits", { createdAt: `${T}Z` }, { createdAt: `${T}.000Z` }, "encoding"],
    [
      "Timestamp 9 vs 3 fraction digits",
      { createdAt: `${T}.120000000Z` },
      { createdAt: `${T}.12Z` },
      "encoding",
    ],
    [
      "Timestamp with an offset",
      { createdAt: "2024-01-01T11:00:00+01:00" },
      { createdAt: `${T}Z` },
      "encoding",
    ],
    [
      "Timestamp of another instant (wall clock marked Z)",
      { createdAt: "2024-01-01T11:00:00Z" },
      { createdAt: `${T}Z` },
      "semantic",
    ],
    ["Duration fraction digits", { ttl: "1.000s" }, { ttl: "1s" }, "encoding"],
    ["Duration of another length", { ttl: "1.5s" }, { ttl: "1s" }, "semantic"],
    ["bytes URL-safe and unpadded vs standard", { blob: "-_8" }, { blob: "+/8=" }, "encoding"],
    ["bytes of other content", { blob: "AAAA" }, { blob: "AAAB" }, "semantic"],
    ["[] for an empty map [empty_array_for_object]", { counts: [] }, { counts: {} }, "encoding"],
    ["a map with other entries", { counts: { a: "1" } }, { counts: { a: "2" } }, "semantic"],
    ["a list in another order", { tags: ["a", "b"] }, { tags: ["b", "a"] }, "semantic"],
    ["a dropped field", { name: "x" }, {}, "semantic"],
  ])("%s → %s", (_, php, ts, want) => {
    expect(label(php, ts)).toBe(want);
  });
});

describe("canonical forms", () => {
  test.each([
    ["2024-02-29T23:30:00-01:00", "2024-03-01T00:30:00Z"],
    ["2024-01-01T10:00:00.5Z", "2024-01-01T10:00:00.500Z"],
    ["2024-01-01T10:00:00.000001Z", "2024-01-01T10:00:00.000001Z"],
    ["2024-01-01T10:00:00.123456789z", "2024-01-01T10:00:00.123456789Z"],
  ])("Timestamp %s → %s", (given, want) => {
    expect(timestamp(given)).toBe(want);
  });
  test.each([
    ["1.500s", "1.500s"],
    ["1.5s", "1.500s"],
    ["-0.000s", "0s"],
    ["3.000000001s", "3.000000001s"],
  ])("Duration %s → %s", (given, want) => {
    expect(duration(given)).toBe(want);
  });
});
