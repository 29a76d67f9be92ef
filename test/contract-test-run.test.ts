/**
 * `contractgen test` end to end: real servers (php -S and node:http) on 127.0.0.1, the faulty PHP
 * fixture caught fault by fault, harness errors for implementations that are not running, never become
 * ready or crash, and no process left behind.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { isHarnessError } from "../codegen/contract-test/errors.js";
import { type ContractTestResult, runContractTests } from "../codegen/contract-test/index.js";
import { formatTestReport } from "../codegen/contract-test/report.js";
import { CLI, ROOT, run, scratchDir } from "./helpers.js";

const FIXTURE = join(ROOT, "test", "fixtures", "contract-test");

/** Command lines of live processes that run one of this suite's fixture servers. */
function leftovers(): string[] {
  const ps = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
  return ps
    .split("\n")
    .filter((l) => /php-(good|faulty)\/server\.php|ts-impl\/server\.ts|ct-never-ready/.test(l));
}

const failuresOf = (r: ContractTestResult, impl: string) => r.failures.filter((f) => f.impl === impl);
const messagesOf = (r: ContractTestResult, impl: string, caseGlob: RegExp) =>
  failuresOf(r, impl)
    .filter((f) => caseGlob.test(f.caseId))
    .flatMap((f) => f.problems.map((p) => `${p.check}: ${p.message}`));

afterAll(() => {
  expect(leftovers()).toEqual([]);
});

describe("the faulty PHP implementation, against the TypeScript one", () => {
  let result: ContractTestResult;

  test("the run finishes, reports failures only for the faulty one, and leaves no process", async () => {
    result = await runContractTests({ cwd: FIXTURE, config: "faulty.config.json", seed: 11 });
    expect(failuresOf(result, "ts")).toEqual([]);
    expect(failuresOf(result, "php-faulty").length).toBeGreaterThan(5);
    expect(leftovers()).toEqual([]);
  });

  test.each([
    [
      "[] for an empty map",
      /CreateAccount valid/,
      /schema: response \/labels: expected a map \(JSON object\), found \[\] \(empty array\) \[empty_array_for_object\]/,
    ],
    [
      "[] vs {} is an encoding-only divergence",
      /CreateAccount valid/,
      /differential: encoding-only divergence: \/labels: ts \{\}, php-faulty \[\]/,
    ],
    [
      "numeric strings for amounts",
      /Quote (valid|example)/,
      /schema: response \/fee: expected an integer, found the string "\d+" \[numeric_string\]/,
    ],
    [
      "a dropped field",
      /scenario create then get step 1/,
      /schema: response \/: must have required property 'tier' \[schema\.required\]/,
    ],
    [
      "a dropped field is a semantic divergence",
      /scenario create then get step 1/,
      /semantic divergence: \/tier: ts "pro", php-faulty \(absent\)/,
    ],
    [
      "an invalid email accepted",
      /CreateAccount invalid/,
      /expectation: expected invalid_argument, found ok \(HTTP 200\) \(the request is invalid: \/email: an invalid email\)/,
    ],
    [
      "an HTML error page",
      /GetLimits valid/,
      /conformance: HTTP 500 with content-type "text\/html; charset=UTF-8": a Connect error must be a JSON object .*\[html_body\]/,
    ],
    ["a hanging method", /Ping valid/, /timeout: no answer within 1500 ms \(the per-call timeout\)/],
  ])("%s", (_name, cases, message) => {
    expect(messagesOf(result, "php-faulty", cases).some((m) => message.test(m))).toBe(true);
  });

  test("every failure carries a curl reproducer with the shell-quoted body", () => {
    const f = failuresOf(result, "php-faulty").find((x) => /Quote example 0/.test(x.caseId));
    expect(f?.reproducer).toMatch(
      /^curl -sS -X POST 'http:\/\/127\.0\.0\.1:\d+\/fixture\.acct\.v1\.AccountService\/Quote' .* --data-binary '\{"amount":1000,"currency":"EUR"\}'$/,
    );
    const text = formatTestReport(result, "text");
    expect(text).toContain(
      "re-run:    contractgen test -c faulty.config.json --seed 11 --only 'fixture.acct.v1.AccountService/Quote example 0'",
    );
    expect(text).toMatch(/seed 11/);
  });

  test("known failures are reported, not counted, and a fixed one gives a notice", async () => {
    const dir = await scratchDir("ct-known");
    const config = JSON.parse(readFileSync(join(FIXTURE, "faulty.config.json"), "utf8"));
    config.jsonSchema = join(FIXTURE, "contracts");
    config.test.scenarios = join(FIXTURE, "scenarios");
    for (const impl of config.test.implementations) impl.cwd = FIXTURE;
    config.test.knownFailures = {
      "php-faulty": ["*/Quote *", "*/CreateAccount *", "*/GetLimits *", "*/Ping *", "scenario *"],
      ts: ["*/Ping valid 0"],
    };
    writeFileSync(join(dir, "contractgen.config.json"), JSON.stringify(config));
    const r = await runContractTests({ cwd: dir, seed: 11 });
    expect(r.failures.filter((f) => !f.known)).toEqual([]);
    expect(r.failures.some((f) => f.known)).toBe(true);
    expect(r.fixedKnownFailures).toEqual([{ impl: "ts", pattern: "*/Ping valid 0" }]);
    expect(formatTestReport(r, "text")).toContain(
      'notice: known failure "*/Ping valid 0" of ts now passes; remove it from test.knownFailures',
    );
  });
});

describe("two correct implementations (php -S and node:http)", () => {
  test("the CLI passes with exit 0, writes an HTML report and the same seed gives the same cases", async () => {
    const dir = await scratchDir("ct-cli");
    const html = join(dir, "report.html");
    const a = await run(process.execPath, [CLI, "test", "--seed", "5", "--format", "html", "--out", html], {
      cwd: FIXTURE,
    });
    expect({ code: a.code, stderr: a.stderr, out: a.code === 0 ? "" : a.stdout }).toEqual({
      code: 0,
      stderr: "",
      out: "",
    });
    expect(a.stdout).toMatch(
      /\d+ cases × 2 implementations \[php \(http:\/\/127\.0\.0\.1:\d+\), ts .*: \d+ passed, 0 failed/,
    );
    const page = readFileSync(html, "utf8");
    expect(page).toContain("<table><tr><th>method</th><th>php</th><th>ts</th></tr>");
    expect(page).toContain("<code>fixture.acct.v1.AccountService/Quote</code>");
    const b = await run(process.execPath, [CLI, "test", "--seed", "5", "--format", "json"], { cwd: FIXTURE });
    const c = await run(process.execPath, [CLI, "test", "--seed", "5", "--format", "json"], { cwd: FIXTURE });
    const ids = (s: string) =>
      (JSON.parse(s) as ContractTestResult).cases
        .filter((x) => x.kind !== "scenario")
        .map((x) => `${x.id} ${JSON.stringify(x.requests["ts"])}`);
    expect(ids(b.stdout)).toEqual(ids(c.stdout));
    expect(ids(b.stdout).length).toBeGreaterThan(40);
  });

  test("--shard splits the cases into disjoint parts that cover them all", async () => {
    const all = await runContractTests({ cwd: FIXTURE, seed: 3 });
    const parts = await Promise.all(
      [1, 2].map((index) => runContractTests({ cwd: FIXTURE, seed: 3, shard: { index, count: 2 } })),
    );
    const ids = parts.flatMap((p) => p.cases.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(all.cases.map((c) => c.id).sort());
    expect(all.failures.filter((f) => !f.known)).toEqual([]);
  });
});

describe("harness errors (exit 2), never a hang", () => {
  test("an implementation that is not running", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    const r = await run(process.execPath, [CLI, "test", "--impl", `php=http://127.0.0.1:${port}`], {
      cwd: FIXTURE,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: php: implementation php at http://127\\.0\\.0\\.1:${port} is not reachable \\(connect ECONNREFUSED`,
      ),
    );
  });

  test("an implementation that never becomes ready is stopped with its whole group", async () => {
    const dir = await scratchDir("ct-never-ready");
    mkdirSync(join(dir, "c"));
    writeFileSync(
      join(dir, "contractgen.config.json"),
      JSON.stringify({
        jsonSchema: join(FIXTURE, "contracts"),
        test: {
          implementations: [
            {
              name: "slow",
              start: "sleep 30 & sleep 31; echo {port} ct-never-ready",
              ready: { timeoutMs: 400 },
            },
          ],
        },
      }),
    );
    const e = await runContractTests({ cwd: dir }).catch((x: unknown) => x);
    expect(isHarnessError(e) && e.code).toBe("not_ready");
    expect((e as Error).message).toMatch(
      /^slow: implementation slow did not become ready within 400 ms \(GET http:\/\/127\.0\.0\.1:\d+\/: connect ECONNREFUSED/,
    );
    const ps = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
    expect(ps.split("\n").filter((l) => /^sleep 3[01]$/.test(l.trim()))).toEqual([]);
  });

  test("an implementation that crashes mid-run", async () => {
    const dir = await scratchDir("ct-crash");
    writeFileSync(
      join(dir, "contractgen.config.json"),
      JSON.stringify({
        jsonSchema: join(FIXTURE, "contracts"),
        test: {
          implementations: [
            { name: "ts", start: "node ts-impl/server.ts {port}", cwd: FIXTURE },
            {
              name: "crashy",
              start: "node ts-impl/server.ts {port}",
              cwd: FIXTURE,
              env: { CRASH_AFTER: "10" },
            },
          ],
        },
      }),
    );
    const r = await run(process.execPath, [CLI, "test", "--seed", "1"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: crashy: implementation crashy exited with code 3; it wrote nothing\n$/);
  });

  test("Ctrl-C stops every started implementation with its workers", async () => {
    const child = spawn(process.execPath, [CLI, "test", "-c", "faulty.config.json", "--timeout", "20000"], {
      cwd: FIXTURE,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Wait until the run is under way (php -S and node answer), then interrupt it.
    for (let i = 0; i < 100 && leftovers().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    expect(leftovers().some((l) => l.includes("php-faulty/server.php"))).toBe(true);
    const code = await new Promise<number | null>((done) => {
      child.on("exit", (c) => done(c));
      child.kill("SIGINT");
    });
    expect(code).toBe(130);
    expect(leftovers()).toEqual([]);
  });

  test("a configuration error names the JSON pointer", async () => {
    const dir = await scratchDir("ct-config");
    writeFileSync(
      join(dir, "contractgen.config.json"),
      JSON.stringify({
        jsonSchema: join(FIXTURE, "contracts"),
        test: { implementations: [{ name: "x", start: "php -S" }] },
      }),
    );
    const r = await run(process.execPath, [CLI, "test"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '/test/implementations/0/start: expected a command containing {port}, found "php -S"',
    );
  });
});
