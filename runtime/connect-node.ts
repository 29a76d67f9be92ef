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
} from "@connectrpc/connect";
import { universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import type { Boundary } from "./guard/engine.js";
import { REQUEST_ID_HEADER } from "./json-service.js";
import { requestIdOf, withRequestId } from "./request-id.js";
import { writeError } from "./server.js";

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
}

/** A `node:http` request handler serving connect routes with the boundary in front of protobuf-es. */
export function createGuardedNodeAdapter(
  options: GuardedNodeAdapterOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const router = createConnectRouter(options);
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
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof ConnectError) {
        if (e.code === Code.ResourceExhausted) res.setHeader("connection", "close");
        writeError(res, e, requestId);
      } else {
        writeError(res, new ConnectError("internal error", Code.Internal), requestId);
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
