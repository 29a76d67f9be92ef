/**
 * Starting `buf build`, the longest step of a run with proto contracts, before the modules that decode
 * its image are loaded. This module needs only Node built-ins: `generate` starts the build first and
 * imports the decoder (@bufbuild/protobuf, the contract model) and the emitters while buf compiles.
 */
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BufResult, runBuf } from "../tools/buf.js";
import type { PhaseTimer } from "./index.js";

/** A `buf build` of one workspace, running or done. */
export interface BufBuild {
  /** Where buf writes the image. */
  readonly imagePath: string;
  /** Settles when buf exits; never rejects for a non-zero exit (see {@link runBuf}). */
  readonly result: Promise<BufResult>;
  /** Waits for buf to exit and removes its temporary folder. Safe to call more than once. */
  dispose(): Promise<void>;
}

/** Starts `buf build` of the workspace in `root` into a temporary folder; `time` gets `buf build`. */
export function startBufBuild(root: string, time: PhaseTimer = async (_phase, fn) => fn()): BufBuild {
  const dir = mkdtempSync(join(tmpdir(), "contractgen-buf-"));
  const imagePath = join(dir, "image.binpb");
  const result = time("buf build", () =>
    runBuf(["build", "--error-format", "json", "-o", imagePath], { cwd: root }),
  );
  // Awaited by the caller; a failure to start buf must not be reported as unhandled meanwhile.
  result.catch(() => undefined);
  let disposed: Promise<void> | undefined;
  return {
    imagePath,
    result,
    dispose() {
      disposed ??= result.catch(() => undefined).then(() => rm(dir, { recursive: true, force: true }));
      return disposed;
    },
  };
}
