<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Http;

/**
 * Waits for several {@see Future}s started with `…Async` client methods (of one or several clients).
 * Keys are kept, so results line up with the calls:
 *
 *     $results = Batch::all(['order' => $orders->getOrderAsync($a), 'payment' => $payments->getPaymentAsync($b)]);
 *     $results['order']->order; $results['payment']->payment;
 */
final class Batch
{
    /**
     * Every result, once all calls have finished; throws the first failure (in key order) after all
     * calls are done, so no request is left running.
     *
     * @template T
     * @param array<array-key, Future<T>> $futures
     * @return array<array-key, T>
     * @throws ConnectException
     */
    public static function all(array $futures): array
    {
        $settled = self::settle($futures);
        foreach ($settled as $result) {
            if ($result instanceof ConnectException) {
                throw $result;
            }
        }
        return $settled;
    }

    /**
     * Every outcome: the result, or the {@see ConnectException} of a failed call, under the same key.
     *
     * @template T
     * @param array<array-key, Future<T>> $futures
     * @return array<array-key, T|ConnectException>
     */
    public static function settle(array $futures): array
    {
        $out = [];
        foreach ($futures as $key => $future) {
            try {
                $out[$key] = $future->wait();
            } catch (\Throwable $e) {
                $out[$key] = ConnectException::wrap($e, 'the call failed');
            }
        }
        return $out;
    }
}
