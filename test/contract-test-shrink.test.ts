/**
 * Shrinking (docs/contract-tests.md, "Shrinking"): a failing generated request is re-run with smaller
 * requests until a minimal one that still fails the same check on the same implementation; the
 * reproducer sends the minimal request and the report says it was shrunk. Two real implementations on
 * node:http: a correct one and one whose quote is off by one when a line has a quantity of 2 or more.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { runContractTests } from "../codegen/contract-test/index.js";
import { formatTestReport } from "../codegen/contract-test/report.js";
import { candidates, shrink } from "../codegen/contract-test/shrink.js";
import { BUF_YAML, scratchDir, writeTree } from "./helpers.js";

const PROTO = `syntax = "proto3";
package shrink.v1;
message Line { string sku = 1; int32 quantity = 2; string note = 3; }
message QuoteRequest {
  string customer = 1;
  repeated Line lines = 2;
  map<string, string> tags = 3;
  string coupon = 4;
  int64 reference = 5;
}
message QuoteResponse { int64 total = 1; }
service QuoteService { rpc Quote(QuoteRequest) returns (QuoteResponse); }
`;

const servers: Server[] = [];
const calls = { good: 0, faulty: 0 };
let dir = "";
let good = "";
let faulty = "";

/** The sum of the quantities; the faulty one counts one less when a line has 2 or more. */
function quoteServer(name: "good" | "faulty"): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      calls[name]++;
      // Robust to any JSON: invalid requests are sent too, and answered as if valid.
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        body = {};
      }
      const lines = (body as { lines?: unknown } | null)?.lines;
      const quantities = (Array.isArray(lines) ? lines : []).map((l) =>
        Number((l as { quantity?: unknown } | null)?.quantity ?? 0),
      );
      let total = quantities.reduce((n, q) => n + (Number.isFinite(q) ? q : 0), 0);
      if (name === "faulty" && quantities.some((q) => q >= 2)) total -= 1;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(total === 0 ? {} : { total: String(total) }));
    });
  });
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`),
    ),
  );
}

beforeAll(async () => {
  dir = await scratchDir("ct-shrink");
  await writeTree(dir, { "buf.yaml": BUF_YAML, "proto/shrink/v1/quote.proto": PROTO });
  good = await quoteServer("good");
  faulty = await quoteServer("faulty");
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

beforeEach(() => {
  calls.good = 0;
  calls.faulty = 0;
});

const run = (shrinkBudget?: { perCase?: number; total?: number } | false) =>
  runContractTests({
    cwd: dir,
    jsonSchema: false,
    impls: [
      { name: "good", url: good },
      { name: "faulty", url: faulty },
    ],
    seed: 4,
    randomCases: 6,
    // Valid cases only: the servers do not validate requests.
    only: "* valid *",
    ...(shrinkBudget !== undefined ? { shrink: shrinkBudget } : {}),
  });

describe("a failing generated request is shrunk", () => {
  test("to the minimal failing request, in the reproducer and the reports", async () => {
    const r = await run();
    const failing = r.failures.filter((f) => f.impl === "faulty");
    expect(failing.length).toBeGreaterThan(0);
    // One case per method and failure is shrunk (the first); others of the same kind are reported as found.
    const shrunk = failing.filter((f) => f.shrunk);
    expect(shrunk).toHaveLength(1);
    const f = shrunk[0];
    if (!f?.shrunk) throw new Error("no shrunk failure");
    const c = r.cases.find((x) => x.id === f.caseId);
    expect(c?.requests["faulty"]).toEqual({ lines: [{ quantity: 2 }] });
    expect(c?.label).toBe("/lines/0/quantity: maximum");
    expect(f.shrunk.original).toEqual({
      customer: "abc",
      lines: [{ sku: "abc", quantity: 2147483647, note: "abc" }],
      tags: { abc: "abc" },
      coupon: "abc",
      reference: "0",
    });
    expect([f.shrunk.originalBytes, f.shrunk.bytes]).toEqual([129, 26]);
    expect(f.problems.map((p) => p.message)).toEqual(['semantic divergence: /total: good "2", faulty "1"']);
    expect(f.reproducer).toContain(`--data-binary '{"lines":[{"quantity":2}]}'`);
    const text = formatTestReport(r, "text");
    expect(text).toContain(
      `shrunk:    the generated request (${f.shrunk.originalBytes} bytes) shrunk to 26 bytes in ${f.shrunk.steps} steps`,
    );
    const json = JSON.parse(formatTestReport(r, "json")) as {
      cases: { id: string; requests: Record<string, unknown>; shrunk?: { original: unknown } }[];
    };
    const jc = json.cases.find((x) => x.id === f.caseId);
    expect(jc?.requests["faulty"]).toEqual({ lines: [{ quantity: 2 }] });
    expect(jc?.shrunk?.original).toEqual(f.shrunk.original);
    // The budget: every call the servers got is the reachability probe, a case or a counted shrinking run.
    expect(f.shrunk.runs).toBeLessThanOrEqual(50);
    expect(calls.faulty).toBe(1 + r.cases.length + (r.timing.shrinkRuns ?? 0));
    expect(calls.faulty).toBe(calls.good);
  });

  test("an invalid case shrinks to a request still invalid at its own path only", async () => {
    const options = {
      cwd: dir,
      jsonSchema: false as const,
      impls: [{ name: "faulty", url: faulty }],
      seed: 4,
      randomCases: 0,
    };
    // The server validates nothing: every invalid case fails with "expected invalid_argument".
    const all = await runContractTests({ ...options, only: "* invalid *", shrink: false });
    const above = all.cases.find((c) => c.label === "/lines/0/quantity: above the maximum");
    expect(all.failures.length).toBeGreaterThan(5);
    const r = await runContractTests({ ...options, only: above?.id ?? "none" });
    // Every smaller quantity is valid, so not admissible: the int32 overflow stays, the rest goes.
    expect(r.cases.map((c) => [c.requests["faulty"], c.shrunk?.originalBytes, c.shrunk?.bytes])).toEqual([
      [{ lines: [{ quantity: 2147483648 }] }, 129, 35],
    ]);
    expect(r.failures[0]?.problems[0]?.message).toMatch(/^expected invalid_argument, found ok/);
  });

  test("deterministic: the same seed shrinks to the same requests with the same runs", async () => {
    const a = await run();
    const b = await run();
    const summary = (r: typeof a) =>
      r.cases.filter((c) => c.shrunk).map((c) => [c.id, c.requests["faulty"], c.shrunk?.runs]);
    expect(summary(a)).toEqual(summary(b));
    expect(summary(a).length).toBe(1);
  });

  test("the per-case and overall budgets bound the runs", async () => {
    const perCase = await run({ perCase: 3 });
    expect(perCase.timing.shrinkRuns).toBe(3);
    expect(perCase.cases.find((x) => x.shrunk)?.shrunk?.runs ?? 3).toBeLessThanOrEqual(3);
    expect(calls.faulty).toBe(1 + perCase.cases.length + 3);
    calls.faulty = 0;
    const total = await run({ perCase: 50, total: 7 });
    expect(total.timing.shrinkRuns).toBe(7);
    expect(calls.faulty).toBe(1 + total.cases.length + 7);
    const none = await run(false);
    expect(none.cases.some((x) => x.shrunk)).toBe(false);
    expect(none.timing.shrinkRuns).toBe(0);
  });
});

describe("the shrinker", () => {
  test("candidates: smallest first, each one change", () => {
    const list = candidates({ a: [1, 2, 3], s: "hello" }).map((c) => JSON.stringify(c.value));
    expect(list[0]).toBe('{"s":"hello"}');
    expect(list).toContain('{"a":[],"s":"hello"}');
    expect(list).toContain('{"a":[1,2,3],"s":"hel"}');
    expect(list).toContain('{"a":[1,3],"s":"hello"}');
    expect(list).not.toContain('{"a":[1,2,3],"s":"hello"}');
  });

  test("stops at the budget, and keeps only admissible candidates", async () => {
    const request = { keep: "x", drop: [1, 2, 3, 4, 5, 6, 7, 8], n: 123456 };
    let runs = 0;
    const never = await shrink({
      request,
      admissible: () => true,
      reproduces: async () => {
        runs++;
        return false;
      },
      budget: 4,
    });
    expect([runs, never.runs, never.steps, never.request]).toEqual([4, 4, 0, request]);
    const all = await shrink({
      request,
      admissible: (v) => (v as { keep?: unknown }).keep === "x",
      reproduces: async () => true,
      budget: 50,
    });
    expect(all.request).toEqual({ keep: "x" });
    expect(all.runs).toBe(all.steps);
  });
});
