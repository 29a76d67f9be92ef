/**
 * JSON Schema `oneOf`/`anyOf` as one final class wrapping exactly one member value: the property is
 * typed with the union of the member types, so "at most one" holds by construction. With a discriminator
 * the member is chosen by its tag; without one, the single member that decodes without error wins.
 */
import type { UnionDecl } from "../../codegen/model/types.js";
import type { GeneratedFile } from "../../codegen/ts/printer.js";
import { wireId } from "../../codegen/wire/ids.js";
import type { PhpContext } from "../context.js";
import { docComment, INDENT, phpString } from "../printer.js";
import { PhpTypes } from "./types.js";

const I1 = INDENT;
const I2 = INDENT.repeat(2);
const I3 = INDENT.repeat(3);
const I4 = INDENT.repeat(4);

/** The union file of `decl`. */
export function emitUnion(ctx: PhpContext, decl: UnionDecl): GeneratedFile {
  const ref = ctx.classOf(decl.fullName);
  const file = ctx.newFile(ref, [ctx.sourceOf(decl.fullName) ?? decl.location.file]);
  const types = new PhpTypes(ctx, file);
  const errors = file.use(`${ctx.runtimeNamespace}\\Json\\Errors`);
  const read = file.use(`${ctx.runtimeNamespace}\\Json\\Read`);
  const write = file.use(`${ctx.runtimeNamespace}\\Json\\Write`);
  const exception = file.use(`${ctx.runtimeNamespace}\\DecodeException`);
  const members = decl.members.map((m) => ({ member: m, type: types.of(m.type) }));
  const phpTypes = [...new Set(members.flatMap((m) => m.type.php.split("|")))];
  const declared = phpTypes.includes("mixed") ? "mixed" : phpTypes.join("|");
  const docTypes = [...new Set(members.map((m) => m.type.doc))].join("|");
  file.add(
    ...docComment(decl.doc, "", [
      `Contract: ${decl.fullName} (JSON Schema ${decl.discriminator !== undefined ? `oneOf, discriminator "${decl.discriminator}"` : "oneOf"}).`,
      "Exactly one member value, in `->value`.",
    ]),
    `final class ${ref.name} implements \\JsonSerializable`,
    "{",
    ...docComment("", I1, docTypes !== declared ? [`@param ${docTypes} $value`] : []),
    `${I1}public function __construct(public readonly ${declared} $value)`,
    `${I1}{`,
    `${I1}}`,
    "",
    ...docComment("Decodes JSON text; every violation is reported at once.", I1, [`@throws ${exception}`]),
    `${I1}public static function fromJson(string $json): self`,
    `${I1}{`,
    `${I2}$e = new ${errors}(true);`,
    `${I2}$r = self::decode(${read}::parse($json, self::class), '$', $e);`,
    `${I2}$e->throwIfAny(self::class);`,
    `${I2}\\assert($r instanceof self);`,
    `${I2}return $r;`,
    `${I1}}`,
    "",
    ...docComment("Decodes a value from `json_decode` (objects as \\stdClass or associative arrays).", I1, [
      "@param array<array-key, mixed>|\\stdClass $data",
      `@throws ${exception}`,
    ]),
    `${I1}public static function fromArray(mixed $data): self`,
    `${I1}{`,
    // Objects of a \\stdClass are \\stdClass throughout (json_decode($json, false)).
    `${I2}$e = new ${errors}($data instanceof \\stdClass);`,
    `${I2}$r = self::decode($data, '$', $e);`,
    `${I2}$e->throwIfAny(self::class);`,
    `${I2}\\assert($r instanceof self);`,
    `${I2}return $r;`,
    `${I1}}`,
    "",
    ...docComment(
      "Decodes the JSON value $v found at path $p; records violations in $e and returns null then.",
      I1,
      ["@internal used by generated code"],
    ),
    `${I1}public static function decode(mixed $v, string $p, ${errors} $e): ?self`,
    `${I1}{`,
  );
  const tagged = decl.discriminator !== undefined && members.every((m) => m.member.tag !== undefined);
  const schema = ctx.model.jsonSchemaWire?.get(decl.fullName);
  const wire =
    schema && (Array.isArray(schema["oneOf"]) || Array.isArray(schema["anyOf"]))
      ? { keyword: Array.isArray(schema["oneOf"]) ? "oneOf" : "anyOf" }
      : undefined;
  if (tagged && decl.discriminator !== undefined) {
    const d = decl.discriminator;
    const tags = members.map((m) => m.member.tag ?? "");
    file.add(
      `${I2}if (!${read}::isObject($v, $p, $e)) {`,
      `${I3}return null;`,
      `${I2}}`,
      `${I2}$tag = \\is_array($v) ? ($v[${phpString(d)}] ?? null) : ($v->{${phpString(d)}} ?? null);`,
      `${I2}switch ($tag) {`,
    );
    for (const m of members) {
      file.add(
        `${I3}case ${phpString(m.member.tag ?? "")}:`,
        `${I4}$r = ${m.type.decode("$v", "$p")};`,
        `${I4}return $r === null ? null : new self($r);`,
      );
    }
    file.add(
      `${I3}default:`,
      `${I4}$e->add($p . ${phpString(`.${d}`)}, 'discriminator', ${phpString(`one of ${tags.map((t) => JSON.stringify(t)).join(", ")}`)}, $tag);`,
      `${I4}return null;`,
      `${I2}}`,
      `${I1}}`,
    );
  } else if (wire) {
    // Membership as ajv decides it: the value is checked against each member's wire schema (with
    // all its constraints); oneOf needs exactly one match, anyOf at least one. The first matching
    // member that decodes gives the value.
    const check = file.use(`${ctx.runtimeNamespace}\\WireSchemas`);
    file.add(`${I2}$found = 0;`, `${I2}$r = null;`, `${I2}$decoded = false;`);
    members.forEach((_m, i) => {
      const m = members[i];
      if (!m) return;
      file.add(
        `${I2}if (${check}::check($v, ${phpString(`${wireId(decl.fullName)}#/${wire.keyword}/${i}`)}, new ${errors}())) {`,
        `${I3}$found++;`,
        `${I3}$t = new ${errors}();`,
        `${I3}$x = (static fn (${errors} $e) => ${m.type.decode("$v", "$p")})($t);`,
        `${I3}if (${i === 0 ? "" : "!$decoded && "}$t->count() === 0) {`,
        `${I4}$r = $x;`,
        `${I4}$decoded = true;`,
        `${I3}}`,
        `${I2}}`,
      );
    });
    const nullTest = members.some((m) => m.type.acceptsNull || m.type.php === "mixed")
      ? ""
      : " || $r === null";
    const count = wire.keyword === "oneOf" ? "$found !== 1" : "$found === 0";
    const expected =
      wire.keyword === "oneOf"
        ? `exactly one member of ${decl.fullName} (${members.length} alternatives)`
        : `at least one member of ${decl.fullName} (${members.length} alternatives)`;
    file.add(
      `${I2}if (${count} || !$decoded${nullTest}) {`,
      `${I3}$e->add($p, ${phpString(wire.keyword === "oneOf" ? "one_of" : "any_of")}, ${phpString(expected)}, $v);`,
      `${I3}return null;`,
      `${I2}}`,
      `${I2}return new self($r);`,
      `${I1}}`,
    );
  } else {
    file.add(`${I2}$found = [];`, `${I2}$r = null;`);
    members.forEach((m, i) => {
      file.add(
        `${I2}$t = new ${errors}();`,
        `${I2}$x = (static fn (${errors} $e) => ${m.type.decode("$v", "$p")})($t);`,
        `${I2}if ($t->count() === 0) {`,
        `${I3}$found[] = ${i};`,
        `${I3}$r = $x;`,
        `${I2}}`,
      );
    });
    // A member's decoder returns null only after recording an error, unless null is one of its values:
    // otherwise the null test never decides anything, but gives PHPStan the non-null type.
    const nullTest = members.some((m) => m.type.acceptsNull || m.type.php === "mixed")
      ? ""
      : " || $r === null";
    file.add(
      `${I2}if (\\count($found) !== 1${nullTest}) {`,
      `${I3}$e->add($p, 'one_of', ${phpString(`exactly one member of ${decl.fullName} (${members.length} alternatives)`)}, $v);`,
      `${I3}return null;`,
      `${I2}}`,
      `${I2}return new self($r);`,
      `${I1}}`,
    );
  }
  file.add(
    "",
    ...docComment("The member's JSON wire form.", I1),
    `${I1}public function jsonSerialize(): mixed`,
    `${I1}{`,
    members.every((m) => m.type.identity)
      ? `${I2}return $this->value;`
      : `${I2}return ${write}::value($this->value);`,
    `${I1}}`,
    "",
    ...docComment("The JSON text of {@see jsonSerialize()}.", I1),
    `${I1}public function toJson(): string`,
    `${I1}{`,
    `${I2}return \\json_encode($this, ${write}::FLAGS);`,
    `${I1}}`,
    "}",
  );
  return file.toGeneratedFile();
}
