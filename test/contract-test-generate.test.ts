/**
 * Case generation is right by construction: every generated valid case of the example contracts and of
 * a seeded corpus of random contracts (proto through buf, and JSON Schema) validates against its wire
 * schema, every invalid case fails it only at its own path, and nothing is skipped.
 */
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, test } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { generateCases, RequestGenerator, relatedPath } from "../codegen/contract-test/generate.js";
import { phpShapeCases } from "../codegen/contract-test/php-shapes.js";
import { createRng, type Rng } from "../codegen/contract-test/rng.js";
import { SchemaIndex } from "../codegen/contract-test/schema-walk.js";
import { loadContracts } from "../codegen/load/index.js";
import { type JsonSchema, wireId, wireSchemas } from "../codegen/wire/index.js";
import { BUF_YAML, ROOT, scratchDir, writeTree } from "./helpers.js";

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

interface Tally {
  valid: number;
  invalid: number;
  shapes: number;
  skipped: string[];
  bad: string[];
}

/** Generates every case of every request schema in `schemas` and checks each against ajv. */
function check(schemas: readonly JsonSchema[], roots: readonly string[], seed: number): Tally {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const s of schemas) ajv.addSchema(s as object);
  const index = new SchemaIndex(schemas);
  const gen = new RequestGenerator(index, createRng(seed));
  const tally: Tally = { valid: 0, invalid: 0, shapes: 0, skipped: [], bad: [] };
  for (const id of roots) {
    const v = ajv.getSchema(id);
    const root = index.root(id);
    if (!v || !root) throw new Error(`no schema ${id}`);
    const validate = (x: unknown) => (v(x) ? null : (v.errors ?? []));
    const node = index.deref(root);
    const cases = generateCases(gen, node, 5, validate);
    const shapes = phpShapeCases(gen, index, node, [cases.full, cases.minimal], validate);
    tally.valid += cases.valid.length;
    tally.invalid += cases.invalid.length;
    tally.shapes += shapes.cases.length;
    tally.skipped.push(...cases.skipped.map((s) => `${id} ${s.kind} ${s.label}: ${s.reason}`));
    for (const c of [...cases.valid, ...shapes.cases])
      if (!v(c.value)) tally.bad.push(`${id} valid ${c.label}: ${JSON.stringify(v.errors)}`);
    for (const c of cases.invalid) {
      if (v(c.value)) tally.bad.push(`${id} invalid ${c.label} validates`);
      else if (!(v.errors ?? []).every((e) => relatedPath(e.instancePath, c.path, c.owners, c.owners)))
        tally.bad.push(`${id} invalid ${c.label} fails elsewhere: ${JSON.stringify(v.errors)}`);
    }
  }
  return tally;
}

describe("the example contracts", () => {
  test("every generated valid case validates, every invalid one fails at its path, nothing is skipped", async () => {
    const config = resolveConfig(`${ROOT}/test/fixtures/contract-test`, { config: "shop.config.json" });
    const loaded = await loadContracts(config);
    const schemas = [...wireSchemas(loaded).values()];
    const inputs = [...loaded.model.services.values()].flatMap((s) => s.methods.map((m) => wireId(m.input)));
    const t = check(schemas, inputs, 1);
    expect(t.bad).toEqual([]);
    expect(t.skipped).toEqual([]);
    expect(t.valid).toBeGreaterThan(300);
    expect(t.invalid).toBeGreaterThan(200);
  });
});

// --- uniqueItems -------------------------------------------------------------------------------------

const OBJ = {
  type: "object",
  properties: {
    sku: { type: "string", minLength: 1 },
    qty: { type: "integer", minimum: 1, maximum: 9 },
    note: { type: "string", format: "email" },
  },
  required: ["sku"],
  additionalProperties: false,
};
const UNION = {
  type: "object",
  oneOf: [
    {
      type: "object",
      properties: { kind: { const: "card" }, last4: { type: "string", pattern: "^[0-9]{4}$" } },
      required: ["kind", "last4"],
      additionalProperties: false,
    },
    {
      type: "object",
      properties: { kind: { const: "iban" }, iban: { type: "string", minLength: 5 } },
      required: ["kind", "iban"],
      additionalProperties: false,
    },
  ],
};

describe("uniqueItems: distinct items by construction", () => {
  test.each([
    ["objects", 6, OBJ],
    ["a discriminated union", 5, UNION],
    ["lists of objects", 4, { type: "array", items: OBJ, minItems: 1, maxItems: 2 }],
    ["date-times", 8, { type: "string", format: "date-time" }],
    ["multiples of 5 in [5, 40]", 8, { type: "integer", minimum: 5, maximum: 40, multipleOf: 5 }],
    ["nullable objects", 5, { anyOf: [{ type: "null" }, OBJ] }],
  ])("a list of %s with maxItems %d: every valid case validates, none is skipped", (_, max, items) => {
    const id = "urn:contractgen:unique.R";
    const schema = {
      $id: id,
      type: "object",
      properties: { list: { type: "array", items, minItems: 2, maxItems: max, uniqueItems: true } },
      required: ["list"],
      additionalProperties: false,
    } as JsonSchema;
    const t = check([schema], [id], 3);
    expect(t.bad).toEqual([]);
    expect(t.skipped).toEqual([]);
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const index = new SchemaIndex([schema]);
    const v = ajv.compile(schema);
    const root = index.root(id);
    if (!root) throw new Error(`no schema ${id}`);
    const cases = generateCases(new RequestGenerator(index, createRng(3)), index.deref(root), 3, (x) =>
      v(x) ? null : (v.errors ?? []),
    );
    const longest = cases.valid.find((c) => c.label === `/list: ${max} items (maxItems)`);
    expect((longest?.value as { list: unknown[] } | undefined)?.list).toHaveLength(max);
    // The invalid duplicate is still generated (check() proved it fails at /list only).
    expect(cases.invalid.map((c) => c.label)).toContain("/list: a duplicate item");
  });

  test("a list that cannot hold maxItems distinct items (booleans) gets no such case, and none is skipped", () => {
    const id = "urn:contractgen:unique.B";
    const schema = {
      $id: id,
      type: "object",
      properties: { flags: { type: "array", items: { type: "boolean" }, maxItems: 3, uniqueItems: true } },
      additionalProperties: false,
    } as JsonSchema;
    const t = check([schema], [id], 1);
    expect(t.bad).toEqual([]);
    expect(t.skipped).toEqual([]);
  });
});

// --- a seeded corpus of random contracts ------------------------------------------------------------

// uniqueItems appears on 30 % of the corpus's lists, over scalars, objects, unions and lists.
const UNIQUE = true;

const SCALARS = [
  "string",
  "int32",
  "int64",
  "uint64",
  "bool",
  "double",
  "bytes",
  "sint32",
  "fixed64",
  "float",
];

function randomProto(rng: Rng, pkg: string): string {
  const lines = [`syntax = "proto3";`, `package ${pkg};`, `import "google/protobuf/timestamp.proto";`];
  lines.push(`enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; KIND_B = 2; }`);
  const messages: string[] = [];
  for (let m = 0; m < 4; m++) {
    const name = `M${m}`;
    const fields: string[] = [];
    let n = 1;
    const type = () => {
      const r = rng.next();
      if (r < 0.15 && messages.length > 0) return rng.pick(messages);
      if (r < 0.25) return "Kind";
      if (r < 0.3) return "google.protobuf.Timestamp";
      return rng.pick(SCALARS);
    };
    for (let f = 0; f < rng.int(1, 5); f++) {
      const r = rng.next();
      const fname = `field_${f}_name`;
      if (r < 0.2) fields.push(`repeated ${type()} ${fname} = ${n++};`);
      else if (r < 0.3) fields.push(`map<string, ${type()}> ${fname} = ${n++};`);
      else if (r < 0.4) fields.push(`optional ${rng.pick(SCALARS)} ${fname} = ${n++};`);
      else fields.push(`${type()} ${fname} = ${n++};`);
    }
    if (rng.next() < 0.6) {
      const members = Array.from({ length: rng.int(2, 3) }, (_, i) => `${type()} choice_${i} = ${n++};`);
      fields.push(`oneof pick { ${members.join(" ")} }`);
    }
    lines.push(`message ${name} { ${fields.join(" ")} }`);
    messages.push(name);
  }
  lines.push(`service S { rpc Call(M3) returns (M0); }`);
  return `${lines.join("\n")}\n`;
}

function randomSchema(rng: Rng, depth: number): Record<string, unknown> {
  const r = rng.next();
  if (depth > 2 || r < 0.45) {
    const k = rng.int(0, 6);
    if (k === 0) return { type: "string", minLength: rng.int(0, 3), maxLength: rng.int(4, 20) };
    if (k === 1)
      return {
        type: "string",
        pattern: rng.pick(["^[a-z]{2,5}$", "^[A-Z][a-z0-9_-]*$", "^(ab|cd)+[0-9]?$", "^\\d{3}-\\d{2}$"]),
      };
    if (k === 2) return { type: "string", format: rng.pick(["email", "uuid", "date-time", "date", "uri"]) };
    if (k === 3)
      return {
        type: "integer",
        minimum: rng.int(-5, 5),
        maximum: rng.int(10, 100),
        ...(rng.next() < 0.5 ? { multipleOf: 5 } : {}),
      };
    if (k === 4) return { type: ["number", "null"], exclusiveMinimum: 0, maximum: 50 };
    if (k === 5) return { enum: ["red", "green", "blue"] };
    return { type: "boolean" };
  }
  if (r < 0.6)
    return {
      type: "array",
      items: randomSchema(rng, depth + 1),
      minItems: rng.int(0, 1),
      maxItems: rng.int(2, 5),
      ...(rng.next() < 0.3 && UNIQUE ? { uniqueItems: true } : {}),
    };
  if (r < 0.7)
    return {
      type: "object",
      additionalProperties: randomSchema(rng, depth + 1),
      propertyNames: { pattern: "^[a-z]+$" },
      maxProperties: 4,
    };
  if (r < 0.82) {
    const branch = (kind: string) => ({
      type: "object",
      properties: { kind: { const: kind }, value: randomSchema(rng, depth + 1) },
      required: ["kind", "value"],
      additionalProperties: false,
    });
    return { type: "object", oneOf: [branch("a"), branch("b"), branch("c")] };
  }
  const properties: Record<string, unknown> = {};
  const names = Array.from({ length: rng.int(1, 5) }, (_, i) => `p${i}`);
  for (const n of names) properties[n] = randomSchema(rng, depth + 1);
  return {
    type: "object",
    properties,
    required: names.filter(() => rng.next() < 0.5),
    additionalProperties: false,
  };
}

describe("a seeded corpus of random contracts", () => {
  test("JSON Schema: 200 random request schemas, every generated case as labelled, nothing skipped", () => {
    const rng = createRng(2024);
    const schemas: JsonSchema[] = [];
    for (let i = 0; i < 200; i++) {
      const s = randomSchema(rng, 0);
      const root =
        s["type"] === "object" && s["properties"]
          ? s
          : {
              type: "object",
              properties: { a: s, b: randomSchema(rng, 1) },
              required: ["a"],
              additionalProperties: false,
            };
      schemas.push({ $id: `urn:contractgen:corpus.R${i}`, ...root } as JsonSchema);
    }
    const t = check(
      schemas,
      schemas.map((s) => s["$id"] as string),
      7,
    );
    expect(t.bad).toEqual([]);
    expect(t.skipped).toEqual([]);
    expect(t.valid).toBeGreaterThan(2000);
  });

  test("proto: 12 random files through buf, every generated case as labelled, nothing skipped", async () => {
    const rng = createRng(15);
    const dir = await scratchDir("ct-corpus");
    const files: Record<string, string> = { "buf.yaml": BUF_YAML };
    for (let i = 0; i < 12; i++) files[`proto/corpus/p${i}/v1/p.proto`] = randomProto(rng, `corpus.p${i}.v1`);
    await writeTree(dir, files);
    const loaded = await loadContracts(resolveConfig(dir, { jsonSchema: false }));
    const schemas = [...wireSchemas(loaded).values()];
    const inputs = [...loaded.model.services.values()].flatMap((s) => s.methods.map((m) => wireId(m.input)));
    expect(inputs.length).toBe(12);
    const t = check(schemas, inputs, 3);
    expect(t.bad).toEqual([]);
    expect(t.skipped).toEqual([]);
    expect(t.valid).toBeGreaterThan(200);
  });
});
