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

/**
 * The connection pool of one run: a new connection per call. With keep-alive, a server (`php -S` among
 * them) may close an idle socket just as a request goes out on it; resending then can deliver a request
 * the server already handled twice, which changes the answer of stateful methods (a deduplicating
 * TrackEvent answered `duplicate: true`). Loopback connections are cheap; a false divergence is not.
 */
export function createAgent(): Agent {
  return new Agent({ keepAlive: false, maxSockets: 64 });
}

/**
 * POSTs `body` to `<base>/<service>/<method>` as `application/json`. A request that fails on a reused
 * keep-alive socket before any answer (the server closed it at the same moment) is sent once more on a
 * new connection: that is the keep-alive race, not an answer of the implementation.
 */
export async function call(
  agent: Agent,
  base: string,
  path: string,
  body: string,
  timeoutMs: number,
): Promise<CallResult> {
  const first = await attempt(agent, base, path, body, timeoutMs);
  if (!first.staleSocket) return first.result;
  return (await attempt(agent, base, path, body, timeoutMs)).result;
}

function attempt(
  agent: Agent,
  base: string,
  path: string,
  body: string,
  timeoutMs: number,
): Promise<{ result: CallResult; staleSocket: boolean }> {
  const started = performance.now();
  return new Promise((done) => {
    let settled = false;
    let answered = false;
    const finish = (r: Omit<CallResult, "ms">, stale = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done({ result: { ...r, ms: performance.now() - started }, staleSocket: stale });
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
        answered = true;
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
    req.on("error", (e) =>
      finish(
        { status: 0, contentType: "", body: "", transportError: e.message },
        !answered && req.reusedSocket && /ECONNRESET|EPIPE|socket hang up/.test(e.message),
      ),
    );
    req.end(body);
  });
}
