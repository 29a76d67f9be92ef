<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime;

/** google.protobuf.Empty (`Empty` is a reserved word in PHP). JSON form: `{}`. */
final class EmptyMessage implements \JsonSerializable
{
    public function jsonSerialize(): \stdClass
    {
        return new \stdClass();
    }
}
