/**
 * Soundness of the JSON Schema breaking checker, checked independently of it: a seeded generator
 * makes schema pairs (a random schema and a mutation of it) and a pool of instances; ajv decides which
 * instances each version accepts. For every pair and direction:
 * - request: if the checker says "compatible", no instance valid under the old schema may be invalid
 *   under the new one;
 * - response: if the checker says "compatible", no instance valid under the new schema may be invalid
 *   under the old one.
 * A counterexample to a "compatible" verdict fails the test (with the pair and the instance). The
 * agreement rate (the checker's verdict against "a counterexample was found") is printed and kept
 * above a floor; docs/breaking.md quotes the figures.
 */
import Ajv2020Module from "ajv/dist/2020.js";
import { describe, expect, test } from "vitest";
import { checkerVerdict, type Schema, type Verdict } from "./breaking-harness.js";

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;

const SEED = Number(process.env["SOUNDNESS_SEED"] ?? 19);
const PAIRS = Number(process.env["SOUNDNESS_PAIRS"] ?? 400);
const INSTANCES = 240;

/** mulberry32: a small seeded generator, so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Obj = Record<string, unknown>;

class Gen {
  constructor(readonly rand: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rand() * list.length)]!;
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  subset<T>(list: readonly T[], p = 0.5): T[] {
    return list.filter(() => this.chance(p));
  }
}

const NAMES = ["a", "b", "c"] as const;
const STRINGS = ["", "a", "ab", "abc", "abcd", "b", "ba"];
const NUMBERS = [-1, 0, 1, 2, 3, 5, 6, 9, 10, 11, 0.5, 2.5];
const SCALARS: unknown[] = [null, true, false, ...NUMBERS, ...STRINGS];

function scalarSchema(g: Gen): Obj {
  const type = g.pick(["string", "integer", "number", "boolean", "null", "multi"]);
  if (type === "multi")
    return {
      type: g.pick([
        ["string", "integer"],
        ["integer", "null"],
        ["number", "string"],
      ]),
    };
  const s: Obj = { type };
  if (type === "string") {
    if (g.chance(0.4)) s["minLength"] = g.int(0, 3);
    if (g.chance(0.4)) s["maxLength"] = g.int(1, 4);
    if (g.chance(0.15)) s["enum"] = g.subset(STRINGS, 0.4);
    if (g.chance(0.1)) s["pattern"] = g.pick(["^a", "b$"]);
  } else if (type === "integer" || type === "number") {
    if (g.chance(0.4)) s[g.chance(0.7) ? "minimum" : "exclusiveMinimum"] = g.int(-1, 5);
    if (g.chance(0.4)) s[g.chance(0.7) ? "maximum" : "exclusiveMaximum"] = g.int(5, 11);
    if (g.chance(0.15)) s["multipleOf"] = g.pick([2, 3, 0.5]);
    if (g.chance(0.1)) s["const"] = g.pick(NUMBERS);
  }
  return s;
}

/** `then` as a key (Biome flags a literal `then` property on objects). */
const THEN = "then";

function schema(g: Gen, depth: number): Schema {
  const roll = g.rand();
  if (depth <= 0 || roll < 0.35) return roll < 0.03 ? g.pick([true, {}]) : scalarSchema(g);
  if (roll < 0.6) {
    const properties: Obj = {};
    for (const name of g.subset(NAMES, 0.6)) properties[name] = schema(g, depth - 1);
    const s: Obj = { type: "object", properties };
    const required = g.subset(NAMES, 0.3);
    if (required.length > 0) s["required"] = required;
    if (g.chance(0.35)) s["additionalProperties"] = g.chance(0.6) ? false : schema(g, 0);
    if (g.chance(0.15)) s["dependentRequired"] = { [g.pick(NAMES)]: g.subset(NAMES, 0.5) };
    if (g.chance(0.1)) s["dependentSchemas"] = { [g.pick(NAMES)]: { required: g.subset(NAMES, 0.5) } };
    if (g.chance(0.1)) s["minProperties"] = g.int(0, 2);
    if (g.chance(0.1)) s["patternProperties"] = { [g.pick(["^a", "^z", "c"])]: schema(g, 0) };
    if (g.chance(0.08)) s["propertyNames"] = { maxLength: 1 };
    if (g.chance(0.08)) s["unevaluatedProperties"] = g.chance(0.7) ? false : schema(g, 0);
    if (g.chance(0.1)) s["maxProperties"] = g.int(1, 3);
    return s;
  }
  if (roll < 0.75) {
    const s: Obj = { type: "array" };
    if (g.chance(0.4)) {
      s["prefixItems"] = Array.from({ length: g.int(1, 2) }, () => schema(g, depth - 1));
      if (g.chance(0.5)) s["items"] = g.chance(0.5) ? false : schema(g, 0);
    } else if (g.chance(0.7)) s["items"] = schema(g, depth - 1);
    if (g.chance(0.3)) s["minItems"] = g.int(0, 2);
    if (g.chance(0.3)) s["maxItems"] = g.int(1, 3);
    if (g.chance(0.15)) s["uniqueItems"] = true;
    if (g.chance(0.12)) {
      s["contains"] = schema(g, 0);
      if (g.chance(0.5)) s["minContains"] = g.int(0, 2);
      if (g.chance(0.3)) s["maxContains"] = g.int(1, 2);
    }
    return s;
  }
  const keyword = g.pick(["anyOf", "oneOf", "allOf", "not", "if"]);
  if (keyword === "not") return { not: schema(g, depth - 1) };
  if (keyword === "if") {
    const s: Obj = { if: schema(g, 0) };
    s[THEN] = schema(g, depth - 1);
    if (g.chance(0.5)) s["else"] = schema(g, depth - 1);
    return s;
  }
  return { [keyword]: Array.from({ length: g.int(1, 3) }, () => schema(g, depth - 1)) };
}

/** Every object subschema of `s` with a setter that replaces it in a copy. */
function subschemas(s: Schema): { node: Schema; path: (string | number)[] }[] {
  const out: { node: Schema; path: (string | number)[] }[] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (typeof node === "boolean") {
      out.push({ node, path });
      return;
    }
    if (node === null || typeof node !== "object" || Array.isArray(node)) return;
    out.push({ node: node as Obj, path });
    const o = node as Obj;
    for (const k of [
      "items",
      "additionalProperties",
      "unevaluatedProperties",
      "contains",
      "not",
      "if",
      "then",
      "else",
    ])
      if (k in o) walk(o[k], [...path, k]);
    for (const k of ["anyOf", "oneOf", "allOf", "prefixItems"])
      if (Array.isArray(o[k])) for (const [i, x] of (o[k] as unknown[]).entries()) walk(x, [...path, k, i]);
    for (const k of ["properties", "dependentSchemas", "patternProperties", "$defs"])
      if (o[k] && typeof o[k] === "object")
        for (const [name, x] of Object.entries(o[k] as Obj)) walk(x, [...path, k, name]);
  };
  walk(s, []);
  return out;
}

function replaceAt(root: Schema, path: readonly (string | number)[], value: Schema): Schema {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Obj;
  let node: Record<string | number, unknown> = copy;
  for (const t of path.slice(0, -1)) node = node[t] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

const NUMERIC = [
  "minContains",
  "maxContains",
  "maxProperties",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "minProperties",
];

/** One random edit of a subschema: drop or tweak a keyword, swap a composition, replace, loosen, wrap. */
function mutate(g: Gen, root: Schema): Schema {
  const { node, path } = g.pick(subschemas(root));
  if (typeof node === "boolean") return replaceAt(root, path, g.chance(0.5) ? !node : scalarSchema(g));
  const s = structuredClone(node);
  const keys = Object.keys(s);
  switch (g.int(0, 9)) {
    case 0:
    case 1: {
      if (keys.length > 0) delete s[g.pick(keys)];
      break;
    }
    case 2: {
      const k = keys.find((x) => NUMERIC.includes(x)) ?? g.pick(NUMERIC);
      const v = typeof s[k] === "number" ? (s[k] as number) : g.int(0, 5);
      s[k] = Math.max(0, v + g.pick([-2, -1, 1, 2]));
      break;
    }
    case 3: {
      const from = ["anyOf", "oneOf", "allOf"].find((k) => Array.isArray(s[k]));
      if (from) {
        const to = g.pick(["anyOf", "oneOf", "allOf"].filter((k) => k !== from));
        s[to] = s[from];
        delete s[from];
      } else return replaceAt(root, path, { anyOf: [s, schema(g, 1)] });
      break;
    }
    case 4: {
      if (Array.isArray(s["required"])) {
        const list = [...(s["required"] as string[])].reverse();
        s["required"] = g.chance(0.5) ? [...list, ...list.slice(0, 1)] : list;
      } else s["required"] = g.subset(NAMES, 0.4);
      break;
    }
    case 5:
      return replaceAt(root, path, schema(g, 1));
    case 6:
      return replaceAt(root, path, g.pick([true, {}, { type: s["type"] ?? "string" }]));
    case 7: {
      // (an empty type list is not a valid schema: ajv would read it as "any type")
      if (Array.isArray(s["type"]) && (s["type"] as string[]).length > 1)
        s["type"] = (s["type"] as string[]).slice(1);
      else if (Array.isArray(s["type"])) s["type"] = "boolean";
      else if (typeof s["type"] === "string") s["type"] = [s["type"], g.pick(["null", "string", "integer"])];
      else s["type"] = g.pick(["string", "integer", "object"]);
      break;
    }
    case 8: {
      if (s["additionalProperties"] === false) delete s["additionalProperties"];
      else if (s["type"] === "object") s["additionalProperties"] = false;
      else s["not"] = scalarSchema(g);
      break;
    }
    default: {
      const extra = schema(g, 1);
      if (typeof extra === "object") Object.assign(s, extra);
    }
  }
  return replaceAt(root, path, s);
}

/**
 * Sometimes moves a subschema into `$defs/X` and refers to it with `$ref` (named declarations are
 * compared on their own, in the direction of the schemas that use them).
 */
function withDefs(g: Gen, root: Schema): Schema {
  if (typeof root === "boolean" || !g.chance(0.25)) return root;
  const inner = subschemas(root).filter((x) => x.path.length > 0 && typeof x.node === "object");
  if (inner.length === 0) return root;
  const { node, path } = g.pick(inner);
  const out = replaceAt(root, path, { $ref: "#/$defs/X" }) as Obj;
  out["$defs"] = { X: node };
  return out;
}

function value(g: Gen, depth: number): unknown {
  const roll = g.rand();
  if (depth <= 0 || roll < 0.55) return g.pick(SCALARS);
  if (roll < 0.8) {
    const out: Obj = {};
    for (const name of g.subset(NAMES, 0.55)) out[name] = value(g, depth - 1);
    if (g.chance(0.1)) out["z"] = g.pick(SCALARS);
    return out;
  }
  return Array.from({ length: g.int(0, 3) }, () => value(g, depth - 1));
}

/** A value meant to be valid under `s` (types, bounds, required properties, branches honoured where cheap). */
function sample(g: Gen, s: Schema, depth = 4): unknown {
  if (s === false || depth <= 0) return g.pick(SCALARS);
  if (s === true) return value(g, 2);
  if ("const" in s) return s["const"];
  if (Array.isArray(s["enum"]) && s["enum"].length > 0) return g.pick(s["enum"] as unknown[]);
  for (const k of ["anyOf", "oneOf", "allOf"])
    if (Array.isArray(s[k]) && (s[k] as unknown[]).length > 0)
      return sample(g, { ...s, [k]: undefined, ...(g.pick(s[k] as Schema[]) as Obj) } as Obj, depth - 1);
  if (s["if"] !== undefined && g.chance(0.5)) return sample(g, s["if"] as Schema, depth - 1);
  const types = typeof s["type"] === "string" ? [s["type"]] : Array.isArray(s["type"]) ? s["type"] : [];
  const type =
    types.length > 0 ? g.pick(types as string[]) : g.pick(["string", "integer", "object", "array", "null"]);
  const num = (k: string): number | undefined => (typeof s[k] === "number" ? (s[k] as number) : undefined);
  switch (type) {
    case "string": {
      const lo = num("minLength") ?? 0;
      const hi = Math.max(lo, num("maxLength") ?? lo + 3);
      const len = g.int(lo, hi);
      return (g.pick(["a", "b"]) + "ab".repeat(4)).slice(0, len);
    }
    case "integer":
    case "number": {
      const lo =
        num("minimum") ?? (num("exclusiveMinimum") !== undefined ? num("exclusiveMinimum")! + 1 : -1);
      const hi =
        num("maximum") ?? (num("exclusiveMaximum") !== undefined ? num("exclusiveMaximum")! - 1 : 11);
      const m = num("multipleOf");
      const v = g.int(Math.ceil(lo), Math.max(Math.ceil(lo), Math.floor(hi)));
      if (type === "number" && g.chance(0.2)) return v + 0.5;
      return m && m >= 1 ? Math.ceil(v / m) * m : v;
    }
    case "boolean":
      return g.chance(0.5);
    case "null":
      return null;
    case "object": {
      const props = (s["properties"] ?? {}) as Obj;
      const out: Obj = {};
      const required = Array.isArray(s["required"]) ? (s["required"] as string[]) : [];
      for (const name of new Set([...required, ...g.subset(Object.keys(props), 0.5)]))
        out[name] = sample(
          g,
          (props[name] as Schema | undefined) ?? (s["additionalProperties"] as Schema | undefined) ?? true,
          depth - 1,
        );
      if (g.chance(0.2)) out[g.pick(NAMES)] = g.pick(SCALARS);
      return out;
    }
    case "array": {
      const prefix = Array.isArray(s["prefixItems"]) ? (s["prefixItems"] as Schema[]) : [];
      const lo = num("minItems") ?? 0;
      const hi = Math.max(lo, num("maxItems") ?? prefix.length + 2);
      return Array.from({ length: g.int(lo, hi) }, (_, i) =>
        sample(g, prefix[i] ?? (s["items"] as Schema | undefined) ?? true, depth - 1),
      );
    }
    default:
      return value(g, 2);
  }
}

interface Outcome {
  readonly direction: "request" | "response";
  readonly verdict: Verdict;
  /** An instance the change breaks, found with ajv. */
  readonly counterexample?: { value: unknown };
  readonly pair: string;
  readonly rules: string;
}

describe("soundness of the JSON Schema checker against ajv", () => {
  test(`${PAIRS} generated pairs (seed ${SEED}): no "compatible" verdict has a counterexample`, () => {
    const g = new Gen(prng(SEED));
    const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
    const outcomes: Outcome[] = [];
    const unsound: string[] = [];
    let skipped = 0;
    for (let i = 0; i < PAIRS; i++) {
      const old = withDefs(g, schema(g, 3));
      let next = mutate(g, old);
      if (g.chance(0.3)) next = mutate(g, next);
      // ajv 8 deviates from 2020-12 here: `{prefixItems: [...], contains: S}` accepts `[]` (checked:
      // ajv 8.20 returns true), so such pairs have no trustworthy reference.
      if (
        [old, next].some((x) =>
          subschemas(x).some(
            ({ node }) => typeof node === "object" && "prefixItems" in node && "contains" in node,
          ),
        )
      ) {
        skipped++;
        continue;
      }
      let validOld: (v: unknown) => boolean;
      let validNew: (v: unknown) => boolean;
      try {
        const a = ajv.compile(typeof old === "boolean" ? old : { ...old });
        const b = ajv.compile(typeof next === "boolean" ? next : { ...next });
        validOld = (v) => a(v) as boolean;
        validNew = (v) => b(v) as boolean;
      } catch {
        skipped++;
        continue;
      }
      const pool = [
        ...SCALARS,
        ...Array.from({ length: INSTANCES }, () => value(g, 3)),
        ...Array.from({ length: INSTANCES / 2 }, () => sample(g, old)),
        ...Array.from({ length: INSTANCES / 2 }, () => sample(g, next)),
        // values of inner schemas (a `not` body, an `if`, a branch) reach what the whole rarely does
        ...[...subschemas(old), ...subschemas(next)].flatMap(({ node }) => [
          sample(g, node),
          sample(g, node),
        ]),
      ];
      for (const direction of ["request", "response"] as const) {
        let verdict: Verdict;
        let rules = "";
        try {
          const r = checkerVerdict(old, next, direction);
          verdict = r.verdict;
          rules = r.findings.map((f) => `${f.rule}${f.possibly ? "?" : ""}`).join(",");
        } catch (e) {
          // The loader refuses some generated schemas (as it would refuse such a contract).
          if (e instanceof Error && e.name === "ContractError") {
            skipped++;
            break;
          }
          throw e;
        }
        const breaks = (v: unknown): boolean =>
          direction === "request" ? validOld(v) && !validNew(v) : validNew(v) && !validOld(v);
        const found = pool.find(breaks);
        outcomes.push({
          direction,
          verdict,
          rules,
          pair: `${JSON.stringify(old)} → ${JSON.stringify(next)}`,
          ...(found !== undefined || pool.some(breaks) ? { counterexample: { value: found } } : {}),
        });
        if (verdict === "ok" && pool.some(breaks))
          unsound.push(
            `${direction}: ${JSON.stringify(old)} → ${JSON.stringify(next)}: ${JSON.stringify(found)}`,
          );
      }
    }
    const total = outcomes.length;
    const rate = (list: readonly Outcome[]): string =>
      `${((100 * list.filter((o) => (o.verdict === "ok") === (o.counterexample === undefined)).length) / list.length).toFixed(1)} %`;
    const agree = outcomes.filter((o) => (o.verdict === "ok") === (o.counterexample === undefined)).length;
    const falseAlarms = outcomes.filter(
      (o) => o.verdict === "break" && o.counterexample === undefined,
    ).length;
    const maybeNoWitness = outcomes.filter(
      (o) => o.verdict === "maybe" && o.counterexample === undefined,
    ).length;
    const maybe = outcomes.filter((o) => o.verdict === "maybe").length;
    const figures = {
      verdicts: total,
      skipped,
      sound: total - unsound.length,
      unsound: unsound.length,
      agreement: `${((100 * agree) / total).toFixed(1)} %`,
      agreementRequest: rate(outcomes.filter((o) => o.direction === "request")),
      agreementResponse: rate(outcomes.filter((o) => o.direction === "response")),
      breakWithoutCounterexample: falseAlarms,
      possiblyBreaking: maybe,
      possiblyWithoutCounterexample: maybeNoWitness,
    };
    console.log(`soundness figures: ${JSON.stringify(figures)}`);
    if (process.env["SOUNDNESS_DEBUG"])
      for (const o of outcomes.filter((x) => x.verdict !== "ok" && x.counterexample === undefined))
        console.log(`no counterexample: ${o.direction} ${o.pair} ${o.rules}`);
    expect(unsound).toEqual([]);
    expect(total).toBeGreaterThan(PAIRS);
    expect(agree / total).toBeGreaterThan(0.85);
  }, 120_000);
});
