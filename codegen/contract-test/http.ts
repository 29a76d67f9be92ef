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
  /** Set when the call was not sent: the implementation was marked down (see {@link MARK_DOWN_AFTER}). */
  readonly markedDown?: boolean;
}

/**
 * Consecutive timeouts after which an implementation is marked down for the rest of the run: its later
 * calls fail at once with one clear message instead of each waiting out the call timeout (a hung shop
 * implementation otherwise made a run take cases × timeout, about 16 minutes). Any answer in between
 * resets the count.
 */
export const MARK_DOWN_AFTER = 5;

interface Health {
  timeouts: number;
  down: string | undefined;
}

// Per run (one agent per run) and per implementation (base URL).
const healthOf = new WeakMap<Agent, Map<string, Health>>();

function health(agent: Agent, base: string): Health {
  const byBase = healthOf.get(agent) ?? new Map<string, Health>();
  healthOf.set(agent, byBase);
  const h = byBase.get(base) ?? { timeouts: 0, down: undefined };
  byBase.set(base, h);
  return h;
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
  const h = health(agent, base);
  if (h.down !== undefined)
    return { status: 0, contentType: "", body: "", ms: 0, transportError: h.down, markedDown: true };
  const first = await attempt(agent, base, path, body, timeoutMs);
  const result = first.staleSocket
    ? (await attempt(agent, base, path, body, timeoutMs)).result
    : first.result;
  if (result.timedOut) {
    if (++h.timeouts >= MARK_DOWN_AFTER && h.down === undefined)
      h.down = `not sent: the implementation at ${base} was marked down after ${h.timeouts} consecutive calls got no answer within ${timeoutMs} ms`;
  } else if (result.transportError === undefined) {
    h.timeouts = 0;
  }
  return result;
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
