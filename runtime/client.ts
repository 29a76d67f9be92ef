import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { type Boundary, type CheckSite, runValidator } from "./guard/engine.js";
import { BoundaryError } from "./guard/errors.js";
import {
  codeFromString,
  codeOfHttpStatus,
  type JsonCallOptions,
  type JsonClient,
  type JsonMethodDefinition,
  type JsonServiceDefinition,
  REQUEST_ID_HEADER,
} from "./json-service.js";
import { currentRequestId } from "./request-id.js";

/** Options of {@link createJsonClient}; only `baseUrl` is required. */
export interface JsonClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8080` (a path prefix is kept). */
  readonly baseUrl: string;
  /** The fetch implementation (default: the global one). */
  readonly fetch?: typeof globalThis.fetch;
  /** Headers sent with every call. */
  readonly headers?: ConstructorParameters<typeof Headers>[0];
  /** Default deadline of every call, in milliseconds. */
  readonly timeoutMs?: number;
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
 * that breaks the contract carries its violations like a BoundaryError.
 */
export function createJsonClient<S extends JsonServiceDefinition>(
  service: S,
  options: JsonClientOptions,
): JsonClient<S> {
  const client: Record<string, unknown> = {};
  const base = options.baseUrl.replace(/\/+$/, "");
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
      call(`${base}/${service.typeName}/${method.name}`, site, method, request, options, callOptions, guard);
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
  const timeoutMs = callOptions.timeoutMs ?? options.timeoutMs;
  const signals: AbortSignal[] = [];
  if (callOptions.signal) signals.push(callOptions.signal);
  if (timeoutMs !== undefined) {
    headers.set("connect-timeout-ms", String(Math.max(1, Math.floor(timeoutMs))));
    signals.push(AbortSignal.timeout(timeoutMs));
  }
  const body = JSON.stringify(request);
  const useGet = options.useHttpGet === true && method.idempotency === "no_side_effects";
  let target = url;
  const init: RequestInit = { method: useGet ? "GET" : "POST", headers };
  if (useGet) {
    target = `${url}?connect=v1&encoding=json&message=${encodeURIComponent(body)}`;
  } else {
    headers.set("content-type", "application/json");
    init.body = body;
  }
  if (signals.length > 0) init.signal = AbortSignal.any(signals);
  const fetchFn = options.fetch ?? globalThis.fetch;
  let response: Response;
  let text: string;
  let bytes: Uint8Array;
  try {
    response = await fetchFn(target, init);
    bytes = new Uint8Array(await response.arrayBuffer());
    text = guard ? "" : new TextDecoder().decode(bytes);
  } catch (e) {
    if (
      e instanceof Error &&
      (e.name === "TimeoutError" || (e.name === "AbortError" && timeoutMs !== undefined))
    ) {
      throw new ConnectError(
        `${method.name}: deadline of ${timeoutMs} ms exceeded`,
        Code.DeadlineExceeded,
        undefined,
        undefined,
        e,
      );
    }
    if (e instanceof Error && e.name === "AbortError") {
      throw new ConnectError(`${method.name}: call canceled`, Code.Canceled, undefined, undefined, e);
    }
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : "";
    throw new ConnectError(
      `${method.name}: cannot reach ${url}${cause || (e instanceof Error ? `: ${e.message}` : "")}`,
      Code.Unavailable,
      undefined,
      undefined,
      e,
    );
  }
  const contentType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (guard && response.status !== 200) text = new TextDecoder().decode(bytes);
  if (response.status !== 200) throw errorFromResponse(method.name, response.status, contentType, text);
  if (guard) {
    // With the boundary, a 200 answer is classified whatever its content type (HTML, PHP output).
    // Guards and the method's validator in one boundary check (one pass for clean responses).
    const validation = options.validateResponses !== false ? { validator: method.output } : {};
    return guard.boundary.check(guard.outputType, bytes, guard.site, validation).value;
  }
  if (contentType !== "application/json") {
    throw new ConnectError(
      `${method.name}: expected an application/json response, got ${contentType || "no content type"}: ${preview(text)}`,
      Code.Internal,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConnectError(
      `${method.name}: response is not JSON (${(e as Error).message}): ${preview(text)}`,
      Code.Internal,
    );
  }
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
