<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Server;

/**
 * An HTTP request as the {@see Dispatcher} reads it (built from PHP's globals or a PSR-7 request).
 */
final class ServerRequest
{
    /**
     * @param string $path URL path, not decoded (`/shop.order.v1.OrderService/CreateOrder`)
     * @param string $query raw query string without `?`
     * @param array<string, string> $headers lower-case names
     */
    public function __construct(
        public readonly string $method,
        public readonly string $path,
        public readonly string $query,
        public readonly array $headers,
        public readonly string $body,
    ) {
    }

    /** A header by (case-insensitive) name, or "" when absent. */
    public function header(string $name): string
    {
        return $this->headers[strtolower($name)] ?? '';
    }
}
