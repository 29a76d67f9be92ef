<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Http;

/**
 * An HTTP request as a transport sends it.
 */
final class HttpRequest
{
    /**
     * @param 'GET'|'POST' $method
     * @param array<string, string> $headers
     * @param int|null $timeoutMs the whole call must finish within this many milliseconds
     * @param int|null $maxResponseBytes largest response body read (null: the transport's limit); a larger
     *     one fails with `resource_exhausted` while it is read, before it is held in memory
     */
    public function __construct(
        public readonly string $method,
        public readonly string $url,
        public readonly array $headers,
        public readonly string $body,
        public readonly ?int $timeoutMs,
        public readonly ?int $maxResponseBytes = null,
    ) {
    }
}
