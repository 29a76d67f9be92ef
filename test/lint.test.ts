/**
 * `lint()` on contract sets written to scratch folders: the `<Method>.examples.json` files of the
 * contract tests (proto and JSON Schema services) and the naming conventions of docs/contracts.md for
 * JSON Schema contracts. Each row gives a contract set and the finding it must produce (rule, severity,
 * file, JSON pointer, line where the file is JSON, and the fix the message suggests).
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../codegen/errors.js";
import { lint } from "../codegen/lint.js";
import { BUF_YAML, ROOT, removeDir, scratchDir, writeTree } from "./helpers.js";

type Files = Readonly<Record<string, string>>;

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map(removeDir));
});

async function lintFiles(files: Files, options: { proto?: false; jsonSchema?: false } = {}) {
  const dir = await scratchDir("lint");
  dirs.push(dir);
  await writeTree(dir, files);
  return (await lint({ cwd: dir, ...options })).diagnostics;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
const schema = (body: Record<string, unknown>): string =>
  json({ $schema: "https://json-schema.org/draft/2020-12/schema", ...body });

/** A JSON Schema service `acme.pay.v1.PayService` with one method, Quote. */
const PAY = "contracts/jsonschema/acme/pay/v1";
const QUOTE_REQUEST = {
  title: "QuoteRequest",
  description: "A quote request.",
  type: "object",
  properties: {
    amount: { type: "integer", minimum: 1, description: "Amount in minor units." },
    currency: { enum: ["eur", "usd"], description: "Currency." },
  },
  required: ["amount", "currency"],
  additionalProperties: false,
};
const QUOTE_RESPONSE = {
  title: "QuoteResponse",
  description: "A quote.",
  type: "object",
  properties: {
    amount: { type: "integer", description: "Amount in minor units." },
    fee: { type: "integer", description: "Fee in minor units." },
  },
  required: ["amount", "fee"],
  additionalProperties: false,
};
const MANIFEST = {
  package: "acme.pay.v1",
  service: "PayService",
  methods: {
    Quote: { request: "./quote_request.schema.json", response: "./quote_response.schema.json" },
  },
};
const JSON_SCHEMA: Files = {
  [`${PAY}/pay.service.json`]: json(MANIFEST),
  [`${PAY}/quote_request.schema.json`]: schema(QUOTE_REQUEST),
  [`${PAY}/quote_response.schema.json`]: schema(QUOTE_RESPONSE),
};

/** A proto service `acme.echo.v1.EchoService` with one method, Say. */
const ECHO = "proto/acme/echo/v1";
const PROTO: Files = {
  "buf.yaml": BUF_YAML,
  [`${ECHO}/echo.proto`]: `syntax = "proto3";
package acme.echo.v1;
message SayRequest { string text = 1; bool loud = 2; int64 count = 3; }
message SayResponse { string text = 1; }
service EchoService { rpc Say(SayRequest) returns (SayResponse); }
`,
};

interface Want {
  readonly rule: string;
  readonly file: string;
  readonly pointer?: string;
  readonly line?: number;
  readonly column?: number;
  readonly severity?: "warning";
  /** Text the message must contain (what was found, the fix). */
  readonly says: readonly string[];
}

/** `diagnostics` holds exactly one finding of `want.rule`, at the wanted place, saying the wanted things. */
function expectFinding(diagnostics: readonly Diagnostic[], want: Want): void {
  const found = diagnostics.filter(
    (d) => d.rule === want.rule && (want.pointer === undefined || d.location?.pointer === want.pointer),
  );
  expect(found, JSON.stringify(diagnostics, null, 2)).toHaveLength(1);
  const [d] = found as [Diagnostic];
  expect(d.location?.file).toBe(want.file);
  if (want.pointer !== undefined) expect(d.location?.pointer).toBe(want.pointer);
  if (want.line !== undefined) expect(d.location?.line).toBe(want.line);
  if (want.column !== undefined) expect(d.location?.column).toBe(want.column);
  expect(d.severity).toBe(want.severity);
  for (const s of want.says) expect(d.message).toContain(s);
}

describe("examples files", () => {
  it.each([
    ["the JSON Schema service", JSON_SCHEMA, `${PAY}/Quote.examples.json`],
    ["the proto service", PROTO, `${ECHO}/Say.examples.json`],
  ])("a valid examples file of %s gives no finding", async (_what, files, path) => {
    const example = path.endsWith("Quote.examples.json")
      ? [
          { name: "two euros", request: { amount: 200, currency: "eur" }, response: { fee: 5 } },
          { name: "no such currency", request: { amount: 1, currency: "usd" }, code: "failed_precondition" },
        ]
      : [{ name: "quiet", request: { text: "hi", count: "12" }, response: { text: "hi" } }];
    expect(await lintFiles({ ...files, [path]: json(example) })).toEqual([]);
  });

  it.each<[string, Files, Want]>([
    [
      "a JSON syntax error",
      { ...JSON_SCHEMA, [`${PAY}/Quote.examples.json`]: '[\n  { "request": { "amount": 1 }, }\n]\n' },
      {
        rule: "EXAMPLES_FILE_SYNTAX",
        file: `${PAY}/Quote.examples.json`,
        line: 2,
        column: 33,
        says: ["invalid JSON"],
      },
    ],
    [
      "a file named after a method the service does not have",
      { ...JSON_SCHEMA, [`${PAY}/Qoute.examples.json`]: json([{ request: { amount: 1, currency: "eur" } }]) },
      {
        rule: "EXAMPLES_FILE_METHOD",
        file: `${PAY}/Qoute.examples.json`,
        pointer: "",
        says: ['found "Qoute"', "acme.pay.v1.PayService (Quote)", "rename the file to Quote.examples.json"],
      },
    ],
    [
      "a proto examples file named after a method in the wrong case",
      { ...PROTO, [`${ECHO}/say.examples.json`]: json([{ request: {} }]) },
      {
        rule: "EXAMPLES_FILE_METHOD",
        file: `${ECHO}/say.examples.json`,
        says: ["rename the file to Say.examples.json"],
      },
    ],
    [
      "an examples file in a folder that declares no service",
      {
        ...JSON_SCHEMA,
        "contracts/jsonschema/acme/shared/v1/money.schema.json": schema({
          title: "Money",
          description: "Money.",
          type: "object",
          properties: { amountMinor: { type: "integer", description: "Amount." } },
          additionalProperties: false,
        }),
        "contracts/jsonschema/acme/shared/v1/Quote.examples.json": json([{ request: {} }]),
      },
      {
        rule: "EXAMPLES_FILE_METHOD",
        file: "contracts/jsonschema/acme/shared/v1/Quote.examples.json",
        says: ["no service is declared in this folder"],
      },
    ],
    [
      "an object instead of an array",
      { ...JSON_SCHEMA, [`${PAY}/Quote.examples.json`]: json({ request: { amount: 1 } }) },
      {
        rule: "EXAMPLES_FILE_FORMAT",
        file: `${PAY}/Quote.examples.json`,
        pointer: "",
        line: 1,
        says: ["expected an array of { name, request, response?, code? }, found an object"],
      },
    ],
    [
      "a misspelt key",
      { ...PROTO, [`${ECHO}/Say.examples.json`]: json([{ name: "x", requets: { text: "hi" } }]) },
      {
        rule: "EXAMPLES_FILE_FORMAT",
        file: `${ECHO}/Say.examples.json`,
        pointer: "/0/requets",
        line: 4,
        says: ['found the unknown key "requets"'],
      },
    ],
    [
      "a code that is not a Connect code",
      {
        ...JSON_SCHEMA,
        [`${PAY}/Quote.examples.json`]: json([{ request: { amount: 1, currency: "eur" }, code: "NotFound" }]),
      },
      {
        rule: "EXAMPLES_FILE_FORMAT",
        file: `${PAY}/Quote.examples.json`,
        pointer: "/0/code",
        line: 7,
        says: ['expected "ok" or a Connect code such as "not_found", found the string "NotFound"'],
      },
    ],
    [
      "a response next to an error code",
      {
        ...JSON_SCHEMA,
        [`${PAY}/Quote.examples.json`]: json([
          { request: { amount: 1, currency: "eur" }, code: "not_found", response: { fee: 1 } },
        ]),
      },
      {
        rule: "EXAMPLES_FILE_FORMAT",
        file: `${PAY}/Quote.examples.json`,
        pointer: "/0/response",
        says: ['expected no "response" with code "not_found"'],
      },
    ],
    [
      "a request of a JSON Schema service that breaks its schema",
      {
        ...JSON_SCHEMA,
        [`${PAY}/Quote.examples.json`]: json([{ name: "ten", request: { amount: "ten", currency: "eur" } }]),
      },
      {
        rule: "EXAMPLES_FILE_REQUEST",
        file: `${PAY}/Quote.examples.json`,
        pointer: "/0/request/amount",
        line: 5,
        says: [
          "request /amount does not match acme.pay.v1.QuoteRequest",
          'expected integer, found the string "ten"',
        ],
      },
    ],
    [
      "a request of a proto service that breaks its ProtoJSON schema",
      { ...PROTO, [`${ECHO}/Say.examples.json`]: json([{ request: { text: "hi", loud: "yes" } }]) },
      {
        rule: "EXAMPLES_FILE_REQUEST",
        file: `${ECHO}/Say.examples.json`,
        pointer: "/0/request/loud",
        line: 5,
        says: [
          "request /loud does not match acme.echo.v1.SayRequest",
          'expected null or boolean, found the string "yes"',
        ],
      },
    ],
    [
      "a request of a proto service with a field the message does not have",
      { ...PROTO, [`${ECHO}/Say.examples.json`]: json([{ request: { txt: "hi" } }]) },
      {
        rule: "EXAMPLES_FILE_REQUEST",
        file: `${ECHO}/Say.examples.json`,
        pointer: "/0/request/txt",
        says: ['found the unknown property "txt"'],
      },
    ],
    [
      "an expected response no answer can match",
      {
        ...JSON_SCHEMA,
        [`${PAY}/Quote.examples.json`]: json([
          { request: { amount: 1, currency: "eur" }, response: { fee: "five" } },
        ]),
      },
      {
        rule: "EXAMPLES_FILE_RESPONSE",
        file: `${PAY}/Quote.examples.json`,
        pointer: "/0/response/fee",
        says: ["response /fee does not match acme.pay.v1.QuoteResponse", 'found the string "five"'],
      },
    ],
    [
      "an expected proto response with a field the message does not have",
      {
        ...PROTO,
        [`${ECHO}/Say.examples.json`]: json([
          { request: { text: "hi" }, response: { text: "hi", loud: true } },
        ]),
      },
      {
        rule: "EXAMPLES_FILE_RESPONSE",
        file: `${ECHO}/Say.examples.json`,
        pointer: "/0/response/loud",
        says: ['found the unknown property "loud"'],
      },
    ],
  ])("%s", async (_what, files, want) => {
    expectFinding(await lintFiles(files), want);
  });

  it("reports every problem of a file at once", async () => {
    const diagnostics = await lintFiles({
      ...JSON_SCHEMA,
      [`${PAY}/Quote.examples.json`]: json([
        { request: { amount: 0, currency: "gbp" } },
        { name: 3, response: {} },
      ]),
    });
    expect(diagnostics.map((d) => [d.rule, d.location?.pointer])).toEqual([
      ["EXAMPLES_FILE_REQUEST", "/0/request/amount"],
      ["EXAMPLES_FILE_REQUEST", "/0/request/currency"],
      ["EXAMPLES_FILE_FORMAT", "/1/name"],
      ["EXAMPLES_FILE_FORMAT", "/1"],
    ]);
  });
});

describe("JSON Schema naming", () => {
  const replace = (from: string, to: string, content: string): Files => {
    const { [from]: _dropped, ...rest } = JSON_SCHEMA;
    return { ...rest, [to]: content };
  };

  it.each<[string, Files, Want]>([
    [
      "a package without a version",
      Object.fromEntries(
        Object.entries(JSON_SCHEMA).map(([p, c]) => [
          p.replace("/v1/", "/"),
          c.replace('"acme.pay.v1"', '"acme.pay"'),
        ]),
      ),
      {
        rule: "PACKAGE_VERSION_SUFFIX",
        file: "contracts/jsonschema/acme/pay/pay.service.json",
        pointer: "",
        says: [
          'found "pay"',
          "move the files of contracts/jsonschema/acme/pay/ into contracts/jsonschema/acme/pay/v1/",
        ],
      },
    ],
    [
      "a file directly in the JSON Schema root",
      {
        ...JSON_SCHEMA,
        "contracts/jsonschema/money.schema.json": schema({ title: "Money", type: "string" }),
      },
      {
        rule: "PACKAGE_VERSION_SUFFIX",
        file: "contracts/jsonschema/money.schema.json",
        says: ["directly in the JSON Schema root"],
      },
    ],
    [
      "a package folder that is not lower_snake_case",
      {
        ...JSON_SCHEMA,
        "contracts/jsonschema/acme/Shared/v1/money.schema.json": schema({ title: "Money", type: "string" }),
      },
      {
        rule: "PACKAGE_LOWER_SNAKE_CASE",
        file: "contracts/jsonschema/acme/Shared/v1/money.schema.json",
        says: ['found "Shared"', 'rename the folder to "shared"'],
      },
    ],
    [
      "a file name that is not the snake_case form of its title",
      replace(`${PAY}/quote_response.schema.json`, `${PAY}/quote_answer.schema.json`, schema(QUOTE_RESPONSE)),
      {
        rule: "SCHEMA_FILE_NAME",
        file: `${PAY}/quote_answer.schema.json`,
        pointer: "",
        line: 1,
        says: ['rename "quote_answer.schema.json" to "quote_response.schema.json"'],
      },
    ],
    [
      "a file name that is not snake_case, without a title",
      { ...JSON_SCHEMA, [`${PAY}/OrderId.schema.json`]: schema({ type: "string", description: "An id." }) },
      {
        rule: "SCHEMA_FILE_NAME",
        file: `${PAY}/OrderId.schema.json`,
        says: ['rename "OrderId.schema.json" to "order_id.schema.json"'],
      },
    ],
    [
      "a title that is not PascalCase",
      {
        ...JSON_SCHEMA,
        [`${PAY}/quote_response.schema.json`]: schema({ ...QUOTE_RESPONSE, title: "quoteResponse" }),
      },
      {
        rule: "TYPE_PASCAL_CASE",
        file: `${PAY}/quote_response.schema.json`,
        pointer: "/title",
        line: 3,
        says: [
          'found "quoteResponse"',
          "contractgen ignores it",
          'rename "quoteResponse" to "QuoteResponse"',
        ],
      },
    ],
    [
      "a $defs key with an underscore",
      {
        ...JSON_SCHEMA,
        [`${PAY}/quote_response.schema.json`]: schema({
          ...QUOTE_RESPONSE,
          $defs: { Fee_Line: { type: "string", description: "A fee line." } },
        }),
      },
      {
        rule: "TYPE_PASCAL_CASE",
        file: `${PAY}/quote_response.schema.json`,
        pointer: "/$defs/Fee_Line",
        says: ['rename "Fee_Line" to "FeeLine"'],
      },
    ],
    [
      "a property that is not lowerCamelCase (a warning: renaming it changes the wire)",
      {
        ...JSON_SCHEMA,
        [`${PAY}/quote_response.schema.json`]: schema({
          ...QUOTE_RESPONSE,
          properties: { ...QUOTE_RESPONSE.properties, fee_minor: { type: "integer", description: "Fee." } },
        }),
      },
      {
        rule: "PROPERTY_LOWER_CAMEL_CASE",
        file: `${PAY}/quote_response.schema.json`,
        pointer: "/properties/fee_minor",
        line: 15,
        severity: "warning",
        says: ['rename "fee_minor" to "feeMinor"'],
      },
    ],
    [
      "a property of a nested object in $defs",
      {
        ...JSON_SCHEMA,
        [`${PAY}/quote_response.schema.json`]: schema({
          ...QUOTE_RESPONSE,
          $defs: {
            Fee: {
              type: "object",
              description: "A fee.",
              properties: { Amount: { type: "integer", description: "Amount." } },
              additionalProperties: false,
            },
          },
        }),
      },
      {
        rule: "PROPERTY_LOWER_CAMEL_CASE",
        file: `${PAY}/quote_response.schema.json`,
        pointer: "/$defs/Fee/properties/Amount",
        severity: "warning",
        says: ['rename "Amount" to "amount"'],
      },
    ],
    [
      "an enum value that is not snake_case (a warning)",
      {
        ...JSON_SCHEMA,
        [`${PAY}/quote_request.schema.json`]: schema({
          ...QUOTE_REQUEST,
          properties: { ...QUOTE_REQUEST.properties, currency: { enum: ["eur", "PoundSterling"] } },
        }),
      },
      {
        rule: "ENUM_VALUE_LOWER_SNAKE_CASE",
        file: `${PAY}/quote_request.schema.json`,
        pointer: "/properties/currency/enum/1",
        severity: "warning",
        says: ['rename "PoundSterling" to "pound_sterling"'],
      },
    ],
    [
      "a service name without the Service suffix (a warning)",
      replace(`${PAY}/pay.service.json`, `${PAY}/pay.service.json`, json({ ...MANIFEST, service: "Pay" })),
      {
        rule: "SERVICE_SUFFIX",
        file: `${PAY}/pay.service.json`,
        pointer: "/service",
        line: 3,
        severity: "warning",
        says: ['rename "Pay" to "PayService"'],
      },
    ],
    [
      "a manifest not named after its service",
      replace(`${PAY}/pay.service.json`, `${PAY}/payments.service.json`, json(MANIFEST)),
      {
        rule: "MANIFEST_FILE_NAME",
        file: `${PAY}/payments.service.json`,
        pointer: "",
        says: ['rename "payments.service.json" to "pay.service.json"'],
      },
    ],
  ])("%s", async (_what, files, want) => {
    expectFinding(await lintFiles(files), want);
  });

  it("a contract set that follows the conventions gives no finding", async () => {
    expect(await lintFiles(JSON_SCHEMA)).toEqual([]);
  });

  it("naming findings come with the loader's errors, not after them", async () => {
    const diagnostics = await lintFiles({
      ...JSON_SCHEMA,
      [`${PAY}/broken.schema.json`]: "{",
      [`${PAY}/quote_response.schema.json`]: schema({ ...QUOTE_RESPONSE, title: "quoteResponse" }),
    });
    expect(diagnostics.map((d) => d.rule ?? d.code)).toEqual(["schema_parse", "TYPE_PASCAL_CASE"]);
  });
});

it("the bundled contracts lint clean", async () => {
  expect((await lint({ cwd: ROOT })).diagnostics).toEqual([]);
});
