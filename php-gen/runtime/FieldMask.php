<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime;

use Contractgen\Runtime\Json\Errors;

/**
 * google.protobuf.FieldMask: field paths in proto names (`user.display_name`). JSON form: the paths in
 * lowerCamelCase joined by commas (`"user.displayName,email"`).
 */
final class FieldMask implements \JsonSerializable
{
    private const PATH = '/^[a-z0-9_]+(\.[a-z0-9_]+)*$/';
    private const JSON = '/^([a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*)?(,[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*)*$/';

    /**
     * @param list<string> $paths
     */
    public function __construct(public readonly array $paths = [])
    {
        foreach ($paths as $i => $path) {
            /** @var mixed $path PHP does not check the element type of an array parameter */
            if (!is_string($path) || preg_match(self::PATH, $path) !== 1 || str_contains($path, '__')) {
                throw new DecodeException('google.protobuf.FieldMask', [new DecodeError(
                    '$.paths[' . $i . ']',
                    'type',
                    'a field path in lower_snake_case',
                    DecodeError::describe($path),
                )]);
            }
        }
    }

    /** @internal used by generated code */
    public static function read(mixed $v, string $p, Errors $e): self
    {
        if (is_string($v) && preg_match(self::JSON, $v) === 1) {
            if ($v === '') {
                return new self([]);
            }
            $paths = [];
            foreach (explode(',', $v) as $path) {
                $paths[] = strtolower((string) preg_replace('/[A-Z]/', '_$0', $path));
            }
            return new self($paths);
        }
        $e->add($p, 'type', 'field mask (comma-separated lowerCamelCase paths)', $v);
        return new self([]);
    }

    public function jsonSerialize(): string
    {
        $out = [];
        foreach ($this->paths as $path) {
            $out[] = (string) preg_replace_callback(
                '/_([a-z0-9])/',
                static fn (array $m): string => strtoupper($m[1]),
                $path,
            );
        }
        return implode(',', $out);
    }
}
