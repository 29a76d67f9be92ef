import { ContractError, type Diagnostic } from "../errors.js";
import { compareStrings } from "../util/names.js";
import type { ContractFile, ContractModel, Decl, ServiceDecl, ValueType } from "./types.js";

/** The parts one loader contributes. */
export interface ModelParts {
  readonly files: readonly ContractFile[];
  readonly decls: readonly Decl[];
  readonly services: readonly ServiceDecl[];
}

/**
 * Merges the loaders' output into one model: lookup tables built once, files sorted by path, and every
 * reference checked to resolve (a dangling one is a loader bug or a name clash between the two kinds).
 */
export function buildModel(parts: readonly ModelParts[]): ContractModel {
  const diagnostics: Diagnostic[] = [];
  const decls = new Map<string, Decl>();
  const services = new Map<string, ServiceDecl>();
  const files: ContractFile[] = [];
  for (const part of parts) {
    files.push(...part.files);
    for (const decl of part.decls) {
      const previous = decls.get(decl.fullName);
      if (previous) {
        diagnostics.push({
          code: "name_conflict",
          message: `${decl.fullName} is declared twice: here and at ${previous.location.file}`,
          location: decl.location,
        });
        continue;
      }
      decls.set(decl.fullName, decl);
    }
    for (const service of part.services) {
      const previous = services.get(service.fullName);
      if (previous) {
        diagnostics.push({
          code: "name_conflict",
          message: `service ${service.fullName} is declared twice: here and at ${previous.location.file}`,
          location: service.location,
        });
        continue;
      }
      services.set(service.fullName, service);
    }
  }
  const check = (type: ValueType, where: Decl): void => {
    switch (type.kind) {
      case "enum":
      case "message":
      case "union":
        if (!decls.has(type.ref)) {
          diagnostics.push({
            code: "schema_ref",
            message: `${where.fullName} refers to ${type.ref}, which is not declared`,
            location: where.location,
          });
        }
        return;
      case "list":
        check(type.element, where);
        return;
      case "map":
        check(type.value, where);
        return;
      case "nullable":
        check(type.type, where);
        return;
      default:
        return;
    }
  };
  for (const decl of decls.values()) {
    if (decl.kind === "message") {
      for (const f of decl.fields) check(f.type, decl);
      if (decl.additional) check(decl.additional, decl);
    } else if (decl.kind === "union") {
      for (const m of decl.members) check(m.type, decl);
    } else if (decl.kind === "alias") {
      check(decl.type, decl);
    }
  }
  if (diagnostics.length > 0) throw new ContractError(diagnostics);
  files.sort((a, b) => compareStrings(a.path, b.path));
  return { files, decls, services };
}

/** Looks up a declaration that the model guarantees to exist. */
export function declOf(model: ContractModel, fullName: string): Decl {
  const decl = model.decls.get(fullName);
  if (!decl) throw new Error(`internal: ${fullName} is not in the contract model`);
  return decl;
}
