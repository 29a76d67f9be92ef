/**
 * A Connect transport for TypeScript clients of PHP servers: Connect protocol, JSON codec, HTTP/1.1
 * (what PHP speaks), with the boundary checking every unary response body before protobuf-es reads it,
 * and the current request id sent on every call.
 */
import type { DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor, type Transport } from "@connectrpc/connect";
import type { UniversalClientFn, UniversalClientResponse } from "@connectrpc/connect/protocol";
import { createTransport } from "@connectrpc/connect/protocol-connect";
import { createNodeHttpClient } from "@connectrpc/connect-node";
import { refuseErrorAsSuccess, refuseErrorBody } from "./client.js";
import type { Boundary } from "./guard/engine.js";
import { BoundaryError } from "./guard/errors.js";
import { PITFALLS } from "./guard/pitfalls.js";
import { LIMITS, type Limits } from "./limits.js";
import { requestIdInterceptor } from "./request-id.js";

/** Options of {@link createGuardedConnectTransport}. */
export interface GuardedTransportOptions {
  /** Base URL of the PHP server, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** Guards and validation of responses; without it responses are passed on unchecked. */
  readonly boundary?: Boundary | undefined;
  /** The services called through this transport (to know the response type of each path). */
  readonly services: readonly DescService[];
  readonly interceptors?: readonly Interceptor[];
  /** Use HTTP GET for methods without side effects. */
  readonly useHttpGet?: boolean;
  /**
   * Deadline of every call unless the call sets `timeoutMs` (default `LIMITS.clientTimeoutMs`, 30 s;
   * 0 turns it off).
   */
  readonly defaultTimeoutMs?: number;
  /** Response bounds (defaults in runtime/limits.ts). */
  readonly limits?: Partial<Pick<Limits, "maxResponseBytes" | "maxErrorBodyBytes" | "maxHeaderBytes">>;
}

/**
 * Creates the transport; pass it to `createClient` or the generated `create<Service>Client`. Every
 * response is read within the bounds of runtime/limits.ts, with or without a boundary: a 200 body
 * beyond `maxResponseBytes` is `resource_exhausted`, an error body is read up to `maxErrorBodyBytes`,
 * a redirect or a compressed answer (none is offered) is `internal`, a 200 body must be UTF-8 and
 * must not be a Connect error JSON (`internal`, a protocol error), every call has a deadline.
 */
export function createGuardedConnectTransport(options: GuardedTransportOptions): Transport {
  const limits = options.limits ?? {};
  const maxResponse =
    limits.maxResponseBytes ?? options.boundary?.limits.maxBodyBytes ?? LIMITS.maxResponseBytes;
  const maxError = limits.maxErrorBodyBytes ?? LIMITS.maxErrorBodyBytes;
  const inner = createNodeHttpClient({
    httpVersion: "1.1",
    nodeOptions: { maxHeaderSize: limits.maxHeaderBytes ?? LIMITS.maxHeaderBytes },
  });
  const outputs = new Map<string, { type: string; service: string; method: string }>();
  for (const s of options.services) {
    for (const m of s.methods) {
      if (options.boundary && !options.boundary.has(m.output.typeName)) {
        throw new TypeError(
          `${s.typeName}/${m.name}: the boundary has no wire schema for ${m.output.typeName}; pass the schemas of gen/schema`,
        );
      }
    }
    for (const m of s.methods)
      outputs.set(`/${s.typeName}/${m.name}`, {
        type: m.output.typeName,
        service: s.typeName,
        method: m.name,
      });
  }
  const boundary = options.boundary;
  const httpClient: UniversalClientFn = async (request) => {
    const response = await inner(request);
    const path = new URL(request.url).pathname;
    const target = [...outputs].find(([p]) => path.endsWith(p))?.[1];
    const what = target ? `${target.service}/${target.method}` : path;
    const status = response.status;
    if (status >= 300 && status < 400) {
      drain(response.body);
      const location = response.header.get("location");
      throw new ConnectError(
        `${what}: the server answered HTTP ${status}, a redirect to ${location === null ? "no location" : JSON.stringify(location.slice(0, 200))}; clients do not follow redirects (point baseUrl at the final address)`,
        Code.Internal,
      );
    }
    const encoding = (response.header.get("content-encoding") ?? "identity").trim().toLowerCase();
    if (encoding !== "identity" && encoding !== "") {
      drain(response.body);
      throw new ConnectError(
        `${what}: the server sent a ${JSON.stringify(encoding)}-encoded response, but the client asked for no compression (identity)`,
        Code.Internal,
      );
    }
    const contentType = (response.header.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    // Streaming responses (connect+json) are bounded per message by connect (readMaxBytes).
    if (contentType?.startsWith("application/connect+")) return response;
    const ok = status === 200;
    const { bytes, truncated } = await readAll(
      response.body,
      ok ? maxResponse : maxError,
      ok,
      what,
      request.signal,
    );
    const header = new Headers(response.header);
    let body: Uint8Array = bytes;
    if (ok) {
      if (boundary && target) {
        refuseErrorBody(what, bytes);
        const result = boundary.check(target.type, bytes, {
          service: target.service,
          method: target.method,
          direction: "response",
        });
        // Re-serialised only when something was repaired.
        if (result.findings.length > 0) body = new TextEncoder().encode(JSON.stringify(result.value));
        // A 200 answer is classified whatever its content type (an HTML page, PHP output before the JSON).
        if (contentType !== "application/json") header.set("content-type", "application/json");
      } else if (contentType === "application/json") {
        let value: unknown;
        try {
          value = JSON.parse(strictDecoder.decode(bytes));
        } catch (e) {
          throw new ConnectError(
            e instanceof TypeError
              ? `${what}: the response is not valid UTF-8 (${bytes.byteLength} bytes) [invalid_utf8]`
              : `${what}: the response is not JSON: ${(e as Error).message}`,
            Code.Internal,
          );
        }
        refuseErrorAsSuccess(what, value);
      }
    } else if (truncated) {
      header.delete("content-length");
    }
    header.set("content-length", String(body.byteLength));
    const guarded: UniversalClientResponse = {
      status,
      header,
      trailer: response.trailer,
      body: (async function* () {
        yield body;
      })(),
    };
    return guarded;
  };
  const timeout = options.defaultTimeoutMs ?? LIMITS.clientTimeoutMs;
  return createTransport({
    httpClient,
    baseUrl: options.baseUrl,
    useBinaryFormat: false,
    interceptors: [requestIdInterceptor(), ...(options.interceptors ?? [])],
    acceptCompression: [],
    sendCompression: null,
    compressMinBytes: 1024,
    readMaxBytes: maxResponse,
    writeMaxBytes: 0xffffffff,
    useHttpGet: options.useHttpGet ?? false,
    ...(timeout > 0 && Number.isFinite(timeout) ? { defaultTimeoutMs: timeout } : {}),
  });
}

const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** Stops reading a body nobody will read (the socket is released). */
function drain(body: AsyncIterable<Uint8Array>): void {
  const it = body[Symbol.asyncIterator]();
  it.return?.().catch(() => {});
}

/**
 * Reads a body chunk by chunk, failing with `resource_exhausted` past `max` (`fail`) or keeping its
 * first `max` bytes (`truncated`); a read cut by the call's signal fails with the signal's reason.
 */
async function readAll(
  body: AsyncIterable<Uint8Array>,
  max: number,
  fail: boolean,
  what: string,
  signal: AbortSignal | undefined,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  const it = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await it.next();
      if (next.done) break;
      const chunk = next.value;
      if (size + chunk.byteLength > max) {
        if (fail) throw boundaryTooLarge(what, max);
        chunks.push(chunk.subarray(0, max - size));
        size = max;
        truncated = true;
        break;
      }
      chunks.push(chunk);
      size += chunk.byteLength;
    }
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw e;
  } finally {
    if (truncated) it.return?.().catch(() => {});
  }
  return { bytes: chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks), truncated };
}

/** The boundary's error for a response beyond the limit (a BoundaryError with `body_too_large`). */
const boundaryTooLarge = (what: string, max: number): BoundaryError => {
  const found = `more than ${max} bytes`;
  return new BoundaryError(
    `response of ${what}`,
    [
      {
        path: "",
        code: "body_too_large",
        expected: `at most ${max} bytes`,
        found,
        fix: PITFALLS.body_too_large.fix,
        message: `/: expected at most ${max} bytes, found ${found}`,
      },
    ],
    Code.ResourceExhausted,
  );
};
