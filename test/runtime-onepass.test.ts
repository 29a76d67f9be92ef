/**
 * The boundary's one-pass check (runtime/guard/compile.ts) against the two-pass reference (the guard
 * walk, then ajv): for seeded payloads of every example wire schema — valid ones from the contract-test
 * generator, invalid ones, and random PHP-style mutations of both, as text and as values — the boundary
 * with the compiled check must return exactly what the boundary without it returns (the same value and
 * findings, or the same violations), and the compiled check must never accept what the reference
 * rejects. Its hand-written pattern and format checks are compared with the regexps and ajv-formats
 * functions they replace on random strings.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { describe, expect, it } from "vitest";
import { generateRequests, RequestGenerator } from "../codegen/contract-test/generate.js";
import { createRng, type Rng } from "../codegen/contract-test/rng.js";
import { SchemaIndex } from "../codegen/contract-test/schema-walk.js";
import type { JsonSchema } from "../codegen/wire/index.js";
import { hasSurrogateEscape } from "../runtime/guard/body.js";
import { FastCompiler, simplePattern } from "../runtime/guard/compile.js";
import { type Boundary, createBoundary } from "../runtime/guard/engine.js";
import { isBoundaryError } from "../runtime/guard/errors.js";
import { createWireValidators, loadWireSchemas } from "../runtime/index.js";
import { GOLDEN_SCHEMAS } from "./runtime-php-corpus.js";

const schemas = loadWireSchemas(GOLDEN_SCHEMAS) as JsonSchema[];
const ids = schemas.map((s) => s["$id"] as string).sort();
const names = ids.map((id) => id.slice("urn:contractgen:".length));
const validators = createWireValidators(schemas, names);
const onePass = createBoundary({ schemas, validators });
const twoPass = createBoundary({ schemas, validators, compile: false });
const compiler = new FastCompiler(schemas, { maxDepth: 64, maxArrayLength: 100_000 });

/** Values PHP encoders produce where they should not, and other odd values. */
const ODD: readonly unknown[] = [
  [],
  {},
  { "0": "a", "2": "b" },
  "",
  "1",
  "0",
  "123",
  "12.5",
  "abc",
  1,
  0,
  -1,
  10.5,
  1e21,
  true,
  false,
  null,
  { date: "2025-11-28 09:12:44.000000", timezone_type: 3, timezone: "UTC" },
  ["a", "b"],
  [{ x: 1 }],
  "2025-11-28T09:12:44Z",
  "0b6e2f9c-5a41-4d8e-b3c7-91f2e4a6d015",
  "EUR",
];

function mutate(value: unknown, rng: Rng): unknown {
  const copy = structuredClone(value);
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const visit = (x: unknown) => {
    if (Array.isArray(x)) {
      x.forEach((item, i) => {
        slots.push({ parent: x, key: i });
        visit(item);
      });
    } else if (typeof x === "object" && x !== null) {
      for (const [k, v] of Object.entries(x)) {
        slots.push({ parent: x as Record<string, unknown>, key: k });
        visit(v);
      }
    }
  };
  visit(copy);
  if (slots.length === 0) return structuredClone(rng.pick(ODD));
  const slot = rng.pick(slots);
  const parent = slot.parent as Record<string | number, unknown>;
  const r = rng.next();
  if (r < 0.55) parent[slot.key] = structuredClone(rng.pick(ODD));
  else if (r < 0.7 && !Array.isArray(slot.parent)) {
    const k = String(slot.key);
    const v = parent[k];
    delete parent[k];
    parent[rng.next() < 0.5 ? k.replace(/[A-Z]/, (c) => `_${c.toLowerCase()}`) : `${k}x`] = v;
  } else if (r < 0.8 && !Array.isArray(slot.parent)) delete parent[String(slot.key)];
  else if (r < 0.9) parent[slot.key] = typeof parent[slot.key] === "number" ? 2 ** 53 + 2 : [];
  else if (!Array.isArray(slot.parent)) {
    // An own `__proto__` key, as JSON.parse makes it.
    const value = { polluted: true };
    Object.defineProperty(parent, "__proto__", {
      value,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return copy;
}

/** Text forms of a value: plain, with an integer beyond 2^53, with a lone surrogate escape. */
function texts(value: unknown, rng: Rng): string[] {
  const text = JSON.stringify(value) ?? "null";
  const out = [text];
  const big = text.replace(/(?<=:)-?[0-9]+(?=[,}])/, "9007199254740993");
  if (big !== text) out.push(big);
  if (rng.next() < 0.3) out.push(text.replace(/"([a-z])/, '"\\ud800$1'));
  return out;
}

type Outcome =
  | { readonly ok: true; readonly value: unknown; readonly findings: unknown }
  | { readonly ok: false; readonly code: string; readonly violations: unknown };

function outcome(boundary: Boundary, name: string, input: unknown): Outcome {
  try {
    const r = boundary.check(name, input);
    return { ok: true, value: r.value, findings: r.findings };
  } catch (e) {
    if (!isBoundaryError(e)) throw e;
    return { ok: false, code: String(e.code), violations: e.violations };
  }
}

describe("one-pass check", () => {
  it("every example wire schema compiles to a one-pass check", () => {
    const missing = names.filter((n) => compiler.check(n) === null);
    expect(missing).toEqual([]);
  });

  it("gives exactly the two-pass result on seeded valid, invalid and mutated payloads of every schema", () => {
    let cases = 0;
    let accepted = 0;
    let clean = 0;
    let missed = 0;
    const index = new SchemaIndex(schemas);
    for (const [n, name] of names.entries()) {
      const id = ids[n] as string;
      const rng = createRng(1_000 + n);
      const root = index.root(id);
      if (!root) throw new Error(`no schema ${id}`);
      const validate = validators[name] as (v: unknown) => boolean;
      const generated = generateRequests(new RequestGenerator(index, rng), root, 12, (v) => validate(v), 40);
      const seeds = [...generated.valid, ...generated.invalid].map((g) => g.value);
      const candidates = [...seeds];
      for (let i = 0; i < 90; i++) candidates.push(mutate(rng.pick(seeds.length > 0 ? seeds : [{}]), rng));
      const check = compiler.check(name);
      for (const candidate of candidates) {
        for (const text of texts(candidate, rng)) {
          cases++;
          const reference = outcome(twoPass, name, text);
          const actual = outcome(onePass, name, text);
          expect(actual, `${name} ${text.slice(0, 300)}`).toEqual(reference);
          // The compiled check alone, on the bodies it sees (those starting like a JSON object or list;
          // the reader handles the others): never a yes where the reference finds anything.
          if (text[0] !== "{" && text[0] !== "[") continue;
          const parsed = JSON.parse(text) as unknown;
          const yes = check?.(parsed, hasSurrogateEscape(text)) === true;
          const referenceClean = reference.ok && (reference.findings as unknown[]).length === 0;
          if (yes) accepted++;
          if (referenceClean) clean++;
          if (yes && !referenceClean) throw new Error(`${name}: one pass accepts ${text.slice(0, 300)}`);
          if (!yes && referenceClean) {
            missed++;
            if (process.env.SHOW_MISSED) console.log(name, text.slice(0, 200));
          }
        }
        // Values (check on a parsed value, for queues): both boundaries on their own copy.
        const a = outcome(onePass, name, structuredClone(candidate));
        const b = outcome(twoPass, name, structuredClone(candidate));
        expect(a, `${name} value ${JSON.stringify(candidate)?.slice(0, 300)}`).toEqual(b);
      }
    }
    console.log(
      `one pass: ${cases} cases, ${clean} clean, ${accepted} accepted by the compiled check, ${missed} missed`,
    );
    expect(cases).toBeGreaterThan(10_000);
    // Both sides are well represented, and clean payloads rarely miss the fast path.
    expect(clean).toBeGreaterThan(1_000);
    expect(cases - clean).toBeGreaterThan(3_000);
    expect(accepted).toBe(clean - missed);
    expect(missed / clean).toBeLessThan(0.01);
  });

  it("a schema with a keyword the compiler does not know keeps the two-pass path, with the same results", () => {
    const odd = {
      $id: "urn:contractgen:t.Odd",
      type: "object",
      patternProperties: { "^x-": { type: "string" } },
      additionalProperties: false,
    };
    const c = new FastCompiler([odd], { maxDepth: 64, maxArrayLength: 10 });
    expect(c.check("t.Odd")).toBeNull();
    const b = createBoundary({ schemas: [odd] });
    expect(() => b.check("t.Odd", '{"x-a": 1}')).toThrow(/unknown key/);
  });

  it("an unknown type fails the same way with and without the compiled check", () => {
    expect(() => onePass.check("t.Nope", "{}")).toThrow(/no wire schema/);
    expect(() => twoPass.check("t.Nope", "{}")).toThrow(/no wire schema/);
  });
});

/** Random strings over an alphabet, short and long. */
function strings(alphabet: string, count: number, seed: number, maxLength = 40): string[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const n = rng.int(0, maxLength);
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet[rng.int(0, alphabet.length - 1)];
    return s;
  });
}

/** Mutations of a valid string: one character replaced, inserted or removed. */
function near(valid: readonly string[], alphabet: string, count: number, seed: number): string[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const s = rng.pick(valid);
    const at = rng.int(0, s.length);
    const c = alphabet[rng.int(0, alphabet.length - 1)] as string;
    switch (rng.int(0, 2)) {
      case 0:
        return s.slice(0, at) + c + s.slice(at + 1);
      case 1:
        return s.slice(0, at) + c + s.slice(at);
      default:
        return s.slice(0, at) + s.slice(at + 1);
    }
  });
}

describe("hand-written checks accept exactly what they replace", () => {
  const ajv = new Ajv2020({ strict: false });
  addFormats.default(ajv);

  it.each([
    ["^[A-Z]{3}$", ["EUR", "USD"]],
    ["^[A-Za-z0-9+/_-]*={0,2}$", ["aGVsbG8=", "", "YQ=="]],
    ["^\\+[1-9][0-9]{6,14}$", ["+4922112345678", "+1234567"]],
    ["^[a-z0-9-]+$", ["black-friday-2025"]],
    ["^[A-Za-z0-9_-]+$", ["sess_12345678"]],
    ["^[A-Z0-9-]+$", ["BF-2025"]],
    ["^-?(0|[1-9][0-9]*)$", ["0", "-12", "9007199254740993"]],
    ["^(0|[1-9][0-9]*)$", ["0", "12"]],
    [
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$",
      ["2025-11-28T09:12:44Z", "2025-11-28T09:12:44.123456789+01:00"],
    ],
  ])("pattern %s", (pattern, valid) => {
    const schema = { type: "string", pattern };
    const fast = new FastCompiler([{ $id: "urn:contractgen:t.P", ...schema }], {
      maxDepth: 8,
      maxArrayLength: 8,
    }).check("t.P");
    const re = new RegExp(pattern, "u");
    const alphabet = "09AZaz-+_/=:.TZ ßé😀\n";
    const inputs = [...valid, ...strings(alphabet, 3_000, 7), ...near(valid, alphabet, 3_000, 8)];
    for (const s of inputs) expect(fast?.(s, false), JSON.stringify(s)).toBe(re.test(s));
  });

  it("the Timestamp pattern with the date-time format, read once, accepts what both accept", () => {
    const pattern =
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$";
    const fast = new FastCompiler(
      [{ $id: "urn:contractgen:t.T", type: "string", pattern, format: "date-time" }],
      { maxDepth: 8, maxArrayLength: 8 },
    ).check("t.T");
    const re = new RegExp(pattern, "u");
    const full = (fullFormats["date-time"] as { validate: (s: string) => boolean }).validate;
    const valid = ["2025-11-28T09:12:44Z", "2016-12-31T23:59:60Z", "2024-02-29T00:00:00.123456789-23:59"];
    const alphabet = "0123456789-:.TtZz+ 9";
    const inputs = [...valid, ...strings(alphabet, 3_000, 21, 40), ...near(valid, alphabet, 8_000, 22)];
    for (const y of ["1900", "2000", "2023", "2024"])
      for (let m = 0; m <= 13; m++)
        for (let d = 0; d <= 32; d++)
          inputs.push(`${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}T23:59:59+23:59`);
    for (const s of inputs) expect(fast?.(s, false), JSON.stringify(s)).toBe(re.test(s) && full(s));
  });

  it("the simple-pattern reader declines what it cannot check exactly", () => {
    for (const p of [
      "^[a-z]+[a-z0-9]$",
      "^(a|b)$",
      "^[^a]+$",
      "a+$",
      "^a+?$",
      "^\\d+$",
      "^[a-z]*[a-z]$",
      "^é$",
    ])
      expect(simplePattern(p), p).toBeUndefined();
    expect(simplePattern("^[a-z]+[0-9]{2}$")).toBeTypeOf("function");
  });

  it.each([
    ["date-time", ["2025-11-28T09:12:44Z", "2024-02-29T23:59:60.5+01:00", "1998-12-31t23:59:60z"]],
    ["uuid", ["0b6e2f9c-5a41-4d8e-b3c7-91f2e4a6d015", "urn:uuid:0B6E2F9C-5A41-4D8E-B3C7-91F2E4A6D015"]],
    ["email", ["erika.mustermann@example.com", "A+b@x-1.Y2.de", "a.b.c@d.e"]],
  ])("format %s", (format, valid) => {
    const fast = new FastCompiler([{ $id: "urn:contractgen:t.F", type: "string", format }], {
      maxDepth: 8,
      maxArrayLength: 8,
    }).check("t.F");
    const f = fullFormats[format as keyof typeof fullFormats];
    const full =
      f instanceof RegExp ? (s: string) => f.test(s) : (f as { validate: (s: string) => boolean }).validate;
    const alphabet =
      format === "uuid"
        ? "0123456789abcdefABCDEF-xg:n"
        : format === "email"
          ? "aZ9.@-_+!~ äſK\u212a"
          : "0123456789-:.TtZz+ 9";
    const inputs = [...valid, ...strings(alphabet, 3_000, 11, 45), ...near(valid, alphabet, 5_000, 12)];
    for (const s of inputs) expect(fast?.(s, false), JSON.stringify(s)).toBe(full(s));
    // Every day of four years, including leap days and invalid dates.
    for (const y of ["1900", "2000", "2023", "2024"])
      for (let m = 0; m <= 13; m++)
        for (let d = 0; d <= 32; d++) {
          const s = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}T12:00:00Z`;
          if (format === "date-time") expect(fast?.(s, false), s).toBe(full(s));
        }
    expect(ajv.validate({ type: "string", format }, valid[0])).toBe(true);
  });
});

/** Schemas using the keywords the example contracts do not, for the differential test below. */
const ZOO: JsonSchema[] = [
  {
    $id: "urn:contractgen:zoo.Item",
    type: "object",
    properties: {
      a: { type: "integer", multipleOf: 3, exclusiveMinimum: 0, exclusiveMaximum: 100 },
      b: { type: ["number", "null"], multipleOf: 0.5, minimum: -2.5 },
      c: { type: "string", format: "date", minLength: 1 },
      d: { enum: ["x", 1, null, { k: [1, 2] }] },
      e: { const: { k: "v" } },
      f: { type: "array", items: { type: "integer" }, uniqueItems: true, maxItems: 4 },
      g: {
        type: "array",
        items: { type: "object", additionalProperties: { type: "boolean" } },
        uniqueItems: true,
      },
      h: true,
      i: false,
      j: { $ref: "#/$defs/Code" },
      k: { type: "string", format: "int32" },
      l: { type: "integer", format: "int32" },
    },
    $defs: { Code: { type: "string", pattern: "^[a-z]{2}[0-9]?$" } },
    required: ["a"],
    dependentRequired: { b: ["c"] },
    minProperties: 1,
    maxProperties: 6,
    propertyNames: { maxLength: 1 },
    additionalProperties: false,
  },
  {
    $id: "urn:contractgen:zoo.Cond",
    type: "object",
    properties: { kind: { type: "string" }, n: { type: "number" }, s: { type: "string" } },
    allOf: [{ required: ["kind"] }, { not: { required: ["n", "s"] } }],
    if: { properties: { kind: { const: "num" } } },
    // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
    then: { required: ["n"] },
    else: { required: ["s"] },
  },
  {
    $id: "urn:contractgen:zoo.Union",
    anyOf: [
      {
        type: "object",
        properties: { x: { type: "integer" }, y: { type: "integer" } },
        required: ["x"],
        additionalProperties: false,
      },
      { type: "object", properties: { name: { type: "string" }, x: { type: "string" } }, required: ["name"] },
      { type: "null" },
    ],
  },
  {
    $id: "urn:contractgen:zoo.One",
    type: "object",
    properties: {
      v: {
        oneOf: [
          { type: "object", properties: { t: { const: "a" }, a: { type: "string" } }, required: ["t"] },
          { type: "object", properties: { t: { const: "b" }, b: { type: "integer" } }, required: ["t"] },
          { type: "object", properties: { a: { type: "string" } } },
        ],
      },
      w: { oneOf: [{ type: "integer" }, { type: "number", maximum: 5 }, { type: "string" }] },
      m: { type: "object", additionalProperties: { $ref: "urn:contractgen:zoo.One" } },
      list: {
        type: ["array", "null"],
        items: { anyOf: [{ type: "null" }, { $ref: "urn:contractgen:zoo.Union" }] },
      },
    },
  },
];

/** Valid values of the zoo schemas, mutated by the test. */
const ZOO_SEEDS: Record<string, unknown[]> = {
  "zoo.Item": [
    { a: 3 },
    { a: 6, b: 1.5, c: "2024-02-29" },
    { a: 9, d: { k: [1, 2] }, e: { k: "v" }, f: [1, 2, 3] },
    { a: 3, g: [{ x: true }, { y: false }], h: "anything", j: "ab1", k: "12", l: 5 },
  ],
  "zoo.Cond": [
    { kind: "num", n: 1 },
    { kind: "str", s: "x" },
    { kind: "num", n: 2.5, x: [] },
  ],
  "zoo.Union": [{ x: 1, y: 2 }, { name: "n", x: "s", extra: true }, null],
  "zoo.One": [{ v: { t: "a", a: "s" }, w: 1.5, m: { q: { w: "s" } }, list: [null, { x: 1 }] }],
};

/** A random JSON value with keys from `keys`, up to `depth` levels deep. */
function randomJson(rng: Rng, keys: readonly string[], depth: number): unknown {
  const r = rng.next();
  if (depth <= 0 || r < 0.45) return structuredClone(rng.pick(ODD_LEAVES));
  if (r < 0.6) return Array.from({ length: rng.int(0, 4) }, () => randomJson(rng, keys, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = rng.int(0, 5); i > 0; i--) o[rng.pick(keys)] = randomJson(rng, keys, depth - 1);
  return o;
}

const ODD_LEAVES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  1,
  3,
  6,
  2.5,
  -3,
  99,
  100,
  1.5,
  2147483648,
  -0.5,
  7.25,
  4.5,
  "",
  "x",
  "a",
  "b",
  "ab",
  "ab1",
  "abc",
  "2024-02-29",
  "2023-02-29",
  "12",
  "123",
  "2147483648",
  "num",
  "v",
  { k: [1, 2] },
  { k: "v" },
  { t: "a" },
  { t: "b", b: 1 },
  { x: 1 },
  { name: "n" },
  [1, 2],
  [1, 1],
  [],
];

describe("one-pass check on keywords the examples do not use", () => {
  const zooValidators = createWireValidators(ZOO, ["zoo.Item", "zoo.Cond", "zoo.Union", "zoo.One"]);
  const fast = createBoundary({ schemas: ZOO, validators: zooValidators });
  const slow = createBoundary({ schemas: ZOO, validators: zooValidators, compile: false });
  const keys = [
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "kind",
    "n",
    "s",
    "x",
    "y",
    "name",
    "v",
    "w",
    "m",
    "list",
    "t",
    "zz",
    "__proto__",
  ];

  it.each(["zoo.Item", "zoo.Cond", "zoo.Union", "zoo.One"])(
    "%s: same results on 3,000 random values",
    (name) => {
      expect(new FastCompiler(ZOO, { maxDepth: 64, maxArrayLength: 100 }).check(name)).not.toBeNull();
      const rng = createRng(name.length * 7919);
      let clean = 0;
      const seeds = ZOO_SEEDS[name] ?? [];
      const check = new FastCompiler(ZOO, { maxDepth: 64, maxArrayLength: 100_000 }).check(name);
      let accepted = 0;
      for (let i = 0; i < 3_000; i++) {
        const value =
          i % 2 === 0 || seeds.length === 0 ? randomJson(rng, keys, 4) : mutate(rng.pick(seeds), rng);
        const text = JSON.stringify(value) ?? "null";
        const expected = outcome(slow, name, text);
        expect(outcome(fast, name, text), text).toEqual(expected);
        if (expected.ok) clean++;
        if (check?.(JSON.parse(text), false)) accepted++;
      }
      expect(clean).toBeGreaterThan(200);
      expect(accepted, "payloads the compiled check accepted").toBeGreaterThan(100);
    },
  );
});
