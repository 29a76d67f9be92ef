/**
 * connect-node with the boundary in front: a `node:http` handler like connect-node's
 * `connectNodeAdapter`, that reads a unary Connect JSON request body once, runs the guards and
 * validation on it, and hands the parsed (repaired) value to connect-es, so protobuf-es reads the
 * request from the value without parsing the body a second time.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { fromBinary } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  type ConnectRouterOptions,
  type ContextValues,
  createConnectRouter,
  type Interceptor,
} from "@connectrpc/connect";
import { createAsyncIterable } from "@connectrpc/connect/protocol";
import { universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import { Admission, bodyTooLarge, queryParamBytes } from "./admission.js";
import type { Boundary } from "./guard/engine.js";
import { REQUEST_ID_HEADER, type ServerErrorContext } from "./json-service.js";
import { type Limits, resolveLimits } from "./limits.js";
import { currentRequestId, requestIdOf, withRequestId } from "./request-id.js";
import { internalError, reportServerError, writeError } from "./server.js";

/** Options of {@link createGuardedNodeAdapter}: connect-node's adapter options plus the boundary. */
export interface GuardedNodeAdapterOptions extends ConnectRouterOptions {
  /** Registers the services (e.g. `(router) => registerOrderService(router, impl)`). */
  readonly routes: (router: ConnectRouter) => void;
  /** Guards and validation; without it the adapter only handles request ids (the runtime is off). */
  readonly boundary?: Boundary | undefined;
  /** Requests for other paths (default: 404). */
  readonly fallback?: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /** A prefix of every request path, e.g. `/api`. */
  readonly requestPathPrefix?: string;
  readonly contextValues?: (req: IncomingMessage) => ContextValues;
  /**
   * Called for every error a handler (or an interceptor) throws that is not a ConnectError; the client
   * gets only `internal error (request id …)`. Replaces the default log, one line on stderr
   * (`logServerError`).
   */
  readonly onError?: ((error: unknown, context: ServerErrorContext) => void) | undefined;
  /**
   * Server limits (runtime/limits.ts): body size (the boundary's `maxBodyBytes` when there is one),
   * concurrent requests, bytes of bodies held at once, the time share of large bodies.
   */
  readonly limits?: Partial<Limits> | undefined;
  /**
   * Serve unary `application/proto` requests (default true): read within `maxBodyBytes` and the server's
   * admission limits, read by protobuf-es once before connect-es does so that a malformed body is
   * `invalid_argument`, not `internal`. The guards read JSON only (PHP speaks JSON): `false` refuses
   * binary requests with `invalid_argument`, so nothing reaches a handler unguarded.
   */
  readonly acceptBinary?: boolean | undefined;
}

/** Options of {@link serverErrorInterceptor}. */
export interface ServerErrorInterceptorOptions {
  /** Receives each unexpected error instead of the default log (see {@link GuardedNodeAdapterOptions}). */
  readonly onError?: ((error: unknown, context: ServerErrorContext) => void) | undefined;
}

/**
 * The runtime's error policy as a connect interceptor for servers: an error that is not a ConnectError
 * is reported to `onError` (or logged on stderr) and becomes `internal error (request id …)`, without
 * its message; ConnectErrors pass as they are. `createGuardedNodeAdapter` installs it outermost; add it
 * to connect-node's own `connectNodeAdapter({ interceptors })` to get the same policy there.
 */
export function serverErrorInterceptor(options: ServerErrorInterceptorOptions = {}): Interceptor {
  return (next) => async (req) => {
    const context = (): ServerErrorContext => ({
      service: req.service.typeName,
      method: req.method.name,
      requestId: currentRequestId() ?? requestIdOf(req.header.get(REQUEST_ID_HEADER)),
    });
    const convert = (e: unknown): unknown => {
      // After a cancel or the deadline, connect answers with the signal's reason; no server error.
      if (e instanceof ConnectError || req.signal.aborted) return e;
      const ctx = context();
      reportServerError(options.onError, e, ctx);
      return internalError(ctx.requestId);
    };
    let res: Awaited<ReturnType<typeof next>>;
    try {
      res = await next(req);
    } catch (e) {
      throw convert(e);
    }
    if (!res.stream) return res;
    // A streaming response fails while it is read: apply the policy to its messages too.
    const messages = res.message;
    return {
      ...res,
      message: (async function* () {
        try {
          yield* messages;
        } catch (e) {
          throw convert(e);
        }
      })(),
    };
  };
}

/** A `node:http` request handler serving connect routes with the boundary in front of protobuf-es. */
export function createGuardedNodeAdapter(
  options: GuardedNodeAdapterOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const boundary = options.boundary;
  const limits = resolveLimits(options.limits);
  const maxBody = boundary ? boundary.limits.maxBodyBytes : limits.maxBodyBytes;
  const admission = new Admission({ ...limits, maxBodyBytes: maxBody });
  // The error policy runs outermost, so it also sees what the caller's interceptors throw. Bodies
  // connect reads itself (streams) are bounded by readMaxBytes.
  const router = createConnectRouter({
    readMaxBytes: maxBody,
    ...options,
    interceptors: [serverErrorInterceptor({ onError: options.onError }), ...(options.interceptors ?? [])],
  });
  options.routes(router);
  const prefix = options.requestPathPrefix ?? "";
  const paths = new Map<string, (typeof router.handlers)[number]>();
  for (const h of router.handlers) {
    paths.set(prefix + h.requestPath, h);
    if (boundary && h.method.methodKind === "unary" && !boundary.has(h.method.input.typeName)) {
      throw new TypeError(
        `${h.service.typeName}/${h.method.name}: the boundary has no wire schema for ${h.method.input.typeName}; pass the schemas of gen/schema`,
      );
    }
  }
  const acceptBinary = options.acceptBinary ?? true;
  return (req, res) => {
    const path = (req.url ?? "").split("?", 2)[0] ?? "";
    const handler = paths.get(path);
    if (!handler) {
      if (options.fallback) return options.fallback(req, res);
      res.writeHead(404);
      res.end();
      return;
    }
    const requestId = requestIdOf(header(req, REQUEST_ID_HEADER));
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const site = {
      service: handler.service.typeName,
      method: handler.method.name,
      direction: "request" as const,
    };
    const run = async () => {
      const leave = admission.enter();
      res.once("close", leave);
      let parsed: unknown;
      let binary: Uint8Array | undefined;
      if (handler.method.methodKind === "unary") {
        const contentType = (header(req, "content-type").split(";")[0] ?? "").trim().toLowerCase();
        const encoding = header(req, "content-encoding").trim().toLowerCase();
        if (encoding !== "" && encoding !== "identity") {
          throw new ConnectError(
            `content encoding ${JSON.stringify(encoding)} is not accepted: send the body uncompressed`,
            Code.InvalidArgument,
          );
        }
        if (req.method === "POST" && contentType === "application/json") {
          // Read here, bounded, strict UTF-8; connect-es gets the parsed value.
          const { bytes, release } = await admission.readBody(req);
          try {
            parsed = admission.timed(bytes.byteLength, () =>
              boundary ? boundary.check(handler.method.input.typeName, bytes, site).value : parsePlain(bytes),
            );
          } finally {
            release();
          }
        } else if (req.method === "POST" && contentType === "application/proto") {
          if (!acceptBinary) {
            throw new ConnectError(
              "content type application/proto is not accepted: this server guards Connect JSON (application/json); set acceptBinary to serve binary clients",
              Code.InvalidArgument,
            );
          }
          const { bytes, release } = await admission.readBody(req);
          try {
            // protobuf-es reads it here first, so a malformed body is the client's error, not `internal`.
            admission.timed(bytes.byteLength, () => fromBinary(handler.method.input, bytes));
            binary = bytes;
          } catch (e) {
            throw new ConnectError(
              `request body is not a ${handler.method.input.typeName} in the protobuf binary format: ${e instanceof Error ? e.message : String(e)}`,
              Code.InvalidArgument,
            );
          } finally {
            release();
          }
        } else if (req.method === "GET") {
          const url = new URL(req.url ?? "/", "http://localhost");
          const compression = url.searchParams.get("compression");
          if (compression !== null && compression !== "identity") {
            throw new ConnectError(
              `compression ${JSON.stringify(compression)} is not accepted: send the message uncompressed`,
              Code.InvalidArgument,
            );
          }
          const raw = queryParamBytes(req.url ?? "", "message");
          if (url.searchParams.get("encoding") === "json" && raw !== undefined) {
            // The message's bytes, not URLSearchParams' text: invalid UTF-8 is refused, as in a POST body.
            const bytes =
              url.searchParams.get("base64") === "1"
                ? Buffer.from(Buffer.from(raw).toString("latin1"), "base64url")
                : raw;
            if (boundary) {
              const result = boundary.check(handler.method.input.typeName, bytes, site);
              if (result.findings.length > 0) {
                url.searchParams.set("message", JSON.stringify(result.value));
                url.searchParams.delete("base64");
                req.url = url.pathname + url.search;
              }
            } else parsePlain(bytes);
          }
        }
      }
      let uReq = universalRequestFromNodeRequest(req, res, parsed as never, options.contextValues?.(req));
      if (binary) uReq = { ...uReq, body: createAsyncIterable([binary]) };
      const uRes = await handler(uReq);
      await universalResponseToNodeResponse(uRes, res);
    };
    withRequestId(requestId, run).catch((e: unknown) => {
      // A read that failed because the client went away (ECONNRESET) is no server error either.
      const gone = res.destroyed && !res.writableFinished;
      if (!(e instanceof ConnectError) && !gone) {
        reportServerError(options.onError, e, { service: site.service, method: site.method, requestId });
      }
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof ConnectError) {
        if (e.code === Code.ResourceExhausted) {
          // The rest of a refused body is not read: drop it with the connection once the answer is out.
          res.setHeader("connection", "close");
          res.once("finish", () => req.socket?.destroy());
        }
        writeError(res, e, requestId);
      } else {
        writeError(res, internalError(requestId), requestId);
      }
    });
  };
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** A JSON body without a boundary: strict UTF-8 and JSON, each failure the client's (`invalid_argument`). */
function parsePlain(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = strictDecoder.decode(bytes);
  } catch {
    throw new ConnectError("request body is not valid UTF-8 [invalid_utf8]", Code.InvalidArgument);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConnectError(
      `request body is not JSON: ${e instanceof RangeError ? "nesting too deep" : (e as Error).message}`,
      Code.InvalidArgument,
    );
  }
}

/**
 * Reads a request body, failing with `resource_exhausted` as soon as it exceeds `max` bytes.
 * @deprecated servers read bodies through their `Admission` (runtime/admission.ts), which also bounds
 * the bytes all requests hold together; kept for callers of earlier versions.
 */
export async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
  const declared = Number(header(req, "content-length"));
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    throw bodyTooLarge(max);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) {
      req.resume();
      throw bodyTooLarge(max);
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}
