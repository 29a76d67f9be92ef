<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime;

use Contractgen\Runtime\Json\Errors;
use Contractgen\Runtime\Json\Read;

/**
 * google.protobuf.Any: a message of a type named by URL. JSON form: the message's JSON object plus
 * `"@type"`, or `{"@type": …, "value": …}` for types whose JSON is not an object (Timestamp, Duration,
 * wrappers, Value, …). The payload is kept exactly as decoded; `unpack()` turns it into the DTO when the
 * type is known, `pack()` builds one from a DTO. `new Any('')` is the empty Any, written as `{}`.
 */
final class Any implements \JsonSerializable
{
    /**
     * @param string $typeUrl e.g. `type.googleapis.com/shop.order.v1.Order`
     * @param \stdClass $fields the JSON object without `@type`
     */
    public function __construct(
        public readonly string $typeUrl,
        public readonly \stdClass $fields = new \stdClass(),
    ) {
    }

    /** The full type name (`shop.order.v1.Order`): the URL after its last `/`. */
    public function typeName(): string
    {
        $slash = strrpos($this->typeUrl, '/');
        return $slash === false ? $this->typeUrl : substr($this->typeUrl, $slash + 1);
    }

    /** Wraps a DTO (or a well-known value class) as an Any of type `$typeName`. */
    public static function pack(\JsonSerializable $message, string $typeName): self
    {
        $json = $message->jsonSerialize();
        if ($json instanceof \stdClass) {
            $fields = $json;
        } elseif (is_array($json) && $json !== [] && !array_is_list($json)) {
            $fields = (object) $json;
        } else {
            $fields = new \stdClass();
            $fields->value = $json;
        }
        $decoded = json_decode(json_encode($fields, Json\Write::FLAGS), false, 512, Read::FLAGS);
        \assert($decoded instanceof \stdClass); // the JSON text of a \stdClass is an object
        return new self('type.googleapis.com/' . $typeName, $decoded);
    }

    /**
     * Decodes the payload as `$class` (a generated DTO with `fromArray`, or Timestamp/Duration/FieldMask).
     *
     * @template T of object
     * @param class-string<T> $class
     * @return T
     * @throws DecodeException
     */
    public function unpack(string $class): object
    {
        $wrapped = in_array($class, [Timestamp::class, Duration::class, FieldMask::class, Value::class], true);
        if ($wrapped) {
            $e = new Errors();
            $v = $this->fields->value ?? null;
            $r = $class === Value::class ? new Value(Read::value($v, '$.value', $e)) : $class::read($v, '$.value', $e);
            $e->throwIfAny($class);
            /** @var T $r $class is one of the four, and read() returns an instance of it */
            return $r;
        }
        if (!method_exists($class, 'fromArray')) {
            throw new \InvalidArgumentException($class . ' is not a generated message class (it has no fromArray())');
        }
        /** @var T */
        return $class::fromArray($this->fields);
    }

    /**
     * Decodes the JSON form. `{}` is the empty Any (no type, no payload). A payload of a generated
     * message (`Types`) or of a well-known type is decoded strictly and kept in its canonical form
     * (`"1.5s"` becomes `"1.500s"`); a well-known type's JSON is in `value`, which must have that type's
     * JSON shape. Payloads of other types are kept as decoded.
     *
     * @internal used by generated code
     */
    public static function read(mixed $v, string $p, Errors $e): self
    {
        if (!Read::isObject($v, $p, $e)) {
            return new self('');
        }
        $raw = new \stdClass();
        $type = null;
        $hasType = false;
        foreach ($v as $k => $x) {
            if ((string) $k === '@type') {
                $type = $x;
                $hasType = true;
            } else {
                $raw->{$k} = $x;
            }
        }
        if (!$hasType && get_object_vars($raw) === []) {
            return new self('');
        }
        if (!is_string($type) || $type === '' || str_ends_with($type, '/')) {
            $e->add($p . '.@type', 'type', 'google.protobuf.Any with a "@type" URL', $type);
            return new self('');
        }
        $any = new self($type);
        $name = $any->typeName();
        $before = $e->count();
        $doubles = preg_match('/\/google\.protobuf\.(Struct|Value|ListValue|DoubleValue|FloatValue)$/', $type) === 1;
        if ($e->objectsAsStdClass && !$doubles) {
            self::exactIntegers($raw, $p, $e); // Struct, Value, ... hold doubles, as everywhere else
        }
        // The payload is read as plain ProtoJSON (strict), as protobuf-es reads it behind the boundary.
        $wellKnown = $e->strictly(fn () => self::readWellKnown($name, $raw, $p, $e));
        if ($wellKnown !== null) {
            return $e->count() === $before ? new self($type, $wellKnown) : $any;
        }
        $message = $e->strictly(fn () => Types::decode($name, $raw, $p, $e));
        if ($message !== null && $e->count() === $before) {
            $decoded = json_decode(json_encode($message, Json\Write::FLAGS), false, 512, Read::FLAGS);
            \assert($decoded instanceof \stdClass); // a message's JSON is an object
            return new self($type, $decoded);
        }
        if ($message === null && $e->count() === $before) {
            // Neither a message of the contracts nor a well-known type: a TypeScript peer (protobuf-es)
            // cannot read it, so neither does PHP (acceptance rule any_unknown_type).
            $e->add($p . '.@type', 'any_unknown_type', 'a message type of the contracts or a well-known type', $type);
        }
        return $any;
    }

    /**
     * An integer beyond ±2^53 anywhere in an Any's payload is refused (`unsafe_integer`): the type is
     * known only by `@type`, and a TypeScript reader cannot tell an int64 there from a double.
     */
    private static function exactIntegers(mixed $v, string $p, Errors $e): void
    {
        if (is_int($v)) {
            if ($v > Read::MAX_SAFE_INTEGER || $v < -Read::MAX_SAFE_INTEGER) {
                $e->add($p, 'unsafe_integer', 'an integer within ±2^53 (a 64-bit integer as a string)', $v);
            }
        } elseif ($v instanceof Json\BigInteger) {
            $e->add($p, 'unsafe_integer', 'an integer within ±2^53 (a 64-bit integer as a string)', $v);
        } elseif (is_array($v) || $v instanceof \stdClass) {
            foreach ((array) $v as $k => $x) {
                self::exactIntegers($x, $p . (is_int($k) && is_array($v) ? '[' . $k . ']' : '.' . $k), $e);
            }
        }
    }

    /**
     * The canonical payload of a well-known type named `$name` (`{"value": …}`, `{}` for Empty), or
     * null when `$name` is not one.
     */
    private static function readWellKnown(string $name, \stdClass $raw, string $p, Errors $e): ?\stdClass
    {
        if (!str_starts_with($name, 'google.protobuf.')) {
            return null;
        }
        $short = substr($name, 16);
        $out = new \stdClass();
        if ($short === 'Empty') {
            foreach (get_object_vars($raw) as $k => $x) {
                $e->add($p . '.' . $k, 'unknown_field', 'no fields (google.protobuf.Empty)', $x);
            }
            return $out;
        }
        if (!in_array($short, self::WELL_KNOWN, true)) {
            return null;
        }
        foreach (get_object_vars($raw) as $k => $x) {
            if ((string) $k !== 'value') {
                $e->add($p . '.' . $k, 'unknown_field', '"@type" and "value" only (' . $name . ')', $x);
            }
        }
        $vp = $p . '.value';
        if (!property_exists($raw, 'value')) {
            $e->addText($vp, 'required', 'the ' . $name . ' JSON value in "value"', 'no "value"');
            return $out;
        }
        $x = $raw->value;
        $out->value = match ($short) {
            'Timestamp' => Timestamp::read($x, $vp, $e)->toString(),
            'Duration' => Duration::read($x, $vp, $e)->toString(),
            'FieldMask' => FieldMask::read($x, $vp, $e)->jsonSerialize(),
            'Struct' => Json\Write::struct(Read::struct($x, $vp, $e)),
            'ListValue' => Json\Write::value(Read::listValue($x, $vp, $e)),
            'Value' => Json\Write::value(Read::value($x, $vp, $e)),
            'DoubleValue' => Json\Write::double(Read::double($x, $vp, $e)),
            'FloatValue' => Json\Write::double(Read::float($x, $vp, $e)),
            'Int64Value' => (string) Read::int64($x, $vp, $e),
            'UInt64Value' => (string) Read::uint64($x, $vp, $e),
            'Int32Value' => Read::int32($x, $vp, $e),
            'UInt32Value' => Read::uint32($x, $vp, $e),
            'BoolValue' => Read::bool($x, $vp, $e),
            'StringValue' => Read::string($x, $vp, $e),
            'BytesValue' => base64_encode(Read::bytes($x, $vp, $e)),
            default => self::read($x, $vp, $e), // google.protobuf.Any
        };
        return $out;
    }

    /** Well-known types whose JSON is not an object of their fields: in an Any it is under `value`. */
    private const WELL_KNOWN = [
        'Timestamp', 'Duration', 'FieldMask', 'Struct', 'ListValue', 'Value', 'DoubleValue', 'FloatValue',
        'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue',
        'Any',
    ];

    /** `{}` for the empty Any (no type), else the payload with `@type`. */
    public function jsonSerialize(): \stdClass
    {
        $out = new \stdClass();
        if ($this->typeUrl === '' && get_object_vars($this->fields) === []) {
            return $out;
        }
        $out->{'@type'} = $this->typeUrl;
        foreach (get_object_vars($this->fields) as $k => $v) {
            $out->{$k} = Json\Write::value($v);
        }
        return $out;
    }
}
