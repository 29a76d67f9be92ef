<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Http;

/**
 * Sends requests through any PSR-18 HTTP client (Guzzle, Symfony HttpClient, …). The PSR interfaces
 * are used by their method names only, so contractgen needs no Composer package: pass objects that
 * implement `Psr\Http\Client\ClientInterface`, `Psr\Http\Message\RequestFactoryInterface` and
 * `Psr\Http\Message\StreamFactoryInterface`.
 *
 * PSR-18 is synchronous: a request is sent when its response is waited for, so async calls on this
 * transport run one after the other. A PSR-18 client cannot be told a deadline; the timeout is still
 * sent as `Connect-Timeout-Ms`, and a response that arrives after it fails with `deadline_exceeded`.
 */
final class Psr18Transport implements Transport
{
    /**
     * @param object $client a `Psr\Http\Client\ClientInterface`
     * @param object $requestFactory a `Psr\Http\Message\RequestFactoryInterface`
     * @param object $streamFactory a `Psr\Http\Message\StreamFactoryInterface`
     * @param int $maxResponseBytes largest response body of a call that does not set its own; the body
     *     stream is read in chunks and a larger one fails with `resource_exhausted`. (Whether the PSR-18
     *     client itself buffers the whole body first depends on it: Guzzle streams with `'stream' => true`.)
     */
    public function __construct(
        private readonly object $client,
        private readonly object $requestFactory,
        private readonly object $streamFactory,
        private readonly int $maxResponseBytes = ConnectClient::DEFAULT_MAX_RESPONSE_BYTES,
    ) {
        $required = [[$client, 'sendRequest'], [$requestFactory, 'createRequest'], [$streamFactory, 'createStream']];
        foreach ($required as [$o, $m]) {
            if (!method_exists($o, $m)) {
                throw new \InvalidArgumentException(
                    sprintf('%s has no method %s(): not a PSR-18/PSR-17 object', $o::class, $m),
                );
            }
        }
    }

    public function start(HttpRequest $request): PendingResponse
    {
        return new PendingResponse(fn (): HttpResponse => $this->send($request), static fn (): bool => false);
    }

    private function send(HttpRequest $request): HttpResponse
    {
        $psrRequest = Psr::object($this->requestFactory, 'createRequest', $request->method, $request->url);
        foreach ($request->headers as $name => $value) {
            $psrRequest = Psr::object($psrRequest, 'withHeader', $name, $value);
        }
        if ($request->method === 'POST') {
            $stream = Psr::object($this->streamFactory, 'createStream', $request->body);
            $psrRequest = Psr::object($psrRequest, 'withBody', $stream);
        }
        $started = hrtime(true);
        try {
            $psrResponse = Psr::object($this->client, 'sendRequest', $psrRequest);
        } catch (\Throwable $e) {
            $reason = $e->getMessage();
            // By name: the PSR interfaces need not be installed (see the class comment).
            $psr = is_a($e, 'Psr\Http\Client\ClientExceptionInterface');
            if ($psr || $e instanceof \RuntimeException) {
                throw new ConnectException(
                    Code::Unavailable,
                    "cannot reach {$request->url}: {$reason}",
                    [],
                    [],
                    $e,
                );
            }
            throw $e;
        }
        $elapsedMs = (hrtime(true) - $started) / 1e6;
        if ($request->timeoutMs !== null && $elapsedMs > $request->timeoutMs) {
            throw new ConnectException(
                Code::DeadlineExceeded,
                sprintf(
                    'deadline of %d ms exceeded calling %s (answered after %d ms)',
                    $request->timeoutMs,
                    $request->url,
                    $elapsedMs,
                ),
            );
        }
        $status = Psr::status($psrResponse);
        $headers = Psr::headers($psrResponse);
        $limit = $request->maxResponseBytes ?? $this->maxResponseBytes;
        $isError = $status < 200 || $status >= 300;
        $length = $headers['content-length'] ?? '';
        if (!$isError && preg_match('/^[0-9]+$/', $length) && (strlen($length) > 18 || (int) $length > $limit)) {
            throw new ConnectException(
                Code::ResourceExhausted,
                "response body of {$length} bytes from {$request->url} exceeds the limit of {$limit} bytes:"
                    . ' not read (raise maxResponseBytes if the answer is legitimate)',
                [],
                $headers,
            );
        }
        [$body, $more] = Psr::boundedBody(
            $psrResponse,
            $isError ? min($limit, ConnectClient::MAX_ERROR_BODY_BYTES) : $limit,
        );
        if ($more && !$isError) {
            throw new ConnectException(
                Code::ResourceExhausted,
                "response body larger than {$limit} bytes from {$request->url}: not read further"
                    . ' (raise maxResponseBytes if the answer is legitimate)',
                [],
                $headers,
            );
        }
        return new HttpResponse($status, $headers, $body, $more);
    }
}
