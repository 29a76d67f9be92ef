import { pascalCase } from "../codegen/util/names.js";

/**
 * The one safe-identifier function for PHP, and the namespace rule. Every contract name reaches
 * generated PHP through these functions; the rules are documented in docs/php.md ("Names").
 */

/**
 * Words PHP does not accept as a class, interface or enum name (compared case-insensitively): keywords,
 * reserved type names and soft-reserved names. `Empty`, `List`, `Class` and `Function` are among them.
 */
const RESERVED_CLASS = new Set([
  "__halt_compiler",
  "abstract",
  "and",
  "array",
  "as",
  "bool",
  "break",
  "callable",
  "case",
  "catch",
  "class",
  "clone",
  "const",
  "continue",
  "declare",
  "default",
  "die",
  "do",
  "echo",
  "else",
  "elseif",
  "empty",
  "enddeclare",
  "endfor",
  "endforeach",
  "endif",
  "endswitch",
  "endwhile",
  "enum",
  "eval",
  "exit",
  "extends",
  "false",
  "final",
  "finally",
  "float",
  "fn",
  "for",
  "foreach",
  "function",
  "global",
  "goto",
  "if",
  "implements",
  "include",
  "include_once",
  "instanceof",
  "insteadof",
  "int",
  "interface",
  "isset",
  "iterable",
  "list",
  "match",
  "mixed",
  "namespace",
  "never",
  "new",
  "null",
  "numeric",
  "object",
  "or",
  "parent",
  "print",
  "private",
  "protected",
  "public",
  "readonly",
  "require",
  "require_once",
  "resource",
  "return",
  "self",
  "static",
  "string",
  "switch",
  "throw",
  "trait",
  "true",
  "try",
  "unset",
  "use",
  "var",
  "void",
  "while",
  "xor",
  "yield",
]);

/** Variable (and so promoted-property) names PHP forbids or that would shadow what generated code uses. */
const RESERVED_VARIABLE = new Set(["this", "GLOBALS"]);

/** Kinds of PHP identifiers; each has its own reserved set. */
export type PhpIdentifierKind = "class" | "property" | "case" | "constant";

/**
 * A safe PHP identifier for a contract name. Characters outside `[A-Za-z0-9_]` (and non-ASCII) become
 * `_`, a leading digit gets a leading `_`; then a name PHP reserves for that kind of identifier gets the
 * suffix `_`: class names against {@link RESERVED_CLASS} case-insensitively (`class` → `Class_`,
 * `List` → `List_`, `Empty` → `Empty_`), properties against `$this` / `$GLOBALS` (`this` → `this_`),
 * enum cases and class constants against `class` (`class` → `class_`).
 */
export function phpIdentifier(name: string, kind: PhpIdentifierKind): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, "_");
  if (id === "" || /^[0-9]/.test(id)) id = `_${id}`;
  switch (kind) {
    case "class":
      return RESERVED_CLASS.has(id.toLowerCase()) ? `${id}_` : id;
    case "property":
      return RESERVED_VARIABLE.has(id) ? `${id}_` : id;
    case "case":
    case "constant":
      return id.toLowerCase() === "class" ? `${id}_` : id;
  }
}

/**
 * Allocates class names inside PHP namespaces. PHP compares class names case-insensitively, so two
 * contract names that differ only by case (`Foo`, `foo`) would collide: the first one allocated keeps
 * its name, later ones get `_2`, `_3`, … (in allocation order, which follows contract order, so output is
 * deterministic). Lookups are O(1) per name.
 */
export class PhpNameTable {
  private readonly taken = new Map<string, Set<string>>();

  /** Reserves `desired` (made safe with {@link phpIdentifier}) in `namespace`; returns the name granted. */
  allocate(namespace: string, desired: string): string {
    const base = phpIdentifier(desired, "class");
    const key = namespace.toLowerCase();
    let names = this.taken.get(key);
    if (!names) {
      names = new Set();
      this.taken.set(key, names);
    }
    let name = base;
    for (let i = 2; names.has(name.toLowerCase()); i++) name = `${base}_${i}`;
    names.add(name.toLowerCase());
    return name;
  }
}

/**
 * The PHP namespace of a proto package or JSON Schema package: each dot-separated segment in
 * PascalCase with unsafe characters replaced (`shop.order.v1` → `Shop\Order\V1`). An explicit
 * `php_namespace` option wins. A configured prefix (`php.namespace` in contractgen.config.json) is
 * prepended in both cases.
 */
export function phpNamespace(pkg: string, option: string | undefined, prefix: string | undefined): string {
  const own = option !== undefined && option !== "" ? splitNamespace(option) : pkg.split(".").map(segment);
  const pre = prefix !== undefined && prefix !== "" ? splitNamespace(prefix) : [];
  return [...pre, ...own].filter((s) => s !== "").join("\\");
}

function splitNamespace(ns: string): string[] {
  return ns
    .split("\\")
    .filter((s) => s !== "")
    .map((s) => phpIdentifier(s, "class"));
}

function segment(s: string): string {
  return phpIdentifier(pascalCase(s), "class");
}
