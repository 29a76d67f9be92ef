/**
 * The helpers that validators compiled by ajv at generation time (standalone code) call at run time.
 * Generated validators import them from `contractgen/runtime/ajv`, so a project that uses generated code
 * needs contractgen, not a direct dependency on ajv.
 */
import { createRequire } from "node:module";
import { fullFormats } from "ajv-formats/dist/formats.js";

const require = createRequire(import.meta.url);

/**
 * The CommonJS modules ajv's standalone code `require`s, by name, exactly as `require` returns them
 * (the code reads their `.default`).
 */
export const ajvRuntime: Readonly<Record<string, unknown>> = {
  equal: require("ajv/dist/runtime/equal"),
  ucs2length: require("ajv/dist/runtime/ucs2length"),
  uri: require("ajv/dist/runtime/uri"),
  validation_error: require("ajv/dist/runtime/validation_error"),
};

/** Format checks of ajv-formats, referenced by compiled validators. */
export const ajvFormats = fullFormats;
