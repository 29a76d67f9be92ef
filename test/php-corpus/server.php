<?php
/**
 * A PHP server for `php -S 127.0.0.1:<port> test/php-corpus/server.php`, answering Connect unary JSON
 * calls the way hand-written PHP services do: PDO rows, DateTime objects, array_filter output, empty
 * arrays, warnings printed by display_errors. The request header `x-scenario` picks the accident;
 * `x-scenario: correct` answers with what a correct encoder sends. Used by test/runtime-php-e2e.test.ts.
 */
declare(strict_types=1);
ini_set('log_errors', '0');

$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$scenario = $_SERVER['HTTP_X_SCENARIO'] ?? 'correct';
$correct = $scenario === 'correct';
$request = json_decode(file_get_contents('php://input') ?: '{}', true);

/** A UTC RFC 3339 string as ProtoJSON and the contracts expect it. */
function rfc3339(DateTimeInterface $d): string {
    return DateTimeImmutable::createFromInterface($d)->setTimezone(new DateTimeZone('UTC'))->format('Y-m-d\TH:i:s\Z');
}

$received = new DateTimeImmutable('2025-11-21 15:03:28', new DateTimeZone('Europe/Berlin'));
$row = ['accepted' => '1', 'duplicate' => 0]; // PDO (string) and mysqlnd (int) TINYINT columns
header('Content-Type: application/json');

switch ($path) {
    case '/shop.stats.v1.StatsService/TrackEvent':
        $body = ['eventId' => $request['eventId'] ?? '', 'accepted' => $correct ? (bool) $row['accepted'] : $row['accepted'],
            'duplicate' => $correct ? (bool) $row['duplicate'] : $row['duplicate'],
            'receivedAt' => $correct ? rfc3339($received) : $received];
        if ($scenario === 'warning') {
            ini_set('display_errors', '1');
            ini_set('html_errors', '1');
            $body = ['eventId' => $request['eventId'] ?? '', 'accepted' => true, 'duplicate' => (bool) $row['dup'], 'receivedAt' => rfc3339($received)];
        }
        break;
    case '/shop.stats.v1.StatsService/GetDailyReport':
        $skus = [
            ['skuId' => 100555, 'views' => 0, 'addToCarts' => 0, 'unitsSold' => 0, 'revenue' => ['currency' => 'EUR', 'amountMinor' => 0]],
            ['skuId' => 100234, 'views' => 812, 'addToCarts' => 40, 'unitsSold' => 12, 'revenue' => ['currency' => 'EUR', 'amountMinor' => 298800]],
        ];
        $top = array_filter($skus, fn ($s) => $s['unitsSold'] > 0);
        $counts = []; // no events of any kind yet today
        $body = ['date' => '2025-11-21', 'timezone' => 'Europe/Berlin', 'eventCounts' => $correct ? (object) $counts : $counts,
            'revenue' => ['currency' => 'EUR', 'amountMinor' => 298800], 'conversionRate' => 0.0148,
            'topSkus' => $correct ? array_values($top) : $top, 'complete' => false, 'generatedAt' => rfc3339($received)];
        break;
    case '/shop.order.v1.OrderService/CreateOrder':
        $id = 9007199254740993; // BIGINT UNSIGNED column
        $body = ['order' => ['id' => $correct ? (string) $id : $id, 'userId' => '48213', 'status' => 'ORDER_STATUS_PENDING',
            'metadata' => $correct ? new stdClass() : [], 'createdAt' => $correct ? rfc3339($received) : $received]];
        break;
    default:
        http_response_code(404);
        echo json_encode(['code' => 'unimplemented', 'message' => "no method $path"]);
        return true;
}
echo json_encode($body, JSON_UNESCAPED_SLASHES);
return true;
