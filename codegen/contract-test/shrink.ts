/**
 * Shrinking: a failing generated request is reduced to a small one that still fails the same way before
 * it is reported. Greedy and deterministic: the candidates of the current request (an object key
 * removed, a list emptied, halved or without one item, a string emptied or halved, a number made 0 or
 * shorter, halved or one closer to 0) are tried smallest first (bytes of JSON, then the magnitude of its
 * numbers); the first that is admissible (still valid, or still invalid at its
 * own path — checked locally, no call) and still fails the same checks on the same implementation
 * becomes the current request, and the search starts over from it. It stops when no candidate
 * reproduces the failure or the budget of runs is spent.
 */
import type { Problem } from "./checks.js";

/** What {@link shrink} needs. */
export interface ShrinkOptions {
  readonly request: unknown;
  /** Whether a candidate may be sent (checked locally against the wire schema). */
  readonly admissible: (request: unknown) => boolean;
  /** Runs the case with `request` against the implementations: whether the same failure is seen. */
  readonly reproduces: (request: unknown) => Promise<boolean>;
  /** Most runs of `reproduces`. */
  readonly budget: number;
}

/** The smallest failing request found. */
export interface ShrinkResult {
  readonly request: unknown;
  /** Runs of the case spent (each sends the request to every implementation). */
  readonly runs: number;
  /** Reductions accepted. */
  readonly steps: number;
}

/**
 * Requests larger than this are not shrunk: each round builds every candidate (quadratic in the size;
 * 8 KB of JSON, 1,100 candidates, take about 0.2 s a round).
 */
export const SHRINK_MAX_BYTES = 32 * 1024;

/** Size of a request: the bytes of its JSON. */
export function sizeOf(request: unknown): number {
  return Buffer.byteLength(JSON.stringify(request) ?? "", "utf8");
}

/** Sum of the magnitudes of a value's numbers: the tie-break of two requests of the same size. */
function magnitude(v: unknown): number {
  if (typeof v === "number") return Math.abs(v);
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + magnitude(x), 0);
  if (v !== null && typeof v === "object") return magnitude(Object.values(v));
  return 0;
}

/** Reduces `request` while the failure reproduces, within the budget. */
export async function shrink(o: ShrinkOptions): Promise<ShrinkResult> {
  let current = o.request;
  let runs = 0;
  let steps = 0;
  // A change that did not reproduce the failure is not tried again in later rounds (the failure
  // depends on what it changed): each costs one run, not one per round.
  const failed = new Set<string>();
  for (;;) {
    const size = sizeOf(current);
    const mag = magnitude(current);
    let improved = false;
    for (const c of candidates(current)) {
      const smaller = c.size < size || (c.size === size && magnitude(c.value) < mag);
      if (!smaller || failed.has(c.change) || !o.admissible(c.value)) continue;
      if (runs >= o.budget) return { request: current, runs, steps };
      runs++;
      if (!(await o.reproduces(c.value))) failed.add(c.change);
      else {
        current = c.value;
        steps++;
        improved = true;
        break;
      }
    }
    if (!improved) return { request: current, runs, steps };
  }
}

/** Smaller variants of a request, each one change, smallest first (then lowest numbers, document order). */
export function candidates(root: unknown): Candidate[] {
  const out: (Candidate & { mag: number; order: number })[] = [];
  const seen = new Set<string>();
  /** The request with the value at `at` replaced, as the change `what` there. */
  const put = (at: readonly (string | number)[], what: string, value: unknown) => {
    const next = replace(root, at, value);
    const json = JSON.stringify(next);
    if (json === undefined || seen.has(json)) return;
    seen.add(json);
    out.push({
      value: next,
      change: `${at.map((s) => `/${s}`).join("")} ${what}`,
      size: Buffer.byteLength(json, "utf8"),
      mag: magnitude(next),
      order: out.length,
    });
  };
  const walk = (v: unknown, at: readonly (string | number)[]) => {
    if (Array.isArray(v)) {
      if (v.length > 0) put(at, "empty", []);
      if (v.length > 2) put(at, "half", v.slice(0, Math.ceil(v.length / 2)));
      if (v.length > 1)
        for (let i = 0; i < v.length; i++)
          put(
            at,
            `drop ${i}`,
            v.filter((_, j) => j !== i),
          );
      for (const [i, x] of v.entries()) walk(x, [...at, i]);
    } else if (v !== null && typeof v === "object") {
      const rec = v as Record<string, unknown>;
      for (const k of Object.keys(rec)) {
        const { [k]: _drop, ...rest } = rec;
        put(at, `drop ${k}`, rest);
      }
      for (const k of Object.keys(rec)) walk(rec[k], [...at, k]);
    } else if (typeof v === "string") {
      const chars = [...v];
      if (chars.length > 0) put(at, "empty", "");
      if (chars.length > 1) put(at, "half", chars.slice(0, Math.ceil(chars.length / 2)).join(""));
      if (chars.length > 1) put(at, "shorter", chars.slice(0, -1).join(""));
      // A decimal string (an int64): a shorter number.
      if (/^-?[0-9]+$/.test(v) && v !== "0") {
        put(at, "zero", "0");
        if (v.startsWith("-")) put(at, "positive", v.slice(1));
      }
    } else if (typeof v === "number" && v !== 0) {
      put(at, "zero", 0);
      if (!Number.isInteger(v)) put(at, "integer", Math.trunc(v));
      if (v < 0) put(at, "positive", -v);
      if (Math.abs(v) >= 10) put(at, "tenth", Math.trunc(v / 10));
      if (Math.abs(v) >= 2) put(at, "half", Math.trunc(v / 2));
      if (Number.isInteger(v)) put(at, "closer to 0", v - Math.sign(v));
    }
  };
  walk(root, []);
  return out
    .sort((a, b) => a.size - b.size || a.mag - b.mag || a.order - b.order)
    .map(({ value, change, size }) => ({ value, change, size }));
}

/** A smaller request: the value, the change that made it (`/lines/0 drop`), its size in bytes. */
export interface Candidate {
  readonly value: unknown;
  readonly change: string;
  readonly size: number;
}

/** A copy of `root` with the value at `at` replaced. */
function replace(root: unknown, at: readonly (string | number)[], value: unknown): unknown {
  if (at.length === 0) return value;
  const [head, ...rest] = at as [string | number, ...(string | number)[]];
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[head as number] = replace(root[head as number], rest, value);
    return copy;
  }
  const rec = root as Record<string, unknown>;
  return { ...rec, [head]: replace(rec[head as string], rest, value) };
}

/**
 * What makes two failures "the same": the check, its code and the path it names, list indices ignored
 * (a shorter list moves the item). `timeout` and `transport` failures are not shrunk.
 */
export function failureKey(p: Problem): string {
  const path = p.path?.replace(/\/[0-9]+(?=\/|$)/g, "/*") ?? "";
  return `${p.check}|${p.code ?? ""}|${path}`;
}
