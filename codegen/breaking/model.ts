/**
 * The finding model shared by the proto (buf) and JSON Schema checkers: one shape, one report, four
 * output formats.
 */

/** Who reads a schema: the server (request), clients (response, event, error detail), or both. */
export type Direction = "request" | "response" | "both";

/** Whether a finding fails the check (`error`) or is only reported (`warning`). */
export type Severity = "error" | "warning";

/**
 * What a change does to the set of accepted values. `narrows`: the new schema rejects values the old
 * accepted (breaks readers of requests); `widens`: it accepts values the old rejected (breaks old readers
 * of responses); `changes`: both at once (or incomparable).
 */
export type Effect = "narrows" | "widens" | "changes";

/** One breaking (or suspicious) change. */
export interface BreakingFinding {
  /** Which checker found it. */
  readonly kind: "proto" | "jsonschema";
  /** Stable rule id: buf's id for proto (`FIELD_SAME_JSON_NAME`), ours for JSON Schema (docs/breaking-rules.md). */
  readonly rule: string;
  readonly severity: Severity;
  /** Direction the schema is checked in; proto findings are always `both`. */
  readonly direction: Direction;
  readonly message: string;
  /** File path relative to the project root (the new file, or the old one when it was deleted). */
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** JSON pointer inside `file` (JSON Schema). */
  readonly pointer?: string;
  /**
   * Set when the checker could not decide the change exactly (regular expressions, `oneOf` overlap,
   * `if` conditions) and assumed the worst: the reason. Such a finding is "possibly breaking" and
   * still fails the check, so that no undecided change loses data silently.
   */
  readonly possibly?: string;
  /** The ref this finding was found against, when a run checks several (`--against` twice, `--against-tags`). */
  readonly against?: string;
}

/** A finding that an ignore suppressed, with the ignore that did it. */
export interface IgnoredFinding {
  readonly finding: BreakingFinding;
  /** Where the ignore is written: `contractgen.config.json#/breaking/ignore/0` or `file#/pointer`. */
  readonly ignoredBy: string;
  readonly reason?: string;
}

/** Result of {@link checkBreaking}. */
export interface BreakingReport {
  /** The `--against` value as given; with several refs, all of them joined by ", ". */
  readonly against: string;
  /** The refs checked, in order, when there were several (each finding names its own). */
  readonly targets?: readonly string[];
  /** Findings not suppressed, sorted by file, line, pointer, rule. */
  readonly findings: readonly BreakingFinding[];
  /** Suppressed findings, listed so that nothing is hidden. */
  readonly ignored: readonly IgnoredFinding[];
  /** Whether any unsuppressed finding has severity `error` (the CLI then exits 1). */
  readonly breaking: boolean;
}

/** Stable codes of {@link BreakingError}. */
export type BreakingErrorCode = "bad_ref" | "shallow_clone" | "git_failed" | "bad_against" | "bad_option";

/** A problem with the input of a breaking check (not a breaking change): the CLI exits 2. */
export class BreakingError extends Error {
  override readonly name = "BreakingError";
  readonly code: BreakingErrorCode;
  constructor(code: BreakingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Whether `e` is a {@link BreakingError} (also across package copies). */
export function isBreakingError(e: unknown): e is BreakingError {
  return e instanceof BreakingError || (e instanceof Error && e.name === "BreakingError" && "code" in e);
}

/** Whether a change with `effect` breaks a schema read in `direction`. */
export function breaksIn(effect: Effect, direction: Direction): boolean {
  if (effect === "changes" || direction === "both") return true;
  return direction === "request" ? effect === "narrows" : effect === "widens";
}

/** Combines two effects of one change. */
export function combineEffects(a: Effect | undefined, b: Effect | undefined): Effect | undefined {
  if (a === undefined) return b;
  if (b === undefined || a === b) return a;
  return "changes";
}

/** Union of two directions. */
export function joinDirections(a: Direction | undefined, b: Direction): Direction {
  if (a === undefined || a === b) return b;
  return "both";
}
