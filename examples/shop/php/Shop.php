<?php

declare(strict_types=1);

// The shop's business rules over plain ProtoJSON / JSON Schema values (associative arrays) — the PHP twin
// of ../ts/shop.ts. Every rule, message and computed value here has its counterpart there; keep them in
// step (the differential test compares both implementations call by call).

use Contractgen\Runtime\Http\Code;
use Contractgen\Runtime\Http\ConnectException;

final class Shop
{
    private const NANOS = 1_000_000_000;

    /** @param array<string, mixed> $state the whole shop state, changed in place */
    public function __construct(public array $state, private readonly string $now)
    {
    }

    private static function fail(Code $code, string $message): never
    {
        throw new ConnectException($code, $message);
    }

    private static function toNanos(?array $m): int
    {
        return (int) ($m['units'] ?? '0') * self::NANOS + (int) ($m['nanos'] ?? 0);
    }

    /** Money from a request in nanos; units beyond ±9·10⁹ (where 64-bit nanos would overflow) are refused. */
    private static function requestNanos(array $m, string $field): int
    {
        $units = (int) ($m['units'] ?? '0');
        if ($units > 9_000_000_000 || $units < -9_000_000_000) {
            self::fail(Code::InvalidArgument, "{$field}.units: out of range");
        }
        return self::toNanos($m);
    }

    private static function money(string $currencyCode, int $n): array
    {
        return ['currencyCode' => $currencyCode, 'units' => (string) intdiv($n, self::NANOS), 'nanos' => $n % self::NANOS];
    }

    private static function epoch(string $ts): int
    {
        return (new DateTimeImmutable($ts))->getTimestamp();
    }

    private static function isoSeconds(int $sec): string
    {
        return gmdate('Y-m-d\TH:i:s\Z', $sec);
    }

    private static function utcDay(string $ts): string
    {
        return (new DateTimeImmutable($ts))->setTimezone(new DateTimeZone('UTC'))->format('Y-m-d');
    }

    private static function pad4(int $n): string
    {
        return str_pad((string) $n, 4, '0', STR_PAD_LEFT);
    }

    private static function publicUser(array $u): array
    {
        unset($u['password']);
        return $u;
    }

    private function next(string $counter): int
    {
        return $this->state['counters'][$counter]++;
    }

    private function &sku(string $skuId): array
    {
        foreach ($this->state['skus'] as &$s) {
            if ($s['skuId'] === $skuId) {
                return $s;
            }
        }
        self::fail(Code::NotFound, "sku {$skuId} not found");
    }

    private function &order(string $orderId): array
    {
        foreach ($this->state['orders'] as &$o) {
            if ($o['id'] === $orderId) {
                return $o;
            }
        }
        self::fail(Code::NotFound, "order {$orderId} not found");
    }

    // --- UserService ---------------------------------------------------------------------------------

    public function register(array $req): array
    {
        $email = (string) ($req['email'] ?? '');
        if (preg_match('/^[^@\s]+@[^@\s]+\.[^@\s]+$/u', $email) !== 1) {
            self::fail(Code::InvalidArgument, 'email: not a valid email address');
        }
        if (mb_strlen((string) ($req['password'] ?? ''), 'UTF-8') < 12) {
            self::fail(Code::InvalidArgument, 'password: at least 12 characters');
        }
        if ((string) ($req['displayName'] ?? '') === '') {
            self::fail(Code::InvalidArgument, 'displayName: must not be empty');
        }
        foreach ($this->state['users'] as $u) {
            if (mb_strtolower($u['email']) === mb_strtolower($email)) {
                self::fail(Code::AlreadyExists, "email {$email} is already registered");
            }
        }
        $user = [
            'id' => (string) $this->next('user'),
            'email' => $email,
            'password' => $req['password'],
            'displayName' => $req['displayName'],
            'role' => 'USER_ROLE_CUSTOMER',
            'emailVerified' => false,
            'labels' => isset($req['referralCode']) ? ['referral' => $req['referralCode']] : [],
            'createdAt' => $this->now,
        ];
        $this->state['users'][] = $user;
        return ['user' => self::publicUser($user), 'accessToken' => "access-{$user['id']}"];
    }

    public function login(array $req): array
    {
        $email = mb_strtolower((string) ($req['email'] ?? ''));
        $user = null;
        foreach ($this->state['users'] as $u) {
            if (mb_strtolower($u['email']) === $email && $u['password'] === ($req['password'] ?? null)) {
                $user = $u;
                break;
            }
        }
        if ($user === null) {
            self::fail(Code::Unauthenticated, 'wrong email or password');
        }
        $device = $req['deviceName'] ?? 'unknown device';
        return [
            'accessToken' => "access-{$user['id']}",
            'refreshToken' => "refresh-{$user['id']}-" . strtolower(preg_replace('/[^A-Za-z0-9]+/', '-', $device)),
            'expiresIn' => '3600s',
            'user' => self::publicUser($user),
        ];
    }

    public function getProfile(array $req): array
    {
        $id = (string) ($req['userId'] ?? '0');
        foreach ($this->state['users'] as $u) {
            if ($u['id'] === $id) {
                return ['user' => self::publicUser($u)];
            }
        }
        self::fail(Code::NotFound, "user {$id} not found");
    }

    // --- OrderService --------------------------------------------------------------------------------

    public function createOrder(array $req): array
    {
        $userId = (string) ($req['userId'] ?? '0');
        $items = $req['items'] ?? [];
        if ($items === []) {
            self::fail(Code::InvalidArgument, 'items: an order needs at least one item');
        }
        if (!in_array($userId, array_column($this->state['users'], 'id'), true)) {
            self::fail(Code::NotFound, "user {$userId} not found");
        }
        $wanted = [];
        $lines = [];
        foreach ($items as $i => $item) {
            $quantity = $item['quantity'] ?? 0;
            if ($quantity < 1) {
                self::fail(Code::InvalidArgument, "items[{$i}].quantity: must be at least 1");
            }
            $sku = $this->sku((string) ($item['skuId'] ?? '0'));
            $wanted[$sku['skuId']] = ($wanted[$sku['skuId']] ?? 0) + $quantity;
            $line = ['skuId' => $sku['skuId'], 'quantity' => $quantity, 'unitPrice' => $sku['unitPrice'], 'productName' => $sku['productName']];
            if (isset($item['attributes'])) {
                $line['attributes'] = $item['attributes'];
            }
            $lines[] = $line;
        }
        foreach ($wanted as $skuId => $quantity) {
            $sku = $this->sku((string) $skuId);
            if ($sku['stock'] < $quantity) {
                self::fail(Code::FailedPrecondition, "sku {$skuId}: {$quantity} wanted, {$sku['stock']} in stock");
            }
        }
        foreach ($wanted as $skuId => $quantity) {
            $sku = &$this->sku((string) $skuId);
            $sku['stock'] -= $quantity;
            unset($sku);
        }
        $total = 0;
        foreach ($lines as $l) {
            $total += self::toNanos($l['unitPrice']) * $l['quantity'];
        }
        if (isset($req['couponCode'])) {
            if ($req['couponCode'] !== 'WELCOME10') {
                self::fail(Code::InvalidArgument, "couponCode: unknown coupon {$req['couponCode']}");
            }
            $total -= intdiv($total, 10);
        }
        $order = [
            'id' => (string) $this->next('order'),
            'userId' => $userId,
            'items' => $lines,
            'status' => 'ORDER_STATUS_PENDING',
            'total' => self::money('EUR', $total),
            'metadata' => $req['metadata'] ?? [],
            'createdAt' => $this->now,
        ];
        foreach (['shippingAddress', 'couponCode', 'note'] as $k) {
            if (isset($req[$k])) {
                $order[$k] = $req[$k];
            }
        }
        $this->state['orders'][] = $order;
        return ['order' => $order];
    }

    public function getOrder(array $req): array
    {
        return ['order' => $this->order((string) ($req['orderId'] ?? '0'))];
    }

    public function listOrders(array $req): array
    {
        $pageSize = $req['pageSize'] ?? 0;
        if ($pageSize < 0 || $pageSize > 100) {
            self::fail(Code::InvalidArgument, 'pageSize: must be between 0 and 100');
        }
        $token = $req['pageToken'] ?? '';
        if ($token !== '' && preg_match('/^[1-9][0-9]{0,5}$/', $token) !== 1) {
            self::fail(Code::InvalidArgument, 'pageToken: not a token of this server');
        }
        $offset = $token === '' ? 0 : (int) $token;
        $userId = (string) ($req['userId'] ?? '0');
        $statuses = $req['statuses'] ?? [];
        $matching = array_values(array_filter(
            $this->state['orders'],
            fn (array $o) => ($userId === '0' || $o['userId'] === $userId)
                && ($statuses === [] || in_array($o['status'], $statuses, true)),
        ));
        usort($matching, fn (array $a, array $b) => strlen($b['id']) <=> strlen($a['id']) ?: strcmp($b['id'], $a['id']));
        $size = $pageSize === 0 ? 20 : $pageSize;
        $end = $offset + $size;
        return [
            'orders' => array_slice($matching, $offset, $size),
            'nextPageToken' => $end < count($matching) ? (string) $end : '',
            'totalSize' => (string) count($matching),
        ];
    }

    // --- PaymentService ------------------------------------------------------------------------------

    private function &payment(string $paymentId): array
    {
        foreach ($this->state['payments'] as &$p) {
            if ($p['id'] === $paymentId) {
                return $p;
            }
        }
        self::fail(Code::NotFound, "payment {$paymentId} not found");
    }

    private static function publicPayment(array $p): array
    {
        unset($p['idempotencyKey']);
        return $p;
    }

    public function pay(array $req): array
    {
        $key = $req['idempotencyKey'] ?? '';
        if ($key === '') {
            self::fail(Code::InvalidArgument, 'idempotencyKey: required');
        }
        foreach ($this->state['payments'] as $p) {
            if ($p['idempotencyKey'] === $key) {
                return ['payment' => self::publicPayment($p)];
            }
        }
        $order = &$this->order((string) ($req['orderId'] ?? '0'));
        $declined = false;
        if (isset($req['card'])) {
            $fraudScore = 0.125;
            $declined = ($req['card']['token'] ?? '') === 'tok_declined';
        } elseif (isset($req['bankTransfer'])) {
            $fraudScore = 0.05;
        } elseif (isset($req['wallet'])) {
            if (($req['wallet']['provider'] ?? 'WALLET_PROVIDER_UNSPECIFIED') === 'WALLET_PROVIDER_UNSPECIFIED') {
                self::fail(Code::InvalidArgument, 'wallet.provider: required');
            }
            $fraudScore = 0.25;
        } else {
            self::fail(Code::InvalidArgument, 'method: a payment method is required');
        }
        if ($order['status'] !== 'ORDER_STATUS_PENDING') {
            self::fail(Code::FailedPrecondition, "order {$order['id']} is not pending");
        }
        $amount = $req['amount'] ?? [];
        if (($amount['currencyCode'] ?? null) !== $order['total']['currencyCode'] || self::requestNanos($amount, 'amount') !== self::toNanos($order['total'])) {
            self::fail(Code::InvalidArgument, 'amount: must equal the order total');
        }
        $id = 'pay-' . self::pad4($this->next('payment'));
        $captured = !$declined && ($req['capture'] ?? false);
        $payment = [
            'id' => $id,
            'orderId' => $order['id'],
            'amount' => $order['total'],
            'status' => $declined ? 'PAYMENT_STATUS_DECLINED' : ($captured ? 'PAYMENT_STATUS_CAPTURED' : 'PAYMENT_STATUS_AUTHORIZED'),
            'captured' => $captured,
            'fraudScore' => $declined ? 0.875 : $fraudScore,
            'receiptSignature' => base64_encode("receipt:{$id}"),
            'refunds' => [],
            'createdAt' => $this->now,
            'idempotencyKey' => $key,
        ];
        if ($captured) {
            $payment['capturedAt'] = $this->now;
            $order['status'] = 'ORDER_STATUS_PAID';
        }
        $this->state['payments'][] = $payment;
        return ['payment' => self::publicPayment($payment)];
    }

    public function refund(array $req): array
    {
        $payment = &$this->payment((string) ($req['paymentId'] ?? ''));
        if (!$payment['captured'] || $payment['status'] === 'PAYMENT_STATUS_REFUNDED') {
            self::fail(Code::FailedPrecondition, "payment {$payment['id']} has nothing to refund");
        }
        if ((string) ($req['reason'] ?? '') === '') {
            self::fail(Code::InvalidArgument, 'reason: required');
        }
        $refunded = 0;
        foreach ($payment['refunds'] as $r) {
            $refunded += self::toNanos($r['amount']);
        }
        $remaining = self::toNanos($payment['amount']) - $refunded;
        $amount = $remaining;
        if (isset($req['amount'])) {
            if (($req['amount']['currencyCode'] ?? null) !== $payment['amount']['currencyCode']) {
                self::fail(Code::InvalidArgument, "amount.currencyCode: must be the payment's currency");
            }
            $amount = self::requestNanos($req['amount'], 'amount');
            if ($amount <= 0) {
                self::fail(Code::InvalidArgument, 'amount: must be positive');
            }
            if ($amount > $remaining) {
                self::fail(Code::FailedPrecondition, 'amount: only ' . self::money('EUR', $remaining)['units'] . ' units left to refund');
            }
        }
        $refund = [
            'id' => 'ref-' . self::pad4($this->next('refund')),
            'amount' => self::money($payment['amount']['currencyCode'], $amount),
            'reason' => $req['reason'],
            'createdAt' => $this->now,
        ];
        $payment['refunds'][] = $refund;
        $payment['status'] = $amount === $remaining ? 'PAYMENT_STATUS_REFUNDED' : 'PAYMENT_STATUS_PARTIALLY_REFUNDED';
        if ($amount === $remaining) {
            foreach ($this->state['orders'] as &$o) {
                if ($o['id'] === $payment['orderId']) {
                    $o['status'] = 'ORDER_STATUS_CANCELLED';
                }
            }
            unset($o);
        }
        return ['payment' => self::publicPayment($payment), 'refund' => $refund];
    }

    public function getPayment(array $req): array
    {
        return ['payment' => self::publicPayment($this->payment((string) ($req['paymentId'] ?? '')))];
    }

    // --- InventoryService ----------------------------------------------------------------------------

    public function reserve(array $req): array
    {
        $order = $this->order((string) ($req['orderId'] ?? '0'));
        $requested = $req['lines'] ?? [];
        if ($requested === []) {
            self::fail(Code::InvalidArgument, 'lines: at least one line is required');
        }
        $holdSeconds = 900;
        if (isset($req['holdFor'])) {
            $holdSeconds = preg_match('/^(-?[0-9]+)(\.[0-9]+)?s$/', $req['holdFor'], $m) === 1 ? (int) $m[1] : 0;
            if ($holdSeconds < 1 || $holdSeconds > 86400) {
                self::fail(Code::InvalidArgument, 'holdFor: between 1s and 86400s');
            }
        }
        ksort($requested, SORT_NUMERIC);
        $lines = [];
        $unavailable = [];
        foreach ($requested as $skuId => $line) {
            $skuId = (string) $skuId;
            $quantity = $line['quantity'] ?? 0;
            if ($quantity < 1) {
                self::fail(Code::InvalidArgument, "lines[{$skuId}].quantity: must be at least 1");
            }
            $sku = $this->sku($skuId);
            $held = min($quantity, $sku['stock']);
            if ($held < $quantity && !($req['allowPartial'] ?? false)) {
                self::fail(Code::FailedPrecondition, "sku {$skuId}: {$quantity} wanted, {$sku['stock']} in stock");
            }
            if ($held < $quantity) {
                $unavailable[] = $skuId;
            }
            if ($held > 0) {
                $lines[$skuId] = ['quantity' => $held, 'warehouseId' => $line['warehouseId'] ?? '1'];
            }
        }
        foreach ($lines as $skuId => $line) {
            $sku = &$this->sku((string) $skuId);
            $sku['stock'] -= $line['quantity'];
            unset($sku);
        }
        $reservation = [
            'reservationId' => 'res-' . self::pad4($this->next('reservation')),
            'orderId' => $order['id'],
            'status' => $unavailable === [] ? 'RESERVATION_STATUS_HELD' : 'RESERVATION_STATUS_PARTIALLY_HELD',
            'lines' => (object) $lines,
            'unavailableSkuIds' => $unavailable,
            'expiresAt' => self::isoSeconds(self::epoch($this->now) + $holdSeconds),
        ];
        $this->state['reservations'][] = $reservation;
        return ['reservation' => $reservation];
    }

    public function release(array $req): array
    {
        $id = (string) ($req['reservationId'] ?? '');
        foreach ($this->state['reservations'] as &$r) {
            if ($r['reservationId'] === $id) {
                if ($r['status'] !== 'RESERVATION_STATUS_RELEASED') {
                    foreach ((array) $r['lines'] as $skuId => $line) {
                        $sku = &$this->sku((string) $skuId);
                        $sku['stock'] += $line['quantity'];
                        unset($sku);
                    }
                    $r['status'] = 'RESERVATION_STATUS_RELEASED';
                }
                return ['reservation' => $r];
            }
        }
        self::fail(Code::NotFound, "reservation {$id} not found");
    }

    // --- StatsService (JSON Schema) ------------------------------------------------------------------

    public function trackEvent(array $req): array
    {
        $total = $req['event']['kind'] === 'checkout' ? $req['event']['total']['amountMinor'] : 0;
        if ($total > 1_000_000_000_000 || $total < -1_000_000_000_000) {
            self::fail(Code::InvalidArgument, 'event.total.amountMinor: beyond ±10¹² is not accepted');
        }
        $duplicate = in_array($req['eventId'], array_column($this->state['events'], 'eventId'), true);
        if (!$duplicate) {
            $this->state['events'][] = $req;
        }
        return ['eventId' => $req['eventId'], 'accepted' => true, 'duplicate' => $duplicate, 'receivedAt' => $this->now];
    }

    public function getDailyReport(array $req): array
    {
        $today = self::utcDay($this->now);
        if ($req['date'] > $today) {
            self::fail(Code::FailedPrecondition, "date: {$req['date']} has not started yet");
        }
        $kinds = $req['kinds'] ?? ['page_view', 'add_to_cart', 'checkout'];
        $events = array_values(array_filter($this->state['events'], fn (array $e) => self::utcDay($e['occurredAt']) === $req['date']));
        $eventCounts = [];
        foreach ($kinds as $kind) {
            $eventCounts[$kind] = count(array_filter($events, fn (array $e) => $e['event']['kind'] === $kind));
        }
        $checkouts = array_values(array_filter(
            $events,
            fn (array $e) => $e['event']['kind'] === 'checkout' && $e['event']['total']['currency'] === 'EUR',
        ));
        $revenue = 0;
        foreach ($checkouts as $e) {
            $revenue += $e['event']['total']['amountMinor'];
        }
        $sessions = array_unique(array_column($events, 'sessionId'));
        $buying = array_unique(array_column($checkouts, 'sessionId'));
        $skus = [];
        $stat = function (int $skuId) use (&$skus): void {
            $skus[$skuId] ??= ['skuId' => $skuId, 'views' => 0, 'addToCarts' => 0, 'unitsSold' => 0, 'revenue' => ['currency' => 'EUR', 'amountMinor' => 0]];
        };
        foreach ($events as $e) {
            if ($e['event']['kind'] === 'page_view' && preg_match('/^\/products\/([1-9][0-9]{0,8})$/', $e['event']['path'], $m) === 1) {
                $stat((int) $m[1]);
                $skus[(int) $m[1]]['views']++;
            }
            if ($e['event']['kind'] === 'add_to_cart') {
                $stat($e['event']['skuId']);
                $skus[$e['event']['skuId']]['addToCarts']++;
            }
        }
        foreach ($this->state['orders'] as $o) {
            if (self::utcDay($o['createdAt']) !== $req['date'] || in_array($o['status'], ['ORDER_STATUS_PENDING', 'ORDER_STATUS_CANCELLED'], true)) {
                continue;
            }
            foreach ($o['items'] as $item) {
                $id = (int) $item['skuId'];
                $stat($id);
                $skus[$id]['unitsSold'] += $item['quantity'];
                $skus[$id]['revenue']['amountMinor'] += intdiv(self::toNanos($item['unitPrice']) * $item['quantity'], 10_000_000);
            }
        }
        $top = array_values($skus);
        usort($top, fn (array $a, array $b) => $b['revenue']['amountMinor'] <=> $a['revenue']['amountMinor'] ?: $a['skuId'] <=> $b['skuId']);
        return [
            'date' => $req['date'],
            'timezone' => $req['timezone'] ?? 'UTC',
            'eventCounts' => $eventCounts,
            'revenue' => ['currency' => 'EUR', 'amountMinor' => $revenue],
            'conversionRate' => $sessions === [] ? 0 : count($buying) / count($sessions),
            'averageOrderValueMinor' => $checkouts === [] ? null : intdiv($revenue, count($checkouts)),
            'topSkus' => array_slice($top, 0, $req['topSkuLimit'] ?? 10),
            'complete' => $req['date'] < $today,
            'generatedAt' => $this->now,
        ];
    }
}
