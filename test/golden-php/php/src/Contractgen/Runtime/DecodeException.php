<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime;

/**
 * Thrown when JSON or a PHP array does not match a contract, or a DTO is constructed with values the
 * contract forbids. Carries every violation at once; the message lists them, one per line.
 */
final class DecodeException extends \InvalidArgumentException
{
    /** @var list<DecodeError> */
    private array $errors;

    /**
     * @param list<DecodeError> $errors
     */
    public function __construct(private readonly string $type, array $errors)
    {
        $this->errors = $errors;
        $count = count($errors);
        $lines = array_map(static fn (DecodeError $e): string => '  - ' . $e, $errors);
        parent::__construct(
            'invalid ' . $type . ': ' . $count . ($count === 1 ? ' error' : ' errors') . "\n" . implode("\n", $lines),
        );
    }

    /** @return list<DecodeError> every violation, in the order found */
    public function errors(): array
    {
        return $this->errors;
    }

    /** The DTO class (or contract name) that was being decoded. */
    public function type(): string
    {
        return $this->type;
    }
}
