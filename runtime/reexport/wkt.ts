/**
 * `contractgen/protobuf/wkt`: @bufbuild/protobuf/wkt, for generated `_pb.ts` files. The few well-known
 * files protobuf-es imports by their own subpath (`@bufbuild/protobuf/wkt/google/protobuf/api_pb.js`…)
 * have a facade each under `contractgen/protobuf/wkt/google/protobuf/` (./wkt/), since two of them
 * export the same name; codegen/ts/proto.ts maps every import to its facade.
 */
export * from "@bufbuild/protobuf/wkt";
