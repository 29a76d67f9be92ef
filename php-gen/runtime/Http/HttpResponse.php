<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Http;

/**
 * An HTTP response as a transport received it.
 */
final class HttpResponse
{
    /**
     * @param array<string, string> $headers lower-case names; repeated headers joined with ", "
     * @param bool $truncated the body is the start of a longer error body the transport stopped reading
     *     (error bodies are read up to {@see ConnectClient::MAX_ERROR_BODY_BYTES})
     */
    public function __construct(
        public readonly int $status,
        public readonly array $headers,
        public readonly string $body,
        public readonly bool $truncated = false,
    ) {
    }

    /** A header by (case-insensitive) name, or "" when absent. */
    public function header(string $name): string
    {
        return $this->headers[strtolower($name)] ?? '';
    }
}
