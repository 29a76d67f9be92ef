/**
 * What a server lets in, and how much of it: concurrent requests, bytes of request bodies held in
 * memory, and the share of time spent checking large bodies. Both servers (`createJsonServiceHandler`,
 * `createGuardedNodeAdapter`) keep one `Admission` each; the bounds come from runtime/limits.ts.
 */
import type { IncomingMessage } from "node:http";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Limits } from "./limits.js";

/** The limits an {@link Admission} applies. */
export type AdmissionLimits = Pick<
  Limits,
  "maxBodyBytes" | "maxConcurrentRequests" | "maxBufferedBodyBytes" | "heavyBodyBytes" | "heavyCpuShare"
>;

const WINDOW_MS = 1000;

/** A `resource_exhausted` error with a violation, as the boundary reports exhausted limits. */
export function exhausted(
  message: string,
  code: string,
  expected: string,
  found: string,
  fix: string,
): ConnectError {
  const e = new ConnectError(`${message} [${code}]`, Code.ResourceExhausted);
  (e as ConnectError & { violations?: unknown }).violations = [
    { path: "", code, expected, found, fix, message: `/: expected ${expected}, found ${found}` },
  ];
  return e;
}

/** `resource_exhausted` for a body beyond `maxBodyBytes`. */
export function bodyTooLarge(max: number, found = "a larger body"): ConnectError {
  return exhausted(
    `request body exceeds ${max} bytes`,
    "body_too_large",
    `at most ${max} bytes`,
    found,
    "send smaller payloads (page through lists) or raise maxBodyBytes",
  );
}

/** Per-server admission state. */
export class Admission {
  private inflight = 0;
  private buffered = 0;
  private windowStart = 0;
  private heavyMs = 0;

  constructor(readonly limits: AdmissionLimits) {}

  /**
   * Takes a request slot; `resource_exhausted` when `maxConcurrentRequests` are being served. Call the
   * returned function once the request is answered.
   */
  enter(): () => void {
    if (this.inflight >= this.limits.maxConcurrentRequests) {
      throw exhausted(
        `the server is serving ${this.inflight} requests, its limit; retry later`,
        "too_many_requests",
        `at most ${this.limits.maxConcurrentRequests} concurrent requests`,
        `${this.inflight + 1}`,
        "retry with backoff, or raise maxConcurrentRequests",
      );
    }
    this.inflight++;
    let left = false;
    return () => {
      if (!left) {
        left = true;
        this.inflight--;
      }
    };
  }

  /** Whether heavy bodies may be checked now (their share of the current second is not used up). */
  heavyAllowed(now = performance.now()): boolean {
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.heavyMs = 0;
    }
    return this.heavyMs < this.limits.heavyCpuShare * WINDOW_MS;
  }

  /** Runs the check of a body, charging its time to the heavy budget when the body is heavy. */
  timed<T>(size: number, fn: () => T): T {
    if (size < this.limits.heavyBodyBytes) return fn();
    const start = performance.now();
    try {
      return fn();
    } finally {
      const end = performance.now();
      this.heavyAllowed(end);
      this.heavyMs += end - start;
    }
  }

  private shed(size: string): ConnectError {
    const e = exhausted(
      "the server is busy with large requests; retry later",
      "server_busy",
      `large bodies (at least ${this.limits.heavyBodyBytes} bytes) within ${Math.round(this.limits.heavyCpuShare * 100)}% of the server's time`,
      `a body of ${size} while that share is used up`,
      "retry after a second, or send smaller payloads",
    );
    e.metadata.set("retry-after", "1");
    return e;
  }

  /**
   * Reads a request body, bounded while it is read: `maxBodyBytes` (declared or counted), the bytes all
   * requests hold together (`maxBufferedBodyBytes`), and heavy bodies only while their time share is
   * not used up. Call `release` once the body is no longer needed.
   */
  async readBody(
    req: IncomingMessage,
    max = this.limits.maxBodyBytes,
  ): Promise<{ bytes: Uint8Array; release: () => void }> {
    const declaredHeader = req.headers["content-length"];
    const declared = declaredHeader === undefined ? Number.NaN : Number(declaredHeader);
    if (Number.isFinite(declared) && declared > max) throw bodyTooLarge(max, `content-length ${declared}`);
    if (Number.isFinite(declared) && declared >= this.limits.heavyBodyBytes && !this.heavyAllowed())
      throw this.shed(`${declared} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    let held = 0;
    const release = () => {
      this.buffered -= held;
      held = 0;
    };
    try {
      let heavyChecked = Number.isFinite(declared);
      for await (const chunk of req) {
        const c = chunk as Buffer;
        size += c.length;
        if (size > max) throw bodyTooLarge(max, `more than ${max} bytes`);
        if (!heavyChecked && size >= this.limits.heavyBodyBytes) {
          heavyChecked = true;
          if (!this.heavyAllowed()) throw this.shed(`more than ${this.limits.heavyBodyBytes} bytes`);
        }
        if (this.buffered + c.length > this.limits.maxBufferedBodyBytes) {
          throw exhausted(
            "the server holds too many request bodies; retry later",
            "server_busy",
            `request bodies within ${this.limits.maxBufferedBodyBytes} bytes in all`,
            `${this.buffered + c.length} bytes`,
            "retry with backoff, or raise maxBufferedBodyBytes",
          );
        }
        this.buffered += c.length;
        held += c.length;
        chunks.push(c);
      }
    } catch (e) {
      release();
      throw e;
    }
    return { bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), release };
  }
}

/**
 * The bytes of query parameter `name` in a raw request URL, percent-decoded without interpreting them
 * as text (URLSearchParams would turn invalid UTF-8 into U+FFFD; the reader must refuse it instead).
 * `undefined` when the parameter is absent.
 */
export function queryParamBytes(rawUrl: string, name: string): Uint8Array | undefined {
  const q = rawUrl.indexOf("?");
  if (q < 0) return undefined;
  for (const part of rawUrl.slice(q + 1).split("&")) {
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq);
    if (decodeURIComponentSafe(key) !== name) continue;
    const raw = Buffer.from(eq < 0 ? "" : part.slice(eq + 1), "latin1");
    const out = Buffer.allocUnsafe(raw.length);
    let n = 0;
    for (let i = 0; i < raw.length; i++) {
      const b = raw[i] as number;
      if (b === 0x2b) out[n++] = 0x20;
      else if (
        b === 0x25 &&
        i + 2 < raw.length &&
        isHex(raw[i + 1] as number) &&
        isHex(raw[i + 2] as number)
      ) {
        out[n++] = Number.parseInt(String.fromCharCode(raw[i + 1] as number, raw[i + 2] as number), 16);
        i += 2;
      } else out[n++] = b;
    }
    return out.subarray(0, n);
  }
  return undefined;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}
