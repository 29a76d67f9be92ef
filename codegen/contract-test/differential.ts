/**
 * The differential check: the canonicalized answers of all implementations to one case must be equal.
 * Ignored paths (ids, timestamps) are removed first. A divergence is `encoding` when the answers become
 * equal once normalized — the runtime's guards repair the PHP pitfalls losslessly (`[]` vs `{}` for an
 * empty map) and proto-canonical.ts puts ProtoJSON's alternatives in one form (`"5"` vs `5` for an int64,
 * an enum's name vs its number, defaults emitted or omitted, Timestamp fraction digits…) — and
 * `semantic` otherwise. The caller passes the normalized answer as `Compared.repaired`.
 */

/** An answer of one implementation, as compared. */
export interface Compared {
  readonly impl: string;
  /** `ok` or the error code. */
  readonly code: string;
  /** The response body on `ok`; ignored for errors (messages differ legitimately). */
  readonly value: unknown;
  /** The same value normalized: repairable pitfalls repaired, ProtoJSON's canonical form. */
  readonly repaired: unknown;
  /** Whether the implementation's own checks passed (preferred as the reference on a tie). */
  readonly clean: boolean;
}

/** A divergence between implementations on one case. */
export interface Divergence {
  /** `acceptance`: implementations disagree on accepting a PHP-shape request. */
  readonly kind: "encoding" | "semantic" | "acceptance";
  /** The pitfall code of an acceptance divergence. */
  readonly code?: string;
  /** The implementations whose answer differs from the reference group's. */
  readonly outliers: readonly string[];
  readonly reference: readonly string[];
  /** `/fee: php "5", ts 5`. */
  readonly message: string;
  /** Where the first outlier's answer first differs (absent when the codes differ). */
  readonly path?: string;
}

/** Compares answers; `undefined` when they agree (or fewer than two answered). */
export function compareAnswers(
  answers: readonly Compared[],
  ignored: readonly (readonly string[])[],
): Divergence | undefined {
  if (answers.length < 2) return undefined;
  const canon = (a: Compared, repaired: boolean) =>
    a.code === "ok" ? `ok ${canonical(strip(repaired ? a.repaired : a.value, ignored))}` : a.code;
  const groups = new Map<string, Compared[]>();
  for (const a of answers) {
    const key = canon(a, false);
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  if (groups.size === 1) return undefined;
  const ranked = [...groups.values()].sort(
    (x, y) => y.length - x.length || Number(y.every((a) => a.clean)) - Number(x.every((a) => a.clean)),
  );
  const reference = ranked[0] ?? [];
  const ref = reference[0] as Compared;
  const outliers = answers.filter((a) => !reference.includes(a));
  const encoding = outliers.every((a) => canon(a, true) === canon(ref, true));
  let path: string | undefined;
  const parts = outliers.map((o) => {
    if (o.code !== ref.code) return `${o.impl} answered ${o.code}, ${ref.impl} answered ${ref.code}`;
    const d = firstDifference(strip(ref.value, ignored), strip(o.value, ignored), "");
    if (d && path === undefined) path = d.path;
    return d
      ? `${d.path || "/"}: ${ref.impl} ${short(d.a)}, ${o.impl} ${short(d.b)}`
      : `${o.impl} differs from ${ref.impl}`;
  });
  return {
    kind: encoding ? "encoding" : "semantic",
    outliers: outliers.map((o) => o.impl),
    reference: reference.map((r) => r.impl),
    message: `${encoding ? "encoding-only" : "semantic"} divergence: ${parts.join("; ")}`,
    ...(path !== undefined ? { path } : {}),
  };
}

/** Splits an ignore pointer into segments (`*` matches any key). */
export function pointerSegments(pointer: string): string[] {
  return pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** A copy of `value` without the ignored paths. */
export function strip(value: unknown, ignored: readonly (readonly string[])[]): unknown {
  if (ignored.length === 0 || value === null || typeof value !== "object") return value;
  const out = structuredClone(value) as unknown;
  for (const segs of ignored) remove(out, segs, 0);
  return out;
}

function remove(node: unknown, segs: readonly string[], i: number): void {
  if (node === null || typeof node !== "object") return;
  const seg = segs[i] as string;
  const rec = node as Record<string, unknown>;
  const keys = seg === "*" ? Object.keys(rec) : seg in rec ? [seg] : [];
  for (const k of keys) {
    if (i === segs.length - 1) {
      if (Array.isArray(node)) (node as unknown[])[Number(k)] = null;
      else delete rec[k];
    } else remove(rec[k], segs, i + 1);
  }
}

/** JSON with object keys sorted, so key order never counts as a difference. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "undefined";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const rec = v as Record<string, unknown>;
  return `{${Object.keys(rec)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(rec[k])}`)
    .join(",")}}`;
}

function firstDifference(
  a: unknown,
  b: unknown,
  path: string,
): { path: string; a: unknown; b: unknown } | undefined {
  if (canonical(a) === canonical(b)) return undefined;
  const objA = a !== null && typeof a === "object";
  const objB = b !== null && typeof b === "object";
  if (objA && objB && Array.isArray(a) === Array.isArray(b)) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
      const d = firstDifference(ra[k], rb[k], `${path}/${k}`);
      if (d) return d;
    }
  }
  return { path, a, b };
}

function short(v: unknown): string {
  if (v === undefined) return "(absent)";
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
