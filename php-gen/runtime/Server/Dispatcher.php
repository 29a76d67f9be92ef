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
use Contractgen\Runtime\Json\Errors;
use Contractgen\Runtime\Json\Policy;
use Contractgen\Runtime\Json\Read;

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

    /** The acceptance policy requests are decoded with; null: `Policy::default()` at each request. */
    private readonly ?Policy $policy;

    /**
     * @param list<Service> $services the generated `<Service>Dispatcher`s to serve
     * @param non-negative-int $maxBodyBytes larger requests get `resource_exhausted`
     * @param (callable(\Throwable, Context): void)|null $onError called with every exception that is not
     *     a ConnectException (default: `error_log`)
     * @param bool $exposeInternalErrors send the message of unexpected exceptions to clients (development)
     * @param Policy|string|null $policy how requests are decoded: a policy or a preset (`strict`,
     *     `migrate`) of the acceptance table shared with the TypeScript boundary; null: the project-wide
     *     `Policy::default()`
     */
    public function __construct(
        array $services,
        private readonly int $maxBodyBytes = 4 * 1024 * 1024,
        ?callable $onError = null,
        private readonly bool $exposeInternalErrors = false,
        Policy|string|null $policy = null,
    ) {
        $this->policy = $policy === null ? null : Policy::of($policy);
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
     *
     * The body is read in chunks and never beyond `maxBodyBytes` (a larger Content-Length is refused
     * before reading; a chunked body is counted as it arrives). Output that reached PHP's output buffers
     * before (a startup warning under `output_buffering`) or during the call (a warning with
     * `display_errors` on, a stray `echo`) is dropped from the response and logged with `error_log`.
     */
    public function serveGlobals(): void
    {
        $early = '';
        while (ob_get_level() > 0) {
            $early .= (string) ob_get_clean();
        }
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
        if ($early !== '') {
            error_log('contractgen: output before serving ' . $uri . ' was dropped: ' . substr($early, 0, 500));
        }
        if (headers_sent($file, $line)) {
            // Nothing can make this a Connect response any more: say why in the log.
            error_log(
                "contractgen: output was sent before the dispatcher ran ({$file}:{$line}), so the response to {$uri}"
                    . ' is corrupt; run PHP with display_errors=stderr (or off) and output_buffering on',
            );
        }
        $q = strpos($uri, '?');
        $method = is_string($_SERVER['REQUEST_METHOD'] ?? null) ? strtoupper($_SERVER['REQUEST_METHOD']) : 'GET';
        $body = $method === 'POST' ? $this->readInputStream($headers['content-length'] ?? '') : '';
        // Whatever handler code prints would corrupt the JSON body: it is kept out and logged instead.
        ob_start();
        try {
            $request = new ServerRequest(
                $method,
                $q === false ? $uri : substr($uri, 0, $q),
                $q === false ? '' : substr($uri, $q + 1),
                $headers,
                $body ?? '',
            );
            $response = $body === null ? $this->tooLarge($request) : $this->handle($request);
            unset($body);
            unset($request);
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
     * `php://input` read in 64 KiB chunks, at most `maxBodyBytes`; null when the Content-Length or the
     * bytes that arrived say the body is larger.
     */
    private function readInputStream(string $contentLength): ?string
    {
        if (
            $contentLength !== ''
            && (!preg_match('/^[0-9]{1,18}$/', $contentLength) || (int) $contentLength > $this->maxBodyBytes)
        ) {
            return null;
        }
        $in = fopen('php://input', 'rb');
        if ($in === false) {
            return '';
        }
        $body = '';
        try {
            while (!feof($in)) {
                $chunk = fread($in, 65_536);
                if ($chunk === false || $chunk === '') {
                    break;
                }
                if (strlen($body) + strlen($chunk) > $this->maxBodyBytes) {
                    return null;
                }
                $body .= $chunk;
            }
        } finally {
            fclose($in);
        }
        return $body;
    }

    private function tooLarge(ServerRequest $request): ServerResponse
    {
        $requestId = $request->header(ConnectClient::REQUEST_ID_HEADER);
        if ($requestId === '' || strlen($requestId) > 200 || preg_match('/[^\x21-\x7e]/', $requestId)) {
            $requestId = ConnectClient::newRequestId();
        }
        return $this->errorResponse(
            new ConnectException(Code::ResourceExhausted, "request body exceeds {$this->maxBodyBytes} bytes"),
            ['x-request-id' => $requestId],
        );
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
        // Read in chunks up to the limit: one byte more is enough to know the body is too large.
        [$body, $more] = Psr::boundedBody($request, $this->maxBodyBytes);
        $serverRequest = new ServerRequest(
            strtoupper(Psr::string($request, 'getMethod')),
            Psr::string($uri, 'getPath'),
            Psr::string($uri, 'getQuery'),
            Psr::headers($request),
            $body,
        );
        unset($body);
        $response = $more ? $this->tooLarge($serverRequest) : $this->handle($serverRequest);
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
            // The request DTO is decoded under the dispatcher's policy (the default during the call).
            $policy = $this->policy ?? Policy::default();
            $input = $this->readInput($request, $method, $noSideEffects, $policy);
            $json = Policy::scoped($policy, static fn (): string => $service->invoke($method, $input, $context));
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

    private function readInput(
        ServerRequest $request,
        string $method,
        bool $noSideEffects,
        Policy $policy,
    ): \stdClass {
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
            return self::parseBody($message, $policy);
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
        return self::parseBody($request->body, $policy);
    }

    /**
     * Rough bytes PHP needs per decoded JSON object, array and value (measured on PHP 8.2, 64-bit: a
     * `\stdClass` with up to 8 properties allocates a hash table of 8 buckets, about 550 bytes).
     */
    private const COST_OBJECT = 560;
    private const COST_ARRAY = 200;
    private const COST_VALUE = 32;

    /**
     * Refuses a body whose decoded form would not fit in the memory PHP has left: 4 MiB of `[{"a":0},…]`
     * decode to about 290 MB of `\stdClass`es, a fatal error at PHP's default `memory_limit` of 128M,
     * which no handler could turn into an answer. The estimate counts `{`, `[` and `,` (outside strings
     * when the quick count is too high); half of the memory left is the budget, the other half is for the
     * DTOs and the response.
     */
    private static function checkDecodeCost(string $body): void
    {
        $limit = self::bytes((string) ini_get('memory_limit'));
        if ($limit <= 0) {
            return;
        }
        $budget = intdiv($limit - memory_get_usage(), 2);
        $cost = static fn (string $json): int => substr_count($json, '{') * self::COST_OBJECT
            + substr_count($json, '[') * self::COST_ARRAY
            + substr_count($json, ',') * self::COST_VALUE
            + strlen($json);
        $estimate = $cost($body);
        if ($estimate <= $budget) {
            return;
        }
        // Braces and commas inside strings do not count: look again without the strings' contents.
        $structure = preg_replace('/"(?:[^"\\\\]++|\\\\.)*+"/s', '""', $body);
        $estimate = is_string($structure) ? $cost($structure) + strlen($body) : $estimate;
        unset($structure);
        if ($estimate > $budget) {
            throw new ConnectException(
                Code::ResourceExhausted,
                sprintf(
                    'request too costly to decode: about %d MB of PHP values, more than the %d MB this worker can'
                        . ' spare (memory_limit %s); send fewer values per request',
                    intdiv($estimate, 1_000_000),
                    intdiv(max(0, $budget), 1_000_000),
                    (string) ini_get('memory_limit'),
                ),
            );
        }
    }

    /** A php.ini size (`128M`, `1G`, `-1`) in bytes; -1 for no limit. */
    private static function bytes(string $value): int
    {
        $value = trim($value);
        if ($value === '' || $value === '-1') {
            return -1;
        }
        $n = (int) $value;
        return match (strtolower(substr($value, -1))) {
            'g' => $n * 1024 * 1024 * 1024,
            'm' => $n * 1024 * 1024,
            'k' => $n * 1024,
            default => $n,
        };
    }

    private static function parseBody(string $body, Policy $policy): \stdClass
    {
        if (trim($body) === '') {
            throw new ConnectException(
                Code::InvalidArgument,
                'request body is empty: expected a JSON object'
                    . ' (a json_encode() that failed returns false, which sends nothing)',
            );
        }
        self::checkDecodeCost($body);
        // Read::parse as the DTOs' fromJson reads text: a BOM or PHP output before the JSON as the policy
        // says, integers beyond 64 bits marked.
        $e = new Errors(true, $policy);
        try {
            $data = Read::parse($body, 'request', $e);
        } catch (\Contractgen\Runtime\DecodeException $x) {
            $first = $x->errors()[0] ?? null;
            $why = $first === null ? $x->getMessage() : $first->found . ' (' . $first->code . ')';
            throw new ConnectException(Code::InvalidArgument, 'request body is not JSON: ' . $why);
        }
        if ($data === [] && $policy->repairs('empty_array_for_object')) {
            $data = new \stdClass(); // json_encode([]) for an empty request message
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
