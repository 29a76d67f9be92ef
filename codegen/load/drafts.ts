/**
 * JSON Schema drafts as inputs: each document is read with the semantics of the draft its `$schema`
 * names (or the configured default) and rewritten into draft 2020-12 with the same meaning, so the
 * contract model, the wire schemas, the validators and the PHP DTOs know one draft only.
 *
 * The rewrite keeps every subschema at its JSON pointer wherever the drafts agree (`definitions` stays
 * `definitions`: 2020-12 still resolves `#/definitions/X`), so diagnostics point into the file as written.
 */
import type { Diagnostic } from "../errors.js";
import { appendPointer } from "../util/json-pointer.js";
import { setOwn } from "../util/own.js";

/** The drafts contractgen reads. */
export type Draft = "draft-04" | "draft-06" | "draft-07" | "2019-09" | "2020-12";

export const DRAFTS: readonly Draft[] = ["draft-04", "draft-06", "draft-07", "2019-09", "2020-12"];

/** The `$schema` URI of each draft, as the meta-schemas spell it. */
export const DRAFT_URIS: Readonly<Record<Draft, string>> = {
  "draft-04": "http://json-schema.org/draft-04/schema#",
  "draft-06": "http://json-schema.org/draft-06/schema#",
  "draft-07": "http://json-schema.org/draft-07/schema#",
  "2019-09": "https://json-schema.org/draft/2019-09/schema",
  "2020-12": "https://json-schema.org/draft/2020-12/schema",
};

/**
 * The draft a `$schema` value names, `undefined` when it names none contractgen reads. Accepts http and
 * https, with or without the trailing `#`, as real schemas write them.
 */
export function draftOfUri(uri: string): Draft | undefined {
  const m =
    /^https?:\/\/json-schema\.org\/(?:(draft-0[467])\/schema|draft\/(2019-09|2020-12)\/schema)#?$/.exec(
      uri.trim(),
    );
  if (!m) return undefined;
  return (m[1] ?? m[2]) as Draft;
}

/**
 * Keywords of later drafts, which an earlier draft ignores (they are annotations there). As in ajv's
 * classes, the reference contractgen agrees with: draft-04 and draft-06 schemas get the draft-07
 * vocabulary (`const`, `contains`, `propertyNames`, `if`/`then`/`else` keep their meaning, as real
 * draft-04 schemas that use them intend), later keywords are ignored until their draft.
 */
const INTRODUCED: ReadonlyMap<string, Draft> = new Map([
  ["dependentRequired", "2019-09"],
  ["dependentSchemas", "2019-09"],
  ["unevaluatedItems", "2019-09"],
  ["unevaluatedProperties", "2019-09"],
  ["minContains", "2019-09"],
  ["maxContains", "2019-09"],
  ["$anchor", "2019-09"],
  ["prefixItems", "2020-12"],
]);

/** Keywords kept next to a `$ref` in drafts where `$ref` overrides its siblings. */
const REF_SIBLINGS = new Set([
  "$ref",
  "definitions",
  "$defs",
  "description",
  "title",
  "$comment",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
]);

const SUBSCHEMA = new Set([
  "not",
  "if",
  "then",
  "else",
  "additionalProperties",
  "items",
  "contains",
  "propertyNames",
  "unevaluatedItems",
  "unevaluatedProperties",
  "contentSchema",
]);
const SUBSCHEMA_ARRAY = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const SUBSCHEMA_MAP = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
]);

function order(d: Draft): number {
  return DRAFTS.indexOf(d);
}

/**
 * Rewrites `node` (a whole document of draft `draft`) into draft 2020-12. Problems and ignored keywords
 * are reported into `diagnostics` with `file` and the pointer of the keyword.
 */
export function toDraft2020(node: unknown, draft: Draft, file: string, diagnostics: Diagnostic[]): unknown {
  const out = rewrite(node, draft, file, "", diagnostics);
  if (out !== null && typeof out === "object" && !Array.isArray(out)) {
    (out as Record<string, unknown>)["$schema"] = DRAFT_URIS["2020-12"];
  }
  return out;
}

function rewrite(
  node: unknown,
  draft: Draft,
  file: string,
  pointer: string,
  diagnostics: Diagnostic[],
): unknown {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return node;
  let obj: Record<string, unknown> = { ...(node as Record<string, unknown>) };
  if (pointer !== "") delete obj["$schema"];
  const old = order(draft) <= order("draft-07");
  if (old && typeof obj["$ref"] === "string") {
    // Before 2019-09, `$ref` overrides every sibling keyword (annotations and definitions aside).
    const kept: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) if (REF_SIBLINGS.has(k)) kept[k] = v;
    obj = kept;
  }
  for (const [keyword, since] of INTRODUCED) {
    if (keyword in obj && order(draft) < order(since)) {
      // Not a keyword of this draft: an annotation with no effect on validation, as the draft says.
      diagnostics.push({
        code: "unsupported",
        severity: "warning",
        message: `"${keyword}" is not a keyword of ${draft} (it was added in ${since}); it is ignored, as ${draft} validators ignore it`,
        location: { file, pointer: appendPointer(pointer, keyword) },
      });
      delete obj[keyword];
    }
  }
  if (draft === "draft-04") {
    if (typeof obj["id"] === "string" && !("$id" in obj)) {
      obj["$id"] = obj["id"];
      delete obj["id"];
    }
    for (const [flag, bound] of [
      ["exclusiveMinimum", "minimum"],
      ["exclusiveMaximum", "maximum"],
    ] as const) {
      if (typeof obj[flag] !== "boolean") continue;
      if (obj[flag] === true && typeof obj[bound] === "number") {
        obj[flag] = obj[bound];
        delete obj[bound];
      } else {
        delete obj[flag];
      }
    }
  }
  if (old && typeof obj["$id"] === "string") {
    // draft-06/07 name a location with `$id: "#name"`; 2020-12 spells it `$anchor`.
    const id = obj["$id"];
    const hash = id.indexOf("#");
    if (hash >= 0) {
      const fragment = id.slice(hash + 1);
      const base = id.slice(0, hash);
      if (base === "") delete obj["$id"];
      else obj["$id"] = base;
      if (fragment !== "" && /^[A-Za-z_][-A-Za-z0-9._]*$/.test(fragment)) obj["$anchor"] = fragment;
    }
  } else if (typeof obj["$id"] === "string" && obj["$id"].endsWith("#")) {
    obj["$id"] = obj["$id"].slice(0, -1);
  }
  if (order(draft) < order("2020-12")) {
    if (Array.isArray(obj["items"])) {
      obj["prefixItems"] = obj["items"];
      delete obj["items"];
      if ("additionalItems" in obj) obj["items"] = obj["additionalItems"];
    }
    delete obj["additionalItems"];
  }
  if (draft === "2019-09") {
    if (typeof obj["$recursiveRef"] === "string") {
      // Without a dynamic scope extension (one document), `$recursiveRef` resolves like `$ref`.
      obj["$ref"] = obj["$recursiveRef"];
      delete obj["$recursiveRef"];
    }
    delete obj["$recursiveAnchor"];
  }
  if (old && obj["dependencies"] !== null && typeof obj["dependencies"] === "object") {
    const required: Record<string, unknown> = {};
    const schemas: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj["dependencies"] as Record<string, unknown>)) {
      setOwn(Array.isArray(v) ? required : schemas, k, v);
    }
    delete obj["dependencies"];
    if (Object.keys(required).length > 0) obj["dependentRequired"] = required;
    if (Object.keys(schemas).length > 0) obj["dependentSchemas"] = schemas;
  }
  for (const [key, value] of Object.entries(obj)) {
    const at = appendPointer(pointer, key);
    if (SUBSCHEMA.has(key)) obj[key] = rewrite(value, draft, file, at, diagnostics);
    else if (SUBSCHEMA_ARRAY.has(key) && Array.isArray(value))
      obj[key] = value.map((v, i) => rewrite(v, draft, file, appendPointer(at, i), diagnostics));
    else if (SUBSCHEMA_MAP.has(key) && value !== null && typeof value === "object" && !Array.isArray(value)) {
      const map: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(value))
        setOwn(map, name, rewrite(sub, draft, file, appendPointer(at, name), diagnostics));
      obj[key] = map;
    }
  }
  return obj;
}

/**
 * Where a pointer written against a pre-2020-12 document lands after {@link toDraft2020}: array-form
 * `items` became `prefixItems`, `additionalItems` became `items`, `dependencies` split in two.
 */
export function translatePointer(pointer: string): string {
  return pointer
    .replace(/\/items\/(\d+)(?=\/|$)/g, "/prefixItems/$1")
    .replace(/\/additionalItems(?=\/|$)/g, "/items")
    .replace(/\/dependencies(?=\/)/g, "/dependentSchemas");
}
