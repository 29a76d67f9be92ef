/** The rule catalogue, its documentation, the config section and the report formats agree. */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { globToRegExp } from "../codegen/breaking/glob.js";
import { applyIgnores } from "../codegen/breaking/ignore.js";
import { formatReport } from "../codegen/breaking/index.js";
import type { BreakingFinding, BreakingReport } from "../codegen/breaking/model.js";
import { escapeXml } from "../codegen/breaking/report.js";
import { JSON_SCHEMA_RULES } from "../codegen/breaking/rules.js";
import { resolveConfig } from "../codegen/config.js";
import { isContractError } from "../codegen/errors.js";
import type { SchemaDocument } from "../codegen/load/jsonschema.js";
import { ROOT } from "./helpers.js";

describe("docs/breaking-rules.md", () => {
  test("lists every rule with its severity", async () => {
    const doc = await readFile(join(ROOT, "docs", "breaking-rules.md"), "utf8");
    for (const [id, info] of Object.entries(JSON_SCHEMA_RULES)) {
      expect(doc).toMatch(new RegExp(`\\| \`${id}\` \\| ${info.severity} \\|`));
    }
  });
  test("the workflow runs lint, generate --check and breaking against the base branch", async () => {
    const yml = await readFile(join(ROOT, ".github", "workflows", "contracts.yml"), "utf8");
    expect(yml).toContain("fetch-depth: 0");
    expect(yml).toContain("node-version: 24");
    expect(yml).toContain("npx contractgen lint");
    expect(yml).toContain("npx contractgen generate --check");
    // The GitHub expression is text here, not a template placeholder.
    const base = ["$", "{{ github.base_ref }}"].join("");
    expect(yml).toContain(`npx contractgen breaking --against origin/${base} --format github`);
  });
});

describe("the breaking section of the config", () => {
  const cases: [string, unknown, string][] = [
    ["not an object", { breaking: [] }, "#/breaking: expected an object"],
    ["unknown key", { breaking: { ignores: [] } }, '#/breaking/ignores: unknown key "ignores"'],
    [
      "bad direction",
      { breaking: { direction: "up" } },
      '#/breaking/direction: expected "request", "response" or "both", found "up"',
    ],
    [
      "bad directions entry",
      { breaking: { directions: { "a.*": 1 } } },
      "#/breaking/directions/a.*: expected",
    ],
    ["ignore not an array", { breaking: { ignore: {} } }, "#/breaking/ignore: expected an array"],
    [
      "empty ignore",
      { breaking: { ignore: [{}] } },
      "#/breaking/ignore/0: an ignore needs a rule, a path or both",
    ],
    [
      "bad rule id",
      { breaking: { ignore: [{ rule: "lower" }] } },
      '#/breaking/ignore/0/rule: expected a rule id such as "PROPERTY_ADDED"',
    ],
    [
      "bad path",
      { breaking: { ignore: [{ path: 3 }] } },
      "#/breaking/ignore/0/path: expected a non-empty path glob",
    ],
    [
      "unknown ignore key",
      { breaking: { ignore: [{ rules: "X" }] } },
      '#/breaking/ignore/0/rules: unknown key "rules"',
    ],
  ];
  test.each(cases)("%s", async (_name, config, message) => {
    const dir = await mkdtemp(join(tmpdir(), "contractgen-breaking-config-"));
    try {
      await writeFile(join(dir, "contractgen.config.json"), JSON.stringify(config));
      let error: unknown;
      try {
        resolveConfig(dir);
      } catch (e) {
        error = e;
      }
      expect(isContractError(error)).toBe(true);
      expect((error as Error).message).toContain(message);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  test("a valid section is kept, and the other keys still work", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contractgen-breaking-config-"));
    try {
      const breaking = {
        direction: "response",
        directions: { "a.**": "request" },
        ignore: [{ rule: ["A_B"], path: "x/**" }],
      };
      await writeFile(join(dir, "contractgen.config.json"), JSON.stringify({ out: "o", breaking }));
      const config = resolveConfig(dir);
      expect(config.breaking).toEqual(breaking);
      expect(config.out).toBe(join(dir, "o"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("globs", () => {
  test.each([
    ["contracts/**", "/", "contracts/a/b.json", true],
    ["contracts/*.json", "/", "contracts/a/b.json", false],
    ["contracts/**/b.json", "/", "contracts/b.json", true],
    ["shop.events.v1.*", ".", "shop.events.v1.OrderCreated", true],
    ["shop.events.v1.*", ".", "shop.events.v1.OrderCreated.Line", false],
    ["shop.**", ".", "shop.events.v1.OrderCreated", true],
    ["a+b?", "/", "a+bc", true],
  ] as const)("%s (%s) matches %s: %s", (glob, sep, value, want) => {
    expect(globToRegExp(glob, sep).test(value)).toBe(want);
  });
});

describe("report formats", () => {
  const report: BreakingReport = {
    against: "main",
    breaking: true,
    findings: [
      {
        kind: "jsonschema",
        rule: "ENUM_VALUE_REMOVED",
        severity: "error",
        direction: "request",
        message: 'a: enum value "x,y:z" <removed> & 100%\nnext line',
        file: "c/a,b.schema.json",
        line: 3,
        pointer: "/enum",
      },
    ],
    ignored: [],
  };
  test("github escapes data and properties", () => {
    expect(formatReport(report, "github")).toContain(
      '::error file=c/a%2Cb.schema.json,line=3,title=ENUM_VALUE_REMOVED::a: enum value "x,y:z" <removed> & 100%25%0Anext line (at #/enum) [request]',
    );
  });
  test("junit escapes XML", () => {
    const xml = formatReport(report, "junit");
    expect(xml).toContain("&quot;x,y:z&quot; &lt;removed&gt; &amp; 100%");
    expect(xml).not.toContain("<removed>");
    expect(escapeXml("a\u0000b")).toBe("a\uFFFDb");
  });
  test("text names the rule, direction and location", () => {
    expect(formatReport(report, "text")).toContain(
      "c/a,b.schema.json:3#/enum: error ENUM_VALUE_REMOVED [jsonschema, request]: ",
    );
  });
});

describe("ignores", () => {
  const finding = (rule: string, file: string, pointer?: string): BreakingFinding => ({
    kind: "jsonschema",
    rule,
    severity: "error",
    direction: "request",
    message: rule,
    file,
    ...(pointer !== undefined ? { pointer } : {}),
  });
  const doc: SchemaDocument = {
    path: "c/a.schema.json",
    uri: "file:///c/a.schema.json",
    package: "c",
    kind: "schema",
    json: { properties: { x: { "x-contractgen-breaking-ignore": ["TYPE_CHANGED"], type: "string" } } },
  };
  test.each([
    [
      "schema keyword on the node",
      finding("TYPE_CHANGED", "c/a.schema.json", "/properties/x/type"),
      "c/a.schema.json#/properties/x/x-contractgen-breaking-ignore",
    ],
    [
      "schema keyword, other rule",
      finding("MINIMUM_TIGHTENED", "c/a.schema.json", "/properties/x"),
      undefined,
    ],
    ["schema keyword, other node", finding("TYPE_CHANGED", "c/a.schema.json", "/properties/y"), undefined],
    [
      "config rule + path glob",
      finding("FIELD_SAME_NAME", "proto/a/v1/a.proto"),
      "cfg.json#/breaking/ignore/0",
    ],
    ["config rule, path not matching", finding("FIELD_SAME_NAME", "other/a.proto"), undefined],
    [
      "config path with pointer prefix",
      finding("ENUM_VALUE_ADDED", "c/b.schema.json", "/$defs/E/enum"),
      "cfg.json#/breaking/ignore/1",
    ],
    [
      "config path with pointer prefix, outside",
      finding("ENUM_VALUE_ADDED", "c/b.schema.json", "/properties"),
      undefined,
    ],
  ] as const)("%s", (_name, f, ignoredBy) => {
    const { kept, ignored } = applyIgnores(
      [f],
      {
        ignore: [
          { rule: "FIELD_SAME_NAME", path: "proto/**" },
          { path: "c/*.schema.json#/$defs/E", reason: "internal enum" },
        ],
      },
      "cfg.json",
      [doc],
    );
    expect(ignored.map((i) => i.ignoredBy)).toEqual(ignoredBy ? [ignoredBy] : []);
    expect(kept.length + ignored.length).toBe(1);
  });
});
