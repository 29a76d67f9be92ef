/**
 * JSON Schema as teams write it (issue #17): drafts read by `$schema`, any definition key or title as a
 * type name, relative and mapped remote references, annotations and vendor keywords, refusals with file
 * and pointer, and the bugs real schemas hit. In-memory through the loader, a few through `generate`.
 */
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { ContractError } from "../codegen/errors.js";
import { generateFiles } from "../codegen/generate.js";
import { draftOfUri, toDraft2020 } from "../codegen/load/drafts.js";
import { loadContracts } from "../codegen/load/index.js";
import {
  type JsonSchemaOptions,
  type LoweredJsonSchema,
  lowerJsonSchemaDocuments,
  typeNameOf,
} from "../codegen/load/jsonschema.js";
import { wireId } from "../codegen/wire/ids.js";
import { wireSchemas } from "../codegen/wire/index.js";
import { createWireAjv } from "../runtime/wire-ajv.js";
import { generateInline, removeDir, run, scratchDir, writeTree } from "./helpers.js";

function lower(files: Record<string, unknown>, options: Partial<JsonSchemaOptions> = {}): LoweredJsonSchema {
  return lowerJsonSchemaDocuments(
    Object.entries(files).map(([name, json]) => ({
      path: `contracts/a/v1/${name}`,
      uri: `file:///p/contracts/a/v1/${name}`,
      package: "a.v1",
      json,
      kind: "schema" as const,
    })),
    options,
  );
}

function errorOf(fn: () => unknown): ContractError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ContractError) return e;
    throw e;
  }
  throw new Error("expected a ContractError");
}

/** Validates `data` against the root of a one-file contract set, as the generated validators do. */
function validatorOf(json: unknown, options: Partial<JsonSchemaOptions> = {}): (data: unknown) => boolean {
  const lowered = lower({ "x.schema.json": json }, options);
  const model = { jsonSchema: lowered, model: { files: [], decls: new Map(), services: new Map() } };
  const wire = wireSchemas(model as never);
  const root = lowered.refTarget(lowered.documents[0] as never, "#").decl as string;
  return createWireAjv(wire.values()).getSchema(wireId(root)) as (data: unknown) => boolean;
}

describe("drafts are read by $schema", () => {
  it.each([
    ["http://json-schema.org/draft-04/schema#", "draft-04"],
    ["http://json-schema.org/draft-06/schema", "draft-06"],
    ["https://json-schema.org/draft-07/schema#", "draft-07"],
    ["https://json-schema.org/draft/2019-09/schema", "2019-09"],
    ["https://json-schema.org/draft/2020-12/schema", "2020-12"],
    ["http://json-schema.org/draft-03/schema#", undefined],
  ])("%s → %s", (uri, draft) => {
    expect(draftOfUri(uri)).toBe(draft);
  });

  it("draft-04: id, boolean exclusiveMinimum, tuple items, dependencies", () => {
    const out = toDraft2020(
      {
        id: "http://example.com/x.json#",
        type: "object",
        properties: {
          n: { type: "number", minimum: 5, exclusiveMinimum: true },
          t: { type: "array", items: [{ type: "string" }], additionalItems: false },
        },
        dependencies: { a: ["b"], c: { required: ["d"] } },
      },
      "draft-04",
      "x",
      [],
    );
    expect(out).toMatchObject({
      $id: "http://example.com/x.json",
      properties: {
        n: { type: "number", exclusiveMinimum: 5 },
        t: { prefixItems: [{ type: "string" }], items: false },
      },
      dependentRequired: { a: ["b"] },
      dependentSchemas: { c: { required: ["d"] } },
    });
  });

  it("draft-04 and draft-07: $ref overrides its siblings; 2020-12 keeps them", () => {
    const schema = (draft: string) => ({
      $schema: draft,
      type: "object",
      properties: { a: { $ref: "#/definitions/S", maxLength: 2 } },
      definitions: { S: { type: "string" } },
    });
    expect(validatorOf(schema("http://json-schema.org/draft-07/schema#"))({ a: "long" })).toBe(true);
    expect(validatorOf(schema("https://json-schema.org/draft/2020-12/schema"))({ a: "long" })).toBe(false);
  });

  it("a schema without $schema uses the configured default draft", () => {
    const schema = { type: "array", items: [{ type: "integer" }] };
    expect(validatorOf(schema, { defaultDraft: "draft-07" })(["x"])).toBe(false);
    expect(validatorOf(schema, { defaultDraft: "draft-07" })([1, "x"])).toBe(true);
    // In 2020-12 an array-valued items is invalid: ajv refuses the schema.
    expect(() => validatorOf(schema, { defaultDraft: "2020-12" })).toThrow();
  });

  it("draft-06/07 $id fragments are anchors", () => {
    const v = validatorOf({
      $schema: "http://json-schema.org/draft-07/schema#",
      properties: { a: { $ref: "#pos" } },
      definitions: { P: { $id: "#pos", type: "integer", minimum: 0 } },
    });
    expect(v({ a: 1 })).toBe(true);
    expect(v({ a: -1 })).toBe(false);
  });

  it("keywords of a later draft are ignored in an earlier one, with a warning", () => {
    const lowered = lower({
      "x.schema.json": {
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "array",
        prefixItems: [{}],
      },
    });
    expect(lowered.warnings.map((w) => w.message).join("\n")).toContain(
      '"prefixItems" is not a keyword of draft-07',
    );
  });

  it("an unknown $schema is refused with file and pointer", () => {
    const e = errorOf(() =>
      lower({ "x.schema.json": { $schema: "http://json-schema.org/draft-03/schema#" } }),
    );
    expect(e.diagnostics[0]?.location).toEqual({ file: "contracts/a/v1/x.schema.json", pointer: "/$schema" });
    expect(e.message).toContain("draft-03 and earlier are not supported");
  });
});

describe("names", () => {
  it.each([
    ["order-line", "OrderLine"],
    ["io.k8s.api.core.v1.Pod", "IoK8sApiCoreV1Pod"],
    ["2dPoint", "T2dPoint"],
    ["snake_case_name", "SnakeCaseName"],
    ["日本", "Type"],
  ])("%s → %s", (raw, name) => {
    expect(typeNameOf(raw)).toBe(name);
  });

  it("definitions keys that are not PascalCase become types; a collision is renamed with a warning", () => {
    const lowered = lower({
      "x.schema.json": {
        $schema: "http://json-schema.org/draft-07/schema#",
        title: "X",
        type: "object",
        properties: { a: { $ref: "#/definitions/foo-bar" }, b: { $ref: "#/definitions/foo_bar" } },
        definitions: {
          "foo-bar": { type: "object", properties: { x: { type: "string" } } },
          foo_bar: { type: "object", properties: { y: { type: "string" } } },
        },
      },
    });
    expect([...lowered.sources.keys()].sort()).toEqual(["a.v1.FooBar", "a.v1.FooBar2", "a.v1.X"]);
    expect(
      lowered.warnings.some((w) => w.code === "name_conflict" && w.message.includes("named FooBar2")),
    ).toBe(true);
  });

  it("a synthesized name that clashes with a definition is renamed, not refused", () => {
    const lowered = lower({
      "x.schema.json": {
        title: "X",
        type: "object",
        properties: { item: { type: "object", properties: { a: { type: "string" } } } },
        $defs: { XItem: { type: "string", enum: ["a"] } },
      },
    });
    expect(lowered.decls.map((d) => d.fullName)).toContain("a.v1.XItem2");
  });

  it("each definition is one type however often it is used (draft-07 definitions)", () => {
    const lowered = lower({
      "x.schema.json": {
        $schema: "http://json-schema.org/draft-07/schema#",
        title: "X",
        type: "object",
        properties: Object.fromEntries(
          Array.from({ length: 20 }, (_, i) => [`p${i}`, { $ref: "#/definitions/shared" }]),
        ),
        definitions: { shared: { type: "object", properties: { v: { type: "integer" } } } },
      },
    });
    expect(lowered.decls.filter((d) => d.kind === "message").map((d) => d.fullName)).toEqual([
      "a.v1.Shared",
      "a.v1.X",
    ]);
  });

  it("a root that is a bare $ref names its target: no second type", () => {
    const lowered = lower({
      "x.schema.json": {
        $schema: "http://json-schema.org/draft-07/schema#",
        $ref: "#/definitions/Config",
        definitions: { Config: { type: "object", properties: { a: { type: "string" } } } },
      },
    });
    expect([...lowered.sources.keys()]).toEqual(["a.v1.Config"]);
    expect(lowered.refTarget(lowered.documents[0] as never, "#").decl).toBe("a.v1.Config");
  });
});

describe("references", () => {
  it("relative refs reach any .json file under the root; remote URLs through remoteRefs; no mapping is an error naming the URL", async () => {
    const dir = await scratchDir("refs");
    try {
      await writeTree(dir, {
        "contracts/jsonschema/a/v1/x.schema.json": JSON.stringify({
          title: "X",
          type: "object",
          properties: {
            c: { $ref: "../../common/defs.json#/$defs/Code" },
            r: { $ref: "https://schemas.example.com/geo/point.json" },
          },
        }),
        "contracts/jsonschema/common/defs.json": JSON.stringify({
          $defs: { Code: { type: "string", pattern: "^[A-Z]+$" } },
        }),
        "vendor/example/geo/point.json": JSON.stringify({
          $schema: "http://json-schema.org/draft-04/schema#",
          type: "object",
          properties: { lat: { type: "number", minimum: -90, maximum: 90 } },
        }),
        "contractgen.config.json": JSON.stringify({
          jsonSchema: "contracts/jsonschema",
          proto: false,
          jsonSchemaOptions: { remoteRefs: { "https://schemas.example.com/": "vendor/example/" } },
        }),
      });
      const loaded = await loadContracts(resolveConfig(dir));
      const v = createWireAjv(wireSchemas(loaded).values()).getSchema(wireId("a.v1.X")) as (
        d: unknown,
      ) => boolean;
      expect(v({ c: "AB", r: { lat: 10 } })).toBe(true);
      expect(v({ c: "ab" })).toBe(false);
      expect(v({ r: { lat: 100 } })).toBe(false);

      await writeTree(dir, {
        "contractgen.config.json": JSON.stringify({ jsonSchema: "contracts/jsonschema", proto: false }),
      });
      const e = await loadContracts(resolveConfig(dir)).catch((x: unknown) => x as ContractError);
      expect(String((e as Error).message)).toContain("https://schemas.example.com/geo/point.json");
      expect(String((e as Error).message)).toContain("jsonSchemaOptions.remoteRefs");
      expect(String((e as Error).message)).toContain(
        "contracts/jsonschema/a/v1/x.schema.json#/properties/r/$ref",
      );
    } finally {
      await removeDir(dir);
    }
  });

  it("a recursive definition reached through properties lowers (no stack overflow)", () => {
    const lowered = lower({
      "x.schema.json": {
        $schema: "http://json-schema.org/draft-07/schema#",
        title: "X",
        type: "object",
        properties: { tree: { $ref: "#/definitions/tree" }, list: { $ref: "#/definitions/list" } },
        definitions: {
          tree: {
            type: "object",
            properties: { kids: { type: "array", items: { $ref: "#/definitions/tree" } } },
          },
          list: { type: "array", items: { $ref: "#/definitions/list" } },
        },
      },
    });
    expect(lowered.decls.map((d) => d.fullName)).toContain("a.v1.Tree");
  });
});

describe("annotations and unsupported keywords", () => {
  const annotated = {
    title: "X",
    type: "object",
    "x-internal": true,
    properties: { a: { type: "string", markdownDescription: "**a**", format: "my-format", "x-order": 1 } },
  };

  it("vendor and annotation keywords and unknown formats are kept as annotations", () => {
    const v = validatorOf(annotated);
    expect(v({ a: "anything" })).toBe(true);
    expect(v({ a: 1 })).toBe(false);
    const wire = wireSchemas({
      jsonSchema: lower({ "x.schema.json": annotated }),
      model: { files: [], decls: new Map(), services: new Map() },
    } as never);
    expect(JSON.stringify(wire.get("a.v1.X"))).toContain("markdownDescription");
  });

  it("unknownKeywords: error refuses them with file, pointer and keyword", () => {
    const e = errorOf(() => lower({ "x.schema.json": annotated }, { unknownKeywords: "error" }));
    expect(e.diagnostics.map((d) => d.location?.pointer)).toEqual([
      "/x-internal",
      "/properties/a/markdownDescription",
      "/properties/a/x-order",
    ]);
    expect(e.diagnostics[1]?.message).toContain('keyword "markdownDescription"');
    expect(e.diagnostics[1]?.location?.file).toBe("contracts/a/v1/x.schema.json");
  });

  it.each([
    [{ type: "array", unevaluatedItems: false }, "/unevaluatedItems"],
    [{ allOf: [{ properties: { a: {} } }], unevaluatedProperties: false }, "/unevaluatedProperties"],
    [{ $defs: { A: { $dynamicRef: "#x" } } }, "/$defs/A/$dynamicRef"],
  ])("%j is refused at %s", (schema, pointer) => {
    const e = errorOf(() => lower({ "x.schema.json": { title: "X", ...schema } }));
    expect(e.diagnostics[0]?.location?.pointer).toBe(pointer);
    expect(e.diagnostics[0]?.code).toBe("unsupported");
  });

  it("error lines are capped (a 3 MB tuple is not quoted in full)", () => {
    const huge = { title: "X", $schema: "http://json-schema.org/draft-03/schema#" + "x".repeat(3_000_000) };
    const e = errorOf(() => lower({ "x.schema.json": huge }));
    expect(e.message.length).toBeLessThan(2000);
  });
});

describe("generated code for real-world shapes", () => {
  it("a property named default/enum/const/examples whose schema is a $ref; a union with an empty-schema member; require( in a description", async () => {
    const { dir, out } = await generateInline({
      "contracts/jsonschema/a/v1/x.schema.json": JSON.stringify({
        $schema: "http://json-schema.org/draft-07/schema#",
        title: "X",
        description: "calls require('fs') and require(\"x\")",
        type: "object",
        properties: {
          default: { $ref: "#/definitions/S" },
          enum: { $ref: "#/definitions/S" },
          const: { $ref: "#/definitions/S" },
          examples: { $ref: "#/definitions/S" },
          maybe: { $ref: "#/definitions/Maybe" },
        },
        definitions: { S: { type: "string" }, Maybe: { oneOf: [{}, { type: "null" }] } },
      }),
    });
    try {
      const types = out.get("ts/jsonschema/a/v1/types.ts") ?? "";
      expect(types).toContain("export type Maybe = unknown;");
      expect(types).toContain("default?: S;");
      expect(out.get("ts/jsonschema/a/v1/validators.ts")).toContain("require('fs')");
    } finally {
      await removeDir(dir);
    }
  });

  const hasPhp = (() => {
    try {
      execFileSync("php", ["-v"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasPhp)(
    "PHP: an open object keeps what it does not declare; unions and allOf as ajv decides",
    async () => {
      const dir = await scratchDir("open-php");
      try {
        await writeTree(dir, {
          "contracts/jsonschema/a/v1/x.schema.json": JSON.stringify({
            title: "X",
            type: "object",
            properties: {
              id: { type: "string" },
              v: {
                oneOf: [
                  { type: "string", pattern: "^[a-z]+$" },
                  { type: "string", maxLength: 2 },
                ],
              },
              n: { anyOf: [{ type: "integer" }, { type: "null" }] },
              a: { allOf: [{ type: "integer" }, { minimum: 3 }] },
            },
            propertyNames: { maxLength: 5 },
          }),
        });
        const files = await generateFiles(await loadContracts(resolveConfig(dir)), ["php"]);
        for (const f of files) {
          await mkdir(dirname(join(dir, "gen", f.path)), { recursive: true });
          await writeFile(join(dir, "gen", f.path), f.content);
        }
        const script = `<?php
require __DIR__ . '/gen/php/autoload.php';
foreach (array_slice($argv, 1) as $json) {
    try {
        echo \\A\\V1\\X::fromJson($json)->toJson(), "\\n";
    } catch (\\Contractgen\\Runtime\\DecodeException $e) {
        echo "invalid\\n";
    }
}
`;
        await writeFile(join(dir, "t.php"), script);
        const inputs = [
          '{"id":"a","extra":{"k":[1,{"z":null}]},"more":1.5}',
          '{"v":"abc"}',
          '{"v":"ab"}',
          '{"n":null}',
          '{"n":"x"}',
          '{"a":2}',
          '{"toolongname":1}',
        ];
        const res = await run("php", [join(dir, "t.php"), ...inputs], { cwd: dir });
        const lines = res.stdout.trim().split("\n");
        expect(JSON.parse(lines[0] ?? "")).toEqual(JSON.parse(inputs[0] ?? ""));
        expect(lines.slice(1)).toEqual([
          '{"v":"abc"}',
          "invalid",
          '{"n":null}',
          "invalid",
          "invalid",
          "invalid",
        ]);
      } finally {
        await removeDir(dir);
      }
    },
  );
});
