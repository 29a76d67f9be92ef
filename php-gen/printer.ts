/**
 * The PHP file printer. A generated PHP file is built line by line; classes from other namespaces are
 * requested with {@link PhpFile.use}, which returns the name to write and records the `use` statement
 * (aliased when the short name is taken). The header — preamble, `declare(strict_types=1)`, namespace,
 * sorted `use` statements — is derived at the end from what was used, in PSR-12 order.
 */
import type { GeneratedFile } from "../codegen/ts/printer.js";
import { packageVersion } from "../codegen/util/package-root.js";

/** A PHP single-quoted string literal. Only `\` and `'` are special inside one; both are escaped. */
export function phpString(value: string): string {
  // Most literals (field names, JSON paths) hold neither: no regex pass for them.
  if (value.indexOf("\\") < 0 && value.indexOf("'") < 0) return `'${value}'`;
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** A PHP literal for a JSON value (`null`, `true`, numbers, strings, arrays). */
export function phpLiteral(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) return String(value);
    if (Number.isNaN(value)) return "\\NAN";
    if (!Number.isFinite(value)) return value > 0 ? "\\INF" : "-\\INF";
    const s = String(value);
    return /[.eE]/.test(s) ? s : `${s}.0`;
  }
  if (typeof value === "string") return phpString(value);
  if (Array.isArray(value)) return `[${value.map(phpLiteral).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `[${entries.map(([k, v]) => `${phpString(k)} => ${phpLiteral(v)}`).join(", ")}]`;
}

/**
 * Makes contract text safe inside a `/** … *\/` doc comment: `*\/` cannot close it (written `*\/`),
 * `?>` cannot leave PHP mode (written `?\>`), and line breaks are normalised.
 */
export function docText(text: string): string[] {
  const lines = text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.replace(/\*\//g, "*\\/").replace(/\?>/g, "?\\>").replace(/\s+$/, ""));
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  while (lines.length > 0 && lines[0] === "") lines.shift();
  return lines;
}

/**
 * A PHP doc comment for contract `text` followed by `tags` (`@param …`, `@var …`), indented by `indent`.
 * Returns no lines when both are empty.
 */
export function docComment(text: string, indent = "", tags: readonly string[] = []): readonly string[] {
  const key = `${indent}\u0000${text}\u0000${tags.join("\u0000")}`;
  const known = docComments.get(key);
  if (known !== undefined) return known;
  const lines = printDocComment(text, indent, tags);
  if (docComments.size >= DOC_COMMENT_CACHE) docComments.clear();
  docComments.set(key, lines);
  return lines;
}

/**
 * {@link docComment} results by their arguments. Most calls repeat a fixed text (the doc of `fromJson`,
 * `decode`, … in every class, the preamble of every file of one contract file); bounded, so a long
 * running process does not keep them all.
 */
const docComments = new Map<string, readonly string[]>();
const DOC_COMMENT_CACHE = 4096;

function printDocComment(text: string, indent: string, tags: readonly string[]): readonly string[] {
  const width = Math.max(60, 116 - indent.length - 3);
  const body = docText(text).flatMap((l) => (l.length > width ? wrapDoc(l, width, "") : [l]));
  const safeTags = tags
    .flatMap((t) => docText(t))
    .flatMap((l) => (l.length > width ? wrapDoc(l, width) : [l]));
  const lines = [...body, ...(body.length > 0 && safeTags.length > 0 ? [""] : []), ...safeTags];
  if (lines.length === 0) return [];
  return [
    `${indent}/**`,
    ...lines.map((l) => (l === "" ? `${indent} *` : `${indent} * ${l}`)),
    `${indent} */`,
  ];
}

/**
 * A call or `new` expression as lines: on one line when it fits in `width` (PSR-12's soft limit is 120),
 * else one argument per line. `head` is everything up to the opening parenthesis (with indentation),
 * `tail` what follows the closing one (`;`).
 */
export function callLines(head: string, args: readonly string[], tail: string, width = 116): string[] {
  const one = `${head}(${args.join(", ")})${tail}`;
  if (one.length <= width || args.length === 0) return [one];
  const indent = (/^\s*/.exec(head)?.[0] ?? "") + INDENT;
  return [`${head}(`, ...args.map((a) => `${indent}${a},`), `${indent.slice(INDENT.length)})${tail}`];
}

/** Wraps a doc-comment tag or sentence to `width` characters; continuation lines start with `continuation`. */
export function wrapDoc(text: string, width = 100, continuation = "  "): string[] {
  const words = text.split(" ");
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line !== "" && line.length + 1 + w.length > width) {
      lines.push(line);
      line = `${continuation}${w}`;
    } else {
      line = line === "" ? w : `${line} ${w}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

let version: string | undefined;
/** contractgen's version, read once (every file's preamble names it). */
function generatorVersion(): string {
  version ??= packageVersion();
  return version;
}

/** One indentation level (PSR-12: four spaces). */
export const INDENT = "    ";

/** Splits a fully qualified class name (`Shop\Order\V1\Order`) into namespace and short name. */
export function splitFqcn(fqcn: string): { namespace: string; name: string } {
  const i = fqcn.lastIndexOf("\\");
  return i < 0 ? { namespace: "", name: fqcn } : { namespace: fqcn.slice(0, i), name: fqcn.slice(i + 1) };
}

/**
 * A PHP file under construction: one class, interface or enum in `namespace`. The file's own short name
 * is reserved first; every other class goes through {@link PhpFile.use}.
 */
export class PhpFile {
  private readonly body: string[] = [];
  /** lower-case local name → FQCN that owns it */
  private readonly locals = new Map<string, string>();
  /** FQCN → local name */
  private readonly uses = new Map<string, string>();

  /**
   * @param path output path, relative to the output folder (`php/src/Shop/Order/V1/Order.php`)
   * @param namespace namespace of the file's declaration
   * @param name short name of the file's declaration
   * @param sources contract files the declaration comes from (named in the preamble)
   */
  constructor(
    readonly path: string,
    readonly namespace: string,
    readonly name: string,
    private readonly sources: readonly string[],
  ) {
    this.locals.set(name.toLowerCase(), namespace === "" ? name : `${namespace}\\${name}`);
  }

  /**
   * The name to write for class `fqcn` in this file: the short name when it is in the file's namespace
   * or imported; aliased (`Money as CommonMoney`, then `Money2`, …) when the short name is taken.
   */
  use(fqcn: string): string {
    const clean = fqcn.charCodeAt(0) === 92 /* \\ */ ? fqcn.slice(1) : fqcn;
    const known = this.uses.get(clean);
    if (known !== undefined) return known;
    const { namespace, name } = splitFqcn(clean);
    if (namespace === this.namespace) {
      const owner = this.locals.get(name.toLowerCase());
      if (owner === undefined || owner === clean) {
        this.locals.set(name.toLowerCase(), clean);
        this.uses.set(clean, name);
        return name;
      }
      // The short name is taken by an import: refer to the same-namespace class with `namespace\`.
      this.uses.set(clean, `namespace\\${name}`);
      return `namespace\\${name}`;
    }
    let local = name;
    if (this.locals.has(local.toLowerCase())) {
      const parent = splitFqcn(namespace).name;
      local = `${parent}${name}`;
      for (let i = 2; this.locals.has(local.toLowerCase()); i++) local = `${parent}${name}${i}`;
    }
    this.locals.set(local.toLowerCase(), clean);
    this.uses.set(clean, local);
    return local;
  }

  /** Appends lines (each already indented by the caller). */
  add(...lines: string[]): void {
    for (const l of lines) this.body.push(l);
  }

  /** The finished file: preamble, `declare`, namespace, sorted imports, body. */
  toGeneratedFile(): GeneratedFile {
    const header: string[] = ["<?php", ""];
    header.push(
      ...docComment("", "", [
        `Generated by contractgen ${generatorVersion()} from ${this.sources.length > 0 ? this.sources.join(", ") : "the contractgen runtime"}.`,
        "DO NOT EDIT: changes are overwritten by `contractgen generate`.",
      ]),
    );
    header.push("", "declare(strict_types=1);", "");
    if (this.namespace !== "") header.push(`namespace ${this.namespace};`, "");
    const imports: string[] = [];
    for (const [fqcn, local] of this.uses) {
      if (local.startsWith("namespace\\")) continue;
      const { namespace, name } = splitFqcn(fqcn);
      if (namespace === this.namespace) continue;
      imports.push(local === name ? `use ${fqcn};` : `use ${fqcn} as ${local};`);
    }
    imports.sort((a, b) =>
      a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0,
    );
    if (imports.length > 0) for (const line of imports) header.push(line);
    if (imports.length > 0) header.push("");
    let end = this.body.length;
    while (end > 0 && this.body[end - 1] === "") end--;
    for (let i = 0; i < end; i++) header.push(this.body[i] as string);
    // One join (with "" last for the final newline) gives a flat string; appending "\n" to the joined
    // text would make a rope that every later reader (hand-over to the writer thread) must flatten.
    header.push("");
    return { path: this.path, content: header.join("\n") };
  }
}
