/**
 * The generated proto JSON client (`create<Service>JsonClient`, the one the README shows for calling PHP)
 * takes the boundary: a PHP server's response that would change meaning in protobuf-es (an int64 beyond
 * 2^53 as a JSON number, a native enum's `->name`) fails the call with its path instead of being rounded
 * or read as 0. Without the boundary the same bytes are read silently, which is why the docs lead with it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Boundary, ConnectError, createBoundary } from "../runtime/index.js";
import { BUF_YAML, generateInline, removeDir, writeTree } from "./helpers.js";

const CONTRACT = {
  "buf.yaml": BUF_YAML,
  "proto/ledger/v1/ledger.proto": `syntax = "proto3";
// Ledger.
package ledger.v1;
// Reads balances.
service LedgerService {
  // One balance.
  rpc GetBalance(GetBalanceRequest) returns (GetBalanceResponse) {
    option idempotency_level = NO_SIDE_EFFECTS;
  }
}
// State of an account.
enum AccountState {
  // Not set.
  ACCOUNT_STATE_UNSPECIFIED = 0;
  // Open.
  ACCOUNT_STATE_OPEN = 1;
}
// Request.
message GetBalanceRequest {
  // Account.
  string account_id = 1;
}
// Response.
message GetBalanceResponse {
  // Cents.
  int64 cents = 1;
  // State.
  AccountState state = 2;
}
`,
};

// biome-ignore lint/suspicious/noExplicitAny: a module generated at test time, imported dynamically
type Any = any;

let dir = "";
let contract: Any;
let boundary: Boundary;
let server: Server;
let baseUrl = "";
/** The body the stand-in PHP server answers with. */
let answer = "";

beforeAll(async () => {
  const generated = await generateInline(CONTRACT);
  dir = generated.dir;
  await writeTree(join(dir, "gen"), Object.fromEntries(generated.out));
  contract = await import(/* @vite-ignore */ join(dir, "gen/ts/proto/ledger/v1/ledger_contract.ts"));
  boundary = createBoundary({
    schemas: [...generated.out]
      .filter(([p]) => p.startsWith("schema/"))
      .map(([, t]) => JSON.parse(t) as unknown),
  });
  server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await removeDir(dir);
});

describe("generated proto JSON client with the boundary", () => {
  it.each([
    [
      "an int64 beyond 2^53 as a JSON number",
      '{"cents":9007199254740993,"state":"ACCOUNT_STATE_OPEN"}',
      "/cents",
    ],
    ["a native PHP enum's ->name", '{"cents":"5","state":"OPEN"}', "/state"],
  ])("fails the call on %s, naming the path", async (_name, body, path) => {
    answer = body;
    const guarded = contract.createLedgerServiceJsonClient(baseUrl, { boundary });
    const error = await guarded.getBalance({ accountId: "a1" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectError);
    expect(JSON.stringify((error as ConnectError & { violations?: unknown }).violations ?? error)).toContain(
      path,
    );
  });

  it("reads a clean answer exactly", async () => {
    answer = '{"cents":"9007199254740993","state":"ACCOUNT_STATE_OPEN"}';
    const res = await contract
      .createLedgerServiceJsonClient(baseUrl, { boundary })
      .getBalance({ accountId: "a1" });
    expect(res.cents).toBe(9007199254740993n);
    expect(res.state).toBe(1);
  });

  it("without the boundary, protobuf-es reads the same int64 rounded (why the docs lead with the boundary)", async () => {
    answer = '{"cents":9007199254740993}';
    const res = await contract.createLedgerServiceJsonClient(baseUrl).getBalance({ accountId: "a1" });
    expect(res.cents).toBe(9007199254740992n);
  });
});
