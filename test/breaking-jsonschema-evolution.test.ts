/**
 * Safe evolution of JSON Schema contracts (issue #19), table-driven: each row is an old schema, a new
 * schema and the verdict in each direction, derived from the sets of accepted values:
 * - request (read by the server): breaking when the new schema rejects a value the old one accepted;
 * - response (read by old clients): breaking when the new schema accepts a value the old one rejected.
 * `maybe` marks a verdict the checker cannot decide exactly: it must then report the change as
 * "possibly breaking" (severity error, with a reason), never as compatible.
 * The classes are the checker's former blind spots: schemas that accept more, open content models,
 * dependentRequired / dependentSchemas / draft-07 dependencies, prefixItems / items / additionalItems,
 * switches between allOf / anyOf / oneOf, and reordered or duplicated `required` lists.
 */
import { describe, expect, test } from "vitest";
import { formatReport } from "../codegen/breaking/report.js";
import { checkerVerdict, DRAFT_07, type Schema, type Verdict } from "./breaking-harness.js";

interface Row {
  readonly name: string;
  readonly old: Schema;
  readonly new: Schema;
  readonly request: Verdict;
  readonly response: Verdict;
  /** `$schema` of both versions (default 2020-12). */
  readonly draft?: string;
}

const S = { type: "string" };
const I = { type: "integer" };
const N = { type: "number" };
const B = { type: "boolean" };
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "object",
  properties,
  ...extra,
});
/** `then` as a key (Biome flags a literal `then` property on objects). */
const THEN = "then";
const int = (extra: Record<string, unknown>) => ({ type: "integer", ...extra });

const rows: Row[] = [
  // --- the new schema accepts more: safe for requests, breaking for responses
  {
    name: "constraints dropped to {}",
    old: { type: "string", minLength: 1 },
    new: {},
    request: "ok",
    response: "break",
  },
  { name: "string → true", old: S, new: true, request: "ok", response: "break" },
  { name: "false → string", old: false, new: S, request: "ok", response: "break" },
  {
    name: "closed object → {}",
    old: obj({ a: S }, { required: ["a"], additionalProperties: false }),
    new: {},
    request: "ok",
    response: "break",
  },
  {
    name: "not dropped",
    old: { type: "string", not: { const: "" } },
    new: S,
    request: "ok",
    response: "break",
  },
  { name: "not added", old: I, new: int({ not: { const: 0 } }), request: "break", response: "ok" },
  {
    name: "looser not (excludes less)",
    old: { not: { type: ["string", "integer"] } },
    new: { not: { type: "string" } },
    request: "ok",
    response: "break",
  },
  {
    name: "tighter not (excludes more)",
    old: { not: { type: "string" } },
    new: { not: { type: ["string", "integer"] } },
    request: "break",
    response: "ok",
  },
  {
    name: "not on a bound loosened",
    old: int({ not: { minimum: 10 } }),
    new: int({ not: { minimum: 20 } }),
    request: "ok",
    response: "break",
  },
  { name: "anyOf → {}", old: { anyOf: [S, I] }, new: {}, request: "ok", response: "break" },
  { name: "allOf dropped", old: int({ allOf: [{ minimum: 0 }] }), new: I, request: "ok", response: "break" },
  { name: "enum → true", old: { enum: [1, 2] }, new: true, request: "ok", response: "break" },
  { name: "const → string", old: { const: "a" }, new: S, request: "ok", response: "break" },
  {
    name: "if/then dropped",
    old: int({ if: { minimum: 10 }, [THEN]: { multipleOf: 2 } }),
    new: I,
    request: "ok",
    response: "break",
  },
  {
    name: "then loosened",
    old: int({ if: { minimum: 10 }, [THEN]: { maximum: 20 } }),
    new: int({ if: { minimum: 10 }, [THEN]: { maximum: 30 } }),
    request: "ok",
    response: "break",
  },
  {
    name: "if changed (undecidable)",
    old: int({ if: { minimum: 10 }, [THEN]: { maximum: 20 } }),
    new: int({ if: { minimum: 5 }, [THEN]: { maximum: 20 } }),
    request: "maybe",
    response: "maybe",
  },
  {
    name: "pattern changed (regular expressions are not compared)",
    old: { type: "string", pattern: "^[a-z]+$" },
    new: { type: "string", pattern: "^[a-z0-9]+$" },
    request: "maybe",
    response: "maybe",
  },
  // --- open content models
  {
    name: "constrained property added to an open object",
    old: obj({}),
    new: obj({ a: S }),
    request: "break",
    response: "ok",
  },
  {
    name: "property added under a schema for additional properties, narrower",
    old: obj({}, { additionalProperties: S }),
    new: obj({ a: { type: "string", maxLength: 3 } }, { additionalProperties: S }),
    request: "break",
    response: "ok",
  },
  {
    name: "property added under a schema for additional properties, wider",
    old: obj({}, { additionalProperties: S }),
    new: obj({ a: { type: ["string", "integer"] } }, { additionalProperties: S }),
    request: "ok",
    response: "break",
  },
  {
    name: "unconstrained property added to an open object",
    old: obj({}),
    new: obj({ a: {} }),
    request: "ok",
    response: "ok",
  },
  {
    name: "property added to a closed object",
    old: obj({}, { additionalProperties: false }),
    new: obj({ a: S }, { additionalProperties: false }),
    request: "ok",
    response: "break",
  },
  {
    name: "property removed from an open object",
    old: obj({ a: S }),
    new: obj({}),
    request: "ok",
    response: "break",
  },
  // --- dependentRequired / dependentSchemas / dependencies
  {
    name: "dependentRequired removed",
    old: { type: "object", dependentRequired: { a: ["b"] } },
    new: { type: "object" },
    request: "ok",
    response: "break",
  },
  {
    name: "dependentRequired added",
    old: { type: "object" },
    new: { type: "object", dependentRequired: { a: ["b"] } },
    request: "break",
    response: "ok",
  },
  {
    name: "dependentRequired grows",
    old: { type: "object", dependentRequired: { a: ["b"] } },
    new: { type: "object", dependentRequired: { a: ["b", "c"] } },
    request: "break",
    response: "ok",
  },
  {
    name: "dependentRequired reordered",
    old: { type: "object", dependentRequired: { a: ["b", "c"] } },
    new: { type: "object", dependentRequired: { a: ["c", "b", "b"] } },
    request: "ok",
    response: "ok",
  },
  {
    name: "dependentRequired on a required trigger becomes required",
    old: { type: "object", required: ["a", "b"], dependentRequired: { a: ["b"] } },
    new: { type: "object", required: ["a", "b"] },
    request: "ok",
    response: "ok",
  },
  {
    name: "dependentSchemas narrowed",
    old: { type: "object", dependentSchemas: { a: { required: ["b"] } } },
    new: { type: "object", dependentSchemas: { a: { required: ["b"], properties: { b: S } } } },
    request: "break",
    response: "ok",
  },
  {
    name: "dependentSchemas removed",
    old: { type: "object", dependentSchemas: { a: { required: ["b"] } } },
    new: { type: "object" },
    request: "ok",
    response: "break",
  },
  {
    name: "draft-07 dependencies (names) removed",
    old: { type: "object", dependencies: { a: ["b"] } },
    new: { type: "object" },
    request: "ok",
    response: "break",
    draft: DRAFT_07,
  },
  {
    name: "draft-07 dependencies (names) grow",
    old: { type: "object", dependencies: { a: ["b"] } },
    new: { type: "object", dependencies: { a: ["b", "c"] } },
    request: "break",
    response: "ok",
    draft: DRAFT_07,
  },
  {
    name: "draft-07 dependencies (schema) loosened",
    old: { type: "object", dependencies: { a: { properties: { b: { maxLength: 3 } } } } },
    new: { type: "object", dependencies: { a: { properties: { b: { maxLength: 5 } } } } },
    request: "ok",
    response: "break",
    draft: DRAFT_07,
  },
  // --- prefixItems / items / additionalItems
  {
    name: "prefixItems position added (rest was free)",
    old: { type: "array", prefixItems: [S] },
    new: { type: "array", prefixItems: [S, I] },
    request: "break",
    response: "ok",
  },
  {
    name: "prefixItems position removed (rest free)",
    old: { type: "array", prefixItems: [S, I] },
    new: { type: "array", prefixItems: [S] },
    request: "ok",
    response: "break",
  },
  {
    name: "prefixItems position added to a closed tuple",
    old: { type: "array", prefixItems: [S], items: false },
    new: { type: "array", prefixItems: [S, I], items: false },
    request: "ok",
    response: "break",
  },
  {
    name: "items narrowed",
    old: { type: "array", items: S },
    new: { type: "array", items: { type: "string", maxLength: 3 } },
    request: "break",
    response: "ok",
  },
  {
    name: "rest items opened",
    old: { type: "array", prefixItems: [S], items: false },
    new: { type: "array", prefixItems: [S] },
    request: "ok",
    response: "break",
  },
  {
    name: "prefixItems position made nullable",
    old: { type: "array", prefixItems: [S] },
    new: { type: "array", prefixItems: [{ type: ["string", "null"] }] },
    request: "ok",
    response: "break",
  },
  {
    name: "draft-07 additionalItems false → schema",
    old: { type: "array", items: [S], additionalItems: false },
    new: { type: "array", items: [S], additionalItems: I },
    request: "ok",
    response: "break",
    draft: DRAFT_07,
  },
  {
    name: "draft-07 additionalItems added",
    old: { type: "array", items: [S] },
    new: { type: "array", items: [S], additionalItems: false },
    request: "break",
    response: "ok",
    draft: DRAFT_07,
  },
  {
    name: "draft-07 tuple items → single items schema",
    old: { type: "array", items: [S], additionalItems: S },
    new: { type: "array", items: S },
    request: "ok",
    response: "ok",
    draft: DRAFT_07,
  },
  {
    name: "contains narrowed under maxContains (fewer matches: more arrays pass)",
    old: { type: "array", contains: true, maxContains: 2 },
    new: { type: "array", contains: { type: "number" }, maxContains: 2 },
    request: "break",
    response: "break",
  },
  {
    name: "contains narrowed without maxContains",
    old: { type: "array", contains: true },
    new: { type: "array", contains: { type: "number" } },
    request: "break",
    response: "ok",
  },
  {
    name: "minContains dropped (absent means 1)",
    old: { type: "array", contains: B, minContains: 0 },
    new: { type: "array", contains: B },
    request: "break",
    response: "ok",
  },
  {
    name: "additionalProperties: true next to unevaluatedProperties: false",
    old: obj({}, { unevaluatedProperties: false }),
    new: obj({}, { unevaluatedProperties: false, additionalProperties: true }),
    request: "ok",
    response: "break",
  },
  {
    name: "anyOf added next to an existing oneOf",
    old: { oneOf: [S, I] },
    new: { oneOf: [S, I], anyOf: [{ type: "string", maxLength: 2 }, I] },
    request: "break",
    response: "ok",
  },
  // --- switching between allOf / anyOf / oneOf
  {
    name: "anyOf → oneOf, disjoint types",
    old: { anyOf: [S, I] },
    new: { oneOf: [S, I] },
    request: "ok",
    response: "ok",
  },
  {
    name: "oneOf → anyOf, disjoint types",
    old: { oneOf: [S, I] },
    new: { anyOf: [S, I] },
    request: "ok",
    response: "ok",
  },
  {
    name: "anyOf → oneOf, overlapping branches",
    old: int({ anyOf: [{ minimum: 0 }, { maximum: 10 }] }),
    new: int({ oneOf: [{ minimum: 0 }, { maximum: 10 }] }),
    request: "maybe",
    response: "ok",
  },
  {
    name: "oneOf → anyOf, overlapping branches",
    old: int({ oneOf: [{ minimum: 0 }, { maximum: 10 }] }),
    new: int({ anyOf: [{ minimum: 0 }, { maximum: 10 }] }),
    request: "ok",
    response: "maybe",
  },
  {
    name: "anyOf → oneOf, overlap not decidable",
    old: {
      anyOf: [
        { type: "string", pattern: "^a" },
        { type: "string", pattern: "b$" },
      ],
    },
    new: {
      oneOf: [
        { type: "string", pattern: "^a" },
        { type: "string", pattern: "b$" },
      ],
    },
    request: "maybe",
    response: "ok",
  },
  {
    name: "allOf of one → anyOf of one",
    old: int({ allOf: [{ minimum: 0 }] }),
    new: int({ anyOf: [{ minimum: 0 }] }),
    request: "ok",
    response: "ok",
  },
  {
    name: "allOf → anyOf (more accepted)",
    old: int({ allOf: [{ minimum: 0 }, { maximum: 10 }] }),
    new: int({ anyOf: [{ minimum: 0 }, { maximum: 10 }] }),
    request: "ok",
    response: "break",
  },
  {
    name: "anyOf → allOf (less accepted)",
    old: int({ anyOf: [{ minimum: 0 }, { maximum: 10 }] }),
    new: int({ allOf: [{ minimum: 0 }, { maximum: 10 }] }),
    request: "break",
    response: "ok",
  },
  {
    name: "oneOf → anyOf with a branch more",
    old: { oneOf: [S, I] },
    new: { anyOf: [S, I, N] },
    request: "ok",
    response: "break",
  },
  {
    name: "anyOf → oneOf with a branch fewer",
    old: { anyOf: [S, I, B] },
    new: { oneOf: [S, I] },
    request: "break",
    response: "ok",
  },
  {
    name: "oneOf of one → allOf of one",
    old: { oneOf: [S] },
    new: { allOf: [S] },
    request: "ok",
    response: "ok",
  },
  {
    name: "allOf → oneOf of the same branches",
    old: { allOf: [S, { maxLength: 3 }] },
    new: { oneOf: [S, { maxLength: 3 }] },
    request: "maybe",
    response: "break",
  },
  {
    name: "anyOf branches reordered",
    old: { anyOf: [S, I, { type: "object", required: ["a", "b"] }] },
    new: { anyOf: [{ type: "object", required: ["b", "a"] }, S, I] },
    request: "ok",
    response: "ok",
  },
  {
    name: "keywords beside a union kept in every branch (union → one schema)",
    old: int({ minimum: 5, anyOf: [{ minimum: 0 }, { maximum: 100 }] }),
    new: int({ minimum: 0 }),
    request: "ok",
    response: "break",
  },
  {
    name: "keywords beside a union that do not merge exactly",
    old: { type: "string", pattern: "^a", anyOf: [{ pattern: "b$" }, { maxLength: 3 }] },
    new: { type: "string", pattern: "^a" },
    request: "ok",
    response: "break",
  },
  // --- named declarations ($defs + $ref)
  {
    name: "keyword added next to a $ref to the same declaration",
    old: { type: "array", items: { $ref: "#/$defs/X" }, $defs: { X: { type: "array" } } },
    new: { type: "array", items: { $ref: "#/$defs/X", maxItems: 2 }, $defs: { X: { type: "array" } } },
    request: "break",
    response: "ok",
  },
  {
    name: "declaration under not widened (the whole narrows)",
    old: { not: { $ref: "#/$defs/X" }, $defs: { X: { type: "boolean" } } },
    new: { not: { $ref: "#/$defs/X" }, $defs: { X: { type: ["boolean", "null"] } } },
    request: "break",
    response: "break",
  },
  {
    name: "keyword next to a $ref dropped when the $ref moves to another declaration",
    old: { type: "array", items: { $ref: "#/$defs/A", maxItems: 2 }, $defs: { A: { type: "array" } } },
    new: {
      type: "array",
      items: { $ref: "#/$defs/B" },
      $defs: { A: { type: "array" }, B: { type: "array" } },
    },
    request: "ok",
    response: "break",
  },
  {
    name: "declaration in a tagged oneOf widened (disjoint branches keep the sign)",
    old: {
      oneOf: [{ $ref: "#/$defs/A" }, { $ref: "#/$defs/B" }],
      $defs: {
        A: obj({ kind: { const: "a" }, m: { enum: ["x"] } }, { required: ["kind"] }),
        B: obj({ kind: { const: "b" } }, { required: ["kind"] }),
      },
    },
    new: {
      oneOf: [{ $ref: "#/$defs/A" }, { $ref: "#/$defs/B" }],
      $defs: {
        A: obj({ kind: { const: "a" }, m: { enum: ["x", "y"] } }, { required: ["kind"] }),
        B: obj({ kind: { const: "b" } }, { required: ["kind"] }),
      },
    },
    request: "ok",
    response: "break",
  },
  // --- required lists
  {
    name: "required reordered",
    old: obj({ a: S, b: S }, { required: ["a", "b"] }),
    new: obj({ a: S, b: S }, { required: ["b", "a"] }),
    request: "ok",
    response: "ok",
  },
  {
    name: "required with a duplicate",
    old: obj({ a: S, b: S }, { required: ["a", "b"] }),
    new: obj({ a: S, b: S }, { required: ["a", "b", "a"] }),
    request: "ok",
    response: "ok",
  },
  {
    name: "required shrinks",
    old: obj({ a: S, b: S }, { required: ["a", "b"] }),
    new: obj({ a: S, b: S }, { required: ["b"] }),
    request: "ok",
    response: "break",
  },
  {
    name: "required inside a oneOf branch reordered",
    old: { oneOf: [{ type: "object", required: ["a", "b"] }, S] },
    new: { oneOf: [S, { type: "object", required: ["b", "a"] }] },
    request: "ok",
    response: "ok",
  },
];

describe("JSON Schema evolution: old → new, verdict per direction", () => {
  test("the table covers every class with enough rows", () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });
  describe.each(rows)("$name", (row) => {
    test.each(["request", "response"] as const)("%s", (direction) => {
      const { verdict, findings } = checkerVerdict(row.old, row.new, direction, row.draft);
      const shown = findings.map(
        (f) => `${f.rule} ${f.effect}${f.possibly ? " (possibly)" : ""}: ${f.message}`,
      );
      expect(verdict, shown.join("\n")).toBe(row[direction]);
      if (verdict === "maybe")
        for (const f of findings) if (f.possibly !== undefined) expect(f.possibly).not.toBe("");
    });
  });
});

describe("possibly breaking findings in the report", () => {
  const row = rows.find((r) => r.name === "anyOf → oneOf, overlap not decidable")!;
  const { findings } = checkerVerdict(row.old, row.new, "request");
  const report = {
    against: "main",
    breaking: true,
    ignored: [],
    findings: findings.map((f) => ({
      kind: "jsonschema" as const,
      rule: f.rule,
      severity: "error" as const,
      direction: f.direction,
      message: f.message,
      file: f.file,
      pointer: f.pointer,
      ...(f.possibly !== undefined ? { possibly: f.possibly } : {}),
    })),
  };
  test("every format says why the verdict is only possible", () => {
    expect(report.findings.map((f) => f.rule)).toEqual(["UNION_KIND_CHANGED"]);
    for (const format of ["text", "github", "junit"] as const)
      expect(formatReport(report, format)).toContain("possibly breaking: the branches may overlap");
    const json = JSON.parse(formatReport(report, "json")) as { findings: { possibly?: string }[] };
    expect(json.findings[0]?.possibly).toMatch(/branches may overlap/);
  });
});
