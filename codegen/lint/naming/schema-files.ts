/**
 * Naming of message files and their types: the file is `<snake_name>.schema.json`, the snake_case form of
 * its PascalCase `title`, and every `$defs` key is PascalCase.
 */
import type { Diagnostic } from "../../errors.js";
import { isTypeName } from "../../load/jsonschema.js";
import { appendPointer } from "../../util/json-pointer.js";
import { locate } from "../json-file.js";
import { LOWER_SNAKE, PASCAL, pascalCase, renameTo, snakeCase } from "./cases.js";
import type { NamingFile } from "./index.js";

const SUFFIX = ".schema.json";

/** Finds of one `*.schema.json` file. */
export function lintSchemaFile(file: NamingFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const root = isRecord(file.json) ? file.json : undefined;
  const base = file.path.slice(file.path.lastIndexOf("/") + 1);
  const stem = base.slice(0, -SUFFIX.length);
  const title = root && typeof root["title"] === "string" ? root["title"] : undefined;
  const namesType = root !== undefined && !isDefsOnly(root);

  if (namesType && title !== undefined && !PASCAL.test(title)) {
    const fallback = isTypeName(title)
      ? ""
      : ` (contractgen ignores it and names the type ${pascalCase(stem)} after the file)`;
    out.push({
      code: "schema_invalid",
      message: `expected "title" to be a PascalCase message name, found ${JSON.stringify(title)}${fallback}${renameTo(title, pascalCase(title), PASCAL)}`,
      location: locate(file, "/title"),
      rule: "TYPE_PASCAL_CASE",
    });
  }
  const want = namesType && title !== undefined && PASCAL.test(title) ? snakeCase(title) : undefined;
  if (want !== undefined && stem !== want) {
    out.push({
      code: "schema_invalid",
      message: `expected the file of message ${title} to be named ${want}${SUFFIX} (the snake_case form of its title), found ${base}; rename ${JSON.stringify(base)} to ${JSON.stringify(want + SUFFIX)}`,
      location: locate(file, ""),
      rule: "SCHEMA_FILE_NAME",
    });
  } else if (want === undefined && !LOWER_SNAKE.test(stem)) {
    out.push({
      code: "schema_invalid",
      message: `expected a file name <snake_name>${SUFFIX}, found ${base}${renameTo(base, snakeCase(stem) + SUFFIX, /^[a-z][a-z0-9]*(_[a-z0-9]+)*\.schema\.json$/)}`,
      location: locate(file, ""),
      rule: "SCHEMA_FILE_NAME",
    });
  }

  const defs = root?.["$defs"];
  if (isRecord(defs))
    for (const key of Object.keys(defs)) {
      // Keys that are no type name at all are the loader's error ("$defs key ... is not a type name").
      if (!isTypeName(key) || PASCAL.test(key)) continue;
      out.push({
        code: "schema_invalid",
        message: `expected a PascalCase $defs key, found ${JSON.stringify(key)}${renameTo(key, pascalCase(key), PASCAL)}`,
        location: locate(file, appendPointer("/$defs", key)),
        rule: "TYPE_PASCAL_CASE",
      });
    }
  return out;
}

/**
 * A root that only carries `$defs` (a library of types) declares no type of its own, and its `title`
 * names nothing (as in codegen/load/jsonschema.ts).
 */
function isDefsOnly(root: Record<string, unknown>): boolean {
  return Object.keys(root).every((k) =>
    ["$defs", "$schema", "$id", "$comment", "title", "description"].includes(k),
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
