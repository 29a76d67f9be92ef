/**
 * The acceptance table: for every PHP pitfall and every ProtoJSON rule where readers commonly differ,
 * what the `strict` and `migrate` presets do. It is the one source of both runtimes' decisions: the TS
 * policies (policy.ts, through pitfalls.ts) are derived from it, and php-gen writes it into the PHP
 * runtime it copies into the output (`Contractgen\Runtime\Json\Acceptance`), which the generated
 * decoders consult. docs/pitfalls.md prints it (a test checks the printed table against this data), and
 * test/parity.test.ts decodes the same corpus with both runtimes under each preset.
 */
import type { PitfallCode, Policy } from "./pitfalls.js";

/** The two shipped presets. */
export type Preset = "strict" | "migrate";

/** Both presets, in the order the docs print them. */
export const PRESETS: readonly Preset[] = ["strict", "migrate"];

/**
 * The preset of a boundary or a decoder configured with none, the same in both runtimes: `strict`.
 * See docs/pitfalls.md ("Defaults") for why, and for choosing `migrate` when a service replaces a PHP
 * one whose clients send what plain `json_encode` prints.
 */
export const DEFAULT_PRESET: Preset = "strict";

/**
 * A decision of a ProtoJSON rule: `accept` (the value is legal and read as the rule says, nothing is
 * reported) or `reject`. Rules are not configurable: they define what the wire form means.
 */
export type RuleDecision = "accept" | "reject";

/** Policies of one pitfall in the two presets. */
export interface PitfallAcceptance {
  readonly strict: Policy;
  readonly migrate: Policy;
}

/** One ProtoJSON rule: what it covers and the decision of both presets. */
export interface RuleAcceptance {
  /** What the input is, in one line. */
  readonly input: string;
  readonly strict: RuleDecision;
  readonly migrate: RuleDecision;
  /** Why, in one line (the docs print it). */
  readonly why: string;
}

/** The pitfalls' policies (`warn` is "accept and report"). */
export const PITFALL_ACCEPTANCE: Readonly<Record<PitfallCode, PitfallAcceptance>> = {
  empty_array_for_object: { strict: "reject", migrate: "repair" },
  sparse_list_as_object: { strict: "reject", migrate: "repair" },
  list_for_map: { strict: "reject", migrate: "repair" },
  numeric_string: { strict: "reject", migrate: "repair" },
  number_for_string: { strict: "reject", migrate: "repair" },
  float_for_integer: { strict: "reject", migrate: "reject" },
  int_for_bool: { strict: "reject", migrate: "repair" },
  string_for_bool: { strict: "reject", migrate: "repair" },
  false_for_object: { strict: "reject", migrate: "reject" },
  null_for_required: { strict: "reject", migrate: "reject" },
  datetime_object: { strict: "reject", migrate: "repair" },
  unsafe_integer: { strict: "reject", migrate: "repair" },
  enum_name: { strict: "reject", migrate: "reject" },
  enum_unknown: { strict: "reject", migrate: "reject" },
  unknown_key: { strict: "reject", migrate: "warn" },
  forbidden_key: { strict: "reject", migrate: "reject" },
  lone_surrogate: { strict: "reject", migrate: "reject" },
  empty_body: { strict: "reject", migrate: "reject" },
  false_body: { strict: "reject", migrate: "reject" },
  html_body: { strict: "reject", migrate: "reject" },
  php_output_before_json: { strict: "reject", migrate: "repair" },
  utf8_bom: { strict: "reject", migrate: "repair" },
  invalid_utf8: { strict: "reject", migrate: "reject" },
  invalid_json: { strict: "reject", migrate: "reject" },
  wrong_type: { strict: "reject", migrate: "reject" },
  body_too_large: { strict: "reject", migrate: "reject" },
  too_deep: { strict: "reject", migrate: "reject" },
  array_too_long: { strict: "reject", migrate: "reject" },
};

/** Stable ids of the ProtoJSON rules of {@link RULE_ACCEPTANCE}. */
export type RuleId =
  | "both_names"
  | "integral_number_for_integer"
  | "int64_number"
  | "integer_string"
  | "negative_zero_integer_string"
  | "null_for_field"
  | "empty_any"
  | "any_unknown_type"
  | "any_without_value";

/** The ProtoJSON rules on which PHP and TypeScript readers differed before this table. */
export const RULE_ACCEPTANCE: Readonly<Record<RuleId, RuleAcceptance>> = {
  both_names: {
    input: 'a field sent under its proto name and its JSON name (`"user_id"` and `"userId"`)',
    strict: "reject",
    migrate: "reject",
    why: "which value is meant is a guess; ProtoJSON parsers must refuse it (conformance: FieldNameDuplicate)",
  },
  integral_number_for_integer: {
    input:
      "an integer field sent as a number with a fraction or exponent that is an integer within ±2^53 (`1.0`, `1e3`)",
    strict: "accept",
    migrate: "accept",
    why: "ProtoJSON parsers must accept it (conformance: Int32FieldFloatTrailingZero, …ExponentialFormat); the value is exact",
  },
  int64_number: {
    input: "a 64-bit integer sent as a JSON integer within ±2^53",
    strict: "accept",
    migrate: "accept",
    why: "legal ProtoJSON, exact in both runtimes; beyond ±2^53 it is `unsafe_integer`",
  },
  integer_string: {
    input:
      'an integer field sent as a decimal string (`"12"`, `"-3"`; no leading zero, sign `+`, fraction or exponent)',
    strict: "accept",
    migrate: "accept",
    why: "legal ProtoJSON for every integer type; other numerals are `numeric_string` without a repair",
  },
  negative_zero_integer_string: {
    input: 'a signed integer sent as `"-0"`',
    strict: "accept",
    migrate: "accept",
    why: "matches the wire schemas' decimal pattern; read as 0 (an unsigned integer refuses it)",
  },
  null_for_field: {
    input: "`null` for a proto field (not a `google.protobuf.Value`)",
    strict: "accept",
    migrate: "accept",
    why: "ProtoJSON: null is the field's default",
  },
  empty_any: {
    input: "`{}` for a `google.protobuf.Any`",
    strict: "accept",
    migrate: "accept",
    why: "the empty Any (no type, no payload), as protobuf-es reads and writes it",
  },
  any_unknown_type: {
    input:
      "a `google.protobuf.Any` whose `@type` is neither a message of the contracts nor a well-known type",
    strict: "reject",
    migrate: "reject",
    why: "protobuf-es cannot read it without the type (a TS service could not hold it); PHP refuses it too",
  },
  any_without_value: {
    input:
      "a `google.protobuf.Any` of a well-known type with a JSON value (Struct, Value, Duration, wrappers, …) without `value`",
    strict: "reject",
    migrate: "reject",
    why: "ProtoJSON writes such an Any with `value` always; reading it as the default is a guess (PHP refused it, protobuf-es took it)",
  },
};
