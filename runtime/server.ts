import type { IncomingMessage, ServerResponse } from "node:http";
import { Code, ConnectError } from "@connectrpc/connect";
import { Admission, queryParamBytes } from "./admission.js";
import { type Boundary, issueToViolation } from "./guard/engine.js";
import { VIOLATIONS_DETAIL_TYPE } from "./guard/errors.js";
import {
  codeToString,
  HTTP_STATUS_OF_CODE,
  type JsonHandlerContext,
  type JsonMethodDefinition,
  type JsonServiceDefinition,
  type JsonServiceImpl,
  REQUEST_ID_HEADER,
  type ServerErrorContext,
  type ValidationIssue,
} from "./json-service.js";
import { LIMITS, type Limits, resolveLimits } from "./limits.js";
import { requestIdOf, withRequestId } from "./request-id.js";

/** Options of {@link createJsonServiceHandler}; every key optional (see {@link DEFAULT_SERVER_OPTIONS}). */
export interface JsonServerOptions {
  /** Largest request body accepted, in bytes; larger ones get `resource_exhausted`. */
  readonly maxBodyBytes: number;
  /** Check responses against the contract before sending them (a handler bug becomes `internal`). */
  readonly validateResponses: boolean;
  /**
   * Called for every unexpected error: one a handler throws that is not a ConnectError, and a response
   * of the server's own that breaks its contract (with `validateResponses`). The client gets only
   * `internal error (request id …)`. Replaces the default log, one line on stderr ({@link logServerError}).
   */
  readonly onError: ((error: unknown, context: JsonHandlerContext) => void) | undefined;
  /** Handles requests for paths no JSON Schema service serves (e.g. connect-node's adapter). */
  readonly fallback: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /**
   * Guards (PHP pitfalls, with policies) and limits run on every request body before validation; its
   * `maxBodyBytes` replaces the option above. Without it requests are only validated.
   */
  readonly boundary: Boundary | undefined;
  /**
   * Server limits (runtime/limits.ts): concurrent requests, bytes of bodies held at once, the time
   * share of large bodies. Body size: `maxBodyBytes` above, or the boundary's.
   */
  readonly limits: Partial<Limits> | undefined;
}

export const DEFAULT_SERVER_OPTIONS: JsonServerOptions = {
  maxBodyBytes: LIMITS.maxBodyBytes,
  limits: undefined,
  validateResponses: true,
  onError: undefined,
  fallback: undefined,
  boundary: undefined,
};

/** A service definition paired with its implementation. */
export type JsonServiceRegistration = readonly [
  JsonServiceDefinition,
  JsonServiceImpl<JsonServiceDefinition>,
];

/** Pairs a service with its implementation, type-checking the implementation against the service. */
export function jsonService<S extends JsonServiceDefinition>(
  service: S,
  impl: JsonServiceImpl<S>,
): JsonServiceRegistration {
  return [service, impl as unknown as JsonServiceImpl<JsonServiceDefinition>];
}

interface Route {
  readonly service: JsonServiceDefinition;
  readonly method: JsonMethodDefinition<unknown, unknown>;
  /** Full name of the request message, when the boundary guards it. */
  readonly inputType: string | undefined;
  readonly handler: (request: unknown, context: JsonHandlerContext) => unknown;
}

/**
 * A `node:http` request handler serving JSON Schema services with the Connect protocol (unary, JSON
 * codec): `POST /<package>.<Service>/<Method>`, and GET for `no_side_effects` methods. Requests for other
 * paths go to `fallback` (mount connect-node's adapter there to serve proto services on the same server).
 */
export function createJsonServiceHandler(
  services: readonly JsonServiceRegistration[],
  options: Partial<JsonServerOptions> = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const opts: JsonServerOptions = { ...DEFAULT_SERVER_OPTIONS, ...options };
  const admission = new Admission({
    ...resolveLimits(opts.limits),
    maxBodyBytes: opts.boundary ? opts.boundary.limits.maxBodyBytes : opts.maxBodyBytes,
  });
  const routes = new Map<string, Route>();
  for (const [service, impl] of services) {
    for (const [local, method] of Object.entries(service.methods)) {
      const fn = (impl as Record<string, unknown>)[local];
      if (typeof fn !== "function") {
        throw new TypeError(
          `implementation of ${service.typeName} has no function ${local} (method ${method.name})`,
        );
      }
      let inputType: string | undefined;
      if (opts.boundary) {
        inputType = method.inputType ?? `${packageOf(service.typeName)}.${method.name}Request`;
        if (!opts.boundary.has(inputType)) {
          throw new TypeError(
            `${service.typeName}/${method.name}: the boundary has no wire schema for ${inputType}; set inputType on the method or pass its schema`,
          );
        }
      }
      routes.set(`/${service.typeName}/${method.name}`, {
        service,
        method,
        inputType,
        handler: fn.bind(impl) as Route["handler"],
      });
    }
  }
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = routes.get(url.pathname);
    if (!route) {
      if (opts.fallback) return opts.fallback(req, res);
      return writeError(res, new ConnectError(`no method ${url.pathname}`, Code.Unimplemented), undefined);
    }
    let leave: () => void;
    try {
      leave = admission.enter();
    } catch (e) {
      req.resume();
      res.setHeader("connection", "close");
      return writeError(res, e, undefined);
    }
    res.once("close", leave);
    serve(route, req, res, url, opts, admission).catch((e: unknown) => {
      // serve() answers every error itself; this only guards against a failure while writing.
      // Not a handler's error (those reach onError inside serve): always the default log.
      const requestId = String(res.getHeader(REQUEST_ID_HEADER) ?? "");
      logServerError(e, { service: route.service.typeName, method: route.method.name, requestId });
      if (!res.headersSent) writeError(res, internalError(requestId), requestId);
      else res.destroy();
    });
  };
}

async function serve(
  route: Route,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  opts: JsonServerOptions,
  admission: Admission,
): Promise<void> {
  const requestId = requestIdOf(headerValue(req, REQUEST_ID_HEADER));
  res.setHeader(REQUEST_ID_HEADER, requestId);
  const abort = new AbortController();
  // The response's close, not the request's: Node closes the request as soon as its body has been read,
  // while the response closes early only when the connection goes away before the answer was written.
  res.on("close", () => {
    if (!res.writableFinished) abort.abort(new ConnectError("client closed the connection", Code.Canceled));
  });
  const timeoutHeader = headerValue(req, "connect-timeout-ms");
  let timeoutMs: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const context: JsonHandlerContext = {
    service: route.service.typeName,
    method: route.method.name,
    signal: abort.signal,
    requestHeader: toHeaders(req),
    responseHeader: new Headers(),
    requestId,
    get timeoutMs() {
      return timeoutMs;
    },
  };
  try {
    if (timeoutHeader) {
      if (!/^[0-9]{1,10}$/.test(timeoutHeader)) {
        throw new ConnectError(
          `Connect-Timeout-Ms must be a positive integer, found ${JSON.stringify(timeoutHeader)}`,
          Code.InvalidArgument,
        );
      }
      timeoutMs = Number(timeoutHeader);
      timer = setTimeout(
        () => abort.abort(new ConnectError(`deadline of ${timeoutMs} ms exceeded`, Code.DeadlineExceeded)),
        timeoutMs,
      );
    }
    const { bytes: payload, release } = await readRequest(route, req, url, admission);
    let request: unknown;
    try {
      request = admission.timed(payload.byteLength, () => {
        if (opts.boundary && route.inputType !== undefined) {
          // Guards and the method's validator in one boundary check (one pass for clean requests).
          return opts.boundary.check(
            route.inputType,
            payload,
            { service: route.service.typeName, method: route.method.name, direction: "request" },
            { validator: route.method.input },
          ).value;
        }
        const value = parseJsonBody(decodeBody(payload));
        if (!route.method.input(value)) {
          throw validationError(`invalid ${route.method.name} request`, route.method.input.errors);
        }
        return value;
      });
    } finally {
      release();
    }
    const result = await Promise.race([
      withRequestId(requestId, () => Promise.resolve(route.handler(request, context))),
      new Promise<never>((_, reject) => {
        if (abort.signal.aborted) reject(abort.signal.reason);
        abort.signal.addEventListener("abort", () => reject(abort.signal.reason), { once: true });
      }),
    ]);
    if (opts.validateResponses && !route.method.output(result)) {
      // The server's own bug: the full description goes to the log, the client gets only the paths.
      const issues = route.method.output.errors;
      reportServerError(
        opts.onError,
        new Error(`the ${route.method.name} response breaks the contract: ${describeIssues(issues)}`),
        context,
      );
      throw new ConnectError(
        `the server's ${route.method.name} response breaks the contract at ${pathSummary(issues)} (request id ${requestId})`,
        Code.Internal,
      );
    }
    const body = JSON.stringify(result);
    context.responseHeader.forEach((value, key) => {
      res.setHeader(key, value);
    });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  } catch (e) {
    let error = e;
    if (!(e instanceof ConnectError)) {
      if (abort.signal.aborted) {
        // The client went away or the deadline passed: what failed because of it is no server error.
        error = abort.signal.reason;
      } else {
        reportServerError(opts.onError, e, context);
        error = internalError(requestId);
      }
    }
    context.responseHeader.forEach((value, key) => {
      res.setHeader(key, value);
    });
    if (error instanceof ConnectError && error.code === Code.ResourceExhausted) {
      // The rest of a refused body is not read: drop it with the connection once the answer is out.
      res.setHeader("connection", "close");
      res.once("finish", () => req.socket?.destroy());
    }
    writeError(res, error, requestId);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

const NO_RELEASE = () => {};

async function readRequest(
  route: Route,
  req: IncomingMessage,
  url: URL,
  admission: Admission,
): Promise<{ bytes: Uint8Array; release: () => void }> {
  if (req.method === "GET") {
    if (route.method.idempotency !== "no_side_effects") {
      throw new ConnectError(
        `${route.method.name} has side effects and must be called with POST`,
        Code.Unimplemented,
      );
    }
    const encoding = url.searchParams.get("encoding");
    if (encoding !== "json") {
      throw new ConnectError(
        `GET requests need encoding=json, found ${JSON.stringify(encoding)}`,
        Code.InvalidArgument,
      );
    }
    // The message's bytes, not URLSearchParams' text: invalid UTF-8 is refused, as in a POST body.
    const message = queryParamBytes(req.url ?? "", "message") ?? Buffer.from("{}");
    if (url.searchParams.get("base64") === "1")
      return {
        bytes: Buffer.from(Buffer.from(message).toString("latin1"), "base64url"),
        release: NO_RELEASE,
      };
    return { bytes: message, release: NO_RELEASE };
  }
  if (req.method !== "POST") {
    throw new ConnectError(`HTTP method ${req.method ?? "?"} is not allowed: use POST`, Code.Unimplemented);
  }
  const contentType = (headerValue(req, "content-type") || "").split(";")[0]?.trim().toLowerCase();
  if (contentType !== "application/json") {
    throw new ConnectError(
      `content type ${JSON.stringify(contentType)} is not supported: send application/json (Connect unary JSON)`,
      Code.InvalidArgument,
    );
  }
  const encoding = headerValue(req, "content-encoding").trim().toLowerCase();
  if (encoding !== "" && encoding !== "identity") {
    throw new ConnectError(
      `content encoding ${JSON.stringify(encoding)} is not accepted: send the body uncompressed`,
      Code.InvalidArgument,
    );
  }
  return admission.readBody(req);
}

function decodeBody(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ConnectError("request body is not valid UTF-8", Code.InvalidArgument);
  }
}

function packageOf(typeName: string): string {
  return typeName.slice(0, Math.max(0, typeName.lastIndexOf(".")));
}

function parseJsonBody(text: string): unknown {
  if (text.trim() === "") {
    throw new ConnectError(
      "request body is empty: expected a JSON object (a PHP json_encode() that failed returns false, which sends nothing)",
      Code.InvalidArgument,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConnectError(`request body is not JSON: ${(e as Error).message}`, Code.InvalidArgument);
  }
}

/** An `invalid_argument` error listing every violation with its JSON path (in the boundary's format). */
export function validationError(
  prefix: string,
  issues: readonly ValidationIssue[] | null | undefined,
): ConnectError {
  const error = new ConnectError(`${prefix}: ${describeIssues(issues)}`, Code.InvalidArgument);
  // At most maxFindings violations travel: the error body stays small whatever the request.
  (error as ConnectError & { violations?: unknown }).violations = (issues ?? [])
    .slice(0, LIMITS.maxFindings)
    .map(issueToViolation);
  return error;
}

/** `/a/b, /c`: the distinct paths of the issues, at most 10 (what a client may see of a server bug). */
function pathSummary(issues: readonly ValidationIssue[] | null | undefined): string {
  const paths = [...new Set((issues ?? []).map((i) => i.instancePath || "/"))];
  if (paths.length === 0) return "/";
  return paths.length > 10
    ? `${paths.slice(0, 10).join(", ")} and ${paths.length - 10} more`
    : paths.join(", ");
}

/**
 * The error a client gets for an unexpected server error: `internal`, with the request id to find the
 * logged error, and nothing of the original error (it may hold SQL, paths or secrets).
 */
export function internalError(requestId: string): ConnectError {
  return new ConnectError(`internal error (request id ${requestId})`, Code.Internal);
}

/**
 * The default log of unexpected server errors: one line on stderr,
 * `contractgen: <service>/<method> [<request id>]: <stack>`, the stack's lines joined with ` | `.
 */
export function logServerError(error: unknown, context: ServerErrorContext): void {
  const text =
    error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : `thrown ${String(error)}`;
  const line = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join(" | ");
  process.stderr.write(`contractgen: ${context.service}/${context.method} [${context.requestId}]: ${line}\n`);
}

/** Hands an unexpected error to `onError`, or to the default log without one; never throws. */
export function reportServerError<C extends ServerErrorContext>(
  onError: ((error: unknown, context: C) => void) | undefined,
  error: unknown,
  context: C,
): void {
  try {
    (onError ?? logServerError)(error, context);
  } catch (failure) {
    // A failing onError (a log shipper down) must not change the answer: fall back to the default log.
    logServerError(error, context);
    logServerError(failure, context);
  }
}

/** `/a/b: must be integer; /c: must have required property 'x'`. */
export function describeIssues(issues: readonly ValidationIssue[] | null | undefined): string {
  if (!issues || issues.length === 0) return "does not match its schema";
  return issues
    .slice(0, 20)
    .map((i) => `${i.instancePath || "/"}: ${i.message ?? i.keyword}${paramsHint(i)}`)
    .join("; ")
    .concat(issues.length > 20 ? `; and ${issues.length - 20} more` : "");
}

function paramsHint(issue: ValidationIssue): string {
  const p = issue.params ?? {};
  if (issue.keyword === "additionalProperties" && typeof p["additionalProperty"] === "string") {
    return ` (${JSON.stringify(p["additionalProperty"])})`;
  }
  if (issue.keyword === "enum" && Array.isArray(p["allowedValues"])) {
    return ` (${(p["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")})`;
  }
  return "";
}

/** Writes a Connect error response: HTTP status from the code, JSON body `{code, message, details}`. */
export function writeError(res: ServerResponse, error: unknown, requestId: string | undefined): void {
  const ce = ConnectError.from(error);
  const violations = (ce as ConnectError & { violations?: unknown[] }).violations;
  const details = ce.details.map((d) =>
    "desc" in d
      ? { type: d.desc.typeName, value: "" }
      : {
          type: d.type,
          value: Buffer.from(d.value).toString("base64").replace(/=+$/, ""),
          ...(d.debug !== undefined ? { debug: d.debug } : {}),
        },
  );
  if (violations && violations.length > 0 && !details.some((d) => d.type === VIOLATIONS_DETAIL_TYPE)) {
    const json = JSON.stringify({ violations });
    details.push({
      type: VIOLATIONS_DETAIL_TYPE,
      value: Buffer.from(json).toString("base64").replace(/=+$/, ""),
      debug: { violations } as never,
    });
  }
  const body = JSON.stringify({
    code: codeToString(ce.code),
    message: ce.rawMessage,
    ...(details.length > 0 ? { details } : {}),
  });
  if (requestId && !res.hasHeader(REQUEST_ID_HEADER)) res.setHeader(REQUEST_ID_HEADER, requestId);
  ce.metadata.forEach((value, key) => {
    res.setHeader(key, value);
  });
  res.writeHead(HTTP_STATUS_OF_CODE[ce.code], {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

function headerValue(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else headers.set(key, value);
  }
  return headers;
}
