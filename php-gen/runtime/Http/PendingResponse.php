<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Http;

/**
 * A response that may still be on its way. Waiting twice returns the same response (or throws the same
 * exception).
 */
final class PendingResponse
{
    private ?HttpResponse $response = null;
    private ?ConnectException $error = null;

    /**
     * @param \Closure(): HttpResponse $resolve drives the transport until this response is complete
     * @param \Closure(): bool $isDone whether the response is complete without waiting
     */
    public function __construct(private ?\Closure $resolve, private readonly \Closure $isDone)
    {
    }

    /** Whether waiting would return at once. */
    public function isDone(): bool
    {
        return $this->resolve === null || ($this->isDone)();
    }

    /** @throws ConnectException when no HTTP response arrived */
    public function wait(): HttpResponse
    {
        if ($this->resolve !== null) {
            $resolve = $this->resolve;
            $this->resolve = null;
            try {
                $this->response = $resolve();
            } catch (\Throwable $e) {
                $this->error = ConnectException::wrap($e, 'the transport failed');
            }
        }
        if ($this->error !== null) {
            throw $this->error;
        }
        assert($this->response !== null);
        return $this->response;
    }
}
