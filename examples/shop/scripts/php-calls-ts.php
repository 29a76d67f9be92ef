<?php

declare(strict_types=1);

// Calls the TypeScript shop (or any shop implementation) with the generated PHP clients:
// `php examples/shop/scripts/php-calls-ts.php http://127.0.0.1:8080` (or env SHOP_URL).
// Looks up a customer, creates an order, pays it, reads order and payment back, asks for an order that does
// not exist, tracks a checkout event and reads the day's report. Prints one JSON line per call:
// {"step":…,"response":…} or {"step":…,"error":{"code":…,"message":…}}; the same steps, in the same order
// and with the same requests, as ts-calls-php.ts. Env SHOP_GEN_DIR: the generated code (default
// examples/shop/gen).

$baseUrl = $argv[1] ?? (getenv('SHOP_URL') ?: '');
if (preg_match('#^https?://#', $baseUrl) !== 1) {
    fwrite(STDERR, "usage: php examples/shop/scripts/php-calls-ts.php <base-url> (or env SHOP_URL)\n");
    exit(2);
}
require (getenv('SHOP_GEN_DIR') ?: dirname(__DIR__) . '/gen') . '/php/autoload.php';

use Contractgen\Runtime\Http\ConnectException;
use Shop\Order\V1\CreateOrderRequest;
use Shop\Order\V1\GetOrderRequest;
use Shop\Order\V1\OrderServiceClient;
use Shop\Payment\V1\GetPaymentRequest;
use Shop\Payment\V1\PaymentServiceClient;
use Shop\Payment\V1\PayRequest;
use Shop\Stats\V1\GetDailyReportRequest;
use Shop\Stats\V1\StatsServiceClient;
use Shop\Stats\V1\TrackEventRequest;
use Shop\User\V1\GetProfileRequest;
use Shop\User\V1\UserServiceClient;

/** Runs one call; prints and returns its response (as JSON arrays), or prints its error and returns null. */
function step(string $name, callable $call): ?array
{
    try {
        $response = json_decode($call()->toJson(), true, 512, JSON_THROW_ON_ERROR);
        echo json_encode(['step' => $name, 'response' => (object) $response], JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR), "\n";
        return $response;
    } catch (ConnectException $e) {
        echo json_encode(['step' => $name, 'error' => ['code' => $e->connectCode->value, 'message' => $e->rawMessage]], JSON_UNESCAPED_SLASHES), "\n";
        return null;
    }
}

$users = new UserServiceClient($baseUrl);
$orders = new OrderServiceClient($baseUrl);
$payments = new PaymentServiceClient($baseUrl);
$stats = new StatsServiceClient($baseUrl);

step('GetProfile', fn () => $users->getProfile(GetProfileRequest::fromArray(['userId' => '1'])));
$created = step('CreateOrder', fn () => $orders->createOrder(CreateOrderRequest::fromArray([
    'userId' => '1',
    'items' => [
        ['skuId' => '101', 'quantity' => 1],
        ['skuId' => '104', 'quantity' => 3, 'attributes' => ['gift' => true]],
    ],
    'shippingAddress' => [
        'recipientName' => 'Ada Lovelace',
        'lines' => ["12 St James's Square"],
        'city' => 'London',
        'postalCode' => 'SW1Y 4JH',
        'countryCode' => 'GB',
    ],
    'metadata' => ['channel' => 'script'],
    'note' => 'leave at the door',
])));
$orderId = $created['order']['id'] ?? '0';
$paid = step('Pay', fn () => $payments->pay(PayRequest::fromArray([
    'orderId' => $orderId,
    'amount' => $created['order']['total'] ?? [],
    'idempotencyKey' => base64_encode('script-key-0001'),
    'capture' => true,
    'card' => ['token' => 'tok_visa', 'last4' => '4242', 'expMonth' => 12, 'expYear' => 2030, 'brand' => 'CARD_BRAND_VISA'],
])));
step('GetOrder', fn () => $orders->getOrder(GetOrderRequest::fromArray(['orderId' => $orderId])));
step('GetPayment', fn () => $payments->getPayment(GetPaymentRequest::fromArray(['paymentId' => $paid['payment']['id'] ?? ''])));
step('GetOrder(unknown)', fn () => $orders->getOrder(GetOrderRequest::fromArray(['orderId' => '424242'])));
step('CreateOrder(empty)', fn () => $orders->createOrder(CreateOrderRequest::fromArray(['userId' => '1'])));
step('TrackEvent', fn () => $stats->trackEvent(TrackEventRequest::fromArray([
    'eventId' => '9b2f4c1e-5a6d-4e8f-b7c3-1d2e3f4a5b6c',
    'occurredAt' => '2026-11-22T09:59:00Z',
    'sessionId' => 's_script_session',
    'userId' => 1,
    'event' => ['kind' => 'checkout', 'orderId' => (int) $orderId, 'itemCount' => 4, 'total' => ['currency' => 'EUR', 'amountMinor' => 27075], 'paymentMethod' => 'card'],
])));
step('GetDailyReport', fn () => $stats->getDailyReport(GetDailyReportRequest::fromArray(['date' => '2026-11-22'])));
