<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Http;

/**
 * Options of one call; every one is optional and overrides the client's defaults.
 */
final class CallOptions
{
    /**
     * @param int|null $timeoutMs deadline of the call in milliseconds: sent as `Connect-Timeout-Ms` and
     *     enforced locally (the call fails with `deadline_exceeded` when it passes)
     * @param array<string, string> $headers extra request headers
     * @param string|null $requestId sent as `x-request-id`; a random one is created when null
     * @param int|null $maxResponseBytes largest response body of this call (default: the transport's,
     *     4 MiB for {@see CurlTransport}); a larger one fails with `resource_exhausted` while it is read
     */
    public function __construct(
        public readonly ?int $timeoutMs = null,
        public readonly array $headers = [],
        public readonly ?string $requestId = null,
        public readonly ?int $maxResponseBytes = null,
    ) {
        if ($maxResponseBytes !== null && $maxResponseBytes <= 0) {
            throw new \InvalidArgumentException(
                "maxResponseBytes must be a positive number of bytes, found {$maxResponseBytes}",
            );
        }
        if ($timeoutMs !== null && $timeoutMs <= 0) {
            throw new \InvalidArgumentException(
                "timeoutMs must be a positive number of milliseconds, found {$timeoutMs}",
            );
        }
    }
}
