<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Http;

/**
 * Sends HTTP requests for clients. {@see CurlTransport} (the default) runs concurrent requests with
 * curl_multi; {@see Psr18Transport} adapts any PSR-18 client (requests then run one after the other).
 */
interface Transport
{
    /**
     * Starts sending `$request` and returns at once. The response is collected with
     * {@see PendingResponse::wait()}, which throws a {@see ConnectException} (`unavailable`,
     * `deadline_exceeded`) when no HTTP response arrives.
     */
    public function start(HttpRequest $request): PendingResponse;
}
