<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Json;

use Contractgen\Runtime\DecodeException;

/**
 * Strict readers for JSON values decoded by `json_decode` (objects as \stdClass or PHP arrays). Each
 * takes the value, its JSON path and the error collector; on a violation it records it and returns a
 * placeholder of the right type (the caller then discards the result). They accept exactly what a
 * ProtoJSON parser must accept: 64-bit integers as numbers or strings, NaN/Infinity as strings, base64
 * in the standard or URL-safe alphabet, with or without padding.
 *
 * @internal used by generated code
 */
final class Read
{
    public const FLAGS = JSON_BIGINT_AS_STRING | JSON_THROW_ON_ERROR;

    /**
     * A JSON integer literal of 19 or more digits, where a number may start (after `:`, `,`, `[` or at
     * the start): the only text `json_decode` may turn into a string by JSON_BIGINT_AS_STRING. A match
     * inside a JSON string only costs a second decode.
     */
    private const BIG_LITERAL = '/(?:^|[:,\[])\s*-?[0-9]{19}/';

    /** Largest magnitude a double holds every integer up to: 2^53. */
    public const EXACT_DOUBLE_INT = 9007199254740992.0;

    /** Largest integer JavaScript holds exactly (Number.MAX_SAFE_INTEGER): beyond it, `unsafe_integer`. */
    public const MAX_SAFE_INTEGER = 9007199254740991;

    /** Keys that could pollute JavaScript objects: refused everywhere, as the boundary refuses them. */
    public const FORBIDDEN_KEYS = ['__proto__' => true, 'constructor' => true, 'prototype' => true];

    /**
     * A PHP diagnostic printed before the JSON (display_errors=1): CLI text or HTML, as the boundary
     * recognises it (runtime/guard/body.ts).
     */
    private const DIAGNOSTIC = '/^\s*(?:<br\s*\/?>\s*)?(?:<b>)?(?:PHP )?'
        . '(Warning|Notice|Deprecated|Fatal error|Parse error|Strict Standards'
        . '|Recoverable fatal error|Uncaught \w+)(?:<\/b>)?:\s*([^\n]*?)(?:<br\s*\/?>|\n|$)/';

    /**
     * Parses JSON text: objects as \stdClass, integers beyond 64 bits as {@see BigInteger} (so they
     * differ from JSON strings), numbers beyond the double range refused.
     */
    public static function parse(string $json, string $type, ?Errors $e = null): mixed
    {
        if ($e !== null && $json !== '' && ($json[0] === "\xEF" || ($json[0] !== '{' && $json[0] !== '['))) {
            $json = self::preflight($json, $type, $e);
        }
        try {
            $v = json_decode($json, false, 512, self::FLAGS);
            if (preg_match(self::BIG_LITERAL, $json) === 1) {
                // Decoded again with big integers as floats: where the two trees differ (a string in
                // one, a float in the other) the text had an integer literal beyond 64 bits.
                $v = self::markBigIntegers($v, json_decode($json, false, 512, JSON_THROW_ON_ERROR));
            }
            return $v;
        } catch (\JsonException $e) {
            throw new DecodeException($type, [
                new \Contractgen\Runtime\DecodeError('$', 'invalid_json', 'valid JSON', $e->getMessage()),
            ]);
        }
    }

    /**
     * What the boundary's body reader does before JSON: a UTF-8 BOM (`utf8_bom`) and PHP diagnostics
     * printed before the JSON (`php_output_before_json`, not after a fatal error) are cut off when the
     * policy repairs them, and refused otherwise.
     */
    private static function preflight(string $json, string $type, Errors $e): string
    {
        if (str_starts_with($json, "\xEF\xBB\xBF")) {
            if (!$e->repairs('utf8_bom')) {
                throw new DecodeException($type, [
                    new \Contractgen\Runtime\DecodeError(
                        '$',
                        'utf8_bom',
                        'JSON without a byte order mark',
                        'a UTF-8 BOM (EF BB BF) before the JSON',
                    ),
                ]);
            }
            $json = substr($json, 3);
        }
        $start = ltrim($json, " \n\r\t");
        if ($start === '' || $start[0] === '{' || $start[0] === '[') {
            return $json;
        }
        $rest = $json;
        $fatal = false;
        $found = false;
        while (preg_match(self::DIAGNOSTIC, $rest, $m) === 1) {
            $found = true;
            $fatal = $fatal || preg_match('/^(Fatal|Parse|Uncaught|Recoverable)/', $m[1]) === 1;
            $rest = substr($rest, strlen($m[0]));
        }
        if (!$found) {
            return $json;
        }
        $rest = ltrim($rest, " \n\r\t");
        $json = $rest !== '' && ($rest[0] === '{' || $rest[0] === '[');
        if ($fatal || !$json || !$e->repairs('php_output_before_json')) {
            $code = 'php_output_before_json';
            throw new DecodeException($type, [
                new \Contractgen\Runtime\DecodeError('$', $code, 'only JSON in the body', 'PHP output before the JSON'),
            ]);
        }
        return $rest;
    }

    /** `$exact` with each string that is a float in `$rounded` (the same text) replaced by a BigInteger. */
    private static function markBigIntegers(mixed $exact, mixed $rounded): mixed
    {
        if (is_string($exact)) {
            return is_float($rounded) ? new BigInteger($exact) : $exact;
        }
        if (is_array($exact) && is_array($rounded)) {
            foreach ($exact as $i => $x) {
                if (is_string($x) || is_array($x) || $x instanceof \stdClass) {
                    $exact[$i] = self::markBigIntegers($x, $rounded[$i] ?? null);
                }
            }
        } elseif ($exact instanceof \stdClass && $rounded instanceof \stdClass) {
            foreach (get_object_vars($exact) as $k => $x) {
                if (is_string($x) || is_array($x) || $x instanceof \stdClass) {
                    $exact->{$k} = self::markBigIntegers($x, $rounded->{$k} ?? null);
                }
            }
        }
        return $exact;
    }

    /**
     * Whether `$v` is a JSON object: a \stdClass, or a PHP array that is not a non-empty list. Records a
     * type error (`$expected` instead) when it is not. Either way the caller can `foreach` over it: PHP
     * walks a \stdClass's properties, which the assertion below tells PHPStan (it counts only arrays and
     * Traversable as iterable).
     *
     * @phpstan-assert-if-true iterable<array-key, mixed> $v
     */
    public static function isObject(mixed $v, string $p, Errors $e, string $expected = 'object'): bool
    {
        if ($v instanceof \stdClass || (is_array($v) && $v !== [] && !array_is_list($v))) {
            return true;
        }
        if ($v === []) {
            // JSON text's [] is an array; with associative arrays it may be an empty object.
            if (!$e->objectsAsStdClass || $e->repairs('empty_array_for_object')) {
                return true;
            }
            $e->add($p, 'empty_array_for_object', $expected . ' (an empty one is {}, not [])', $v);
            return false;
        }
        $e->add($p, $v === false ? 'false_for_object' : 'type', $expected, $v);
        return false;
    }

    /**
     * A JSON array (a PHP list).
     *
     * @return list<mixed>
     */
    public static function list(mixed $v, string $p, Errors $e): array
    {
        if (is_array($v) && array_is_list($v)) {
            return $v;
        }
        if (($v instanceof \stdClass || is_array($v)) && $e->repairs('sparse_list_as_object')) {
            // array_filter / unset output: an object whose keys are all list indexes, values in key order.
            $items = [];
            foreach ($v instanceof \stdClass ? get_object_vars($v) : $v as $k => $x) {
                if (preg_match('/^(0|[1-9][0-9]{0,8})$/', (string) $k) !== 1) {
                    $items = null;
                    break;
                }
                $items[(int) $k] = $x;
            }
            if ($items !== null) {
                ksort($items);
                return array_values($items);
            }
        }
        $code = $v instanceof \stdClass ? 'sparse_list_as_object' : ($v === false ? 'false_for_object' : 'type');
        $e->add($p, $code, 'array', $v);
        return [];
    }

    /**
     * Decodes each element of a JSON array with `$item(value, path, errors)`.
     *
     * @template T
     * @param callable(mixed, string, Errors): T $item
     * @return list<T>
     */
    public static function listOf(mixed $v, string $p, Errors $e, callable $item): array
    {
        $out = [];
        foreach (self::list($v, $p, $e) as $i => $x) {
            $out[] = $item($x, $p . '[' . $i . ']', $e);
        }
        return $out;
    }

    /**
     * {@see listOf()} for a decoder that returns null after recording an error (a message's `decode`):
     * such an element is left out, as the caller discards the whole value once an error is recorded.
     *
     * @template T of object
     * @param callable(mixed, string, Errors): (T|null) $item
     * @return list<T>
     */
    public static function listOfMessages(mixed $v, string $p, Errors $e, callable $item): array
    {
        $out = [];
        foreach (self::list($v, $p, $e) as $i => $x) {
            $y = $item($x, $p . '[' . $i . ']', $e);
            if ($y !== null) {
                $out[] = $y;
            }
        }
        return $out;
    }

    /**
     * Decodes a JSON object used as a map: keys with `$key(key, path, errors)`, values with `$value`.
     *
     * @template K of array-key
     * @template V
     * @param callable(string, string, Errors): K $key
     * @param callable(mixed, string, Errors): V $value
     * @return array<K, V>
     */
    public static function mapOf(mixed $v, string $p, Errors $e, callable $key, callable $value): array
    {
        $out = [];
        if (!self::isMap($v, $p, $e)) {
            return $out;
        }
        foreach ($v as $k => $x) {
            $kp = $p . '[' . json_encode((string) $k, Write::FLAGS_LENIENT) . ']';
            if (isset(self::FORBIDDEN_KEYS[$k])) {
                $e->add($kp, 'forbidden_key', 'no __proto__, constructor or prototype keys', $x);
                continue;
            }
            $out[$key((string) $k, $kp, $e)] = $value($x, $kp, $e);
        }
        return $out;
    }

    /**
     * Whether `$v` can be read as a map (a JSON object). With associative arrays any PHP array is one:
     * PHP turns the keys "0", "1", ... into integers, so such a map is a list. When objects are
     * \stdClass (JSON text), a PHP list is a JSON array: only an empty one passes (what `json_encode`
     * prints for an empty PHP map), a non-empty one is a type error, never read as `{"0": ...}`.
     *
     * @phpstan-assert-if-true iterable<array-key, mixed> $v
     */
    private static function isMap(mixed $v, string $p, Errors $e): bool
    {
        if (is_array($v)) {
            if (!$e->objectsAsStdClass || ($v !== [] && !array_is_list($v))) {
                return true;
            }
            if ($v === []) {
                if ($e->repairs('empty_array_for_object')) {
                    return true;
                }
                $e->add($p, 'empty_array_for_object', 'object (a map; an empty one is {}, not [])', $v);
                return false;
            }
            if ($e->repairs('list_for_map')) {
                return true; // the keys 0..n-1, as `(object) $list` encodes them
            }
            $e->add($p, 'list_for_map', 'object (a map; a JSON array only when empty)', $v);
            return false;
        }
        return self::isObject($v, $p, $e);
    }

    /**
     * {@see mapOf()} for a value decoder that returns null after recording an error (a message's
     * `decode`): such an entry is left out, as the caller discards the whole value then.
     *
     * @template K of array-key
     * @template V of object
     * @param callable(string, string, Errors): K $key
     * @param callable(mixed, string, Errors): (V|null) $value
     * @return array<K, V>
     */
    public static function mapOfMessages(mixed $v, string $p, Errors $e, callable $key, callable $value): array
    {
        $out = [];
        if (!self::isMap($v, $p, $e)) {
            return $out;
        }
        foreach ($v as $k => $x) {
            $kp = $p . '[' . json_encode((string) $k, Write::FLAGS_LENIENT) . ']';
            if (isset(self::FORBIDDEN_KEYS[$k])) {
                $e->add($kp, 'forbidden_key', 'no __proto__, constructor or prototype keys', $x);
                continue;
            }
            $outKey = $key((string) $k, $kp, $e);
            $y = $value($x, $kp, $e);
            if ($y !== null) {
                $out[$outKey] = $y;
            }
        }
        return $out;
    }

    public static function string(mixed $v, string $p, Errors $e): string
    {
        if (is_string($v)) {
            return $v;
        }
        if (is_int($v) || $v instanceof BigInteger || is_float($v)) {
            // An integer column for a string field: its decimal digits, exactly (not a fraction).
            if ($e->repairs('number_for_string')) {
                if (is_int($v)) {
                    return (string) $v;
                }
                if ($v instanceof BigInteger) {
                    return $v->digits;
                }
                if (floor($v) === $v && abs($v) <= self::MAX_SAFE_INTEGER) {
                    return (string) (int) $v;
                }
            }
            $e->add($p, 'number_for_string', 'string', $v);
            return '';
        }
        $e->add($p, 'type', 'string', $v);
        return '';
    }

    public static function bool(mixed $v, string $p, Errors $e): bool
    {
        if (is_bool($v)) {
            return $v;
        }
        if ($v === 0 || $v === 1 || $v === 0.0 || $v === 1.0) {
            if ($e->repairs('int_for_bool')) {
                return $v == 1;
            }
            $e->add($p, 'int_for_bool', 'boolean', $v);
            return false;
        }
        if ($v === '1' || $v === 'true' || $v === '0' || $v === '' || $v === 'false') {
            if ($e->repairs('string_for_bool')) {
                return $v === '1' || $v === 'true';
            }
            $e->add($p, 'string_for_bool', 'boolean', $v);
            return false;
        }
        $e->add($p, 'type', 'boolean', $v);
        return false;
    }

    public static function int32(mixed $v, string $p, Errors $e): int
    {
        return self::integer($v, $p, $e, -2147483648, 2147483647, 'int32');
    }

    public static function uint32(mixed $v, string $p, Errors $e): int
    {
        return self::integer($v, $p, $e, 0, 4294967295, 'uint32');
    }

    public static function int64(mixed $v, string $p, Errors $e): int
    {
        return self::integer64($v, $p, $e, 'int64');
    }

    /**
     * uint64: a PHP int up to PHP_INT_MAX, a decimal string above it (exact up to 2^64-1). Strings are
     * decimal integers; a number with a fraction or exponent must be an integer below 2^53, where a
     * double is exact.
     */
    public static function uint64(mixed $v, string $p, Errors $e): int|string
    {
        if (is_int($v)) {
            if ($v >= 0) {
                return $v <= self::MAX_SAFE_INTEGER || self::unsafe($v, $p, $e) ? $v : 0;
            }
        } elseif ($v instanceof BigInteger && !self::unsafe($v, $p, $e)) {
            return 0;
        } else {
            $s = $v instanceof BigInteger ? $v->digits : $v;
            if (is_string($s) && preg_match('/^(0|[1-9][0-9]{0,19})$/', $s) === 1) {
                if (strlen($s) < 19 || (strlen($s) === 19 && strcmp($s, (string) PHP_INT_MAX) <= 0)) {
                    return (int) $s;
                }
                if (strlen($s) < 20 || strcmp($s, '18446744073709551615') <= 0) {
                    return $s;
                }
            } elseif (is_float($v) && $v >= 0 && $v < self::EXACT_DOUBLE_INT && floor($v) === $v) {
                return (int) $v;
            }
        }
        $e->add($p, 'type', 'uint64 (integer 0..18446744073709551615, number or decimal string)', $v);
        return 0;
    }

    /**
     * A signed or unsigned 32-bit integer within [$min, $max], from a JSON number (a fraction or
     * exponent is fine when the value is an integer: `1e3`, `5.0`) or a decimal integer string, the
     * wire schemas' pattern (`"12"`, `"-0"`; not `"1e3"`, `"1.0"`, `"012"` or `"+1"`).
     */
    public static function integer(mixed $v, string $p, Errors $e, int $min, int $max, string $name): int
    {
        if (is_int($v)) {
            if ($v >= $min && $v <= $max) {
                return $v;
            }
        } elseif (is_string($v) && preg_match('/^-?(0|[1-9][0-9]{0,18})$/', $v) === 1) {
            $i = (int) $v;
            // "-0" is a signed integer string (as the wire schemas' pattern has it), not an unsigned one.
            if (((string) $i === $v || ($v === '-0' && $min < 0)) && $i >= $min && $i <= $max) {
                return $i;
            }
        } elseif (is_float($v) && floor($v) === $v && $v >= $min && $v <= $max) {
            return (int) $v;
        }
        $e->add($p, 'type', $name . ' (integer ' . $min . '..' . $max . ', number or decimal string)', $v);
        return 0;
    }

    /**
     * A signed 64-bit integer: a JSON integer, a decimal integer string, or a number with a fraction
     * or exponent whose value is an integer below 2^53 in magnitude — beyond that a double has lost
     * digits (`9007199254740993.0` reads as ...992), so it is refused rather than rounded.
     */
    public static function integer64(mixed $v, string $p, Errors $e, string $name): int
    {
        if (is_int($v)) {
            if (($v <= self::MAX_SAFE_INTEGER && $v >= -self::MAX_SAFE_INTEGER) || self::unsafe($v, $p, $e)) {
                return $v;
            }
            return 0;
        }
        if (is_string($v) && preg_match('/^-?(0|[1-9][0-9]{0,18})$/', $v) === 1) {
            $i = (int) $v;
            if ((string) $i === $v || $v === '-0') {
                return $i;
            }
        } elseif (is_float($v) && abs($v) < self::EXACT_DOUBLE_INT && floor($v) === $v) {
            return (int) $v;
        }
        $range = ' (integer ' . PHP_INT_MIN . '..' . PHP_INT_MAX . ', number or decimal string)';
        $e->add($p, 'type', $name . $range, $v);
        return 0;
    }

    /**
     * A 64-bit integer beyond ±2^53 sent as a JSON number (`unsafe_integer`): read exactly when the
     * policy repairs it (the exact decimal string, as the boundary gives it to protobuf-es), recorded
     * otherwise. Returns whether to read it.
     */
    private static function unsafe(int|BigInteger $v, string $p, Errors $e): bool
    {
        // Only JSON text crosses to a JavaScript reader: a PHP int built by PHP code is exact.
        if (!$e->objectsAsStdClass || $e->repairs('unsafe_integer')) {
            return true;
        }
        $e->add($p, 'unsafe_integer', '64-bit integer beyond ±2^53 as a string', $v);
        return false;
    }

    /**
     * The number a proto enum value other than an int stands for: an integral float (`5.0`), or a
     * decimal numeral string (`"5"`, a PDO column) when the policy repairs `numeric_string` (the
     * boundary's repair); null otherwise, and the caller reports the value.
     */
    public static function enumNumber(mixed $v, string $p, Errors $e): ?int
    {
        if (is_float($v) && floor($v) === $v && abs($v) <= 2147483648.0) {
            return (int) $v;
        }
        $numeral = is_string($v) && preg_match('/^-?(0|[1-9][0-9]{0,9})$/', $v) === 1;
        if ($numeral && $e->repairs('numeric_string')) {
            return (int) $v;
        }
        return null;
    }

    /**
     * google.protobuf.Timestamp. A PHP DateTime encoded by `json_encode` (`{"date": …, "timezone_type":
     * …, "timezone": …}`) is `datetime_object`: under a repairing policy it becomes the UTC RFC 3339
     * string the boundary makes of it (runtime/guard/datetime.ts), unless its zone makes the instant a
     * guess (an abbreviation, an unknown zone, a wall time in a DST gap or overlap).
     */
    public static function timestamp(mixed $v, string $p, Errors $e): \Contractgen\Runtime\Timestamp
    {
        if (($v instanceof \stdClass || is_array($v)) && count((array) $v) === 3) {
            $a = (array) $v;
            if (array_key_exists('date', $a) && array_key_exists('timezone_type', $a) && isset($a['timezone'])) {
                $text = $e->repairs('datetime_object') ? self::dateTimeText($a) : null;
                if ($text === null) {
                    $e->add($p, 'datetime_object', 'RFC 3339 timestamp string', $v);
                    return new \Contractgen\Runtime\Timestamp();
                }
                $v = $text;
            }
        }
        return \Contractgen\Runtime\Timestamp::read($v, $p, $e);
    }

    /**
     * A JSON Schema `date-time` string. A PHP DateTime object (`datetime_object`) becomes its UTC RFC
     * 3339 text when the policy repairs it, as the boundary repairs it.
     */
    public static function dateTimeString(mixed $v, string $p, Errors $e): string
    {
        if (($v instanceof \stdClass || is_array($v)) && count((array) $v) === 3) {
            $a = (array) $v;
            if (array_key_exists('date', $a) && array_key_exists('timezone_type', $a) && isset($a['timezone'])) {
                $text = $e->repairs('datetime_object') ? self::dateTimeText($a) : null;
                if ($text !== null) {
                    return $text;
                }
                $e->add($p, 'datetime_object', 'RFC 3339 date-time string', $v);
                return '';
            }
        }
        return self::string($v, $p, $e);
    }

    /**
     * The UTC RFC 3339 text of a serialized PHP DateTime, or null when it cannot be converted without
     * guessing.
     *
     * @param array<array-key, mixed> $a
     */
    private static function dateTimeText(array $a): ?string
    {
        $date = $a['date'];
        $zone = $a['timezone'];
        $type = $a['timezone_type'];
        if (!is_string($date) || !is_string($zone)) {
            return null;
        }
        $pattern = '/^([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{6})$/';
        if (preg_match($pattern, $date, $m) !== 1) {
            return null;
        }
        [$y, $mo, $d, $h, $mi, $s, $us] = array_map('intval', array_slice($m, 1));
        if (!checkdate($mo, $d, $y) || $h > 23 || $mi > 59 || $s > 59) {
            return null;
        }
        $wall = gmmktime($h, $mi, $s, $mo, $d, $y);
        if ($wall === false) {
            return null;
        }
        $offset = null;
        if ($type === 1 || ($type === 3 && preg_match('/^[+-][0-9]{2}:?[0-9]{2}$/', $zone) === 1)) {
            // An offset (a zone name that is an offset reads as that offset, as Intl reads it).
            if (preg_match('/^([+-])([0-9]{2}):?([0-9]{2})$/', $zone, $o) === 1) {
                $offset = ($o[1] === '-' ? -1 : 1) * ((int) $o[2] * 60 + (int) $o[3]) * 60;
            }
        } elseif ($type === 2 || $type === 3) {
            if (in_array($zone, ['UTC', 'Z', 'GMT', 'Etc/UTC', 'Etc/GMT', 'Universal', 'Zulu'], true)) {
                $offset = 0;
            } elseif ($type === 3 && in_array($zone, \DateTimeZone::listIdentifiers(\DateTimeZone::ALL_WITH_BC))) {
                // A zone name (IANA), not an abbreviation such as CEST that PHP would also take.
                $offset = self::uniqueOffset($zone, $wall);
            }
        }
        if ($offset === null) {
            return null;
        }
        $base = gmdate('Y-m-d\TH:i:s', $wall - $offset);
        if ($us === 0) {
            return $base . 'Z';
        }
        return $base . ($us % 1000 === 0 ? sprintf('.%03d', intdiv($us, 1000)) : sprintf('.%06d', $us)) . 'Z';
    }

    /**
     * The one UTC offset (seconds) at which wall time `$wall` exists in `$zone`; null in a gap, an
     * overlap or an unknown zone.
     */
    private static function uniqueOffset(string $zone, int $wall): ?int
    {
        try {
            $tz = new \DateTimeZone($zone);
        } catch (\Exception) {
            return null;
        }
        $at = static fn (int $t): int => $tz->getOffset(new \DateTimeImmutable('@' . $t));
        $candidates = array_unique([$at($wall - 86400), $at($wall), $at($wall + 86400)]);
        $valid = array_values(array_filter($candidates, static fn (int $o): bool => $at($wall - $o) === $o));
        return count($valid) === 1 ? $valid[0] : null;
    }

    /** A JSON number written as a string (`"1.5"`, `"1e3"`), or null. */
    private static function numericString(string $v): ?float
    {
        if (preg_match('/^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/', $v) !== 1) {
            return null;
        }
        return (float) $v;
    }

    /**
     * A double: a finite JSON number (one beyond the double range, which json_decode makes ±INF, is
     * refused), a number in a string, or "NaN", "Infinity", "-Infinity" — the only way to send those.
     */
    public static function double(mixed $v, string $p, Errors $e): float
    {
        if (is_float($v)) {
            if (is_finite($v)) {
                return $v;
            }
        } elseif (is_int($v)) {
            return (float) $v;
        } elseif ($v instanceof BigInteger) {
            $f = $v->toFloat();
            if (is_finite($f)) {
                return $f;
            }
        } elseif (is_string($v)) {
            if ($v === 'NaN') {
                return NAN;
            }
            if ($v === 'Infinity') {
                return INF;
            }
            if ($v === '-Infinity') {
                return -INF;
            }
            $f = self::numericString($v);
            if ($f !== null && is_finite($f)) {
                return $f;
            }
        }
        $e->add($p, 'type', 'double (finite number, or "NaN", "Infinity", "-Infinity")', $v);
        return 0.0;
    }

    /**
     * Magnitude from which a double rounds to an infinite float32 (FLT_MAX plus half its last unit,
     * 2^128 - 2^103): `3.4028235e38`, how C prints FLT_MAX, is still a float.
     */
    public const FLOAT_LIMIT = 3.4028235677973366e38;

    /** A float: {@see double()} within the float32 range. */
    public static function float(mixed $v, string $p, Errors $e): float
    {
        $before = $e->count();
        $f = self::double($v, $p, $e);
        if ($e->count() === $before && is_finite($f) && abs($f) >= self::FLOAT_LIMIT) {
            $e->add($p, 'range', 'float (32-bit range, magnitude below 3.4028235677973366e38)', $v);
            return 0.0;
        }
        return $f;
    }

    /** Base64 (standard or URL-safe alphabet, padding optional) to raw bytes. */
    public static function bytes(mixed $v, string $p, Errors $e): string
    {
        if (is_string($v) && preg_match('/^[A-Za-z0-9+\/_-]*={0,2}$/', $v) === 1) {
            $s = rtrim(strtr($v, '-_', '+/'), '=');
            if (strlen($s) % 4 !== 1) {
                $raw = base64_decode($s . str_repeat('=', (4 - strlen($s) % 4) % 4), true);
                if ($raw !== false) {
                    return $raw;
                }
            }
        }
        $e->add($p, 'type', 'bytes (base64 string)', $v);
        return '';
    }

    public static function keyString(string $k, string $p, Errors $e): string
    {
        return $k;
    }

    public static function keyInt32(string $k, string $p, Errors $e): int
    {
        return self::integer($k, $p, $e, -2147483648, 2147483647, 'int32 key');
    }

    public static function keyUint32(string $k, string $p, Errors $e): int
    {
        return self::integer($k, $p, $e, 0, 4294967295, 'uint32 key');
    }

    public static function keyInt64(string $k, string $p, Errors $e): int
    {
        return self::integer64($k, $p, $e, 'int64 key');
    }

    public static function keyUint64(string $k, string $p, Errors $e): int|string
    {
        return self::uint64($k, $p, $e);
    }

    /** Bool map keys stay the strings `'true'` / `'false'` (PHP array keys cannot be booleans). */
    public static function keyBool(string $k, string $p, Errors $e): string
    {
        if ($k === 'true' || $k === 'false') {
            return $k;
        }
        $e->add($p, 'type', 'bool key ("true" or "false")', $k);
        return 'false';
    }

    /**
     * Any JSON value (google.protobuf.Value, and JSON Schema values of any type): objects become
     * \stdClass, arrays lists; a PHP associative array is taken as an object. A number is a double by
     * contract (Value's `number_value`), read as JavaScript reads it: an integer within ±2^53 stays an
     * int (a double holds it exactly), a bigger one becomes the nearest float — what a TypeScript peer
     * holds — and a number beyond the double range is refused.
     */
    public static function value(mixed $v, string $p, Errors $e): mixed
    {
        if ($v === null || is_bool($v) || is_string($v)) {
            return $v;
        }
        if (is_int($v)) {
            return $v > 9007199254740992 || $v < -9007199254740992 ? (float) $v : $v;
        }
        if (is_float($v)) {
            if (is_finite($v)) {
                return $v;
            }
            $e->add($p, 'type', 'finite number', $v);
            return 0.0;
        }
        if ($v instanceof BigInteger) {
            $f = $v->toFloat();
            if (is_finite($f)) {
                return $f;
            }
            $e->add($p, 'type', 'finite number', $v);
            return 0.0;
        }
        if (is_array($v) && array_is_list($v)) {
            $out = [];
            foreach ($v as $i => $x) {
                $out[] = self::value($x, $p . '[' . $i . ']', $e);
            }
            return $out;
        }
        if (is_array($v) || self::isObject($v, $p, $e, 'JSON value')) {
            $out = new \stdClass();
            foreach ($v as $k => $x) {
                if (isset(self::FORBIDDEN_KEYS[$k])) {
                    $e->add($p . '.' . $k, 'forbidden_key', 'no __proto__, constructor or prototype keys', $x);
                    continue;
                }
                $out->{$k} = self::value($x, $p . '.' . $k, $e);
            }
            return $out;
        }
        return null;
    }

    /**
     * google.protobuf.Struct: a JSON object as a PHP array keyed by string.
     *
     * @return array<string, mixed>
     */
    public static function struct(mixed $v, string $p, Errors $e): array
    {
        $out = [];
        if (self::isObject($v, $p, $e)) {
            foreach ($v as $k => $x) {
                if (isset(self::FORBIDDEN_KEYS[$k])) {
                    $e->add($p . '.' . $k, 'forbidden_key', 'no __proto__, constructor or prototype keys', $x);
                    continue;
                }
                $out[(string) $k] = self::value($x, $p . '.' . $k, $e);
            }
        }
        return $out;
    }

    /**
     * google.protobuf.ListValue: a JSON array.
     *
     * @return list<mixed>
     */
    public static function listValue(mixed $v, string $p, Errors $e): array
    {
        $out = [];
        foreach (self::list($v, $p, $e) as $i => $x) {
            $out[] = self::value($x, $p . '[' . $i . ']', $e);
        }
        return $out;
    }

    public static function empty(mixed $v, string $p, Errors $e): \Contractgen\Runtime\EmptyMessage
    {
        if (self::isObject($v, $p, $e)) {
            foreach ($v as $k => $x) {
                $e->add($p . '.' . $k, 'unknown_field', 'no fields (google.protobuf.Empty)', $x);
            }
        }
        return new \Contractgen\Runtime\EmptyMessage();
    }

    /**
     * JSON Schema `integer`: a JSON number without a fractional part (never a string), within PHP's
     * int range; one written with a fraction or exponent must be below 2^53, where a double is exact.
     */
    public static function jsonInteger(mixed $v, string $p, Errors $e): int
    {
        if (is_int($v)) {
            if (($v <= self::MAX_SAFE_INTEGER && $v >= -self::MAX_SAFE_INTEGER) || !$e->objectsAsStdClass) {
                return $v;
            }
            // No exact value in JavaScript, and no string form for a JSON Schema integer: no repair.
            $e->add($p, 'unsafe_integer', 'integer JavaScript can hold exactly (within ±2^53)', $v);
            return 0;
        }
        if (is_float($v) && abs($v) < self::EXACT_DOUBLE_INT && floor($v) === $v) {
            return (int) $v;
        }
        if (is_string($v) && preg_match('/^-?(0|[1-9][0-9]{0,15})$/', $v) === 1) {
            // A PDO or form numeral (numeric_string): the number, when the policy repairs it.
            $i = (int) $v;
            if (abs($i) <= self::MAX_SAFE_INTEGER && $e->repairs('numeric_string')) {
                return $i;
            }
            $e->add($p, 'numeric_string', 'integer', $v);
            return 0;
        }
        $e->add($p, 'type', 'integer', $v);
        return 0;
    }

    /** JSON Schema `number`: any JSON number, as the nearest double (beyond the double range: refused). */
    public static function jsonNumber(mixed $v, string $p, Errors $e): float
    {
        if (is_int($v)) {
            return (float) $v;
        }
        $f = $v instanceof BigInteger ? $v->toFloat() : $v;
        if (is_float($f) && is_finite($f)) {
            return $f;
        }
        if (is_string($v) && preg_match('/^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/', $v) === 1) {
            // A PDO or form numeral (numeric_string): the number, when the policy repairs it.
            if (is_finite((float) $v) && $e->repairs('numeric_string')) {
                return (float) $v;
            }
            $e->add($p, 'numeric_string', 'number', $v);
            return 0.0;
        }
        $e->add($p, 'type', 'number', $v);
        return 0.0;
    }

    /** google.protobuf.NullValue: only JSON null (or its enum name). */
    public static function nullValue(mixed $v, string $p, Errors $e): mixed
    {
        if ($v === null || $v === 'NULL_VALUE' || $v === 0) {
            return null;
        }
        $e->add($p, 'type', 'null', $v);
        return null;
    }
}
