import { Code, ConnectError } from "@connectrpc/connect";
import type { PitfallCode } from "./pitfalls.js";

/**
 * One problem found at the boundary: a PHP pitfall (`code` from the catalogue), a contract constraint
 * (`code` `schema.<keyword>` from ajv) or a protovalidate rule (`code` `validate.<rule id>`).
 */
export interface Violation {
  /** JSON pointer into the payload (`/items/0/quantity`); `""` is the whole body. */
  readonly path: string;
  readonly code: PitfallCode | `schema.${string}` | `validate.${string}`;
  /** What the contract expects at the path. */
  readonly expected: string;
  /** What was sent (a short preview). */
  readonly found: string;
  /** The PHP-side fix, or the contract constraint that failed. */
  readonly fix: string;
  /** `<path>: expected …, found …` plus a suggestion when there is one. */
  readonly message: string;
}

/** The type name of the error detail that carries the violations (JSON `{violations: [...]}`). */
export const VIOLATIONS_DETAIL_TYPE = "contractgen.v1.Violations";

/**
 * A payload refused at the boundary. A ConnectError that lists every violation, so a server answers
 * with all of them at once: `invalid_argument` for a request or message (the sender's fault),
 * `internal` for a response a client reads (the server's fault), `resource_exhausted` for an exhausted
 * limit.
 */
export class BoundaryError extends ConnectError {
  // The name stays "ConnectError": connect-es recognises its errors by name across module copies
  // (ConnectError[Symbol.hasInstance]), so a BoundaryError is handled as the ConnectError it is.
  /** Every violation, in payload order. */
  readonly violations: readonly Violation[];
  /** What was checked (`request of shop.order.v1.OrderService/CreateOrder`, `shop.events.v1.OrderCreated`). */
  readonly subject: string;
  /** Violations found but not listed (beyond the `maxFindings` limit). */
  readonly omitted: number;
  /** The check stopped at the `maxFindings` limit: the payload may have more violations than counted. */
  readonly truncated: boolean;

  /**
   * @param headline the start of the message, before the violations (default `invalid <subject>`).
   * @param more violations left out of `violations` (`omitted`), and whether the check stopped early.
   */
  constructor(
    subject: string,
    violations: readonly Violation[],
    code: Code = Code.InvalidArgument,
    headline = `invalid ${subject}`,
    more: { readonly omitted?: number; readonly truncated?: boolean } = {},
  ) {
    const omitted = more.omitted ?? 0;
    const truncated = more.truncated ?? false;
    const shown = violations.slice(0, 10).map((v) => `${v.message} [${v.code}]`);
    const rest = violations.length - shown.length + omitted;
    if (rest > 0) shown.push(`and ${rest} more`);
    if (truncated) shown.push(`stopped after ${violations.length + omitted} violations`);
    super(`${headline}: ${shown.join("; ")}`, code);
    this.violations = violations;
    this.subject = subject;
    this.omitted = omitted;
    this.truncated = truncated;
    // A raw detail, so connect-es's own error serialisation (errors thrown in handlers and interceptors)
    // carries the violations exactly like the runtime's error writer does.
    const json = JSON.stringify({
      violations,
      ...(omitted > 0 ? { omitted } : {}),
      ...(truncated ? { truncated } : {}),
    });
    this.details.push({
      type: VIOLATIONS_DETAIL_TYPE,
      value: new TextEncoder().encode(json),
      debug: JSON.parse(json) as never,
    });
  }

  /** Any ConnectError carrying violations (also from another copy of this module). */
  static override [Symbol.hasInstance](v: unknown): boolean {
    return v instanceof ConnectError && Array.isArray((v as { violations?: unknown }).violations);
  }
}

/** Whether `e` is a {@link BoundaryError} (also across copies of the module). */
export function isBoundaryError(e: unknown): e is BoundaryError {
  return e instanceof BoundaryError;
}

/**
 * A short, single-line preview of a value for messages: bounded in depth and length, so a hostile value
 * (100k levels of nesting, a 50 MB array) costs nothing to describe.
 */
export function preview(value: unknown): string {
  const out: string[] = [];
  let length = 0;
  const push = (s: string) => {
    out.push(s);
    length += s.length;
  };
  const write = (v: unknown, depth: number) => {
    if (length > 60) return;
    if (typeof v === "bigint") push(v.toString());
    else if (v === undefined) push("nothing");
    else if (typeof v !== "object" || v === null) push(JSON.stringify(v) ?? String(v));
    else if (depth >= 3) push(Array.isArray(v) ? "[…]" : "{…}");
    else if (Array.isArray(v)) {
      push("[");
      for (let i = 0; i < v.length && length <= 60; i++) {
        if (i > 0) push(",");
        write(v[i], depth + 1);
      }
      push("]");
    } else {
      push("{");
      let first = true;
      for (const k in v) {
        if (length > 60) break;
        if (!first) push(",");
        first = false;
        push(`${JSON.stringify(k)}:`);
        write((v as Record<string, unknown>)[k], depth + 1);
      }
      push("}");
    }
  };
  write(value, 0);
  const s = out.join("");
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
