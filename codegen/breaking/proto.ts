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
  const annotations = parseBufAnnotations(stdout).filter((a) => a.type !== undefined && a.path !== "");
  // buf exits 100 when it found breaking changes; anything else (or no annotations) is a failure to run.
  if (result.exitCode !== 100 || annotations.length === 0) {
    const diagnostics = bufDiagnostics(
      `${stdout}\n${result.stderr}`,
      "proto_compile",
      `buf breaking failed (exit ${result.exitCode})`,
    );
    throw new ContractError(
      diagnostics.map((d) =>
        d.location?.file && oldRoot && !d.location.file.startsWith("/")
          ? d
          : { ...d, message: `${d.message} (buf breaking --against ${oldRoot})` },
      ),
    );
  }
  const prefix = relative(projectRoot, newRoot).split(sep).join("/");
  return annotations.map((a) => ({
    kind: "proto" as const,
    rule: a.type ?? "BUF",
    severity: "error" as const,
    direction: "both" as const,
    message: a.message,
    file: prefix === "" ? a.path : `${prefix}/${a.path}`,
    ...(a.start_line ? { line: a.start_line } : {}),
    ...(a.start_column ? { column: a.start_column } : {}),
  }));
}
