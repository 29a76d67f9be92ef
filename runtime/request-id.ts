/**
 * Request ids end to end: servers read `x-request-id` (or create one) and run the handler in an async
 * context holding it; clients called from inside a handler send the same id on outbound calls.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { Interceptor } from "@connectrpc/connect";
import { REQUEST_ID_HEADER } from "./json-service.js";

const store = new AsyncLocalStorage<string>();

/** The request id of the call being handled, when called from inside a handler. */
export function currentRequestId(): string | undefined {
  return store.getStore();
}

/** Runs `fn` with `requestId` as the current request id. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return store.run(requestId, fn);
}

/** The id in an incoming header value, or a new one; ids are at most 200 visible ASCII characters. */
export function requestIdOf(header: string | null | undefined): string {
  return header && header.length <= 200 && /^[\x21-\x7e]+$/.test(header) ? header : randomUUID();
}

/**
 * A connect interceptor for clients: an outbound call without an `x-request-id` header gets the id of
 * the call being handled (set by `createJsonServiceHandler` and `createGuardedNodeAdapter`), or a new one.
 */
export function requestIdInterceptor(): Interceptor {
  return (next) => async (req) => {
    if (!req.header.has(REQUEST_ID_HEADER))
      req.header.set(REQUEST_ID_HEADER, currentRequestId() ?? randomUUID());
    return next(req);
  };
}
