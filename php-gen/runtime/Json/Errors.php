<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Json;

use Contractgen\Runtime\DecodeError;
use Contractgen\Runtime\DecodeException;

/**
 * Collects every violation of one decode or construction, so the caller sees them all at once.
 *
 * @internal used by generated code
 */
final class Errors
{
    /** @var list<DecodeError> */
    private array $list = [];

    /**
     * @param bool $objectsAsStdClass the value being decoded has every JSON object as a \stdClass (it
     *     came from {@see Read::parse()} or `json_decode($json, false)`), so a PHP array is always a JSON
     *     array; with associative arrays a map whose keys are 0..n-1 is a PHP list too.
     */
    public function __construct(public readonly bool $objectsAsStdClass = false)
    {
    }

    public function add(string $path, string $code, string $expected, mixed $found): void
    {
        $this->list[] = new DecodeError($path, $code, $expected, DecodeError::describe($found));
    }

    /** Records a violation whose "found" text is already written. */
    public function addText(string $path, string $code, string $expected, string $found): void
    {
        $this->list[] = new DecodeError($path, $code, $expected, $found);
    }

    public function count(): int
    {
        return count($this->list);
    }

    /** @throws DecodeException when anything was recorded */
    public function throwIfAny(string $type): void
    {
        if ($this->list !== []) {
            throw new DecodeException($type, $this->list);
        }
    }
}
