/**
 * The HTTP server's own bounds (runtime/limits.ts): time to send headers, time to send a whole request,
 * idle keep-alive time, head size and the number of connections. Node's defaults (a 300 s request
 * timeout, checks every 30 s, no connection cap) let stalled bodies and connection floods hold a server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type Limits, resolveLimits } from "./limits.js";

/** The limits {@link hardenServer} and {@link createContractServer} apply. */
export type ServerLimits = Pick<
  Limits,
  "headersTimeoutMs" | "requestTimeoutMs" | "keepAliveTimeoutMs" | "maxConnections" | "maxHeaderBytes"
>;

/**
 * Applies the limits to an existing `node:http` server: headers, request and keep-alive timeouts and
 * the connection cap. The head size (`maxHeaderBytes`) and how often timeouts are checked can only be
 * set when the server is created: prefer {@link createContractServer}.
 */
export function hardenServer<S extends Server>(server: S, limits: Partial<Limits> = {}): S {
  const l = resolveLimits(limits);
  server.headersTimeout = l.headersTimeoutMs;
  server.requestTimeout = l.requestTimeoutMs;
  server.keepAliveTimeout = l.keepAliveTimeoutMs;
  server.maxConnections = l.maxConnections;
  return server;
}

/**
 * A `node:http` server with the limits of runtime/limits.ts applied (a request's headers within 10 s,
 * the whole request within 30 s, idle keep-alive connections closed after 5 s, heads up to 16 KiB,
 * 1,024 connections, timeouts checked every second). Pass the handler of `createJsonServiceHandler` or
 * `createGuardedNodeAdapter`:
 *
 * ```ts
 * createContractServer(createJsonServiceHandler(services, { boundary })).listen(8080);
 * ```
 */
export function createContractServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  limits: Partial<Limits> = {},
): Server {
  const l = resolveLimits(limits);
  const server = createServer(
    {
      maxHeaderSize: l.maxHeaderBytes,
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: l.requestTimeoutMs,
      keepAliveTimeout: l.keepAliveTimeoutMs,
      // Node checks the two timeouts above every 30 s by default: a stalled request would live ~30 s longer.
      connectionsCheckingInterval: Math.max(100, Math.min(1000, l.headersTimeoutMs / 2)),
    },
    handler,
  );
  return hardenServer(server, limits);
}
