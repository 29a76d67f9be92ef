import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { Ajv2020 as Ajv2020Class } from "ajv/dist/2020.js";
import type { Diagnostic } from "../errors.js";
import type { Idempotency, MethodDecl, ServiceDecl } from "../model/types.js";
import { appendPointer } from "../util/json-pointer.js";
import { packageRoot } from "../util/package-root.js";
import type { ResolvedRef, SchemaDocument, SchemaSource } from "./jsonschema.js";
import { isObject } from "./jsonschema.js";

let validateManifest: ValidateFunction | undefined;
const require = createRequire(import.meta.url);

/** The JSON Schema of service manifests (shipped as docs/service-manifest.schema.json). */
export function manifestSchema(): Record<string, unknown> {
  return JSON.parse(
    readFileSync(join(packageRoot(), "docs", "service-manifest.schema.json"), "utf8"),
  ) as Record<string, unknown>;
}

function manifestValidator(): ValidateFunction {
  if (!validateManifest) {
    // Ajv is loaded with the first manifest: a run with only proto contracts does not load it.
    const { Ajv2020 } = require("ajv/dist/2020.js") as { Ajv2020: typeof Ajv2020Class };
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    validateManifest = ajv.compile(manifestSchema());
  }
  return validateManifest;
}

/**
 * Validates one `*.service.json` manifest and lowers it to a ServiceDecl. Problems are appended to
 * `diagnostics` with the manifest's path and the JSON pointer of the offending value.
 */
export function lowerManifest(
  doc: SchemaDocument,
  refTarget: (doc: SchemaDocument, ref: string) => ResolvedRef,
  sources: ReadonlyMap<string, SchemaSource>,
  diagnostics: Diagnostic[],
): ServiceDecl | undefined {
  const validate = manifestValidator();
  if (!validate(doc.json)) {
    for (const error of validate.errors ?? []) {
      diagnostics.push({
        code: "manifest_invalid",
        message: manifestErrorMessage(error),
        location: { file: doc.path, pointer: error.instancePath },
      });
    }
    return undefined;
  }
  const manifest = doc.json as {
    package: string;
    service: string;
    description?: string;
    methods: Record<
      string,
      {
        description?: string;
        request: string;
        response: string;
        idempotency?: Idempotency;
        errors?: Record<string, string>;
      }
    >;
  };
  if (manifest.package !== doc.package) {
    diagnostics.push({
      code: "manifest_invalid",
      message: `"package" is ${JSON.stringify(manifest.package)} but the manifest's folder makes it ${JSON.stringify(doc.package)}; move the file or fix the package`,
      location: { file: doc.path, pointer: "/package" },
    });
  }
  const fullName = `${manifest.package}.${manifest.service}`;
  const message = (ref: string, pointer: string, role: string): string | undefined => {
    let target: ResolvedRef;
    try {
      target = refTarget(doc, ref);
    } catch (e) {
      diagnostics.push({
        code: "schema_ref",
        message: (e as Error).message,
        location: { file: doc.path, pointer },
      });
      return undefined;
    }
    if (!target.decl) {
      diagnostics.push({
        code: "manifest_invalid",
        message: `${role} ${JSON.stringify(ref)} must name a schema file or one of its "$defs", found ${target.document.path}#${target.pointer}`,
        location: { file: doc.path, pointer },
      });
      return undefined;
    }
    const source = sources.get(target.decl);
    const node = source?.node;
    const isObjectSchema =
      isObject(node) &&
      (node["type"] === "object" || isObject(node["properties"]) || Array.isArray(node["oneOf"]));
    if (!isObjectSchema && role !== "error detail") {
      diagnostics.push({
        code: "manifest_invalid",
        message: `${role} ${JSON.stringify(ref)} must be an object schema (a message is a JSON object on the wire), found a schema without "type": "object"`,
        location: { file: doc.path, pointer },
      });
    }
    return target.decl;
  };
  const methods: MethodDecl[] = [];
  for (const [name, method] of Object.entries(manifest.methods)) {
    const pointer = appendPointer("/methods", name);
    const input = message(method.request, appendPointer(pointer, "request"), "request");
    const output = message(method.response, appendPointer(pointer, "response"), "response");
    const errors: Record<string, string> = {};
    for (const [code, ref] of Object.entries(method.errors ?? {})) {
      const detail = message(ref, appendPointer(pointer, "errors", code), "error detail");
      if (detail) errors[code] = detail;
    }
    if (!input || !output) continue;
    methods.push({
      name,
      input,
      output,
      clientStreaming: false,
      serverStreaming: false,
      idempotency: method.idempotency ?? "unknown",
      errors,
      doc: method.description ?? "",
      deprecated: false,
      location: { file: doc.path, pointer },
    });
  }
  return {
    source: "jsonschema",
    fullName,
    package: manifest.package,
    name: manifest.service,
    methods,
    doc: manifest.description ?? "",
    deprecated: false,
    location: { file: doc.path, pointer: "" },
  };
}

function manifestErrorMessage(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return `missing required property ${JSON.stringify(params["missingProperty"])}`;
    case "additionalProperties":
      return `unknown property ${JSON.stringify(params["additionalProperty"])}: a manifest takes only the properties documented in docs/contracts.md`;
    case "pattern":
      return `expected a value matching ${String(params["pattern"])}`;
    case "enum":
      return `expected one of ${(params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "propertyNames":
      return `method name ${JSON.stringify(params["propertyName"])} is not a PascalCase identifier`;
    default:
      return error.message ?? `fails "${error.keyword}"`;
  }
}
