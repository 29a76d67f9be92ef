import { packageVersion } from "../util/package-root.js";

/** A generated file: path relative to the output folder, and its content. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

/** TypeScript and JavaScript reserved words and globals a generated top-level name must not take. */
const RESERVED = new Set([
  // keywords
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "null",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "as",
  "implements",
  "interface",
  "let",
  "package",
  "private",
  "protected",
  "public",
  "static",
  "yield",
  "any",
  "boolean",
  "constructor",
  "declare",
  "get",
  "module",
  "require",
  "number",
  "set",
  "string",
  "symbol",
  "type",
  "from",
  "of",
  "await",
  "async",
  "never",
  "unknown",
  "object",
  "bigint",
  "undefined",
  "keyof",
  "readonly",
  "infer",
  "is",
  "asserts",
  "namespace",
  "abstract",
  "satisfies",
  "accessor",
  "out",
  "override",
  // globals whose shadowing breaks code that uses them
  "globalThis",
  "Object",
  "Array",
  "String",
  "Number",
  "Boolean",
  "Symbol",
  "BigInt",
  "Function",
  "Promise",
  "Error",
  "Date",
  "Map",
  "Set",
  "JSON",
  "Math",
  "Record",
  "Partial",
  "Uint8Array",
  "Exclude",
  "Extract",
  "Readonly",
  "Required",
  "Pick",
  "Omit",
]);

/**
 * A safe TypeScript identifier for a contract name: characters outside `[A-Za-z0-9_$]` become `_`, a
 * leading digit gets `_`, and a reserved word or global gets the suffix `$` (documented in docs/naming.md).
 */
export function safeIdentifier(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_$]/g, "_");
  if (id === "" || /^[0-9]/.test(id)) id = `_${id}`;
  return RESERVED.has(id) ? `${id}$` : id;
}

/** A property key: bare when it is an identifier (but never `__proto__`), quoted otherwise. */
export function propertyKey(name: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && name !== "__proto__") return name;
  return stringLiteral(name);
}

/** A double-quoted string literal; every character that could end or escape it is escaped. */
export function stringLiteral(value: string): string {
  return JSON.stringify(value)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * A JSDoc block for `text` at `indent`. `*\/` cannot close the comment early: it is written `*\u002F`.
 * Returns no lines for empty text.
 */
export function docComment(text: string, indent = "", extra: readonly string[] = []): string[] {
  const body = text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.replace(/\*\//g, "*\\/"));
  while (body.length > 0 && body[body.length - 1]?.trim() === "") body.pop();
  const text_ = body.length > 0 && body.join("").trim() !== "" ? body : [];
  const lines = [...text_, ...(text_.length > 0 && extra.length > 0 ? [""] : []), ...extra];
  if (lines.length === 0) return [];
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [
    `${indent}/**`,
    ...lines.map((l) => (l === "" ? `${indent} *` : `${indent} * ${l}`)),
    `${indent} */`,
  ];
}

interface ImportEntry {
  readonly name: string;
  readonly from: string;
  local: string;
  typeOnly: boolean;
}

/**
 * A TypeScript file under construction. Code is added line by line; symbols from other modules are
 * requested with {@link TsFile.import}, which returns the local name to use (aliased on a clash with
 * a name the file declares or another import). Imports are written at the end, from what was used.
 */
export class TsFile {
  private readonly lines: string[] = [];
  private readonly imports = new Map<string, ImportEntry>();
  private readonly taken = new Set<string>();

  constructor(
    readonly path: string,
    private readonly sources: readonly string[],
  ) {}

  /** Reserves names the file declares itself, so imports never take them. Call before importing. */
  declare(...names: string[]): void {
    for (const n of names) this.taken.add(n);
  }

  /** The local name for `name` exported by module `from`. */
  import(name: string, from: string, options: { type?: boolean } = {}): string {
    const key = `${from}\0${name}`;
    const existing = this.imports.get(key);
    if (existing) {
      if (!options.type) existing.typeOnly = false;
      return existing.local;
    }
    let local = name;
    for (let i = 1; this.taken.has(local) || RESERVED.has(local); i++) local = `${name}$${i}`;
    this.taken.add(local);
    this.imports.set(key, { name, from, local, typeOnly: options.type === true });
    return local;
  }

  /** Appends lines (each string may hold several). */
  print(...lines: string[]): void {
    for (const l of lines) this.lines.push(l);
  }

  toFile(): GeneratedFile {
    const byModule = new Map<string, ImportEntry[]>();
    for (const entry of this.imports.values()) {
      const list = byModule.get(entry.from) ?? [];
      list.push(entry);
      byModule.set(entry.from, list);
    }
    const importLines: string[] = [];
    for (const from of [...byModule.keys()].sort()) {
      const entries = (byModule.get(from) ?? []).sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
      const allTypes = entries.every((e) => e.typeOnly);
      const specs = entries.map((e) => {
        const spec = e.local === e.name ? e.name : `${e.name} as ${e.local}`;
        return !allTypes && e.typeOnly ? `type ${spec}` : spec;
      });
      importLines.push(
        `import ${allTypes ? "type " : ""}{ ${specs.join(", ")} } from ${stringLiteral(from)};`,
      );
    }
    const content = [
      ...preamble(this.sources, "//"),
      ...(importLines.length > 0 ? ["", ...importLines] : []),
      "",
      ...this.lines,
    ].join("\n");
    return { path: this.path, content: `${content.replace(/\n+$/, "")}\n` };
  }
}

/** The header of every generated file: generator, version, sources, and "do not edit". */
export function preamble(sources: readonly string[], comment: "//" | "#"): string[] {
  return [
    `${comment} Code generated by contractgen v${packageVersion()}. DO NOT EDIT.`,
    ...sources.map((s) => `${comment} source: ${s.replace(/[\r\n]/g, " ")}`),
  ];
}

/** Relative module specifier from one generated file to another (`./x.js`, `../a/b.js`). */
export function relativeImport(fromFile: string, toFile: string): string {
  const from = fromFile.split("/").slice(0, -1);
  const to = toFile.split("/");
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
  const up = from.length - i;
  const rest = to.slice(i).join("/").replace(/\.ts$/, ".js");
  return up === 0 ? `./${rest}` : `${"../".repeat(up)}${rest}`;
}
