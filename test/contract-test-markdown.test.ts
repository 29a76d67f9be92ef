/**
 * The harness's HTTP calls (codegen/contract-test/http.ts): an implementation that stops answering is
 * marked down after MARK_DOWN_AFTER consecutive timeouts, and its later calls fail at once with one
 * message instead of each waiting out the call timeout; an answer in between resets the count.
 */
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { call, createAgent, MARK_DOWN_AFTER } from "../codegen/contract-test/http.js";
import { CLI, ROOT, removeDir, run, scratchDir } from "./helpers.js";

let server: Server;
let base: string;
let hang = true;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (hang) return; // never answers
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

test("marked down after consecutive timeouts; later calls fail at once with one message", async () => {
  const agent = createAgent();
  hang = true;
  for (let i = 0; i < MARK_DOWN_AFTER - 1; i++)
    expect((await call(agent, base, "/a.S/M", "{}", 100)).timedOut).toBe(true);
  // An answer resets the count.
  hang = false;
  expect((await call(agent, base, "/a.S/M", "{}", 1000)).status).toBe(200);
  hang = true;
  for (let i = 0; i < MARK_DOWN_AFTER; i++)
    expect((await call(agent, base, "/a.S/M", "{}", 100)).timedOut).toBe(true);
  const started = performance.now();
  const r = await call(agent, base, "/a.S/M", "{}", 5000);
  expect(performance.now() - started).toBeLessThan(50);
  expect(r).toMatchObject({ markedDown: true, status: 0 });
  expect(r.transportError).toBe(
    `not sent: the implementation at ${base} was marked down after ${MARK_DOWN_AFTER} consecutive calls got no answer within 100 ms`,
  );
  // Another run (another agent) starts afresh.
  hang = false;
  expect((await call(createAgent(), base, "/a.S/M", "{}", 1000)).status).toBe(200);
});

test("a run against an implementation that hangs on every call ends in seconds, not cases × timeout", async () => {
  const ct = join(ROOT, "test", "fixtures", "contract-test");
  const tmp = await scratchDir("ct-markdown");
  // Answers its readiness probe (GET /), never a call.
  const hung =
    "node -e \"require('node:http').createServer((q,s)=>{if(q.method==='GET')s.end('ok')}).listen(+process.argv[1],'127.0.0.1')\" {port}";
  await writeFile(
    join(tmp, "contractgen.config.json"),
    JSON.stringify({
      proto: false,
      jsonSchema: join(ct, "contracts"),
      test: {
        implementations: [
          { name: "ts", start: "node ts-impl/server.ts {port}", cwd: ct },
          { name: "hung", start: hung },
        ],
        callTimeoutMs: 300,
      },
    }),
  );
  try {
    const started = Date.now();
    const r = await run(
      process.execPath,
      [CLI, "test", "-c", join(tmp, "contractgen.config.json"), "--seed", "1"],
      {
        cwd: tmp,
        timeoutMs: 60_000,
      },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.stdout).toContain(
      `was marked down after ${MARK_DOWN_AFTER} consecutive calls got no answer within 300 ms`,
    );
  } finally {
    await removeDir(tmp);
  }
}, 60_000);
