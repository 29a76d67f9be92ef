<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Http;

/**
 * The default transport: ext-curl, HTTP/1.1, every request on one curl_multi handle so that calls
 * started before any is waited on run concurrently. {@see self::shared()} is the instance clients use
 * when none is given, so calls of different services' clients share it too.
 *
 * Bounded against a hostile or broken server: the response body is counted while curl receives it and
 * the transfer is aborted past the limit (a body announced larger by its Content-Length is refused before
 * it is read), error bodies are read up to {@see ConnectClient::MAX_ERROR_BODY_BYTES}, response headers
 * up to 64 KiB, redirects are never followed, compressed answers are only asked for when enabled (and then
 * counted after decompression), and only http:// and https:// are spoken.
 */
final class CurlTransport implements Transport
{
    /** Largest total size of a response's headers. */
    public const MAX_HEADER_BYTES = 65_536;

    private static ?self $shared = null;

    private ?\CurlMultiHandle $multi = null;

    /**
     * @var array<int, array{handle: \CurlHandle, url: string, headers: array<string, string>, done: bool,
     *     errno: int, error: string, headerBytes: int, limit: int, overflow: bool, truncated: bool}>
     */
    private array $inFlight = [];

    /** @var array<int, string> response bodies being received, by transfer id */
    private array $bodies = [];

    /**
     * @param int $connectTimeoutMs how long to wait for the TCP connection (at most the call's deadline)
     * @param array<int, mixed> $curlOptions extra `CURLOPT_*` options set on every request (TLS, proxy …)
     * @param int $maxResponseBytes largest response body of a call that does not set its own
     *     ({@see CallOptions::$maxResponseBytes}); a larger one fails with `resource_exhausted`
     * @param bool $acceptCompression send `Accept-Encoding: gzip` and let curl decompress; the limit then
     *     applies to the decompressed bytes, so a small compressed bomb stops at the same size
     */
    public function __construct(
        private readonly int $connectTimeoutMs = 10_000,
        private readonly array $curlOptions = [],
        private readonly int $maxResponseBytes = ConnectClient::DEFAULT_MAX_RESPONSE_BYTES,
        private readonly bool $acceptCompression = false,
    ) {
        if (!extension_loaded('curl')) {
            throw new \LogicException(
                'the default contractgen transport needs ext-curl (apt install php-curl, or enable extension=curl);'
                . ' alternatively pass a Psr18Transport to the client',
            );
        }
        if ($maxResponseBytes < 1) {
            throw new \InvalidArgumentException("maxResponseBytes must be positive, found {$maxResponseBytes}");
        }
    }

    /** The process-wide instance clients use by default. */
    public static function shared(): self
    {
        return self::$shared ??= new self();
    }

    public function start(HttpRequest $request): PendingResponse
    {
        $handle = curl_init();
        $headers = [];
        foreach ($request->headers as $name => $value) {
            $headers[] = $name . ': ' . $value;
        }
        // No "Expect: 100-continue" round trip for large bodies.
        $headers[] = 'Expect:';
        $id = spl_object_id($handle);
        $limit = max(1, $request->maxResponseBytes ?? $this->maxResponseBytes);
        $options = [
            CURLOPT_URL => $request->url,
            CURLOPT_HTTP_VERSION => CURL_HTTP_VERSION_1_1,
            CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_NOSIGNAL => true,
            CURLOPT_FOLLOWLOCATION => false,
            // Refused up front when the Content-Length says so; the write callback counts the rest.
            CURLOPT_MAXFILESIZE_LARGE => $limit,
            CURLOPT_CONNECTTIMEOUT_MS => $request->timeoutMs !== null
                ? min($request->timeoutMs, $this->connectTimeoutMs)
                : $this->connectTimeoutMs,
            CURLOPT_HEADERFUNCTION => fn (\CurlHandle $h, string $line): int => $this->collectHeader($id, $line),
            CURLOPT_WRITEFUNCTION => fn (\CurlHandle $h, string $data): int => $this->collectBody($id, $h, $data),
        ];
        if ($this->acceptCompression) {
            $options[CURLOPT_ENCODING] = 'gzip';
        }
        if ($request->method === 'POST') {
            $options[CURLOPT_POST] = true;
            $options[CURLOPT_POSTFIELDS] = $request->body;
        } else {
            $options[CURLOPT_HTTPGET] = true;
        }
        if ($request->timeoutMs !== null) {
            $options[CURLOPT_TIMEOUT_MS] = $request->timeoutMs;
        }
        curl_setopt_array($handle, $this->curlOptions + $options);
        $this->inFlight[$id] = [
            'handle' => $handle,
            'url' => $request->url,
            'headers' => [],
            'done' => false,
            'errno' => 0,
            'error' => '',
            'headerBytes' => 0,
            'limit' => $limit,
            'overflow' => false,
            'truncated' => false,
        ];
        $this->bodies[$id] = '';
        $this->multi ??= curl_multi_init();
        curl_multi_add_handle($this->multi, $handle);
        // Put the request on the wire now, so it makes progress while the caller starts others.
        $this->perform();
        return new PendingResponse(
            fn (): HttpResponse => $this->finish($id, $request),
            fn (): bool => $this->inFlight[$id]['done'] ?? true,
        );
    }

    /** Closes the transfers nobody waited for. */
    public function __destruct()
    {
        foreach ($this->inFlight as $entry) {
            if ($this->multi !== null) {
                curl_multi_remove_handle($this->multi, $entry['handle']);
            }
        }
        $this->inFlight = [];
        $this->bodies = [];
        if ($this->multi !== null) {
            curl_multi_close($this->multi);
            $this->multi = null;
        }
    }

    /** Header callback: collects one header line; returning less than its length aborts the transfer. */
    private function collectHeader(int $id, string $raw): int
    {
        if (!isset($this->inFlight[$id])) {
            return 0;
        }
        $this->inFlight[$id]['headerBytes'] += strlen($raw);
        if ($this->inFlight[$id]['headerBytes'] > self::MAX_HEADER_BYTES) {
            $this->inFlight[$id]['overflow'] = true;
            return 0;
        }
        $line = rtrim($raw, "\r\n");
        if (str_starts_with($line, 'HTTP/')) {
            // A new status line (after a 1xx answer): the headers so far belonged to it.
            $this->inFlight[$id]['headers'] = [];
            return strlen($raw);
        }
        $colon = strpos($line, ':');
        if ($colon === false) {
            return strlen($raw);
        }
        $name = strtolower(trim(substr($line, 0, $colon)));
        $value = trim(substr($line, $colon + 1));
        $previous = $this->inFlight[$id]['headers'][$name] ?? null;
        $this->inFlight[$id]['headers'][$name] = $previous === null ? $value : $previous . ', ' . $value;
        return strlen($raw);
    }

    /**
     * Write callback: appends a piece of the body within the limit. Past it, a success body aborts the
     * transfer (`resource_exhausted`); an error body keeps its start (enough to explain the error).
     */
    private function collectBody(int $id, \CurlHandle $handle, string $data): int
    {
        if (!isset($this->inFlight[$id])) {
            return 0;
        }
        $status = (int) curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
        $isError = $status < 200 || $status >= 300;
        $limit = $isError
            ? min($this->inFlight[$id]['limit'], ConnectClient::MAX_ERROR_BODY_BYTES)
            : $this->inFlight[$id]['limit'];
        $room = $limit - strlen($this->bodies[$id]);
        if (strlen($data) > $room) {
            if ($isError) {
                $this->bodies[$id] .= substr($data, 0, max(0, $room));
                $this->inFlight[$id]['truncated'] = true;
            } else {
                $this->inFlight[$id]['overflow'] = true;
            }
            return 0;
        }
        $this->bodies[$id] .= $data;
        return strlen($data);
    }

    /** Runs curl until nothing can progress without waiting; marks finished transfers. */
    private function perform(): void
    {
        if ($this->multi === null) {
            return;
        }
        do {
            $status = curl_multi_exec($this->multi, $running);
        } while ($status === CURLM_CALL_MULTI_PERFORM);
        while (($info = curl_multi_info_read($this->multi)) !== false) {
            $handle = $info['handle'];
            if (!$handle instanceof \CurlHandle) {
                continue;
            }
            $id = spl_object_id($handle);
            if (!isset($this->inFlight[$id])) {
                continue;
            }
            $this->inFlight[$id]['done'] = true;
            $this->inFlight[$id]['errno'] = \is_int($info['result']) ? $info['result'] : CURLE_OK;
            $this->inFlight[$id]['error'] = curl_error($handle);
        }
    }

    private function finish(int $id, HttpRequest $request): HttpResponse
    {
        while (!$this->inFlight[$id]['done']) {
            if ($this->multi === null || curl_multi_select($this->multi, 0.05) === -1) {
                usleep(1000);
            }
            $this->perform();
        }
        $entry = $this->inFlight[$id];
        $body = $this->bodies[$id];
        unset($this->inFlight[$id], $this->bodies[$id]);
        $handle = $entry['handle'];
        if ($this->multi !== null) {
            curl_multi_remove_handle($this->multi, $handle);
        }
        $status = (int) curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
        $url = $entry['url'];
        if ($entry['truncated']) {
            return new HttpResponse($status, $entry['headers'], $body, true);
        }
        if ($entry['overflow'] || $entry['errno'] === CURLE_FILESIZE_EXCEEDED) {
            $what = $entry['headerBytes'] > self::MAX_HEADER_BYTES
                ? 'response headers larger than ' . self::MAX_HEADER_BYTES . ' bytes'
                : "response body larger than {$entry['limit']} bytes";
            throw new ConnectException(
                Code::ResourceExhausted,
                "{$what} from {$url}: not read further (raise maxResponseBytes if the answer is legitimate)",
                [],
                $entry['headers'],
            );
        }
        if ($entry['errno'] !== 0) {
            $message = $entry['error'] !== '' ? $entry['error'] : curl_strerror($entry['errno']);
            if ($entry['errno'] === CURLE_OPERATION_TIMEDOUT) {
                $deadline = $request->timeoutMs !== null ? "deadline of {$request->timeoutMs} ms" : 'connect timeout';
                throw new ConnectException(
                    Code::DeadlineExceeded,
                    "{$deadline} exceeded calling {$url} ({$message})",
                );
            }
            if ($entry['errno'] === 61 /* CURLE_BAD_CONTENT_ENCODING */) {
                throw new ConnectException(Code::Internal, "undecodable compressed response from {$url}: {$message}");
            }
            throw new ConnectException(Code::Unavailable, "cannot reach {$url}: {$message}");
        }
        return new HttpResponse($status, $entry['headers'], $body);
    }
}
