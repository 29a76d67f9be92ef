/**
 * buf.validate (protovalidate) rules of proto contracts, run after the guards with violations in the
 * boundary's format: `validate.<rule id>` codes at JSON pointers built from the fields' JSON names.
 */
import { type DescMessage, fromJson, type JsonValue, type Message } from "@bufbuild/protobuf";
import type { Path } from "@bufbuild/protobuf/reflect";
import { createValidator, type Validator as ProtoValidator } from "@bufbuild/protovalidate";
import type { Interceptor } from "@connectrpc/connect";
import type { ConstraintCheck } from "./guard/engine.js";
import { BoundaryError, type Violation } from "./guard/errors.js";
import { protoJsonCheck } from "./proto-check.js";

/** The JSON pointer of a protovalidate field path (`/items/0/quantity`), using JSON field names. */
export function pointerOf(path: Path): string {
  let s = "";
  for (const item of path) {
    let part: string;
    if ("kind" in item && item.kind === "list_sub") part = String(item.index);
    else if ("kind" in item && item.kind === "map_sub") part = String(item.key);
    else if ("jsonName" in item && typeof item.jsonName === "string") part = item.jsonName;
    else part = (item as { name: string }).name;
    s += `/${part.replace(/~/g, "~0").replace(/\//g, "~1")}`;
  }
  return s;
}

/** The violations of protovalidate's rules for a message, in the boundary's format (empty when valid). */
export function protovalidateViolations(
  validator: ProtoValidator,
  schema: DescMessage,
  message: Message,
): Violation[] {
  const result = validator.validate(schema, message as never);
  if (result.kind === "valid") return [];
  if (result.kind === "error") {
    const text = result.error.message;
    return [
      {
        path: "",
        code: "validate.error",
        expected: "rules that can be evaluated",
        found: text,
        fix: "fix the buf.validate rules of the contract",
        message: `/: ${text}`,
      },
    ];
  }
  return result.violations.map((v) => {
    const path = pointerOf(v.field);
    return {
      path,
      code: `validate.${v.ruleId}` as const,
      expected: v.message,
      found: "a value that breaks the rule",
      fix: `the contract requires: ${v.message}`,
      message: `${path || "/"}: ${v.message}`,
    };
  });
}

/**
 * A constraint check for `createBoundary({ validators })`: reads the ProtoJSON with protobuf-es, then
 * checks the message's buf.validate rules. For `check()` on queues and other transports.
 */
export function protovalidateCheck(
  schema: DescMessage,
  validator: ProtoValidator = createValidator(),
): ConstraintCheck {
  const read = protoJsonCheck(schema);
  return (value) => {
    const problems = read(value);
    if (problems.length > 0) return problems;
    return protovalidateViolations(validator, schema, fromJson(schema, value as JsonValue));
  };
}

/**
 * A connect interceptor running buf.validate rules on unary calls: `"request"` checks each request after
 * protobuf-es read it and before the handler runs (register it on a server's router), `"response"`
 * checks each response a client receives (from a PHP server, say). Violations fail the call with a
 * {@link BoundaryError} (`invalid_argument`) whose details list every violation, like the guards' do.
 */
export function protovalidateInterceptor(
  direction: "request" | "response",
  validator: ProtoValidator = createValidator(),
): Interceptor {
  return (next) => async (req) => {
    if (direction === "request" && req.stream === false) {
      const violations = protovalidateViolations(validator, req.method.input, req.message);
      if (violations.length > 0) {
        throw new BoundaryError(`request of ${req.service.typeName}/${req.method.name}`, violations);
      }
    }
    const res = await next(req);
    if (direction === "response" && res.stream === false) {
      const violations = protovalidateViolations(validator, req.method.output, res.message);
      if (violations.length > 0) {
        throw new BoundaryError(`response of ${req.service.typeName}/${req.method.name}`, violations);
      }
    }
    return res;
  };
}
