/** Errors of the contract-test harness itself (exit code 2), as opposed to failing cases (exit code 1). */

/** Stable codes of {@link HarnessError}. */
export type HarnessErrorCode =
  | "config"
  | "not_running"
  | "not_ready"
  | "crashed"
  | "start_failed"
  | "scenario_invalid"
  | "examples_invalid";

/** A problem that stops the run: configuration, an implementation that cannot be reached, bad input files. */
export class HarnessError extends Error {
  override readonly name = "HarnessError";
  readonly code: HarnessErrorCode;
  /** The implementation concerned, or the file (`path#/pointer`) at fault. */
  readonly location: string | undefined;

  constructor(code: HarnessErrorCode, message: string, location?: string, options?: { cause?: unknown }) {
    super(location ? `${location}: ${message}` : message, options);
    this.code = code;
    this.location = location;
  }
}

/** Whether `e` is a {@link HarnessError} (also across package copies). */
export function isHarnessError(e: unknown): e is HarnessError {
  return e instanceof Error && e.name === "HarnessError" && "code" in e;
}
