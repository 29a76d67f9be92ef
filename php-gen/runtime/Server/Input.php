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
    /** Most violations sent back in one `invalid_argument` error. */
    public const MAX_VIOLATIONS = 100;

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
            // At most MAX_VIOLATIONS in the answer (as the TS servers): 40,000 bad list items would
            // otherwise make a detail of tens of MB and exhaust memory_limit while it is encoded.
            $errors = $e->errors();
            $violations = array_map(
                static fn (DecodeError $v): array => [
                    'path' => $v->path,
                    'code' => $v->code,
                    'expected' => $v->expected,
                    'found' => $v->found,
                    'message' => (string) $v,
                ],
                array_slice($errors, 0, self::MAX_VIOLATIONS),
            );
            $lines = explode("\n", $e->getMessage(), self::MAX_VIOLATIONS + 2);
            $message = implode("\n", array_slice($lines, 0, self::MAX_VIOLATIONS + 1));
            $more = count($errors) - count($violations);
            if ($more > 0) {
                $message .= "\n  … and {$more} more";
            }
            unset($e, $errors, $lines);
            throw ConnectException::invalidArgument("invalid {$method} request: " . $message, $violations);
        }
    }
}
