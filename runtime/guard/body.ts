/**
 * Reading a body: bytes → text → value, recognising what PHP puts on the wire when things go wrong
 * before the JSON (an empty body, `false`, an HTML page, a warning printed by display_errors, a BOM,
 * invalid UTF-8), and keeping integers beyond ±2^53 exact.
 */
import type { Finding } from "./walk.js";

/** A finding of the body reader, before a policy is applied. */
export interface BodyProblem {
  readonly code: Finding["code"];
  readonly expected: string;
  readonly found: string;
  /** The text to continue with when the policy repairs it. */
  readonly repaired?: string;
}

/** Thrown when the body cannot become a value at all. */
export class UnreadableBody {
  constructor(readonly problem: BodyProblem) {}
}

// ignoreBOM keeps a BOM in the text, so it is reported (utf8_bom) instead of silently dropped.
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes UTF-8 strictly; invalid bytes become an `invalid_utf8` problem with the byte offset. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const hex = Array.from(bytes.subarray(at, at + 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new UnreadableBody({
      code: "invalid_utf8",
      expected: "UTF-8 text",
      found: `invalid UTF-8 at byte ${at} (bytes ${hex})`,
    });
  }
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    const n =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
    }
    const cp =
      n === 0
        ? c
        : n === 1
          ? 0
          : n === 2
            ? ((c & 0x0f) << 12) | (((b[i + 1] as number) & 0x3f) << 6)
            : ((c & 0x07) << 18) | (((b[i + 1] as number) & 0x3f) << 12);
    if (
      (n === 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (n === 3 && (cp < 0x10000 || cp > 0x10ffff))
    )
      return i;
    i += n + 1;
  }
  return b.length;
}

/** A PHP diagnostic line: CLI text (`PHP Warning:  …`) or display_errors HTML (`<br />\n<b>Warning</b>: …`). */
const DIAGNOSTIC =
  /^\s*(?:<br\s*\/?>\s*)?(?:<b>)?(?:PHP )?(Warning|Notice|Deprecated|Fatal error|Parse error|Strict Standards|Recoverable fatal error|Uncaught \w+)(?:<\/b>)?:\s*([^\n]*?)(?:<br\s*\/?>|\n|$)/;

/**
 * The body-level pitfalls of `text`: each found problem is passed to `decide`, which applies the policy
 * and says whether to continue with the repaired text. Returns the JSON text to parse.
 */
export function preflight(text: string, decide: (p: BodyProblem) => boolean): string {
  let t = text;
  if (t.charCodeAt(0) === 0xfeff) {
    const problem: BodyProblem = {
      code: "utf8_bom",
      expected: "JSON without a byte order mark",
      found: "a UTF-8 BOM (EF BB BF) before the JSON",
      repaired: t.slice(1),
    };
    if (!decide(problem)) throw new UnreadableBody(problem);
    t = t.slice(1);
  }
  // Fast path: a body that starts like JSON needs no further inspection here.
  const first = firstNonSpace(t);
  if (first === 0x7b || first === 0x5b) return t;
  const trimmed = t.trim();
  if (trimmed === "") {
    throw new UnreadableBody({ code: "empty_body", expected: "a JSON value", found: "an empty body" });
  }
  if (trimmed === "false") {
    throw new UnreadableBody({ code: "false_body", expected: "a JSON object", found: "the body false" });
  }
  let rest = t;
  const messages: string[] = [];
  for (let m = DIAGNOSTIC.exec(rest); m; m = DIAGNOSTIC.exec(rest)) {
    messages.push(`${m[1]}: ${stripTags(m[2] ?? "").trim()}`);
    rest = rest.slice(m[0].length);
  }
  if (messages.length > 0) {
    const start = firstNonSpace(rest);
    const fatal = messages.some((m) => /^(Fatal|Parse|Uncaught|Recoverable)/.test(m));
    const problem: BodyProblem = {
      code: "php_output_before_json",
      expected: "only JSON in the body",
      found: `PHP output before the JSON: ${messages.slice(0, 3).join(" | ").slice(0, 300)}`,
      ...(!fatal && (start === 0x7b || start === 0x5b) ? { repaired: rest.trimStart() } : {}),
    };
    if (problem.repaired === undefined || !decide(problem)) throw new UnreadableBody(problem);
    return problem.repaired;
  }
  if (first === 0x3c) {
    const title = /<title>([^<]*)<\/title>/i.exec(t)?.[1] ?? /<h1>([^<]*)<\/h1>/i.exec(t)?.[1];
    throw new UnreadableBody({
      code: "html_body",
      expected: "a JSON value",
      found: `an HTML page${title ? ` titled ${JSON.stringify(title.trim().slice(0, 80))}` : `: ${JSON.stringify(t.slice(0, 80))}`}`,
    });
  }
  return t;
}

function stripTags(s: string): string {
  return s.replace(/<[^>]*>/g, "");
}

function firstNonSpace(t: string): number {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return c;
  }
  return -1;
}

/**
 * A JSON number with a fraction or exponent whose double is an integer beyond ±2^53
 * (`9007199254740993.0`, `1e16`): the double may not be the number written, so an integer field must
 * not take it; a double field takes {@link value}. Made by {@link parseJson} with `exact` only.
 */
export class InexactNumber {
  constructor(
    /** The nearest double (what JSON.parse gives). */
    readonly value: number,
    /** The number as written. */
    readonly source: string,
  ) {}
}

function exactIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (
    typeof value === "number" &&
    !Number.isSafeInteger(value) &&
    Number.isInteger(value) &&
    context?.source !== undefined
  ) {
    return /^-?[0-9]+$/.test(context.source)
      ? BigInt(context.source)
      : new InexactNumber(value, context.source);
  }
  return value;
}

let sourceTextSupported: boolean | undefined;

/**
 * Whether JSON.parse passes a reviver the source text of each number (`context.source`, Node ≥ 21;
 * V8's "JSON.parse source text access"), which exact integer reading needs. Detected once by trying it.
 */
export function jsonParseHasSourceText(): boolean {
  if (sourceTextSupported === undefined) {
    let seen: unknown;
    JSON.parse("1", ((_key: string, value: unknown, context?: { source?: unknown }) => {
      seen = context?.source;
      return value;
    }) as (this: unknown, key: string, value: unknown) => unknown);
    sourceTextSupported = seen === "1";
  }
  return sourceTextSupported;
}

/**
 * Fails at start-up when JSON.parse cannot keep integers beyond ±2^53 exact (see
 * {@link jsonParseHasSourceText}): without it the int64 guards would let `9007199254740995` through as
 * `9007199254740996`. `what` names the caller (`createBoundary`).
 */
export function requireExactJsonParse(what: string, supported = jsonParseHasSourceText()): void {
  if (supported) return;
  throw new Error(
    `${what}: this Node (${process.version}) has no JSON.parse source text access, needed to keep integers beyond ±2^53 exact; Node >= 22.12 required`,
  );
}

/**
 * JSON.parse. With `exact`, integers beyond ±2^53 stay exact as bigint (Node ≥ 22: the reviver sees the
 * source text of each number), so the guard can report or repair them before precision is lost, and a
 * number with a fraction or exponent whose double is an integer beyond ±2^53 becomes an
 * {@link InexactNumber} (an integer field refuses it, a double field reads its double); the
 * reviver is slow, so the reader uses it only after a fast parse met such an integer.
 */
export function parseJson(text: string, exact = false): unknown {
  try {
    return exact
      ? JSON.parse(text, exactIntegers as (this: unknown, key: string, value: unknown) => unknown)
      : JSON.parse(text);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new UnreadableBody({
        code: "too_deep",
        expected: "a JSON value of reasonable depth",
        found: "nesting too deep to parse",
      });
    }
    throw new UnreadableBody({
      code: "invalid_json",
      expected: "a JSON value",
      found: `${(e as Error).message.replace(/^Unexpected/, "unexpected")}: ${JSON.stringify(text.slice(0, 80))}`,
    });
  }
}

/** Whether JSON text has a `\uD800`–`\uDFFF` escape, the only way JSON.parse makes a lone surrogate. */
export function hasSurrogateEscape(text: string): boolean {
  return text.indexOf("\\u") !== -1 && /\\u[dD][89a-fA-F]/.test(text);
}
