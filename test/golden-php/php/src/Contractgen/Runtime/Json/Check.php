<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Json;

/**
 * JSON Schema constraint checks run by generated constructors.
 *
 * @internal used by generated code
 */
final class Check
{
    private const DATE_TIME = '/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/';
    private const HOSTNAME = '/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)'
        . '(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/';

    public static function string(
        string $v,
        string $p,
        Errors $e,
        ?int $minLength,
        ?int $maxLength,
        ?string $pattern,
        ?string $format,
    ): void {
        if ($minLength !== null || $maxLength !== null) {
            $len = mb_strlen($v, 'UTF-8');
            if ($minLength !== null && $len < $minLength) {
                $e->add($p, 'min_length', 'a string of at least ' . $minLength . ' characters', $v);
            }
            if ($maxLength !== null && $len > $maxLength) {
                $e->add($p, 'max_length', 'a string of at most ' . $maxLength . ' characters', $v);
            }
        }
        if ($pattern !== null && preg_match($pattern, $v) !== 1) {
            $e->add($p, 'pattern', 'a string matching ' . substr($pattern, 1, -2), $v);
        }
        if ($format !== null && !self::format($v, $format)) {
            $e->add($p, 'format', 'a string in format ' . $format, $v);
        }
    }

    /** Whether `$v` is valid for JSON Schema `format`; unknown formats are annotations and pass. */
    public static function format(string $v, string $format): bool
    {
        switch ($format) {
            case 'date-time':
                return preg_match(self::DATE_TIME, $v) === 1
                    && checkdate((int) substr($v, 5, 2), (int) substr($v, 8, 2), (int) substr($v, 0, 4))
                    && (int) substr($v, 11, 2) < 24 && (int) substr($v, 14, 2) < 60 && (int) substr($v, 17, 2) < 61;
            case 'date':
                return preg_match('/^\d{4}-\d{2}-\d{2}$/', $v) === 1
                    && checkdate((int) substr($v, 5, 2), (int) substr($v, 8, 2), (int) substr($v, 0, 4));
            case 'time':
                return preg_match('/^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/', $v) === 1;
            case 'email':
                return filter_var($v, FILTER_VALIDATE_EMAIL) !== false;
            case 'uuid':
                return preg_match('/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i', $v) === 1;
            case 'uri':
                return preg_match('/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/', $v) === 1;
            case 'ipv4':
                return filter_var($v, FILTER_VALIDATE_IP, FILTER_FLAG_IPV4) !== false;
            case 'ipv6':
                return filter_var($v, FILTER_VALIDATE_IP, FILTER_FLAG_IPV6) !== false;
            case 'hostname':
                return preg_match(self::HOSTNAME, $v) === 1;
            default:
                return true;
        }
    }

    public static function number(
        int|float $v,
        string $p,
        Errors $e,
        int|float|null $minimum,
        int|float|null $maximum,
        int|float|null $exclusiveMinimum,
        int|float|null $exclusiveMaximum,
        int|float|null $multipleOf,
    ): void {
        if ($minimum !== null && $v < $minimum) {
            $e->add($p, 'minimum', 'a number >= ' . $minimum, $v);
        }
        if ($maximum !== null && $v > $maximum) {
            $e->add($p, 'maximum', 'a number <= ' . $maximum, $v);
        }
        if ($exclusiveMinimum !== null && $v <= $exclusiveMinimum) {
            $e->add($p, 'exclusive_minimum', 'a number > ' . $exclusiveMinimum, $v);
        }
        if ($exclusiveMaximum !== null && $v >= $exclusiveMaximum) {
            $e->add($p, 'exclusive_maximum', 'a number < ' . $exclusiveMaximum, $v);
        }
        if ($multipleOf !== null) {
            $ok = is_int($v) && is_int($multipleOf)
                ? $v % $multipleOf === 0
                : abs(fmod((float) $v, (float) $multipleOf)) < 1e-9 * max(1.0, abs((float) $v));
            if (!$ok) {
                $e->add($p, 'multiple_of', 'a multiple of ' . $multipleOf, $v);
            }
        }
    }

    /**
     * @param array<array-key, mixed> $v
     */
    public static function items(array $v, string $p, Errors $e, ?int $minItems, ?int $maxItems, bool $unique): void
    {
        $n = count($v);
        if ($minItems !== null && $n < $minItems) {
            $e->add($p, 'min_items', 'an array of at least ' . $minItems . ' items', $v);
        }
        if ($maxItems !== null && $n > $maxItems) {
            $e->add($p, 'max_items', 'an array of at most ' . $maxItems . ' items', $v);
        }
        if ($unique) {
            $seen = [];
            foreach ($v as $i => $x) {
                $key = json_encode($x, Write::FLAGS);
                if (isset($seen[$key])) {
                    $e->add($p . '[' . $i . ']', 'unique_items', 'unique items', $x);
                }
                $seen[$key] = true;
            }
        }
    }

    /**
     * @param array<array-key, mixed> $v
     */
    public static function size(array $v, string $p, Errors $e, ?int $min, ?int $max): void
    {
        $n = count($v);
        if ($min !== null && $n < $min) {
            $e->add($p, 'min_properties', 'an object of at least ' . $min . ' properties', $v);
        }
        if ($max !== null && $n > $max) {
            $e->add($p, 'max_properties', 'an object of at most ' . $max . ' properties', $v);
        }
    }

    public static function constant(mixed $v, string $p, Errors $e, mixed $want): void
    {
        if ($v !== $want) {
            $e->add($p, 'const', 'the constant ' . json_encode($want, Write::FLAGS), $v);
        }
    }

    /** A proto integer field held in a wider PHP int (int32, uint32). */
    public static function range(int $v, string $p, Errors $e, int $min, int $max): void
    {
        if ($v < $min || $v > $max) {
            $e->add($p, 'range', 'an integer in ' . $min . '..' . $max, $v);
        }
    }

    /** uint64: an int >= 0, or a decimal string above PHP_INT_MAX up to 18446744073709551615. */
    public static function uint64(int|string $v, string $p, Errors $e): void
    {
        if (is_int($v)) {
            if ($v < 0) {
                $e->add($p, 'range', 'an integer in 0..18446744073709551615', $v);
            }
            return;
        }
        $ok = preg_match('/^[1-9][0-9]{18,19}$/', $v) === 1
            && (strlen($v) === 19 ? strcmp($v, (string) PHP_INT_MAX) > 0 : strcmp($v, '18446744073709551615') <= 0);
        if (!$ok) {
            $e->add($p, 'range', 'an int, or a decimal string from 9223372036854775808 to 18446744073709551615', $v);
        }
    }
}
