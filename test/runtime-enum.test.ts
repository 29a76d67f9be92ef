/**
 * Proto enum values at the boundary (issue #14): PHP code that sends a native enum's `->name` ("OPEN")
 * instead of the ProtoJSON name ("INVOICE_STATUS_OPEN"), a case variant, or a name or number the enum
 * does not declare. The guard walk reports `enum_name` (with the full name to use) or `enum_unknown`,
 * at the JSON path, in requests (connect-node behind the guarded adapter) and in responses (the guarded
 * transport), where protobuf-es would otherwise throw without a path or silently read 0.
 *
 * The contract is this file's own (an editions file with an open and a closed enum), built by the real
 * `buf` and turned into wire schemas by codegen/wire, as `contractgen generate` does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createFileRegistry, type DescService, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { createRng } from "../codegen/contract-test/rng.js";
import { loadContracts } from "../codegen/load/index.js";
import { wireSchemas } from "../codegen/wire/index.js";
import { FastCompiler } from "../runtime/guard/compile.js";
import {
  type Boundary,
  createBoundary,
  createGuardedConnectTransport,
  createGuardedNodeAdapter,
  PITFALLS,
  type PolicyConfig,
  VIOLATIONS_DETAIL_TYPE,
  type Violation,
} from "../runtime/index.js";
import { BUF_YAML, removeDir, scratchDir, writeTree } from "./helpers.js";

const INVOICE_PROTO = `edition = "2023";

package billing.v1;

import "google/protobuf/struct.proto";

// Open (the edition's default): any int32 number is a valid value.
enum InvoiceStatus {
  INVOICE_STATUS_UNSPECIFIED = 0;
  INVOICE_STATUS_OPEN = 1;
  INVOICE_STATUS_PAID = 2;
  INVOICE_STATUS_VOID = 3;
}

// Closed: only the declared numbers are values.
enum Priority {
  option features.enum_type = CLOSED;
  PRIORITY_UNSPECIFIED = 0;
  PRIORITY_LOW = 1;
  PRIORITY_HIGH = 2;
}

message Line {
  string sku = 1;
  InvoiceStatus status = 2;
}

message Invoice {
  string id = 1;
  InvoiceStatus status = 2;
  repeated InvoiceStatus history = 3;
  map<string, InvoiceStatus> line_status = 4;
  repeated Line lines = 5;
  Priority priority = 6;
  repeated Priority priorities = 7;
  oneof target {
    InvoiceStatus next_status = 8;
    string note = 9;
  }
  google.protobuf.NullValue nothing = 10;
  google.protobuf.Value extra = 11;
}

message UpdateInvoiceRequest {
  Invoice invoice = 1;
}

message UpdateInvoiceResponse {
  Invoice invoice = 1;
}

service InvoiceService {
  rpc UpdateInvoice(UpdateInvoiceRequest) returns (UpdateInvoiceResponse);
}
`;

const REQUEST = "billing.v1.UpdateInvoiceRequest";
const STATUS_NAMES =
  "INVOICE_STATUS_UNSPECIFIED, INVOICE_STATUS_OPEN, INVOICE_STATUS_PAID, INVOICE_STATUS_VOID";

let dir = "";
let schemas: unknown[] = [];
let service: DescService;

beforeAll(async () => {
  dir = await scratchDir("enum");
  await writeTree(dir, { "buf.yaml": BUF_YAML, "proto/billing/v1/invoice.proto": INVOICE_PROTO });
  const loaded = await loadContracts(resolveConfig(dir));
  schemas = [...wireSchemas(loaded).values()];
  // protobuf-es descriptors of the same buf image, for connect-es.
  const image = loaded.proto?.image;
  if (!image) throw new Error("fixture did not build");
  const found = createFileRegistry(fromBinary(FileDescriptorSetSchema, image)).getService(
    "billing.v1.InvoiceService",
  );
  if (!found) throw new Error("fixture service did not load");
  service = found;
});

afterAll(async () => {
  await removeDir(dir);
});

/** The violations of a refused check, or [] when it passed. */
function violations(b: Boundary, payload: unknown): readonly Violation[] {
  try {
    b.check(REQUEST, JSON.stringify(payload), {
      service: "billing.v1.InvoiceService",
      method: "UpdateInvoice",
      direction: "request",
    });
    return [];
  } catch (e) {
    const v = (e as { violations?: readonly Violation[] }).violations;
    if (!v) throw e;
    return v;
  }
}

/** Both boundaries: with the one-pass check and without it; they must always agree. */
function boundaries(policies?: PolicyConfig): Boundary[] {
  const opts = policies ? { schemas, policies } : { schemas };
  return [createBoundary(opts), createBoundary({ ...opts, compile: false })];
}

describe("proto enum values in the guard walk", () => {
  it.each([
    // [what, invoice, path, code, found, suggestion]
    [
      "a native enum's ->name",
      { status: "OPEN" },
      "/invoice/status",
      "enum_name",
      '"OPEN"',
      "INVOICE_STATUS_OPEN",
    ],
    ["lower case", { status: "paid" }, "/invoice/status", "enum_name", '"paid"', "INVOICE_STATUS_PAID"],
    [
      "full name, other case",
      { status: "Invoice_Status_Void" },
      "/invoice/status",
      "enum_name",
      '"Invoice_Status_Void"',
      "INVOICE_STATUS_VOID",
    ],
    [
      "a typo",
      { status: "INVOICE_STATUS_OPNE" },
      "/invoice/status",
      "enum_unknown",
      '"INVOICE_STATUS_OPNE"',
      "INVOICE_STATUS_OPEN",
    ],
    ["a name the enum lacks", { status: "CLOSED" }, "/invoice/status", "enum_unknown", '"CLOSED"', undefined],
    [
      "a value of another enum",
      { status: "PRIORITY_LOW" },
      "/invoice/status",
      "enum_unknown",
      '"PRIORITY_LOW"',
      undefined,
    ],
    [
      "open enum, beyond int32",
      { status: 2147483648 },
      "/invoice/status",
      "enum_unknown",
      "2147483648",
      undefined,
    ],
    [
      "open enum, beyond 2^53",
      { status: 9007199254740992 },
      "/invoice/status",
      "enum_unknown",
      "9007199254740992",
      undefined,
    ],
    ["closed enum, undeclared number", { priority: 7 }, "/invoice/priority", "enum_unknown", "7", undefined],
    [
      "closed enum, short name",
      { priority: "HIGH" },
      "/invoice/priority",
      "enum_name",
      '"HIGH"',
      "PRIORITY_HIGH",
    ],
    [
      "a repeated value",
      { history: ["INVOICE_STATUS_OPEN", "PAID"] },
      "/invoice/history/1",
      "enum_name",
      '"PAID"',
      "INVOICE_STATUS_PAID",
    ],
    [
      "a repeated closed value",
      { priorities: [1, 9] },
      "/invoice/priorities/1",
      "enum_unknown",
      "9",
      undefined,
    ],
    [
      "a map value",
      { lineStatus: { a: "INVOICE_STATUS_OPEN", b: "void" } },
      "/invoice/lineStatus/b",
      "enum_name",
      '"void"',
      "INVOICE_STATUS_VOID",
    ],
    [
      "a proto-named map",
      { line_status: { "x/y": "OPEN" } },
      "/invoice/line_status/x~1y",
      "enum_name",
      '"OPEN"',
      "INVOICE_STATUS_OPEN",
    ],
    [
      "a nested message",
      { lines: [{ sku: "A", status: "open" }] },
      "/invoice/lines/0/status",
      "enum_name",
      '"open"',
      "INVOICE_STATUS_OPEN",
    ],
    [
      "a oneof member",
      { nextStatus: "OPEN" },
      "/invoice/nextStatus",
      "enum_name",
      '"OPEN"',
      "INVOICE_STATUS_OPEN",
    ],
    ["NullValue, another name", { nothing: "NULL" }, "/invoice/nothing", "enum_unknown", '"NULL"', undefined],
    ["NullValue, another number", { nothing: 1 }, "/invoice/nothing", "enum_unknown", "1", undefined],
  ])("%s is refused with a path, the names and a fix", (_what, invoice, path, code, found, suggestion) => {
    for (const b of boundaries()) {
      const v = violations(b, { invoice });
      expect(v).toHaveLength(1);
      const [only] = v as [Violation];
      expect(only.path).toBe(path);
      expect(only.code).toBe(code);
      expect([`the string ${found}`, `the number ${found}`, `the integer ${found}`]).toContain(only.found);
      expect(only.fix).toContain(PITFALLS[code as "enum_name" | "enum_unknown"].fix);
      if (suggestion !== undefined) {
        expect(only.fix).toContain(`"${suggestion}"`);
        expect(only.message).toContain(`did you mean "${suggestion}"?`);
      } else expect(only.message).not.toContain("did you mean");
      if (path.endsWith("tatus") || path.includes("history")) expect(only.expected).toContain(STATUS_NAMES);
    }
  });

  it("says which names exist, and that an open enum takes any int32 number", () => {
    const [b] = boundaries() as [Boundary];
    const [open] = violations(b, { invoice: { status: "OPEN" } }) as [Violation];
    // A field takes null too (ProtoJSON: the default); a list item does not.
    expect(open.expected).toBe(`one of ${STATUS_NAMES} (ProtoJSON names) or an int32 number or null`);
    expect(open.found).toBe('the string "OPEN"');
    expect(open.fix).toMatch(/->value/);
    expect(open.message).toBe(
      `/invoice/status: expected one of ${STATUS_NAMES} (ProtoJSON names) or an int32 number or null, found the string "OPEN" (did you mean "INVOICE_STATUS_OPEN"?)`,
    );
    const [item] = violations(b, { invoice: { history: ["OPEN"] } }) as [Violation];
    expect(item.expected).toBe(`one of ${STATUS_NAMES} (ProtoJSON names) or an int32 number`);
    const [closed] = violations(b, { invoice: { priority: 7 } }) as [Violation];
    expect(closed.expected).toBe(
      "one of PRIORITY_UNSPECIFIED, PRIORITY_LOW, PRIORITY_HIGH (ProtoJSON names) or one of their numbers 0, 1, 2 or null",
    );
    expect(closed.found).toBe("the number 7");
    const [nothing] = violations(b, { invoice: { nothing: "NULL" } }) as [Violation];
    expect(nothing.expected).toBe("the ProtoJSON name NULL_VALUE or its number 0 or null");
  });

  it("accepts every declared name, any int32 for an open enum, declared numbers for a closed one", () => {
    for (const b of boundaries()) {
      for (const invoice of [
        { status: "INVOICE_STATUS_OPEN" },
        { status: 1 },
        { status: 42 },
        { status: -2147483648 },
        { status: 2147483647 },
        { status: null },
        { priority: "PRIORITY_HIGH" },
        { priority: 2 },
        { priority: 0 },
        { priorities: ["PRIORITY_LOW", 2] },
        { history: ["INVOICE_STATUS_PAID", 99] },
        { lineStatus: { a: "INVOICE_STATUS_VOID", b: 3 } },
        { nextStatus: "INVOICE_STATUS_PAID" },
        { next_status: 7 },
        { nothing: null },
        { nothing: "NULL_VALUE" },
        { nothing: 0 },
        { extra: "OPEN" },
        { extra: { status: "OPEN" } },
      ]) {
        expect(violations(b, { invoice }), JSON.stringify(invoice)).toEqual([]);
      }
    }
  });

  it("a clean payload passes the one-pass check; a wrong enum value does not (the walk then reports it)", () => {
    const check = new FastCompiler(schemas, { maxDepth: 64, maxArrayLength: 100_000 }).check(REQUEST);
    expect(check).not.toBeNull();
    const clean = {
      invoice: {
        id: "inv-1",
        status: "INVOICE_STATUS_OPEN",
        history: ["INVOICE_STATUS_UNSPECIFIED", 17],
        lineStatus: { a: "INVOICE_STATUS_PAID" },
        lines: [{ sku: "A", status: 2 }],
        priority: "PRIORITY_LOW",
        priorities: [2],
        nextStatus: "INVOICE_STATUS_VOID",
        nothing: null,
        extra: { any: ["OPEN"] },
      },
    };
    expect(check?.(clean, true)).toBe(true);
    for (const bad of [
      { status: "OPEN" },
      { priority: 7 },
      { history: ["open"] },
      { lineStatus: { a: "PAID" } },
      { nothing: "NULL" },
    ]) {
      expect(check?.({ invoice: { ...clean.invoice, ...bad } }, true), JSON.stringify(bad)).toBe(false);
    }
  });

  it("the one pass accepts exactly what the walk accepts, on seeded random enum values", () => {
    const rng = createRng(14);
    const check = new FastCompiler(schemas, { maxDepth: 64, maxArrayLength: 100_000 }).check(REQUEST);
    const [fast, slow] = boundaries() as [Boundary, Boundary];
    const values: readonly string[] = [
      '"INVOICE_STATUS_OPEN"',
      '"PRIORITY_HIGH"',
      '"NULL_VALUE"',
      '"OPEN"',
      '"open"',
      '"HIGH"',
      '"priority_low"',
      '"X"',
      '""',
      '"1"',
      '"01"',
      '"7"',
      '"2.0"',
      '"\\ud800"',
      "0",
      "1",
      "2",
      "7",
      "-1",
      "2147483647",
      "2147483648",
      "-2147483649",
      "9007199254740993",
      "1.5",
      "1e3",
      "-0",
      "true",
      "null",
      "[]",
      "{}",
    ];
    const slots = [
      (v: string) => `{"status":${v}}`,
      (v: string) => `{"priority":${v}}`,
      (v: string) => `{"history":[${v}]}`,
      (v: string) => `{"priorities":["PRIORITY_LOW",${v}]}`,
      (v: string) => `{"lineStatus":{"k":${v}}}`,
      (v: string) => `{"lines":[{"status":${v}}]}`,
      (v: string) => `{"nextStatus":${v}}`,
      (v: string) => `{"nothing":${v}}`,
    ];
    let accepted = 0;
    for (let i = 0; i < 600; i++) {
      const parts = Array.from({ length: rng.int(1, 3) }, () => rng.pick(slots)(rng.pick(values)));
      // Different slots: merge the objects' members (a repeated key keeps the last, as JSON.parse does).
      const text = `{"invoice":{${parts.map((p) => p.slice(1, -1)).join(",")}}}`;
      const outcome = (b: Boundary) => {
        try {
          const r = b.check(REQUEST, text);
          return { value: r.value, findings: r.findings };
        } catch (e) {
          return { violations: (e as { violations?: unknown }).violations ?? String(e) };
        }
      };
      const a = outcome(fast);
      expect(a, text).toEqual(outcome(slow));
      const clean = "findings" in a && (a.findings as unknown[]).length === 0;
      expect(check?.(JSON.parse(text), text.includes("\\u")), text).toBe(clean);
      if (clean) accepted++;
    }
    expect(accepted).toBeGreaterThan(20);
  });

  it("reports every wrong value at once", () => {
    const [b] = boundaries() as [Boundary];
    const v = violations(b, { invoice: { status: "OPEN", history: ["PAID", "VOID"], priority: 5 } });
    expect(v.map((x) => `${x.path} ${x.code}`)).toEqual([
      "/invoice/status enum_name",
      "/invoice/history/0 enum_name",
      "/invoice/history/1 enum_name",
      "/invoice/priority enum_unknown",
    ]);
  });

  it("is rejected in the migrate preset too: mapping OPEN to INVOICE_STATUS_OPEN would be a guess", () => {
    for (const b of boundaries({ preset: "migrate" })) {
      expect(violations(b, { invoice: { status: "OPEN" } }).map((x) => x.code)).toEqual(["enum_name"]);
      expect(violations(b, { invoice: { priority: 7 } }).map((x) => x.code)).toEqual(["enum_unknown"]);
    }
    expect(() => createBoundary({ schemas, policies: { pitfalls: { enum_name: "repair" } } })).toThrow(
      /enum_name cannot be "repair"/,
    );
    expect(PITFALLS.enum_name).toMatchObject({ strict: "reject", migrate: "reject", repairable: false });
    expect(PITFALLS.enum_unknown).toMatchObject({ strict: "reject", migrate: "reject", repairable: false });
  });

  it("a number sent as a string (a PDO column) is numeric_string, repaired in migrate when the enum has it", () => {
    for (const b of boundaries()) {
      const [v] = violations(b, { invoice: { status: "2" } }) as [Violation];
      expect(v).toMatchObject({ path: "/invoice/status", code: "numeric_string" });
    }
    for (const b of boundaries({ preset: "migrate" })) {
      const result = b.check(REQUEST, JSON.stringify({ invoice: { status: "2", priority: "1" } }));
      expect(result.value).toEqual({ invoice: { status: 2, priority: 1 } });
      expect(violations(b, { invoice: { priority: "7" } }).map((x) => x.code)).toEqual(["enum_unknown"]);
      expect(violations(b, { invoice: { status: "02" } }).map((x) => x.code)).toEqual(["numeric_string"]);
    }
  });

  it("warn passes the value on and reports it", () => {
    const events: string[] = [];
    const b = createBoundary({
      schemas,
      policies: { pitfalls: { enum_name: "warn" } },
      observer: (e) => events.push(`${e.code} ${e.action} ${e.path}`),
    });
    const result = b.check(REQUEST, '{"invoice":{"status":"OPEN"}}');
    expect(result.value).toEqual({ invoice: { status: "OPEN" } });
    expect(events).toEqual(["enum_name warned /invoice/status"]);
  });
});

/** Violations carried by an error: its own list, or the detail of a Connect error body. */
function violationsOf(e: unknown): readonly Violation[] {
  const own = (e as { violations?: readonly Violation[] }).violations;
  if (own) return own;
  if (e instanceof ConnectError) {
    for (const d of e.details) {
      if ("type" in d && d.type === VIOLATIONS_DETAIL_TYPE)
        return (JSON.parse(new TextDecoder().decode(d.value)) as { violations: Violation[] }).violations;
    }
  }
  return [];
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe("over HTTP", () => {
  it("a request with OPEN gets invalid_argument from a connect-node route, with the path and the fix", async () => {
    const seen: unknown[] = [];
    const server = await listen(
      createGuardedNodeAdapter({
        boundary: createBoundary({ schemas }),
        routes: (router) =>
          router.service(service, {
            updateInvoice: (req: { invoice?: unknown }) => {
              seen.push(req.invoice);
              return { invoice: req.invoice };
            },
          } as never),
      }),
    );
    try {
      const post = (body: string) =>
        fetch(`${urlOf(server)}/billing.v1.InvoiceService/UpdateInvoice`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
      const bad = await post(
        '{"invoice":{"id":"inv-1","status":"OPEN","history":["INVOICE_STATUS_PAID",7]}}',
      );
      expect(bad.status).toBe(400);
      const error = (await bad.json()) as {
        code: string;
        message: string;
        details: { type: string; debug: { violations: Violation[] } }[];
      };
      expect(error.code).toBe("invalid_argument");
      expect(error.message).toContain("/invoice/status: expected one of INVOICE_STATUS_UNSPECIFIED");
      const detail = error.details.find((d) => d.type === VIOLATIONS_DETAIL_TYPE);
      expect(detail?.debug.violations).toEqual([
        {
          path: "/invoice/status",
          code: "enum_name",
          expected: `one of ${STATUS_NAMES} (ProtoJSON names) or an int32 number or null`,
          found: 'the string "OPEN"',
          fix: `did you mean "INVOICE_STATUS_OPEN"? ${PITFALLS.enum_name.fix}`,
          message: `/invoice/status: expected one of ${STATUS_NAMES} (ProtoJSON names) or an int32 number or null, found the string "OPEN" (did you mean "INVOICE_STATUS_OPEN"?)`,
        },
      ]);
      expect(seen).toEqual([]);

      // The same request with the ProtoJSON name reaches the handler (7: the enum is open).
      const good = await post(
        '{"invoice":{"id":"inv-1","status":"INVOICE_STATUS_OPEN","history":["INVOICE_STATUS_PAID",7]}}',
      );
      expect(good.status).toBe(200);
      expect(await good.json()).toEqual({
        invoice: { id: "inv-1", status: "INVOICE_STATUS_OPEN", history: ["INVOICE_STATUS_PAID", 7] },
      });
      expect(seen).toHaveLength(1);
    } finally {
      await close(server);
    }
  });

  it("a response with OPEN fails the guarded client's call, never reads as UNSPECIFIED", async () => {
    let answer = "";
    const server = await listen((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(answer);
      });
    });
    try {
      const client = createClient(
        service,
        createGuardedConnectTransport({
          baseUrl: urlOf(server),
          boundary: createBoundary({ schemas }),
          services: [service],
        }),
      ) as unknown as {
        updateInvoice: (req: object) => Promise<{ invoice?: { status: number; priority: number } }>;
      };

      answer = '{"invoice":{"id":"inv-1","status":"OPEN"}}';
      const error = await client.updateInvoice({}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConnectError);
      expect([Code.InvalidArgument, Code.Internal]).toContain((error as ConnectError).code);
      expect(violationsOf(error).map((v) => `${v.path} ${v.code}`)).toEqual(["/invoice/status enum_name"]);

      answer = '{"invoice":{"priority":9}}';
      const closed = await client.updateInvoice({}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect([Code.InvalidArgument, Code.Internal]).toContain((closed as ConnectError).code);
      expect(violationsOf(closed).map((v) => `${v.path} ${v.code}`)).toEqual([
        "/invoice/priority enum_unknown",
      ]);

      answer = '{"invoice":{"status":"INVOICE_STATUS_PAID","priority":"PRIORITY_HIGH"}}';
      const ok = await client.updateInvoice({});
      expect(ok.invoice?.status).toBe(2);
      expect(ok.invoice?.priority).toBe(2);
    } finally {
      await close(server);
    }
  });
});
