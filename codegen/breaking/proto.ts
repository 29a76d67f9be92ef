import { relative, sep } from "node:path";
import { ContractError } from "../errors.js";
import { bufDiagnostics } from "../load/proto.js";
import { parseBufAnnotations, runBuf } from "../tools/buf.js";
import type { BreakingFinding } from "./model.js";

/**
 * Runs the real `buf breaking` on the workspace in `newRoot` against the one in `oldRoot`, with the
 * rules of the new `buf.yaml` (`breaking.use`), and maps buf's JSON annotations to findings that keep
 * buf's rule ids. `projectRoot` makes paths project-relative.
 */
export async function checkProtoBreaking(
  newRoot: string,
  oldRoot: string,
  projectRoot: string,
): Promise<BreakingFinding[]> {
  const result = await runBuf(["breaking", "--error-format", "json", "--against", oldRoot], { cwd: newRoot });
  if (result.exitCode === 0) return [];
  const stdout = result.stdout.toString("utf8");
  const all = parseBufAnnotations(`${stdout}\n${result.stderr}`);
  const compile = all.filter((a) => a.type === "COMPILE");
  if (compile.length > 0) {
    // A contract that does not compile (new or old) is bad input, not a breaking change.
    throw new ContractError(
      compile.map((a) => {
        const old = a.path.startsWith("/") || a.path.startsWith(oldRoot);
        const file = old ? a.path : relativeToProject(projectRoot, newRoot, a.path);
        return {
          code: "proto_compile" as const,
          message: `${a.message}${old ? " (in the old contracts)" : ""}`,
          location: {
            file,
            ...(a.start_line ? { line: a.start_line } : {}),
            ...(a.start_column ? { column: a.start_column } : {}),
          },
          rule: "COMPILE",
        };
      }),
    );
  }
  const annotations = all.filter((a) => a.type !== undefined && a.path !== "");
  // buf exits 100 when it found breaking changes; anything else (or no annotations) is a failure to run.
  if (result.exitCode !== 100 || annotations.length === 0) {
    throw new ContractError(
      bufDiagnostics(
        `${stdout}\n${result.stderr}`,
        "tool_failed",
        `buf breaking failed (exit ${result.exitCode}) comparing ${newRoot} with ${oldRoot}`,
      ),
    );
  }
  return annotations.map((a) => ({
    kind: "proto" as const,
    rule: a.type ?? "BUF",
    severity: "error" as const,
    direction: "both" as const,
    message: a.message,
    file: relativeToProject(projectRoot, newRoot, a.path),
    ...(a.start_line ? { line: a.start_line } : {}),
    ...(a.start_column ? { column: a.start_column } : {}),
  }));
}

/** A path buf reports relative to the workspace, made relative to the project root. */
function relativeToProject(projectRoot: string, workspace: string, path: string): string {
  const prefix = relative(projectRoot, workspace).split(sep).join("/");
  return prefix === "" ? path : `${prefix}/${path}`;
}
