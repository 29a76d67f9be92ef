/**
 * Checks on one answer: Connect conformance (status, content type, error JSON shape, code ↔ HTTP
 * status), the response against its wire schema through the runtime's boundary (so a PHP pitfall is
 * named as such: `[]` for an object, `"5"` for an integer, an HTML page), and the case's expectation.
 */
import { Code } from "@connectrpc/connect";
import { type Boundary, createBoundary } from "../../runtime/guard/engine.js";
import { isBoundaryError, VIOLATIONS_DETAIL_TYPE } from "../../runtime/guard/errors.js";
import { PITFALL_CODES, PITFALLS } from "../../runtime/guard/pitfalls.js";
import { HTTP_STATUS_OF_CODE } from "../../runtime/json-service.js";
import type { CallResult } from "./http.js";

/** Which check found a problem. */
export type CheckKind =
  | "conformance"
  | "schema"
  | "expectation"
  | "timeout"
  | "transport"
  | "differential"
  | "acceptance";

/** One problem with one implementation's answer to one case. */
export interface Problem {
  readonly check: CheckKind;
  /** Pitfall or schema keyword code (`numeric_string`, `schema.required`), when there is one. */
  readonly code?: string;
  /** The JSON pointer the problem is about, when it has one (a response path, a divergence's). */
  readonly path?: string;
  readonly message: string;
}

/** An answer, read: its Connect code (`ok`, an error code, or `none` without a usable answer). */
export interface ReadAnswer {
  readonly code: string;
  /** The parsed body (the response on `ok`, the error JSON otherwise). */
  readonly value: unknown;
  readonly problems: Problem[];
}

/** What the case requires of the answer. */
export interface Expectation {
  /** `ok`, an error code, `not_invalid_argument` for a valid request, `any` for a PHP-shape case. */
  readonly code: string;
  /** Why (shown in messages): `the request is invalid: /email: an invalid email`. */
  readonly why: string;
  /** Expected response body (examples with a response, scenario steps): a subset match. */
  readonly body?: unknown;
  /**
   * For an invalid request: the JSON pointer of the broken value and the pointers that may stand for it
   * (its owner object or union). A rejection that lists violations with paths must name one of them.
   */
  readonly violationAt?: { readonly path: string; readonly owners: readonly string[] };
}

/** One violation an implementation listed in its `invalid_argument` answer: a JSON pointer and a code. */
export interface ReportedViolation {
  readonly path: string;
  readonly code?: string;
}

/**
 * The violations of a Connect error body: the `contractgen.v1.Violations` detail (VIOLATIONS_DETAIL_TYPE
 * of the TS runtime, `ErrorDetail::VIOLATIONS` of the PHP runtime), read from `debug` or from the
 * base64 `value`. Paths are JSON pointers (TS) or `$.items[0].skuId` (PHP); both come back as pointers.
 */
export function reportedViolations(body: unknown): ReportedViolation[] {
  if (body === null || typeof body !== "object") return [];
  const details = (body as { details?: unknown }).details;
  if (!Array.isArray(details)) return [];
  const out: ReportedViolation[] = [];
  for (const d of details) {
    if (d === null || typeof d !== "object" || (d as { type?: unknown }).type !== VIOLATIONS_DETAIL_TYPE)
      continue;
    let data = (d as { debug?: unknown }).debug;
    const value = (d as { value?: unknown }).value;
    if (data === undefined && typeof value === "string") {
      try {
        data = JSON.parse(Buffer.from(value, "base64").toString("utf8"));
      } catch {
        data = undefined;
      }
    }
    const list = (data as { violations?: unknown } | undefined)?.violations;
    if (!Array.isArray(list)) continue;
    for (const v of list) {
      const path = (v as { path?: unknown } | null)?.path;
      const code = (v as { code?: unknown } | null)?.code;
      if (typeof path === "string")
        out.push({ path: toPointer(path), ...(typeof code === "string" ? { code } : {}) });
    }
  }
  return out;
}

/** `$.items[0].skuId` or `$['a b']` (PHP decoder paths) as a JSON pointer; pointers stay as they are. */
export function toPointer(path: string): string {
  if (!path.startsWith("$")) return path === "/" ? "" : path;
  const segs: string[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/g;
  for (const m of path.slice(1).matchAll(re)) segs.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? "");
  return segs.map((x) => `/${x.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

const CODE_NAMES = new Map<string, Code>(
  Object.entries(Code)
    .filter(([, v]) => typeof v === "number")
    .map(([k, v]) => [
      k.replace(/[A-Z]/g, (c, i: number) => (i > 0 ? "_" : "") + c.toLowerCase()),
      v as Code,
    ]),
);

/** The checker, built once per run from the wire schemas and ajv validators. */
export class ResponseChecker {
  private readonly strict: Boundary;
  private readonly repairing: Boundary;

  constructor(schemas: readonly unknown[], validators: Readonly<Record<string, (v: unknown) => boolean>>) {
    this.strict = createBoundary({
      schemas,
      validators: validators as never,
      limits: { maxBodyBytes: 16 << 20 },
    });
    const repair = Object.fromEntries(
      PITFALL_CODES.filter((c) => PITFALLS[c].exhausted !== true && PITFALLS[c].repairable).map((c) => [
        c,
        "repair" as const,
      ]),
    );
    this.repairing = createBoundary({ schemas, policies: { preset: "migrate", pitfalls: repair } });
  }

  /** Reads and checks one answer of `service/method` whose response type is `output`. */
  read(call: CallResult, output: string, service: string, method: string, timeoutMs: number): ReadAnswer {
    const problems: Problem[] = [];
    if (call.transportError !== undefined) {
      problems.push(
        call.timedOut
          ? {
              check: "timeout",
              message: `no answer within ${timeoutMs} ms (the per-call timeout); the call was abandoned`,
            }
          : { check: "transport", message: `no HTTP answer: ${call.transportError}` },
      );
      return { code: "none", value: undefined, problems };
    }
    const site = { service, method, direction: "response" as const };
    const json = /^application\/json(\s*;|$)/i.test(call.contentType);
    if (call.status === 200) {
      if (!json)
        problems.push({
          check: "conformance",
          message: `a 200 answer must have content-type application/json, found ${call.contentType ? JSON.stringify(call.contentType) : "none"}`,
        });
      try {
        const { value } = this.strict.check(output, call.body, site);
        return { code: "ok", value, problems };
      } catch (e) {
        if (!isBoundaryError(e)) throw e;
        for (const v of e.violations) {
          const pitfall = (PITFALL_CODES as readonly string[]).includes(v.code);
          problems.push({
            check: "schema",
            code: v.code,
            path: v.path,
            message: `response ${v.message} [${v.code}]${pitfall ? ` — PHP fix: ${v.fix}` : ""}`,
          });
        }
        return { code: "ok", value: parseOrUndefined(call.body), problems };
      }
    }
    // An error answer: Connect requires a JSON body {code, message?, details?} and the matching status.
    const body = parseOrUndefined(call.body);
    if (!json || body === null || typeof body !== "object" || Array.isArray(body)) {
      let diagnosis = "";
      try {
        this.strict.check(output, call.body, site, { validate: false });
      } catch (e) {
        if (isBoundaryError(e) && e.violations[0])
          diagnosis = ` (${e.violations[0].found}) [${e.violations[0].code}]`;
      }
      problems.push({
        check: "conformance",
        message: `HTTP ${call.status} with ${call.contentType ? `content-type ${JSON.stringify(call.contentType)}` : "no content-type"}: a Connect error must be a JSON object {"code", "message"}${diagnosis}; body starts ${JSON.stringify(call.body.slice(0, 80))}`,
      });
      return { code: `http_${call.status}`, value: call.body, problems };
    }
    const err = body as Record<string, unknown>;
    const code = typeof err["code"] === "string" ? err["code"] : undefined;
    const known = code !== undefined ? CODE_NAMES.get(code) : undefined;
    if (code === undefined || known === undefined) {
      problems.push({
        check: "conformance",
        message: `error body: "code" must be a Connect code such as "invalid_argument", found ${JSON.stringify(err["code"])}`,
      });
    } else if (HTTP_STATUS_OF_CODE[known] !== call.status) {
      problems.push({
        check: "conformance",
        message: `error code ${code} must be sent with HTTP ${HTTP_STATUS_OF_CODE[known]}, found HTTP ${call.status}`,
      });
    }
    if (err["message"] !== undefined && typeof err["message"] !== "string")
      problems.push({
        check: "conformance",
        message: `error body: "message" must be a string, found ${JSON.stringify(err["message"])}`,
      });
    if (err["details"] !== undefined && !Array.isArray(err["details"]))
      problems.push({ check: "conformance", message: `error body: "details" must be an array` });
    if (!json)
      problems.push({
        check: "conformance",
        message: `an error must have content-type application/json, found ${JSON.stringify(call.contentType)}`,
      });
    return { code: code ?? `http_${call.status}`, value: body, problems };
  }

  /** The response with every losslessly repairable pitfall repaired (for the differential). */
  repaired(output: string, value: unknown): unknown {
    try {
      return this.repairing.check(output, structuredClone(value), {}, { validate: false }).value;
    } catch {
      return value;
    }
  }
}

/** Problems of an answer against what the case expects. */
export function checkExpectation(answer: ReadAnswer, expect: Expectation): Problem[] {
  if (answer.code === "none" || expect.code === "any") return [];
  const found = answer.code === "ok" ? "ok (HTTP 200)" : answer.code;
  const message = (answer.value as { message?: unknown } | undefined)?.message;
  const said = typeof message === "string" ? `: ${JSON.stringify(message.slice(0, 200))}` : "";
  if (expect.code === "not_invalid_argument") {
    return answer.code === "invalid_argument"
      ? [
          {
            check: "expectation",
            message: `rejected a valid request with invalid_argument${said} (${expect.why})`,
          },
        ]
      : [];
  }
  if (answer.code !== expect.code)
    return [
      {
        check: "expectation",
        message: `expected ${expect.code}, found ${found}${answer.code === "ok" ? "" : said} (${expect.why})`,
      },
    ];
  if (expect.violationAt !== undefined && answer.code === "invalid_argument") {
    const reported = reportedViolations(answer.value);
    const { path, owners } = expect.violationAt;
    const about = (p: string) => p === path || p.startsWith(`${path}/`) || owners.includes(p);
    if (reported.length > 0 && !reported.some((v) => about(v.path))) {
      const found = reported
        .slice(0, 3)
        .map((v) => `${v.path || "/"}${v.code ? ` [${v.code}]` : ""}`)
        .join(", ");
      return [
        {
          check: "expectation",
          code: "wrong_reason",
          message: `rejected for the wrong reason: expected a violation at ${path || "/"}, found ${found}${said} (${expect.why})`,
        },
      ];
    }
  }
  if (expect.body !== undefined && answer.code === "ok") {
    const diff = firstMismatch(expect.body, answer.value, "");
    if (diff) return [{ check: "expectation", message: `response ${diff} (${expect.why})` }];
  }
  return [];
}

/** Where `actual` does not contain `expected` (objects: a subset match; everything else: equal). */
export function firstMismatch(expected: unknown, actual: unknown, path: string): string | undefined {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual))
      return `${path || "/"}: expected an object, found ${JSON.stringify(actual)}`;
    for (const [k, v] of Object.entries(expected)) {
      const a = (actual as Record<string, unknown>)[k];
      if (a === undefined) return `${path}/${k}: expected ${JSON.stringify(v)}, found nothing`;
      const d = firstMismatch(v, a, `${path}/${k}`);
      if (d) return d;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length)
      return `${path || "/"}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const d = firstMismatch(expected[i], actual[i], `${path}/${i}`);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(expected, actual)
    ? undefined
    : `${path || "/"}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
