import { DEFAULT_PRESET, type Preset } from "./acceptance.js";
import { PITFALL_CODES, PITFALLS, type PitfallCode, type Policy } from "./pitfalls.js";

/** Exhausted limits: always rejected, whatever the configuration. */
const LIMITS: ReadonlySet<PitfallCode> = new Set(["body_too_large", "too_deep", "array_too_long"]);

export type { Preset };

/** Policies of some pitfalls, on top of a preset. */
export type PolicyOverrides = Partial<Record<PitfallCode, Policy>>;

/**
 * Which policy applies to which pitfall: a preset, global overrides, then overrides per service
 * (`shop.order.v1.OrderService`) and per method (`shop.order.v1.OrderService/CreateOrder`), the most
 * specific winning.
 */
export interface PolicyConfig {
  readonly preset?: Preset;
  readonly pitfalls?: PolicyOverrides;
  readonly services?: Readonly<Record<string, PolicyOverrides>>;
  readonly methods?: Readonly<Record<string, PolicyOverrides>>;
}

/** The resolved policy of every pitfall for one call site. */
export type PolicyTable = Readonly<Record<PitfallCode, Policy>>;

/** Resolves the policy table of `service`/`method` (both optional, e.g. for a queue consumer). */
export function resolvePolicies(config: PolicyConfig, service?: string, method?: string): PolicyTable {
  const preset = config.preset ?? DEFAULT_PRESET;
  const table = {} as Record<PitfallCode, Policy>;
  for (const code of PITFALL_CODES) table[code] = PITFALLS[code][preset];
  Object.assign(table, config.pitfalls);
  if (service !== undefined) Object.assign(table, config.services?.[service]);
  if (service !== undefined && method !== undefined)
    Object.assign(table, config.methods?.[`${service}/${method}`]);
  for (const code of PITFALL_CODES) {
    const p = table[code];
    if (p !== "reject" && p !== "repair" && p !== "warn") {
      throw new TypeError(
        `policy of ${code} must be "reject", "repair" or "warn", found ${JSON.stringify(p)}`,
      );
    }
    if (p !== "reject" && LIMITS.has(code)) {
      throw new TypeError(`policy of ${code} is always "reject": change the limit instead (limits option)`);
    }
    if (p === "repair" && !PITFALLS[code].repairable) {
      throw new TypeError(
        `policy of ${code} cannot be "repair": no lossless repair exists; use "reject" or "warn"`,
      );
    }
  }
  return table;
}
