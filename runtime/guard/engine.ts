/**
 * The boundary: guards (the PHP pitfall catalogue, with policies) followed by validation, for request
 * bodies, response bodies and queue messages. Servers and clients of both contract kinds use it.
 */
import { Code } from "@connectrpc/connect";
import type { ValidationIssue, Validator } from "../json-service.js";
import { LIMITS } from "../limits.js";
import {
  type BodyProblem,
  decodeUtf8,
  hasSurrogateEscape,
  parseJson,
  preflight,
  requireExactJsonParse,
  UnreadableBody,
} from "./body.js";
import { type FastCheck, FastCompiler } from "./compile.js";
import { BoundaryError, type Violation } from "./errors.js";
import { PITFALLS } from "./pitfalls.js";
import { type PolicyConfig, type PolicyTable, resolvePolicies } from "./policy.js";
import { ShapePlanner } from "./shape.js";
import {
  type Finding,
  FindingsCapped,
  fixOf,
  type GuardAction,
  LimitExceeded,
  NeedsExactIntegers,
  Walk,
} from "./walk.js";

/** Limits on what the boundary reads. */
export interface BoundaryLimits {
  /** Largest body in bytes (UTF-8); larger ones fail with `resource_exhausted`. */
  readonly maxBodyBytes: number;
  /** Deepest nesting of arrays and objects. */
  readonly maxDepth: number;
  /** Longest array; longer ones fail with `resource_exhausted`. */
  readonly maxArrayLength: number;
  /**
   * Violations reported in one error: the walk stops at this many rejections (a hostile body costs no
   * more), and the error says how many more it left out.
   */
  readonly maxFindings: number;
}

/** Default limits, from the runtime's limits table (runtime/limits.ts): 4 MiB, 64 levels, 100,000 items, 100 findings. */
export const DEFAULT_LIMITS: BoundaryLimits = Object.freeze({
  maxBodyBytes: LIMITS.maxBodyBytes,
  maxDepth: LIMITS.maxDepth,
  maxArrayLength: LIMITS.maxArrayLength,
  maxFindings: LIMITS.maxFindings,
});

/** Where a payload was checked. */
export interface CheckSite {
  /** Full service name (`shop.order.v1.OrderService`); absent for queue messages. */
  readonly service?: string;
  /** Method name (`CreateOrder`). */
  readonly method?: string;
  /** `request` on servers, `response` on clients, `message` for queues and other transports. */
  readonly direction?: "request" | "response" | "message";
}

/** One guard decision, as reported to the observer. */
export interface GuardEvent {
  readonly code: Finding["code"];
  readonly action: GuardAction;
  readonly path: string;
  /** Full name of the checked message (`shop.order.v1.CreateOrderRequest`). */
  readonly type: string;
  readonly service: string | undefined;
  readonly method: string | undefined;
  readonly direction: "request" | "response" | "message";
}

/** A validator of the contract's constraints run after the guards, returning violations (empty if valid). */
export type ConstraintCheck = (value: unknown) => readonly Violation[];

/** Options of {@link createBoundary}; only `schemas` is required. */
export interface BoundaryOptions {
  /** The wire JSON Schemas (`gen/schema/*.schema.json` contents, see `loadWireSchemas`). */
  readonly schemas: Iterable<unknown>;
  /** Policies per pitfall (default: the `strict` preset). */
  readonly policies?: PolicyConfig;
  readonly limits?: Partial<BoundaryLimits>;
  /** Called for every guard decision (rejected, repaired or warned); see `createGuardMetrics`. */
  readonly observer?: (event: GuardEvent) => void;
  /**
   * Constraint checks by message full name, run after the guards: ajv validators compiled at generation
   * time (`validators.js` of JSON Schema contracts), or `protovalidateCheck` for proto messages.
   */
  readonly validators?: Readonly<Record<string, Validator<unknown> | ConstraintCheck>>;
  /**
   * Check clean payloads in one compiled pass (default true): each wire schema becomes one function that
   * checks the guards and the schema's constraints together; only a payload it does not accept goes
   * through the guard walk (policies, repairs, findings) and the validators. `false` always takes the
   * walk and the validators (for comparison and debugging; results are the same).
   */
  readonly compile?: boolean;
}

/** Result of a check that passed: the value (repaired where allowed) and the decisions taken. */
export interface CheckResult<T = unknown> {
  readonly value: T;
  readonly findings: readonly Finding[];
}

/** Guards and validation for every payload crossing the boundary. */
export interface Boundary {
  /** The resolved limits. */
  readonly limits: BoundaryLimits;
  /** Whether a wire schema exists for a message full name. */
  has(type: string): boolean;
  /**
   * Checks a payload of message `type` (full name or `urn:contractgen:` id): bytes or text are read
   * (body pitfalls, UTF-8, exact big integers) and guarded; a value is guarded in place. Returns the
   * value (repaired where the policy allows); throws a {@link BoundaryError} listing every violation.
   */
  check<T = unknown>(
    type: string,
    input: Uint8Array | string | unknown,
    site?: CheckSite,
    options?: CheckOptions,
  ): CheckResult<T>;
}

/** Options of one {@link Boundary.check}. */
export interface CheckOptions {
  /** Run the constraint check after the guards (default true). */
  readonly validate?: boolean;
  /** The constraint check to run, instead of the boundary's `validators` entry for the type. */
  readonly validator?: Validator<unknown> | ConstraintCheck | undefined;
}

const URN = "urn:contractgen:";

/**
 * Creates a boundary from the wire schemas. Guard plans are compiled lazily, once per message. Throws
 * on a Node whose JSON.parse cannot keep big integers exact (Node >= 22.12 required).
 */
export function createBoundary(options: BoundaryOptions): Boundary {
  // The guards read integers beyond ±2^53 exactly; on a Node that cannot, fail here, not on a payload.
  requireExactJsonParse("createBoundary");
  const schemas = [...options.schemas];
  const planner = new ShapePlanner(schemas);
  const limits: BoundaryLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const compiler = options.compile === false ? undefined : new FastCompiler(schemas, limits);
  const tables = new Map<string, PolicyTable>();
  const policies = options.policies ?? {};
  const validators = options.validators ?? {};
  resolvePolicies(policies); // fail at startup on a bad configuration
  const tableOf = (site: CheckSite): PolicyTable => {
    const key = `${site.service ?? ""}/${site.method ?? ""}`;
    let t = tables.get(key);
    if (!t) {
      t = resolvePolicies(policies, site.service, site.method);
      tables.set(key, t);
    }
    return t;
  };

  /** Per type name as callers spell it: the full name, the `$id` and the one-pass check. */
  const types = new Map<string, { name: string; id: string; fast: FastCheck | null | undefined }>();
  const typeOf = (type: string) => {
    let t = types.get(type);
    if (!t) {
      const name = type.startsWith(URN) ? type.slice(URN.length) : type;
      planner.shape(name); // an unknown type fails here, before anything is cached
      t = { name, id: URN + name, fast: compiler?.check(name) };
      types.set(type, t);
    }
    return t;
  };

  return {
    limits,
    has: (type) => planner.has(type),
    check<T>(type: string, input: unknown, site: CheckSite = {}, opts: CheckOptions = {}): CheckResult<T> {
      const { name, id, fast } = typeOf(type);
      const validator =
        opts.validate === false ? undefined : "validator" in opts ? opts.validator : validators[name];
      if (fast) {
        // The one pass: a payload it accepts has no pitfall and meets its wire schema.
        const value = onePass(fast, input, limits.maxBodyBytes);
        if (value !== NOT_ACCEPTED) {
          // A validator compiled from this wire schema checks what the one pass already checked.
          if (!validator || (validator as { wireSchema?: unknown }).wireSchema === id)
            return { value: value as T, findings: NO_FINDINGS };
          if (runValidator(validator, value).length === 0)
            return { value: value as T, findings: NO_FINDINGS };
        }
      }
      // The walk: finds, repairs and reports every pitfall, then the validator says why the rest fails.
      const shape = planner.shape(name);
      const table = tableOf(site);
      const direction = site.direction ?? "message";
      const subject = site.method !== undefined ? `${direction} of ${site.service}/${site.method}` : name;
      const observe = (event: GuardEvent) => {
        try {
          options.observer?.(event);
        } catch {
          // A failing observer (a metrics exporter, say) must not fail the call it observes.
        }
      };
      const emit = (findings: readonly Finding[]) => {
        if (options.observer) {
          for (const f of findings) {
            observe({
              code: f.code,
              action: f.action,
              path: f.path,
              type: name,
              service: site.service,
              method: site.method,
              direction,
            });
          }
        }
      };
      const fail = (
        findings: readonly Finding[],
        extra: readonly Violation[] = [],
        capped = false,
      ): never => {
        emit(findings);
        // At most maxFindings violations travel (the error body stays small); the rest are counted.
        const all: Violation[] = [];
        for (const f of findings) if (f.action === "rejected") all.push(toViolation(f));
        for (const v of extra) all.push(v);
        const max = Math.max(1, limits.maxFindings);
        const violations = all.length > max ? all.slice(0, max) : all;
        const more = { omitted: all.length - violations.length, truncated: capped };
        const exhausted = findings.some(
          (f) => f.action === "rejected" && PITFALLS[f.code].exhausted === true,
        );
        if (exhausted) throw new BoundaryError(subject, violations, Code.ResourceExhausted, undefined, more);
        // A response a client reads is the server's fault, not the caller's: internal, as an
        // unguarded client says; requests and messages are the sender's: invalid_argument.
        if (direction === "response") {
          const where = site.method !== undefined ? `${site.service}/${site.method}` : name;
          throw new BoundaryError(
            subject,
            violations,
            Code.Internal,
            `the server's response breaks the contract (${where})`,
            more,
          );
        }
        throw new BoundaryError(subject, violations, Code.InvalidArgument, undefined, more);
      };
      // The reader's findings (BOM, PHP output) come first, then the walk's, in payload order.
      const findings: Finding[] = [];
      let value: unknown = input;
      let walk: Walk | undefined;
      // A loop, not push(...walk.findings): a spread of 120k findings overflows the stack.
      const take = (w: Walk) => {
        for (const f of w.findings) findings.push(f);
      };
      try {
        if (typeof input === "string" || input instanceof Uint8Array) {
          const size =
            typeof input === "string" ? byteLengthUpTo(input, limits.maxBodyBytes) : input.byteLength;
          if (size > limits.maxBodyBytes) {
            throw new UnreadableBody({
              code: "body_too_large",
              expected: `at most ${limits.maxBodyBytes} bytes`,
              found: `${typeof input === "string" ? "more than " : ""}${size} bytes`,
            });
          }
          const text = typeof input === "string" ? input : decodeUtf8(input);
          const json = preflight(text, (p: BodyProblem) => {
            const policy = table[p.code];
            const action =
              p.repaired === undefined
                ? "rejected"
                : policy === "repair"
                  ? "repaired"
                  : policy === "warn"
                    ? "warned"
                    : "rejected";
            findings.push({
              code: p.code,
              path: "",
              expected: p.expected,
              found: p.found,
              suggestion: undefined,
              action,
            });
            return action !== "rejected";
          });
          const unicode = hasSurrogateEscape(json);
          try {
            walk = new Walk(table, limits, unicode, true);
            value = walk.run(parseJson(json), shape);
          } catch (e) {
            if (!(e instanceof NeedsExactIntegers)) throw e;
            // An integer beyond ±2^53: read again keeping every integer exact, and walk that.
            walk = new Walk(table, limits, unicode, false);
            value = walk.run(parseJson(json, true), shape);
          }
          take(walk);
        } else {
          walk = new Walk(table, limits);
          value = walk.run(input, shape);
          take(walk);
        }
      } catch (e) {
        if (e instanceof UnreadableBody) {
          const p = e.problem;
          if (!findings.some((f) => f.code === p.code)) {
            findings.push({
              code: p.code,
              path: "",
              expected: p.expected,
              found: p.found,
              suggestion: undefined,
              action: "rejected",
            });
          }
          return fail(findings);
        }
        if (e instanceof LimitExceeded) {
          findings.push(e.finding);
          return fail(findings);
        }
        if (e instanceof FindingsCapped && walk) {
          take(walk);
          return fail(findings, [], true);
        }
        throw e;
      }
      for (const f of findings) if (f.action === "rejected") return fail(findings);
      if (validator) {
        const issues = runValidator(validator, value);
        if (issues.length > 0) return fail(findings, issues);
      }
      if (findings.length > 0) emit(findings);
      return { value: value as T, findings };
    },
  };
}

const NO_FINDINGS: readonly Finding[] = Object.freeze([]);
const NOT_ACCEPTED: unique symbol = Symbol("not accepted");

/**
 * The one-pass check of an input: its value when the body reads plainly (starts like JSON, within the
 * size limit, valid UTF-8 and JSON) and the compiled check accepts it; `NOT_ACCEPTED` otherwise, and the
 * walk decides (it reads the body the same way, so an accepted value is exactly what the walk returns).
 */
function onePass(fast: FastCheck, input: unknown, maxBodyBytes: number): unknown {
  let text: string;
  if (typeof input === "string") {
    if (byteLengthUpTo(input, maxBodyBytes) > maxBodyBytes) return NOT_ACCEPTED;
    text = input;
  } else if (input instanceof Uint8Array) {
    if (input.byteLength > maxBodyBytes) return NOT_ACCEPTED;
    try {
      text = decodeUtf8(input);
    } catch {
      return NOT_ACCEPTED;
    }
  } else return fast(input, true) ? input : NOT_ACCEPTED;
  const first = text.charCodeAt(0);
  if (first !== 0x7b && first !== 0x5b) return NOT_ACCEPTED; // BOM, whitespace, PHP output: the reader's
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return NOT_ACCEPTED;
  }
  return fast(value, hasSurrogateEscape(text)) ? value : NOT_ACCEPTED;
}

/** The byte length of `s` in UTF-8, counting no further than just past `limit`. */
function byteLengthUpTo(s: string, limit: number): number {
  if (s.length * 3 <= limit) return s.length; // cannot exceed: skip the count
  return Buffer.byteLength(s, "utf8");
}

function toViolation(f: Finding): Violation {
  const fix = fixOf(f);
  const hint = f.suggestion !== undefined ? ` (did you mean "${f.suggestion}"?)` : "";
  const message =
    f.code === "unknown_key"
      ? `${f.path || "/"}: unknown key${hint}, expected ${f.expected}`
      : `${f.path || "/"}: expected ${f.expected}, found ${f.found}${hint}`;
  return { path: f.path, code: f.code, expected: f.expected, found: f.found, fix, message };
}

/** Violations of an ajv validator (or a constraint check) in the boundary's format. */
export function runValidator(
  validator: Validator<unknown> | ConstraintCheck,
  value: unknown,
): readonly Violation[] {
  const result = (validator as (v: unknown) => unknown)(value);
  if (Array.isArray(result)) return result as Violation[];
  if (result === true) return [];
  const issues = (validator as Validator<unknown>).errors ?? [];
  if (issues.length === 0)
    return [
      {
        path: "",
        code: "schema.invalid",
        expected: "a value matching the contract",
        found: "a value that does not",
        fix: "send a value the contract allows",
        message: "/: does not match its schema",
      },
    ];
  return issues.map(issueToViolation);
}

/** One ajv issue as a violation. */
export function issueToViolation(i: ValidationIssue): Violation {
  const path = i.instancePath;
  const params = i.params ?? {};
  const extra =
    i.keyword === "additionalProperties" && typeof params["additionalProperty"] === "string"
      ? ` (${JSON.stringify(params["additionalProperty"])})`
      : i.keyword === "enum" && Array.isArray(params["allowedValues"])
        ? ` (${(params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")})`
        : "";
  const message = `${i.message ?? i.keyword}${extra}`;
  return {
    path,
    code: `schema.${i.keyword}`,
    expected: message,
    found: "a value that breaks it",
    fix: `the contract requires: ${message}`,
    message: `${path || "/"}: ${message}`,
  };
}
