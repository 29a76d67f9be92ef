/** The parts of `contractgen test`, table-driven: config, case generation, scenarios, differential, reports. */
import { execFileSync } from "node:child_process";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, test } from "vitest";
import { checkTestSection } from "../codegen/contract-test/config.js";
import { compareAnswers, pointerSegments } from "../codegen/contract-test/differential.js";
import { generateRequests, RequestGenerator } from "../codegen/contract-test/generate.js";
import { formatHtml } from "../codegen/contract-test/html.js";
import { type ContractTestResult, curlOf, shellQuote } from "../codegen/contract-test/index.js";
import { formatJunit, parseImplFlag, parseShard } from "../codegen/contract-test/report.js";
import { createRng } from "../codegen/contract-test/rng.js";
import { interpolate, parseScenario } from "../codegen/contract-test/scenarios.js";
import { SchemaIndex } from "../codegen/contract-test/schema-walk.js";
import type { JsonSchema } from "../codegen/wire/index.js";

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

describe("the test section of the config", () => {
  const check = (v: unknown) => {
    try {
      checkTestSection(v, (pointer, message) => {
        throw new Error(`${pointer}: ${message}`);
      });
      return "ok";
    } catch (e) {
      return (e as Error).message;
    }
  };
  test.each([
    [{ implementations: [{ name: "php", start: "php -S 127.0.0.1:{port} r.php" }] }, "ok"],
    [{ implementations: [{ name: "ts", url: "http://127.0.0.1:8080" }] }, "ok"],
    [[], "/test: expected an object with implementations, ignore and knownFailures"],
    [
      { impls: [] },
      '/test/impls: unknown key "impls"; expected one of implementations, ignore, knownFailures, scenarios, callTimeoutMs, randomCases, concurrency, shrink',
    ],
    [
      { implementations: [{ name: "a b", url: "http://x" }] },
      '/test/implementations/0/name: expected a name of letters, digits, _ . -, found "a b"',
    ],
    [
      { implementations: [{ name: "a" }] },
      "/test/implementations/0: expected exactly one of start (a command with {port}) and url",
    ],
    [
      { implementations: [{ name: "a", start: "php -S" }] },
      '/test/implementations/0/start: expected a command containing {port}, found "php -S"',
    ],
    [
      { implementations: [{ name: "a", url: "ftp://x" }] },
      '/test/implementations/0/url: expected an http:// URL, found "ftp://x"',
    ],
    [
      {
        implementations: [
          { name: "a", url: "http://x" },
          { name: "a", url: "http://y" },
        ],
      },
      '/test/implementations/1/name: duplicate implementation name "a"',
    ],
    [
      { implementations: [{ name: "a", start: "x {port}", env: { A: 1 } }] },
      "/test/implementations/0/env/A: expected a string, found 1",
    ],
    [
      { implementations: [{ name: "a", start: "x {port}", ready: { path: "healthz" } }] },
      '/test/implementations/0/ready/path: expected a path starting with /, found "healthz"',
    ],
    [
      { implementations: [{ name: "a", start: "x {port}", ready: { timeoutMs: 0 } }] },
      "/test/implementations/0/ready/timeoutMs: expected a positive integer, found 0",
    ],
    [{ ignore: [{ path: "id" }] }, '/test/ignore/0/path: expected a JSON pointer such as "/id", found "id"'],
    [{ knownFailures: { php: "x" } }, "/test/knownFailures/php: expected an array of case id globs"],
    [{ callTimeoutMs: -1 }, "/test/callTimeoutMs: expected a positive integer, found -1"],
  ])("%j → %s", (section, want) => {
    expect(check(section)).toBe(want);
  });
});

const SCHEMA: JsonSchema = {
  $id: "urn:contractgen:t.Req",
  type: "object",
  properties: {
    tier: { type: "string", enum: ["free", "pro", "team"] },
    labels: { type: "object", additionalProperties: { type: "string" } },
    tags: { type: "array", items: { type: "string" }, maxItems: 2 },
    qty: { type: "integer", minimum: 1, maximum: 9 },
    note: { type: ["string", "null"], maxLength: 5 },
    email: { type: "string", format: "email" },
    shape: { oneOf: [{ $ref: "#/$defs/Circle" }, { $ref: "#/$defs/Square" }] },
  },
  required: ["qty"],
  additionalProperties: false,
  $defs: {
    Circle: {
      type: "object",
      properties: { r: { type: "integer" } },
      required: ["r"],
      additionalProperties: false,
    },
    Square: {
      type: "object",
      properties: { side: { type: "integer" } },
      required: ["side"],
      additionalProperties: false,
    },
  },
};

function generated(seed: number) {
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  const validate = ajv.compile(SCHEMA);
  const index = new SchemaIndex([SCHEMA]);
  const gen = new RequestGenerator(index, createRng(seed));
  const root = index.root("urn:contractgen:t.Req");
  if (!root) throw new Error("no root");
  return { ...generateRequests(gen, root, 5, (v) => validate(v) === true), validate };
}

describe("generated requests", () => {
  const { valid, invalid, validate } = generated(1);
  const values = valid.map((v) => v.value as Record<string, unknown>);

  test.each([
    ["every enum value", () => ["free", "pro", "team"].every((t) => values.some((v) => v["tier"] === t))],
    ["an empty map", () => values.some((v) => JSON.stringify(v["labels"]) === "{}")],
    ["an empty list", () => values.some((v) => JSON.stringify(v["tags"]) === "[]")],
    [
      "the minimum and the maximum",
      () => values.some((v) => v["qty"] === 1) && values.some((v) => v["qty"] === 9),
    ],
    ["null for a nullable field", () => values.some((v) => v["note"] === null)],
    ["an absent optional field", () => values.some((v) => !("note" in v))],
    [
      "each oneof branch",
      () =>
        values.some((v) => "r" in ((v["shape"] as object) ?? {})) &&
        values.some((v) => "side" in ((v["shape"] as object) ?? {})),
    ],
  ])("valid requests include %s", (_name, has) => {
    expect(has()).toBe(true);
  });

  test.each([
    ["a missing required field", "/qty: missing (required)"],
    ["below the minimum", "/qty: below the minimum"],
    ["an enum value outside the list", "/tier: a value outside the enum"],
    ["an invalid email", "/email: an invalid email"],
    ["an unknown key", "an unknown key"],
    ["too many items", "/tags: more items than maxItems"],
  ])("invalid requests include %s", (_name, label) => {
    expect(invalid.map((i) => i.label)).toContain(label);
  });

  test("valid ones validate, invalid ones do not, and the same seed gives the same requests", () => {
    expect(valid.every((v) => validate(v.value))).toBe(true);
    expect(invalid.some((v) => validate(v.value))).toBe(false);
    expect(JSON.stringify(generated(1).valid)).toBe(JSON.stringify(valid));
    expect(JSON.stringify(generated(2).valid)).not.toBe(JSON.stringify(valid));
  });
});

describe("the differential", () => {
  const a = (impl: string, value: unknown, code = "ok") => ({
    impl,
    code,
    value,
    repaired: value,
    clean: true,
  });
  test.each([
    ["equal answers", [a("php", { x: 1 }), a("ts", { x: 1 })], [], undefined],
    ["key order does not count", [a("php", { x: 1, y: 2 }), a("ts", { y: 2, x: 1 })], [], undefined],
    ["an ignored path", [a("php", { id: "a", x: 1 }), a("ts", { id: "b", x: 1 })], ["/id"], undefined],
    [
      "an ignored path with *",
      [a("php", { l: [{ at: 1 }] }), a("ts", { l: [{ at: 2 }] })],
      ["/l/*/at"],
      undefined,
    ],
    [
      "a different value",
      [a("php", { x: 1 }), a("ts", { x: 2 })],
      [],
      "semantic divergence: /x: php 1, ts 2",
    ],
    [
      "a different code",
      [a("php", {}, "not_found"), a("ts", {})],
      [],
      "semantic divergence: ts answered ok, php answered not_found",
    ],
    [
      "error messages do not count",
      [a("php", { message: "a" }, "not_found"), a("ts", { message: "b" }, "not_found")],
      [],
      undefined,
    ],
  ])("%s", (_name, answers, ignores, want) => {
    expect(compareAnswers(answers, ignores.map(pointerSegments))?.message).toBe(want);
  });

  test("an answer equal once repaired is an encoding-only divergence", () => {
    const d = compareAnswers(
      [a("ts", { n: 5 }), { impl: "php", code: "ok", value: { n: "5" }, repaired: { n: 5 }, clean: false }],
      [],
    );
    expect(d).toEqual({
      kind: "encoding",
      outliers: ["php"],
      reference: ["ts"],
      message: 'encoding-only divergence: /n: ts 5, php "5"',
      path: "/n",
    });
  });
});

describe("scenarios", () => {
  const methods = new Set(["p.S/Create", "p.S/Get"]);
  test.each([
    ["{", /^s\.json#: invalid JSON/],
    ["[]", /^s\.json#: expected an object \{ name, steps \}$/],
    ['{"name":"n","steps":[]}', /^s\.json#\/steps: expected a non-empty array of steps$/],
    [
      '{"name":"n","steps":[{"call":"p.S/Nope","request":{}}]}',
      /^s\.json#\/steps\/0\/call: expected a method of the contracts such as "p\.S\/Create", found "p\.S\/Nope"$/,
    ],
    [
      `{"name":"n","steps":[{"call":"p.S/Get","request":{"id":"\${id}"}}]}`,
      /^s\.json#\/steps\/0\/request: \$\{id\} is not captured by an earlier step$/,
    ],
    [
      '{"name":"n","steps":[{"call":"p.S/Get","request":{},"capture":{"id":"id"}}]}',
      /^s\.json#\/steps\/0\/capture\/id: expected a JSON pointer such as "\/id", found "id"$/,
    ],
  ])("%s → %s", (text, want) => {
    expect(() => parseScenario(text, "s.json", methods)).toThrow(want);
  });

  test("captured values keep their JSON type, and interpolate inside strings", () => {
    const vars = new Map<string, unknown>([
      ["id", 7],
      ["name", "Ada"],
    ]);
    expect(interpolate({ a: `\${id}`, b: `user \${name} #\${id}`, c: [`\${name}`] }, vars)).toEqual({
      a: 7,
      b: "user Ada #7",
      c: ["Ada"],
    });
  });
});

describe("reproducers and reports", () => {
  test.each(["plain", "it's", "a'b'c", "$(rm -rf /)", "`x`", 'dq"', "new\nline", "ünï€ode"])(
    "shell quoting survives a real sh: %j",
    (s) => {
      expect(execFileSync("/bin/sh", ["-c", `printf %s ${shellQuote(s)}`], { encoding: "utf8" })).toBe(s);
    },
  );

  test("the curl command carries the body", () => {
    expect(curlOf("http://127.0.0.1:1", "/p.S/M", { q: "it's" })).toBe(
      `curl -sS -X POST 'http://127.0.0.1:1/p.S/M' -H 'content-type: application/json' -H 'connect-protocol-version: 1' --data-binary '{"q":"it'\\''s"}'`,
    );
  });

  const hostile: ContractTestResult = {
    seed: 1,
    implementations: [{ name: "php", url: "http://127.0.0.1:1" }],
    cases: [
      {
        id: "p.S/M valid 0",
        service: "p.S",
        method: "M",
        kind: "valid",
        label: "<script>alert(1)</script>",
        requests: { php: { x: "</pre><img src=x onerror=alert(1)>" } },
        answers: {
          php: {
            status: 500,
            contentType: "text/html",
            body: "<h1>boom</h1>",
            code: "http_500",
            ms: 1,
            problems: [],
          },
        },
      },
    ],
    failures: [
      {
        caseId: "p.S/M valid 0",
        impl: "php",
        problems: [{ check: "conformance", message: "<b>&" }],
        known: false,
        reproducer: "curl '<x>'",
      },
    ],
    fixedKnownFailures: [],
    generation: [],
    timing: { startupMs: 0, wallMs: 0, serverMs: 0, calls: 1 },
  };

  test("the HTML report escapes everything from contracts and answers", () => {
    const page = formatHtml(hostile);
    expect(page).not.toMatch(/<script>|<img|<h1>boom|<b>&/);
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).toContain("&lt;h1&gt;boom&lt;/h1&gt;");
  });

  test("JUnit XML escapes and lists the failure with its reproducer and seed", () => {
    const xml = formatJunit(hostile);
    expect(xml).toContain('<testsuite name="php" tests="1" failures="1" skipped="0">');
    expect(xml).toContain(
      '<failure message="&lt;b&gt;&amp;">conformance: &lt;b&gt;&amp;\nreproduce: curl &apos;&lt;x&gt;&apos;\nseed: 1</failure>',
    );
  });

  test.each([
    ["1/2", { index: 1, count: 2 }],
    ["3/2", '--shard "3/2": expected i/n with 1 ≤ i ≤ n, such as 2/4'],
    ["0/1", '--shard "0/1": expected i/n with 1 ≤ i ≤ n, such as 2/4'],
    ["x", '--shard "x": expected i/n with 1 ≤ i ≤ n, such as 2/4'],
  ])("--shard %s", (v, want) => {
    const got = (() => {
      try {
        return parseShard(v);
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(got).toEqual(want);
  });

  test("--impl needs name=url", () => {
    expect(parseImplFlag("php=http://127.0.0.1:8080")).toEqual({ name: "php", url: "http://127.0.0.1:8080" });
    expect(() => parseImplFlag("http://x")).toThrow(
      '--impl "http://x": expected name=url such as php=http://127.0.0.1:8080',
    );
  });
});
