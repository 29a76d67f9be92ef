<?php

/**
 * Part of the contractgen PHP runtime, copied into generated code. DO NOT EDIT the copy.
 */

declare(strict_types=1);

namespace Contractgen\Runtime\Json;

/**
 * What a decoder does with each PHP pitfall: a preset (`strict` or `migrate`) of the acceptance table
 * shared with the TypeScript boundary ({@see Acceptance}, generated from runtime/guard/acceptance.ts),
 * with optional overrides per pitfall code. The same preset takes the same decision on the same bytes
 * in both runtimes.
 *
 * ```php
 * Policy::setDefault('migrate');                  // project-wide, e.g. in the front controller
 * $req = CreateOrderRequest::fromJson($body);     // migrate
 * $req = CreateOrderRequest::fromJson($body, Policy::strict());
 * $req = CreateOrderRequest::fromJson($body, new Policy('strict', ['numeric_string' => 'repair']));
 * ```
 */
final class Policy
{
    private static ?self $default = null;

    /** @var array<string, self> the presets without overrides, built once */
    private static array $presets = [];

    /** @var array<string, string> policy of each pitfall code: `reject`, `repair` or `warn` */
    public readonly array $pitfalls;

    /**
     * @param string $preset `strict` or `migrate`
     * @param array<string, string> $overrides policies of some pitfall codes on top of the preset
     * @throws \InvalidArgumentException on an unknown preset, code or policy, or a repair that does not exist
     */
    public function __construct(public readonly string $preset = Acceptance::DEFAULT_PRESET, array $overrides = [])
    {
        if (!isset(Acceptance::PITFALLS[$preset])) {
            throw new \InvalidArgumentException('preset must be "strict" or "migrate", found ' . json_encode($preset));
        }
        $table = Acceptance::PITFALLS[$preset];
        foreach ($overrides as $code => $policy) {
            if (!isset($table[$code])) {
                throw new \InvalidArgumentException('unknown pitfall code ' . json_encode($code));
            }
            if ($policy !== 'reject' && $policy !== 'repair' && $policy !== 'warn') {
                throw new \InvalidArgumentException(
                    'policy of ' . $code . ' must be "reject", "repair" or "warn", found ' . json_encode($policy),
                );
            }
            if ($policy !== 'reject' && in_array($code, Acceptance::LIMITS, true)) {
                throw new \InvalidArgumentException('policy of ' . $code . ' is always "reject"');
            }
            if ($policy === 'repair' && !in_array($code, Acceptance::REPAIRABLE, true)) {
                throw new \InvalidArgumentException(
                    'policy of ' . $code . ' cannot be "repair": no lossless repair exists',
                );
            }
            $table[$code] = $policy;
        }
        $this->pitfalls = $table;
    }

    /** A preset without overrides (shared instance). */
    public static function preset(string $name): self
    {
        return self::$presets[$name] ??= new self($name);
    }

    /** The `strict` preset: every pitfall rejected. */
    public static function strict(): self
    {
        return new self('strict');
    }

    /** The `migrate` preset: lossless repairs, unknown keys dropped, the rest rejected. */
    public static function migrate(): self
    {
        return new self('migrate');
    }

    /** Sets the policy of every decode that names none (the project-wide default). */
    public static function setDefault(self|string $policy): void
    {
        self::$default = $policy instanceof self ? $policy : new self($policy);
    }

    /**
     * Runs `$run` with `$policy` as the default (the Dispatcher decodes a request and runs its handler
     * so), restoring the previous default afterwards.
     *
     * @template T
     * @param callable(): T $run
     * @return T
     */
    public static function scoped(self $policy, callable $run): mixed
    {
        $saved = self::$default;
        self::$default = $policy;
        try {
            return $run();
        } finally {
            self::$default = $saved;
        }
    }

    /** The project-wide default: {@see setDefault()}, else the preset {@see Acceptance::DEFAULT_PRESET}. */
    public static function default(): self
    {
        return self::$default ??= self::preset(Acceptance::DEFAULT_PRESET);
    }

    /** `$policy` itself, the preset it names, or the default for null. */
    public static function of(self|string|null $policy): self
    {
        if ($policy === null) {
            return self::default();
        }
        return $policy instanceof self ? $policy : self::preset($policy);
    }

    /** Whether a pitfall with a lossless repair is repaired (its policy is `repair`). */
    public function repairs(string $code): bool
    {
        return ($this->pitfalls[$code] ?? 'reject') === 'repair';
    }

    /** Whether a pitfall is passed on and only reported (its policy is `warn`). */
    public function warns(string $code): bool
    {
        return ($this->pitfalls[$code] ?? 'reject') === 'warn';
    }
}
