/**
 * connect-node with the boundary in front: a `node:http` handler like connect-node's
 * `connectNodeAdapter`, that reads a unary Connect JSON request body once, runs the guards and
 * validation on it, and hands the parsed (repaired) value to connect-es, so protobuf-es reads the
 * request from the value without parsing the body a second time.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  type ConnectRouterOptions,
  type ContextValues,
  createConnectRouter,
  type Interceptor,
} from "@connectrpc/connect";
import { universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import type { Boundary } from "./guard/engine.js";
import { REQUEST_ID_HEADER, type ServerErrorContext } from "./json-service.js";
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
  // The error policy runs outermost, so it also sees what the caller's interceptors throw.
  const router = createConnectRouter({
    ...options,
    interceptors: [serverErrorInterceptor({ onError: options.onError }), ...(options.interceptors ?? [])],
  });
  options.routes(router);
  const prefix = options.requestPathPrefix ?? "";
  const paths = new Map<string, (typeof router.handlers)[number]>();
  const boundary = options.boundary;
  for (const h of router.handlers) {
    paths.set(prefix + h.requestPath, h);
    if (boundary && h.method.methodKind === "unary" && !boundary.has(h.method.input.typeName)) {
      throw new TypeError(
        `${h.service.typeName}/${h.method.name}: the boundary has no wire schema for ${h.method.input.typeName}; pass the schemas of gen/schema`,
      );
    }
  }
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
      let parsed: unknown;
      if (boundary && handler.method.methodKind === "unary") {
        const contentType = (header(req, "content-type").split(";")[0] ?? "").trim().toLowerCase();
        const encoding = header(req, "content-encoding").toLowerCase();
        if (
          req.method === "POST" &&
          contentType === "application/json" &&
          (encoding === "" || encoding === "identity")
        ) {
          const body = await readBody(req, boundary.limits.maxBodyBytes);
          parsed = boundary.check(handler.method.input.typeName, body, site).value;
        } else if (req.method === "GET") {
          const url = new URL(req.url ?? "/", "http://localhost");
          const message = url.searchParams.get("message");
          if (url.searchParams.get("encoding") === "json" && message !== null) {
            const text =
              url.searchParams.get("base64") === "1"
                ? Buffer.from(message, "base64url").toString("utf8")
                : message;
            const result = boundary.check(handler.method.input.typeName, text, site);
            if (result.findings.length > 0) {
              url.searchParams.set("message", JSON.stringify(result.value));
              url.searchParams.delete("base64");
              req.url = url.pathname + url.search;
            }
          }
        }
      }
      const uReq = universalRequestFromNodeRequest(req, res, parsed as never, options.contextValues?.(req));
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
        if (e.code === Code.ResourceExhausted) res.setHeader("connection", "close");
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

/** Reads a request body, failing with `resource_exhausted` as soon as it exceeds `max` bytes. */
export async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
  const declared = Number(header(req, "content-length"));
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    throw tooLarge(max);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) {
      req.resume();
      throw tooLarge(max);
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

function tooLarge(max: number): ConnectError {
  const e = new ConnectError(`request body exceeds ${max} bytes [body_too_large]`, Code.ResourceExhausted);
  (e as ConnectError & { violations?: unknown }).violations = [
    {
      path: "",
      code: "body_too_large",
      expected: `at most ${max} bytes`,
      found: "a larger body",
      fix: "send smaller payloads (page through lists) or raise maxBodyBytes",
      message: `/: expected at most ${max} bytes, found a larger body`,
    },
  ];
  return e;
}
