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
 */
final class CurlTransport implements Transport
{
    private static ?self $shared = null;

    private ?\CurlMultiHandle $multi = null;

    /**
     * @var array<int, array{handle: \CurlHandle, url: string, headers: array<string, string>, done: bool,
     *     errno: int, error: string}>
     */
    private array $inFlight = [];

    /**
     * @param int $connectTimeoutMs how long to wait for the TCP connection when a call has no deadline
     * @param array<int, mixed> $curlOptions extra `CURLOPT_*` options set on every request (TLS, proxy …)
     */
    public function __construct(
        private readonly int $connectTimeoutMs = 10_000,
        private readonly array $curlOptions = [],
    ) {
        if (!extension_loaded('curl')) {
            throw new \LogicException(
                'the default contractgen transport needs ext-curl (apt install php-curl, or enable extension=curl);'
                . ' alternatively pass a Psr18Transport to the client',
            );
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
        $options = [
            CURLOPT_URL => $request->url,
            CURLOPT_HTTP_VERSION => CURL_HTTP_VERSION_1_1,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_NOSIGNAL => true,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_CONNECTTIMEOUT_MS => $request->timeoutMs !== null
                ? min($request->timeoutMs, $this->connectTimeoutMs)
                : $this->connectTimeoutMs,
            CURLOPT_HEADERFUNCTION => function (\CurlHandle $h, string $line) use ($id): int {
                $this->collectHeader($id, $line);
                return strlen($line);
            },
        ];
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
        ];
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
        if ($this->multi !== null) {
            curl_multi_close($this->multi);
            $this->multi = null;
        }
    }

    private function collectHeader(int $id, string $line): void
    {
        $line = rtrim($line, "\r\n");
        if (str_starts_with($line, 'HTTP/')) {
            // A new status line (after a 1xx answer): the headers so far belonged to it.
            $this->inFlight[$id]['headers'] = [];
            return;
        }
        $colon = strpos($line, ':');
        if ($colon === false) {
            return;
        }
        $name = strtolower(trim(substr($line, 0, $colon)));
        $value = trim(substr($line, $colon + 1));
        $previous = $this->inFlight[$id]['headers'][$name] ?? null;
        $this->inFlight[$id]['headers'][$name] = $previous === null ? $value : $previous . ', ' . $value;
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
        unset($this->inFlight[$id]);
        $handle = $entry['handle'];
        if ($this->multi !== null) {
            curl_multi_remove_handle($this->multi, $handle);
        }
        $body = (string) curl_multi_getcontent($handle);
        $status = (int) curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
        if ($entry['errno'] !== 0) {
            $message = $entry['error'] !== '' ? $entry['error'] : curl_strerror($entry['errno']);
            if ($entry['errno'] === CURLE_OPERATION_TIMEDOUT && $request->timeoutMs !== null) {
                throw new ConnectException(
                    Code::DeadlineExceeded,
                    "deadline of {$request->timeoutMs} ms exceeded calling {$entry['url']} ({$message})",
                );
            }
            throw new ConnectException(Code::Unavailable, "cannot reach {$entry['url']}: {$message}");
        }
        return new HttpResponse($status, $entry['headers'], $body);
    }
}
