import { cp } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateInto, type PhpServer, phpWithCurl, startPhpServer } from "./fixtures/php-service/harness.js";
import { ROOT, removeDir, run, scratchDir } from "./helpers.js";

const FIXTURE = join(ROOT, "test", "fixtures", "php-service");
const hasPhp = await phpWithCurl();

/**
 * The PHP service runtime on its own: the generated client, handler interface and dispatcher of a small
 * fixture service (hand-written DTOs stand in for generated ones), a real `php -S` server and the real
 * ext-curl transport, plus the PSR-18 and PSR-7 entry points with minimal PSR-shaped objects.
 */
describe.skipIf(!hasPhp)("PHP service runtime (php -S, ext-curl)", () => {
  let dir: string;
  let gen: string;
  let server: PhpServer;
  // biome-ignore lint/suspicious/noExplicitAny: JSON printed by the PHP script
  let out: Record<string, any>;

  beforeAll(async () => {
    dir = await scratchDir("php-service-runtime");
    gen = join(dir, "gen");
    // Everything generated except the DTOs of the fixture messages, which the fixture provides.
    await generateInto(
      FIXTURE,
      gen,
      ["php"],
      (f) => !/\/Fixture\/V1\/Echo(Request|Response)\.php$/.test(f.path),
    );
    await cp(join(FIXTURE, "php", "Fixture"), join(gen, "php", "src", "Fixture"), { recursive: true });
    const env = { GEN_DIR: gen, PHP_CLI_SERVER_WORKERS: "4" };
    server = await startPhpServer(FIXTURE, "router.php", env);
    const res = await run("php", [join(FIXTURE, "client.php"), server.baseUrl], {
      cwd: FIXTURE,
      env: { ...process.env, ...env },
      timeoutMs: 30_000,
    });
    if (res.code !== 0) throw new Error(`client.php failed (${res.code}): ${res.stderr}${res.stdout}`);
    out = JSON.parse(res.stdout);
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) await removeDir(dir);
  });

  it("the generated client, handler interface and dispatcher pass php -l", async () => {
    const res = await run(
      "bash",
      [
        "-c",
        `find ${JSON.stringify(join(gen, "php", "src", "Fixture"))} -name 'EchoService*.php' -print0 | xargs -0 -n1 -P4 php -n -l`,
      ],
      { cwd: dir },
    );
    expect(res.stderr).toBe("");
    expect(res.stdout).not.toMatch(/Errors parsing|Parse error/);
    expect(res.stdout.match(/^No syntax errors detected/gm)?.length).toBe(3);
    expect(res.code).toBe(0);
  });

  it("POST call: typed response, the request id travels to the handler", () => {
    expect(out["echo"]).toEqual({ ok: { text: "hello", httpMethod: "POST", requestId: "req-123" } });
  });

  it("a method without side effects goes out as GET; a request id is generated when absent", () => {
    expect(out["lookup"].ok.text).toBe("a b&c=d/é");
    expect(out["lookup"].ok.httpMethod).toBe("GET");
    expect(out["lookup"].ok.requestId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("output a handler prints (warnings, echo) is kept out of the JSON response", () => {
    expect(out["handlerPrints"].ok).toMatchObject({ text: "noisy", httpMethod: "POST" });
    expect(server.output()).toContain(
      "output printed while serving /fixture.v1.EchoService/Echo was dropped",
    );
  });

  it("a handler's downstream call carries the same request id (Context::callOptions)", () => {
    expect(out["forward"].ok).toEqual({ text: "outer>inner", httpMethod: "POST", requestId: "chain-1" });
  });

  it("a request too long for a GET URL goes out as POST", () => {
    expect(out["lookupLong"].ok.httpMethod).toBe("POST");
    expect(out["lookupLongIntact"]).toBe(true);
  });

  it.each([
    ["notFound", "not_found", 404, "no text x"],
    ["invalid", "invalid_argument", 400, "text is not allowed"],
    ["boom", "internal", 500, "internal error (request id"],
  ])("a handler's %s becomes a ConnectException with code %s", (key, code, status, message) => {
    expect(out[key].error).toMatchObject({ code, httpStatus: status });
    expect(out[key].error.message).toContain(message);
  });

  it("error details and violations reach the client; an internal error does not leak its message", () => {
    expect(out["notFound"].error.details).toEqual([{ type: "fixture.v1.Missing", data: { text: "x" } }]);
    expect(out["invalid"].error.violations).toEqual([{ path: "$.text", message: 'must not be "bad"' }]);
    expect(JSON.stringify(out["boom"])).not.toContain("secret");
  });

  it.each([
    ["html", "unavailable", 'HTTP 502 without a Connect error body (text/html): "<html>'],
    ["empty", "internal", "the response is not a JSON object (empty body)"],
    ["warning", "internal", "the body contains PHP error output; invalid JSON"],
    [
      "htmlwarning",
      "internal",
      "expected an application/json response, got text/html (the body contains PHP error output)",
    ],
    ["badjson", "internal", "invalid JSON"],
    ["wrongshape", "internal", "the server's response breaks the contract"],
  ])("a non-Connect answer (%s) is a clear ConnectException", (key, code, message) => {
    expect(out[key].error.code).toBe(code);
    expect(out[key].error.message).toContain(message);
    expect(out[key].error.message).toContain("fixture.v1.EchoService/Echo");
  });

  it("a response that breaks the contract names every violation with its JSON path", () => {
    expect(out["wrongshape"].error.message).toContain("$.text: expected string, found int 42");
    expect(out["wrongshape"].error.message).toContain("$.colour");
    expect(out["wrongshape"].error.previous).toBe("Contractgen\\Runtime\\DecodeException");
  });

  it("a dead server is unavailable; a deadline is enforced locally as deadline_exceeded", () => {
    expect(out["dead"].error.code).toBe("unavailable");
    expect(out["dead"].error.message).toContain(
      "cannot reach http://127.0.0.1:1/fixture.v1.EchoService/Echo",
    );
    expect(out["timeout"].error.code).toBe("deadline_exceeded");
    expect(out["timeout"].error.message).toContain("deadline of 300 ms exceeded");
  });

  it("Batch::all returns every async result under its key; Batch::settle keeps failures as exceptions", () => {
    expect(out["batch"]).toEqual({
      ok: {
        a: expect.objectContaining({ text: "run1", httpMethod: "POST" }),
        b: expect.objectContaining({ text: "run2", httpMethod: "GET" }),
        c: expect.objectContaining({ text: "run3", httpMethod: "POST" }),
      },
    });
    expect(out["settle"]).toEqual({ ok: expect.objectContaining({ text: "fine" }), bad: "not_found" });
  });

  it("a PSR-18 client (here on PHP streams, no curl) works through Psr18Transport", () => {
    expect(out["psr18"].ok).toMatchObject({ text: "psr", httpMethod: "GET" });
    expect(out["psr18NotFound"].error.code).toBe("not_found");
    expect(out["psr18Sent"]).toBe(2);
  });

  it("the dispatcher serves PSR-7 requests through PSR-17 factories", () => {
    expect(out["psr7"].status).toBe(200);
    expect(out["psr7"].headers["content-type"]).toEqual(["application/json"]);
    expect(out["psr7"].headers["x-request-id"]).toEqual(["psr7-id"]);
    expect(out["psr7"].headers["x-echo"]).toEqual(["yes"]);
    expect(JSON.parse(out["psr7"].body)).toEqual({
      text: "from psr7",
      httpMethod: "none",
      requestId: "psr7-id",
    });
    expect(out["psr7Invalid"].status).toBe(400);
    expect(out["psr7Invalid"].body.code).toBe("invalid_argument");
    const violations = out["psr7Invalid"].body.details[0].debug.violations;
    expect(violations.map((v: { path: string }) => v.path)).toEqual(["$.text", "$.nope"]);
  });

  it.each([
    [
      "a body of the wrong shape",
      "POST",
      "/fixture.v1.EchoService/Echo",
      '{"text": 5}',
      "application/json",
      400,
      "invalid_argument",
    ],
    [
      "an empty body",
      "POST",
      "/fixture.v1.EchoService/Echo",
      "",
      "application/json",
      400,
      "invalid_argument",
    ],
    [
      "a JSON array",
      "POST",
      "/fixture.v1.EchoService/Echo",
      "[]",
      "application/json",
      400,
      "invalid_argument",
    ],
    [
      "a form body",
      "POST",
      "/fixture.v1.EchoService/Echo",
      "text=x",
      "application/x-www-form-urlencoded",
      400,
      "invalid_argument",
    ],
    [
      "GET on a method with side effects",
      "GET",
      "/fixture.v1.EchoService/Echo?encoding=json&message=%7B%7D",
      "",
      "",
      501,
      "unimplemented",
    ],
    [
      "an unknown method",
      "POST",
      "/fixture.v1.EchoService/Nope",
      "{}",
      "application/json",
      501,
      "unimplemented",
    ],
  ])(
    "the PHP server answers %s with a Connect error",
    async (_what, method, path, body, type, status, code) => {
      const res = await fetch(`${server.baseUrl}${path}`, {
        method,
        headers: type ? { "content-type": type } : {},
        ...(method === "POST" ? { body } : {}),
      });
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(((await res.json()) as { code: string }).code).toBe(code);
    },
  );
});
