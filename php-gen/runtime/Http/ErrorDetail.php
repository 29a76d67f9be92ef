<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Http;

/**
 * One detail of a Connect error: a type name, the detail's bytes (base64 on the wire, without padding)
 * and an optional JSON `debug` form.
 */
final class ErrorDetail implements \JsonSerializable
{
    /** Type of the detail contractgen servers attach to `invalid_argument`: every violation of a request. */
    public const VIOLATIONS = 'contractgen.v1.Violations';

    /**
     * @param string $type fully qualified type name (`google.rpc.RetryInfo`, `contractgen.v1.Violations`)
     * @param string $value the detail's bytes, already base64-encoded as on the wire
     * @param mixed $debug JSON form of the detail, when the sender included one
     */
    public function __construct(
        public readonly string $type,
        public readonly string $value,
        public readonly mixed $debug = null,
    ) {
    }

    /** A detail whose bytes are the JSON of `$value` (and whose `debug` is `$value` itself). */
    public static function json(string $type, mixed $value): self
    {
        $json = json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
        return new self($type, rtrim(base64_encode($json), '='), $value);
    }

    /** The detail's bytes. */
    public function bytes(): string
    {
        // Not strict: characters outside the alphabet are skipped, so this never fails.
        return base64_decode(strtr($this->value, '-_', '+/'));
    }

    /**
     * The detail decoded as JSON: `debug` when present, else the bytes parsed as JSON (contractgen's own
     * details are JSON), else null.
     */
    public function data(): mixed
    {
        if ($this->debug !== null) {
            return $this->debug;
        }
        try {
            return json_decode($this->bytes(), true, 512, JSON_THROW_ON_ERROR);
        } catch (\JsonException) {
            return null;
        }
    }

    /** @return array{type: string, value: string, debug?: mixed} */
    public function jsonSerialize(): array
    {
        $out = ['type' => $this->type, 'value' => $this->value];
        if ($this->debug !== null) {
            $out['debug'] = $this->debug;
        }
        return $out;
    }
}
