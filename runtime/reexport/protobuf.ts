/**
 * `contractgen/protobuf`: @bufbuild/protobuf as generated code imports it. protoc-gen-es runs with
 * `rewrite_imports`, so generated `_pb.ts` files import the protobuf-es runtime through contractgen: an
 * app that depends on contractgen alone (npm, or pnpm's strict layout) runs them, with the very copy of
 * protobuf-es that contractgen's runtime uses.
 */
// A facade of another package: a wildcard re-export is the only faithful one (STYLE.md 9 is about our
// own API surface).
export * from "@bufbuild/protobuf";
