/**
 * JSON Schema constraints (string length, pattern, format, numeric bounds, multipleOf, array size and
 * uniqueness, map size, const) as PHP statements run in a DTO's constructor. Violations go to the
 * constructor's `$e` collector with the property's JSON path.
 */
import type { Constraints, FieldDecl, ValueType } from "../../codegen/model/types.js";
import type { PhpContext } from "../context.js";
import { callLines, INDENT, type PhpFile, phpLiteral, phpString } from "../printer.js";

/** A PCRE literal for an ECMA-262 `pattern` (delimiter `/`, unescaped slashes escaped, UTF-8 mode). */
export function pcre(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? "";
    if (c === "\\") {
      out += c + (pattern[i + 1] ?? "");
      i++;
    } else if (c === "/") {
      out += "\\/";
    } else {
      out += c;
    }
  }
  return `/${out}/u`;
}

/**
 * Statements checking every constrained property. In the constructor (`decode` undefined) they read
 * `$this-><name>` at path `$.<json>`; in a decoder they read the local `<local>` at `$p . '.<json>'`, only
 * when that property decoded without error (`$ok<n>`), so type errors and constraint errors of one
 * object are reported together. `nullable`: the property (or the decoder's local) may be null.
 */
export function constraintChecks(
  file: PhpFile,
  ctx: PhpContext,
  props: readonly { name: string; field: FieldDecl; local?: string; nullable?: boolean }[],
  decode = false,
): string[] {
  const lines: string[] = [];
  for (const { name, field, local, nullable } of props) {
    const x = decode && local !== undefined ? local : `$this->${name}`;
    const path = decode ? `$p . ${phpString(`.${field.jsonName}`)}` : phpString(`$.${field.jsonName}`);
    const body = valueChecks(CHECK, field.type, x, path, 0);
    if (body.length === 0) continue;
    // A decoded local is checked only when it decoded without error; a local that starts as null (an
    // optional property) is then set, which the null test tells PHPStan. A property is checked only
    // when it may be null (an optional one without a default). A nullable type's checks test for null
    // themselves.
    const nullTest = nullable === true && field.type.kind !== "nullable" ? `${x} !== null` : undefined;
    const guard =
      decode && local !== undefined
        ? [`$ok${local.slice(2)}`, ...(nullTest !== undefined ? [nullTest] : [])].join(" && ")
        : nullTest;
    if (guard !== undefined) lines.push(`if (${guard}) {`, ...body.map((l) => INDENT + l), "}");
    else lines.push(...body);
  }
  return withCheck(file, ctx, lines);
}

/** Whether a property of this type has constraint checks (so its decoder tracks `$ok<n>`). */
export function hasConstraintChecks(field: FieldDecl): boolean {
  return valueChecks(CHECK, field.type, "$x", "''", 0).length > 0;
}

/** Placeholder for the runtime's Check class: imported only when a check is written. */
const CHECK = "\0CHECK\0";

function withCheck(file: PhpFile, ctx: PhpContext, lines: string[]): string[] {
  if (lines.length === 0) return lines;
  const check = file.use(`${ctx.runtimeNamespace}\\Json\\Check`);
  return lines.map((l) => l.split(CHECK).join(check));
}

/**
 * Range checks for proto integer fields whose PHP type is wider than the wire type (`int` for int32 and
 * uint32, `int|string` for uint64), so a constructed DTO can never print invalid ProtoJSON.
 */
export function protoRangeChecks(
  file: PhpFile,
  ctx: PhpContext,
  props: readonly { name: string; field: FieldDecl; nullable: boolean }[],
): string[] {
  const lines: string[] = [];
  for (const { name, field, nullable } of props) {
    const x = `$this->${name}`;
    const path = phpString(`$.${field.jsonName}`);
    if (field.type.kind === "enum") {
      // An open enum field holds a case or an int; the int must be an enum number (int32).
      const decl = ctx.model.decls.get(field.type.ref);
      if (decl?.kind === "enum" && decl.source === "proto" && decl.open) {
        lines.push(
          `if (\\is_int(${x})) {`,
          `${INDENT}${CHECK}::range(${x}, ${path}, $e, -2147483648, 2147483647);`,
          "}",
        );
      }
      continue;
    }
    if (field.type.kind !== "scalar") continue;
    let line: string | undefined;
    switch (field.type.scalar) {
      case "int32":
      case "sint32":
      case "sfixed32":
        line = `${CHECK}::range(${x}, ${path}, $e, -2147483648, 2147483647);`;
        break;
      case "uint32":
      case "fixed32":
        line = `${CHECK}::range(${x}, ${path}, $e, 0, 4294967295);`;
        break;
      case "uint64":
      case "fixed64":
        line = `${CHECK}::uint64(${x}, ${path}, $e);`;
        break;
      default:
        break;
    }
    if (line === undefined) continue;
    if (nullable) lines.push(`if (${x} !== null) {`, INDENT + line, "}");
    else lines.push(line);
  }
  return withCheck(file, ctx, lines);
}

function valueChecks(check: string, t: ValueType, x: string, path: string, depth: number): string[] {
  switch (t.kind) {
    case "nullable": {
      const inner = valueChecks(check, t.type, x, path, depth);
      return inner.length === 0 ? [] : [`if (${x} !== null) {`, ...inner.map((l) => INDENT + l), "}"];
    }
    case "scalar":
      return scalarChecks(check, t.scalar, t.constraints, x, path);
    case "list": {
      const lines: string[] = [];
      const c = t.constraints;
      if (c && (c.minItems !== undefined || c.maxItems !== undefined || c.uniqueItems === true)) {
        const unique = c.uniqueItems === true ? "true" : "false";
        lines.push(
          ...callLines(
            `${check}::items`,
            [x, path, "$e", num(c.minItems), num(c.maxItems), unique],
            ";",
            100,
          ),
        );
      }
      const i = `$i${depth}`;
      const y = `$y${depth}`;
      const inner = valueChecks(check, t.element, y, `${path} . '[' . ${i} . ']'`, depth + 1);
      if (inner.length > 0)
        lines.push(`foreach (${x} as ${i} => ${y}) {`, ...inner.map((l) => INDENT + l), "}");
      return lines;
    }
    case "map": {
      const lines: string[] = [];
      const c = t.constraints;
      if (c && (c.minProperties !== undefined || c.maxProperties !== undefined)) {
        lines.push(
          ...callLines(
            `${check}::size`,
            [x, path, "$e", num(c.minProperties), num(c.maxProperties)],
            ";",
            100,
          ),
        );
      }
      const i = `$k${depth}`;
      const y = `$y${depth}`;
      const inner = valueChecks(check, t.value, y, `${path} . '.' . ${i}`, depth + 1);
      if (inner.length > 0)
        lines.push(`foreach (${x} as ${i} => ${y}) {`, ...inner.map((l) => INDENT + l), "}");
      return lines;
    }
    default:
      return [];
  }
}

function num(n: number | undefined): string {
  return n === undefined ? "null" : phpLiteral(n);
}

function scalarChecks(
  check: string,
  scalar: string,
  c: Constraints | undefined,
  x: string,
  path: string,
): string[] {
  if (!c) return [];
  const lines: string[] = [];
  if (c.const !== undefined)
    lines.push(...callLines(`${check}::constant`, [x, path, "$e", phpLiteral(c.const)], ";", 100));
  if (scalar === "string") {
    if (
      c.minLength !== undefined ||
      c.maxLength !== undefined ||
      c.pattern !== undefined ||
      c.format !== undefined
    ) {
      lines.push(
        ...callLines(
          `${check}::string`,
          [
            x,
            path,
            "$e",
            num(c.minLength),
            num(c.maxLength),
            c.pattern !== undefined ? phpString(pcre(c.pattern)) : "null",
            c.format !== undefined ? phpString(c.format) : "null",
          ],
          ";",
          100,
        ),
      );
    }
  } else if (
    c.minimum !== undefined ||
    c.maximum !== undefined ||
    c.exclusiveMinimum !== undefined ||
    c.exclusiveMaximum !== undefined ||
    c.multipleOf !== undefined
  ) {
    lines.push(
      ...callLines(
        `${check}::number`,
        [
          x,
          path,
          "$e",
          num(c.minimum),
          num(c.maximum),
          num(c.exclusiveMinimum),
          num(c.exclusiveMaximum),
          num(c.multipleOf),
        ],
        ";",
        100,
      ),
    );
  }
  return lines;
}
