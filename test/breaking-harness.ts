/**
 * In-memory harness of the JSON Schema breaking checker: an old and a new schema in, the checker's
 * verdict per direction out. Shared by the evolution table and the soundness check.
 */
import { checkJsonSchemaChanges, type JsonSchemaChange } from "../codegen/breaking/jsonschema/index.js";
import type { Direction } from "../codegen/breaking/model.js";
import { severityOf } from "../codegen/breaking/rules.js";
import { type LoweredJsonSchema, lowerJsonSchemaDocuments } from "../codegen/load/jsonschema.js";

/** `ok`: compatible; `break`: breaking; `maybe`: only possibly breaking findings (undecided). */
export type Verdict = "ok" | "break" | "maybe";

export type Schema = Record<string, unknown> | boolean;

export const DRAFT_2020 = "https://json-schema.org/draft/2020-12/schema";
export const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

/**
 * Wraps a schema as the root of a file `c/t.schema.json` (declaration `c.T`), or as `$defs/V` (`c.V`)
 * when `wrap` (a boolean schema cannot be a file root with a title).
 */
function contractSet(schema: Schema, label: string, draft: string, wrap: boolean): LoweredJsonSchema {
  const json = wrap
    ? { $schema: draft, title: "T", $ref: "#/$defs/V", $defs: { V: schema } }
    : { $schema: draft, title: "T", ...(schema as Record<string, unknown>) };
  return lowerJsonSchemaDocuments([
    {
      path: "contracts/c/t.schema.json",
      uri: `file:///${label}/contracts/c/t.schema.json`,
      package: "c",
      json,
      kind: "schema",
    },
  ]);
}

/** The checker's verdict on `old → next` read in `direction`, with the findings it made. */
export function checkerVerdict(
  old: Schema,
  next: Schema,
  direction: Direction,
  draft = DRAFT_2020,
): { verdict: Verdict; findings: JsonSchemaChange[] } {
  const wrap = typeof old === "boolean" || typeof next === "boolean";
  const findings = checkJsonSchemaChanges(
    contractSet(old, "old", draft, wrap),
    contractSet(next, "new", draft, wrap),
    { directions: {}, fallback: direction },
  );
  const errors = findings.filter((f) => severityOf(f.rule) === "error");
  const verdict: Verdict =
    errors.length === 0 ? "ok" : errors.every((f) => f.possibly !== undefined) ? "maybe" : "break";
  return { verdict, findings };
}
