/**
 * `Contractgen\Runtime\WireSchemas`: the wire schema of every JSON Schema declaration (the same text the
 * TS validators are compiled from), and the one `Json\Schema` validator over them. A JSON Schema DTO's
 * `fromJson`/`fromArray` checks the payload here first, so PHP accepts exactly what ajv accepts.
 */
import type { GeneratedFile } from "../../codegen/ts/printer.js";
import { compareStrings } from "../../codegen/util/names.js";
import { docComment, INDENT, phpString } from "../printer.js";
import type { DtoContext } from "./message.js";

/** Whether the model has JSON Schema declarations (then the registry is written). */
export function hasWireSchemas(ctx: DtoContext): boolean {
  return (ctx.model.jsonSchemaWire?.size ?? 0) > 0;
}

/** The registry file, or nothing without JSON Schema contracts. */
export function emitWireSchemas(ctx: DtoContext): GeneratedFile | undefined {
  const wire = ctx.model.jsonSchemaWire;
  if (!wire || wire.size === 0) return undefined;
  const ref = { ...ctx.allocateClass(ctx.runtimeNamespace, "WireSchemas") };
  const file = ctx.newFile(ref, []);
  const schema = file.use(`${ctx.runtimeNamespace}\\Json\\Schema`);
  const errors = file.use(`${ctx.runtimeNamespace}\\Json\\Errors`);
  const all = [...wire.keys()].sort(compareStrings).map((n) => wire.get(n));
  const I2 = INDENT.repeat(2);
  const I3 = INDENT.repeat(3);
  file.add(
    ...docComment("The wire JSON Schemas of the JSON Schema contracts, and their validator.", "", [
      "@internal used by generated code",
    ]),
    `final class ${ref.name}`,
    "{",
    ...docComment("Every wire schema, as one JSON array (the TS validators' source).", INDENT),
    // In pieces, so no line of the file is longer than PSR-12 allows.
    `${INDENT}public const JSON = ''`,
    ...chunks(JSON.stringify(all), 90).map((c) => `${I2}. ${phpString(c)}`),
    `${I2};`,
    "",
    `${INDENT}private static ?${schema} $validator = null;`,
    "",
    ...docComment(
      "Whether `$v` (decoded with objects as \\stdClass) is valid against the wire schema `$id`; violations go to `$e`.",
      INDENT,
    ),
    `${INDENT}public static function check(mixed $v, string $id, ${errors} $e): bool`,
    `${INDENT}{`,
    `${I2}if (self::$validator === null) {`,
    `${I3}self::$validator = new ${schema}();`,
    `${I3}self::$validator->addJson(self::JSON);`,
    `${I2}}`,
    `${I2}return self::$validator->validate($v, $id, $e);`,
    `${INDENT}}`,
    "",
    ...docComment("A value from `json_decode` with associative arrays, as \\stdClass objects.", INDENT),
    `${INDENT}public static function objects(mixed $v): mixed`,
    `${INDENT}{`,
    `${I2}$json = \\json_encode($v, \\JSON_THROW_ON_ERROR | \\JSON_PRESERVE_ZERO_FRACTION);`,
    `${I2}return \\json_decode($json, false, 512, \\JSON_THROW_ON_ERROR);`,
    `${INDENT}}`,
    "}",
  );
  return file.toGeneratedFile();
}

/** `text` in pieces of at most `size` characters (never splitting a surrogate pair). */
function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(i + size, text.length);
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end--;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}
