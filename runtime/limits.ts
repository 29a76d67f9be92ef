/**
 * Every bound of the TS runtime in one table: the boundary, the servers (`createJsonServiceHandler`,
 * `createGuardedNodeAdapter`, `hardenServer`) and the clients (`createJsonClient`,
 * `createGuardedConnectTransport`) read their defaults from here. docs/limits.md documents the same
 * table; every limit ends in a typed error (see there).
 */

/** The limits; each one is overridable where it applies (`Partial<Limits>` options). */
export interface Limits {
  /** Largest request body a server reads, in bytes on the wire (`resource_exhausted`). */
  readonly maxBodyBytes: number;
  /** Largest 200 response body a client reads, in bytes, both on the wire and decompressed. */
  readonly maxResponseBytes: number;
  /** Largest error (non-200) response body a client reads; the rest is not read. */
  readonly maxErrorBodyBytes: number;
  /** Largest ratio of decompressed to compressed bytes a client accepts (with compression on). */
  readonly maxDecompressionRatio: number;
  /** Deepest nesting of arrays and objects. */
  readonly maxDepth: number;
  /** Longest array. */
  readonly maxArrayLength: number;
  /** Violations reported in one error; the walk stops there and the error counts the rest as "more". */
  readonly maxFindings: number;
  /** Largest request or response head (request line or status line plus headers), in bytes. */
  readonly maxHeaderBytes: number;
  /** Time a server waits for a request's headers, from the connection's first byte. */
  readonly headersTimeoutMs: number;
  /** Time a server waits for a whole request (headers and body), e.g. against a body sent a byte a second. */
  readonly requestTimeoutMs: number;
  /** Time a server keeps an idle keep-alive connection open between requests. */
  readonly keepAliveTimeoutMs: number;
  /** Connections a server holds at once; more are closed as they arrive. */
  readonly maxConnections: number;
  /** Requests a server handler works on at once; more get `resource_exhausted` at once. */
  readonly maxConcurrentRequests: number;
  /** Bytes of request bodies a server holds in memory at once, over all requests. */
  readonly maxBufferedBodyBytes: number;
  /** Bodies of at least this size are "heavy": their reading is charged to `heavyCpuShare`. */
  readonly heavyBodyBytes: number;
  /**
   * Share of wall time the checks of heavy bodies may take, per second; beyond it new heavy bodies get
   * `resource_exhausted` (retry later), so small requests keep their throughput under a flood of large ones.
   */
  readonly heavyCpuShare: number;
  /** Deadline of a client call unless the call or the client sets one (`deadline_exceeded`). */
  readonly clientTimeoutMs: number;
}

/** The defaults (docs/limits.md). */
export const LIMITS: Limits = Object.freeze({
  maxBodyBytes: 4 * 1024 * 1024,
  maxResponseBytes: 4 * 1024 * 1024,
  maxErrorBodyBytes: 64 * 1024,
  maxDecompressionRatio: 100,
  maxDepth: 64,
  maxArrayLength: 100_000,
  maxFindings: 100,
  maxHeaderBytes: 16 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024,
  maxConcurrentRequests: 256,
  maxBufferedBodyBytes: 64 * 1024 * 1024,
  heavyBodyBytes: 64 * 1024,
  heavyCpuShare: 0.1,
  clientTimeoutMs: 30_000,
});

/** The defaults with `overrides` applied (undefined entries keep the default). */
export function resolveLimits(overrides: Partial<Limits> | undefined): Limits {
  if (!overrides) return LIMITS;
  const out: Record<string, number> = { ...LIMITS };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) continue;
    if (!(k in LIMITS)) throw new TypeError(`unknown limit ${JSON.stringify(k)}`);
    if (typeof v !== "number" || Number.isNaN(v) || v < 0)
      throw new TypeError(`limit ${k} must be a number >= 0, found ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out as unknown as Limits;
}
