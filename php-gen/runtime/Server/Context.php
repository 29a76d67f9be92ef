<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Server;

use Contractgen\Runtime\Http\CallOptions;

/**
 * What a handler knows about the call besides its request, and where it sets response headers.
 */
final class Context
{
    /** @var array<string, string> */
    private array $responseHeaders = [];

    /**
     * @param string $service full service name
     * @param string $method method name
     * @param array<string, string> $requestHeaders lower-case names
     * @param string $requestId from the `x-request-id` header, or created for this call
     * @param int|null $timeoutMs the client's deadline (`Connect-Timeout-Ms`), when it sent one
     * @param float $startedAt `hrtime(true) / 1e6` when the request arrived, in milliseconds
     */
    public function __construct(
        public readonly string $service,
        public readonly string $method,
        public readonly array $requestHeaders,
        public readonly string $requestId,
        public readonly ?int $timeoutMs,
        public readonly float $startedAt,
    ) {
    }

    /** A request header by (case-insensitive) name, or "" when absent. */
    public function header(string $name): string
    {
        return $this->requestHeaders[strtolower($name)] ?? '';
    }

    /** Milliseconds left until the client's deadline; null when it set none. Negative once it passed. */
    public function remainingMs(): ?float
    {
        return $this->timeoutMs === null ? null : $this->timeoutMs - (hrtime(true) / 1e6 - $this->startedAt);
    }

    /**
     * Options for calls this handler makes to other services: the same request id, and what is left of
     * the client's deadline (so the whole chain gives up together).
     *
     * @param array<string, string> $headers extra headers of the downstream call
     */
    public function callOptions(array $headers = []): CallOptions
    {
        $remaining = $this->remainingMs();
        return new CallOptions(
            timeoutMs: $remaining === null ? null : max(1, (int) floor($remaining)),
            headers: $headers,
            requestId: $this->requestId,
        );
    }

    /** Sets a header of the response (sent with errors too). */
    public function setResponseHeader(string $name, string $value): void
    {
        if (preg_match('/[\r\n\0]/', $name . $value)) {
            throw new \InvalidArgumentException('response headers cannot contain line breaks');
        }
        $this->responseHeaders[strtolower($name)] = $value;
    }

    /** @return array<string, string> */
    public function responseHeaders(): array
    {
        return $this->responseHeaders;
    }
}
