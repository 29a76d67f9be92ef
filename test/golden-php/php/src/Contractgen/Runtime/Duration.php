<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime;

use Contractgen\Runtime\Json\Errors;

/**
 * google.protobuf.Duration: signed seconds and nanoseconds of the same sign, exact to the nanosecond,
 * ±315,576,000,000 s. JSON form: `"1.5s"`, `"-0.000000001s"`.
 */
final class Duration implements \JsonSerializable
{
    private const MAX = 315576000000;

    public function __construct(
        public readonly int $seconds = 0,
        public readonly int $nanos = 0,
    ) {
        if (
            $seconds < -self::MAX || $seconds > self::MAX || $nanos < -999999999 || $nanos > 999999999
            || ($seconds > 0 && $nanos < 0) || ($seconds < 0 && $nanos > 0)
        ) {
            throw new DecodeException('google.protobuf.Duration', [new DecodeError(
                '$',
                'range',
                'seconds in ±315576000000 and nanos in ±999999999 with the same sign',
                'seconds ' . $seconds . ', nanos ' . $nanos,
            )]);
        }
    }

    /** Parses the JSON form (`"3.000000001s"`). */
    public static function fromString(string $text): self
    {
        $e = new Errors();
        $d = self::read($text, '$', $e);
        $e->throwIfAny('google.protobuf.Duration');
        return $d;
    }

    /** @internal used by generated code */
    public static function read(mixed $v, string $p, Errors $e): self
    {
        if (is_string($v) && preg_match('/^(-)?([0-9]{1,12})(?:\.([0-9]{1,9}))?s$/', $v, $m) === 1) {
            $seconds = (int) $m[2];
            $nanos = ($m[3] ?? '') === '' ? 0 : (int) str_pad($m[3], 9, '0');
            if ($seconds <= self::MAX) {
                return $m[1] === '-' ? new self(-$seconds, -$nanos) : new self($seconds, $nanos);
            }
        }
        $e->add($p, 'type', 'duration (string such as "1.5s", within ±315576000000s)', $v);
        return new self();
    }

    /** `.123`, `.123456`, `.123456789` or "" — the digits ProtoJSON prints for a nanosecond count. */
    public static function fraction(int $nanos): string
    {
        $nanos = abs($nanos);
        if ($nanos === 0) {
            return '';
        }
        if ($nanos % 1000000 === 0) {
            return '.' . sprintf('%03d', intdiv($nanos, 1000000));
        }
        if ($nanos % 1000 === 0) {
            return '.' . sprintf('%06d', intdiv($nanos, 1000));
        }
        return '.' . sprintf('%09d', $nanos);
    }

    public function toString(): string
    {
        $sign = $this->seconds < 0 || $this->nanos < 0 ? '-' : '';
        return $sign . abs($this->seconds) . self::fraction($this->nanos) . 's';
    }

    public function jsonSerialize(): string
    {
        return $this->toString();
    }
}
