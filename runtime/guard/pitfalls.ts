/**
 * The catalogue of PHP pitfalls: every way a PHP encoder commonly gets the JSON wire form wrong, with a
 * stable code, what a correct encoder sends instead, and the fix on the PHP side. docs/pitfalls.md
 * documents each entry with the PHP that causes it; the tests in test/php-corpus produce each one with
 * the real `php` CLI. What each preset does with a pitfall is in the acceptance table (acceptance.ts),
 * shared with the PHP runtime.
 */
import { PITFALL_ACCEPTANCE } from "./acceptance.js";

/** Stable codes of the pitfalls; they appear in error details, observer events and metrics. */
export const PITFALL_CODES = [
  "empty_array_for_object",
  "sparse_list_as_object",
  "list_for_map",
  "numeric_string",
  "number_for_string",
  "float_for_integer",
  "int_for_bool",
  "string_for_bool",
  "false_for_object",
  "null_for_required",
  "datetime_object",
  "unsafe_integer",
  "enum_name",
  "enum_unknown",
  "unknown_key",
  "forbidden_key",
  "lone_surrogate",
  "empty_body",
  "false_body",
  "html_body",
  "php_output_before_json",
  "utf8_bom",
  "invalid_utf8",
  "invalid_json",
  "wrong_type",
  "body_too_large",
  "too_deep",
  "array_too_long",
] as const;

/** One code of {@link PITFALL_CODES}. */
export type PitfallCode = (typeof PITFALL_CODES)[number];

/** What the runtime does with a pitfall: fail the call, fix the value losslessly, or report and pass on. */
export type Policy = "reject" | "repair" | "warn";

/** One catalogue entry. */
export interface Pitfall {
  readonly code: PitfallCode;
  /** What went wrong, in one line. */
  readonly title: string;
  /** How to fix the PHP code that sent it. */
  readonly fix: string;
  /** Whether some instances have a lossless, unambiguous repair (the guard decides per instance). */
  readonly repairable: boolean;
  /** Policy in the `strict` preset (from the acceptance table, acceptance.ts). */
  readonly strict: Policy;
  /** Policy in the `migrate` preset (from the acceptance table, acceptance.ts). */
  readonly migrate: Policy;
  /** Whether the pitfall is an exhausted limit (`resource_exhausted`) rather than a bad argument. */
  readonly exhausted?: boolean;
}

const ENTRIES: readonly Omit<Pitfall, "strict" | "migrate">[] = [
  {
    code: "empty_array_for_object",
    title: "an empty PHP array was encoded as [] where an object or map is expected",
    fix: "encode empty maps and messages as objects: `(object) $value`, `new \\stdClass()` or `json_encode($v, JSON_FORCE_OBJECT)` for that field",
    repairable: true,
  },
  {
    code: "sparse_list_as_object",
    title: "a list with holes (array_filter, unset) was encoded as an object with integer keys",
    fix: "re-index the list before encoding: `array_values(array_filter($list))`",
    repairable: true,
  },
  {
    code: "list_for_map",
    title: "a PHP list (keys 0..n-1) was encoded as a JSON array where a map is expected",
    fix: "cast the map to an object before encoding: `(object) $map`, so integer keys stay keys",
    repairable: true,
  },
  {
    code: "numeric_string",
    title: "a number was sent as a numeric string (PDO, mysqli and form input return strings)",
    fix: "cast before encoding: `(int) $row['qty']` / `(float) $row['price']`, or enable PDO::ATTR_STRINGIFY_FETCHES=false with PDO::ATTR_EMULATE_PREPARES=false",
    repairable: true,
  },
  {
    code: "number_for_string",
    title: "a string field was sent as a JSON number (an integer column, a numeric-looking code)",
    fix: "cast to string before encoding: `(string) $row['postal_code']`",
    repairable: true,
  },
  {
    code: "float_for_integer",
    title:
      "an integer field was sent as a float with a fraction (float arithmetic: 1.15 * 100 = 114.99999999999999)",
    fix: "compute money in integer minor units, or round explicitly: `(int) round($price * 100)`",
    repairable: false,
  },
  {
    code: "int_for_bool",
    title: "a boolean was sent as the number 1 or 0 (a TINYINT column)",
    fix: "cast before encoding: `(bool) $row['active']`",
    repairable: true,
  },
  {
    code: "string_for_bool",
    title: 'a boolean was sent as "1", "0" or "" (PDO strings, strval(true)/strval(false))',
    fix: "cast before encoding: `(bool) $row['active']` or `filter_var($v, FILTER_VALIDATE_BOOLEAN)`",
    repairable: true,
  },
  {
    code: "false_for_object",
    title: "false was sent where an object or list is expected (a failed fetch() or json_decode())",
    fix: "check the result of the call that returned false (PDOStatement::fetch, file_get_contents, json_decode) before encoding it",
    repairable: false,
  },
  {
    code: "null_for_required",
    title: "null was sent for a value the contract requires",
    fix: "make sure the value is set (a missing array key or a failed lookup gives null), or make the field optional in the contract",
    repairable: false,
  },
  {
    code: "datetime_object",
    title:
      'a DateTime object was encoded as {"date":…,"timezone_type":…,"timezone":…} where an RFC 3339 string is expected',
    fix: "format it: `$dt->format(DateTimeInterface::RFC3339_EXTENDED)`, or for ProtoJSON timestamps `$dt->setTimezone(new DateTimeZone('UTC'))->format('Y-m-d\\TH:i:s\\Z')`",
    repairable: true,
  },
  {
    code: "unsafe_integer",
    title:
      "an integer beyond ±2^53 was sent as a JSON number (or with a fraction or exponent, as a float): JavaScript would round it",
    fix: "send 64-bit integers as strings: `(string) $id`, never `(float)` (ProtoJSON encodes int64 as a string)",
    repairable: true,
  },
  {
    code: "enum_name",
    title:
      "a proto enum value was sent by its short name or in another case (a PHP enum's ->name, strtolower) instead of its ProtoJSON name",
    fix: "send the ProtoJSON name, the full proto value name in its exact case (in PHP: the generated enum's `->value`, not a native enum's `->name`)",
    // Mapping `OPEN` to `INVOICE_STATUS_OPEN` rests on a naming convention, not on the value sent: a guess.
    repairable: false,
  },
  {
    code: "enum_unknown",
    title:
      "a proto enum name the contract does not declare, or a number a closed enum does not declare (or beyond int32)",
    fix: "send one of the enum's ProtoJSON names (in PHP: a case of the generated enum, `->value`); for a value added to the contract, regenerate and deploy the reader first",
    repairable: false,
  },
  {
    code: "unknown_key",
    title: "a key the contract does not define (often a typo or a renamed field)",
    fix: "use the contract's field name (see the suggestion); remove keys the contract does not define",
    repairable: false,
  },
  {
    code: "forbidden_key",
    title: "a __proto__, constructor or prototype key, which could pollute JavaScript objects",
    fix: "do not send keys named __proto__, constructor or prototype",
    repairable: false,
  },
  {
    code: "lone_surrogate",
    title: "a string contains an unpaired UTF-16 surrogate escape (\\ud800): it is not valid Unicode",
    fix: "make sure strings are valid UTF-8 before encoding: `mb_convert_encoding($s, 'UTF-8', 'UTF-8')`",
    repairable: false,
  },
  {
    code: "empty_body",
    title:
      "the body is empty: json_encode() probably failed (invalid UTF-8, NAN, recursion) and echo printed nothing",
    fix: "use `json_encode($v, JSON_THROW_ON_ERROR)` so a failed encoding throws instead of sending nothing",
    repairable: false,
  },
  {
    code: "false_body",
    title: "the body is `false`: a failed call's result was encoded instead of the payload",
    fix: "check the result of the call that produced the payload before encoding it; use JSON_THROW_ON_ERROR",
    repairable: false,
  },
  {
    code: "html_body",
    title: "the body is HTML (an error page or a fatal error), not JSON",
    fix: "log errors instead of displaying them (`display_errors=0`, `log_errors=1`) and return a Connect error body",
    repairable: false,
  },
  {
    code: "php_output_before_json",
    title: "PHP printed a warning, notice or other output before the JSON (display_errors=1)",
    fix: "set `display_errors=0` in production and fix the warning; make sure nothing is echoed before the JSON",
    repairable: true,
  },
  {
    code: "utf8_bom",
    title: "the body starts with a UTF-8 byte order mark (a PHP file saved with a BOM)",
    fix: "save the PHP files without a BOM (the BOM before `<?php` is printed as output)",
    repairable: true,
  },
  {
    code: "invalid_utf8",
    title: "the body is not valid UTF-8 (Latin-1 data from a database or a truncated multibyte string)",
    fix: "convert to UTF-8 before encoding: `mb_convert_encoding($s, 'UTF-8', 'ISO-8859-1')`; set the database connection charset to utf8mb4",
    repairable: false,
  },
  {
    code: "invalid_json",
    title: "the body is not JSON",
    fix: "encode with `json_encode($v, JSON_THROW_ON_ERROR)` and do not build JSON by string concatenation",
    repairable: false,
  },
  {
    code: "wrong_type",
    title: "a value of a different JSON type than the contract says, not one of the known PHP accidents",
    fix: "send the type the contract defines at that path",
    repairable: false,
  },
  {
    code: "body_too_large",
    title: "the body exceeds the configured maximum size",
    fix: "send smaller payloads (page through lists) or raise maxBodyBytes",
    repairable: false,
    exhausted: true,
  },
  {
    code: "too_deep",
    title: "the value is nested deeper than the configured maximum depth",
    fix: "flatten the payload or raise maxDepth",
    repairable: false,
  },
  {
    code: "array_too_long",
    title: "a list is longer than the configured maximum length",
    fix: "page through long lists or raise maxArrayLength",
    repairable: false,
    exhausted: true,
  },
];

/** The catalogue, keyed by code. */
export const PITFALLS: Readonly<Record<PitfallCode, Pitfall>> = Object.fromEntries(
  ENTRIES.map((e) => [e.code, { ...e, ...PITFALL_ACCEPTANCE[e.code] }]),
) as Record<PitfallCode, Pitfall>;
