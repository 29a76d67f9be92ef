/**
 * One PHP class per message (proto message or JSON Schema object): a final class with promoted readonly
 * constructor properties, the strict decoder (`fromJson`, `fromArray`, internal `decode`) and the
 * encoder (`jsonSerialize`, `toJson`). JSON Schema constraints are checked in the constructor.
 */
import type { FieldDecl, MessageDecl, OneofDecl } from "../../codegen/model/types.js";
import type { GeneratedFile } from "../../codegen/ts/printer.js";
import { camelCase } from "../../codegen/util/names.js";
import { wireId as wireIdOf } from "../../codegen/wire/ids.js";
import type { OneofClasses, PhpContext } from "../context.js";
import { phpIdentifier } from "../names.js";
import { callLines, docComment, INDENT, type PhpFile, phpString } from "../printer.js";
import { constraintChecks, hasConstraintChecks, protoRangeChecks } from "./constraints.js";
import { type PhpType, PhpTypes } from "./types.js";

/** The context the DTO emitters need: the shared one plus the oneof class names. */
export type DtoContext = PhpContext & { oneofClasses(message: string, oneof: OneofDecl): OneofClasses };

interface Prop {
  readonly name: string;
  /** Variable holding the decoded value in `decode`. */
  readonly local: string;
  readonly field?: FieldDecl;
  readonly oneof?: OneofDecl;
  readonly type?: PhpType;
  /** Declared type, with nullability. */
  readonly declared: string;
  readonly doc: string;
  /** Default literal, or undefined for a required parameter. */
  readonly default?: string;
  /** Whether the value may be null (explicit presence). */
  readonly nullable: boolean;
}

const I1 = INDENT;
const I2 = INDENT.repeat(2);
const I3 = INDENT.repeat(3);
const I4 = INDENT.repeat(4);
const I5 = INDENT.repeat(5);

/** Files for message `decl`: its class, plus the interface and member classes of each oneof. */
export function emitMessage(ctx: DtoContext, decl: MessageDecl): GeneratedFile[] {
  const ref = ctx.classOf(decl.fullName);
  const sources = [ctx.sourceOf(decl.fullName) ?? decl.location.file];
  const file = ctx.newFile(ref, sources);
  const types = new PhpTypes(ctx, file);
  const rt = (n: string): string => file.use(`${ctx.runtimeNamespace}\\${n}`);
  const proto = decl.source === "proto";
  const out: GeneratedFile[] = [];

  // Properties, in contract order; a oneof takes the place of its first member.
  const taken = new Set<string>();
  const propName = (n: string): string => {
    const base = phpIdentifier(camelCase(n) || n, "property");
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
  const props: Prop[] = [];
  const oneofByName = new Map(decl.oneofs.map((o) => [o.name, o]));
  const oneofProp = new Map<string, Prop>();
  decl.fields.forEach((f) => {
    if (f.oneof !== undefined) {
      const o = oneofByName.get(f.oneof);
      if (!o || oneofProp.has(o.name)) return;
      const classes = ctx.oneofClasses(decl.fullName, o);
      const iface = file.use(classes.iface.fqcn);
      const p: Prop = {
        name: propName(o.name),
        local: `$f${props.length}`,
        oneof: o,
        declared: `?${iface}`,
        doc: o.doc,
        default: "null",
        nullable: true,
      };
      oneofProp.set(o.name, p);
      props.push(p);
      out.push(...emitOneof(ctx, decl, o, classes));
      return;
    }
    const t = types.of(f.type);
    const nullable = proto ? f.presence === "explicit" || t.zero === undefined : f.presence !== "required";
    const declared = nullable ? nullableType(t.php) : t.php;
    const def = proto ? (nullable ? "null" : t.zero) : nullable ? "null" : undefined;
    props.push({
      name: propName(f.name),
      local: `$f${props.length}`,
      field: f,
      type: t,
      declared,
      doc: f.doc,
      ...(def !== undefined ? { default: def } : {}),
      nullable,
    });
  });

  // An open JSON Schema object keeps the properties it does not declare and writes them back, so
  // toJson(fromJson(x)) loses nothing the contract allows.
  const extra: Prop | undefined =
    !proto && !decl.closed
      ? {
          name: propName("additionalProperties"),
          local: "$extra",
          declared: "array",
          doc: "Properties the contract does not declare, as decoded (objects as \\stdClass), and optional ones sent as null; written back by jsonSerialize().",
          default: "[]",
          nullable: false,
        }
      : undefined;
  if (extra) props.push(extra);

  const propOfField = new Map<FieldDecl, Prop>();
  for (const p of props) if (p.field) propOfField.set(p.field, p);
  const fieldByName = new Map(decl.fields.map((f) => [f.name, f]));
  const className = ref.name;
  const errors = rt("Json\\Errors");
  const read = rt("Json\\Read");
  const write = rt("Json\\Write");
  const decodeException = rt("DecodeException");
  const policyParam = (): string => `${rt("Json\\Policy")}|string|null $policy = null`;
  const policyDoc =
    "@param Policy|string|null $policy the acceptance policy or preset (`strict`, `migrate`); null: `Policy::default()`";

  // Class header.
  const classDoc = [decl.doc, decl.deprecated ? "@deprecated" : ""].filter((s) => s !== "").join("\n\n");
  file.add(
    ...docComment(classDoc, "", [
      `Contract: ${decl.fullName} (${decl.source === "proto" ? "Protobuf" : "JSON Schema"}).`,
    ]),
  );
  file.add(`final class ${className} implements \\JsonSerializable`, "{");

  // fromJson / fromArray. A JSON Schema message is first checked against its wire schema, with the
  // validator that has the semantics of ajv (unions, allOf, not, if/then/else, patternProperties, …).
  const wireCheck =
    !proto && ctx.model.jsonSchemaWire?.has(decl.fullName) === true ? rt("WireSchemas") : undefined;
  if (wireCheck) {
    file.add(
      ...docComment("`$id` of the wire schema `fromJson` and `fromArray` check first.", I1),
      `${I1}public const WIRE_SCHEMA = ${phpString(wireIdOf(decl.fullName))};`,
      "",
    );
  }
  // Constructor: required parameters first (PHP deprecates optional-before-required).
  const ordered = [
    ...props.filter((p) => p.default === undefined),
    ...props.filter((p) => p.default !== undefined),
  ];
  const paramTags: string[] = [];
  for (const p of ordered) {
    const doc =
      p.field && p.type && p.type.doc !== p.type.php
        ? p.nullable || p.type.acceptsNull
          ? `${p.type.doc}|null`
          : p.type.doc
        : undefined;
    const text = firstLine(p.doc);
    if (p === extra) {
      paramTags.push(`@param array<string, mixed> $${p.name} ${text}`);
      continue;
    }
    if (doc !== undefined || text !== "")
      paramTags.push(`@param ${doc ?? p.declared} $${p.name}${text !== "" ? ` ${text}` : ""}`);
  }
  const checks = proto
    ? protoRangeChecks(
        file,
        ctx,
        props.flatMap((p) => (p.field ? [{ name: p.name, field: p.field, nullable: p.nullable }] : [])),
      )
    : constraintChecks(
        file,
        ctx,
        props.flatMap((p) => (p.field ? [{ name: p.name, field: p.field, nullable: p.nullable }] : [])),
      );
  if (paramTags.length > 0) file.add(...docComment("", I1, paramTags));
  if (ordered.length === 0) {
    file.add(`${I1}public function __construct()`, `${I1}{`, `${I1}}`);
  } else {
    file.add(`${I1}public function __construct(`);
    for (const p of ordered) {
      file.add(
        `${I2}public readonly ${p.declared} $${p.name}${p.default !== undefined ? ` = ${p.default}` : ""},`,
      );
    }
    if (checks.length > 0) {
      file.add(
        `${I1}) {`,
        `${I2}$e = new ${errors}();`,
        ...checks.map((l) => `${I2}${l}`),
        `${I2}$e->throwIfAny(self::class);`,
        `${I1}}`,
      );
    } else {
      file.add(`${I1}) {`, `${I1}}`);
    }
  }

  // fromJson / fromArray.
  file.add(
    "",
    ...docComment("Decodes JSON text; every violation is reported at once.", I1, [
      policyDoc,
      `@throws ${decodeException}`,
    ]),
    `${I1}public static function fromJson(string $json, ${policyParam()}): self`,
    `${I1}{`,
    `${I2}$e = new ${errors}(true, $policy);`,
    ...(wireCheck
      ? [
          `${I2}$v = ${read}::parse($json, self::class, $e);`,
          // The decoder's own findings are reported when it has any (they name the field it was
          // decoding); what only the schema check finds (a union's constraints, allOf, not, …) otherwise.
          `${I2}$w = new ${errors}(true);`,
          `${I2}$valid = ${wireCheck}::check($v, self::WIRE_SCHEMA, $w);`,
          `${I2}$r = self::decode($v, '$', $e);`,
          `${I2}if (!$valid) {`,
          `${I3}$e->throwIfWireInvalid($w, $r, self::wireCheck(...), self::class);`,
          `${I2}}`,
        ]
      : [`${I2}$r = self::decode(${read}::parse($json, self::class, $e), '$', $e);`]),
    `${I2}$e->throwIfAny(self::class);`,
    `${I2}\\assert($r instanceof self);`,
    `${I2}return $r;`,
    `${I1}}`,
    "",
    ...docComment(
      "Decodes a value from `json_decode` (objects as \\stdClass or associative arrays); strict, no silent casts.",
      I1,
      ["@param array<array-key, mixed>|\\stdClass $data", policyDoc, `@throws ${decodeException}`],
    ),
    `${I1}public static function fromArray(array|\\stdClass $data, ${policyParam()}): self`,
    `${I1}{`,
    // Objects of a \\stdClass are \\stdClass throughout (json_decode($json, false)).
    `${I2}$e = new ${errors}($data instanceof \\stdClass, $policy);`,
    `${I2}$r = self::decode($data, '$', $e);`,
    ...(wireCheck
      ? [
          `${I2}$w = new ${errors}($data instanceof \\stdClass);`,
          `${I2}$valid = ${wireCheck}::check(${wireCheck}::objects($data), self::WIRE_SCHEMA, $w);`,
          `${I2}if (!$valid) {`,
          `${I3}$e->throwIfWireInvalid($w, $r, self::wireCheck(...), self::class);`,
          `${I2}}`,
        ]
      : []),
    `${I2}$e->throwIfAny(self::class);`,
    `${I2}\\assert($r instanceof self);`,
    `${I2}return $r;`,
    `${I1}}`,
  );
  if (wireCheck) {
    file.add(
      "",
      ...docComment("The wire schema check of a decoded JSON value (objects as \\stdClass).", I1),
      `${I1}private static function wireCheck(mixed $v, ${errors} $e): bool`,
      `${I1}{`,
      `${I2}return ${wireCheck}::check($v, self::WIRE_SCHEMA, $e);`,
      `${I1}}`,
    );
  }

  // decode.
  file.add(
    "",
    ...docComment(
      "Decodes the JSON value $v found at path $p; records violations in $e and returns null then.",
      I1,
      ["@internal used by generated code"],
    ),
    `${I1}public static function decode(mixed $v, string $p, ${errors} $e): ?self`,
    `${I1}{`,
    `${I2}if (!${read}::isObject($v, $p, $e)) {`,
    `${I3}return null;`,
    `${I2}}`,
    `${I2}$n = $e->count();`,
  );
  const required = proto ? [] : props.filter((p) => p.field?.presence === "required");
  const initial = (p: Prop): string => p.default ?? p.type?.zero ?? p.type?.placeholder ?? "null";
  for (const p of props) file.add(`${I2}${p.local} = ${initial(p)};`);
  // A required message or union local stays null when its key is missing or its value has an error;
  // both are errors, so the test below never decides anything, but it gives PHPStan the local's type.
  const unset = required.filter((p) => initial(p) === "null" && p.type?.nullOnError === true);
  for (const p of required) file.add(`${I2}$has${p.local.slice(2)} = false;`);
  const tracked = new Set(
    proto ? [] : props.filter((p) => p.field !== undefined && hasConstraintChecks(p.field)),
  );
  for (const p of tracked) file.add(`${I2}$ok${p.local.slice(2)} = false;`);
  const nullOk = proto ? props.filter((p) => p.type?.acceptsNull === true) : [];
  if (decl.fields.length > 0) {
    file.add(`${I2}foreach ($v as $k => $x) {`);
    file.add(`${I3}switch ($k) {`);
    for (const f of decl.fields) {
      const p = f.oneof !== undefined ? oneofProp.get(f.oneof) : propOfField.get(f);
      if (!p) continue;
      const keys = keysOf(f, proto);
      for (const k of keys) {
        file.add(`${I4}case ${phpString(k)}:`);
        // The proto name next to the JSON name in one object: which one is meant is a guess (both_names).
        if (keys.length === 2 && k === f.name)
          file.add(
            `${I5}$e->bothNames($v, ${phpString(f.jsonName)}, $p . ${phpString(`.${f.jsonName}`)});`,
            `${I5}// no break`,
          );
      }
      // ProtoJSON: null is the field's default (the key is skipped), except where null is a value.
      if (proto && (p.oneof !== undefined || !nullOk.includes(p)))
        file.add(`${I5}if ($x === null) {`, `${I5}${INDENT}break;`, `${I5}}`);
      const path = `$p . ${phpString(`.${f.jsonName}`)}`;
      if (p.oneof) {
        const classes = ctx.oneofClasses(decl.fullName, p.oneof);
        const member = file.use(classes.members.get(f.name)?.fqcn ?? "");
        const t = types.of(f.type);
        const names = p.oneof.fields.map((n) => fieldByName.get(n)?.jsonName ?? n).join(", ");
        file.add(
          `${I5}if (${p.local} !== null) {`,
          `${I5}${I1}$e->add(${path}, 'oneof', ${phpString(`at most one of ${names}`)}, $x);`,
          `${I5}}`,
        );
        if (isClass(f, ctx)) {
          file.add(
            `${I5}$t = ${t.decode("$x", path)};`,
            `${I5}if ($t !== null) {`,
            `${I5}${I1}${p.local} = new ${member}($t);`,
            `${I5}}`,
          );
        } else {
          file.add(`${I5}${p.local} = new ${member}(${t.decode("$x", path)});`);
        }
      } else if (p.type) {
        if (tracked.has(p)) file.add(`${I5}$c = $e->count();`);
        file.add(...assignLines(I5, p.local, p.type.decode("$x", path)));
        if (tracked.has(p)) file.add(`${I5}$ok${p.local.slice(2)} = $e->count() === $c;`);
        if (!proto && p.field?.presence === "required") file.add(`${I5}$has${p.local.slice(2)} = true;`);
        // An optional property sent as null reads as absent; an open object keeps the explicit null so
        // jsonSerialize() writes it back.
        if (extra && p.field?.presence !== "required" && p.nullable)
          file.add(`${I5}if ($x === null) {`, `${I5}${I1}$extra[${phpString(f.jsonName)}] = null;`, `${I5}}`);
      }
      file.add(`${I5}break;`);
    }
    file.add(`${I4}default:`);
    if (decl.closed) {
      file.add(
        `${I5}$e->unknown($p . '.' . $k, (string) $k, ${phpString(`a field of ${decl.fullName}`)}, $x);`,
      );
    } else if (extra) {
      file.add(`${I5}$extra[(string) $k] = $x;`, `${I5}break;`);
    } else {
      file.add(`${I5}break;`);
    }
    file.add(`${I3}}`, `${I2}}`);
  } else if (extra) {
    file.add(`${I2}foreach ($v as $k => $x) {`, `${I3}$extra[(string) $k] = $x;`, `${I2}}`);
  } else if (decl.closed) {
    // No fields: every key is unknown (proto: but null, which means unset).
    file.add(`${I2}foreach ($v as $k => $x) {`);
    if (proto) file.add(`${I3}if ($x === null) {`, `${I4}continue;`, `${I3}}`);
    file.add(
      `${I3}$e->add($p . '.' . $k, 'unknown_field', ${phpString(`a field of ${decl.fullName}`)}, $x);`,
      `${I2}}`,
    );
  }
  for (const p of required) {
    file.add(
      `${I2}if (!$has${p.local.slice(2)}) {`,
      `${I3}$e->addText($p . ${phpString(`.${p.field?.jsonName ?? p.name}`)}, 'required', ${phpString(`required property "${p.field?.jsonName ?? p.name}"`)}, 'nothing');`,
      `${I2}}`,
    );
  }
  if (tracked.size > 0) {
    const lines = constraintChecks(
      file,
      ctx,
      [...tracked].flatMap((p) =>
        p.field ? [{ name: p.name, field: p.field, local: p.local, nullable: initial(p) === "null" }] : [],
      ),
      true,
    );
    file.add(...lines.map((l) => `${I2}${l}`));
  }
  const fail = ["$e->count() !== $n", ...unset.map((p) => `${p.local} === null`)];
  if (`${I2}if (${fail.join(" || ")}) {`.length <= 120) {
    file.add(`${I2}if (${fail.join(" || ")}) {`, `${I3}return null;`, `${I2}}`);
  } else {
    file.add(
      `${I2}if (`,
      ...fail.map((c, i) => `${I3}${i === 0 ? "" : "|| "}${c}`),
      `${I2}) {`,
      `${I3}return null;`,
      `${I2}}`,
    );
  }
  const args = props.map((p) => `${p.name}: ${p.local}`);
  if (checks.length > 0) {
    file.add(
      `${I2}try {`,
      ...callLines(`${I3}return new self`, args, ";"),
      `${I2}} catch (${decodeException} $x) {`,
      `${I3}foreach ($x->errors() as $err) {`,
      `${I4}$e->addText($p . substr($err->path, 1), $err->code, $err->expected, $err->found);`,
      `${I3}}`,
      `${I3}return null;`,
      `${I2}}`,
    );
  } else {
    file.add(...callLines(`${I2}return new self`, args, ";"));
  }
  file.add(`${I1}}`);

  // jsonSerialize / toJson.
  file.add(
    "",
    ...docComment(
      proto
        ? "Canonical ProtoJSON: defaults omitted, 64-bit integers as strings, enums by name, empty as {}."
        : "The JSON wire form of the schema; empty objects as {}.",
      I1,
    ),
    `${I1}public function jsonSerialize(): mixed`,
    `${I1}{`,
  );
  const hasKeys =
    decl.fields.some((f) => f.oneof === undefined && propOfField.get(f)?.type !== undefined) ||
    decl.oneofs.some((o) => oneofProp.has(o.name) && o.fields.length > 0);
  if (hasKeys) file.add(`${I2}$o = [];`);
  /** Whether a key is always written (then `$o` is never empty and needs no `{}` fallback). */
  let alwaysSet = false;
  for (const f of decl.fields) {
    if (f.oneof !== undefined) continue;
    const p = propOfField.get(f);
    if (p?.type === undefined) continue;
    const x = `$this->${p.name}`;
    const key = `$o[${phpString(f.jsonName)}]`;
    if (proto) {
      const cond = p.nullable ? `${x} !== null` : p.type.notZero ? p.type.notZero(x) : undefined;
      if (cond !== undefined) file.add(`${I2}if (${cond}) {`, `${I3}${key} = ${p.type.encode(x)};`, `${I2}}`);
      else file.add(`${I2}${key} = ${p.type.encode(x)};`);
      alwaysSet ||= cond === undefined;
    } else if (f.presence === "required") {
      file.add(`${I2}${key} = ${p.type.encode(x)};`);
      alwaysSet = true;
    } else {
      file.add(`${I2}if (${x} !== null) {`, `${I3}${key} = ${p.type.encode(x)};`, `${I2}}`);
    }
  }
  for (const o of decl.oneofs) {
    const p = oneofProp.get(o.name);
    if (!p) continue;
    const classes = ctx.oneofClasses(decl.fullName, o);
    o.fields.forEach((name, i) => {
      const f = fieldByName.get(name);
      const member = classes.members.get(name);
      if (!f || !member) return;
      const local = file.use(member.fqcn);
      const t = types.of(f.type);
      file.add(
        `${I2}${i === 0 ? "if" : "} elseif"} ($this->${p.name} instanceof ${local}) {`,
        `${I3}$o[${phpString(f.jsonName)}] = ${t.encode(`$this->${p.name}->value`)};`,
      );
    });
    if (o.fields.length > 0) file.add(`${I2}}`);
  }
  const numericKey = decl.fields.some((f) => /^(0|-?[1-9][0-9]*)$/.test(f.jsonName));
  const result = numericKey ? "(object) $o" : "$o";
  const empty = "new \\stdClass()";
  if (extra) {
    // Declared properties win over a kept one of the same name (there is none after fromJson).
    file.add(
      ...(hasKeys ? [] : [`${I2}$o = [];`]),
      `${I2}foreach ($this->${extra.name} as $k => $x) {`,
      `${I3}if (!\\array_key_exists($k, $o)) {`,
      `${I4}$o[$k] = $x;`,
      `${I3}}`,
      `${I2}}`,
      `${I2}return (object) $o;`,
      `${I1}}`,
    );
  } else {
    file.add(
      `${I2}return ${!hasKeys ? empty : alwaysSet ? result : `$o === [] ? ${empty} : ${result}`};`,
      `${I1}}`,
    );
  }
  file.add(
    "",
    ...docComment("The JSON text of {@see jsonSerialize()}.", I1),
    `${I1}public function toJson(): string`,
    `${I1}{`,
    `${I2}return \\json_encode($this, ${write}::FLAGS);`,
    `${I1}}`,
    "}",
  );
  out.unshift(file.toGeneratedFile());
  return out;
}

/**
 * `lhs = expr;`, split before `?` and `:` when too long for PSR-12's 120 columns. Only the fast-path
 * ternaries the type mapper writes are split (`cond ? $x : slow` and `$x === null ? null : …`); the
 * condition never holds contract text, so the split point cannot fall inside a quoted name.
 */
function assignLines(indent: string, lhs: string, expr: string): string[] {
  const one = `${indent}${lhs} = ${expr};`;
  if (one.length <= 116) return [one];
  const m = /^(.*?) \? (\$x|null) : (.*)$/s.exec(expr);
  if (!m) return [one];
  const last = `${indent}${INDENT}: ${m[3]};`;
  // A nested fast-path ternary (`(\\is_int($x) && … ? $x : Read::…)`) on lines of its own when long.
  const n = last.length > 116 ? /^\((.*?) \? \$x : (.*)\)$/s.exec(m[3] as string) : null;
  if (!n) return [`${indent}${lhs} = ${m[1]}`, `${indent}${INDENT}? ${m[2]}`, last];
  return [
    `${indent}${lhs} = ${m[1]}`,
    `${indent}${INDENT}? ${m[2]}`,
    `${indent}${INDENT}: (${n[1]}`,
    `${indent}${INDENT}${INDENT}? $x`,
    `${indent}${INDENT}${INDENT}: ${n[2]});`,
  ];
}

/** The JSON keys a decoder accepts for `f`: the JSON name, and for proto also the field name. */
function keysOf(f: FieldDecl, proto = true): string[] {
  return proto && f.name !== f.jsonName ? [f.name, f.jsonName] : [f.jsonName];
}

function nullableType(php: string): string {
  if (php === "mixed" || php.split("|").includes("null")) return php;
  return php.includes("|") ? `${php}|null` : `?${php}`;
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/).find((l) => l.trim() !== "") ?? "").trim();
}

/** Whether the decoder of `f`'s type returns null on error (messages and unions). */
function isClass(f: FieldDecl, ctx: PhpContext): boolean {
  if (f.type.kind === "union") return true;
  if (f.type.kind !== "message") return false;
  const d = ctx.model.decls.get(f.type.ref);
  return !(d?.kind === "message" && d.wellKnown !== undefined);
}

/** The interface of oneof `o` and one final class per member, each wrapping the member's value. */
function emitOneof(ctx: DtoContext, decl: MessageDecl, o: OneofDecl, classes: OneofClasses): GeneratedFile[] {
  const sources = [ctx.sourceOf(decl.fullName) ?? decl.location.file];
  const out: GeneratedFile[] = [];
  const iface = ctx.newFile(classes.iface, sources);
  const byName = new Map(decl.fields.map((f) => [f.name, f]));
  const members = o.fields.map((n) => byName.get(n)).filter((f): f is FieldDecl => f !== undefined);
  iface.add(
    ...docComment(o.doc, "", [
      `Oneof "${o.name}" of ${decl.fullName}: at most one of ${members.map((f) => f.name).join(", ")} is set.`,
      "Each member is a final class implementing this interface; its value is in `->value`.",
    ]),
    `interface ${classes.iface.name}`,
    "{",
    "}",
  );
  out.push(iface.toGeneratedFile());
  for (const f of members) {
    const ref = classes.members.get(f.name);
    if (!ref) continue;
    const file = ctx.newFile(ref, sources);
    const t = new PhpTypes(ctx, file).of(f.type);
    const implemented = file.use(classes.iface.fqcn);
    const declared = t.acceptsNull ? nullableType(t.php) : t.php;
    const tags = t.doc !== t.php ? [`@param ${t.doc} $value`] : [];
    file.add(
      ...docComment(f.doc, "", [`Member "${f.name}" of oneof "${o.name}" of ${decl.fullName}.`]),
      `final class ${ref.name} implements ${implemented}`,
      "{",
      ...docComment("", I1, tags),
      `${I1}public function __construct(public readonly ${declared} $value)`,
      `${I1}{`,
      `${I1}}`,
      "}",
    );
    out.push(file.toGeneratedFile());
  }
  return out;
}

export type { PhpFile };
