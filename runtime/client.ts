import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { type Boundary, type CheckSite, runValidator } from "./guard/engine.js";
import { BoundaryError } from "./guard/errors.js";
import {
  acceptEncoding,
  type BoundedResponse,
  boundedRequest,
  type ResponseBounds,
  readFetchResponse,
} from "./http-read.js";
import {
  codeFromString,
  codeOfHttpStatus,
  type JsonCallOptions,
  type JsonClient,
  type JsonMethodDefinition,
  type JsonServiceDefinition,
  REQUEST_ID_HEADER,
} from "./json-service.js";
import { LIMITS, type Limits } from "./limits.js";
import { currentRequestId } from "./request-id.js";

/** Options of {@link createJsonClient}; only `baseUrl` is required. */
export interface JsonClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8080` (a path prefix is kept). */
  readonly baseUrl: string;
  /**
   * A fetch implementation to use instead of node:http (default: none). It is called with `redirect:
   * "manual"` and its body is counted while it is read, after fetch's own decompression.
   */
  readonly fetch?: typeof globalThis.fetch;
  /** Headers sent with every call. */
  readonly headers?: ConstructorParameters<typeof Headers>[0];
  /**
   * Default deadline of every call, in milliseconds (default `LIMITS.clientTimeoutMs`, 30 s; a call's
   * `timeoutMs` overrides it; 0 turns it off). Sent as `Connect-Timeout-Ms` and enforced locally.
   */
  readonly timeoutMs?: number;
  /**
   * Offer gzip, br and deflate (default false: `accept-encoding: identity`, and a compressed answer is
   * refused). Compressed responses are bounded on the wire, decompressed and in their ratio.
   */
  readonly compression?: boolean;
  /** Response bounds (defaults in runtime/limits.ts): body size, error body size, header size, ratio. */
  readonly limits?: Partial<
    Pick<Limits, "maxResponseBytes" | "maxErrorBodyBytes" | "maxHeaderBytes" | "maxDecompressionRatio">
  >;
  /** Check responses against the contract (default true): a server that breaks it fails the call. */
  readonly validateResponses?: boolean;
  /** Use HTTP GET for `no_side_effects` methods (default false). */
  readonly useHttpGet?: boolean;
  /**
   * Guards (PHP pitfalls, with policies) run on every response body before validation, e.g. when the
   * server is PHP. Without it responses are only validated.
   */
  readonly boundary?: Boundary;
}

/**
 * A typed client of a JSON Schema service speaking Connect unary JSON over HTTP. Errors are
 * ConnectErrors: the server's Connect error, or one describing a non-Connect answer (an HTML error page
 * from a proxy, an empty or non-JSON body) or a response that breaks the contract: all of these are
 * the server's fault and say `internal` (a too large response says `resource_exhausted`); a response
 * that breaks the contract carries its violations like a BoundaryError. Responses are read within the
 * bounds of runtime/limits.ts; redirects are errors, compression is off unless enabled, every call has
 * a deadline.
 */
export function createJsonClient<S extends JsonServiceDefinition>(
  service: S,
  options: JsonClientOptions,
): JsonClient<S> {
  const client: Record<string, unknown> = {};
  const base = options.baseUrl.replace(/\/+$/, "");
  const limits = options.limits ?? {};
  const bounds: ResponseBounds = {
    maxResponseBytes:
      limits.maxResponseBytes ?? options.boundary?.limits.maxBodyBytes ?? LIMITS.maxResponseBytes,
    maxErrorBodyBytes: limits.maxErrorBodyBytes ?? LIMITS.maxErrorBodyBytes,
    maxHeaderBytes: limits.maxHeaderBytes ?? LIMITS.maxHeaderBytes,
    maxDecompressionRatio: limits.maxDecompressionRatio ?? LIMITS.maxDecompressionRatio,
    compression: options.compression === true,
  };
  for (const [local, method] of Object.entries(service.methods)) {
    const site = { service: service.typeName, method: method.name, direction: "response" as const };
    const outputType =
      method.outputType ??
      `${service.typeName.slice(0, Math.max(0, service.typeName.lastIndexOf(".")))}.${method.name}Response`;
    if (options.boundary && !options.boundary.has(outputType)) {
      throw new TypeError(
        `${service.typeName}/${method.name}: the boundary has no wire schema for ${outputType}; set outputType on the method or pass its schema`,
      );
    }
    const guard = options.boundary ? { boundary: options.boundary, outputType, site } : undefined;
    client[local] = (request: unknown, callOptions: JsonCallOptions = {}) =>
      call(
        `${base}/${service.typeName}/${method.name}`,
        site,
        method,
        request,
        options,
        callOptions,
        guard,
        bounds,
      );
  }
  return client as JsonClient<S>;
}

async function call(
  url: string,
  site: CheckSite,
  method: JsonMethodDefinition<unknown, unknown>,
  request: unknown,
  options: JsonClientOptions,
  callOptions: JsonCallOptions,
  guard: { boundary: Boundary; outputType: string; site: CheckSite } | undefined,
  bounds: ResponseBounds,
): Promise<unknown> {
  const headers = new Headers(options.headers);
  new Headers(callOptions.headers).forEach((v, k) => {
    headers.set(k, v);
  });
  headers.set("connect-protocol-version", "1");
  headers.set(
    REQUEST_ID_HEADER,
    callOptions.requestId ?? headers.get(REQUEST_ID_HEADER) ?? currentRequestId() ?? randomUUID(),
  );
  headers.set("accept-encoding", acceptEncoding(bounds.compression));
  // Every call has a deadline: the call's, the client's, or the default (0 turns it off).
  const timeoutMs = callOptions.timeoutMs ?? options.timeoutMs ?? LIMITS.clientTimeoutMs;
  const signals: AbortSignal[] = [];
  if (callOptions.signal) signals.push(callOptions.signal);
  let deadline: AbortSignal | undefined;
  if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
    headers.set("connect-timeout-ms", String(Math.max(1, Math.floor(timeoutMs))));
    deadline = AbortSignal.timeout(timeoutMs);
    signals.push(deadline);
  }
  const body = JSON.stringify(request);
  const useGet = options.useHttpGet === true && method.idempotency === "no_side_effects";
  let target = url;
  if (useGet) {
    target = `${url}?connect=v1&encoding=json&message=${encodeURIComponent(body)}`;
  } else {
    headers.set("content-type", "application/json");
  }
  const signal = signals.length > 0 ? AbortSignal.any(signals) : new AbortController().signal;
  let response: BoundedResponse;
  try {
    if (options.fetch) {
      // A fetch of the caller's: no redirects, and the body counted while it is read.
      const init: RequestInit = { method: useGet ? "GET" : "POST", headers, redirect: "manual", signal };
      if (!useGet) init.body = body;
      const r = await options.fetch(target, init);
      response =
        r.status >= 300 && r.status < 400
          ? { status: r.status, headers: r.headers, body: new Uint8Array(0), truncated: false }
          : await readFetchResponse(r, bounds, method.name);
    } else {
      const plain: Record<string, string> = {};
      headers.forEach((v, k) => {
        plain[k] = v;
      });
      const bytes = useGet ? undefined : Buffer.from(body);
      if (bytes) plain["content-length"] = String(bytes.byteLength);
      response = await boundedRequest(
        new URL(target),
        { method: useGet ? "GET" : "POST", headers: plain, body: bytes },
        signal,
        bounds,
        method.name,
      );
    }
  } catch (e) {
    if (deadline?.aborted) {
      throw new ConnectError(
        `${method.name}: deadline of ${timeoutMs} ms exceeded`,
        Code.DeadlineExceeded,
        undefined,
        undefined,
        e,
      );
    }
    if (callOptions.signal?.aborted) {
      throw new ConnectError(`${method.name}: call canceled`, Code.Canceled, undefined, undefined, e);
    }
    if (e instanceof ConnectError) throw e;
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : "";
    throw new ConnectError(
      `${method.name}: cannot reach ${url}${cause || (e instanceof Error ? `: ${e.message}` : "")}`,
      Code.Unavailable,
      undefined,
      undefined,
      e,
    );
  }
  const status = response.status;
  if (status >= 300 && status < 400) {
    const location = response.headers.get("location");
    throw new ConnectError(
      `${method.name}: the server answered HTTP ${status}, a redirect to ${location === null ? "no location" : JSON.stringify(location.slice(0, 200))}; clients do not follow redirects (point baseUrl at the final address)`,
      Code.Internal,
    );
  }
  const contentType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const bytes = response.body;
  if (status !== 200) {
    const text = new TextDecoder().decode(bytes);
    throw errorFromResponse(method.name, status, contentType, response.truncated ? `${text}…` : text);
  }
  let value: unknown;
  if (guard) {
    // With the boundary, a 200 answer is classified whatever its content type (HTML, PHP output).
    // Guards and the method's validator in one boundary check (one pass for clean responses).
    refuseErrorBody(method.name, bytes);
    const validation = options.validateResponses !== false ? { validator: method.output } : {};
    return guard.boundary.check(guard.outputType, bytes, guard.site, validation).value;
  }
  let text: string;
  try {
    text = strictDecoder.decode(bytes);
  } catch {
    throw new ConnectError(
      `${method.name}: the response is not valid UTF-8 (${bytes.byteLength} bytes) [invalid_utf8]`,
      Code.Internal,
    );
  }
  if (contentType !== "application/json") {
    throw new ConnectError(
      `${method.name}: expected an application/json response, got ${contentType || "no content type"}: ${preview(text)}`,
      Code.Internal,
    );
  }
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConnectError(
      `${method.name}: response is not JSON (${(e as Error).message}): ${preview(text)}`,
      Code.Internal,
    );
  }
  refuseErrorAsSuccess(method.name, value);
  if (options.validateResponses !== false && !method.output(value)) {
    // The same error as the boundary's for a response (it is the server's fault: internal).
    throw new BoundaryError(
      `response of ${site.service}/${site.method}`,
      runValidator(method.output, value),
      Code.Internal,
      `the server's response breaks the contract (${site.service}/${site.method})`,
    );
  }
  return value;
}

const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * {@link refuseErrorAsSuccess} on a body not parsed yet (before the boundary reads it, so the error
 * says "protocol error" rather than "unknown keys code, message"): only small bodies naming `"code"`
 * are parsed for it.
 */
export function refuseErrorBody(methodName: string, bytes: Uint8Array): void {
  if (bytes.byteLength > 64 * 1024) return;
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf('"code"') < 0) return;
  let value: unknown;
  try {
    value = JSON.parse(strictDecoder.decode(bytes));
  } catch {
    return; // the reader says what is wrong with it
  }
  refuseErrorAsSuccess(methodName, value);
}

const ERROR_KEYS = new Set(["code", "message", "details"]);

/**
 * A Connect error JSON (`{"code":"not_found","message":…}`) sent with status 200 is a protocol error,
 * not a response whose fields happen to be absent: an error must not become an empty success.
 */
export function refuseErrorAsSuccess(methodName: string, value: unknown): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return;
  const code = (value as { code?: unknown }).code;
  if (typeof code !== "string" || codeFromString(code) === undefined) return;
  for (const k in value) if (!ERROR_KEYS.has(k)) return;
  const message = (value as { message?: unknown }).message;
  throw new ConnectError(
    `${methodName}: protocol error: the server sent a Connect error (${code}${typeof message === "string" ? `: ${preview(message)}` : ""}) with HTTP status 200`,
    Code.Internal,
  );
}

function errorFromResponse(
  methodName: string,
  status: number,
  contentType: string,
  text: string,
): ConnectError {
  if (contentType === "application/json") {
    try {
      const parsed = JSON.parse(text) as { code?: unknown; message?: unknown; details?: unknown };
      const code = typeof parsed.code === "string" ? codeFromString(parsed.code) : undefined;
      if (code !== undefined) {
        const details = Array.isArray(parsed.details)
          ? parsed.details
              .filter(
                (d): d is { type: string; value: string; debug?: unknown } => typeof d?.type === "string",
              )
              .map((d) => ({
                type: d.type,
                value: new Uint8Array(Buffer.from(typeof d.value === "string" ? d.value : "", "base64")),
                ...(d.debug !== undefined ? { debug: d.debug as never } : {}),
              }))
          : [];
        const error = new ConnectError(typeof parsed.message === "string" ? parsed.message : "", code);
        error.details.push(...details);
        return error;
      }
    } catch {
      // not a Connect error body: described below
    }
  }
  return new ConnectError(
    `${methodName}: HTTP ${status} without a Connect error body (${contentType || "no content type"}): ${preview(text)}`,
    codeOfHttpStatus(status),
  );
}

/** The first characters of a body, on one line, for messages. */
function preview(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return "empty body";
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 120)}…` : flat);
}
