import type { Effect, Severity } from "./model.js";

/** One JSON Schema or manifest rule: a stable id, its severity and a one-line explanation. */
export interface RuleInfo {
  readonly severity: Severity;
  /** The effect on accepted values when the rule's effect is fixed; absent when computed per change. */
  readonly effect?: Effect;
  /** Annotations (defaults) change meaning, not the accepted values; probes of value sets skip them. */
  readonly annotation?: boolean;
  readonly summary: string;
  readonly family: string;
}

const r = (family: string, severity: Severity, effect: Effect | undefined, summary: string): RuleInfo => ({
  family,
  severity,
  ...(effect ? { effect } : {}),
  summary,
});

/**
 * Every rule of the JSON Schema checker, by id. docs/breaking-rules.md lists the same ids (a test keeps
 * them in step). Ids are stable: they appear in reports and in ignores.
 */
export const JSON_SCHEMA_RULES = {
  // declarations
  SCHEMA_REMOVED: r(
    "declaration",
    "error",
    "changes",
    "A named schema (file root or $defs entry) was removed.",
  ),
  SCHEMA_NOW_FALSE: r(
    "declaration",
    "error",
    "narrows",
    "A schema became `false`: no value is accepted any more.",
  ),
  SCHEMA_NO_LONGER_FALSE: r("declaration", "error", "widens", "A `false` schema now accepts values."),
  // type
  TYPE_CHANGED: r(
    "type",
    "error",
    "changes",
    "The JSON type changed to an unrelated one (string → integer).",
  ),
  TYPE_WIDENED: r("type", "error", "widens", "The JSON type accepts more (integer → number, a type added)."),
  TYPE_NARROWED: r(
    "type",
    "error",
    "narrows",
    "The JSON type accepts less (number → integer, a type removed).",
  ),
  NULLABLE_ADDED: r("type", "error", "widens", "`null` is now accepted."),
  NULLABLE_REMOVED: r("type", "error", "narrows", "`null` is no longer accepted."),
  // enum / const
  ENUM_VALUE_ADDED: r("enum", "error", "widens", "An enum value was added (a const became an enum)."),
  ENUM_VALUE_REMOVED: r("enum", "error", "narrows", "An enum value was removed."),
  ENUM_ADDED: r("enum", "error", "narrows", "An `enum` now restricts a value that was free."),
  ENUM_REMOVED: r("enum", "error", "widens", "An `enum` restriction was removed."),
  CONST_CHANGED: r("enum", "error", "changes", "The `const` value changed."),
  CONST_ADDED: r("enum", "error", "narrows", "A `const` now fixes a value that was free."),
  CONST_REMOVED: r("enum", "error", "widens", "A `const` restriction was removed."),
  // numbers
  MINIMUM_TIGHTENED: r(
    "numeric",
    "error",
    "narrows",
    "The lower bound (minimum / exclusiveMinimum) was raised or added.",
  ),
  MINIMUM_LOOSENED: r(
    "numeric",
    "error",
    "widens",
    "The lower bound (minimum / exclusiveMinimum) was lowered or removed.",
  ),
  MAXIMUM_TIGHTENED: r(
    "numeric",
    "error",
    "narrows",
    "The upper bound (maximum / exclusiveMaximum) was lowered or added.",
  ),
  MAXIMUM_LOOSENED: r(
    "numeric",
    "error",
    "widens",
    "The upper bound (maximum / exclusiveMaximum) was raised or removed.",
  ),
  MULTIPLE_OF_CHANGED: r(
    "numeric",
    "error",
    undefined,
    "`multipleOf` changed; narrows unless the old factor is a multiple of the new one.",
  ),
  // strings
  MIN_LENGTH_TIGHTENED: r("string", "error", "narrows", "`minLength` was raised or added."),
  MIN_LENGTH_LOOSENED: r("string", "error", "widens", "`minLength` was lowered or removed."),
  MAX_LENGTH_TIGHTENED: r("string", "error", "narrows", "`maxLength` was lowered or added."),
  MAX_LENGTH_LOOSENED: r("string", "error", "widens", "`maxLength` was raised or removed."),
  PATTERN_ADDED: r("string", "error", "narrows", "A `pattern` now restricts the string."),
  PATTERN_REMOVED: r("string", "error", "widens", "The `pattern` was removed."),
  PATTERN_CHANGED: r(
    "string",
    "error",
    "changes",
    "The `pattern` changed (regular expressions are not compared for inclusion).",
  ),
  FORMAT_ADDED: r(
    "string",
    "error",
    "narrows",
    "A `format` now restricts the string (formats are validated).",
  ),
  FORMAT_REMOVED: r("string", "error", "widens", "The `format` was removed."),
  FORMAT_CHANGED: r("string", "error", "changes", "The `format` changed."),
  // arrays
  MIN_ITEMS_TIGHTENED: r("array", "error", "narrows", "`minItems` was raised or added."),
  MIN_ITEMS_LOOSENED: r("array", "error", "widens", "`minItems` was lowered or removed."),
  MAX_ITEMS_TIGHTENED: r("array", "error", "narrows", "`maxItems` was lowered or added."),
  MAX_ITEMS_LOOSENED: r("array", "error", "widens", "`maxItems` was raised or removed."),
  UNIQUE_ITEMS_ADDED: r("array", "error", "narrows", "`uniqueItems: true` was added."),
  UNIQUE_ITEMS_REMOVED: r("array", "error", "widens", "`uniqueItems: true` was removed."),
  CONTAINS_ADDED: r("array", "error", "narrows", "`contains` now demands a matching item."),
  CONTAINS_REMOVED: r("array", "error", "widens", "The `contains` demand was removed."),
  CONTAINS_CHANGED: r(
    "array",
    "error",
    "changes",
    "The `contains` schema changed while `maxContains` bounds the matching items: fewer matches let more arrays through, more matches fewer.",
  ),
  // objects
  PROPERTY_ADDED: r(
    "object",
    "error",
    undefined,
    "A property was declared; breaks old readers when the old object was closed, or when it narrows what the old object allowed under that name.",
  ),
  PROPERTY_ADDED_TO_OPEN_MODEL: r(
    "object",
    "error",
    "narrows",
    "A constrained property was declared where the old object accepted any value under any name: values old senders put under this name may now be rejected (ignore the rule by id to accept it project-wide).",
  ),
  PROPERTY_REMOVED: r(
    "object",
    "error",
    undefined,
    "A property was removed; breaks requests when the new object is closed, responses when it was required or its name now admits other values.",
  ),
  REQUIRED_ADDED: r("object", "error", "narrows", "A property became required."),
  REQUIRED_REMOVED: r(
    "object",
    "error",
    "widens",
    "A property is no longer required: old readers may rely on it.",
  ),
  ADDITIONAL_PROPERTIES_CLOSED: r(
    "object",
    "error",
    "narrows",
    "`additionalProperties: false` now rejects undeclared properties.",
  ),
  ADDITIONAL_PROPERTIES_OPENED: r(
    "object",
    "error",
    "widens",
    "Undeclared properties are now accepted (`additionalProperties` no longer false).",
  ),
  UNEVALUATED_PROPERTIES_CLOSED: r(
    "object",
    "error",
    "narrows",
    "`unevaluatedProperties: false` now rejects unevaluated properties.",
  ),
  UNEVALUATED_PROPERTIES_OPENED: r("object", "error", "widens", "Unevaluated properties are now accepted."),
  PATTERN_PROPERTY_ADDED: r(
    "object",
    "error",
    undefined,
    "A `patternProperties` entry was added; compared with what applied to those names before.",
  ),
  PATTERN_PROPERTY_REMOVED: r(
    "object",
    "error",
    undefined,
    "A `patternProperties` entry was removed; compared with what applies to those names now.",
  ),
  MIN_PROPERTIES_TIGHTENED: r("object", "error", "narrows", "`minProperties` was raised or added."),
  MIN_PROPERTIES_LOOSENED: r("object", "error", "widens", "`minProperties` was lowered or removed."),
  MAX_PROPERTIES_TIGHTENED: r("object", "error", "narrows", "`maxProperties` was lowered or added."),
  MAX_PROPERTIES_LOOSENED: r("object", "error", "widens", "`maxProperties` was raised or removed."),
  // composition
  ANY_OF_BRANCH_ADDED: r(
    "composition",
    "error",
    undefined,
    "An `anyOf` branch was added (widens unless an old branch already covers it).",
  ),
  ANY_OF_BRANCH_REMOVED: r(
    "composition",
    "error",
    undefined,
    "An `anyOf` branch was removed (narrows unless a remaining branch covers it).",
  ),
  ONE_OF_BRANCH_ADDED: r(
    "composition",
    "error",
    undefined,
    "A `oneOf` branch was added (widens; also narrows when it may overlap an existing branch).",
  ),
  ONE_OF_BRANCH_REMOVED: r(
    "composition",
    "error",
    undefined,
    "A `oneOf` branch was removed (narrows unless a remaining branch covers it; possibly widens when it may have overlapped another branch).",
  ),
  ONE_OF_BRANCH_WIDENED: r(
    "composition",
    "error",
    "narrows",
    "A `oneOf` branch accepts more and may now overlap another branch: values matching both are rejected (possibly breaking).",
  ),
  ONE_OF_BRANCH_NARROWED: r(
    "composition",
    "error",
    "widens",
    "A `oneOf` branch accepts less and may have overlapped another branch: values that matched both were rejected and may now be accepted (possibly breaking).",
  ),
  ALL_OF_BRANCH_ADDED: r(
    "composition",
    "error",
    "narrows",
    "An `allOf` branch was added: every value must match it too.",
  ),
  ALL_OF_BRANCH_REMOVED: r("composition", "error", "widens", "An `allOf` branch was removed."),
  UNION_KIND_CHANGED: r(
    "composition",
    "error",
    undefined,
    "`anyOf` became `oneOf` (values matching several branches are now rejected) or the reverse (they are now accepted); branches are compared as for `anyOf`.",
  ),
  NOT_CHANGED: r(
    "composition",
    "error",
    undefined,
    "A `not` was added, removed or changed: compared by inclusion of the negated schemas (a `not` that excludes less widens).",
  ),
  CONDITION_ADDED: r(
    "composition",
    "error",
    "narrows",
    "An `if`/`then`/`else` condition now constrains the value.",
  ),
  CONDITION_REMOVED: r("composition", "error", "widens", "The `if`/`then`/`else` condition was removed."),
  CONDITION_CHANGED: r(
    "composition",
    "error",
    "changes",
    "The `if` schema changed: values move between `then` and `else` (possibly breaking both ways; with the same `if`, `then` and `else` are compared as subschemas).",
  ),
  DEPENDENT_REQUIRED_ADDED: r(
    "object",
    "error",
    "narrows",
    "`dependentRequired` (draft-07 `dependencies`) now demands another property when a trigger property is present.",
  ),
  DEPENDENT_REQUIRED_REMOVED: r(
    "object",
    "error",
    "widens",
    "`dependentRequired` no longer demands a property when a trigger property is present.",
  ),
  // annotations
  DEFAULT_CHANGED: {
    ...r(
      "annotation",
      "warning",
      "changes",
      "The `default` changed: an absent value now means something else.",
    ),
    annotation: true,
  },
  DEFAULT_ADDED: {
    ...r("annotation", "warning", "changes", "A `default` was added: readers now fill in absent values."),
    annotation: true,
  },
  DEFAULT_REMOVED: {
    ...r(
      "annotation",
      "warning",
      "changes",
      "The `default` was removed: readers no longer fill in absent values.",
    ),
    annotation: true,
  },
  // manifests
  SERVICE_REMOVED: r(
    "manifest",
    "error",
    "changes",
    "A service manifest (or the service it names) was removed.",
  ),
  METHOD_REMOVED: r("manifest", "error", "changes", "A method was removed from a service manifest."),
  METHOD_REQUEST_CHANGED: r("manifest", "error", "changes", "A method's request now names another schema."),
  METHOD_RESPONSE_CHANGED: r("manifest", "error", "changes", "A method's response now names another schema."),
  IDEMPOTENCY_WEAKENED: r(
    "manifest",
    "error",
    "changes",
    "A method's idempotency became weaker (no_side_effects → idempotent → unknown): clients that retry or use GET break.",
  ),
  IDEMPOTENCY_STRENGTHENED: r(
    "manifest",
    "warning",
    "changes",
    "A method's idempotency became stronger; old clients do not use it yet.",
  ),
  // proto
  PROTO_MODULE_REMOVED: r(
    "proto",
    "error",
    "changes",
    "The project had proto contracts (a buf.yaml) and no longer has them.",
  ),
} as const satisfies Record<string, RuleInfo>;

export type JsonSchemaRuleId = keyof typeof JSON_SCHEMA_RULES;

/** Severity of a rule id: ours from the catalogue; buf's rules are always errors. */
export function severityOf(rule: string): Severity {
  const info = (JSON_SCHEMA_RULES as Record<string, RuleInfo>)[rule];
  return info?.severity ?? "error";
}
