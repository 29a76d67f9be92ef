<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Json;

/**
 * Writers for canonical ProtoJSON values that `json_encode` does not produce by itself.
 *
 * @internal used by generated code
 */
final class Write
{
    public const FLAGS = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR;

    /** For error messages: never throws, invalid UTF-8 is replaced. */
    public const FLAGS_LENIENT = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE;

    /**
     * A double or float: numbers as numbers, NaN and infinities as ProtoJSON strings. `-0.0` is written
     * as `0`: JSON.stringify cannot write a negative zero, so no writer does (see docs/php.md).
     */
    public static function double(float $v): float|string
    {
        if (is_finite($v)) {
            return $v + 0.0;
        }
        return is_nan($v) ? 'NaN' : ($v > 0 ? 'Infinity' : '-Infinity');
    }

    /**
     * @param list<float> $list
     * @return list<float|string>
     */
    public static function doubles(array $list): array
    {
        $out = [];
        foreach ($list as $v) {
            $out[] = is_finite($v) ? $v + 0.0 : self::double($v);
        }
        return $out;
    }

    /**
     * @param list<int|string> $list
     * @return list<string>
     */
    public static function int64s(array $list): array
    {
        $out = [];
        foreach ($list as $v) {
            $out[] = (string) $v;
        }
        return $out;
    }

    /** Raw bytes as standard base64 with padding. */
    public static function bytes(string $v): string
    {
        return base64_encode($v);
    }

    /**
     * @param list<string> $list
     * @return list<string>
     */
    public static function bytesList(array $list): array
    {
        return array_map('base64_encode', $list);
    }

    /**
     * A map as a JSON object (never `[]`), values converted by `$value` when given.
     *
     * @template V
     * @param array<array-key, V> $map
     * @param (callable(V): mixed)|null $value
     */
    public static function map(array $map, ?callable $value = null): \stdClass
    {
        $out = new \stdClass();
        foreach ($map as $k => $v) {
            $out->{(string) $k} = $value === null ? $v : $value($v);
        }
        return $out;
    }

    /**
     * A google.protobuf.Value for output: empty PHP arrays inside stay what they were decoded as. A
     * number is a double by contract: `-0.0` is written as `0`, an int beyond ±2^53 as a float when a
     * double holds it exactly; any other int beyond ±2^53 would reach a TypeScript reader rounded, so
     * it is refused (send it as a string).
     *
     * @throws \RangeException for an int beyond ±2^53 that no double holds
     */
    public static function value(mixed $v): mixed
    {
        if (is_float($v)) {
            return is_finite($v) ? $v + 0.0 : self::double($v);
        }
        if (is_int($v)) {
            if ($v <= 9007199254740992 && $v >= -9007199254740992) {
                return $v;
            }
            $f = (float) $v;
            if ($f < 9.2233720368547758e18 && (int) $f === $v) {
                return $f;
            }
            throw new \RangeException(
                'google.protobuf.Value: the integer ' . $v . ' has no exact double (numbers in a Value are '
                . 'doubles; a JavaScript reader would get ' . sprintf('%.0f', $f) . '); send it as a string',
            );
        }
        if (is_array($v)) {
            if (array_is_list($v)) {
                return array_map([self::class, 'value'], $v);
            }
            return self::map($v, [self::class, 'value']);
        }
        if ($v instanceof \stdClass) {
            return self::map(get_object_vars($v), [self::class, 'value']);
        }
        return $v;
    }

    /**
     * google.protobuf.Struct: always a JSON object.
     *
     * @param array<array-key, mixed> $v
     */
    public static function struct(array $v): \stdClass
    {
        return self::map($v, [self::class, 'value']);
    }
}
