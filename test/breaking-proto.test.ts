/**
 * Proto changes through the real `buf breaking` (rules FILE + WIRE_JSON from buf.yaml), reported by
 * checkBreaking with buf's rule ids. Each row is a change to a small proto file.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { checkBreaking } from "../codegen/breaking/index.js";
import { type ContractError, isContractError } from "../codegen/errors.js";
import { writeTree } from "./helpers.js";

const BUF_YAML = "version: v2\nmodules:\n  - path: proto\nbreaking:\n  use:\n    - FILE\n    - WIRE_JSON\n";

const BASE = `syntax = "proto3";

package shop.demo.v1;

enum Color {
  COLOR_UNSPECIFIED = 0;
  COLOR_RED = 1;
  COLOR_BLUE = 2;
}

message Item {
  string display_name = 1;
  int32 quantity = 2;
  Color color = 3;
}

message GetItemRequest {
  string id = 1;
}

message GetItemResponse {
  Item item = 1;
}

service ItemService {
  rpc GetItem(GetItemRequest) returns (GetItemResponse);
  rpc PeekItem(GetItemRequest) returns (GetItemResponse);
}
`;

interface Row {
  readonly name: string;
  readonly change: (proto: string) => string;
  /** buf rule ids the report must contain; empty = no finding. */
  readonly rules: readonly string[];
  /** rule ids it must not contain. */
  readonly absent?: readonly string[];
}

const rows: Row[] = [
  {
    name: "field renamed: breaks the JSON wire name",
    change: (p) => p.replace("string display_name = 1;", "string title = 1;"),
    rules: ["FIELD_SAME_JSON_NAME", "FIELD_SAME_NAME"],
  },
  {
    name: "field renamed keeping its json_name: only the source name changes",
    change: (p) => p.replace("string display_name = 1;", 'string title = 1 [json_name = "displayName"];'),
    rules: ["FIELD_SAME_NAME"],
    absent: ["FIELD_SAME_JSON_NAME"],
  },
  {
    name: "field number changed",
    change: (p) => p.replace("int32 quantity = 2;", "int32 quantity = 7;"),
    rules: ["FIELD_NO_DELETE"],
  },
  {
    name: "field type changed",
    change: (p) => p.replace("int32 quantity = 2;", "string quantity = 2;"),
    rules: ["FIELD_SAME_TYPE"],
  },
  {
    name: "enum value removed",
    change: (p) => p.replace("  COLOR_BLUE = 2;\n", ""),
    rules: ["ENUM_VALUE_NO_DELETE"],
  },
  {
    name: "rpc removed",
    change: (p) => p.replace("  rpc PeekItem(GetItemRequest) returns (GetItemResponse);\n", ""),
    rules: ["RPC_NO_DELETE"],
  },
  {
    name: "field added (safe)",
    change: (p) => p.replace("Color color = 3;", "Color color = 3;\n  string note = 4;"),
    rules: [],
  },
  {
    name: "enum value added (safe)",
    change: (p) => p.replace("COLOR_BLUE = 2;", "COLOR_BLUE = 2;\n  COLOR_GREEN = 3;"),
    rules: [],
  },
];

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function project(proto: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "contractgen-breaking-proto-"));
  dirs.push(dir);
  await writeTree(dir, { "buf.yaml": BUF_YAML, "proto/shop/demo/v1/demo.proto": proto });
  return dir;
}

describe("proto breaking changes through the real buf", () => {
  test.concurrent.each(rows)("$name", async (row) => {
    const before = await project(BASE);
    const after = await project(row.change(BASE));
    const report = await checkBreaking({ cwd: after, against: before });
    const rules = report.findings.map((f) => f.rule);
    for (const rule of row.rules) expect(rules).toContain(rule);
    for (const rule of row.absent ?? []) expect(rules).not.toContain(rule);
    if (row.rules.length === 0) expect(report.findings).toEqual([]);
    expect(report.breaking).toBe(row.rules.length > 0);
    for (const f of report.findings) {
      expect(f).toMatchObject({ kind: "proto", severity: "error", direction: "both" });
      expect(f.file).toBe("proto/shop/demo/v1/demo.proto");
      expect(f.line).toBeGreaterThan(0);
    }
  });
});

describe("contracts that do not load are bad input, not breaking changes", () => {
  test("a proto file that does not compile (new or old) raises a ContractError with file:line", async () => {
    const good = await project(BASE);
    const broken = await project(BASE.replace("int32 quantity = 2;", "int33 quantity = 2;"));
    const newBroken = await checkBreaking({ cwd: broken, against: good }).catch((e: unknown) => e);
    expect(isContractError(newBroken)).toBe(true);
    expect((newBroken as ContractError).diagnostics[0]).toMatchObject({
      location: { file: "proto/shop/demo/v1/demo.proto", line: 13 },
    });
    const oldBroken = await checkBreaking({ cwd: good, against: broken }).catch((e: unknown) => e);
    expect(isContractError(oldBroken)).toBe(true);
    expect((oldBroken as Error).message).toContain("(in the old contracts)");
  });
  test("an invalid JSON Schema in the old version names the old version", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractgen-breaking-json-"));
    const old = await mkdtemp(join(tmpdir(), "contractgen-breaking-json-old-"));
    dirs.push(dir, old);
    const schema = '{ "title": "A", "type": "object", "properties": { "a": { "type": "string" } } }';
    await writeTree(dir, { "contracts/jsonschema/a/v1/a.schema.json": schema });
    await writeTree(old, { "contracts/jsonschema/a/v1/a.schema.json": '{ "title": "A", "type": ' });
    const error = await checkBreaking({ cwd: dir, against: old }).catch((e: unknown) => e);
    expect(isContractError(error)).toBe(true);
    expect((error as ContractError).diagnostics[0]?.location?.file).toBe(
      "contracts/jsonschema/a/v1/a.schema.json",
    );
    expect((error as Error).message).toContain(`(in the old contracts at ${old})`);
  });
});
