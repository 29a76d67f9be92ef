/**
 * What the published package holds and promises: the files the docs reference, no install-time script,
 * and generated TypeScript that imports nothing but contractgen (so an app that depends on contractgen
 * alone resolves it under pnpm's strict layout; test/adoption.test.ts proves it with real installs).
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import { wktPublicImportPaths } from "@bufbuild/protobuf/codegenv2";
import { describe, expect, it } from "vitest";
import { RUNTIME_REWRITES } from "../codegen/ts/proto.js";
import { ROOT, run } from "./helpers.js";

const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
};

/** The files `npm pack` puts in the tarball (no build needed: a dry run lists what is there). */
async function packedFiles(): Promise<Set<string>> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("npm_")));
  const result = await run("npm", ["pack", "--dry-run", "--ignore-scripts", "--json"], { cwd: ROOT, env });
  expect(result.code, result.stderr).toBe(0);
  const [entry] = JSON.parse(result.stdout) as { files: { path: string }[] }[];
  return new Set((entry?.files ?? []).map((f) => f.path));
}

/** Whether a bare specifier is one of the package's `exports` (subpath patterns included). */
function exported(specifier: string): boolean {
  const sub = `.${specifier.slice("contractgen".length)}`;
  return Object.keys(pkg.exports).some((key) =>
    key.includes("*") ? sub.startsWith(key.slice(0, key.indexOf("*"))) : key === sub,
  );
}

describe("the published package", () => {
  it("runs no lifecycle script at install time", () => {
    for (const script of ["preinstall", "install", "postinstall", "prepare", "prepublish"]) {
      expect(pkg.scripts[script], script).toBeUndefined();
    }
  });

  it("holds the licence, and every file README.md and docs/ link to", async () => {
    const files = await packedFiles();
    expect(files.has("LICENSE")).toBe(true);
    expect(files.has("dist/runtime/reexport/protobuf.js")).toBe(true);
    expect(files.has("php-gen/runtime/Timestamp.php")).toBe(true);
    const docs = ["README.md", ...(await readdir(join(ROOT, "docs"))).map((f) => `docs/${f}`)];
    const dead: string[] = [];
    for (const doc of docs.filter((d) => d.endsWith(".md"))) {
      const text = await readFile(join(ROOT, doc), "utf8");
      for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!link || /^[a-z]+:|^#/.test(link)) continue;
        const target = normalize(join(dirname(doc), link.split("#")[0] ?? "")).replace(/\/$/, "");
        const packed = files.has(target) || [...files].some((f) => f.startsWith(`${target}/`));
        if (!packed) dead.push(`${doc}: ${link}`);
      }
    }
    expect(dead).toEqual([]);
  });

  it("maps every protobuf-es runtime import of generated code to a facade it exports", () => {
    const rewrites = new Map(RUNTIME_REWRITES);
    const needed = new Set([
      "@bufbuild/protobuf",
      "@bufbuild/protobuf/codegenv2",
      ...Object.values(wktPublicImportPaths),
    ]);
    for (const from of needed) {
      const to = rewrites.get(from);
      expect(to, from).toBeDefined();
      expect(exported(to ?? ""), `${to} is not in package.json exports`).toBe(true);
      // The facade's source exists where the export points (built to dist/runtime/reexport/).
      const sub = (to ?? "").slice("contractgen/".length);
      const source = sub.startsWith("protobuf/wkt/google/protobuf/")
        ? `runtime/reexport/wkt/${sub.slice("protobuf/wkt/google/protobuf/".length).replace(/\.js$/, ".ts")}`
        : `runtime/reexport/${{ protobuf: "protobuf", "protobuf/codegenv2": "codegenv2", "protobuf/wkt": "wkt" }[sub] ?? sub}.ts`;
      expect(existsSync(join(ROOT, source)), source).toBe(true);
    }
  });

  it("generated TypeScript imports only relative modules and contractgen's exports", async () => {
    const golden = join(ROOT, "test", "golden", "ts");
    const bare = new Set<string>();
    for (const entry of await readdir(golden, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
      const text = await readFile(join(entry.parentPath, entry.name), "utf8");
      for (const [, spec] of text.matchAll(/^import [^;]*? from "([^"]+)";/gm)) {
        if (spec && !spec.startsWith(".")) bare.add(spec);
      }
    }
    expect([...bare].filter((s) => !s.startsWith("contractgen/") || !exported(s))).toEqual([]);
    expect(bare.size).toBeGreaterThan(3);
  });

  it("declares at run time what the facades re-export", () => {
    for (const dep of [
      "@bufbuild/protobuf",
      "@connectrpc/connect",
      "@connectrpc/connect-node",
      "ajv",
      "ajv-formats",
    ]) {
      expect(pkg.dependencies[dep], dep).toBeDefined();
    }
  });
});
