<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Http;

/**
 * Calls PSR-7, PSR-17 and PSR-18 methods by name, so contractgen needs none of the PSR packages, and
 * checks each result against what the interface promises. An object without the method, or a result of
 * the wrong type, is an \InvalidArgumentException naming both.
 *
 * @internal used by {@see Psr18Transport} and {@see \Contractgen\Runtime\Server\Dispatcher::handlePsr7()}
 */
final class Psr
{
    /** `$o->$method(...$args)`, which returns an object (a request, response, stream or URI). */
    public static function object(object $o, string $method, mixed ...$args): object
    {
        $r = self::call($o, $method, $args);
        if (!is_object($r)) {
            throw self::unexpected($o, $method, 'an object', $r);
        }
        return $r;
    }

    /** `$o->$method()`, which returns a string or a stream (`getBody()`): its contents. */
    public static function string(object $o, string $method): string
    {
        $r = self::call($o, $method, []);
        if ($r === null || is_scalar($r) || $r instanceof \Stringable) {
            return (string) $r;
        }
        throw self::unexpected($o, $method, 'a string', $r);
    }

    /**
     * The body of a PSR-7 message read in chunks up to `$limit` bytes: the body and whether more followed.
     * A stream without `read()`/`eof()` (not PSR-7) is cast to a string and cut.
     *
     * @return array{string, bool}
     */
    public static function boundedBody(object $message, int $limit): array
    {
        $stream = self::call($message, 'getBody', []);
        if (is_object($stream) && method_exists($stream, 'read') && method_exists($stream, 'eof')) {
            $body = '';
            $empty = 0;
            while ($stream->eof() !== true) {
                $chunk = $stream->read(min(65_536, $limit + 1 - strlen($body)));
                if (!is_string($chunk)) {
                    throw self::unexpected($stream, 'read', 'a string', $chunk);
                }
                // PSR-7 allows empty reads before eof() turns true; a stream that never ends them is done.
                if ($chunk === '' && ++$empty > 1000) {
                    break;
                }
                $body .= $chunk;
                if (strlen($body) > $limit) {
                    return [substr($body, 0, $limit), true];
                }
            }
            return [$body, false];
        }
        if ($stream === null || is_scalar($stream) || $stream instanceof \Stringable) {
            $body = (string) $stream;
            return strlen($body) > $limit ? [substr($body, 0, $limit), true] : [$body, false];
        }
        throw self::unexpected($message, 'getBody', 'a stream', $stream);
    }

    /** `$o->getStatusCode()`. */
    public static function status(object $o): int
    {
        $r = self::call($o, 'getStatusCode', []);
        if ($r === null || is_scalar($r)) {
            return (int) $r;
        }
        throw self::unexpected($o, 'getStatusCode', 'an int', $r);
    }

    /**
     * `$o->getHeaders()` as one line per header: lower-case name => values joined with `, `.
     *
     * @return array<string, string>
     */
    public static function headers(object $o): array
    {
        $r = self::call($o, 'getHeaders', []);
        if (!is_array($r)) {
            throw self::unexpected($o, 'getHeaders', 'an array', $r);
        }
        $out = [];
        foreach ($r as $name => $values) {
            $line = [];
            foreach ((array) $values as $value) {
                if ($value !== null && !is_scalar($value)) {
                    throw self::unexpected($o, 'getHeaders', 'string header values', $value);
                }
                $line[] = (string) $value;
            }
            $out[strtolower((string) $name)] = implode(', ', $line);
        }
        return $out;
    }

    /** @param array<mixed> $args */
    private static function call(object $o, string $method, array $args): mixed
    {
        if (!method_exists($o, $method)) {
            throw new \InvalidArgumentException(
                sprintf('%s has no method %s(): not a PSR-7/PSR-17/PSR-18 object', $o::class, $method),
            );
        }
        return $o->{$method}(...$args);
    }

    private static function unexpected(
        object $o,
        string $method,
        string $expected,
        mixed $found,
    ): \InvalidArgumentException {
        return new \InvalidArgumentException(
            sprintf('%s::%s() returned %s, not %s', $o::class, $method, get_debug_type($found), $expected),
        );
    }
}
