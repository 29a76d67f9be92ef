import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createServer, type RequestListener, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonParseHasSourceText, requireExactJsonParse } from "../runtime/guard/body.js";
import {
  type Boundary,
  type BoundaryError,
  createBoundary,
  createGuardedConnectTransport,
  createGuardedNodeAdapter,
  createJsonClient,
  createJsonServiceHandler,
  type JsonCallOptions,
  type JsonClientOptions,
  type JsonHandlerContext,
  type JsonServiceDefinition,
  jsonService,
  type ServerErrorContext,
  VIOLATIONS_DETAIL_TYPE,
} from "../runtime/index.js";
import { BUF_YAML, generateInline, ROOT, removeDir, run, scratchDir, TSC, writeTree } from "./helpers.js";

/**
 * The runtime's error policy and cancellation, over real node:http servers on loopback, with a contract
 * of this file's own: a proto service (errt.v1.EchoService) and a JSON Schema one (errt.notes.v1).
 */
const SCHEMA = "https://json-schema.org/draft/2020-12/schema";
const NOTES = "contracts/jsonschema/errt/notes/v1";
const CONTRACT: Record<string, string> = {
  "buf.yaml": BUF_YAML,
  "proto/errt/v1/echo.proto": `syntax = "proto3";
package errt.v1;
message EchoRequest {
  string text = 1;
  int64 id = 2;
}
message EchoResponse {
  string text = 1;
  int64 id = 2;
}
service EchoService {
  rpc Echo(EchoRequest) returns (EchoResponse);
}
`,
  [`${NOTES}/save_request.schema.json`]: JSON.stringify({
    $schema: SCHEMA,
    title: "SaveRequest",
    type: "object",
    properties: { text: { type: "string" } },
    required: ["text"],
    additionalProperties: false,
  }),
  [`${NOTES}/save_response.schema.json`]: JSON.stringify({
    $schema: SCHEMA,
    title: "SaveResponse",
    type: "object",
    properties: { text: { type: "string" }, count: { type: "integer", minimum: 0 } },
    required: ["text"],
    additionalProperties: false,
  }),
  [`${NOTES}/notes.service.json`]: JSON.stringify({
    package: "errt.notes.v1",
    service: "NoteService",
    methods: { Save: { request: "./save_request.schema.json", response: "./save_response.schema.json" } },
  }),
};

interface SaveRequest {
  text: string;
}
interface SaveResponse {
  text: string;
  count?: number;
}
type SaveHandler = (req: SaveRequest, ctx: JsonHandlerContext) => Promise<SaveResponse> | SaveResponse;
type EchoHandler = (
  req: { text: string; id: bigint },
  ctx: { signal: AbortSignal },
) => Promise<{ text: string; id?: bigint }>;

interface NoteClient {
  save(req: SaveRequest, options?: JsonCallOptions): Promise<SaveResponse>;
}
interface EchoClient {
  echo(
    req: { text: string; id?: bigint },
    options?: { headers?: Record<string, string> },
  ): Promise<{ text: string; id: bigint }>;
}
const noteClient = (options: JsonClientOptions) =>
  createJsonClient(NoteService, options) as unknown as NoteClient;
const echoClient = (transport: Transport) => createClient(EchoService, transport) as unknown as EchoClient;

let dir: string;
let NoteService: JsonServiceDefinition;
let EchoService: DescService;
let schemas: unknown[];
let boundary: Boundary;
const servers: Server[] = [];

beforeAll(async () => {
  const generated = await generateInline(CONTRACT);
  dir = generated.dir;
  await writeTree(join(dir, "gen"), Object.fromEntries(generated.out));
  NoteService = (await import(join(dir, "gen/ts/jsonschema/errt/notes/v1/note_service.ts")))
    .NoteService as JsonServiceDefinition;
  EchoService = (await import(join(dir, "gen/ts/proto/errt/v1/echo_pb.ts"))).EchoService as DescService;
  schemas = [...generated.out]
    .filter(([path]) => path.startsWith("schema/"))
    .map(([, text]) => JSON.parse(text) as unknown);
  boundary = createBoundary({ schemas });
});

afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await removeDir(dir);
});

async function listen(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function notesServer(save: SaveHandler, options: Parameters<typeof createJsonServiceHandler>[1] = {}) {
  return listen(createJsonServiceHandler([jsonService(NoteService, { save } as never)], options));
}

function echoServer(
  echo: EchoHandler,
  options: { onError?: (e: unknown, c: ServerErrorContext) => void } = {},
) {
  return listen(
    createGuardedNodeAdapter({
      boundary,
      routes: (router: ConnectRouter) => router.service(EchoService, { echo } as never),
      ...options,
    }),
  );
}

/** A plain HTTP server standing in for a database or another service the handler calls. */
let downstream: string;
beforeAll(async () => {
  downstream = await listen((_req, res) => {
    setTimeout(() => res.end("pong"), 5);
  });
});

/** Runs `fn` with process.stderr.write captured; returns what was written. */
async function captureStderr(fn: () => Promise<unknown>): Promise<string> {
  const original = process.stderr.write;
  let written = "";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    written += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = original;
  }
  return written;
}

function post(base: string, path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

describe("cancellation: context.signal aborts only when the client goes away or the deadline passes", () => {
  it("an async JSON Schema handler that awaits a timer and an outbound HTTP call answers normally", async () => {
    let abortedAtEnd: boolean | undefined;
    const base = await notesServer(async (req, ctx) => {
      await sleep(0);
      await sleep(20);
      const pong = await (await fetch(downstream)).text();
      abortedAtEnd = ctx.signal.aborted;
      return { text: `${req.text}:${pong}` };
    });
    await expect(noteClient({ baseUrl: base }).save({ text: "hi" })).resolves.toEqual({ text: "hi:pong" });
    expect(abortedAtEnd).toBe(false);
  });

  it("an async proto handler behind createGuardedNodeAdapter answers normally", async () => {
    const base = await echoServer(async (req, ctx) => {
      await sleep(20);
      const pong = await (await fetch(downstream)).text();
      expect(ctx.signal.aborted).toBe(false);
      return { text: `${req.text}:${pong}`, id: req.id };
    });
    const client = echoClient(createConnectTransport({ baseUrl: base, httpVersion: "1.1" }));
    const res = await client.echo({ text: "hi", id: 9007199254740993n });
    expect([res.text, res.id]).toEqual(["hi:pong", 9007199254740993n]);
  });

  it("a client that disconnects mid-handler aborts the JSON Schema handler's signal with canceled", async () => {
    let atStart: boolean | undefined;
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let aborted!: (reason: unknown) => void;
    const reason = new Promise<unknown>((resolve) => {
      aborted = resolve;
    });
    const base = await notesServer(async (_req, ctx) => {
      await sleep(10);
      atStart = ctx.signal.aborted;
      ctx.signal.addEventListener("abort", () => aborted(ctx.signal.reason), { once: true });
      started();
      await sleep(5_000, undefined, { signal: ctx.signal }).catch(() => undefined);
      return { text: "late" };
    });
    const req = request(`${base}/errt.notes.v1.NoteService/Save`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    req.on("error", () => undefined);
    req.end('{"text":"x"}');
    await running;
    expect(atStart).toBe(false);
    req.destroy();
    const got = (await reason) as ConnectError;
    expect(got).toBeInstanceOf(ConnectError);
    expect(got.code).toBe(Code.Canceled);
  });

  it("a handler that fails because the client went away is not logged as a server error (both kinds)", async () => {
    const aborted: string[] = [];
    const json = await notesServer(async (_req, ctx) => {
      ctx.signal.addEventListener("abort", () => aborted.push("json"), { once: true });
      await sleep(5_000, undefined, { signal: ctx.signal }); // rejects with an AbortError
      return { text: "late" };
    });
    const proto = await echoServer(async (_req, ctx) => {
      ctx.signal.addEventListener("abort", () => aborted.push("proto"), { once: true });
      await sleep(5_000, undefined, { signal: ctx.signal });
      return { text: "late" };
    });
    const stderr = await captureStderr(async () => {
      for (const [base, path] of [
        [json, "/errt.notes.v1.NoteService/Save"],
        [proto, "/errt.v1.EchoService/Echo"],
      ] as const) {
        const req = request(`${base}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
        });
        req.on("error", () => undefined);
        req.end('{"text":"x"}');
        await sleep(50);
        req.destroy();
        await sleep(50);
      }
    });
    expect(aborted).toEqual(["json", "proto"]);
    expect(stderr).toBe("");
  });

  it("the deadline (Connect-Timeout-Ms) aborts the signal with deadline_exceeded and answers so", async () => {
    let reason: unknown;
    const base = await notesServer(async (_req, ctx) => {
      await new Promise<void>((resolve) => {
        ctx.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      reason = ctx.signal.reason;
      return { text: "late" };
    });
    const res = await post(base, "/errt.notes.v1.NoteService/Save", '{"text":"x"}', {
      "connect-timeout-ms": "50",
    });
    expect(res.status).toBe(504);
    expect(((await res.json()) as { code: string }).code).toBe("deadline_exceeded");
    expect((reason as ConnectError).code).toBe(Code.DeadlineExceeded);
  });
});

describe("one error policy: an unexpected handler error is internal, with the request id, and logged", () => {
  const SECRET = "SQLSTATE[28000]: access denied for user 'shop'@'db' using password 'secret'";

  it("JSON Schema: a plain Error becomes internal without its text; onError gets it with the context", async () => {
    const seen: [unknown, ServerErrorContext][] = [];
    const base = await notesServer(
      async () => {
        await sleep(1);
        throw new Error(SECRET);
      },
      { onError: (e, ctx) => seen.push([e, ctx]) },
    );
    const stderr = await captureStderr(async () => {
      const res = await post(base, "/errt.notes.v1.NoteService/Save", '{"text":"x"}', {
        "x-request-id": "req-41",
      });
      expect(res.status).toBe(500);
      expect(res.headers.get("x-request-id")).toBe("req-41");
      const text = await res.text();
      expect(text).not.toContain("secret");
      expect(text).not.toContain("SQLSTATE");
      expect(JSON.parse(text)).toEqual({ code: "internal", message: "internal error (request id req-41)" });
    });
    expect(stderr).toBe(""); // onError replaces the default log
    expect(seen).toHaveLength(1);
    expect((seen[0]?.[0] as Error | undefined)?.message).toBe(SECRET);
    expect(seen[0]?.[1]).toMatchObject({
      service: "errt.notes.v1.NoteService",
      method: "Save",
      requestId: "req-41",
    });
  });

  it("JSON Schema: without onError the error is logged on stderr as one line with the stack", async () => {
    const base = await notesServer(() => {
      throw new Error(SECRET);
    });
    const client = noteClient({ baseUrl: base });
    let error: unknown;
    const stderr = await captureStderr(async () => {
      error = await client.save({ text: "x" }, { requestId: "req-42" }).catch((e: unknown) => e);
    });
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.Internal);
    expect((error as ConnectError).rawMessage).toBe("internal error (request id req-42)");
    const lines = stderr.split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^contractgen: errt\.notes\.v1\.NoteService\/Save \[req-42\]: Error: SQLSTATE\[28000\].* \| at .*runtime-server-errors\.test\.ts/,
    );
  });

  it("JSON Schema: a ConnectError passes as it is and is not logged (the API for deliberate errors)", async () => {
    const base = await notesServer(() => {
      throw new ConnectError("note 7 not found", Code.NotFound);
    });
    const stderr = await captureStderr(async () => {
      const res = await post(base, "/errt.notes.v1.NoteService/Save", '{"text":"x"}');
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ code: "not_found", message: "note 7 not found" });
    });
    expect(stderr).toBe("");
  });

  it("JSON Schema: a client's invalid request is invalid_argument and not logged", async () => {
    const base = await notesServer(() => ({ text: "never" }));
    const stderr = await captureStderr(async () => {
      const res = await post(base, "/errt.notes.v1.NoteService/Save", '{"text":5}');
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe("invalid_argument");
    });
    expect(stderr).toBe("");
  });

  it("JSON Schema: the server's own response that breaks its contract is internal with only the paths, and logged", async () => {
    const seen: unknown[] = [];
    const base = await notesServer(() => ({ text: "ok", count: -1, leaked: "card 4111 1111 1111 1111" }), {
      onError: (e) => seen.push(e),
    });
    const res = await post(base, "/errt.notes.v1.NoteService/Save", '{"text":"x"}', {
      "x-request-id": "req-43",
    });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe("internal");
    expect(body.message).toBe(
      "the server's Save response breaks the contract at /, /count (request id req-43)",
    );
    expect(JSON.stringify(body)).not.toContain("4111");
    expect(JSON.stringify(body)).not.toContain("leaked");
    expect(seen).toHaveLength(1);
    expect((seen[0] as Error).message).toContain('must NOT have additional properties ("leaked")');
    expect((seen[0] as Error).message).toContain("/count: must be >= 0");
  });

  it("proto behind createGuardedNodeAdapter: a plain Error is internal with the request id, onError gets it", async () => {
    const seen: [unknown, ServerErrorContext][] = [];
    const base = await echoServer(
      async () => {
        await sleep(1);
        throw new Error(SECRET);
      },
      { onError: (e, ctx) => seen.push([e, ctx]) },
    );
    const res = await post(base, "/errt.v1.EchoService/Echo", '{"text":"x"}', { "x-request-id": "req-51" });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("secret");
    expect(JSON.parse(text)).toEqual({ code: "internal", message: "internal error (request id req-51)" });
    expect(seen).toHaveLength(1);
    expect((seen[0]?.[0] as Error | undefined)?.message).toBe(SECRET);
    expect(seen[0]?.[1]).toEqual({ service: "errt.v1.EchoService", method: "Echo", requestId: "req-51" });
  });

  it("proto behind createGuardedNodeAdapter: without onError the stderr line; a connect client sees internal", async () => {
    const base = await echoServer(async () => {
      throw new Error(SECRET);
    });
    const client = echoClient(createConnectTransport({ baseUrl: base, httpVersion: "1.1" }));
    let error: unknown;
    const stderr = await captureStderr(async () => {
      error = await client
        .echo({ text: "x" }, { headers: { "x-request-id": "req-52" } })
        .catch((e: unknown) => e);
    });
    expect((error as ConnectError).code).toBe(Code.Internal);
    expect((error as ConnectError).rawMessage).toBe("internal error (request id req-52)");
    const lines = stderr.split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^contractgen: errt\.v1\.EchoService\/Echo \[req-52\]: Error: SQLSTATE\[28000\].* \| at /,
    );
  });

  it("proto behind createGuardedNodeAdapter: a ConnectError passes as it is, a guard rejection is not logged", async () => {
    const base = await echoServer(async () => {
      throw new ConnectError("echo refused", Code.PermissionDenied);
    });
    const stderr = await captureStderr(async () => {
      const denied = await post(base, "/errt.v1.EchoService/Echo", '{"text":"x"}');
      expect(denied.status).toBe(403);
      expect(await denied.json()).toEqual({ code: "permission_denied", message: "echo refused" });
      const invalid = await post(base, "/errt.v1.EchoService/Echo", '{"id":9007199254740993}');
      expect(invalid.status).toBe(400);
    });
    expect(stderr).toBe("");
  });
});

describe("clients: a response that breaks the contract is the server's fault (internal), with its violations", () => {
  /** A server answering 200 with a fixed body, whatever is asked. */
  const fixed = (body: string) =>
    listen((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(body);
      });
    });

  const violationsOf = (e: ConnectError) => {
    const detail = e.details.find((d) => "type" in d && d.type === VIOLATIONS_DETAIL_TYPE) as
      | { value: Uint8Array }
      | undefined;
    return (
      JSON.parse(Buffer.from(detail?.value ?? new Uint8Array()).toString("utf8") || "{}") as {
        violations?: { path: string; code: string; expected: string; found: string }[];
      }
    ).violations;
  };

  it("the guarded JSON client (boundary)", async () => {
    const base = await fixed('{"text":"ok","count":"7"}');
    const client = noteClient({ baseUrl: base, boundary });
    const error = (await client.save({ text: "x" }).catch((e: unknown) => e)) as BoundaryError;
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toMatch(
      /^the server's response breaks the contract \(errt\.notes\.v1\.NoteService\/Save\): \/count: /,
    );
    expect(error.violations.map((v) => [v.path, v.code])).toEqual([["/count", "numeric_string"]]);
    expect(violationsOf(error)?.[0]).toMatchObject({ path: "/count", code: "numeric_string" });
  });

  it("the unguarded JSON client says the same, with the violations", async () => {
    const base = await fixed('{"text":"ok","count":-1}');
    const client = noteClient({ baseUrl: base });
    const error = (await client.save({ text: "x" }).catch((e: unknown) => e)) as BoundaryError;
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toMatch(
      /^the server's response breaks the contract \(errt\.notes\.v1\.NoteService\/Save\): \/count: must be >= 0/,
    );
    expect(error.violations.map((v) => v.path)).toEqual(["/count"]);
  });

  it("the guarded connect transport", async () => {
    const base = await fixed('{"text":5}');
    const client = echoClient(
      createGuardedConnectTransport({ baseUrl: base, boundary, services: [EchoService] }),
    );
    const error = (await client.echo({ text: "x" }).catch((e: unknown) => e)) as ConnectError;
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toMatch(
      /^the server's response breaks the contract \(errt\.v1\.EchoService\/Echo\): \/text: /,
    );
    expect(violationsOf(error)?.map((v) => v.path)).toEqual(["/text"]);
  });

  it("a response beyond the size limit stays resource_exhausted", async () => {
    const small = createBoundary({ schemas, limits: { maxBodyBytes: 64 } });
    const base = await fixed(JSON.stringify({ text: "x".repeat(200) }));
    const json = noteClient({ baseUrl: base, boundary: small });
    await expect(json.save({ text: "x" })).rejects.toMatchObject({ code: Code.ResourceExhausted });
    const proto = echoClient(
      createGuardedConnectTransport({ baseUrl: base, boundary: small, services: [EchoService] }),
    );
    await expect(proto.echo({ text: "x" })).rejects.toMatchObject({ code: Code.ResourceExhausted });
  });
});

describe("Node without JSON.parse source text access (Node < 22): a clear start-up error", () => {
  it("detects the feature, not the version", () => {
    expect(jsonParseHasSourceText()).toBe(true); // the Node running the tests (>= 22.12)
    expect(() => requireExactJsonParse("createBoundary")).not.toThrow();
    expect(() => requireExactJsonParse("createBoundary", false)).toThrow(
      `createBoundary: this Node (${process.version}) has no JSON.parse source text access, needed to keep integers beyond ±2^53 exact; Node >= 22.12 required`,
    );
  });

  const OLD_NODE = "/usr/bin/node";
  const oldVersion = existsSync(OLD_NODE) ? /^v([0-9]+)/.exec(oldNodeVersion(OLD_NODE))?.[1] : undefined;
  const hasOldNode = oldVersion !== undefined && Number(oldVersion) < 22;
  if (!hasOldNode) {
    console.log(`skipped: ${OLD_NODE} is missing or not older than Node 22 (${oldVersion ?? "none"})`);
  }

  it.skipIf(!hasOldNode)(
    `${OLD_NODE} (v${oldVersion}): createBoundary and the CLI refuse to start with one clear line`,
    async () => {
      const tmp = await scratchDir("old-node");
      try {
        // A build of the runtime and the CLI entry point in a scratch folder (dist/ is left alone).
        const tsconfig = join(tmp, "tsconfig.json");
        await writeFile(
          tsconfig,
          JSON.stringify({
            extends: join(ROOT, "tsconfig.json"),
            compilerOptions: {
              outDir: join(tmp, "out"),
              rootDir: ROOT,
              declaration: false,
              sourceMap: false,
            },
            include: [join(ROOT, "runtime/**/*.ts"), join(ROOT, "cli/bin.ts")],
            exclude: [],
          }),
        );
        await run(process.execPath, [TSC, "-p", tsconfig], { cwd: tmp }); // emits even if others' files have type errors
        const script = join(tmp, "probe.mjs");
        await writeFile(
          script,
          `const { createBoundary } = await import(${JSON.stringify(join(tmp, "out/runtime/index.js"))});
createBoundary({ schemas: [] });
console.log("started");
`,
        );
        const runtime = await run(OLD_NODE, [script], { cwd: tmp });
        expect(runtime.stdout).not.toContain("started");
        expect(runtime.code).not.toBe(0);
        expect(runtime.stderr).toContain(`Error: createBoundary: this Node (v${oldVersion}.`);
        expect(runtime.stderr).toContain("Node >= 22.12 required");
        const cli = await run(OLD_NODE, [join(tmp, "out/cli/bin.js"), "--version"], { cwd: tmp });
        expect(cli.code).toBe(1);
        expect(cli.stdout).toBe("");
        expect(cli.stderr).toMatch(
          new RegExp(
            `^contractgen: Node >= 22\\.12 required, found v${oldVersion}\\.[0-9.]+ \\(${OLD_NODE}\\)\\n$`,
          ),
        );
      } finally {
        await removeDir(tmp);
      }
    },
  );
});

/** `node --version` of another Node binary, synchronously (the test list is built before any test runs). */
function oldNodeVersion(node: string): string {
  return execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
}
