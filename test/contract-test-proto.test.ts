/**
 * `contractgen test` on a proto contract: an example file next to the .proto, ProtoJSON wire schemas,
 * and an implementation that is already running (`--impl name=url`).
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, expect, test } from "vitest";
import { runContractTests } from "../codegen/contract-test/index.js";
import { formatTestReport } from "../codegen/contract-test/report.js";
import { BUF_YAML, scratchDir, writeTree } from "./helpers.js";

let server: Server;
let url = "";

// An echo implementation with one bug: it upper-cases the text of requests that set `loud`, even when
// `loud` is false.
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      } catch {
        body = {};
      }
      const bad = (m: string) => {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ code: "invalid_argument", message: m }));
      };
      if (body === null || typeof body !== "object" || Array.isArray(body)) return bad("body");
      for (const k of Object.keys(body)) if (k !== "text" && k !== "loud") return bad(`unknown ${k}`);
      const text = body["text"] ?? "";
      if (typeof text !== "string") return bad("text");
      if (body["loud"] !== undefined && body["loud"] !== null && typeof body["loud"] !== "boolean")
        return bad("loud");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ text: "loud" in body ? text.toUpperCase() : text }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => new Promise((r) => server.close(r)));

test("an example file next to the .proto is a case, and its expected response is checked", async () => {
  const dir = await scratchDir("ct-proto");
  await writeTree(dir, {
    "buf.yaml": BUF_YAML,
    "proto/acme/echo/v1/echo.proto": `syntax = "proto3";
package acme.echo.v1;
message SayRequest { string text = 1; bool loud = 2; }
message SayResponse { string text = 1; }
service EchoService { rpc Say(SayRequest) returns (SayResponse); }
`,
    "proto/acme/echo/v1/Say.examples.json": JSON.stringify([
      { name: "quiet", request: { text: "hi", loud: false }, response: { text: "hi" } },
    ]),
  });
  const r = await runContractTests({ cwd: dir, impls: [{ name: "echo", url }], seed: 1, jsonSchema: false });
  const example = r.cases.find((c) => c.id === "acme.echo.v1.EchoService/Say example 0");
  expect(example?.label).toBe("quiet (proto/acme/echo/v1/Say.examples.json#/0)");
  const failure = r.failures.find((f) => f.caseId === "acme.echo.v1.EchoService/Say example 0");
  expect(failure?.problems.map((p) => p.message)).toEqual([
    'response /text: expected "hi", found "HI" (example proto/acme/echo/v1/Say.examples.json#/0)',
  ]);
  expect(r.cases.some((c) => c.kind === "valid")).toBe(true);
  expect(formatTestReport(r, "text")).toContain(
    `reproduce: curl -sS -X POST '${url}/acme.echo.v1.EchoService/Say'`,
  );
});
