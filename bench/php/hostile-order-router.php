<?php

declare(strict_types=1);

// bench/hostile.js, PHP target: OrderService of the example shop's generated code (examples/shop/gen)
// with a CreateOrder that answers an empty response — the same work as the TS target's handler, so the
// figures compare the servers, not the shop's logic. Run under `contractgen serve-php`.
require dirname(__DIR__, 2) . '/examples/shop/gen/php/autoload.php';

use Contractgen\Runtime\Http\Code;
use Contractgen\Runtime\Http\ConnectException;
use Contractgen\Runtime\Server\Context;
use Contractgen\Runtime\Server\Dispatcher;
use Shop\Order\V1\CreateOrderRequest;
use Shop\Order\V1\CreateOrderResponse;
use Shop\Order\V1\GetOrderRequest;
use Shop\Order\V1\GetOrderResponse;
use Shop\Order\V1\ListOrdersRequest;
use Shop\Order\V1\ListOrdersResponse;
use Shop\Order\V1\OrderServiceDispatcher;
use Shop\Order\V1\OrderServiceHandler;

$orders = new class () implements OrderServiceHandler {
    public function createOrder(CreateOrderRequest $request, Context $context): CreateOrderResponse
    {
        return CreateOrderResponse::fromArray([]);
    }

    public function getOrder(GetOrderRequest $request, Context $context): GetOrderResponse
    {
        throw new ConnectException(Code::Unimplemented, 'not in this benchmark');
    }

    public function listOrders(ListOrdersRequest $request, Context $context): ListOrdersResponse
    {
        throw new ConnectException(Code::Unimplemented, 'not in this benchmark');
    }
};
(new Dispatcher([new OrderServiceDispatcher($orders)]))->serveGlobals();
