<?php

declare(strict_types=1);

// The five shop services on the generated handler interfaces: each method hands the request (as
// ProtoJSON / JSON) to the Shop inside a state transaction and decodes the answer into the generated
// response DTO, which writes the canonical JSON.

use Contractgen\Runtime\Http\ConnectException;
use Contractgen\Runtime\Server\Context;
use Shop\Inventory\V1 as Inventory;
use Shop\Order\V1 as Order;
use Shop\Payment\V1 as Payment;
use Shop\Stats\V1 as Stats;
use Shop\User\V1 as User;

abstract class ShopService
{
    public function __construct(private readonly StateStore $store)
    {
    }

    /**
     * @template T
     * @param class-string<T> $responseClass
     * @return T
     */
    protected function run(string $method, object $request, string $responseClass): object
    {
        $in = json_decode($request->toJson(), true, 512, JSON_THROW_ON_ERROR);
        if ($this instanceof StatsService) {
            self::refuseUnsafeIntegers($in);
        }
        $out = $this->store->transact(fn (Shop $shop) => $shop->{$method}($in));
        return $responseClass::fromArray($out);
    }

    private static function refuseUnsafeIntegers(array $in): void
    {
        $found = [];
        unsafeIntegers($in, '$', $found);
        if ($found !== []) {
            throw ConnectException::invalidArgument(
                'invalid request: ' . implode('; ', array_column($found, 'message')),
                $found,
            );
        }
    }
}

/**
 * JSON Schema integers beyond ±(2^53 − 1) are refused, as the TypeScript runtime's strict guard refuses
 * them (pitfall `unsafe_integer`): PHP would hold them, JavaScript cannot.
 */
function unsafeIntegers(mixed $v, string $path, array &$found): void
{
    if (is_int($v) && ($v > 9007199254740991 || $v < -9007199254740991)) {
        $found[] = [
            'path' => $path,
            'code' => 'unsafe_integer',
            'expected' => 'a number JavaScript can hold exactly',
            'found' => "the integer {$v}",
            'message' => "{$path}: expected a number JavaScript can hold exactly, found the integer {$v}",
        ];
    } elseif (is_array($v)) {
        foreach ($v as $k => $x) {
            unsafeIntegers($x, is_int($k) ? "{$path}[{$k}]" : "{$path}.{$k}", $found);
        }
    }
}

final class UserService extends ShopService implements User\UserServiceHandler
{
    public function register(User\RegisterRequest $request, Context $context): User\RegisterResponse
    {
        return $this->run('register', $request, User\RegisterResponse::class);
    }

    public function login(User\LoginRequest $request, Context $context): User\LoginResponse
    {
        return $this->run('login', $request, User\LoginResponse::class);
    }

    public function getProfile(User\GetProfileRequest $request, Context $context): User\GetProfileResponse
    {
        return $this->run('getProfile', $request, User\GetProfileResponse::class);
    }
}

final class OrderService extends ShopService implements Order\OrderServiceHandler
{
    public function createOrder(Order\CreateOrderRequest $request, Context $context): Order\CreateOrderResponse
    {
        return $this->run('createOrder', $request, Order\CreateOrderResponse::class);
    }

    public function getOrder(Order\GetOrderRequest $request, Context $context): Order\GetOrderResponse
    {
        return $this->run('getOrder', $request, Order\GetOrderResponse::class);
    }

    public function listOrders(Order\ListOrdersRequest $request, Context $context): Order\ListOrdersResponse
    {
        return $this->run('listOrders', $request, Order\ListOrdersResponse::class);
    }
}

final class PaymentService extends ShopService implements Payment\PaymentServiceHandler
{
    public function pay(Payment\PayRequest $request, Context $context): Payment\PayResponse
    {
        return $this->run('pay', $request, Payment\PayResponse::class);
    }

    public function refund(Payment\RefundRequest $request, Context $context): Payment\RefundResponse
    {
        return $this->run('refund', $request, Payment\RefundResponse::class);
    }

    public function getPayment(Payment\GetPaymentRequest $request, Context $context): Payment\GetPaymentResponse
    {
        return $this->run('getPayment', $request, Payment\GetPaymentResponse::class);
    }
}

final class InventoryService extends ShopService implements Inventory\InventoryServiceHandler
{
    public function reserve(Inventory\ReserveRequest $request, Context $context): Inventory\ReserveResponse
    {
        return $this->run('reserve', $request, Inventory\ReserveResponse::class);
    }

    public function release(Inventory\ReleaseRequest $request, Context $context): Inventory\ReleaseResponse
    {
        return $this->run('release', $request, Inventory\ReleaseResponse::class);
    }
}

final class StatsService extends ShopService implements Stats\StatsServiceHandler
{
    public function trackEvent(Stats\TrackEventRequest $request, Context $context): Stats\TrackEventResponse
    {
        return $this->run('trackEvent', $request, Stats\TrackEventResponse::class);
    }

    public function getDailyReport(Stats\GetDailyReportRequest $request, Context $context): Stats\GetDailyReportResponse
    {
        return $this->run('getDailyReport', $request, Stats\GetDailyReportResponse::class);
    }
}
