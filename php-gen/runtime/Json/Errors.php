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

    /** What this decode does with PHP pitfalls (the shared acceptance table); {@see strictly()} swaps it. */
    public Policy $policy;

    /** Whether this decode repaired a pitfall or dropped an unknown key (the value differs from the input). */
    public bool $repaired = false;

    /**
     * @param bool $objectsAsStdClass the value being decoded has every JSON object as a \stdClass (it
     *     came from {@see Read::parse()} or `json_decode($json, false)`), so a PHP array is always a JSON
     *     array; with associative arrays a map whose keys are 0..n-1 is a PHP list too.
     * @param Policy|string|null $policy a policy, a preset name, or null for {@see Policy::default()}
     */
    public function __construct(public readonly bool $objectsAsStdClass = false, Policy|string|null $policy = null)
    {
        $this->policy = Policy::of($policy);
    }

    /**
     * A key the message does not define: an error, unless the policy drops unknown keys (`warn`);
     * `__proto__`, `constructor` and `prototype` are refused always (`forbidden_key`), as the boundary
     * refuses them.
     */
    public function unknown(string $path, string $key, string $expected, mixed $found): void
    {
        if (isset(Read::FORBIDDEN_KEYS[$key])) {
            $this->add($path, 'forbidden_key', 'no __proto__, constructor or prototype keys', $found);
        } elseif (!$this->policy->warns('unknown_key')) {
            $this->add($path, 'unknown_field', $expected, $found);
        } else {
            $this->repaired = true;
        }
    }

    /** Whether the policy repairs pitfall `$code` (and so this decode repairs it: {@see $repaired}). */
    public function repairs(string $code): bool
    {
        if ($this->policy->repairs($code)) {
            $this->repaired = true;
            return true;
        }
        return false;
    }

    /**
     * After the wire schema check of a JSON Schema DTO failed on the payload as sent (its errors in
     * `$wire`) while the decode found nothing: when the decode repaired the payload, the wire schema is
     * checked again on the repaired value (the DTO's JSON), as the boundary validates the value it
     * repaired; the errors of the check that failed are thrown.
     *
     * @param callable(mixed, Errors): bool $check the wire schema check
     * @throws DecodeException
     */
    public function throwIfWireInvalid(self $wire, ?\JsonSerializable $decoded, callable $check, string $type): void
    {
        if ($this->list !== []) {
            return; // the decoder's findings name the field: the caller throws them
        }
        if ($this->repaired && $decoded !== null) {
            $again = new self(true);
            $json = json_decode((string) json_encode($decoded, Write::FLAGS), false, 512, Read::FLAGS);
            if ($check($json, $again)) {
                return;
            }
            $again->throwIfAny($type);
        }
        $wire->throwIfAny($type);
    }

    /**
     * Runs `$read` under the strict preset: an Any's payload is read as plain ProtoJSON, without
     * repairs, as the TypeScript boundary (which cannot guard a payload whose type only `@type` names)
     * hands it to protobuf-es.
     *
     * @template T
     * @param callable(): T $read
     * @return T
     */
    public function strictly(callable $read): mixed
    {
        $saved = $this->policy;
        $this->policy = Policy::preset('strict');
        try {
            return $read();
        } finally {
            $this->policy = $saved;
        }
    }

    /**
     * Records `both_names` when the object `$v`, read under a field's proto name, has the field's JSON
     * name too (null or not, as protobuf-es): which value is meant is a guess, and ProtoJSON parsers
     * refuse it.
     */
    public function bothNames(mixed $v, string $jsonName, string $path): void
    {
        $has = $v instanceof \stdClass
            ? property_exists($v, $jsonName)
            : is_array($v) && array_key_exists($jsonName, $v);
        if ($has) {
            $this->addText($path, 'both_names', 'the field under one name', 'its proto name and its JSON name');
        }
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
