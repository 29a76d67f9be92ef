<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime;

/**
 * One violation found while decoding or constructing a DTO: where (a JSON path such as
 * `$.items[2].unitPrice.units`), what was expected and what was found.
 */
final class DecodeError
{
    public function __construct(
        public readonly string $path,
        public readonly string $code,
        public readonly string $expected,
        public readonly string $found,
    ) {
    }

    /** A short, printable description of a PHP value for error messages. */
    public static function describe(mixed $value): string
    {
        if ($value === null) {
            return 'null';
        }
        if (is_bool($value)) {
            return $value ? 'true' : 'false';
        }
        if (is_int($value)) {
            return 'int ' . $value;
        }
        if (is_float($value)) {
            return 'float ' . var_export($value, true);
        }
        if (is_string($value)) {
            $shown = strlen($value) > 60 ? substr($value, 0, 57) . '...' : $value;
            return 'string ' . json_encode($shown, Json\Write::FLAGS_LENIENT);
        }
        if (is_array($value)) {
            $kind = $value === [] || array_is_list($value) ? 'list' : 'map';
            return 'array (' . $kind . ' of ' . count($value) . ')';
        }
        if ($value instanceof Json\BigInteger) {
            return 'number ' . $value->digits;
        }
        if ($value instanceof \stdClass) {
            return 'object';
        }
        return is_object($value) ? 'instance of ' . $value::class : get_debug_type($value);
    }

    public function __toString(): string
    {
        return $this->path . ': expected ' . $this->expected . ', found ' . $this->found . ' [' . $this->code . ']';
    }
}
