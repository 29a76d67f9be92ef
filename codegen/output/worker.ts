/**
 * A writer thread of the output folder (started by codegen/output/index.ts, which gives each thread
 * whole folders).
 *
 * Why a thread: creating thousands of small files is kernel time (0.05–0.4 ms a file on ext4, the most
 * right after many files were deleted), and it is the largest part of a big generation run. On a writer
 * thread it runs while the main thread builds the model and emits code, instead of after it (how many
 * threads: codegen/output/index.ts, `WRITERS`). Synchronous calls here are
 * deliberate: one `writeFileSync` is a single open/write/close without a round trip through an event
 * loop, and this thread has nothing else to do (measured: 6,000 files, ~1.0 s synchronously against
 * ~2.5 s with fs.promises and 1–64 writes in flight).
 *
 * Imports only `node:` modules, so the same file runs from `dist/` and, in tests, from the TypeScript
 * source (Node strips the types).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type MessagePort, parentPort, workerData } from "node:worker_threads";

/** What a thread is started with (`workerData`). */
export interface WriterSetup {
  /** Absolute output folder. */
  readonly out: string;
  /** Compare only; write nothing. */
  readonly check: boolean;
  /** The folder did not exist when the run started: no file needs to be read for comparison. */
  readonly fresh: boolean;
  /**
   * Where written batches' buffers go back to the main thread, which polls it synchronously while it
   * generates (`receiveMessageOnPort`): its event loop does not run until generation is done.
   */
  readonly returns: MessagePort;
}

/** A message to a thread: files to write, or the end of the run. */
export type WriterRequest =
  | {
      readonly kind: "files";
      /** Output paths, relative to the output folder. */
      readonly paths: readonly string[];
      /** Where each file ends in `bytes` (the first starts at 0, each next one where the previous ends). */
      readonly ends: readonly number[];
      /** The files' UTF-8 contents, back to back, at the start of a transferred buffer (given back). */
      readonly bytes: Uint8Array<ArrayBuffer>;
    }
  | { readonly kind: "finish" };

/** An error of a thread, as plain data (the main thread rebuilds an Error from it). */
export interface WriterFailure {
  readonly message: string;
  readonly code?: string;
  readonly path?: string;
  readonly stack?: string;
}

/** A thread's one answer, sent after "finish" (or at its first failure). */
export type WriterReply =
  | {
      readonly kind: "done";
      readonly written: number;
      readonly unchanged: number;
      /** Paths whose content differed from the disk (or were missing), in the order they came. */
      readonly changed: readonly string[];
    }
  | { readonly kind: "failed"; readonly error: WriterFailure };

function failure(e: unknown): WriterFailure {
  const err = e as NodeJS.ErrnoException;
  return {
    message: err instanceof Error ? err.message : String(e),
    ...(typeof err.code === "string" ? { code: err.code } : {}),
    ...(typeof err.path === "string" ? { path: err.path } : {}),
    ...(typeof err.stack === "string" ? { stack: err.stack } : {}),
  };
}

/** Writes what the main thread sends; see the module comment. */
function serve(setup: WriterSetup): void {
  const port = parentPort;
  if (!port) throw new Error("internal: codegen/output/worker.ts runs only as a worker thread");
  const { out, check, fresh } = setup;
  /**
   * Folders seen so far → the names in them when first seen (undefined: the folder was missing, and
   * is created unless checking). Only files that were there are read for comparison: generating into
   * an empty or partly new folder costs no failed open and thrown error per file. Each folder belongs
   * to one thread, so no other thread adds files to it meanwhile.
   */
  const folders = new Map<string, ReadonlySet<string> | undefined>();
  const namesIn = (folder: string): ReadonlySet<string> | undefined => {
    if (folders.has(folder)) return folders.get(folder);
    let names: ReadonlySet<string> | undefined;
    if (!fresh) {
      try {
        names = new Set(readdirSync(folder));
      } catch {
        // missing, or not a folder: then mkdirSync below fails with the error to report
      }
    }
    if (names === undefined && !check) mkdirSync(folder, { recursive: true });
    folders.set(folder, names);
    return names;
  };
  const changed: string[] = [];
  let written = 0;
  let unchanged = 0;
  let failed = false;

  const writeOne = (path: string, content: Uint8Array): void => {
    const target = join(out, path);
    if (namesIn(dirname(target))?.has(basename(target))) {
      let current: Buffer | undefined;
      try {
        current = readFileSync(target);
      } catch {
        current = undefined;
      }
      if (current?.equals(content)) {
        unchanged++;
        return;
      }
    }
    changed.push(path);
    if (check) return;
    writeFileSync(target, content);
    written++;
  };

  port.on("message", (request: WriterRequest) => {
    if (failed) return;
    try {
      if (request.kind === "files") {
        const { paths, ends, bytes } = request;
        let start = 0;
        paths.forEach((path, i) => {
          const end = ends[i] ?? start;
          writeOne(path, bytes.subarray(start, end));
          start = end;
        });
        // The buffer goes back to the main thread's pool for the next batch.
        setup.returns.postMessage(bytes.buffer, [bytes.buffer]);
      } else {
        port.postMessage({ kind: "done", written, unchanged, changed } satisfies WriterReply);
      }
    } catch (e) {
      failed = true;
      port.postMessage({ kind: "failed", error: failure(e) } satisfies WriterReply);
    }
  });
}

serve(workerData as WriterSetup);
