/** `contractgen/protobuf/codegenv2`: @bufbuild/protobuf/codegenv2, for generated `_pb.ts` files. */
export * from "@bufbuild/protobuf/codegenv2";
