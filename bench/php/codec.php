<?php

/**
 * Codec benchmark body, run by bench/php-codec.js:
 *   php codec.php ours <contractgen php dir> <order.json> <iterations>
 *   php codec.php google <protoc --php_out dir> <order.json> <iterations>
 * Decodes and re-encodes the same ~2 KB order JSON with (a) bare json_decode/json_encode and (b) the
 * contractgen DTO (Order::fromJson()->toJson()), or with (c) Google's protobuf PHP runtime
 * (mergeFromJsonString/serializeToJsonString) — in separate processes, since both define
 * Shop\Order\V1\Order. Prints one JSON object with nanoseconds per operation (best of 5 rounds) and
 * whether the output is JSON-equal to the input.
 */

declare(strict_types=1);

[, $mode, $dir, $jsonFile, $iterations] = $argv;
$iterations = (int) $iterations;
$json = (string) file_get_contents($jsonFile);

if ($mode === 'ours') {
    require $dir . '/autoload.php';
} else {
    $google = $dir;
    spl_autoload_register(static function (string $class) use ($google): void {
        foreach (
            [
                'Google\\Protobuf\\' => '/usr/share/php/Google/Protobuf/',
                'GPBMetadata\\Google\\Protobuf\\' => '/usr/share/php/GPBMetadata/Google/Protobuf/',
                '' => $google . '/',
            ] as $prefix => $dir
        ) {
            if ($prefix === '' || str_starts_with($class, $prefix)) {
                $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
                if (is_file($file)) {
                    require $file;
                    return;
                }
            }
        }
    });
}

/** Best time per call, in nanoseconds, over 5 rounds of $n calls. */
function measure(callable $fn, int $n): float
{
    $best = INF;
    for ($round = 0; $round < 5; $round++) {
        $start = hrtime(true);
        for ($i = 0; $i < $n; $i++) {
            $fn();
        }
        $best = min($best, (hrtime(true) - $start) / $n);
    }
    return $best;
}

$result = ['bytes' => strlen($json), 'iterations' => $iterations];
if ($mode === 'ours') {
    $result['bare_ns'] = measure(
        static fn () => json_encode(json_decode($json, false, 512, JSON_THROW_ON_ERROR)),
        $iterations,
    );
    $result['ours_ns'] = measure(static fn () => \Shop\Order\V1\Order::fromJson($json)->toJson(), $iterations);
    $ours = \Shop\Order\V1\Order::fromJson($json)->toJson();
    $result['ours_equal'] = json_decode($ours, true) == json_decode($json, true);
} else {
    $googleOnce = static function () use ($json): string {
        $m = new \Shop\Order\V1\Order();
        $m->mergeFromJsonString($json);
        return $m->serializeToJsonString();
    };
    $result['google_ns'] = measure($googleOnce, max(1, intdiv($iterations, 10)));
    $result['google_equal'] = json_decode($googleOnce(), true) == json_decode($json, true);
    $result['google_runtime'] = extension_loaded('protobuf') ? 'C extension' : 'pure PHP (php-google-protobuf)';
}
echo json_encode($result), "\n";
