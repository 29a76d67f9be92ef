/**
 * Lets `node` run the generated TypeScript of `../gen/ts` directly (Node 24 type stripping):
 * - generated imports name `./x_pb.js` for the file `./x_pb.ts`: resolved to the `.ts` file when no `.js`
 *   file exists;
 * - protobuf-es emits TypeScript `enum`s, which type stripping alone cannot run: generated files are
 *   transformed with `module.stripTypeScriptTypes(..., { mode: "transform" })`.
 * Import this module before any generated code (the entry points import the rest dynamically).
 */
import { existsSync, readFileSync } from "node:fs";
import { registerHooks, stripTypeScriptTypes } from "node:module";
import { fileURLToPath } from "node:url";

// stripTypeScriptTypes is experimental in Node 24: keep its one-time warning off stderr.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === "string" ? warning : warning.message;
  if (text.includes("stripTypeScriptTypes")) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

// Node 24 has the "transform" mode (its types in newer @types/node no longer list it).
const transform = stripTypeScriptTypes as unknown as (code: string, options: { mode: "transform"; sourceUrl: string }) => string;

function transformGenerated(url: string): string {
  try {
    return transform(readFileSync(fileURLToPath(url), "utf8"), { mode: "transform", sourceUrl: url });
  } catch (err) {
    throw new Error(
      `cannot run the generated ${fileURLToPath(url)} (Node ${process.version}): ${(err as Error).message}; ` +
        "the example needs Node 24, whose module.stripTypeScriptTypes has the transform mode for TypeScript enums",
    );
  }
}

registerHooks({
  resolve(specifier, context, next) {
    const parent = context.parentURL;
    if (parent?.endsWith(".ts") && specifier.startsWith(".") && specifier.endsWith(".js")) {
      const url = new URL(specifier, parent);
      if (!existsSync(fileURLToPath(url))) return next(`${specifier.slice(0, -3)}.ts`, context);
    }
    return next(specifier, context);
  },
  load(url, context, next) {
    if (url.startsWith("file:") && url.endsWith(".ts") && url.includes("/gen/ts/")) {
      return { format: "module", source: transformGenerated(url), shortCircuit: true };
    }
    return next(url, context);
  },
});
