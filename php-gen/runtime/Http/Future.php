<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Http;

/**
 * The result of a call started with a client's `…Async` method. The request is already on its way;
 * {@see self::wait()} returns the typed response or throws the call's {@see ConnectException}. Start
 * several calls first and then wait (or use {@see Batch}): on the curl transport they run concurrently.
 *
 * @template-covariant T
 */
final class Future
{
    private bool $settled = false;
    private mixed $value = null;
    private ?ConnectException $error = null;

    /**
     * @param PendingResponse $pending
     * @param \Closure(HttpResponse): T $decode turns the HTTP response into the typed result
     */
    public function __construct(private readonly PendingResponse $pending, private readonly \Closure $decode)
    {
    }

    /**
     * A future that already failed (the request could not even be built).
     *
     * @return self<never>
     */
    public static function failed(ConnectException $error): self
    {
        $future = new self(
            new PendingResponse(null, static fn (): bool => true),
            static function () use ($error): never {
                throw $error;
            },
        );
        $future->settled = true;
        $future->error = $error;
        return $future;
    }

    /** Whether {@see self::wait()} would return (or throw) without blocking. */
    public function isDone(): bool
    {
        return $this->settled || $this->pending->isDone();
    }

    /**
     * The typed response; every later call returns the same one (or throws the same exception).
     *
     * @return T
     * @throws ConnectException
     */
    public function wait(): mixed
    {
        if (!$this->settled) {
            $this->settled = true;
            try {
                $this->value = ($this->decode)($this->pending->wait());
            } catch (\Throwable $e) {
                // Whatever escaped (a bug, an \Error from user code) settles the future for good: a second
                // wait() throws the same exception instead of returning null.
                $this->error = ConnectException::wrap($e, 'reading the response failed');
            }
        }
        if ($this->error !== null) {
            throw $this->error;
        }
        return $this->value;
    }
}
