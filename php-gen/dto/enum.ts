/**
 * One PHP backed enum per contract enum. Proto enums are backed by the value name (the canonical
 * ProtoJSON form) and know their numbers; JSON Schema enums are backed by their JSON values.
 */
import type { EnumDecl } from "../../codegen/model/types.js";
import type { GeneratedFile } from "../../codegen/ts/printer.js";
import type { PhpContext } from "../context.js";
import { docComment, INDENT, phpLiteral } from "../printer.js";
import { enumAliases, enumCases } from "./types.js";

const I1 = INDENT;
const I2 = INDENT.repeat(2);
const I3 = INDENT.repeat(3);

/** The enum file of `decl`. */
export function emitEnum(ctx: PhpContext, decl: EnumDecl): GeneratedFile {
  const ref = ctx.classOf(decl.fullName);
  const file = ctx.newFile(ref, [ctx.sourceOf(decl.fullName) ?? decl.location.file]);
  const errors = file.use(`${ctx.runtimeNamespace}\\Json\\Errors`);
  const proto = decl.source === "proto";
  const cases = enumCases(
    decl.name,
    decl.source,
    decl.values.map((v) => v.name),
    proto ? decl.values.map((v) => v.number ?? 0) : undefined,
  );
  // Proto aliases get no case: they decode to the first value with their number, which is the name
  // ProtoJSON writes (as protobuf-es does), so output is canonical whichever name was read.
  const aliases = proto ? enumAliases(decl.values) : new Set<string>();
  const canonical = decl.values.filter((v) => !aliases.has(v.name));
  const intBacked =
    !proto &&
    decl.values.length > 0 &&
    decl.values.every((v) => typeof v.json === "number" && Number.isInteger(v.json));
  const backing = intBacked ? "int" : "string";
  const caseOf = (name: string): string => cases.get(name) ?? name;
  const doc = [decl.doc, decl.deprecated ? "@deprecated" : ""].filter((s) => s !== "").join("\n\n");
  file.add(...docComment(doc, "", [`Contract: ${decl.fullName} (${proto ? "Protobuf" : "JSON Schema"}).`]));
  file.add(`enum ${ref.name}: ${backing}`, "{");
  const seen = new Set<string>();
  for (const v of canonical) {
    const value = proto ? v.name : intBacked ? v.json : String(v.json);
    const key = String(value);
    if (seen.has(key)) continue;
    seen.add(key);
    const aliasNames = decl.values.filter((a) => aliases.has(a.name) && a.number === v.number);
    const vdoc = [
      v.doc,
      proto ? `Number ${v.number ?? 0}.` : "",
      aliasNames.length > 0
        ? `Aliases (read as this case): ${aliasNames.map((a) => a.name).join(", ")}.`
        : "",
      v.deprecated ? "@deprecated" : "",
    ]
      .filter((s) => s !== "")
      .join("\n\n");
    file.add(...docComment(vdoc, I1), `${I1}case ${caseOf(v.name)} = ${phpLiteral(value)};`);
  }
  const first = decl.values[0];
  if (proto) {
    const byNumber = new Map<number, string>();
    for (const v of decl.values)
      if (!byNumber.has(v.number ?? 0)) byNumber.set(v.number ?? 0, caseOf(v.name));
    file.add(
      "",
      ...docComment("The proto number of this value.", I1),
      `${I1}public function number(): int`,
      `${I1}{`,
      `${I2}return match ($this) {`,
      ...canonical.map((v) => `${I3}self::${caseOf(v.name)} => ${v.number ?? 0},`),
      `${I2}};`,
      `${I1}}`,
      "",
      ...docComment("The value with proto number $number, or null when the contract has none.", I1),
      `${I1}public static function tryFromNumber(int $number): ?self`,
      `${I1}{`,
      `${I2}return match ($number) {`,
      ...[...byNumber].map(([n, c]) => `${I3}${n} => self::${c},`),
      `${I3}default => null,`,
      `${I2}};`,
      `${I1}}`,
    );
  }
  // Proto3 enums are open: a number the contract does not name is a valid value (a newer peer may
  // know it), kept as an int so that it prints back unchanged.
  const open = proto && decl.open;
  file.add(
    "",
    ...docComment(
      "Decodes a JSON value" +
        (proto ? " (the name or the number)" : "") +
        " found at path $p." +
        (open ? " A number the contract does not name is returned as is: the enum is open." : ""),
      I1,
      ["@internal used by generated code"],
    ),
    `${I1}public static function decode(mixed $v, string $p, ${errors} $e): ${open ? "self|int" : "self"}`,
    `${I1}{`,
    `${I2}if (\\is_${backing}($v)) {`,
    ...(aliases.size === 0
      ? [`${I3}$c = self::tryFrom($v);`]
      : [
          `${I3}$c = self::tryFrom($v) ?? match ($v) {`,
          ...decl.values
            .filter((v) => aliases.has(v.name))
            .map((v) => `${I3}${I1}${phpLiteral(v.name)} => self::${caseOf(v.name)},`),
          `${I3}${I1}default => null,`,
          `${I3}};`,
        ]),
    `${I3}if ($c !== null) {`,
    `${I3}${I1}return $c;`,
    `${I3}}`,
  );
  if (open) {
    file.add(
      `${I2}} elseif (\\is_int($v) && $v >= -2147483648 && $v <= 2147483647) {`,
      `${I3}return self::tryFromNumber($v) ?? $v;`,
    );
  } else if (proto) {
    file.add(
      `${I2}} elseif (\\is_int($v)) {`,
      `${I3}$c = self::tryFromNumber($v);`,
      `${I3}if ($c !== null) {`,
      `${I3}${I1}return $c;`,
      `${I3}}`,
    );
  }
  if (proto) {
    // 5.0 is the number 5 (acceptance rule integral_number_for_integer); "5" is numeric_string,
    // repaired to 5 when the policy says so, as the boundary does.
    file.add(
      `${I2}}`,
      `${I2}$n = \\is_int($v) ? null : ${file.use(`${ctx.runtimeNamespace}\\Json\\Read`)}::enumNumber($v, $p, $e);`,
      `${I2}if ($n !== null) {`,
      `${I3}return self::decode($n, $p, $e);`,
    );
  }
  file.add(
    `${I2}}`,
    `${I2}$names = \\array_map(static fn (self $c): string => (string) $c->value, self::cases());`,
    `${I2}$e->add($p, 'enum', 'one of ' . \\implode(', ', $names)${open ? " . ' or an int32 number'" : proto ? " . ' (or its number)'" : ""}, $v);`,
    `${I2}return self::${first ? caseOf(first.name) : "cases()[0]"};`,
    `${I1}}`,
  );
  if (open) {
    file.add(
      "",
      ...docComment(
        "The ProtoJSON value of $v: a case (`json_encode` writes its name); a number is written as its case when the contract names it, else as the number.",
        I1,
        ["@internal used by generated code"],
      ),
      `${I1}public static function encode(self|int $v): self|int`,
      `${I1}{`,
      `${I2}return \\is_int($v) ? self::tryFromNumber($v) ?? $v : $v;`,
      `${I1}}`,
    );
  }
  file.add("}");
  return file.toGeneratedFile();
}
