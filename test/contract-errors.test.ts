/**
 * Bad input gives a precise error and the documented exit code, never a stack trace: every problem names
 * its place (`file:line:col` for proto and JSON syntax, `file#/json/pointer` for JSON Schema) and says
 * what is wrong. Exit codes: 1 contract problems, 2 usage or configuration errors (cli/main.ts).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { BUF_YAML, CLI, ROOT, removeDir, run, scratchDir, TSC, writeTree } from "./helpers.js";

type Files = Readonly<Record<string, string>>;

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map(removeDir));
});

async function project(files: Files): Promise<string> {
  const dir = await scratchDir("errors");
  dirs.push(dir);
  await writeTree(dir, files);
  return dir;
}

interface CliResult {
  readonly dir: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process in a fresh project; `{gen}` in `argv` is replaced by `<project>/gen`. */
async function cli(files: Files, argv: readonly string[]): Promise<CliResult> {
  const dir = await project(files);
  let stdout = "";
  let stderr = "";
  const code = await main(
    argv.map((a) => a.replace("{gen}", join(dir, "gen"))),
    {
      cwd: dir,
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
    },
  );
  return { dir, code, stdout, stderr };
}

/** A line of a JavaScript stack trace. */
const STACK_LINE = /^\s+at /m;

const schema = (body: Record<string, unknown>): string =>
  JSON.stringify({ $schema: "https://json-schema.org/draft/2020-12/schema", ...body }, null, 2);

const S = "contracts/jsonschema/x/v1";
/** JSON Schema package of the lint projects, which also hold proto package x.v1. */
const J = "contracts/jsonschema/j/v1";
const MESSAGE = schema({
  title: "Thing",
  type: "object",
  properties: { name: { type: "string" } },
  additionalProperties: false,
});
const manifest = (body: Record<string, unknown>): string =>
  JSON.stringify({ package: "x.v1", service: "ThingService", ...body }, null, 2);
const METHODS = { Get: { request: "./thing.schema.json", response: "./thing.schema.json" } };

const PROTO = "proto/x/v1/x.proto";
const GOOD_PROTO = `syntax = "proto3";

package x.v1;

// A thing.
message Thing {
  // Its name.
  string name = 1;
  // Its color.
  Color color = 2;
}

// Colors.
enum Color {
  // Not set.
  COLOR_UNSPECIFIED = 0;
  // Red.
  COLOR_RED = 1;
}
`;

const GENERATE = ["generate", "--out", "{gen}"];

// [what, files, argv, exit code, substrings stderr must contain]
const ROWS: [string, Files, readonly string[], number, readonly string[]][] = [
  [
    "proto syntax error (missing semicolon)",
    {
      "buf.yaml": BUF_YAML,
      [PROTO]: 'syntax = "proto3";\n\npackage x.v1;\n\nmessage Thing {\n  string name = 1\n}\n',
    },
    GENERATE,
    1,
    [`${PROTO}:7:1: unexpected \`}\``, "(COMPILE)"],
  ],
  [
    "proto import of a missing file",
    {
      "buf.yaml": BUF_YAML,
      [PROTO]: 'syntax = "proto3";\n\npackage x.v1;\n\nimport "x/v1/missing.proto";\n',
    },
    GENERATE,
    1,
    [`${PROTO}:5:1: imported file does not exist`],
  ],
  [
    "JSON Schema file that is not valid JSON",
    { [`${S}/thing.schema.json`]: '{\n  "title": "Thing",\n  "type": "object",\n}\n' },
    GENERATE,
    1,
    [`${S}/thing.schema.json:4:1`, "invalid JSON"],
  ],
  [
    "JSON Schema file cut off in the middle",
    { [`${S}/thing.schema.json`]: '{\n  "title": "Thing",\n' },
    GENERATE,
    1,
    [`${S}/thing.schema.json:3:1`, "invalid JSON"],
  ],
  [
    "$ref to a missing file",
    {
      [`${S}/thing.schema.json`]: schema({
        title: "Thing",
        type: "object",
        properties: { foo: { $ref: "./nope.schema.json" } },
      }),
    },
    GENERATE,
    1,
    [`${S}/thing.schema.json#/properties/foo/$ref`, "nope.schema.json", "not a contract file"],
  ],
  [
    "$ref to a missing $defs entry",
    {
      [`${S}/a.schema.json`]: schema({ title: "A", type: "object", $defs: { Yes: { type: "string" } } }),
      [`${S}/thing.schema.json`]: schema({
        title: "Thing",
        type: "object",
        properties: { foo: { $ref: "./a.schema.json#/$defs/Nope" } },
      }),
    },
    GENERATE,
    1,
    [`${S}/thing.schema.json#/properties/foo/$ref`, `${S}/a.schema.json has nothing at #/$defs/Nope`],
  ],
  [
    "the same full name in a proto file and a JSON Schema file",
    { "buf.yaml": BUF_YAML, [PROTO]: GOOD_PROTO, [`${S}/thing.schema.json`]: MESSAGE },
    GENERATE,
    1,
    [`${S}/thing.schema.json#`, "x.v1.Thing is declared twice", PROTO],
  ],
  [
    "manifest without methods",
    { [`${S}/thing.schema.json`]: MESSAGE, [`${S}/thing.service.json`]: manifest({}) },
    GENERATE,
    1,
    [`${S}/thing.service.json`, 'missing required property "methods"'],
  ],
  [
    "manifest with an unknown property",
    {
      [`${S}/thing.schema.json`]: MESSAGE,
      [`${S}/thing.service.json`]: manifest({ methods: METHODS, version: 2 }),
    },
    GENERATE,
    1,
    [`${S}/thing.service.json`, 'unknown property "version"'],
  ],
  [
    "manifest whose request names a missing file",
    {
      [`${S}/thing.schema.json`]: MESSAGE,
      [`${S}/thing.service.json`]: manifest({
        methods: { Get: { request: "./gone.schema.json", response: "./thing.schema.json" } },
      }),
    },
    GENERATE,
    1,
    [`${S}/thing.service.json#/methods/Get/request`, "gone.schema.json", "not a contract file"],
  ],
  [
    "manifest whose package does not match its folder",
    {
      [`${S}/thing.schema.json`]: MESSAGE,
      [`${S}/thing.service.json`]: manifest({ package: "y.v1", methods: METHODS }),
    },
    GENERATE,
    1,
    [`${S}/thing.service.json#/package`, '"y.v1"', '"x.v1"'],
  ],
  [
    "oneOf with a discriminator whose branch does not fix it with const",
    {
      [`${S}/shape.schema.json`]: schema({
        title: "Shape",
        oneOf: [
          {
            type: "object",
            properties: { kind: { const: "circle" }, r: { type: "number" } },
            required: ["kind"],
          },
          {
            type: "object",
            properties: { kind: { type: "string" }, side: { type: "number" } },
            required: ["kind"],
          },
        ],
        discriminator: { propertyName: "kind" },
      }),
    },
    GENERATE,
    1,
    [`${S}/shape.schema.json#/oneOf/1`, 'discriminator "kind"', "const"],
  ],
  [
    "config file with an unknown key",
    { "contractgen.config.json": JSON.stringify({ outDir: "gen" }), [`${S}/thing.schema.json`]: MESSAGE },
    GENERATE,
    2,
    ["contractgen.config.json#/outDir", 'unknown key "outDir"'],
  ],
  [
    "unknown --target",
    { [`${S}/thing.schema.json`]: MESSAGE },
    [...GENERATE, "--target", "java"],
    2,
    ['unknown target "java"'],
  ],
  [
    "config file that is not JSON",
    { "contractgen.config.json": "{\n", [`${S}/thing.schema.json`]: MESSAGE },
    GENERATE,
    2,
    ["contractgen.config.json", "invalid JSON"],
  ],
  [
    "--config naming a missing file",
    { [`${S}/thing.schema.json`]: MESSAGE },
    [...GENERATE, "--config", "nope.json"],
    2,
    ["config file nope.json does not exist"],
  ],
  [
    "--proto naming a folder without buf.yaml",
    { [`${S}/thing.schema.json`]: MESSAGE },
    [...GENERATE, "--proto", "contracts"],
    2,
    ["proto folder contracts has no buf.yaml"],
  ],
  [
    "--out naming an existing file",
    { [`${S}/thing.schema.json`]: MESSAGE, "README.md": "not a folder\n" },
    ["generate", "--out", "README.md"],
    2,
    ["README.md"],
  ],
  [
    "unknown command",
    { [`${S}/thing.schema.json`]: MESSAGE },
    ["frobnicate"],
    2,
    ["unknown command 'frobnicate'"],
  ],
  ["unknown flag", { [`${S}/thing.schema.json`]: MESSAGE }, [...GENERATE, "--bogus"], 2, ["--bogus"]],
  [
    "a folder without contracts",
    { "README.md": "nothing here\n" },
    GENERATE,
    1,
    ["no contracts found", "buf.yaml"],
  ],
];

describe.each(ROWS)("generate: %s", (_what, files, argv, wantCode, wantStderr) => {
  let result: CliResult;
  beforeAll(async () => {
    result = await cli(files, argv);
  });

  it(`exits ${wantCode} and writes nothing to stdout`, () => {
    expect(result.code, result.stderr).toBe(wantCode);
    expect(result.stdout).toBe("");
  });

  it("names the place and the problem on stderr", () => {
    for (const want of wantStderr) expect(result.stderr).toContain(want);
  });

  it("prints no stack trace and no internal error", () => {
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stderr).not.toContain("internal error");
  });
});

describe("lint", () => {
  const GOOD: Files = {
    "buf.yaml": BUF_YAML,
    [PROTO]: GOOD_PROTO,
    [`${J}/thing.schema.json`]: schema({
      title: "Thing",
      description: "A thing.",
      type: "object",
      properties: { name: { type: "string", description: "Its name." } },
      required: ["name"],
      additionalProperties: false,
      examples: [{ name: "a" }],
    }),
  };
  const BAD_ENUM: Files = {
    "buf.yaml": BUF_YAML,
    [PROTO]: GOOD_PROTO.replace("COLOR_UNSPECIFIED = 0", "COLOR_NONE = 0"),
  };

  it.each([
    ["a valid project", GOOD, [], 0, ["no problems found"], ""],
    ["an enum zero value not suffixed _UNSPECIFIED", BAD_ENUM, [], 1, [], `${PROTO}:16:3: `],
    [
      "an example that does not match its schema",
      {
        ...GOOD,
        [`${J}/thing.schema.json`]: GOOD[`${J}/thing.schema.json`]!.replace(
          '{\n      "name": "a"\n    }',
          "{}",
        ),
      },
      [],
      1,
      [],
      `${J}/thing.schema.json#/examples/0: example 0 does not match its schema`,
    ],
  ] as const)(
    "on %s: exit code and message",
    async (_what, files, argv, wantCode, wantStdout, wantStderr) => {
      const r = await cli(files, ["lint", ...argv]);
      expect(r.code, r.stderr).toBe(wantCode);
      for (const want of wantStdout) expect(r.stdout).toContain(want);
      expect(r.stderr).toContain(wantStderr);
      expect(r.stderr).not.toMatch(STACK_LINE);
    },
  );

  it("reports buf's rule id with the finding", async () => {
    const r = await cli(BAD_ENUM, ["lint"]);
    expect(r.stderr).toMatch(/x\.proto:16:3: .*COLOR_NONE.*\(ENUM_ZERO_VALUE_SUFFIX\)/);
  });

  it("reports EXAMPLE_VALID for an example that does not validate", async () => {
    const bad = GOOD[`${J}/thing.schema.json`]!.replace(
      '{\n      "name": "a"\n    }',
      '{\n      "name": 1\n    }',
    );
    const r = await cli({ ...GOOD, [`${J}/thing.schema.json`]: bad }, ["lint"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /thing\.schema\.json#\/examples\/0: example 0 .* at \/name: .*\(EXAMPLE_VALID\)/,
    );
  });

  it("--format json prints parseable diagnostics on stdout", async () => {
    const r = await cli(BAD_ENUM, ["lint", "--format", "json"]);
    expect(r.code).toBe(1);
    const parsed = JSON.parse(r.stdout) as { diagnostics: { rule?: string; location?: unknown }[] };
    expect(parsed.diagnostics).toContainEqual(
      expect.objectContaining({
        code: "proto_lint",
        rule: "ENUM_ZERO_VALUE_SUFFIX",
        location: { file: PROTO, line: 16, column: 3 },
      }),
    );
  });

  it("--format json on a valid project prints an empty list", async () => {
    const r = await cli(GOOD, ["lint", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ diagnostics: [] });
  });

  it("--format github prints workflow commands", async () => {
    const r = await cli(BAD_ENUM, ["lint", "--format", "github"]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^::error file=/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^::error file=proto\/x\/v1\/x\.proto,line=16,col=3,title=ENUM_ZERO_VALUE_SUFFIX::/,
      ),
    );
  });

  it("--format with an unknown value is a usage error", async () => {
    const r = await cli(GOOD, ["lint", "--format", "xml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("xml");
  });
});

describe("the built binary", () => {
  beforeAll(async () => {
    const build = await run(process.execPath, [TSC, "-p", "tsconfig.json"], { cwd: ROOT });
    expect(build.stdout + build.stderr, "tsc build").toBe("");
  });

  it("--help exits 0 and lists the commands", async () => {
    const r = await run(process.execPath, [CLI, "--help"], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+generate\b/m);
    expect(r.stdout).toMatch(/^\s+lint\b/m);
  });

  it("generate on a broken project exits 1 with file:line and no stack trace", async () => {
    const dir = await project({ [`${S}/thing.schema.json`]: '{\n  "title": "Thing",\n  oops\n}\n' });
    const r = await run(process.execPath, [CLI, "generate"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: contracts\/jsonschema\/x\/v1\/thing\.schema\.json:3:3: invalid JSON/m);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});

describe("generate: the same type name in two files of one package", () => {
  // Names are resolved, not refused (issue #17: real schemas reuse titles): the second one is renamed
  // and the rename is reported as a warning with both places, by generate and by lint.
  it("renames the second, says so on stderr with both places, and exits 0", async () => {
    const files = { [`${S}/thing.schema.json`]: MESSAGE, [`${S}/thing_copy.schema.json`]: MESSAGE };
    const r = await cli(files, GENERATE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: contracts\/jsonschema\/x\/v1\/thing(_copy)?\.schema\.json#: type name Thing is already used by contracts\/jsonschema\/x\/v1\/thing(_copy)?\.schema\.json# in package x\.v1; this one is named Thing2/m,
    );
    expect(r.stderr).not.toMatch(STACK_LINE);
    // lint reports the rename too, and fails on the file name that does not match its title.
    const lint = await cli(files, ["lint"]);
    expect(lint.code, lint.stderr).toBe(1);
    expect(lint.stderr).toMatch(/^warning: .*this one is named Thing2/m);
    expect(lint.stderr).toMatch(/^error: .*\(SCHEMA_FILE_NAME\)$/m);
  });
});
