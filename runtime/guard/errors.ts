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
 * A payload refused at the boundary. A ConnectError (`invalid_argument`, or `resource_exhausted` for an
 * exhausted limit) that lists every violation, so a server answers with all of them at once.
 */
export class BoundaryError extends ConnectError {
  // The name stays "ConnectError": connect-es recognises its errors by name across module copies
  // (ConnectError[Symbol.hasInstance]), so a BoundaryError is handled as the ConnectError it is.
  /** Every violation, in payload order. */
  readonly violations: readonly Violation[];
  /** What was checked (`request of shop.order.v1.OrderService/CreateOrder`, `shop.events.v1.OrderCreated`). */
  readonly subject: string;

  constructor(subject: string, violations: readonly Violation[], code: Code = Code.InvalidArgument) {
    const shown = violations.slice(0, 10).map((v) => `${v.message} [${v.code}]`);
    if (violations.length > 10) shown.push(`and ${violations.length - 10} more`);
    super(`invalid ${subject}: ${shown.join("; ")}`, code);
    this.violations = violations;
    this.subject = subject;
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

/** A short, single-line preview of a value for messages. */
export function preview(value: unknown): string {
  let s: string;
  if (typeof value === "bigint") s = value.toString();
  else if (value === undefined) s = "nothing";
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = String(value);
    }
  }
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
