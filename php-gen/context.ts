/**
 * What every PHP emitter receives: the model, the PHP name of each declaration (decided once, up front,
 * so emitters never rescan the model), the root namespace, and a factory for printer files. The DTO
 * emitters (php-gen/dto) and the service emitters (php-gen/service) share it.
 */
import type { LoadedContracts } from "../codegen/load/index.js";
import type { ContractModel, Decl, OneofDecl } from "../codegen/model/types.js";
import { PhpNameTable, phpIdentifier, phpNamespace } from "./names.js";
import { PhpFile, splitFqcn } from "./printer.js";

/** Namespace of the PHP runtime copied into the output. */
export const RUNTIME_NAMESPACE = "Contractgen\\Runtime";

/** Folder (relative to the output folder) the PSR-4 tree is written to. */
export const PHP_SRC = "php/src";

/** A PHP class (or interface or enum) the generator writes. */
export interface PhpClassRef {
  /** Fully qualified name without a leading backslash (`Shop\Order\V1\Order`). */
  readonly fqcn: string;
  readonly namespace: string;
  /** Short name (`Order`). */
  readonly name: string;
  /** Output path relative to the output folder (`php/src/Shop/Order/V1/Order.php`). */
  readonly path: string;
}

/** The context of one PHP generation run. */
export interface PhpContext {
  readonly model: ContractModel;
  /** The configured namespace prefix (`php.namespace`), or "" when none. */
  readonly rootNamespace: string;
  /** {@link RUNTIME_NAMESPACE}. */
  readonly runtimeNamespace: string;
  /** The PHP class of a declaration (message, enum, union) by full name; throws for unknown names. */
  classOf(fullName: string): PhpClassRef;
  /** The PHP namespace of a contract package (after `php_namespace` and the prefix). */
  namespaceOf(pkg: string): string;
  /**
   * Reserves a new class name in `namespace` (for service clients, handler interfaces, dispatchers …):
   * `desired` is made safe and de-duplicated case-insensitively against every class already allocated.
   */
  allocateClass(namespace: string, desired: string): PhpClassRef;
  /** A printer file for class `ref`, whose preamble names the contract files `sources`. */
  newFile(ref: PhpClassRef, sources: readonly string[]): PhpFile;
  /** The contract file (path relative to the project) that declares `fullName`, if known. */
  sourceOf(fullName: string): string | undefined;
}

/** The PSR-4 output path of a class. */
export function phpPath(fqcn: string): string {
  return `${PHP_SRC}/${fqcn.split("\\").join("/")}.php`;
}

function ref(namespace: string, name: string): PhpClassRef {
  const fqcn = namespace === "" ? name : `${namespace}\\${name}`;
  return { fqcn, namespace, name, path: phpPath(fqcn) };
}

/**
 * The class of a proto oneof: an interface nested below its message (`PayRequest\Method`), and one
 * final class per member (`PayRequest\Method\Card`).
 */
export interface OneofClasses {
  readonly iface: PhpClassRef;
  /** Member field name → its class. */
  readonly members: ReadonlyMap<string, PhpClassRef>;
}

/** Builds the context: names every declaration once (linear in the model size). */
export function createPhpContext(
  loaded: LoadedContracts,
  options: { namespace?: string },
): PhpContext & { oneofClasses(message: string, oneof: OneofDecl): OneofClasses } {
  const model = loaded.model;
  const prefix = options.namespace ?? "";
  const table = new PhpNameTable();
  const packageOption = new Map<string, string>();
  const sources = new Map<string, string>();
  for (const f of model.files) {
    const opt = f.options["php_namespace"];
    if (opt !== undefined && !packageOption.has(f.package)) packageOption.set(f.package, opt);
    for (const d of f.declarations) sources.set(d, f.path);
  }
  const nsCache = new Map<string, string>();
  const namespaceOf = (pkg: string): string => {
    let ns = nsCache.get(pkg);
    if (ns === undefined) {
      ns = phpNamespace(pkg, packageOption.get(pkg), prefix);
      nsCache.set(pkg, ns);
    }
    return ns;
  };
  const classes = new Map<string, PhpClassRef>();
  // Outer declarations first (typeName without dots), so a nested declaration's namespace is its
  // parent's granted name. Model order is contract order; sorting by depth keeps it stable.
  const decls: Decl[] = [...model.decls.values()].filter(
    (d) =>
      d.kind !== "alias" &&
      !(d.kind === "message" && d.wellKnown !== undefined) &&
      !d.fullName.startsWith("google.protobuf."),
  );
  const depth = (d: Decl): number => d.typeName.split(".").length;
  decls.sort((a, b) => depth(a) - depth(b));
  for (const d of decls) {
    const parts = d.typeName.split(".");
    let namespace = namespaceOf(d.package);
    if (parts.length > 1) {
      const parentName = `${d.package === "" ? "" : `${d.package}.`}${parts.slice(0, -1).join(".")}`;
      const parent = classes.get(parentName);
      namespace = parent ? parent.fqcn : namespace;
    }
    classes.set(d.fullName, ref(namespace, table.allocate(namespace, parts[parts.length - 1] ?? d.name)));
  }
  const oneofs = new Map<string, OneofClasses>();
  // Oneof classes are named right after the declarations, in contract order, so later allocations
  // (service classes) can never take their names.
  for (const d of decls) {
    if (d.kind !== "message") continue;
    const owner = classes.get(d.fullName);
    if (!owner) continue;
    for (const o of d.oneofs) {
      const iface = ref(owner.fqcn, table.allocate(owner.fqcn, studly(pascal(o.name), "Oneof")));
      const members = new Map<string, PhpClassRef>();
      for (const f of o.fields)
        members.set(f, ref(iface.fqcn, table.allocate(iface.fqcn, studly(pascal(f), "Member"))));
      oneofs.set(`${d.fullName}\0${o.name}`, { iface, members });
    }
  }
  const ctx = {
    model,
    rootNamespace: prefix,
    runtimeNamespace: RUNTIME_NAMESPACE,
    classOf(fullName: string): PhpClassRef {
      const c = classes.get(fullName);
      if (!c) throw new Error(`php-gen: no PHP class for ${fullName}`);
      return c;
    },
    namespaceOf,
    allocateClass(namespace: string, desired: string): PhpClassRef {
      return ref(namespace, table.allocate(namespace, desired));
    },
    newFile(r: PhpClassRef, src: readonly string[]): PhpFile {
      return new PhpFile(r.path, r.namespace, r.name, src);
    },
    sourceOf(fullName: string): string | undefined {
      return sources.get(fullName);
    },
    oneofClasses(message: string, oneof: OneofDecl): OneofClasses {
      const c = oneofs.get(`${message}\0${oneof.name}`);
      if (!c) throw new Error(`php-gen: no PHP class for oneof ${message}.${oneof.name}`);
      return c;
    },
  };
  return ctx;
}

/**
 * A oneof class name that PHP reserves (`Self`, `List`, `Class`) gets `suffix` (`SelfMember`,
 * `ListOneof`) instead of the `_` other classes get: these names are made by contractgen, so they can
 * stay StudlyCaps, as PSR-1/PSR-12 want class names.
 */
function studly(name: string, suffix: string): string {
  return name !== "" && phpIdentifier(name, "class") !== name && /^[A-Za-z][A-Za-z0-9]*$/.test(name)
    ? `${name}${suffix}`
    : name;
}

function pascal(name: string): string {
  return name
    .split(/_+/)
    .filter((w) => w !== "")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

export { splitFqcn };
