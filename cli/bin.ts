#!/usr/bin/env node
import module from "node:module";

// Node keeps the compiled code of the modules loaded below in its on-disk compile cache (in the OS temp
// folder unless NODE_COMPILE_CACHE names another), so runs after the first start faster.
module.enableCompileCache?.();
const { main } = await import("./main.js");

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
});
