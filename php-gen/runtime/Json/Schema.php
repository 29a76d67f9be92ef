<?php

/**
 * Part of the contractgen PHP runtime (copied into generated code; do not edit).
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Json;

/**
 * A JSON Schema (draft 2020-12) validator over decoded JSON (objects as \stdClass), with the semantics
 * of the ajv configuration the TypeScript validators are compiled with: the wire schemas contractgen
 * writes (every draft is rewritten into 2020-12 at generation time) are checked here exactly as in
 * TypeScript. Proven by the JSON Schema Test Suite (test/json-schema-suite-php.test.ts).
 *
 * Supported: type, enum, const, the numeric, string, array and object assertions, prefixItems, items,
 * contains/minContains/maxContains, properties, patternProperties, additionalProperties,
 * propertyNames, dependentRequired, dependentSchemas, allOf, anyOf, oneOf, not, if/then/else, $ref
 * (registered `$id`s, `#` pointers and anchors), format (the formats of Check::format) and
 * unevaluatedProperties next to properties only (the generator refuses the rest).
 */
final class Schema
{
    /** @var array<string, \stdClass|bool> */
    private array $byId = [];

    /** @var array<string, array<string, string>> `$anchor` → pointer, per resource id */
    private array $anchors = [];

    /** Registers a schema (decoded as \stdClass) under its `$id`. */
    public function add(\stdClass|bool $schema, ?string $id = null): void
    {
        $id ??= $schema instanceof \stdClass && isset($schema->{'$id'}) && is_string($schema->{'$id'})
            ? rtrim($schema->{'$id'}, '#') : '';
        $this->byId[$id] = $schema;
    }

    /** Registers every schema of a JSON array or object of schemas (the generated `Schemas::JSON`). */
    public function addJson(string $json): void
    {
        $all = json_decode($json, false, 4096, JSON_THROW_ON_ERROR);
        $list = is_array($all) ? $all : ($all instanceof \stdClass ? get_object_vars($all) : []);
        foreach ($list as $schema) {
            if ($schema instanceof \stdClass || is_bool($schema)) {
                $this->add($schema);
            }
        }
    }

    /**
     * Whether `$value` is valid against the schema registered as `$id` (which may end in a `#/pointer`
     * fragment: a subschema, such as one member of a union); violations go to `$e`.
     */
    public function validate(mixed $value, string $id, ?Errors $e = null, string $path = '$'): bool
    {
        $hash = strpos($id, '#');
        $base = $hash === false ? $id : substr($id, 0, $hash);
        [$schema, $base] = $this->resolve($id, $base);
        $e ??= new Errors();
        $before = $e->count();
        $this->check($value, $schema, $base, $path, $e, 0);
        return $e->count() === $before;
    }

    private function check(mixed $v, mixed $s, string $base, string $p, Errors $e, int $depth): void
    {
        if ($s === true || !$s instanceof \stdClass && $s !== false) {
            return;
        }
        if ($s === false) {
            $e->addText($p, 'schema', 'no value (the schema is false)', 'a value');
            return;
        }
        if ($depth > 256) {
            $e->addText($p, 'schema', 'a schema nesting depth below 256', 'deeper recursion');
            return;
        }
        $k = get_object_vars($s);
        if (isset($k['$ref']) && is_string($k['$ref'])) {
            [$target, $targetBase] = $this->resolve($k['$ref'], $base);
            $this->check($v, $target, $targetBase, $p, $e, $depth + 1);
        }
        if (isset($k['type'])) {
            $types = is_array($k['type']) ? $k['type'] : [$k['type']];
            $ok = false;
            foreach ($types as $t) {
                if (is_string($t) && self::isType($v, $t)) {
                    $ok = true;
                    break;
                }
            }
            if (!$ok) {
                $e->add($p, 'wrong_type', implode(' or ', array_map(self::text(...), $types)), $v);
                return;
            }
        }
        if (array_key_exists('enum', $k) && is_array($k['enum'])) {
            $found = false;
            foreach ($k['enum'] as $option) {
                if (self::equal($v, $option)) {
                    $found = true;
                    break;
                }
            }
            if (!$found) {
                $e->add($p, 'enum', 'one of the allowed values', $v);
            }
        }
        if (array_key_exists('const', $k) && !self::equal($v, $k['const'])) {
            $e->add($p, 'const', 'the constant value', $v);
        }
        if (self::isNumber($v)) {
            $this->checkNumber(self::toNumber($v), $k, $p, $e);
        } elseif (is_string($v)) {
            $this->checkString($v, $k, $p, $e);
        } elseif (is_array($v)) {
            $this->checkArray($v, $k, $base, $p, $e, $depth);
        } elseif ($v instanceof \stdClass) {
            $this->checkObject($v, $k, $base, $p, $e, $depth);
        }
        if (isset($k['allOf']) && is_array($k['allOf'])) {
            foreach ($k['allOf'] as $sub) {
                $this->check($v, $sub, $base, $p, $e, $depth + 1);
            }
        }
        if (isset($k['anyOf']) && is_array($k['anyOf'])) {
            $any = false;
            foreach ($k['anyOf'] as $sub) {
                if ($this->passes($v, $sub, $base, $p, $depth)) {
                    $any = true;
                    break;
                }
            }
            if (!$any) {
                $e->add($p, 'any_of', 'a value matching at least one schema of anyOf', $v);
            }
        }
        if (isset($k['oneOf']) && is_array($k['oneOf'])) {
            $matches = 0;
            foreach ($k['oneOf'] as $sub) {
                if ($this->passes($v, $sub, $base, $p, $depth)) {
                    $matches++;
                }
            }
            if ($matches !== 1) {
                $e->add($p, 'one_of', 'a value matching exactly one schema of oneOf (' . $matches . ' match)', $v);
            }
        }
        if (array_key_exists('not', $k) && $this->passes($v, $k['not'], $base, $p, $depth)) {
            $e->add($p, 'not', 'a value not matching the schema of not', $v);
        }
        if (array_key_exists('if', $k)) {
            if ($this->passes($v, $k['if'], $base, $p, $depth)) {
                if (array_key_exists('then', $k)) {
                    $this->check($v, $k['then'], $base, $p, $e, $depth + 1);
                }
            } elseif (array_key_exists('else', $k)) {
                $this->check($v, $k['else'], $base, $p, $e, $depth + 1);
            }
        }
        if (isset($k['format']) && is_string($k['format']) && is_string($v) && !Check::format($v, $k['format'])) {
            $e->add($p, 'format', 'a string in format ' . self::text($k['format']), $v);
        }
    }

    private function passes(mixed $v, mixed $s, string $base, string $p, int $depth): bool
    {
        $e = new Errors();
        $this->check($v, $s, $base, $p, $e, $depth + 1);
        return $e->count() === 0;
    }

    /** @param array<mixed> $k */
    private function checkNumber(int|float $v, array $k, string $p, Errors $e): void
    {
        if (isset($k['minimum']) && $v < $k['minimum']) {
            $e->add($p, 'minimum', '>= ' . self::text($k['minimum']), $v);
        }
        if (isset($k['maximum']) && $v > $k['maximum']) {
            $e->add($p, 'maximum', '<= ' . self::text($k['maximum']), $v);
        }
        if (isset($k['exclusiveMinimum']) && $v <= $k['exclusiveMinimum']) {
            $e->add($p, 'exclusive_minimum', '> ' . self::text($k['exclusiveMinimum']), $v);
        }
        if (isset($k['exclusiveMaximum']) && $v >= $k['exclusiveMaximum']) {
            $e->add($p, 'exclusive_maximum', '< ' . self::text($k['exclusiveMaximum']), $v);
        }
        $m = $k['multipleOf'] ?? null;
        if ((is_int($m) || is_float($m)) && $m > 0) {
            $q = $v / $m;
            // As ajv: a multiple when the quotient is an integer (within the precision of a double).
            $off = is_int($v) && is_int($m)
                ? $v % $m !== 0
                : !is_finite($q) || abs($q - round($q)) > 1e-9 * max(1.0, abs($q));
            if ($off) {
                $e->add($p, 'multiple_of', 'a multiple of ' . self::text($m), $v);
            }
        }
    }

    /** @param array<mixed> $k */
    private function checkString(string $v, array $k, string $p, Errors $e): void
    {
        if (isset($k['minLength']) || isset($k['maxLength'])) {
            $n = mb_strlen($v, 'UTF-8');
            if (isset($k['minLength']) && $n < $k['minLength']) {
                $e->add($p, 'min_length', 'at least ' . self::text($k['minLength']) . ' characters', $v);
            }
            if (isset($k['maxLength']) && $n > $k['maxLength']) {
                $e->add($p, 'max_length', 'at most ' . self::text($k['maxLength']) . ' characters', $v);
            }
        }
        if (isset($k['pattern']) && is_string($k['pattern']) && !self::matches($k['pattern'], $v)) {
            $e->add($p, 'pattern', 'a string matching ' . self::text($k['pattern']), $v);
        }
    }

    /**
     * @param array<mixed> $v
     * @param array<mixed> $k
     */
    private function checkArray(array $v, array $k, string $base, string $p, Errors $e, int $depth): void
    {
        $n = count($v);
        if (isset($k['minItems']) && $n < $k['minItems']) {
            $e->add($p, 'min_items', 'at least ' . self::text($k['minItems']) . ' items', $v);
        }
        if (isset($k['maxItems']) && $n > $k['maxItems']) {
            $e->add($p, 'max_items', 'at most ' . self::text($k['maxItems']) . ' items', $v);
        }
        if (($k['uniqueItems'] ?? false) === true) {
            for ($i = 0; $i < $n; $i++) {
                for ($j = $i + 1; $j < $n; $j++) {
                    if (self::equal($v[$i], $v[$j])) {
                        $e->add($p, 'unique_items', 'unique items', $v);
                        break 2;
                    }
                }
            }
        }
        $prefix = isset($k['prefixItems']) && is_array($k['prefixItems']) ? $k['prefixItems'] : [];
        foreach ($prefix as $i => $sub) {
            if ($i < $n) {
                $this->check($v[$i], $sub, $base, $p . '[' . $i . ']', $e, $depth + 1);
            }
        }
        if (array_key_exists('items', $k)) {
            for ($i = count($prefix); $i < $n; $i++) {
                $this->check($v[$i], $k['items'], $base, $p . '[' . $i . ']', $e, $depth + 1);
            }
        }
        if (array_key_exists('contains', $k)) {
            $count = 0;
            foreach ($v as $i => $x) {
                if ($this->passes($x, $k['contains'], $base, $p . '[' . $i . ']', $depth)) {
                    $count++;
                }
            }
            $min = $k['minContains'] ?? 1;
            if ($count < $min) {
                $e->add($p, 'contains', 'at least ' . self::text($min) . ' items matching contains', $v);
            }
            if (isset($k['maxContains']) && $count > $k['maxContains']) {
                $e->add($p, 'contains', 'at most ' . self::text($k['maxContains']) . ' items matching contains', $v);
            }
        }
    }

    /** @param array<mixed> $k */
    private function checkObject(\stdClass $v, array $k, string $base, string $p, Errors $e, int $depth): void
    {
        $props = get_object_vars($v);
        $n = count($props);
        if (isset($k['minProperties']) && $n < $k['minProperties']) {
            $e->add($p, 'min_properties', 'at least ' . self::text($k['minProperties']) . ' properties', $v);
        }
        if (isset($k['maxProperties']) && $n > $k['maxProperties']) {
            $e->add($p, 'max_properties', 'at most ' . self::text($k['maxProperties']) . ' properties', $v);
        }
        if (isset($k['required']) && is_array($k['required'])) {
            foreach ($k['required'] as $name) {
                if (!array_key_exists(self::text($name), $props)) {
                    $at = self::child($p, self::text($name));
                    $e->addText($at, 'required', 'a value (the property is required)', 'nothing');
                }
            }
        }
        if (isset($k['dependentRequired']) && $k['dependentRequired'] instanceof \stdClass) {
            foreach (get_object_vars($k['dependentRequired']) as $name => $needed) {
                if (!array_key_exists((string) $name, $props) || !is_array($needed)) {
                    continue;
                }
                foreach ($needed as $other) {
                    if (!array_key_exists(self::text($other), $props)) {
                        $at = self::child($p, self::text($other));
                        $e->addText($at, 'required', 'a value (required with ' . $name . ')', 'nothing');
                    }
                }
            }
        }
        if (isset($k['dependentSchemas']) && $k['dependentSchemas'] instanceof \stdClass) {
            foreach (get_object_vars($k['dependentSchemas']) as $name => $sub) {
                if (array_key_exists((string) $name, $props)) {
                    $this->check($v, $sub, $base, $p, $e, $depth + 1);
                }
            }
        }
        $declared = isset($k['properties']) && $k['properties'] instanceof \stdClass
            ? get_object_vars($k['properties']) : [];
        $patterns = isset($k['patternProperties']) && $k['patternProperties'] instanceof \stdClass
            ? get_object_vars($k['patternProperties']) : [];
        $additional = array_key_exists('additionalProperties', $k) ? $k['additionalProperties']
            : (array_key_exists('unevaluatedProperties', $k) ? $k['unevaluatedProperties'] : null);
        $names = $k['propertyNames'] ?? null;
        foreach ($props as $name => $x) {
            $name = (string) $name;
            $at = self::child($p, $name);
            if ($names !== null) {
                $this->check($name, $names, $base, $at, $e, $depth + 1);
            }
            $matched = false;
            if (array_key_exists($name, $declared)) {
                $matched = true;
                $this->check($x, $declared[$name], $base, $at, $e, $depth + 1);
            }
            foreach ($patterns as $pattern => $sub) {
                if (self::matches((string) $pattern, $name)) {
                    $matched = true;
                    $this->check($x, $sub, $base, $at, $e, $depth + 1);
                }
            }
            if (!$matched && $additional !== null) {
                if ($additional === false) {
                    $e->add($at, 'unknown_field', 'no property ' . $name . ' (additionalProperties is false)', $x);
                } else {
                    $this->check($x, $additional, $base, $at, $e, $depth + 1);
                }
            }
        }
    }

    /** @return array{0: \stdClass|bool, 1: string} the schema a `$ref` names and its resource id */
    private function resolve(string $ref, string $base): array
    {
        $hash = strpos($ref, '#');
        $resource = $hash === false ? $ref : substr($ref, 0, $hash);
        $fragment = $hash === false ? '' : rawurldecode(substr($ref, $hash + 1));
        $id = $resource === '' ? $base : $resource;
        $root = $this->byId[$id] ?? null;
        if ($root === null) {
            throw new \InvalidArgumentException('$ref to an unknown schema: ' . $ref);
        }
        if ($fragment === '') {
            return [$root, $id];
        }
        if ($fragment[0] !== '/') {
            $fragment = $this->anchorsOf($id, $root)[$fragment]
                ?? throw new \InvalidArgumentException('$ref to an unknown anchor: ' . $ref);
        }
        $node = $root;
        foreach (explode('/', substr($fragment, 1)) as $token) {
            $token = str_replace(['~1', '~0'], ['/', '~'], $token);
            if ($node instanceof \stdClass && property_exists($node, $token)) {
                $node = $node->{$token};
            } elseif (is_array($node) && ctype_digit($token) && array_key_exists((int) $token, $node)) {
                $node = $node[(int) $token];
            } else {
                throw new \InvalidArgumentException('$ref to nothing: ' . $ref);
            }
        }
        if (!$node instanceof \stdClass && !is_bool($node)) {
            throw new \InvalidArgumentException('$ref to a value that is not a schema: ' . $ref);
        }
        return [$node, $id];
    }

    /** @return array<string, string> */
    private function anchorsOf(string $id, mixed $root): array
    {
        if (!isset($this->anchors[$id])) {
            $found = [];
            $walk = function (mixed $node, string $pointer) use (&$walk, &$found): void {
                if ($node instanceof \stdClass) {
                    if (isset($node->{'$anchor'}) && is_string($node->{'$anchor'})) {
                        $found[$node->{'$anchor'}] = $pointer;
                    }
                    foreach (get_object_vars($node) as $key => $child) {
                        if (!in_array($key, ['const', 'enum', 'default', 'examples'], true)) {
                            $walk($child, $pointer . '/' . str_replace(['~', '/'], ['~0', '~1'], (string) $key));
                        }
                    }
                } elseif (is_array($node)) {
                    foreach ($node as $i => $child) {
                        $walk($child, $pointer . '/' . $i);
                    }
                }
            };
            $walk($root, '');
            $this->anchors[$id] = $found;
        }
        return $this->anchors[$id];
    }

    private static function isType(mixed $v, string $type): bool
    {
        return match ($type) {
            'null' => $v === null,
            'boolean' => is_bool($v),
            'string' => is_string($v),
            'number' => self::isNumber($v),
            'integer' => is_int($v) || $v instanceof BigInteger || (is_float($v) && is_finite($v) && floor($v) === $v),
            'array' => is_array($v),
            'object' => $v instanceof \stdClass,
            default => false,
        };
    }

    private static function isNumber(mixed $v): bool
    {
        return is_int($v) || is_float($v) || $v instanceof BigInteger;
    }

    private static function toNumber(mixed $v): int|float
    {
        if ($v instanceof BigInteger) {
            return $v->toFloat();
        }
        return is_int($v) || is_float($v) ? $v : 0;
    }

    /** JSON equality: numbers by value (1 equals 1.0), objects without regard to key order. */
    public static function equal(mixed $a, mixed $b): bool
    {
        if (self::isNumber($a) && self::isNumber($b)) {
            return self::toNumber($a) == self::toNumber($b);
        }
        if (is_array($a) && is_array($b)) {
            if (count($a) !== count($b)) {
                return false;
            }
            foreach ($a as $i => $x) {
                if (!array_key_exists($i, $b) || !self::equal($x, $b[$i])) {
                    return false;
                }
            }
            return true;
        }
        if ($a instanceof \stdClass && $b instanceof \stdClass) {
            $x = get_object_vars($a);
            $y = get_object_vars($b);
            if (count($x) !== count($y)) {
                return false;
            }
            foreach ($x as $key => $value) {
                if (!array_key_exists($key, $y) || !self::equal($value, $y[$key])) {
                    return false;
                }
            }
            return true;
        }
        return $a === $b;
    }

    /** ECMAScript-style `pattern` (unanchored, Unicode) with PCRE. */
    public static function matches(string $pattern, string $v): bool
    {
        // A delimiter no pattern writes literally, so no escaping is needed.
        $regex = "\x01" . $pattern . "\x01u";
        $r = @preg_match($regex, $v);
        return $r === 1;
    }

    /** A keyword value as text, for messages. */
    private static function text(mixed $x): string
    {
        if (is_string($x) || is_int($x) || is_float($x)) {
            return (string) $x;
        }
        return (string) json_encode($x);
    }

    private static function child(string $p, string $name): string
    {
        return preg_match('/^[A-Za-z_$][A-Za-z0-9_$]*$/', $name) === 1
            ? $p . '.' . $name
            : $p . '[' . json_encode($name) . ']';
    }
}
