import type { SourceLocation } from "./model/types.js";

/** Stable codes of errors raised while reading contracts or generating code. */
export type ContractErrorCode =
  | "config"
  | "not_found"
  | "proto_compile"
  | "proto_lint"
  | "schema_parse"
  | "schema_ref"
  | "schema_invalid"
  | "manifest_invalid"
  | "name_conflict"
  | "unsupported"
  | "tool_failed"
  | "generated_invalid";

/**
 * How much a lint finding weighs: an `error` fails `contractgen lint` (exit 1); a `warning` is printed
 * and does not fail it. Warnings are lint rules whose fix would change the wire (renaming a property,
 * an enum value or a service breaks existing clients), so the contract may have a reason to keep them.
 */
export type DiagnosticSeverity = "error" | "warning";

/** One problem in a contract, with where it is and what was expected. */
export interface Diagnostic {
  readonly code: ContractErrorCode;
  readonly message: string;
  readonly location?: SourceLocation;
  /** A lint rule or check id (buf's rule id, or ours). */
  readonly rule?: string;
  /** Absent means `error`: every problem outside lint's warning rules is one. */
  readonly severity?: DiagnosticSeverity;
}

/** Whether `d` fails a run: an error, or a diagnostic without a severity. */
export function isErrorDiagnostic(d: Diagnostic): boolean {
  return d.severity !== "warning";
}

/**
 * An error that carries one or more diagnostics. The CLI prints each diagnostic as
 * `file:line:column: message` (proto) or `file#/json/pointer: message` (JSON Schema).
 */
export class ContractError extends Error {
  override readonly name = "ContractError";
  readonly code: ContractErrorCode;
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[] | Diagnostic, options?: { cause?: unknown }) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics as Diagnostic];
    const first = list[0];
    super(
      list.length === 1 && first
        ? formatDiagnostic(first)
        : `${list.length} problems:\n${list.map(formatDiagnostic).join("\n")}`,
      options,
    );
    this.code = first?.code ?? "config";
    this.diagnostics = list;
  }
}

/** Whether `e` is a ContractError (also across package copies). */
export function isContractError(e: unknown): e is ContractError {
  return (
    e instanceof ContractError || (e instanceof Error && e.name === "ContractError" && "diagnostics" in e)
  );
}

/** `file:line:col: message`, `file#/pointer: message` or just the message. */
export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return "";
  let s = loc.file;
  if (loc.line !== undefined) {
    s += `:${loc.line}`;
    if (loc.column !== undefined) s += `:${loc.column}`;
  }
  if (loc.pointer !== undefined) s += `#${loc.pointer}`;
  return s;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = formatLocation(d.location);
  const rule = d.rule ? ` (${d.rule})` : "";
  return where ? `${where}: ${d.message}${rule}` : `${d.message}${rule}`;
}
