<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Http;

/**
 * A failed Connect call: the error a server sent (its code, message and details), or one the client
 * made up for an answer that was not Connect (an HTML page from a proxy, an empty or non-JSON body, a
 * response that breaks the contract) or for a call that never got an answer (unreachable server, deadline).
 *
 * Handlers on the server side throw it to answer with a specific code; the dispatcher keeps it as is.
 * `getCode()` stays PHP's integer code (always the HTTP status); the Connect code is {@see self::$connectCode}.
 */
class ConnectException extends \RuntimeException
{
    /**
     * @param Code $connectCode the Connect code
     * @param string $rawMessage the message without the code prefix
     * @param list<ErrorDetail> $details
     * @param array<string, string> $metadata headers that came with the error (lower-case names)
     */
    public function __construct(
        public readonly Code $connectCode,
        public readonly string $rawMessage,
        public readonly array $details = [],
        public readonly array $metadata = [],
        ?\Throwable $previous = null,
    ) {
        parent::__construct('[' . $connectCode->value . '] ' . $rawMessage, $connectCode->httpStatus(), $previous);
    }

    /**
     * `$e` itself when it is a ConnectException, else an `internal` one saying what failed, with `$e` as
     * the previous exception: what a client call never lets escape as another type.
     */
    public static function wrap(\Throwable $e, string $what): self
    {
        if ($e instanceof self) {
            return $e;
        }
        return new self(Code::Internal, sprintf('%s: %s: %s', $what, $e::class, $e->getMessage()), [], [], $e);
    }

    /**
     * An `invalid_argument` error listing every violation (path, expected, found, message) in a
     * {@see ErrorDetail::VIOLATIONS} detail.
     *
     * @param list<array<string, mixed>> $violations
     */
    public static function invalidArgument(string $message, array $violations): self
    {
        $details = $violations === []
            ? []
            : [ErrorDetail::json(ErrorDetail::VIOLATIONS, ['violations' => $violations])];
        return new self(Code::InvalidArgument, $message, $details);
    }

    /**
     * The violations of an `invalid_argument` error (from a {@see ErrorDetail::VIOLATIONS} detail), each
     * with at least `path` and `message`; empty when the error has none.
     *
     * @return list<array<array-key, mixed>>
     */
    public function violations(): array
    {
        foreach ($this->details as $detail) {
            if ($detail->type !== ErrorDetail::VIOLATIONS) {
                continue;
            }
            $data = $detail->data();
            if (is_array($data) && isset($data['violations']) && is_array($data['violations'])) {
                return array_values(array_filter($data['violations'], 'is_array'));
            }
        }
        return [];
    }

    /** The Connect error JSON body: `{"code": …, "message": …, "details": […]}`. */
    public function toJson(): string
    {
        $body = ['code' => $this->connectCode->value, 'message' => $this->rawMessage];
        if ($this->details !== []) {
            $body['details'] = $this->details;
        }
        return json_encode(
            $body,
            JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR,
        );
    }
}
