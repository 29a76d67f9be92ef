/** ajv errors said the way lint findings are: where, what the schema expects, what the value holds. */
import type { ErrorObject } from "ajv";
import { describe } from "../load/jsonschema.js";
import { appendPointer, resolvePointer } from "../util/json-pointer.js";

/** One validation problem, relative to the validated value. */
export interface ValueProblem {
  /** JSON pointer into the validated value (`/items/0/sku`). */
  readonly pointer: string;
  /** `expected …, found …`. */
  readonly message: string;
  /** The failed keyword (`type`, `required`, …). */
  readonly keyword: string;
}

/**
 * Turns ajv's errors on `value` into problems; an unknown or missing property points at that property.
 * A failed `anyOf`/`oneOf` whose branches all fail on the value itself (a nullable scalar: `null` or
 * `boolean`) is one problem listing what each branch expects.
 */
export function valueProblems(
  errors: readonly ErrorObject[] | null | undefined,
  value: unknown,
): ValueProblem[] {
  const list = errors ?? [];
  const merged = new Map<ErrorObject, ErrorObject[]>();
  const consumed = new Set<ErrorObject>();
  for (const error of list) {
    if (error.keyword !== "anyOf" && error.keyword !== "oneOf") continue;
    const branches = list.filter((e) => e !== error && e.schemaPath.startsWith(`${error.schemaPath}/`));
    if (branches.length > 0 && branches.every((e) => e.instancePath === error.instancePath)) {
      merged.set(error, branches);
      for (const b of branches) consumed.add(b);
    }
  }
  const out: ValueProblem[] = [];
  for (const error of list) {
    if (consumed.has(error)) continue;
    const found = describe(resolvePointer(value, error.instancePath));
    const branches = merged.get(error);
    if (branches) {
      const expected = [...new Set(branches.map(expectation))].join(" or ");
      out.push({
        pointer: error.instancePath,
        message: `expected ${expected}, found ${found}`,
        keyword: error.keyword,
      });
      continue;
    }
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case "required":
        out.push({
          pointer: error.instancePath,
          message: `expected property ${JSON.stringify(params["missingProperty"])}, found an object without it`,
          keyword: error.keyword,
        });
        break;
      case "additionalProperties":
      case "unevaluatedProperties": {
        const name = String(params["additionalProperty"] ?? params["unevaluatedProperty"]);
        out.push({
          pointer: appendPointer(error.instancePath, name),
          message: `expected only the properties the schema declares, found the unknown property ${JSON.stringify(name)}`,
          keyword: error.keyword,
        });
        break;
      }
      default:
        out.push({
          pointer: error.instancePath,
          message: `expected ${expectation(error)}, found ${found}`,
          keyword: error.keyword,
        });
    }
  }
  return out;
}

/** What a failed keyword asks of the value, as a noun phrase or in ajv's words (`must be >= 1`). */
function expectation(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "type":
      return String(params["type"]).split(",").join(" or ");
    case "enum":
      return `one of ${(params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "const":
      return JSON.stringify(params["allowedValue"]);
    default:
      return `a value that ${error.message ?? `passes "${error.keyword}"`} (${error.keyword})`;
  }
}
