#!/usr/bin/env node
// Only what every Node loads is imported statically: the version check must run before anything that
// an older Node cannot load, so that it prints one clear line instead of a stack trace.
import module from "node:module";

/** The oldest Node contractgen runs on (package.json `engines`). */
const REQUIRED: readonly [number, number] = [22, 12];
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < REQUIRED[0] || (major === REQUIRED[0] && minor < REQUIRED[1])) {
  process.stderr.write(
    `contractgen: Node >= ${REQUIRED.join(".")} required, found ${process.version} (${process.execPath})\n`,
  );
  process.exit(1);
}

// Node keeps the compiled code of the modules loaded below in its on-disk compile cache (in the OS temp
// folder unless NODE_COMPILE_CACHE names another), so runs after the first start faster.
module.enableCompileCache?.();
const { main } = await import("./main.js");

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
});
