import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  create,
  createFileRegistry,
  type DescMessage,
  type DescService,
  setExtension,
} from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldOptionsSchema,
  FileDescriptorProtoSchema,
} from "@bufbuild/protobuf/wkt";
import {
  FieldRulesSchema,
  field,
  file_buf_validate_validate,
} from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createBoundary,
  createGuardedNodeAdapter,
  isBoundaryError,
  protovalidateCheck,
  protovalidateInterceptor,
  VIOLATIONS_DETAIL_TYPE,
} from "../runtime/index.js";

/**
 * A small protovalidate-annotated contract, built as a descriptor (the buf.validate extension comes from
 * @bufbuild/protovalidate's embedded validate.proto):
 *
 *   message SignupRequest {
 *     string email = 1 [(buf.validate.field).string.email = true];
 *     string display_name = 2 [(buf.validate.field).string = {min_len: 3, max_len: 20}];
 *     int32 age = 3 [(buf.validate.field).int32.gte = 18];
 *     repeated string tags = 4 [(buf.validate.field).repeated = {max_items: 3, items: {string: {min_len: 1}}}];
 *   }
 *   message SignupResponse { string email = 1 [(buf.validate.field).string.email = true]; }
 *   service SignupService { rpc Signup(SignupRequest) returns (SignupResponse); }
 */
function signupContract(): { request: DescMessage; service: DescService } {
  const rules = (r: Parameters<typeof create<typeof FieldRulesSchema>>[1]) => {
    const options = create(FieldOptionsSchema);
    setExtension(options, field, create(FieldRulesSchema, r));
    return options;
  };
  const str = FieldDescriptorProto_Type.STRING;
  const optional = FieldDescriptorProto_Label.OPTIONAL;
  const email = rules({ type: { case: "string", value: { wellKnown: { case: "email", value: true } } } });
  const file = create(FileDescriptorProtoSchema, {
    name: "test/v1/signup.proto",
    package: "test.v1",
    syntax: "proto3",
    dependency: ["buf/validate/validate.proto"],
    messageType: [
      {
        name: "SignupRequest",
        field: [
          { name: "email", number: 1, type: str, label: optional, jsonName: "email", options: email },
          {
            name: "display_name",
            number: 2,
            type: str,
            label: optional,
            jsonName: "displayName",
            options: rules({ type: { case: "string", value: { minLen: 3n, maxLen: 20n } } }),
          },
          {
            name: "age",
            number: 3,
            type: FieldDescriptorProto_Type.INT32,
            label: optional,
            jsonName: "age",
            options: rules({ type: { case: "int32", value: { greaterThan: { case: "gte", value: 18 } } } }),
          },
          {
            name: "tags",
            number: 4,
            type: str,
            label: FieldDescriptorProto_Label.REPEATED,
            jsonName: "tags",
            options: rules({
              type: {
                case: "repeated",
                value: { maxItems: 3n, items: { type: { case: "string", value: { minLen: 1n } } } },
              },
            }),
          },
        ],
      },
      {
        name: "SignupResponse",
        field: [{ name: "email", number: 1, type: str, label: optional, jsonName: "email", options: email }],
      },
    ],
    service: [
      {
        name: "SignupService",
        method: [
          { name: "Signup", inputType: ".test.v1.SignupRequest", outputType: ".test.v1.SignupResponse" },
        ],
      },
    ],
  });
  const registry = createFileRegistry(file, (name) =>
    name === "buf/validate/validate.proto" ? file_buf_validate_validate : undefined,
  );
  const request = registry.getMessage("test.v1.SignupRequest");
  const service = registry.getService("test.v1.SignupService");
  if (!request || !service) throw new Error("fixture descriptor did not load");
  return { request, service };
}

/** Its wire schema (ProtoJSON), as codegen/wire writes it for proto messages. */
const WIRE = [
  {
    $id: "urn:contractgen:test.v1.SignupRequest",
    type: "object",
    properties: {
      email: { anyOf: [{ type: "null" }, { type: "string" }] },
      displayName: { anyOf: [{ type: "null" }, { type: "string" }] },
      display_name: { $ref: "#/properties/displayName" },
      age: { anyOf: [{ type: "null" }, { type: ["integer", "string"] }] },
      tags: { anyOf: [{ type: "null" }, { type: "array", items: { type: "string" } }] },
    },
    additionalProperties: false,
  },
  {
    $id: "urn:contractgen:test.v1.SignupResponse",
    type: "object",
    properties: { email: { anyOf: [{ type: "null" }, { type: "string" }] } },
    additionalProperties: false,
  },
];

const { request: SignupRequest, service: SignupService } = signupContract();
const BAD = '{"email":"not-an-email","display_name":"Al","age":"17","tags":["a","","b","c"]}';
const WANT = [
  ["validate.string.email", "/email"],
  ["validate.string.min_len", "/displayName"],
  ["validate.int32.gte", "/age"],
  ["validate.repeated.max_items", "/tags"],
  ["validate.string.min_len", "/tags/1"],
];

describe("buf.validate rules after the guards", () => {
  it("check(): every rule violation with its JSON path, in the guards' format", () => {
    const boundary = createBoundary({
      schemas: WIRE,
      validators: { "test.v1.SignupRequest": protovalidateCheck(SignupRequest) },
    });
    const error = (() => {
      try {
        boundary.check("test.v1.SignupRequest", BAD);
      } catch (e) {
        return e;
      }
    })();
    expect(isBoundaryError(error)).toBe(true);
    if (!isBoundaryError(error)) return;
    expect(error.violations.map((v) => [v.code, v.path]).sort()).toEqual([...WANT].sort());
    expect(error.violations.find((v) => v.path === "/age")?.message).toBe(
      "/age: must be greater than or equal to 18",
    );
    // A guard pitfall comes first: rules run only on payloads the guards let through.
    expect(() => boundary.check("test.v1.SignupRequest", '{"age":[],"tags":{"1":"x"}}')).toThrow(
      expect.objectContaining({
        violations: [
          expect.objectContaining({ code: "wrong_type", path: "/age" }),
          expect.objectContaining({ code: "sparse_list_as_object", path: "/tags" }),
        ],
      }),
    );
    expect(
      boundary.check("test.v1.SignupRequest", '{"email":"a@example.com","displayName":"Alice","age":30}')
        .findings,
    ).toEqual([]);
  });

  describe("over HTTP: server interceptor and client interceptor", () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      const boundary = createBoundary({ schemas: WIRE });
      const handler = createGuardedNodeAdapter({
        boundary,
        interceptors: [protovalidateInterceptor("request")],
        routes: (router) =>
          router.service(SignupService, {
            // Echoes the email back: a bad one breaks the response rules (for the client test).
            signup: (req: { email: string }) => ({ email: req.email === "echo@bad" ? "bad" : req.email }),
          } as never),
      });
      server = createServer(handler);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => {
      server.close();
    });

    it("a server answers invalid_argument whose details list every violation", async () => {
      const res = await fetch(`${url}/test.v1.SignupService/Signup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: BAD,
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: string; details: { type: string; value: string }[] };
      expect(body.code).toBe("invalid_argument");
      const detail = body.details.find((d) => d.type === VIOLATIONS_DETAIL_TYPE);
      const { violations } = JSON.parse(Buffer.from(detail?.value ?? "", "base64").toString("utf8")) as {
        violations: { code: string; path: string }[];
      };
      expect(violations.map((v) => [v.code, v.path]).sort()).toEqual([...WANT].sort());
    });

    it("a client rejects a response that breaks the rules", async () => {
      const client = createClient(
        SignupService,
        createConnectTransport({
          baseUrl: url,
          httpVersion: "1.1",
          useBinaryFormat: false,
          interceptors: [protovalidateInterceptor("response")],
        }),
      );
      const signup = (client as unknown as Record<string, (r: unknown) => Promise<{ email: string }>>)[
        "signup"
      ];
      if (!signup) throw new Error("no signup method");
      const ok = (await signup({
        email: "a@example.com",
        displayName: "Alice",
        age: 30,
      } as never)) as { email: string };
      expect(ok.email).toBe("a@example.com");
      const error = await signup({
        email: "echo@bad",
        displayName: "Alice",
        age: 30,
      } as never).catch((e: unknown) => e);
      expect(String(error)).toContain("/email: must be a valid email address [validate.string.email]");
    });
  });
});
