import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root,
  resolve: {
    // Generated code imports the runtime by its package name; tests run it from the sources.
    alias: [
      { find: /^contractgen\/runtime\/ajv$/, replacement: `${root}runtime/ajv.ts` },
      { find: /^contractgen\/runtime$/, replacement: `${root}runtime/index.ts` },
      { find: /^contractgen\/protobuf$/, replacement: `${root}runtime/reexport/protobuf.ts` },
      { find: /^contractgen\/protobuf\/codegenv2$/, replacement: `${root}runtime/reexport/codegenv2.ts` },
      { find: /^contractgen\/protobuf\/wkt$/, replacement: `${root}runtime/reexport/wkt.ts` },
      { find: /^contractgen\/connect$/, replacement: `${root}runtime/reexport/connect.ts` },
      { find: /^contractgen\/connect-node$/, replacement: `${root}runtime/reexport/connect-node.ts` },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
