/**
 * A Connect transport for TypeScript clients of PHP servers: Connect protocol, JSON codec, HTTP/1.1
 * (what PHP speaks), with the boundary checking every unary response body before protobuf-es reads it,
 * and the current request id sent on every call.
 */
import type { DescService } from "@bufbuild/protobuf";
import { Code, type Interceptor, type Transport } from "@connectrpc/connect";
import type { UniversalClientFn, UniversalClientResponse } from "@connectrpc/connect/protocol";
import { createTransport } from "@connectrpc/connect/protocol-connect";
import { createNodeHttpClient } from "@connectrpc/connect-node";
import type { Boundary } from "./guard/engine.js";
import { BoundaryError } from "./guard/errors.js";
import { PITFALLS } from "./guard/pitfalls.js";
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
  readonly defaultTimeoutMs?: number;
}

/** Creates the transport; pass it to `createClient` or the generated `create<Service>Client`. */
export function createGuardedConnectTransport(options: GuardedTransportOptions): Transport {
  const inner = createNodeHttpClient({ httpVersion: "1.1" });
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
    const contentType = (response.header.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (!boundary || !target || response.status !== 200 || response.header.has("content-encoding")) {
      return response;
    }
    const max = boundary.limits.maxBodyBytes;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > max) {
        const found = `more than ${max} bytes`;
        throw new BoundaryError(
          `response of ${target.service}/${target.method}`,
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
      }
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    const result = boundary.check(target.type, bytes, {
      service: target.service,
      method: target.method,
      direction: "response",
    });
    const body = result.findings.length > 0 ? new TextEncoder().encode(JSON.stringify(result.value)) : bytes;
    // A 200 answer is classified whatever its content type (an HTML page, PHP output before the JSON).
    const header = new Headers(response.header);
    if (contentType !== "application/json") header.set("content-type", "application/json");
    header.set("content-length", String(body.byteLength));
    const guarded: UniversalClientResponse = {
      status: response.status,
      header,
      trailer: response.trailer,
      body: (async function* () {
        yield body;
      })(),
    };
    return guarded;
  };
  return createTransport({
    httpClient,
    baseUrl: options.baseUrl,
    useBinaryFormat: false,
    interceptors: [requestIdInterceptor(), ...(options.interceptors ?? [])],
    acceptCompression: [],
    sendCompression: null,
    compressMinBytes: 1024,
    readMaxBytes: 0xffffffff,
    writeMaxBytes: 0xffffffff,
    useHttpGet: options.useHttpGet ?? false,
    ...(options.defaultTimeoutMs !== undefined ? { defaultTimeoutMs: options.defaultTimeoutMs } : {}),
  });
}
