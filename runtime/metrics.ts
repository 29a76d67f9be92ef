import type { GuardEvent } from "./guard/engine.js";

/** Counts of guard decisions by code, action, service and method, with a Prometheus exposition. */
export interface GuardMetrics {
  /** Pass as the boundary's `observer`. */
  readonly observer: (event: GuardEvent) => void;
  /** Current counts, one row per label combination. */
  rows(): {
    code: string;
    action: string;
    service: string;
    method: string;
    direction: string;
    count: number;
  }[];
  /** The counter `contractgen_guard_total` in the Prometheus text format. */
  prometheus(): string;
}

/** An in-memory counter of guard decisions, ready to export to Prometheus. */
export function createGuardMetrics(): GuardMetrics {
  const counts = new Map<string, number>();
  const key = (e: GuardEvent) =>
    JSON.stringify([e.code, e.action, e.service ?? "", e.method ?? e.type, e.direction]);
  const rows = () =>
    [...counts]
      .map(([k, count]) => {
        const [code, action, service, method, direction] = JSON.parse(k) as string[];
        return {
          code: code ?? "",
          action: action ?? "",
          service: service ?? "",
          method: method ?? "",
          direction: direction ?? "",
          count,
        };
      })
      .sort((a, b) => (a.code + a.service + a.method < b.code + b.service + b.method ? -1 : 1));
  return {
    observer: (e) => {
      const k = key(e);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    },
    rows,
    prometheus: () => {
      const lines = [
        "# HELP contractgen_guard_total PHP pitfalls found at the boundary, by code and decision.",
        "# TYPE contractgen_guard_total counter",
      ];
      const label = (s: string) => JSON.stringify(s);
      for (const r of rows()) {
        lines.push(
          `contractgen_guard_total{code=${label(r.code)},action=${label(r.action)},service=${label(r.service)},method=${label(r.method)},direction=${label(r.direction)}} ${r.count}`,
        );
      }
      return `${lines.join("\n")}\n`;
    },
  };
}
