<?php
/**
 * A PHP client: reads a JSON list of calls `{url, body (base64), requestId}` from stdin, POSTs each body
 * byte for byte with curl as Connect unary JSON, and prints a JSON list of `{status, body, requestId}`.
 * Used by test/runtime-php-e2e.test.ts to send the corpus to a connect-node server.
 */
declare(strict_types=1);

$calls = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
$results = [];
foreach ($calls as $call) {
    $responseHeaders = [];
    $ch = curl_init($call['url']);
    curl_setopt_array($ch, [
        CURLOPT_POST => true,
        CURLOPT_POSTFIELDS => base64_decode($call['body']),
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'Connect-Protocol-Version: 1', 'X-Request-Id: ' . $call['requestId']],
        CURLOPT_HEADERFUNCTION => function ($ch, string $line) use (&$responseHeaders): int {
            $parts = explode(':', $line, 2);
            if (count($parts) === 2) $responseHeaders[strtolower(trim($parts[0]))] = trim($parts[1]);
            return strlen($line);
        },
        CURLOPT_TIMEOUT => 10,
    ]);
    $body = curl_exec($ch);
    if ($body === false) {
        fwrite(STDERR, 'curl: ' . curl_error($ch) . "\n");
        exit(1);
    }
    $results[] = ['status' => curl_getinfo($ch, CURLINFO_RESPONSE_CODE), 'body' => $body, 'requestId' => $responseHeaders['x-request-id'] ?? null];
    curl_close($ch);
}
echo json_encode($results, JSON_THROW_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
