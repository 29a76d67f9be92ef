/**
 * Lint of `<Method>.examples.json` files, the example cases `contractgen test` reads next to the contract
 * that declares a service (codegen/contract-test/examples.ts, docs/contract-tests.md): each file must
 * parse, have the documented format, name a unary method of a service declared in its folder, and hold
 * requests (and expected responses) that are valid on the wire.
 */
import { readdirSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { Ajv2020 } from "ajv/dist/2020.js";
import { codeFromString } from "../../runtime/json-service.js";
import { contractFolders } from "../contract-test/examples.js";
import type { Diagnostic } from "../errors.js";
import { describe } from "../load/jsonschema.js";
import type { ContractModel, MethodDecl, ServiceDecl } from "../model/types.js";
import { appendPointer } from "../util/json-pointer.js";
import { compareStrings } from "../util/names.js";
import { wireId } from "../wire/index.js";
import { valueProblems } from "./ajv-errors.js";
import { isJsonFileError, type JsonFile, locate, readJsonFile } from "./json-file.js";

const SUFFIX = ".examples.json";
const KEYS = ["name", "request", "response", "code"];

/** What the examples-file checks read. */
export interface ExamplesFilesInput {
  readonly model: ContractModel;
  /** Project root: diagnostics show paths relative to it. */
  readonly root: string;
  /** The folders the contract tests search (project root, proto root). */
  readonly roots: readonly string[];
  /** An ajv instance holding every wire schema. */
  readonly ajv: Ajv2020;
  /** An ajv instance holding the wire schemas relaxed for subset matching (./subset-schema.ts). */
  readonly subsetAjv: () => Ajv2020;
}

/**
 * Every `*.examples.json` file in a folder that holds a service's contract (where the contract tests
 * look) or any other contract file (where a misplaced one would be silently ignored).
 */
export function lintExamplesFiles(input: ExamplesFilesInput): Diagnostic[] {
  const services = new Map<string, ServiceDecl[]>();
  for (const service of input.model.services.values()) {
    for (const folder of contractFolders(service, input.roots)) {
      const list = services.get(folder) ?? [];
      list.push(service);
      services.set(folder, list);
    }
  }
  const folders = new Set(services.keys());
  for (const decl of input.model.decls.values()) folders.add(dirname(join(input.root, decl.location.file)));

  const diagnostics: Diagnostic[] = [];
  for (const folder of [...folders].sort(compareStrings)) {
    let names: string[];
    try {
      names = readdirSync(folder, { withFileTypes: true })
        .filter((d) => d.isFile() && d.name.endsWith(SUFFIX))
        .map((d) => d.name)
        .sort(compareStrings);
    } catch {
      continue;
    }
    for (const name of names) {
      const absolute = join(folder, name);
      const path = toPosix(relative(input.root, absolute));
      const method = name.slice(0, -SUFFIX.length);
      const owners = methodsNamed(services.get(folder) ?? [], method);
      if (owners.length === 0) {
        diagnostics.push(unknownMethod(path, method, services.get(folder) ?? []));
        continue;
      }
      const file = readJsonFile(absolute, path);
      if (isJsonFileError(file)) {
        diagnostics.push({
          code: "schema_parse",
          message: file.message,
          location: file.location,
          rule: "EXAMPLES_FILE_SYNTAX",
        });
        continue;
      }
      diagnostics.push(...lintFile(file, owners, input));
    }
  }
  return diagnostics;
}

interface Owner {
  readonly service: ServiceDecl;
  readonly method: MethodDecl;
}

function methodsNamed(services: readonly ServiceDecl[], name: string): Owner[] {
  const out: Owner[] = [];
  for (const service of services)
    for (const method of service.methods) if (method.name === name) out.push({ service, method });
  return out;
}

function unknownMethod(path: string, method: string, services: readonly ServiceDecl[]): Diagnostic {
  const location = { file: path, pointer: "" };
  if (services.length === 0)
    return {
      code: "schema_invalid",
      message: `no service is declared in this folder, so no contract test reads this file; put ${method}${SUFFIX} next to the .proto file or service manifest that declares the service`,
      location,
      rule: "EXAMPLES_FILE_METHOD",
    };
  const names = services.flatMap((s) => s.methods.map((m) => m.name));
  const closest = closestName(method, names);
  return {
    code: "schema_invalid",
    message: `expected a file named after a method of ${services.map((s) => s.fullName).join(", ")} (${names.join(", ")}), found ${JSON.stringify(method)}, which no service here declares${closest ? `; rename the file to ${closest}${SUFFIX}` : ""}`,
    location,
    rule: "EXAMPLES_FILE_METHOD",
  };
}

function lintFile(file: JsonFile, owners: readonly Owner[], input: ExamplesFilesInput): Diagnostic[] {
  const out: Diagnostic[] = [];
  const format = (pointer: string, message: string): void => {
    out.push({
      code: "schema_invalid",
      message,
      location: locate(file, pointer),
      rule: "EXAMPLES_FILE_FORMAT",
    });
  };
  const streaming = owners.find((o) => o.method.clientStreaming || o.method.serverStreaming);
  if (streaming) {
    out.push({
      code: "schema_invalid",
      message: `${streaming.service.fullName}/${streaming.method.name} is a streaming method; contract tests call unary methods only, so this file is never read`,
      location: locate(file, ""),
      rule: "EXAMPLES_FILE_METHOD",
    });
    return out;
  }
  if (!Array.isArray(file.json)) {
    format("", `expected an array of { name, request, response?, code? }, found ${describe(file.json)}`);
    return out;
  }
  file.json.forEach((entry: unknown, i) => {
    const at = appendPointer("", i);
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      format(at, `expected an object { name, request, response?, code? }, found ${describe(entry)}`);
      return;
    }
    const o = entry as Record<string, unknown>;
    for (const key of Object.keys(o))
      if (!KEYS.includes(key))
        format(
          appendPointer(at, key),
          `expected name, request, response or code, found the unknown key ${JSON.stringify(key)}`,
        );
    if (o["name"] !== undefined && typeof o["name"] !== "string")
      format(appendPointer(at, "name"), `expected a string, found ${describe(o["name"])}`);
    const code = o["code"];
    const codeOk =
      code === undefined ||
      (typeof code === "string" && (code === "ok" || codeFromString(code) !== undefined));
    if (!codeOk)
      format(
        appendPointer(at, "code"),
        `expected "ok" or a Connect code such as "not_found", found ${describe(code)}`,
      );
    if (!("request" in o)) format(at, `expected a "request", found an example without one`);
    else
      for (const { service, method } of owners)
        check(
          input.ajv,
          method.input,
          o["request"],
          appendPointer(at, "request"),
          "request",
          service,
          method,
        );
    if (o["response"] === undefined) return;
    if (code !== undefined && code !== "ok") {
      if (codeOk)
        format(
          appendPointer(at, "response"),
          `expected no "response" with code ${JSON.stringify(code)}: the contract tests compare it only on success ("ok")`,
        );
      return;
    }
    for (const { service, method } of owners)
      check(
        input.subsetAjv(),
        method.output,
        o["response"],
        appendPointer(at, "response"),
        "response",
        service,
        method,
      );
  });
  return out;

  function check(
    ajv: Ajv2020,
    type: string,
    value: unknown,
    pointer: string,
    role: "request" | "response",
    service: ServiceDecl,
    method: MethodDecl,
  ): void {
    let validate: ReturnType<Ajv2020["getSchema"]>;
    try {
      validate = ajv.getSchema(wireId(type));
    } catch {
      return; // a schema ajv rejects is reported by the schema checks
    }
    if (!validate || validate(value)) return;
    const of = owners.length > 1 ? ` of ${service.fullName}/${method.name}` : "";
    for (const p of valueProblems(validate.errors, value))
      out.push({
        code: "schema_invalid",
        message: `${role}${of} ${p.pointer || "/"} does not match ${type}: ${p.message}`,
        location: locate(file, pointer + p.pointer),
        rule: role === "request" ? "EXAMPLES_FILE_REQUEST" : "EXAMPLES_FILE_RESPONSE",
      });
  }
}

/** The name `name` most likely meant: equal ignoring case, else within a small edit distance. */
function closestName(name: string, names: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const same = names.find((n) => n.toLowerCase() === lower);
  if (same) return same;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const n of names) {
    const d = editDistance(lower, n.toLowerCase());
    if (d < bestDistance) {
      best = n;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[b.length] ?? 0;
}

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}
