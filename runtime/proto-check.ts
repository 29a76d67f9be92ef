import { type DescMessage, fromJson, type JsonValue } from "@bufbuild/protobuf";
import type { ConstraintCheck } from "./guard/engine.js";
import type { Violation } from "./guard/errors.js";

/**
 * A constraint check of a proto message's JSON form by protobuf-es itself (`fromJson`), for `check()` on
 * queues and other transports (servers and clients get this from connect-es). A payload the guards let
 * through but protobuf-es cannot read becomes a violation in the boundary's format instead of a thrown
 * TypeError-like error.
 */
export function protoJsonCheck(schema: DescMessage): ConstraintCheck {
  return (value) => {
    try {
      fromJson(schema, value as JsonValue);
      return [];
    } catch (e) {
      const message = (e instanceof Error ? e.message : String(e)).replace(/^\[[a-z_]+\] /, "");
      const v: Violation = {
        path: "",
        code: "schema.protojson",
        expected: `the ProtoJSON form of ${schema.typeName}`,
        found: message,
        fix: "send the ProtoJSON form the contract defines",
        message: `/: ${message}`,
      };
      return [v];
    }
  };
}
