<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Server;

use Contractgen\Runtime\Http\Code;
use Contractgen\Runtime\Http\ConnectClient;
use Contractgen\Runtime\Http\ConnectException;
use Contractgen\Runtime\Http\Psr;

/**
 * Serves contract services with the Connect protocol, unary, JSON codec: `POST /<package>.<Service>/<Method>`
 * with `Content-Type: application/json`, and GET (`?encoding=json&message=…`) for methods without side
 * effects. Answers Connect error JSON with the HTTP status of its code: an invalid request is
 * `invalid_argument` (every violation in a detail), a `ConnectException` thrown by a handler keeps its
 * code, any other exception is `internal` (its message is not sent unless `exposeInternalErrors`).
 *
 * Three ways in: {@see self::serveGlobals()} for plain PHP (`php -S`, php-fpm), {@see self::handlePsr7()}
 * for frameworks (Laravel, Slim), {@see self::handle()} for anything else.
 */
final class Dispatcher
{
    /** @var array<string, array{Service, string, bool}> path → service, method, no side effects */
    private array $routes = [];

    /** @var (\Closure(\Throwable, Context): void)|null */
    private readonly ?\Closure $onError;

    /**
     * @param list<Service> $services the generated `<Service>Dispatcher`s to serve
     * @param non-negative-int $maxBodyBytes larger requests get `resource_exhausted`
     * @param (callable(\Throwable, Context): void)|null $onError called with every exception that is not
     *     a ConnectException (default: `error_log`)
     * @param bool $exposeInternalErrors send the message of unexpected exceptions to clients (development)
     */
    public function __construct(
        array $services,
        private readonly int $maxBodyBytes = 4 * 1024 * 1024,
        ?callable $onError = null,
        private readonly bool $exposeInternalErrors = false,
    ) {
        foreach ($services as $service) {
            foreach ($service->methods() as $method => $noSideEffects) {
                $this->routes['/' . $service->serviceName() . '/' . $method] = [$service, $method, $noSideEffects];
            }
        }
        $this->onError = $onError === null ? null : \Closure::fromCallable($onError);
    }

    /** Whether a service of this dispatcher serves `$path` (so a router can pass other paths on). */
    public function handles(string $path): bool
    {
        return isset($this->routes[$path]);
    }

    /**
     * Serves the current request from PHP's globals and `php://input` and writes the response with
     * `header()` and `echo`. For `php -S` routers and php-fpm front controllers.
     */
    public function serveGlobals(): void
    {
        $headers = [];
        foreach ($_SERVER as $key => $value) {
            if (!is_string($value)) {
                continue;
            }
            if (str_starts_with((string) $key, 'HTTP_')) {
                $headers[strtolower(str_replace('_', '-', substr((string) $key, 5)))] = $value;
            } elseif ($key === 'CONTENT_TYPE' || $key === 'CONTENT_LENGTH') {
                $headers[strtolower(str_replace('_', '-', $key))] = $value;
            }
        }
        $uri = is_string($_SERVER['REQUEST_URI'] ?? null) ? $_SERVER['REQUEST_URI'] : '/';
        $q = strpos($uri, '?');
        $method = is_string($_SERVER['REQUEST_METHOD'] ?? null) ? strtoupper($_SERVER['REQUEST_METHOD']) : 'GET';
        $length = (int) ($headers['content-length'] ?? 0);
        $body = '';
        if ($length <= $this->maxBodyBytes) {
            $body = (string) file_get_contents('php://input', false, null, 0, $this->maxBodyBytes + 1);
        }
        // Whatever handler code prints (a warning with display_errors on, a stray echo) would corrupt
        // the JSON body: it is kept out of the response and logged instead.
        ob_start();
        try {
            $response = $this->handle(new ServerRequest(
                $method,
                $q === false ? $uri : substr($uri, 0, $q),
                $q === false ? '' : substr($uri, $q + 1),
                $headers,
                $length > $this->maxBodyBytes ? str_repeat(' ', $this->maxBodyBytes + 1) : $body,
            ));
        } finally {
            $stray = (string) ob_get_clean();
        }
        if ($stray !== '') {
            error_log('contractgen: output printed while serving ' . $uri . ' was dropped: ' . substr($stray, 0, 500));
        }
        http_response_code($response->status);
        foreach ($response->headers as $name => $value) {
            header($name . ': ' . $value);
        }
        echo $response->body;
    }

    /**
     * Serves a PSR-7 request and returns a PSR-7 response built with the PSR-17 factories you pass.
     * Typed as `object` so no Composer package is needed: the objects must have the PSR method names
     * (`getMethod`, `getUri`, `getHeaders`, `getBody`; `createResponse`; `createStream`).
     *
     * @param object $request a `Psr\Http\Message\ServerRequestInterface`
     * @param object $responseFactory a `Psr\Http\Message\ResponseFactoryInterface`
     * @param object $streamFactory a `Psr\Http\Message\StreamFactoryInterface`
     * @return object the `Psr\Http\Message\ResponseInterface`
     */
    public function handlePsr7(object $request, object $responseFactory, object $streamFactory): object
    {
        $uri = Psr::object($request, 'getUri');
        $response = $this->handle(new ServerRequest(
            strtoupper(Psr::string($request, 'getMethod')),
            Psr::string($uri, 'getPath'),
            Psr::string($uri, 'getQuery'),
            Psr::headers($request),
            Psr::string($request, 'getBody'),
        ));
        $psr = Psr::object($responseFactory, 'createResponse', $response->status);
        foreach ($response->headers as $name => $value) {
            $psr = Psr::object($psr, 'withHeader', $name, $value);
        }
        return Psr::object($psr, 'withBody', Psr::object($streamFactory, 'createStream', $response->body));
    }

    /** Serves one request. Never throws: every failure is a Connect error response. */
    public function handle(ServerRequest $request): ServerResponse
    {
        $startedAt = hrtime(true) / 1e6;
        $requestId = $request->header(ConnectClient::REQUEST_ID_HEADER);
        if ($requestId === '' || strlen($requestId) > 200 || preg_match('/[^\x21-\x7e]/', $requestId)) {
            $requestId = ConnectClient::newRequestId();
        }
        $route = $this->routes[$request->path] ?? null;
        if ($route === null) {
            return $this->errorResponse(
                new ConnectException(
                    Code::Unimplemented,
                    "no method {$request->path}: expected POST /<package>.<Service>/<Method>",
                ),
                ['x-request-id' => $requestId],
            );
        }
        [$service, $method, $noSideEffects] = $route;
        $timeoutMs = null;
        $timeoutHeader = $request->header('connect-timeout-ms');
        $context = null;
        try {
            if ($timeoutHeader !== '') {
                if (!preg_match('/^[0-9]{1,10}$/', $timeoutHeader)) {
                    throw new ConnectException(
                        Code::InvalidArgument,
                        'Connect-Timeout-Ms must be a positive integer, found ' . json_encode($timeoutHeader),
                    );
                }
                $timeoutMs = (int) $timeoutHeader;
            }
            $context = new Context(
                $service->serviceName(),
                $method,
                $request->headers,
                $requestId,
                $timeoutMs,
                $startedAt,
            );
            $input = $this->readInput($request, $method, $noSideEffects);
            $json = $service->invoke($method, $input, $context);
            $remaining = $context->remainingMs();
            if ($remaining !== null && $remaining < 0) {
                throw new ConnectException(Code::DeadlineExceeded, "deadline of {$timeoutMs} ms exceeded");
            }
            return new ServerResponse(
                200,
                ['content-type' => 'application/json', 'x-request-id' => $requestId] + $context->responseHeaders(),
                $json,
            );
        } catch (ConnectException $e) {
            return $this->errorResponse($e, ($context?->responseHeaders() ?? []) + ['x-request-id' => $requestId]);
        } catch (\Throwable $e) {
            $context ??= new Context(
                $service->serviceName(),
                $method,
                $request->headers,
                $requestId,
                $timeoutMs,
                $startedAt,
            );
            if ($this->onError !== null) {
                ($this->onError)($e, $context);
            } else {
                $name = $service->serviceName();
                error_log(sprintf('contractgen: %s/%s [%s] failed: %s', $name, $method, $requestId, (string) $e));
            }
            $message = $this->exposeInternalErrors
                ? get_class($e) . ': ' . $e->getMessage()
                : "internal error (request id {$requestId})";
            return $this->errorResponse(
                new ConnectException(Code::Internal, $message),
                $context->responseHeaders() + ['x-request-id' => $requestId],
            );
        }
    }

    private function readInput(ServerRequest $request, string $method, bool $noSideEffects): \stdClass
    {
        if ($request->method === 'GET') {
            if (!$noSideEffects) {
                throw new ConnectException(
                    Code::Unimplemented,
                    "{$method} has side effects and must be called with POST",
                );
            }
            parse_str($request->query, $query);
            $encoding = $query['encoding'] ?? null;
            if ($encoding !== 'json') {
                throw new ConnectException(
                    Code::InvalidArgument,
                    'GET requests need encoding=json, found ' . json_encode($encoding),
                );
            }
            $message = is_string($query['message'] ?? null) ? $query['message'] : '{}';
            if (($query['base64'] ?? null) === '1') {
                $decoded = base64_decode(strtr($message, '-_', '+/'), true);
                if ($decoded === false) {
                    throw new ConnectException(Code::InvalidArgument, 'the message query parameter is not base64');
                }
                $message = $decoded;
            }
            return self::parseBody($message);
        }
        if ($request->method !== 'POST') {
            throw new ConnectException(Code::Unimplemented, "HTTP method {$request->method} is not allowed: use POST");
        }
        $contentType = strtolower(trim(explode(';', $request->header('content-type'))[0]));
        if ($contentType !== 'application/json') {
            throw new ConnectException(
                Code::InvalidArgument,
                'content type ' . json_encode($contentType)
                    . ' is not supported: send application/json (Connect unary JSON)',
            );
        }
        if (strlen($request->body) > $this->maxBodyBytes) {
            throw new ConnectException(Code::ResourceExhausted, "request body exceeds {$this->maxBodyBytes} bytes");
        }
        return self::parseBody($request->body);
    }

    private static function parseBody(string $body): \stdClass
    {
        if (trim($body) === '') {
            throw new ConnectException(
                Code::InvalidArgument,
                'request body is empty: expected a JSON object'
                    . ' (a json_encode() that failed returns false, which sends nothing)',
            );
        }
        try {
            $data = json_decode($body, false, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        } catch (\JsonException $e) {
            throw new ConnectException(Code::InvalidArgument, 'request body is not JSON: ' . $e->getMessage());
        }
        if (!$data instanceof \stdClass) {
            throw new ConnectException(
                Code::InvalidArgument,
                'request body must be a JSON object, found ' . get_debug_type($data),
            );
        }
        return $data;
    }

    /** @param array<string, string> $headers */
    private function errorResponse(ConnectException $e, array $headers): ServerResponse
    {
        return new ServerResponse(
            $e->connectCode->httpStatus(),
            ['content-type' => 'application/json'] + $headers,
            $e->toJson(),
        );
    }
}
