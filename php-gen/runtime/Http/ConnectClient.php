<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Http;

/**
 * Connect unary calls with the JSON codec over HTTP/1.1: what every generated client delegates to.
 * `POST <baseUrl>/<package>.<Service>/<Method>` with `Content-Type: application/json` and
 * `Connect-Protocol-Version: 1`; GET with `?connect=v1&encoding=json&message=…` for methods without side
 * effects. Every failure is a {@see ConnectException}: the server's Connect error with its code, message
 * and details, or a clear one for an answer that is not Connect (HTML from a proxy, an empty body, invalid
 * JSON, PHP warnings in the body) and for a response that breaks the contract.
 */
final class ConnectClient
{
    public const REQUEST_ID_HEADER = 'x-request-id';

    /** Deadline of a call when neither the client nor {@see CallOptions} sets one: no call waits forever. */
    public const DEFAULT_TIMEOUT_MS = 30_000;

    /** Largest response body read by default (the same as the servers' default request limit). */
    public const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    /** Largest error body read (non-2xx): enough for any Connect error; the rest is not read. */
    public const MAX_ERROR_BODY_BYTES = 65_536;

    /** Longest URL sent as a GET; a larger request goes out as POST (servers and proxies cap URLs). */
    public const MAX_GET_URL_BYTES = 8192;

    /** What PHP prints for warnings and errors (HTML or plain), to explain a body that is not JSON. */
    private const PHP_ERROR_OUTPUT = '/<b>(Warning|Notice|Deprecated|Fatal error|Parse error)<\/b>'
        . '|^(PHP )?(Warning|Notice|Deprecated|Fatal error|Parse error):/mi';

    private readonly string $baseUrl;
    private readonly Transport $transport;

    /**
     * @param string $baseUrl e.g. `http://orders.internal:8080` (a path prefix is kept)
     * @param Transport|null $transport default: the shared {@see CurlTransport}
     * @param array<string, string> $headers sent with every call
     * @param int|null $timeoutMs default deadline of every call (null: {@see self::DEFAULT_TIMEOUT_MS})
     * @param bool $useHttpGet call methods without side effects with GET (cacheable); default true
     */
    public function __construct(
        string $baseUrl,
        ?Transport $transport = null,
        private readonly array $headers = [],
        private readonly ?int $timeoutMs = null,
        private readonly bool $useHttpGet = true,
    ) {
        if (!preg_match('#^https?://[^/]+#i', $baseUrl)) {
            throw new \InvalidArgumentException("base URL must start with http:// or https://, found \"{$baseUrl}\"");
        }
        $this->baseUrl = rtrim($baseUrl, '/');
        $this->transport = $transport ?? CurlTransport::shared();
    }

    /**
     * Calls a method and waits for its response.
     *
     * @template T
     * @param string $service full service name (`shop.order.v1.OrderService`)
     * @param string $method method name (`CreateOrder`)
     * @param bool $noSideEffects whether the method may be called with GET
     * @param object $request the request DTO (has `toJson(): string`)
     * @param \Closure(array<mixed>|\stdClass): T $decode builds the response DTO (`Response::fromArray(...)`)
     * @return T
     * @throws ConnectException
     */
    public function unary(
        string $service,
        string $method,
        bool $noSideEffects,
        object $request,
        \Closure $decode,
        ?CallOptions $options = null,
    ): mixed {
        return $this->unaryAsync($service, $method, $noSideEffects, $request, $decode, $options)->wait();
    }

    /**
     * Starts a call and returns at once; see {@see Future} and {@see Batch}.
     *
     * @template T
     * @param \Closure(array<mixed>|\stdClass): T $decode
     * @return Future<T>
     */
    public function unaryAsync(
        string $service,
        string $method,
        bool $noSideEffects,
        object $request,
        \Closure $decode,
        ?CallOptions $options = null,
    ): Future {
        $options ??= new CallOptions();
        $label = "{$service}/{$method}";
        try {
            $body = self::encodeRequest($request, $label);
        } catch (ConnectException $e) {
            return Future::failed($e);
        }
        $headers = ['user-agent' => 'contractgen-php', 'connect-protocol-version' => '1'];
        foreach ([$this->headers, $options->headers] as $extra) {
            foreach ($extra as $name => $value) {
                $headers[strtolower((string) $name)] = (string) $value;
            }
        }
        $headers[self::REQUEST_ID_HEADER] = $options->requestId
            ?? $headers[self::REQUEST_ID_HEADER]
            ?? self::newRequestId();
        $timeoutMs = $options->timeoutMs ?? $this->timeoutMs ?? self::DEFAULT_TIMEOUT_MS;
        $headers['connect-timeout-ms'] = (string) $timeoutMs;
        $max = $options->maxResponseBytes;
        $url = $this->baseUrl . '/' . $service . '/' . $method;
        $query = '?connect=v1&encoding=json&message=' . rawurlencode($body);
        if ($noSideEffects && $this->useHttpGet && strlen($url) + strlen($query) <= self::MAX_GET_URL_BYTES) {
            $httpRequest = new HttpRequest('GET', $url . $query, $headers, '', $timeoutMs, $max);
        } else {
            $headers['content-type'] = 'application/json';
            $httpRequest = new HttpRequest('POST', $url, $headers, $body, $timeoutMs, $max);
        }
        return new Future(
            $this->transport->start($httpRequest),
            static fn (HttpResponse $response): mixed => self::decodeResponse($response, $label, $decode),
        );
    }

    /** A random request id (UUID version 4). */
    public static function newRequestId(): string
    {
        $bytes = random_bytes(16);
        $bytes[6] = chr((ord($bytes[6]) & 0x0f) | 0x40);
        $bytes[8] = chr((ord($bytes[8]) & 0x3f) | 0x80);
        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
    }

    private static function encodeRequest(object $request, string $label): string
    {
        try {
            if (method_exists($request, 'toJson')) {
                $json = $request->toJson();
            } else {
                $json = json_encode(
                    $request,
                    JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR,
                );
            }
        } catch (\Throwable $e) {
            throw new ConnectException(
                Code::InvalidArgument,
                "{$label}: the request cannot be encoded as JSON: {$e->getMessage()}",
                [],
                [],
                $e,
            );
        }
        if (!is_string($json) || $json === '') {
            throw new ConnectException(Code::InvalidArgument, "{$label}: the request encoded to an empty body");
        }
        return $json;
    }

    /**
     * @template T
     * @param \Closure(array<mixed>|\stdClass): T $decode
     * @return T
     */
    private static function decodeResponse(HttpResponse $response, string $label, \Closure $decode): mixed
    {
        $contentType = strtolower(trim(explode(';', $response->header('content-type'))[0]));
        if ($response->status >= 300 && $response->status < 400) {
            $location = $response->header('location');
            throw new ConnectException(
                Code::Internal,
                sprintf(
                    '%s: HTTP %d redirect to %s: contractgen clients do not follow redirects; use the final URL as'
                        . ' the base URL',
                    $label,
                    $response->status,
                    $location === '' ? '(no location)' : self::preview($location),
                ),
                [],
                $response->headers,
            );
        }
        if ($response->status !== 200) {
            throw self::errorFromResponse($response, $contentType, $label);
        }
        if ($contentType !== 'application/json') {
            throw new ConnectException(
                Code::Internal,
                sprintf(
                    '%s: expected an application/json response, got %s%s: %s',
                    $label,
                    $contentType === '' ? 'no content type' : $contentType,
                    preg_match(self::PHP_ERROR_OUTPUT, $response->body) ? ' (the body contains PHP error output)' : '',
                    self::preview($response->body),
                ),
                [],
                $response->headers,
            );
        }
        $data = self::parseJsonObject($response->body);
        if (is_string($data)) {
            $encoding = strtolower($response->header('content-encoding'));
            throw new ConnectException(
                Code::Internal,
                "{$label}: the response is not a JSON object ({$data}"
                    . ($encoding !== '' && $encoding !== 'identity' ? "; content-encoding {$encoding}" : '')
                    . '): ' . self::preview($response->body),
                [],
                $response->headers,
            );
        }
        $errorShaped = self::connectErrorShape($data);
        try {
            $result = $decode($data);
        } catch (ConnectException $e) {
            throw $e;
        } catch (\Throwable $e) {
            if ($errorShaped !== null) {
                throw self::errorWith200($label, $errorShaped, $response, $e);
            }
            // DecodeException lists every violation; anything else would be a bug in the DTO code and is
            // reported the same way rather than escaping as a TypeError.
            throw new ConnectException(
                Code::Internal,
                "{$label}: the server's response breaks the contract: {$e->getMessage()}",
                [],
                $response->headers,
                $e,
            );
        }
        // A response type with a `code` field may legitimately look like an error; one without may not.
        if ($errorShaped !== null && !(is_object($result) && property_exists($result, 'code'))) {
            throw self::errorWith200($label, $errorShaped, $response, null);
        }
        return $result;
    }

    /**
     * The code of a body shaped like a Connect error (`code` a Connect code, `message` a string, no other
     * key than `details`), or null.
     */
    private static function connectErrorShape(\stdClass $data): ?Code
    {
        $code = isset($data->code) && is_string($data->code) ? Code::tryFrom($data->code) : null;
        if ($code === null || (isset($data->message) && !is_string($data->message))) {
            return null;
        }
        foreach (array_keys(get_object_vars($data)) as $key) {
            if ($key !== 'code' && $key !== 'message' && $key !== 'details') {
                return null;
            }
        }
        return $code;
    }

    private static function errorWith200(
        string $label,
        Code $sent,
        HttpResponse $response,
        ?\Throwable $previous,
    ): ConnectException {
        return new ConnectException(
            Code::Internal,
            "{$label}: protocol error: the server sent a Connect error ({$sent->value}) with HTTP 200; a Connect"
                . " error must carry the HTTP status of its code ({$sent->httpStatus()}): "
                . self::preview($response->body),
            [],
            $response->headers,
            $previous,
        );
    }

    /**
     * The body as a JSON object (\stdClass, so `{}` and `[]` stay distinct), or a string saying why it is
     * not one.
     */
    private static function parseJsonObject(string $body): \stdClass|string
    {
        if (trim($body) === '') {
            return 'empty body';
        }
        if (preg_match('//u', $body) !== 1) {
            return 'the body is not valid UTF-8';
        }
        try {
            $data = json_decode($body, false, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        } catch (\JsonException $e) {
            $hint = preg_match(self::PHP_ERROR_OUTPUT, $body) ? 'the body contains PHP error output; ' : '';
            return $hint . 'invalid JSON: ' . $e->getMessage();
        }
        if (!$data instanceof \stdClass) {
            return 'found ' . get_debug_type($data);
        }
        return $data;
    }

    private static function errorFromResponse(
        HttpResponse $response,
        string $contentType,
        string $label,
    ): ConnectException {
        if ($contentType === 'application/json' && !$response->truncated) {
            $data = self::parseJsonObject($response->body);
            $code = $data instanceof \stdClass && isset($data->code) && is_string($data->code)
                ? Code::tryFrom($data->code)
                : null;
            if ($data instanceof \stdClass && $code !== null) {
                $details = [];
                foreach (is_array($data->details ?? null) ? $data->details : [] as $d) {
                    if ($d instanceof \stdClass && isset($d->type) && is_string($d->type)) {
                        $debug = isset($d->debug) ? self::plain($d->debug) : null;
                        $value = isset($d->value) && is_string($d->value) ? $d->value : '';
                        $details[] = new ErrorDetail($d->type, $value, $debug);
                    }
                }
                return new ConnectException(
                    $code,
                    isset($data->message) && is_string($data->message) ? $data->message : '',
                    $details,
                    $response->headers,
                );
            }
        }
        return new ConnectException(
            Code::fromHttpStatus($response->status),
            sprintf(
                '%s: HTTP %d without a Connect error body (%s%s): %s',
                $label,
                $response->status,
                $contentType === '' ? 'no content type' : $contentType,
                $response->truncated ? ', larger than ' . self::MAX_ERROR_BODY_BYTES . ' bytes: not read further' : '',
                self::preview($response->body),
            ),
            [],
            $response->headers,
        );
    }

    /**
     * A decoded JSON value with objects as associative arrays, without a second encode/decode round trip
     * (which throws on a number like `1e400`, decoded as INF): non-finite numbers become null.
     */
    private static function plain(mixed $value, int $depth = 0): mixed
    {
        if ($depth > 64) {
            return null;
        }
        if ($value instanceof \stdClass) {
            $value = get_object_vars($value);
        }
        if (is_array($value)) {
            $out = [];
            foreach ($value as $k => $v) {
                $out[$k] = self::plain($v, $depth + 1);
            }
            return $out;
        }
        if (is_float($value) && !is_finite($value)) {
            return null;
        }
        return $value;
    }

    /** The start of a body on one line, for messages. */
    private static function preview(string $body): string
    {
        // Only the start is looked at, so a huge body costs nothing more here.
        $flat = trim((string) preg_replace('/\s+/', ' ', substr($body, 0, 400)));
        if ($flat === '') {
            return 'empty body';
        }
        if (strlen($flat) > 160) {
            $flat = substr($flat, 0, 160) . '…';
        }
        $flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE;
        return json_encode($flat, $flags) ?: '"?"';
    }
}
