<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime;

use Contractgen\Runtime\Json\Errors;

/**
 * google.protobuf.Timestamp: seconds since the Unix epoch (UTC) and nanoseconds, exact to the
 * nanosecond. JSON form: RFC 3339 (`2024-05-01T12:00:00.123456789Z`), 0001-01-01 to 9999-12-31.
 */
final class Timestamp implements \JsonSerializable
{
    private const MIN = -62135596800;
    private const MAX = 253402300799;
    /** RFC 3339 as ProtoJSON reads it: upper-case `T` and `Z` only, an offset as ±HH:MM. */
    private const RFC3339 = '/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?'
        . '(?:(Z)|([+-])(\d{2}):(\d{2}))$/';

    public function __construct(
        public readonly int $seconds = 0,
        public readonly int $nanos = 0,
    ) {
        if ($seconds < self::MIN || $seconds > self::MAX || $nanos < 0 || $nanos > 999999999) {
            throw new DecodeException('google.protobuf.Timestamp', [new DecodeError(
                '$',
                'range',
                'seconds in 0001-01-01..9999-12-31 and nanos in 0..999999999',
                'seconds ' . $seconds . ', nanos ' . $nanos,
            )]);
        }
    }

    public static function fromDateTime(\DateTimeInterface $time): self
    {
        return new self($time->getTimestamp(), (int) $time->format('u') * 1000);
    }

    /** Microsecond precision (PHP's limit); nanoseconds below that are dropped. */
    public function toDateTime(): \DateTimeImmutable
    {
        $dt = new \DateTimeImmutable('@' . $this->seconds);
        return $dt->modify('+' . intdiv($this->nanos, 1000) . ' microseconds');
    }

    /**
     * Parses RFC 3339 text: upper-case `T` and `Z`, any offset ±HH:MM (HH ≤ 23, MM ≤ 59), a day that
     * exists in its month and year, fractions up to 9 digits, 0001-01-01T00:00:00Z to
     * 9999-12-31T23:59:59.999999999Z after the offset is applied.
     */
    public static function fromString(string $text): self
    {
        $e = new Errors();
        $t = self::read($text, '$', $e);
        $e->throwIfAny('google.protobuf.Timestamp');
        return $t;
    }

    /** @internal used by generated code */
    public static function read(mixed $v, string $p, Errors $e): self
    {
        if (is_string($v) && preg_match(self::RFC3339, $v, $m) === 1) {
            $year = (int) $m[1];
            $month = (int) $m[2];
            $day = (int) $m[3];
            $hour = (int) $m[4];
            $minute = (int) $m[5];
            $second = (int) $m[6];
            if (
                $year >= 1 && checkdate($month, $day, $year) && $hour < 24 && $minute < 60 && $second < 60
            ) {
                $seconds = self::daysFromCivil($year, $month, $day) * 86400 + $hour * 3600 + $minute * 60 + $second;
                $offsetOk = true;
                if (($m[8] ?? '') === '' && isset($m[9], $m[10], $m[11]) && $m[9] !== '') {
                    $offsetOk = (int) $m[10] <= 23 && (int) $m[11] <= 59;
                    $offset = ((int) $m[10]) * 3600 + ((int) $m[11]) * 60;
                    $seconds += $m[9] === '+' ? -$offset : $offset;
                }
                $nanos = ($m[7] ?? '') === '' ? 0 : (int) str_pad($m[7], 9, '0');
                if ($offsetOk && $seconds >= self::MIN && $seconds <= self::MAX) {
                    return new self($seconds, $nanos);
                }
            }
        }
        $e->add($p, 'type', 'timestamp (RFC 3339 string: upper-case T and Z, offset ±HH:MM, '
            . '0001-01-01 to 9999-12-31)', $v);
        return new self();
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (no time-zone database involved). */
    private static function daysFromCivil(int $y, int $m, int $d): int
    {
        $y -= $m <= 2 ? 1 : 0;
        $era = intdiv($y >= 0 ? $y : $y - 399, 400);
        $yoe = $y - $era * 400;
        $doy = intdiv(153 * ($m + ($m > 2 ? -3 : 9)) + 2, 5) + $d - 1;
        $doe = $yoe * 365 + intdiv($yoe, 4) - intdiv($yoe, 100) + $doy;
        return $era * 146097 + $doe - 719468;
    }

    /** RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as ProtoJSON prints it. */
    public function toString(): string
    {
        $days = intdiv($this->seconds, 86400);
        $rest = $this->seconds % 86400;
        if ($rest < 0) {
            $rest += 86400;
            $days -= 1;
        }
        $z = $days + 719468;
        $era = intdiv($z >= 0 ? $z : $z - 146096, 146097);
        $doe = $z - $era * 146097;
        $yoe = intdiv($doe - intdiv($doe, 1460) + intdiv($doe, 36524) - intdiv($doe, 146096), 365);
        $doy = $doe - (365 * $yoe + intdiv($yoe, 4) - intdiv($yoe, 100));
        $mp = intdiv(5 * $doy + 2, 153);
        $day = $doy - intdiv(153 * $mp + 2, 5) + 1;
        $month = $mp < 10 ? $mp + 3 : $mp - 9;
        $year = $yoe + $era * 400 + ($month <= 2 ? 1 : 0);
        $text = sprintf(
            '%04d-%02d-%02dT%02d:%02d:%02d',
            $year,
            $month,
            $day,
            intdiv($rest, 3600),
            intdiv($rest % 3600, 60),
            $rest % 60,
        );
        return $text . Duration::fraction($this->nanos) . 'Z';
    }

    public function jsonSerialize(): string
    {
        return $this->toString();
    }
}
