<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Server;

use Contractgen\Runtime\Http\ConnectException;

/**
 * One contract service as the {@see Dispatcher} sees it. The generated `<Service>Dispatcher` classes
 * implement it on top of the generated, typed `<Service>Handler` interfaces.
 */
interface Service
{
    /** Full name of the service (`shop.order.v1.OrderService`): the first path segment. */
    public function serviceName(): string;

    /**
     * The methods, by their name on the wire, and whether each has no side effects (and so may be
     * called with GET).
     *
     * @return array<string, bool>
     */
    public function methods(): array;

    /**
     * Decodes the request of `$method` from `$input` (a request that does not match the contract throws
     * a `ConnectException` with code `invalid_argument` listing every violation), calls the handler
     * and returns the response as JSON.
     *
     * @throws ConnectException
     */
    public function invoke(string $method, \stdClass $input, Context $context): string;
}
