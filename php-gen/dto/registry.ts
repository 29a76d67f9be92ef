/**
 * `Contractgen\Runtime\Types`: full proto name → generated DTO class, for every proto message. The
 * runtime's `Any` uses it to decode (and print canonically) a payload whose type is known.
 */
import type { GeneratedFile } from "../../codegen/ts/printer.js";
import { docComment, INDENT, phpString } from "../printer.js";
import type { DtoContext } from "./message.js";

/** The registry file (always written, empty when there are no proto messages). */
export function emitTypeRegistry(ctx: DtoContext): GeneratedFile {
  const ref = { ...ctx.allocateClass(ctx.runtimeNamespace, "Types") };
  const file = ctx.newFile(ref, []);
  const entries: string[] = [];
  for (const d of ctx.model.decls.values()) {
    if (d.kind !== "message" || d.source !== "proto" || d.wellKnown !== undefined) continue;
    if (d.fullName.startsWith("google.protobuf.")) continue;
    entries.push(`${INDENT.repeat(2)}${phpString(d.fullName)} => \\${ctx.classOf(d.fullName).fqcn}::class,`);
  }
  file.add(
    ...docComment("Generated DTO classes of the proto messages, by full name (used by Any).", "", [
      "@internal used by the runtime",
    ]),
    `final class ${ref.name}`,
    "{",
    ...docComment("", INDENT, ["@var array<string, class-string>"]),
    ...(entries.length === 0
      ? [`${INDENT}public const MESSAGES = [];`]
      : [`${INDENT}public const MESSAGES = [`, ...entries, `${INDENT}];`]),
    "}",
  );
  return file.toGeneratedFile();
}
