// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${...}` in strings is the hostile contract text under test
// biome-ignore-all lint/suspicious/noThenProperty: `then` is a hostile field and method name under test
// biome-ignore-all lint/suspicious/noProto: `__proto__` is a hostile property name under test
/**
 * Hostile contracts: names that shadow JavaScript globals or Object.prototype members, and comments,
 * descriptions, patterns and enum values written to break out of comments and strings. The generated
 * code must compile, must run no contract text as code, and must still validate correctly.
 */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parseAst } from "rolldown/parseAst";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { type ContractError, formatDiagnostic, isContractError } from "../codegen/errors.js";
import { generateFiles } from "../codegen/generate.js";
import { loadContracts } from "../codegen/load/index.js";
import {
  BUF_YAML,
  generateInline,
  ROOT,
  removeDir,
  run,
  scratchDir,
  TSC,
  typecheck,
  writeTree,
} from "./helpers.js";

/** Contract text that tries to close a block comment, a template literal or a line comment. */
const CLOSE_COMMENT = "*/ globalThis.__pwned = 1; /*";
const TEMPLATE = "${globalThis.__pwned = 1}";
const LS = "\u2028"; // LINE SEPARATOR: a line terminator for JavaScript, not for proto or JSON

const PROTO_CONTRACT: Record<string, string> = {
  "buf.yaml": BUF_YAML,
  "proto/hostile/v1/hostile.proto": `syntax = "proto3";

// ${CLOSE_COMMENT}
// ${TEMPLATE} \`backtick\` ?> </script>
// detached${LS}globalThis.__pwned = 1;

// ${CLOSE_COMMENT}
// line${LS}globalThis.__pwned = 2;
package hostile.v1;

// ${CLOSE_COMMENT}
// ${TEMPLATE} \`backtick\` ?> </script>
// line${LS}globalThis.__pwned = 3;
message Object {
  // ${CLOSE_COMMENT}
  string constructor = 1;
  // ${TEMPLATE}
  string __proto__ = 2;
  // \`\${globalThis.__pwned = 1}\` </script>
  string toString = 3;
  // ?> ${LS}globalThis.__pwned = 4;
  string then = 4;
}

// ${CLOSE_COMMENT}
message Promise {
  // ${TEMPLATE}
  Object value = 1;
}

// \`
message Array {
  repeated Object items = 1;
}

// </script>
message Error {
  string message = 1;
}

// ${CLOSE_COMMENT}
// ${TEMPLATE}
service ObjectService {
  // ${CLOSE_COMMENT} ${TEMPLATE}
  rpc Then(Object) returns (Promise);
  // \`${LS}globalThis.__pwned = 5;
  rpc Catch(Array) returns (Error);
}
`,
};

const JSON_DIR = "contracts/jsonschema/hostile/v1";
const HOSTILE_DOC = `${CLOSE_COMMENT} ${TEMPLATE} \`backtick\` ?> </script> line${LS}globalThis.__pwned = 6;`;

const JSON_CONTRACT: Record<string, string> = {
  [`${JSON_DIR}/object.schema.json`]: JSON.stringify(
    {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "Object",
      description: HOSTILE_DOC,
      type: "object",
      properties: {
        constructor: { type: "string", description: CLOSE_COMMENT },
        "weird key-with spaces": { type: "integer", description: TEMPLATE },
        "0leading": { type: "string", description: "`${x}`", pattern: '^(?:[a-z"/]|\\\\)*$' },
        kind: { enum: ["*/", "${x}", "`", "plain"], description: "</script>" },
        items: { $ref: "#/$defs/Array", description: CLOSE_COMMENT },
      },
      required: ["constructor"],
      additionalProperties: false,
      $defs: {
        Array: { type: "array", description: HOSTILE_DOC, items: { type: "string", description: TEMPLATE } },
      },
    },
    null,
    2,
  ),
  [`${JSON_DIR}/promise.schema.json`]: JSON.stringify(
    {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "Promise",
      description: HOSTILE_DOC,
      type: "object",
      properties: {
        then: { $ref: "./object.schema.json", description: CLOSE_COMMENT },
        toString: { type: "string", description: TEMPLATE },
      },
      additionalProperties: false,
    },
    null,
    2,
  ),
  [`${JSON_DIR}/hostile.service.json`]: JSON.stringify(
    {
      package: "hostile.v1",
      service: "ObjectService",
      description: HOSTILE_DOC,
      methods: {
        Promise: {
          description: HOSTILE_DOC,
          request: "./object.schema.json",
          response: "./promise.schema.json",
        },
        Then: {
          description: TEMPLATE,
          request: "./promise.schema.json",
          response: "./object.schema.json",
          errors: { internal: "./object.schema.json#/$defs/Array" },
        },
        Constructor: { request: "./object.schema.json", response: "./object.schema.json" },
      },
    },
    null,
    2,
  ),
};

interface Project {
  readonly dir: string;
  readonly out: Map<string, string>;
  /** Absolute path of a generated file, written below `<dir>/gen`. */
  readonly gen: (path: string) => string;
}

async function generateProject(files: Record<string, string>): Promise<Project> {
  const { dir, out } = await generateInline(files);
  await writeTree(join(dir, "gen"), Object.fromEntries(out));
  return { dir, out, gen: (path) => join(dir, "gen", path) };
}

/** Removes a project folder and the tsconfig `typecheck` may have written beside it. */
async function cleanup(dir: string): Promise<void> {
  await removeDir(dir);
  await rm(`${dir}.tsconfig.json`, { force: true });
}

/** Every identifier of the module's code (comments and string contents are not code). */
function identifiersOf(source: string, lang: "ts" | "js"): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const obj = node as Record<string, unknown>;
    if (
      (obj["type"] === "Identifier" || obj["type"] === "PrivateIdentifier") &&
      typeof obj["name"] === "string"
    )
      names.add(obj["name"]);
    for (const value of Object.values(obj)) walk(value);
  };
  walk(parseAst(source, { lang }));
  return names;
}

function importModule(file: string): Promise<Record<string, unknown>> {
  return import(/* @vite-ignore */ pathToFileURL(file).href) as Promise<Record<string, unknown>>;
}

const projects: { proto?: Project; jsonSchema?: Project } = {};
const cases = [
  ["proto", PROTO_CONTRACT],
  ["JSON Schema", JSON_CONTRACT],
] as const;
const projectOf = (kind: (typeof cases)[number][0]): Project => {
  const p = kind === "proto" ? projects.proto : projects.jsonSchema;
  if (!p) throw new Error(`${kind} project was not generated`);
  return p;
};

beforeAll(async () => {
  // Generated JSON Schema code imports contractgen/runtime, which resolves to dist/ when type-checked.
  if (!existsSync(join(ROOT, "dist", "runtime", "index.d.ts")))
    await run(process.execPath, [TSC, "-p", "tsconfig.json"], { cwd: ROOT });
  delete (globalThis as Record<string, unknown>)["__pwned"];
  [projects.proto, projects.jsonSchema] = await Promise.all([
    generateProject(PROTO_CONTRACT),
    generateProject(JSON_CONTRACT),
  ]);
});

afterAll(async () => {
  await Promise.all([projects.proto, projects.jsonSchema].map((p) => (p ? cleanup(p.dir) : undefined)));
});

describe.each(cases)("hostile %s contract", (kind, files) => {
  it("generates the expected modules", () => {
    const paths = [...projectOf(kind).out.keys()];
    const want =
      kind === "proto"
        ? ["ts/proto/hostile/v1/hostile_pb.ts", "ts/proto/hostile/v1/hostile_contract.ts"]
        : [
            "ts/jsonschema/hostile/v1/types.ts",
            "ts/jsonschema/hostile/v1/validators.ts",
            "ts/jsonschema/hostile/v1/object_service.ts",
          ];
    expect(paths).toEqual(expect.arrayContaining(want));
  });

  it("compiles under the project's strict tsc settings", async () => {
    const result = await typecheck(projectOf(kind).dir);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("keeps every piece of contract text out of the code (no identifier __pwned in any module)", () => {
    const modules = [...projectOf(kind).out].filter(([p]) => /\.(ts|js)$/.test(p));
    expect(modules.length).toBeGreaterThan(0);
    for (const [path, content] of modules) {
      const ids = identifiersOf(content, path.endsWith(".js") ? "js" : "ts");
      expect(ids.size, path).toBeGreaterThan(0);
      expect(ids.has("__pwned"), path).toBe(false);
    }
  });

  it("writes every `*/` of the contract escaped inside block comments", () => {
    let seen = 0;
    for (const [path, content] of projectOf(kind).out) {
      if (!/\.(ts|js)$/.test(path)) continue;
      for (const line of content.split(/\r\n|[\n\r\u2028\u2029]/)) {
        if (!line.includes("globalThis.__pwned = 1; /*")) continue;
        seen++;
        // A raw `*/` may only stand in a line comment or in a string constant (ajv's copy of the schema).
        const trimmed = line.trimStart();
        const safe =
          !line.includes("*/ globalThis") || trimmed.startsWith("//") || trimmed.startsWith("const schema");
        expect(safe, `${path}: ${line}`).toBe(true);
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it("runs no contract text when every generated module is imported", async () => {
    const p = projectOf(kind);
    for (const path of [...p.out.keys()].filter((x) => /\.(ts|js)$/.test(x) && !x.endsWith(".d.ts"))) {
      await importModule(p.gen(path));
    }
    expect((globalThis as Record<string, unknown>)["__pwned"]).toBeUndefined();
  });

  it("is deterministic: generating the same contract again is byte-identical", async () => {
    const again = await generateInline(files);
    try {
      expect([...again.out.keys()]).toEqual([...projectOf(kind).out.keys()]);
      for (const [path, content] of again.out) expect(content, path).toBe(projectOf(kind).out.get(path));
    } finally {
      await cleanup(again.dir);
    }
  });
});

describe("hostile proto contract: messages named after globals and fields named after Object members", () => {
  const json = '{"constructor":"c","__proto__":"p","toString":"t","then":"h"}';

  it("renames what would clash and keeps the ProtoJSON names", async () => {
    const pb = await importModule(projectOf("proto").gen("ts/proto/hostile/v1/hostile_pb.ts"));
    const { fromJsonString, toJson } = await import("@bufbuild/protobuf");
    const msg = fromJsonString(pb["ObjectSchema"] as never, json) as unknown as Record<string, unknown>;
    expect([msg["constructor$"], msg["Proto"], msg["toString$"], msg["then"]]).toEqual(["c", "p", "t", "h"]);
    expect(toJson(pb["ObjectSchema"] as never, msg as never)).toEqual({
      constructor: "c",
      Proto: "p",
      toString: "t",
      then: "h",
    });
  });

  it("lists both spellings of the field __proto__ in the wire schema as own properties", () => {
    const wire = JSON.parse(projectOf("proto").out.get("schema/hostile.v1.Object.schema.json") ?? "null");
    expect(Object.keys(wire.properties).sort()).toEqual([
      "Proto",
      "__proto__",
      "constructor",
      "then",
      "toString",
    ]);
    expect(wire.properties.__proto__).toEqual({ $ref: "#/properties/Proto" });
  });

  it.each([
    ["the ProtoJSON of a full message", '{"constructor":"c","Proto":"p","toString":"t","then":"h"}', true],
    ["an empty message", "{}", true],
    ["constructor set to null", '{"constructor":null}', true],
    ["constructor that is not a string", '{"constructor":1}', false],
    ["toString that is not a string", '{"toString":{}}', false],
    ["an unknown property", '{"valueOf":"x"}', false],
  ])("the wire schema of Object, given %s, says valid=%s", (_name, value, valid) => {
    // A plain ajv (own properties only): this checks the schema, not the validator configuration.
    const ajv = new Ajv2020({ strict: false, ownProperties: true, allErrors: true });
    for (const [path, content] of projectOf("proto").out)
      if (path.startsWith("schema/")) ajv.addSchema(JSON.parse(content));
    const validate = ajv.getSchema("urn:contractgen:hostile.v1.Object");
    expect(validate?.(JSON.parse(value)), JSON.stringify(validate?.errors)).toBe(valid);
  });
});

describe("hostile JSON Schema contract: generated validators", () => {
  let validators: Record<string, unknown>;
  beforeAll(async () => {
    validators = await importModule(projectOf("JSON Schema").gen("ts/jsonschema/hostile/v1/validators.ts"));
  });

  // want: true, or the keyword of the error the validator must report.
  it.each([
    ["validateObject_", { constructor: "x" }, true],
    [
      "validateObject_",
      { constructor: "x", "weird key-with spaces": 1, "0leading": 'a"/\\b', kind: "*/", items: ["a"] },
      true,
    ],
    ["validateObject_", { constructor: "x", kind: "${x}" }, true],
    ["validateObject_", { constructor: "x", kind: "`" }, true],
    ["validateObject_", {}, "required"],
    ["validateObject_", { constructor: 1 }, "type"],
    ["validateObject_", { constructor: "x", "weird key-with spaces": 1.5 }, "type"],
    ["validateObject_", { constructor: "x", "0leading": "A" }, "pattern"],
    ["validateObject_", { constructor: "x", kind: "${y}" }, "enum"],
    ["validateObject_", { constructor: "x", items: [1] }, "type"],
    ["validateObject_", { constructor: "x", weird: 1 }, "additionalProperties"],
    ["validatePromise_", {}, true],
    ["validatePromise_", { then: { constructor: "x" }, toString: "s" }, true],
    ["validatePromise_", { toString: 1 }, "type"],
    ["validatePromise_", { then: {} }, "required"],
    ["validateArray_", ["a", "b"], true],
    ["validateArray_", [1], "type"],
  ])("%s(%j) → %s", (name, value, want) => {
    const validate = validators[name] as ((v: unknown) => boolean) & {
      errors?: { keyword: string }[] | null;
    };
    expect(typeof validate).toBe("function");
    const valid = validate(value);
    const keywords = (validate.errors ?? []).map((e) => e.keyword);
    if (want === true) expect(valid, JSON.stringify(validate.errors)).toBe(true);
    else expect({ valid, keywords }).toEqual({ valid: false, keywords: [want] });
  });

  it("the service definition keeps the manifest's method names and pairs them with the validators", async () => {
    const mod = await importModule(
      projectOf("JSON Schema").gen("ts/jsonschema/hostile/v1/object_service.ts"),
    );
    const service = mod["ObjectService"] as {
      typeName: string;
      methods: Record<string, { name: string; input: unknown; output: unknown }>;
    };
    expect(service.typeName).toBe("hostile.v1.ObjectService");
    expect(Object.keys(service.methods).sort()).toEqual(["constructor", "promise", "then"]);
    expect(service.methods["promise"]).toMatchObject({
      name: "Promise",
      input: validators["validateObject_"],
      output: validators["validatePromise_"],
    });
    expect(service.methods["then"]?.name).toBe("Then");
    expect(Object.hasOwn(service.methods, "constructor") && service.methods["constructor"]?.name).toBe(
      "Constructor",
    );
  });
});

describe("a JSON Schema property named __proto__", () => {
  const path = "contracts/jsonschema/protokey/v1/holder.schema.json";
  // Written as JSON text: in a JavaScript object literal a `__proto__` key would set the prototype.
  const files = {
    [path]: `{
  "title": "Holder",
  "type": "object",
  "properties": {
    "__proto__": { "type": "string", "description": "${TEMPLATE}" },
    "name": { "type": "string" }
  },
  "additionalProperties": false
}
`,
  };
  let dir: string;
  beforeAll(async () => {
    dir = await scratchDir("hostile-proto-key");
    await writeTree(dir, files);
  });
  afterAll(() => cleanup(dir));

  it("is either supported end to end, or rejected with a diagnostic at #/properties/__proto__", async () => {
    // generateInline's steps, in a folder this test owns, so that it is removed even when generation fails.
    let out: Map<string, string>;
    try {
      const generated = await generateFiles(await loadContracts(resolveConfig(dir)), ["ts"]);
      out = new Map(generated.map((f) => [f.path, f.content]));
    } catch (e) {
      // Rejecting the name is fine (ajv ignores `properties.__proto__`), but precisely, not by a crash.
      expect(isContractError(e), String(e)).toBe(true);
      expect((e as ContractError).diagnostics.map(formatDiagnostic).join("\n")).toContain(
        `${path}#/properties/__proto__`,
      );
      return;
    }
    await writeTree(join(dir, "gen"), Object.fromEntries(out));
    const wire = JSON.parse(out.get("schema/protokey.v1.Holder.schema.json") ?? "null");
    expect(Object.keys(wire.properties)).toEqual(["__proto__", "name"]);
    expect(wire.properties.__proto__).toEqual({ type: "string", description: TEMPLATE });
    const result = await typecheck(dir);
    expect(result.stdout + result.stderr).toBe("");
    const mod = await importModule(join(dir, "gen", "ts/jsonschema/protokey/v1/validators.ts"));
    const validate = mod["validateHolder"] as (v: unknown) => boolean;
    const verdicts = ['{"__proto__":"x","name":"n"}', "{}", '{"__proto__":1}', '{"other":1}'].map((json) =>
      validate(JSON.parse(json)),
    );
    expect(verdicts).toEqual([true, true, false, false]);
  });
});
