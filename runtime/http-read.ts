/**
 * Reading an HTTP response with bounds applied while it is read: the body is counted chunk by chunk (on
 * the wire and, when compression is on, decompressed), redirects are never followed, an encoding the
 * client did not ask for is refused before a byte is decompressed. Used by the JSON Schema client; the
 * proto transport applies the same rules to connect-node's responses (`readBounded`).
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import {
  type BrotliDecompress,
  createBrotliDecompress,
  createGunzip,
  createInflate,
  type Gunzip,
} from "node:zlib";
import { Code, ConnectError } from "@connectrpc/connect";

/** Bounds of one response (see runtime/limits.ts). */
export interface ResponseBounds {
  /** Largest 200 body, on the wire and decompressed. */
  readonly maxResponseBytes: number;
  /** Largest error body read; the rest is dropped (`truncated`). */
  readonly maxErrorBodyBytes: number;
  /** Largest response head. */
  readonly maxHeaderBytes: number;
  /** Largest decompressed / compressed ratio (checked once 64 KiB are out). */
  readonly maxDecompressionRatio: number;
  /** Whether gzip, deflate and br were offered (`accept-encoding`); otherwise any encoding is refused. */
  readonly compression: boolean;
}

/** A response read within its bounds. */
export interface BoundedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
  /** An error body longer than `maxErrorBodyBytes`: only its start was read. */
  readonly truncated: boolean;
}

/** The `accept-encoding` a client sends. */
export function acceptEncoding(compression: boolean): string {
  return compression ? "gzip, br, deflate" : "identity";
}

/** `resource_exhausted`: a response beyond a limit (the server's answer is too large). */
export function responseTooLarge(what: string, max: number, found: string): ConnectError {
  return new ConnectError(
    `${what}: the response exceeds the limit of ${max} bytes (${found}) [body_too_large]`,
    Code.ResourceExhausted,
  );
}

/**
 * A request/response over node:http(s), read within `bounds`. Rejects with a ConnectError for a
 * bound (`resource_exhausted`) or an encoding that was not offered (`internal`), with the signal's
 * reason when it aborts, and with the socket's error when the connection fails.
 */
export function boundedRequest(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: Uint8Array | undefined },
  signal: AbortSignal,
  bounds: ResponseBounds,
  what: string,
): Promise<BoundedResponse> {
  return new Promise<BoundedResponse>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(url, {
      method: init.method,
      headers: init.headers,
      maxHeaderSize: bounds.maxHeaderBytes,
    });
    let settled = false;
    const onAbort = () => finish(signal.reason);
    const finish = (error: unknown, value?: BoundedResponse) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (error !== undefined) {
        req.destroy();
        reject(error);
      } else resolve(value as BoundedResponse);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    req.on("error", (e) => finish(e));
    req.on("response", (res) => {
      readResponse(res, bounds, what).then(
        (r) => finish(undefined, r),
        (e: unknown) => {
          res.destroy();
          finish(e);
        },
      );
    });
    req.end(init.body);
  });
}

/** Reads a node:http response within the bounds. */
async function readResponse(
  res: IncomingMessage,
  bounds: ResponseBounds,
  what: string,
): Promise<BoundedResponse> {
  const status = res.statusCode ?? 0;
  const headers = toHeaders(res.headers);
  if (status >= 300 && status < 400) {
    res.destroy();
    return { status, headers, body: new Uint8Array(0), truncated: false };
  }
  const ok = status === 200;
  const max = ok ? bounds.maxResponseBytes : bounds.maxErrorBodyBytes;
  const declared = Number(res.headers["content-length"]);
  if (ok && Number.isFinite(declared) && declared > max)
    throw responseTooLarge(what, max, `content-length ${declared}`);
  const encoding = (headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  let decoder: Gunzip | BrotliDecompress | undefined;
  if (encoding !== "identity" && encoding !== "") {
    if (!bounds.compression || !["gzip", "x-gzip", "deflate", "br"].includes(encoding)) {
      throw new ConnectError(
        `${what}: the server sent a ${JSON.stringify(encoding)}-encoded response, but the client asked for ${bounds.compression ? "gzip, br or deflate" : "no compression (identity)"}`,
        Code.Internal,
      );
    }
    decoder =
      encoding === "br"
        ? createBrotliDecompress()
        : encoding === "deflate"
          ? createInflate()
          : createGunzip();
  }
  const out: Buffer[] = [];
  let size = 0;
  let wire = 0;
  let truncated = false;
  const take = (chunk: Buffer): boolean => {
    if (size + chunk.length > max) {
      if (ok) throw responseTooLarge(what, max, decoder ? "decompressed" : "on the wire");
      out.push(chunk.subarray(0, max - size));
      size = max;
      truncated = true;
      return false;
    }
    out.push(chunk);
    size += chunk.length;
    if (decoder && size >= 64 * 1024 && size > wire * bounds.maxDecompressionRatio) {
      throw new ConnectError(
        `${what}: the response decompresses more than ${bounds.maxDecompressionRatio} times its size (${wire} bytes to more than ${size}) [decompression_ratio]`,
        Code.ResourceExhausted,
      );
    }
    return true;
  };
  if (!decoder) {
    for await (const chunk of res) {
      wire += (chunk as Buffer).length;
      if (!take(chunk as Buffer)) break;
    }
  } else {
    const d = decoder;
    await new Promise<void>((resolve, reject) => {
      let done = false;
      const stop = (e?: unknown) => {
        if (done) return;
        done = true;
        res.destroy();
        d.destroy();
        if (e !== undefined) reject(e);
        else resolve();
      };
      d.on("data", (chunk: Buffer) => {
        try {
          if (!take(chunk)) stop();
        } catch (e) {
          stop(e);
        }
      });
      d.on("end", () => stop());
      d.on("error", (e) =>
        stop(
          new ConnectError(
            `${what}: the ${encoding} response does not decompress: ${e.message}`,
            Code.Internal,
          ),
        ),
      );
      res.on("data", (chunk: Buffer) => {
        wire += chunk.length;
        if (wire > max) {
          if (ok) stop(responseTooLarge(what, max, "compressed, on the wire"));
          else stop();
          return;
        }
        // Backpressure: a decoder that is behind pauses the socket.
        if (!d.write(chunk)) {
          res.pause();
          d.once("drain", () => res.resume());
        }
      });
      res.on("end", () => d.end());
      res.on("error", (e) => stop(e));
      res.on("aborted", () => stop(new Error("the connection closed while the response was read")));
    });
  }
  if (truncated) res.destroy();
  return { status, headers, body: out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out), truncated };
}

function toHeaders(h: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else headers.set(k, v);
  }
  return headers;
}

/**
 * Reads a `Response` of a caller-supplied fetch within the bounds (no decompression of its own: fetch
 * has decoded the body already, so the limit counts decoded bytes).
 */
export async function readFetchResponse(
  response: Response,
  bounds: ResponseBounds,
  what: string,
): Promise<BoundedResponse> {
  const status = response.status;
  const ok = status === 200;
  const max = ok ? bounds.maxResponseBytes : bounds.maxErrorBodyBytes;
  const out: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  const reader = response.body?.getReader();
  if (reader) {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (size + value.byteLength > max) {
          if (ok) throw responseTooLarge(what, max, "decoded by fetch");
          out.push(value.subarray(0, max - size));
          size = max;
          truncated = true;
          break;
        }
        out.push(value);
        size += value.byteLength;
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  }
  return { status, headers: response.headers, body: Buffer.concat(out), truncated };
}
