/** `contractgen/protobuf/wkt/google/protobuf/json_enumvalue_options_pb.js`: the protobuf-es file of the same name (see ../wkt.ts). */
export * from "@bufbuild/protobuf/wkt/google/protobuf/json_enumvalue_options_pb.js";
