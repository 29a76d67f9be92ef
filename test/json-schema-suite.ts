/**
 * The official JSON Schema Test Suite (test/fixtures/json-schema-test-suite, MIT) run through contractgen:
 * each test group's schema is read by the loader with its draft, lowered, written as a wire schema and
 * validated by the one ajv configuration the generated TS validators are compiled with. Shared by the
 * TS test and the PHP test, which run the same groups.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Draft } from "../codegen/load/drafts.js";
import {
  type LoweredJsonSchema,
  lowerJsonSchemaDocuments,
  type SchemaDocument,
} from "../codegen/load/jsonschema.js";
import { JSON_SCHEMA_DRAFT, wireId } from "../codegen/wire/index.js";
import { jsonSchemaWireSchemas } from "../codegen/wire/jsonschema.js";
import { ROOT } from "./helpers.js";

export const SUITE_DIR = join(ROOT, "test", "fixtures", "json-schema-test-suite", "tests");

/** Test Suite folder → the draft contractgen reads it as (the suite's schemas mostly omit `$schema`). */
export const SUITE_DRAFTS: Readonly<Record<string, Draft>> = {
  draft4: "draft-04",
  draft6: "draft-06",
  draft7: "draft-07",
  "draft2019-09": "2019-09",
  "draft2020-12": "2020-12",
};

export interface SuiteTest {
  readonly description: string;
  readonly data: unknown;
  readonly valid: boolean;
}

export interface SuiteGroup {
  readonly folder: string;
  readonly keyword: string;
  readonly index: number;
  readonly description: string;
  readonly schema: unknown;
  readonly tests: readonly SuiteTest[];
}

/** Every group of every vendored file, in a stable order. */
export function suiteGroups(): SuiteGroup[] {
  const out: SuiteGroup[] = [];
  for (const folder of Object.keys(SUITE_DRAFTS)) {
    for (const file of readdirSync(join(SUITE_DIR, folder)).sort()) {
      if (!file.endsWith(".json")) continue;
      const groups = JSON.parse(readFileSync(join(SUITE_DIR, folder, file), "utf8")) as {
        description: string;
        schema: unknown;
        tests: SuiteTest[];
      }[];
      groups.forEach((g, index) => {
        out.push({ folder, keyword: file.slice(0, -5), index, ...g });
      });
    }
  }
  return out;
}

/** A group lowered by contractgen: its wire schemas and the full name of its root, or why it was refused. */
export type LoweredGroup =
  | {
      readonly ok: true;
      readonly wire: Map<string, Record<string, unknown>>;
      readonly root?: string;
      readonly lowered: LoweredJsonSchema;
    }
  | { readonly ok: false; readonly error: string };

/** Lowers one group's schema as a contract file `suite/<folder>/<keyword>/g<index>.schema.json`. */
export function lowerGroup(group: SuiteGroup): LoweredGroup {
  const path = `contracts/suite/g${group.index}.schema.json`;
  const doc: SchemaDocument = {
    path,
    uri: `file:///suite/${group.folder}/${group.keyword}/g${group.index}.schema.json`,
    package: "suite",
    json: group.schema,
    kind: "schema",
  };
  try {
    const lowered = lowerJsonSchemaDocuments([doc], {
      defaultDraft: SUITE_DRAFTS[group.folder] ?? "2020-12",
    });
    const wire = new Map<string, Record<string, unknown>>();
    for (const [name, body] of jsonSchemaWireSchemas(lowered))
      wire.set(name, { $schema: JSON_SCHEMA_DRAFT, $id: wireId(name), ...body, title: name });
    const root = lowered.refTarget(lowered.documents[0] as SchemaDocument, "#").decl;
    return { ok: true, wire, lowered, ...(root ? { root } : {}) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Pass/fail/refused counts per `folder/keyword`. */
export type SuiteCounts = Record<string, { pass: number; fail: number; refused: number }>;

export function countInto(
  counts: SuiteCounts,
  group: SuiteGroup,
  outcome: "pass" | "fail" | "refused",
): void {
  const key = `${group.folder}/${group.keyword}`;
  const c = counts[key] ?? { pass: 0, fail: 0, refused: 0 };
  c[outcome]++;
  counts[key] = c;
}

/** Totals per folder (draft). */
export function totals(counts: SuiteCounts): SuiteCounts {
  const out: SuiteCounts = {};
  for (const [key, c] of Object.entries(counts)) {
    const folder = key.slice(0, key.indexOf("/"));
    const t = out[folder] ?? { pass: 0, fail: 0, refused: 0 };
    t.pass += c.pass;
    t.fail += c.fail;
    t.refused += c.refused;
    out[folder] = t;
  }
  return out;
}
