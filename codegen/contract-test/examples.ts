/**
 * Example cases written with the contracts: the `examples` of a JSON Schema request schema, and example
 * files `<Method>.examples.json` next to the proto file (or service manifest) declaring the service:
 *
 *     [{ "name": "a pro account", "request": {...}, "response": {...} },
 *      { "name": "unknown id", "request": {...}, "code": "not_found" }]
 *
 * `response` is matched as a subset (objects may carry more keys); `code` defaults to `ok` when a
 * response is given, and to "anything but invalid_argument" otherwise.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { ServiceDecl } from "../model/types.js";
import type { JsonSchema } from "../wire/index.js";
import { HarnessError } from "./errors.js";

/** One example of a method. */
export interface MethodExample {
  readonly label: string;
  readonly request: unknown;
  readonly response?: unknown;
  readonly code?: string;
  /** Where it was written (`file#/0`). */
  readonly source: string;
}

/** The `examples` keyword of a request wire schema. */
export function schemaExamples(request: JsonSchema | undefined, source: string): MethodExample[] {
  const list = request?.["examples"];
  if (!Array.isArray(list)) return [];
  return list.map((request, i) => ({
    label: `schema example ${i}`,
    request,
    source: `${source}#/examples/${i}`,
  }));
}

/** The candidate folders of a service's contract file: project root, proto root and its module folders. */
export function contractFolders(service: ServiceDecl, roots: readonly string[]): string[] {
  const out: string[] = [];
  for (const root of roots) {
    const candidates = [
      join(root, service.location.file),
      ...bufModulePaths(root).map((m) => join(root, m, service.location.file)),
    ];
    try {
      for (const d of readdirSync(root, { withFileTypes: true }))
        if (d.isDirectory() && !d.name.startsWith("."))
          candidates.push(join(root, d.name, service.location.file));
    } catch {
      // An unreadable root holds no examples.
    }
    for (const c of candidates) if (existsSync(c)) out.push(dirname(c));
  }
  return [...new Set(out)];
}

/** The module folders a `buf.yaml` (v2) in `root` names (`- path: contracts/proto`). */
function bufModulePaths(root: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(root, "buf.yaml"), "utf8");
  } catch {
    return [];
  }
  return [...text.matchAll(/^\s*-\s*path:\s*["']?([^"'\s#]+)["']?\s*$/gm)].map((m) => m[1] as string);
}

/** Reads `<Method>.examples.json` files of a service. */
export function fileExamples(folders: readonly string[], method: string, root: string): MethodExample[] {
  const out: MethodExample[] = [];
  for (const folder of folders) {
    const file = join(folder, `${method}.examples.json`);
    if (!existsSync(file)) continue;
    const shown = relative(root, file);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new HarnessError("examples_invalid", `invalid JSON: ${(e as Error).message}`, shown);
    }
    if (!Array.isArray(json))
      throw new HarnessError(
        "examples_invalid",
        "expected an array of { name, request, response?, code? }",
        `${shown}#`,
      );
    json.forEach((e: unknown, i) => {
      const at = `${shown}#/${i}`;
      if (e === null || typeof e !== "object" || Array.isArray(e))
        throw new HarnessError(
          "examples_invalid",
          "expected an object { name, request, response?, code? }",
          at,
        );
      const o = e as Record<string, unknown>;
      for (const k of Object.keys(o))
        if (!["name", "request", "response", "code"].includes(k))
          throw new HarnessError(
            "examples_invalid",
            `unknown key ${JSON.stringify(k)}; expected name, request, response or code`,
            `${at}/${k}`,
          );
      if (!("request" in o)) throw new HarnessError("examples_invalid", "missing request", at);
      if (o["code"] !== undefined && (typeof o["code"] !== "string" || !/^[a-z_]+$/.test(o["code"])))
        throw new HarnessError(
          "examples_invalid",
          `expected a Connect code such as "not_found", found ${JSON.stringify(o["code"])}`,
          `${at}/code`,
        );
      out.push({
        label: typeof o["name"] === "string" ? o["name"] : `example ${i}`,
        request: o["request"],
        ...(o["response"] !== undefined ? { response: o["response"] } : {}),
        ...(typeof o["code"] === "string" ? { code: o["code"] } : {}),
        source: at,
      });
    });
  }
  return out;
}
