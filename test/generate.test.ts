import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../codegen/generate.js";
import { ROOT, removeDir, scratchDir, typecheck } from "./helpers.js";

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
      expect(files).toContain(`ts/jsonschema/shop/${pkg}/v1/validators.js`);
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
});
