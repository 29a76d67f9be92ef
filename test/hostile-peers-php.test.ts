/**
 * Hostile peers of the PHP side (issue #18), with real PHP:
 * - a hostile HTTP server (node:http) against the generated PHP client: huge and endless bodies,
 *   drip-feeding, redirects, invalid UTF-8, a Connect error with HTTP 200, `1e400` in an error body, a
 *   gzip bomb — each a typed ConnectException with bounded PHP memory;
 * - a hostile client against the PHP server under php-fpm + nginx (`contractgen serve-php`): huge,
 *   chunked and costly bodies, slowloris, a connection flood — good requests still succeed;
 * - `kill -9` of `contractgen test`: no implementation process survives it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cp, readdir, readFile, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBinaries } from "../codegen/serve-php/index.js";
import { freePort, generateInto, phpWithCurl } from "./fixtures/php-service/harness.js";
import { CLI, ROOT, removeDir, run, scratchDir } from "./helpers.js";

const FIXTURE = join(ROOT, "test", "fixtures", "php-service");
const hasPhp = await phpWithCurl();
const bins = findBinaries();
const hasFpm = bins.nginx !== undefined && bins.phpFpm !== undefined;
if (hasPhp && !hasFpm)
  console.warn(
    "hostile-peers-php: nginx or php-fpm missing, the php-fpm tests are skipped (apt-get install nginx php8.2-fpm; CI installs them)",
  );

let dir: string;
let gen: string;

beforeAll(async () => {
  if (!hasPhp) return;
  dir = await scratchDir("hostile-peers-php");
  gen = join(dir, "gen");
  await generateInto(
    FIXTURE,
    gen,
    ["php"],
    (f) => !/\/Fixture\/V1\/Echo(Request|Response)\.php$/.test(f.path),
  );
  await cp(join(FIXTURE, "php", "Fixture"), join(gen, "php", "src", "Fixture"), { recursive: true });
});

afterAll(async () => {
  if (dir) await removeDir(dir);
});

/** The hostile server: the first path segment picks the misbehaviour. */
function hostileServer(): Server {
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, " "));
  return createServer((req, res) => {
    const kind = (req.url ?? "/").split("/")[1];
    const stopOnClose = (timer: NodeJS.Timeout) => res.on("close", () => clearInterval(timer));
    req.resume();
    switch (kind) {
      case "huge": // announces 100 MB
        res.writeHead(200, { "content-type": "application/json", "content-length": String(100e6) });
        res.write(`{"text":"${"a".repeat(65_536)}`);
        return;
      case "endless": // chunked, never ends
      case "hugeerror": {
        res.writeHead(kind === "endless" ? 200 : 503, { "content-type": "application/json" });
        res.write('{"text":"');
        const chunk = "x".repeat(256 * 1024);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
        };
        res.on("drain", pump);
        pump();
        return;
      }
      case "drip": {
        res.writeHead(200, { "content-type": "application/json" });
        stopOnClose(setInterval(() => res.write(" "), 100));
        return;
      }
      case "redirect":
        res.writeHead(302, { location: "http://attacker.example/steal" });
        res.end();
        return;
      case "badutf8":
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
        );
        return;
      case "error200":
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"code":"not_found","message":"no such thing"}');
        return;
      case "inf":
        res.writeHead(404, { "content-type": "application/json" });
        res.end(
          '{"code":"not_found","message":"gone","details":[{"type":"x.Y","value":"","debug":{"n":1e400}}]}',
        );
        return;
      case "gzip":
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
        res.end(bomb);
        return;
      default:
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"text":"fine"}');
    }
  });
}

describe.skipIf(!hasPhp)("a hostile server against the generated PHP client", () => {
  let server: Server;
  // biome-ignore lint/suspicious/noExplicitAny: JSON printed by the PHP script
  let out: Record<string, any>;

  beforeAll(async () => {
    server = hostileServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const res = await run(
      "php",
      ["-d", "memory_limit=128M", join(FIXTURE, "hostile-client.php"), `http://127.0.0.1:${port}`],
      { cwd: FIXTURE, env: { ...process.env, GEN_DIR: gen }, timeoutMs: 40_000 },
    );
    if (res.code !== 0)
      throw new Error(`hostile-client.php failed (${res.code}): ${res.stderr}${res.stdout}`);
    out = JSON.parse(res.stdout);
    console.info(
      `hostile-peers-php: PHP client outcomes (code, peak MB, ms): ${Object.entries(out)
        .map(([k, v]) => `${k} ${v.code ?? "ok"} ${v.peakMB} ${v.ms}`)
        .join("; ")}`,
    );
  }, 60_000);

  afterAll(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it.each([
    ["huge", "resource_exhausted", /response body larger than 4194304 bytes/],
    ["endless", "resource_exhausted", /response body larger than 4194304 bytes/],
    ["drip", "deadline_exceeded", /deadline of 1500 ms exceeded/],
    [
      "redirect",
      "internal",
      /HTTP 302 redirect to "http:\/\/attacker\.example\/steal": contractgen clients do not follow redirects/,
    ],
    ["badutf8", "internal", /the body is not valid UTF-8/],
    ["error200", "internal", /protocol error: the server sent a Connect error \(not_found\) with HTTP 200/],
    ["inf", "not_found", /^gone$/],
    [
      "hugeerror",
      "unavailable",
      /HTTP 503 without a Connect error body \(application\/json, larger than 65536 bytes/,
    ],
    ["gzipUnasked", "internal", /not valid UTF-8|invalid JSON/],
    ["gzipBomb", "resource_exhausted", /response body larger than 4194304 bytes/],
    ["smallLimit", "resource_exhausted", /larger than 5 bytes/],
  ])("%s: a ConnectException %s, PHP memory bounded", (name, code, message) => {
    const o = out[name];
    expect(o, JSON.stringify(o)).toMatchObject({ code });
    expect(o.message).toMatch(message);
    // The limit is 4 MiB: a call never holds much more than that (PHP's 128M would be a fatal error).
    expect(o.peakMB).toBeLessThan(16);
  });

  it("the deadline ends a drip-fed answer, and a good call still works", () => {
    expect(out["drip"].ms).toBeLessThan(4000);
    expect(out["ok"]).toMatchObject({ ok: { text: "fine" } });
  });

  it("a Future settles once (a second wait() throws the same exception); Batch::settle never throws", () => {
    expect(out["futureTwice"].ok).toEqual({
      same: true,
      settled: { a: "internal", b: "ok", c: "resource_exhausted" },
    });
  });
});

/** A started `contractgen serve-php` (the CLI, as users and the harness run it). */
async function servePhp(
  cwd: string,
  router: string,
  env: Record<string, string>,
): Promise<{ port: number; child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [CLI, "serve-php", "--port", String(port), "--workers", "2", router],
    {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stderr?.on("data", (b: Buffer) => {
    output += b.toString();
  });
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve-php did not start: ${output}`)), 15_000);
    child.stdout?.on("data", (b: Buffer) => {
      output += b.toString();
      if (output.includes(`listening on http://127.0.0.1:${port}\n`)) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`serve-php exited with ${code}: ${output}`));
    });
  });
  return { port, child, output: () => output };
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** POSTs `body` (a string, or a generator of chunks sent with chunked encoding) to the Echo method. */
function post(
  port: number,
  body: string | (() => AsyncGenerator<Buffer>),
  headers: Record<string, string> = {},
) {
  return new Promise<Answer>((done, fail) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/fixture.v1.EchoService/Echo",
        headers: { "content-type": "application/json", "connect-protocol-version": "1", ...headers },
        agent: false,
        timeout: 15_000,
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString();
        });
        res.on("end", () =>
          done({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"]), body: text }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer within 15 s")));
    req.on("error", fail);
    if (typeof body === "string") {
      req.end(body);
      return;
    }
    void (async () => {
      for await (const chunk of body()) {
        if (req.destroyed) return;
        if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
      }
      req.end();
    })().catch(() => {});
  });
}

describe.skipIf(!hasPhp || !hasFpm)("a hostile client against the PHP server under php-fpm + nginx", () => {
  let server: Awaited<ReturnType<typeof servePhp>>;
  const good = async () => {
    const r = await post(server.port, JSON.stringify({ text: "still here" }));
    expect(r.status, r.body).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ text: "still here" });
  };

  beforeAll(async () => {
    server = await servePhp(FIXTURE, "router.php", { GEN_DIR: gen });
  }, 30_000);

  afterAll(async () => {
    if (server?.child.exitCode === null) {
      const gone = new Promise((r) => server.child.once("exit", r));
      server.child.kill("SIGTERM");
      await gone;
    }
  });

  it("a body announced as 100 MB is refused by nginx with a Connect error, unread", async () => {
    const r = await post(server.port, "{}", { "content-length": String(100e6) }).catch((e: Error) => e);
    if (r instanceof Error) throw r;
    expect(r.status).toBe(429);
    expect(JSON.parse(r.body)).toMatchObject({ code: "resource_exhausted" });
    await good();
  });

  it("a 6 MiB body (over the Dispatcher's 4 MiB) is resource_exhausted from the Dispatcher", async () => {
    const r = await post(server.port, JSON.stringify({ text: "a".repeat(6 * 1024 * 1024) }));
    expect(r.status).toBe(429);
    expect(r.contentType).toBe("application/json");
    expect(JSON.parse(r.body)).toEqual({
      code: "resource_exhausted",
      message: "request body exceeds 4194304 bytes",
    });
  });

  it("an endless chunked body is cut at nginx's limit", async () => {
    let sent = 0;
    const r = await post(server.port, async function* () {
      yield Buffer.from('{"text":"');
      const chunk = Buffer.alloc(256 * 1024, "a");
      while (sent < 64 * 1024 * 1024) {
        sent += chunk.length;
        yield chunk;
      }
    }).catch((e: Error) => ({ status: 0, contentType: "", body: e.message }));
    // nginx answers 429 at 8 MiB (or resets the connection while the client is still writing).
    if (r.status !== 0) expect(JSON.parse(r.body)).toMatchObject({ code: "resource_exhausted" });
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    await good();
  });

  it("a 4 MiB request: a plain one is served within PHP's default 128M, a costly one is refused, not fatal", async () => {
    const plain = await post(
      server.port,
      JSON.stringify({ text: "a".repeat(4 * 1024 * 1024 - 100), mode: "peak" }),
    );
    expect(plain.status, plain.body).toBe(200);
    const [peak, length] = String(JSON.parse(plain.body).text).split(" ").map(Number);
    expect(length).toBe(4 * 1024 * 1024 - 100);
    console.info(
      `hostile-peers-php: peak PHP memory serving a 4 MiB request under php-fpm: ${((peak ?? 0) / 1e6).toFixed(1)} MB`,
    );
    expect(peak).toBeLessThan(40e6);
    // 4 MiB of small objects would decode to ~290 MB of \stdClass: refused before json_decode.
    const items = `{"a":0},`.repeat(Math.floor((4 * 1024 * 1024 - 200) / 8)).slice(0, -1);
    const costly = await post(server.port, `{"text":"x","extra":[${items}]}`);
    expect(costly.status, costly.body).toBe(429);
    expect(JSON.parse(costly.body)).toMatchObject({ code: "resource_exhausted" });
    expect(JSON.parse(costly.body).message).toMatch(/request too costly to decode/);
    await good();
  });

  it("handler output (a warning with display_errors on, an echo) never reaches the response", async () => {
    const r = await post(server.port, JSON.stringify({ text: "noisy", mode: "warn" }));
    expect(r.status).toBe(200);
    expect(r.contentType).toBe("application/json");
    expect(JSON.parse(r.body)).toMatchObject({ text: "noisy" });
  });

  it("slowloris and a flood of idle connections do not stop good requests", async () => {
    const sockets: Socket[] = [];
    const open = (n: number, send: string) =>
      Promise.all(
        Array.from(
          { length: n },
          () =>
            new Promise<void>((r) => {
              const s = connect(server.port, "127.0.0.1", () => {
                if (send) s.write(send);
                r();
              });
              s.on("error", () => r());
              sockets.push(s);
            }),
        ),
      );
    try {
      // Slowloris: 200 requests that never finish their headers, one byte more now and then.
      await open(200, "POST /fixture.v1.EchoService/Echo HTTP/1.1\r\nHost: x\r\n");
      const drip = setInterval(() => {
        for (const s of sockets) if (!s.destroyed) s.write("X-A: b\r\n");
      }, 500);
      // A flood: 2,000 idle connections (php -S wedges at ~1,020).
      await open(2000, "");
      const started = Date.now();
      for (let i = 0; i < 5; i++) await good();
      clearInterval(drip);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      for (const s of sockets) s.destroy();
    }
    await good();
  }, 30_000);
});

/** Processes whose environment holds `CG_MARK=<mark>` (zombies have none). */
async function marked(mark: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = await readFile(`/proc/${entry}/environ`, "latin1");
      if (env.includes(`CG_MARK=${mark}\0`)) pids.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

describe.skipIf(!hasPhp || process.platform !== "linux")("kill -9 of contractgen test", () => {
  it("leaves no implementation process behind (php -S workers, node, php-fpm and nginx)", async () => {
    const mark = randomUUID();
    const ct = join(ROOT, "test", "fixtures", "contract-test");
    const tmp = await scratchDir("hostile-kill9");
    const impl = (name: string, start: string, env: Record<string, string> = {}) => ({
      name,
      start,
      cwd: ct,
      env: { CG_MARK: mark, ...env },
    });
    const config = {
      proto: false,
      jsonSchema: join(ct, "contracts"),
      test: {
        implementations: [
          impl("php", "php -S 127.0.0.1:{port} php-good/server.php", {
            PHP_CLI_SERVER_WORKERS: "4",
            STATE_DIR: join(tmp, "state-{port}"),
          }),
          impl("ts", "node ts-impl/server.ts {port}"),
          ...(hasFpm
            ? [
                impl("fpm", `node ${CLI} serve-php --port {port} --workers 2 php-good/server.php`, {
                  STATE_DIR: join(tmp, "fpm-{port}"),
                }),
              ]
            : []),
        ],
        callTimeoutMs: 3000,
      },
    };
    await writeFile(join(tmp, "contractgen.config.json"), JSON.stringify(config));
    const harness = spawn(process.execPath, [CLI, "test", "-c", join(tmp, "contractgen.config.json")], {
      cwd: tmp,
      stdio: "ignore",
    });
    const exited = new Promise((r) => harness.once("exit", r));
    try {
      // Wait until every implementation is up (its processes stop multiplying), then kill -9.
      const want = hasFpm ? 12 : 7;
      let count = 0;
      for (let i = 0; i < 150 && count < want; i++) {
        await new Promise((r) => setTimeout(r, 100));
        count = (await marked(mark)).length;
      }
      expect(count).toBeGreaterThanOrEqual(want);
      harness.kill("SIGKILL");
      await exited;
      let left = await marked(mark);
      for (let i = 0; i < 60 && left.length > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        left = await marked(mark);
      }
      expect(left).toEqual([]);
    } finally {
      harness.kill("SIGKILL");
      for (const pid of await marked(mark)) process.kill(pid, "SIGKILL");
      await removeDir(tmp);
    }
  }, 30_000);
});
