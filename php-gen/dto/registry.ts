/**
 * `Contractgen\Runtime\Types`: full proto name → generated DTO class, for every proto message. The
 * runtime's `Any` calls `Types::decode()` to decode (and print canonically) a payload whose type is
 * known; without proto messages it returns null outright, so PHPStan sees no lookup in an empty array.
 */
import type { GeneratedFile } from "../../codegen/ts/printer.js";
import { docComment, INDENT, phpString } from "../printer.js";
import type { DtoContext } from "./message.js";

/** The registry file (always written, empty when there are no proto messages). */
export function emitTypeRegistry(ctx: DtoContext): GeneratedFile {
  const ref = { ...ctx.allocateClass(ctx.runtimeNamespace, "Types") };
  const file = ctx.newFile(ref, []);
  const entries: string[] = [];
  const arms: string[] = [];
  for (const d of ctx.model.decls.values()) {
    if (d.kind !== "message" || d.source !== "proto" || d.wellKnown !== undefined) continue;
    if (d.fullName.startsWith("google.protobuf.")) continue;
    const fqcn = ctx.classOf(d.fullName).fqcn;
    entries.push(`${INDENT.repeat(2)}${phpString(d.fullName)} => \\${fqcn}::class,`);
    arms.push(`${INDENT.repeat(3)}${phpString(d.fullName)} => \\${fqcn}::decode($v, $p, $e),`);
  }
  const errors = file.use(`${ctx.runtimeNamespace}\\Json\\Errors`);
  const I2 = INDENT.repeat(2);
  file.add(
    // Not final: without proto messages decode() returns null outright, and PHPStan would call the
    // return type of a final class's method too wide.
    ...docComment("Generated DTO classes of the proto messages, by full name (used by Any).", "", [
      "@internal used by the runtime",
    ]),
    `class ${ref.name}`,
    "{",
    ...docComment("", INDENT, ["@var array<string, class-string>"]),
    ...(entries.length === 0
      ? [`${INDENT}public const MESSAGES = [];`]
      : [`${INDENT}public const MESSAGES = [`, ...entries, `${INDENT}];`]),
    "",
    ...docComment(
      "Decodes `$v` as the message named `$name`; null when no DTO has that name or `$v` has errors (in `$e`).",
      INDENT,
    ),
    `${INDENT}public static function decode(string $name, mixed $v, string $p, ${errors} $e): ?\\JsonSerializable`,
    `${INDENT}{`,
    ...(entries.length === 0
      ? [`${I2}return null;`]
      : // One arm per message, not a lookup in MESSAGES: PHPStan types a constant array of more than
        // 256 entries as array<string, class-string>, whose decode() it cannot see (mixed).
        [`${I2}return match ($name) {`, ...arms, `${I2}${INDENT}default => null,`, `${I2}};`]),
    `${INDENT}}`,
    "}",
  );
  return file.toGeneratedFile();
}
