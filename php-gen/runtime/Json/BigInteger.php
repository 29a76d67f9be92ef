<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Json;

/**
 * A JSON integer literal beyond the 64-bit range, as {@see Read::parse()} hands it to the readers.
 * `json_decode` gives such a number as a string (JSON_BIGINT_AS_STRING keeps its digits), which a
 * reader could not tell from a JSON string: this marker keeps the two apart, so a `string` field
 * refuses the number, a `uint64` field reads its digits exactly and a `double` or
 * `google.protobuf.Value` reads it as the nearest double.
 *
 * @internal used by the runtime
 */
final class BigInteger
{
    /** @param string $digits the literal as written: `-?[0-9]+` */
    public function __construct(public readonly string $digits)
    {
    }

    /** The nearest double, as any JSON reader that reads numbers as doubles gets it. */
    public function toFloat(): float
    {
        return (float) $this->digits;
    }
}
