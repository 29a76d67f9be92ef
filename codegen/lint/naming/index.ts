/**
 * Lint of the naming conventions docs/contracts.md states for JSON Schema contracts (proto naming is buf
 * lint's, with the rules of buf.yaml). Files are read here rather than taken from the loader, so naming
 * findings come with the loader's errors instead of after them, and with line numbers.
 */
import { relative, sep } from "node:path";
import type { Diagnostic } from "../../errors.js";
import { discoverJsonSchemaFiles } from "../../load/jsonschema.js";
import { isJsonFileError, type JsonFile, readJsonFile } from "../json-file.js";
import { lintManifestFile } from "./manifests.js";
import { lintPackages } from "./packages.js";
import { lintSchemaValues } from "./properties.js";
import { lintSchemaFile } from "./schema-files.js";

/** A parsed contract file with its package (its folder below the JSON Schema root, joined with dots). */
export interface NamingFile extends JsonFile {
  readonly package: string;
  readonly kind: "schema" | "manifest";
}

/**
 * Naming findings of the JSON Schema contracts below `schemaRoot`; paths are shown relative to
 * `projectRoot`. Files that do not parse are skipped (the loader reports them).
 */
export async function lintJsonSchemaNaming(projectRoot: string, schemaRoot: string): Promise<Diagnostic[]> {
  const files: NamingFile[] = [];
  for (const absolute of await discoverJsonSchemaFiles(schemaRoot)) {
    const read = readJsonFile(absolute, toPosix(relative(projectRoot, absolute)));
    if (isJsonFileError(read)) continue;
    const dir = toPosix(relative(schemaRoot, absolute));
    const folder = dir.includes("/") ? dir.slice(0, dir.lastIndexOf("/")) : "";
    files.push({
      ...read,
      package: folder
        .split("/")
        .filter((s) => s !== "")
        .join("."),
      kind: absolute.endsWith(".service.json") ? "manifest" : "schema",
    });
  }
  const out = lintPackages(files);
  for (const file of files) {
    if (file.kind === "manifest") out.push(...lintManifestFile(file));
    else out.push(...lintSchemaFile(file), ...lintSchemaValues(file));
  }
  return out;
}

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}
