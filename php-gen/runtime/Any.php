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
 * type is known, `pack()` builds one from a DTO.
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

    /** @internal used by generated code */
    public static function read(mixed $v, string $p, Errors $e): self
    {
        $fields = new \stdClass();
        $raw = new \stdClass();
        $type = null;
        if (Read::isObject($v, $p, $e)) {
            foreach ($v as $k => $x) {
                if ((string) $k === '@type') {
                    $type = $x;
                } else {
                    $raw->{$k} = $x;
                    $fields->{$k} = Read::value($x, $p . '.' . $k, $e);
                }
            }
            if (!is_string($type) || $type === '') {
                $e->add($p . '.@type', 'type', 'google.protobuf.Any with a "@type" URL', $type);
            }
        }
        $any = new self(is_string($type) ? $type : '', $fields);
        // A payload of a known DTO type is decoded strictly and kept in its canonical form.
        $message = Types::decode($any->typeName(), $raw, $p, $e);
        if ($message !== null) {
            $decoded = json_decode(json_encode($message, Json\Write::FLAGS), false, 512, Read::FLAGS);
            \assert($decoded instanceof \stdClass); // a message's JSON is an object
            return new self($any->typeUrl, $decoded);
        }
        return $any;
    }

    public function jsonSerialize(): \stdClass
    {
        $out = new \stdClass();
        $out->{'@type'} = $this->typeUrl;
        foreach (get_object_vars($this->fields) as $k => $v) {
            $out->{$k} = Json\Write::value($v);
        }
        return $out;
    }
}
