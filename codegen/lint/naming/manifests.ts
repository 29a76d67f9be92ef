/**
 * Naming of service manifests: the service name ends in `Service` and the manifest is named after it,
 * `<snake_name>.service.json` without the suffix (`StatsService` → `stats.service.json`). The name shapes
 * of `package`, `service` and method names are the manifest schema's (codegen/load/manifest.ts). The
 * suffix is a warning (docs: "conventionally"; the service name is part of every call's URL path).
 */
import type { Diagnostic } from "../../errors.js";
import { locate } from "../json-file.js";
import { PASCAL, snakeCase } from "./cases.js";
import type { NamingFile } from "./index.js";

const SUFFIX = ".service.json";

/** Findings of one `*.service.json` file. */
export function lintManifestFile(file: NamingFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const json = file.json;
  const service =
    json !== null && typeof json === "object" && !Array.isArray(json)
      ? (json as Record<string, unknown>)["service"]
      : undefined;
  // A missing or malformed name is a manifest error already.
  if (typeof service !== "string" || !PASCAL.test(service)) return out;
  if (!service.endsWith("Service"))
    out.push({
      code: "manifest_invalid",
      message: `expected a service name ending in "Service", found ${JSON.stringify(service)}; rename ${JSON.stringify(service)} to ${JSON.stringify(`${service}Service`)}`,
      location: locate(file, "/service"),
      rule: "SERVICE_SUFFIX",
      severity: "warning",
    });
  const thing =
    service.endsWith("Service") && service !== "Service" ? service.slice(0, -"Service".length) : service;
  const want = `${snakeCase(thing)}${SUFFIX}`;
  const base = file.path.slice(file.path.lastIndexOf("/") + 1);
  if (base !== want)
    out.push({
      code: "manifest_invalid",
      message: `expected the manifest of ${service} to be named ${want}, found ${base}; rename ${JSON.stringify(base)} to ${JSON.stringify(want)}`,
      location: locate(file, ""),
      rule: "MANIFEST_FILE_NAME",
    });
  return out;
}
