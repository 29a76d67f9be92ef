/** `contractgen/protobuf/wkt/google/protobuf/c_sharp_features_pb.js`: the protobuf-es file of the same name (see ../wkt.ts). */
export * from "@bufbuild/protobuf/wkt/google/protobuf/c_sharp_features_pb.js";
