/**
 * The one ajv configuration for wire schemas, shared by the validators compiled at generation time
 * (`validators.js` of JSON Schema packages) and by {@link createWireValidators} at run time, so both
 * accept exactly the same payloads and the boundary's one-pass check (guard/compile.ts) covers both.
 */
import { createRequire } from "node:module";
import type { Ajv2020, Options } from "ajv/dist/2020.js";
import type { Validator } from "./json-service.js";

const require = createRequire(import.meta.url);

/** ajv options for wire schemas (without code generation options). */
export const WIRE_AJV_OPTIONS: Readonly<Options> = {
  allErrors: true,
  strict: true,
  // Wire schemas forbid spelling a field twice (`orderId` and `order_id`) with `not: {required}`.
  strictRequired: false,
  // Contracts may name properties `constructor` or `toString`: never read them from the prototype.
  ownProperties: true,
  strictTypes: false,
  allowUnionTypes: true,
  discriminator: true,
  validateFormats: true,
  // Annotations that contracts may carry: kept in the schema, ignored by validation.
  keywords: ["x-enum-descriptions", "x-contractgen-breaking-ignore"],
};

/** An ajv instance (draft 2020-12, ajv-formats) that knows every wire schema of `schemas`. */
export function createWireAjv(schemas: Iterable<unknown>, extra: Options = {}): Ajv2020 {
  // Loaded on first use: most runtime users never compile schemas at run time.
  const { Ajv2020: Ajv } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const addFormats = require("ajv-formats") as typeof import("ajv-formats").default;
  const ajv = new Ajv({ ...WIRE_AJV_OPTIONS, ...extra });
  addFormats(ajv);
  for (const schema of schemas) ajv.addSchema(schema as object);
  return ajv;
}

/**
 * Validators of wire schemas compiled at run time, by message full name — for proto messages (whose
 * generated TypeScript has no ajv validators) on queues and other transports, or to validate the
 * ProtoJSON form with JSON paths before protobuf-es reads it. Pass them to `createBoundary({validators})`.
 */
export function createWireValidators(
  schemas: Iterable<unknown>,
  names: Iterable<string>,
): Record<string, Validator<unknown>> {
  const ajv = createWireAjv(schemas);
  const out: Record<string, Validator<unknown>> = {};
  for (const name of names) {
    const id = name.startsWith("urn:contractgen:") ? name : `urn:contractgen:${name}`;
    const validate = ajv.getSchema(id);
    if (!validate) throw new TypeError(`no wire schema with $id ${JSON.stringify(id)}`);
    Object.defineProperty(validate, "wireSchema", { value: id, enumerable: true });
    out[id.slice("urn:contractgen:".length)] = validate as unknown as Validator<unknown>;
  }
  return out;
}
