import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { isContractError } from "../codegen/errors.js";
import { generateFiles } from "../codegen/generate.js";
import { loadContracts } from "../codegen/load/index.js";
import { generateInto, phpWithCurl } from "./fixtures/php-service/harness.js";
import { BUF_YAML, ROOT, removeDir, run, scratchDir, writeTree } from "./helpers.js";

const FIXTURE = join(ROOT, "test", "fixtures", "php-service");
const hasPhp = await phpWithCurl();

/** A service whose names PHP makes hard: a reserved class word, methods differing by case, keywords. */
const HOSTILE = {
  "buf.yaml": BUF_YAML,
  "proto/hostile/v1/hostile.proto": `syntax = "proto3";
package hostile.v1;

// A service named like a PHP keyword; a comment that tries to break out: */ ?> \${x}
service List {
  rpc Echo(EchoRequest) returns (EchoResponse);
  rpc echo(EchoRequest) returns (EchoResponse);
  rpc New(EchoRequest) returns (EchoResponse);
  rpc Function(EchoRequest) returns (EchoResponse) {
    option idempotency_level = NO_SIDE_EFFECTS;
  }
  rpc GetAsync(EchoRequest) returns (EchoResponse);
  rpc Get(EchoRequest) returns (EchoResponse);
  rpc StreamIt(stream EchoRequest) returns (EchoResponse);
}

message EchoRequest {}
message EchoResponse {}
// Takes the name the service's client would get.
message ListClient {}
`,
};

describe("PHP service generation: names", () => {
  let dir: string;
  let gen: string;
  let files: Map<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: JSON printed by the PHP script
  let checked: any;

  beforeAll(async () => {
    dir = await scratchDir("php-service-generate");
    await writeTree(dir, HOSTILE);
    gen = join(dir, "gen");
    files = new Map((await generateInto(dir, gen, ["php"])).map((f) => [f.path, f.content]));
    if (hasPhp) {
      const res = await run("php", [join(FIXTURE, "hostile", "check.php")], {
        cwd: dir,
        env: { ...process.env, GEN_DIR: gen },
      });
      if (res.code !== 0) throw new Error(`check.php failed: ${res.stderr}${res.stdout}`);
      checked = JSON.parse(res.stdout);
    }
  });

  afterAll(async () => {
    if (dir) await removeDir(dir);
  });

  it.each([
    ["php/src/Hostile/V1/ListClient_2.php", "final class ListClient_2"],
    ["php/src/Hostile/V1/ListHandler.php", "interface ListHandler"],
    ["php/src/Hostile/V1/ListDispatcher.php", "final class ListDispatcher implements Service"],
  ])("writes %s", (path, declaration) => {
    expect(files.get(path)).toContain(declaration);
  });

  it("a contract comment cannot leave the doc comment or PHP mode", () => {
    const client = files.get("php/src/Hostile/V1/ListClient_2.php") ?? "";
    expect(client).toContain(`*\\/ ?\\> $${"{"}x}`);
    expect(client).not.toMatch(/\*\/ \?>/);
  });

  it("streaming methods are left out and named in the client's doc comment", () => {
    const client = files.get("php/src/Hostile/V1/ListClient_2.php") ?? "";
    expect(client).toContain("Streaming methods are not available over Connect unary JSON: StreamIt.");
    expect(client).not.toContain("'StreamIt'");
  });

  it.skipIf(!hasPhp)("the classes load; methods differing by case or clashing with …Async get _2", () => {
    expect(checked.classes).toEqual({
      ListClient: true,
      ListClient_2: true,
      ListHandler: true,
      ListDispatcher: true,
    });
    expect(checked.handlerMethods).toEqual(["echo", "echo_2", "new", "function", "getAsync", "get"]);
    expect(checked.clientMethods).toEqual([
      "echo",
      "echoAsync",
      "echo_2",
      "echo_2Async",
      "new",
      "newAsync",
      "function",
      "functionAsync",
      "getAsync",
      "getAsyncAsync",
      "get",
      "getAsync_2",
    ]);
  });

  it.skipIf(!hasPhp).each([
    ["Echo", 200, "echo"],
    ["echo", 200, "echo_2"],
    ["New", 200, "new"],
    ["Function", 200, "function"],
    ["GetAsync", 200, "getAsync"],
    ["Get", 200, "get"],
  ])("the dispatcher routes RPC %s to the handler method (HTTP %i, %s)", (rpc, status, method) => {
    expect(checked.routed[rpc]).toEqual([status, method]);
  });

  it.skipIf(!hasPhp)("a streaming RPC is not served (unimplemented, 501)", () => {
    expect(checked.routed["StreamIt"][0]).toBe(501);
  });

  it("generation is deterministic", async () => {
    const again = await generateFiles(await loadContracts(resolveConfig(dir)), ["php"]);
    for (const f of again) expect(files.get(f.path)).toBe(f.content);
  });
});

describe("PHP service generation: unsupported contracts", () => {
  it("a well-known type as request or response is a ContractError naming the method's file and line", async () => {
    const dir = await scratchDir("php-service-wkt");
    try {
      await writeTree(dir, {
        "buf.yaml": BUF_YAML,
        "proto/wkt/v1/wkt.proto": `syntax = "proto3";
package wkt.v1;
import "google/protobuf/empty.proto";
service PingService {
  rpc Ping(google.protobuf.Empty) returns (google.protobuf.Empty);
}
`,
      });
      const loaded = await loadContracts(resolveConfig(dir));
      const error = await generateFiles(loaded, ["php"]).catch((e: unknown) => e);
      expect(isContractError(error)).toBe(true);
      expect((error as Error).message).toMatch(
        /^proto\/wkt\/v1\/wkt\.proto:5(:\d+)?: method Ping uses google\.protobuf\.Empty, which has no PHP class/,
      );
    } finally {
      await removeDir(dir);
    }
  });
});
