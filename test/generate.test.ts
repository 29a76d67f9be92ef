import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { clone, create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import {
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  type SourceCodeInfo,
  SourceCodeInfoSchema,
} from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { isContractError } from "../codegen/errors.js";
import { generate } from "../codegen/generate.js";
import { SourceInfo, splitSourceInfo } from "../codegen/load/source-info.js";
import { openOutput } from "../codegen/output/index.js";
import { bufEnv } from "../codegen/tools/buf.js";
import { BUF_YAML, CLI, ROOT, removeDir, scratchDir, typecheck, writeTree } from "./helpers.js";

const GOLDEN = join(ROOT, "test", "golden");

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  }
  return out.sort();
}

describe("generate on the example contracts", () => {
  let dir: string;
  let out: string;
  beforeAll(async () => {
    dir = await scratchDir("examples");
    out = join(dir, "gen");
    await generate({ cwd: ROOT, out });
  });
  afterAll(() => removeDir(dir));

  it("matches the committed golden files (UPDATE_GOLDEN=1 rewrites them)", async () => {
    if (process.env["UPDATE_GOLDEN"]) {
      await removeDir(GOLDEN);
      await generate({ cwd: ROOT, out: GOLDEN });
    }
    const actual = (await listFiles(out)).filter((p) => p !== ".contractgen");
    const expected = (await listFiles(GOLDEN)).filter((p) => p !== ".contractgen");
    expect(actual).toEqual(expected);
    for (const path of actual) {
      expect(await readFile(join(out, path), "utf8"), path).toBe(await readFile(join(GOLDEN, path), "utf8"));
    }
  });

  it("is deterministic: a second run into a fresh folder is byte-identical", async () => {
    const second = join(dir, "gen2");
    const result = await generate({ cwd: ROOT, out: second });
    for (const file of result.files) {
      expect(await readFile(join(out, file.path), "utf8"), file.path).toBe(file.content);
    }
  });

  it("rewrites nothing when nothing changed, and --check agrees", async () => {
    const again = await generate({ cwd: ROOT, out });
    expect(again.written).toBe(0);
    expect(again.removed).toBe(0);
    const check = await generate({ cwd: ROOT, out, check: true });
    expect(check.outdated).toEqual([]);
  });

  it("covers every example contract: a TS module per proto file and service, types and validators per JSON Schema package", async () => {
    const files = await listFiles(out);
    for (const name of ["user", "order", "payment", "inventory"]) {
      expect(files).toContain(`ts/proto/shop/${name}/v1/${name}_pb.ts`);
      expect(files).toContain(`ts/proto/shop/${name}/v1/${name}_contract.ts`);
    }
    for (const pkg of ["stats", "events", "shared"]) {
      expect(files).toContain(`ts/jsonschema/shop/${pkg}/v1/types.ts`);
      expect(files).toContain(`ts/jsonschema/shop/${pkg}/v1/validators.ts`);
    }
    expect(files).toContain("ts/jsonschema/shop/stats/v1/stats_service.ts");
    expect(files).toContain("schema/shop.order.v1.Order.schema.json");
    expect(files).toContain("schema/shop.events.v1.OrderCreated.schema.json");
  });

  it("compiles under tsc --strict (exactOptionalPropertyTypes, noUncheckedIndexedAccess)", async () => {
    const result = await typecheck(out);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("removes files the contracts no longer produce", async () => {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(out, "ts", "stale.ts"), "export {};\n");
    const result = await generate({ cwd: ROOT, out });
    expect(result.removed).toBe(1);
    expect(await listFiles(out)).not.toContain("ts/stale.ts");
  });

  it("into an existing folder writes only what differs: a removed folder, an edited file, an empty output folder", async () => {
    const { mkdir, rm } = await import("node:fs/promises");
    const before = new Map<string, string>();
    for (const path of await listFiles(out)) before.set(path, await readFile(join(out, path), "utf8"));
    const folder = "ts/proto/shop/user/v1";
    const inFolder = [...before.keys()].filter((p) => p.startsWith(`${folder}/`));
    expect(inFolder.length).toBeGreaterThan(0);
    await rm(join(out, folder), { recursive: true });
    const edited = "schema/shop.order.v1.Order.schema.json";
    await writeFile(join(out, edited), "{}\n");

    const check = await generate({ cwd: ROOT, out, check: true });
    expect(check.outdated).toEqual([...inFolder, edited].sort());
    const result = await generate({ cwd: ROOT, out });
    expect(result.written).toBe(inFolder.length + 1);
    expect(result.unchanged).toBe(before.size - 1 - inFolder.length - 1); // not the marker nor those
    for (const [path, content] of before) expect(await readFile(join(out, path), "utf8"), path).toBe(content);

    // An output folder that exists but is empty (created by a CI step, say) gets every file.
    const empty = join(dir, "empty");
    await mkdir(empty);
    const into = await generate({ cwd: ROOT, out: empty });
    expect(into.written).toBe(before.size - 1);
    for (const [path, content] of before)
      expect(await readFile(join(empty, path), "utf8"), path).toBe(content);
  });
});

/** A one-file proto workspace with a commented message and a service, for the tests below. */
const SMALL_PROTO = {
  "buf.yaml": BUF_YAML,
  "proto/small/v1/small.proto": `syntax = "proto3";
package small.v1;

// A thing.
message Thing {
  // Its name.
  string name = 1;
}

service ThingService {
  rpc GetThing(GetThingRequest) returns (GetThingResponse);
}

message GetThingRequest {}
message GetThingResponse {
  Thing thing = 1;
}
`,
};

describe("generate: schema/ per target, output errors", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await scratchDir("generate-schema");
    await writeTree(dir, SMALL_PROTO);
  });
  afterAll(() => removeDir(dir));

  const schemaFiles = async (out: string) =>
    (await listFiles(out).catch(() => [])).filter((p) => p.startsWith("schema/"));

  it.each([
    ["php", undefined, false],
    ["php", true, true],
    ["ts", undefined, true],
    ["ts", false, false],
  ] as const)("target %s with wireSchemas %s writes schema/: %s", async (target, wireSchemas, want) => {
    const out = join(dir, `gen-${target}-${String(wireSchemas)}`);
    const result = await generate({
      cwd: dir,
      out,
      targets: [target],
      ...(wireSchemas !== undefined ? { wireSchemas } : {}),
    });
    const schemas = await schemaFiles(out);
    expect(schemas.length > 0).toBe(want);
    expect(result.files.some((f) => f.path.startsWith("schema/"))).toBe(want);
    if (want) expect(schemas).toContain("schema/small.v1.Thing.schema.json");
  });

  it("a php-only run removes the schema/ an earlier run wrote, and --check reports it first", async () => {
    const out = join(dir, "gen-switch");
    await generate({ cwd: dir, out, targets: ["php"], wireSchemas: true });
    const check = await generate({ cwd: dir, out, targets: ["php"], check: true });
    expect(check.outdated).toContain("schema/small.v1.Thing.schema.json");
    const result = await generate({ cwd: dir, out, targets: ["php"] });
    expect(result.removed).toBeGreaterThan(0);
    expect(result.written).toBe(0);
    expect(await schemaFiles(out)).toEqual([]);
  });

  it("the CLI's --wire-schemas writes schema/ for --target php", async () => {
    const out = join(dir, "gen-cli");
    let stdout = "";
    const code = await main(["generate", "--target", "php", "--wire-schemas", "--out", out], {
      cwd: dir,
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: () => true },
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^generated \d+ files/);
    expect(await schemaFiles(out)).toContain("schema/small.v1.Thing.schema.json");
  });

  it("a file where the output folder should be is a config error naming it", async () => {
    const out = join(dir, "not-a-folder");
    await writeFile(out, "a file\n");
    const error = await generate({ cwd: dir, out, targets: ["php"] }).catch((e: unknown) => e);
    expect(isContractError(error)).toBe(true);
    expect((error as Error).message).toMatch(/cannot write the output folder .*not-a-folder/);
  });
});

describe("output writer: one thread, a second when the first falls behind", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await scratchDir("output-writers");
  });
  afterAll(() => removeDir(dir));

  /** 1,500 files in 60 folders, handed over in batches of 64 as the PHP emitter does. */
  const files = Array.from({ length: 1500 }, (_, i) => ({
    path: `f${i % 60}/file${i}.php`,
    content: `<?php\n// ${i} ${"é".repeat(i % 50)}\n`,
  }));
  const writeAll = async (out: string, check: boolean, tuning: Parameters<typeof openOutput>[2]) => {
    const output = openOutput(out, check, tuning);
    for (let i = 0; i < files.length; i += 64) {
      output.write(files.slice(i, i + 64));
      // Time for the threads to start and write, so that the backlog test sees batches come back.
      await new Promise((r) => setTimeout(r, i === 0 ? 300 : 2));
    }
    return output.finish();
  };

  it.each([
    ["one writer", { maxWriters: 1 }, 1],
    ["a second writer started at once", { maxWriters: 2, backlogGrowth: -1 }, 2],
  ] as const)(
    "%s writes every file exactly; a second run finds them unchanged",
    async (name, tuning, threads) => {
      const out = join(dir, name.replaceAll(" ", "-"));
      const result = await writeAll(out, false, tuning);
      expect(result).toMatchObject({ written: files.length, unchanged: 0, removed: 0 });
      // A machine with one core gets one writer whatever the tuning.
      expect(result.threads).toBe(Math.min(threads, availableParallelism()));
      for (const f of files.filter((_, i) => i % 97 === 0)) {
        expect(await readFile(join(out, f.path), "utf8")).toBe(f.content);
      }
      expect((await listFiles(out)).length).toBe(files.length + 1); // and the marker
      const again = await writeAll(out, true, tuning);
      expect(again).toMatchObject({ written: 0, unchanged: files.length, outdated: [] });
    },
  );
});

describe("generate: a workspace of several buf modules", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await scratchDir("generate-modules");
    await writeTree(dir, {
      "buf.yaml": "version: v2\nmodules:\n  - path: proto\n  - path: vendor/proto\n",
      "proto/shop/v1/cart.proto":
        'syntax = "proto3";\npackage shop.v1;\nimport "units/v1/money.proto";\n// A cart.\nmessage Cart {\n  units.v1.Money total = 1;\n}\n',
      "vendor/proto/units/v1/money.proto":
        'syntax = "proto3";\npackage units.v1;\n// An amount.\nmessage Money {\n  int64 cents = 1;\n}\n',
    });
  });
  afterAll(() => removeDir(dir));

  it("names each file by the module folder that holds it", async () => {
    const out = join(dir, "gen");
    const result = await generate({ cwd: dir, out, targets: ["php"] });
    const preamble = (suffix: string): string =>
      result.files.find((f) => f.path.endsWith(suffix))?.content.split("\n")[3] ?? "";
    expect(preamble("/Shop/V1/Cart.php")).toContain("from proto/shop/v1/cart.proto.");
    expect(preamble("/Units/V1/Money.php")).toContain("from vendor/proto/units/v1/money.proto.");
  });
});

describe("proto image decoding: source code info without fromBinary", () => {
  /** A SourceCodeInfo.Location: `path` packed or as single values, then span and leading comment. */
  const location = (
    w: BinaryWriter,
    path: readonly number[],
    packed: boolean,
    span: readonly number[],
    comment?: string,
  ): void => {
    w.tag(1, WireType.LengthDelimited).fork();
    if (packed) {
      w.tag(1, WireType.LengthDelimited).fork();
      for (const n of path) w.int32(n);
      w.join();
    } else {
      for (const n of path) w.tag(1, WireType.Varint).int32(n);
    }
    w.tag(2, WireType.LengthDelimited).fork();
    for (const n of span) w.int32(n);
    w.join();
    if (comment !== undefined) w.tag(3, WireType.LengthDelimited).string(comment);
    w.join();
  };

  it("keeps declarations (even paths), first location wins, packed and unpacked paths alike", () => {
    const w = new BinaryWriter();
    location(w, [4, 0], true, [2, 0, 5, 1], " A thing.\n More.\n");
    location(w, [4, 0, 1], true, [2, 8, 13], " not a declaration");
    location(w, [4, 0], true, [9, 9, 9], " a later location of the same path");
    location(w, [4, 0, 2, 1], false, [3, 2, 20], " Its name.\n");
    const info = new SourceInfo("proto/a.proto", [w.finish()]);
    expect(info.doc([4, 0])).toBe("A thing.\nMore.");
    expect(info.location([4, 0])).toEqual({ file: "proto/a.proto", line: 3, column: 1 });
    expect(info.doc([4, 0, 2, 1])).toBe("Its name.");
    expect(info.location([4, 0, 2, 1])).toEqual({ file: "proto/a.proto", line: 4, column: 3 });
    expect(info.doc([4, 0, 1])).toBe("");
    expect(info.location([5, 0])).toEqual({ file: "proto/a.proto" });
  });

  it("reads what protobuf-es reads, whatever the values and however the locations are laid out", () => {
    // Seeded random SourceCodeInfo: multi-byte path values and spans, trailing and detached comments,
    // repeated paths, unpacked paths and fields SourceInfo does not know, which take its slow path.
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = (): number => (next(4) === 0 ? 128 + next(40_000) : next(12));
    for (let round = 0; round < 20; round++) {
      const w = new BinaryWriter();
      const paths: number[][] = [];
      const count = 30 + next(60);
      for (let i = 0; i < count; i++) {
        const path =
          next(5) === 0 && paths.length > 0
            ? [...(paths[next(paths.length)] ?? [])]
            : Array.from({ length: 1 + next(6) }, pick);
        paths.push(path);
        const unpacked = round % 4 === 3 && next(10) === 0;
        w.tag(1, WireType.LengthDelimited).fork();
        if (unpacked) for (const n of path) w.tag(1, WireType.Varint).int32(n);
        else {
          w.tag(1, WireType.LengthDelimited).fork();
          for (const n of path) w.int32(n);
          w.join();
        }
        w.tag(2, WireType.LengthDelimited).fork();
        for (let k = 0; k < 3 + next(2); k++) w.int32(pick() * 7);
        w.join();
        if (next(2) === 0) w.tag(3, WireType.LengthDelimited).string(` doc ${i} ✓\n line two\n`);
        if (next(3) === 0) w.tag(4, WireType.LengthDelimited).string(" trailing");
        if (next(3) === 0) w.tag(6, WireType.LengthDelimited).string(" detached");
        if (round % 5 === 4 && next(8) === 0) w.tag(99, WireType.Varint).uint64(2n ** 40n);
        w.join();
        if (round % 7 === 6 && next(10) === 0) w.tag(15, WireType.Bit32).fixed32(1);
      }
      const bytes = w.finish();
      const info = new SourceInfo("p.proto", [bytes]);
      const seen = new Set<string>();
      for (const loc of fromBinary(SourceCodeInfoSchema, bytes).location) {
        const key = loc.path.join(".");
        if (loc.path.length % 2 !== 0 || seen.has(key)) continue;
        seen.add(key);
        const [line, column] = loc.span;
        expect(info.location(loc.path)).toEqual({
          file: "p.proto",
          ...(line !== undefined ? { line: line + 1 } : {}),
          ...(column !== undefined ? { column: column + 1 } : {}),
        });
        const doc = (loc.leadingComments ?? "")
          .split("\n")
          .map((l) => (l.startsWith(" ") ? l.slice(1) : l))
          .join("\n")
          .trim();
        expect(info.doc(loc.path)).toBe(doc);
      }
      for (const path of paths)
        if (path.length % 2 !== 0 && !seen.has(path.join("."))) {
          expect(info.location(path)).toEqual({ file: "p.proto" });
        }
    }
  });

  it("splits source_code_info off each file and leaves the rest byte for byte", () => {
    const withInfo = create(FileDescriptorProtoSchema, {
      name: "a/v1/a.proto",
      package: "a.v1",
      messageType: [{ name: "M", field: [{ name: "x", number: 1, jsonName: "x" }] }],
      sourceCodeInfo: {
        location: [{ path: [4, 0], span: [1, 0, 9], leadingComments: " M\n" }],
      },
    });
    const bare = clone(FileDescriptorProtoSchema, withInfo);
    bare.sourceCodeInfo = undefined;
    const other = create(FileDescriptorProtoSchema, { name: "b.proto" });
    const image = toBinary(
      FileDescriptorSetSchema,
      create(FileDescriptorSetSchema, { file: [withInfo, other] }),
    );
    const split = splitSourceInfo(image);
    expect(split.files.map((f) => Buffer.from(f).toString("hex"))).toEqual([
      Buffer.from(toBinary(FileDescriptorProtoSchema, bare)).toString("hex"),
      Buffer.from(toBinary(FileDescriptorProtoSchema, other)).toString("hex"),
    ]);
    expect(split.sourceInfo[1]).toEqual([]);
    const [payload] = split.sourceInfo[0] ?? [];
    expect(payload).toBeDefined();
    expect(
      equals(
        SourceCodeInfoSchema,
        fromBinary(SourceCodeInfoSchema, payload as Uint8Array),
        withInfo.sourceCodeInfo as SourceCodeInfo,
      ),
    ).toBe(true);
    expect(new SourceInfo("a.proto", split.sourceInfo[0] ?? []).doc([4, 0])).toBe("M");
  });
});

describe("the built binary", () => {
  it("runs as a command itself (shebang and executable bit), as npx and package managers run it", () => {
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
    expect(execFileSync(CLI, ["--version"], { encoding: "utf8" }).trim()).toBe(version);
  });
});

describe("buf's environment", () => {
  const GiB = 2 ** 30;

  it("turns off Go's proportional collector under a memory limit scaled to the machine", () => {
    expect(bufEnv({ PATH: "/bin" }, 24 * GiB)).toEqual({ PATH: "/bin", GOGC: "off", GOMEMLIMIT: "4096MiB" });
    expect(bufEnv({}, 8 * GiB)).toMatchObject({ GOMEMLIMIT: "2048MiB" });
    expect(bufEnv({}, 1 * GiB)).toMatchObject({ GOMEMLIMIT: "512MiB" });
  });

  it("keeps what the user set", () => {
    expect(bufEnv({ GOGC: "50" }, 24 * GiB)).toEqual({ GOGC: "50" });
    expect(bufEnv({ GOMEMLIMIT: "300MiB" }, 24 * GiB)).toEqual({ GOMEMLIMIT: "300MiB" });
  });
});
