<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Server;

use Contractgen\Runtime\DecodeError;
use Contractgen\Runtime\DecodeException;
use Contractgen\Runtime\Http\ConnectException;

/**
 * Decodes a request DTO for a generated dispatcher: a {@see DecodeException} becomes `invalid_argument`
 * with every violation as a detail. Only the request is decoded here, so a DTO a handler fails to build
 * later is the server's fault (`internal`), not the client's.
 */
final class Input
{
    /**
     * @template T of object
     * @param \Closure(\stdClass): T $fromArray the request class's `fromArray(...)`
     * @return T
     * @throws ConnectException
     */
    public static function decode(\Closure $fromArray, \stdClass $input, string $method): object
    {
        try {
            return $fromArray($input);
        } catch (DecodeException $e) {
            $violations = array_map(
                static fn (DecodeError $v): array => [
                    'path' => $v->path,
                    'code' => $v->code,
                    'expected' => $v->expected,
                    'found' => $v->found,
                    'message' => (string) $v,
                ],
                $e->errors(),
            );
            throw ConnectException::invalidArgument("invalid {$method} request: " . $e->getMessage(), $violations);
        }
    }
}
