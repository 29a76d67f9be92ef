/** One Connect unary JSON call over HTTP/1.1 with a per-call timeout, timed for the benchmark. */
import { Agent, request } from "node:http";

/** What came back from one call (or why nothing did). */
export interface CallResult {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** Milliseconds from sending the request to the last byte of the answer. */
  readonly ms: number;
  /** Set when there is no HTTP answer: a timeout or a connection error. */
  readonly transportError?: string;
  readonly timedOut?: boolean;
}

/** A keep-alive connection pool for one run. */
export function createAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 64 });
}

/** POSTs `body` to `<base>/<service>/<method>` as `application/json`. */
export function call(
  agent: Agent,
  base: string,
  path: string,
  body: string,
  timeoutMs: number,
): Promise<CallResult> {
  const started = performance.now();
  return new Promise((done) => {
    let settled = false;
    const finish = (r: Omit<CallResult, "ms">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done({ ...r, ms: performance.now() - started });
    };
    const req = request(
      `${base}${path}`,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "connect-protocol-version": "1",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          finish({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", (e) => finish({ status: 0, contentType: "", body: "", transportError: e.message }));
      },
    );
    const timer = setTimeout(() => {
      finish({
        status: 0,
        contentType: "",
        body: "",
        transportError: `no answer within ${timeoutMs} ms`,
        timedOut: true,
      });
      req.destroy();
    }, timeoutMs);
    req.on("error", (e) => finish({ status: 0, contentType: "", body: "", transportError: e.message }));
    req.end(body);
  });
}
