<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime;

/**
 * A set google.protobuf.Value field: any JSON value, JSON objects as \stdClass and arrays as lists.
 * Wrapped so that a field holding JSON `null` differs from an unset field (PHP `null`).
 */
final class Value implements \JsonSerializable
{
    public function __construct(public readonly mixed $value = null)
    {
    }

    public function jsonSerialize(): mixed
    {
        return Json\Write::value($this->value);
    }
}
