/** `contractgen/protobuf/wkt/google/protobuf/source_context_pb.js`: the protobuf-es file of the same name (see ../wkt.ts). */
export * from "@bufbuild/protobuf/wkt/google/protobuf/source_context_pb.js";
