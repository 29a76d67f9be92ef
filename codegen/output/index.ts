/**
 * The output folder of `generate`: generated files are handed over as they are produced and written on
 * writer threads (codegen/output/worker.ts) while generation goes on. Files whose content is unchanged
 * are not rewritten; in a folder contractgen owns (it holds the marker file), files the run did not
 * produce are removed.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { GeneratedFile } from "../ts/printer.js";
import { compareStrings } from "../util/names.js";
import type { WriterReply, WriterRequest, WriterSetup } from "./worker.js";

/** Marker file that makes an output folder contractgen's, so stale files in it may be removed. */
export const MARKER = ".contractgen";

const MARKER_TEXT = "This folder is written by contractgen generate; files in it are replaced.\n";

/**
 * Writer threads. Two write thousands of new files ~20% faster than one (the kernel work of creating
 * them spreads over two cores); more did not help on two cores. Each folder belongs to one thread.
 */
const WRITERS = 2;

/** What an output run did. */
export interface OutputResult {
  readonly written: number;
  readonly unchanged: number;
  /** Files removed because the run no longer produces them. */
  readonly removed: number;
  /** Paths that differ from the disk (changed or missing), sorted, then the stale ones, sorted. */
  readonly outdated: readonly string[];
}

/** An output folder being written. */
export interface OutputWriter {
  /** Hands `files` to the writer threads; returns at once. */
  write(files: readonly GeneratedFile[]): void;
  /** Waits until every file is written, removes stale files, writes the marker, and stops the threads. */
  finish(): Promise<OutputResult>;
  /** Stops the threads without finishing (generation failed). */
  abort(): Promise<void>;
}

/**
 * The worker module next to this one: `worker.js` in `dist/`; from the TypeScript sources (tests) the
 * `.ts` file, which Node runs with its types stripped.
 */
function workerUrl(): URL {
  const js = new URL("./worker.js", import.meta.url);
  return existsSync(fileURLToPath(js)) ? js : new URL("./worker.ts", import.meta.url);
}

/** One writer thread and its answer. */
interface Writer {
  readonly worker: Worker;
  readonly reply: Promise<WriterReply>;
}

function startWriter(setup: WriterSetup): Writer {
  const worker = new Worker(workerUrl(), { workerData: setup });
  const reply = new Promise<WriterReply>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) =>
      reject(new Error(`internal: an output writer stopped (exit code ${code})`)),
    );
  });
  reply.catch(() => undefined); // observed in finish(); an early failure must not be unhandled
  return { worker, reply };
}

/**
 * Starts writing the output folder `out` (absolute). With `check`, files are only compared: `finish`
 * reports what differs and nothing is written or removed.
 */
export function openOutput(out: string, check: boolean): OutputWriter {
  const fresh = !existsSync(out);
  const owned = !fresh && existsSync(join(out, MARKER));
  const setup: WriterSetup = { out, check, fresh };
  const writers = Array.from({ length: Math.max(1, Math.min(WRITERS, availableParallelism())) }, () =>
    startWriter(setup),
  );
  const produced = new Set<string>();
  const writerOfFolder = new Map<string, number>();
  const stop = () => Promise.all(writers.map((w) => w.worker.terminate()));
  return {
    write(files) {
      const batches: GeneratedFile[][] = writers.map(() => []);
      for (const file of files) {
        produced.add(file.path);
        const folder = file.path.slice(0, Math.max(0, file.path.lastIndexOf("/")));
        let index = writerOfFolder.get(folder);
        if (index === undefined) {
          index = writerOfFolder.size % writers.length;
          writerOfFolder.set(folder, index);
        }
        batches[index]?.push(file);
      }
      batches.forEach((batch, i) => {
        const request: WriterRequest = { kind: "files", files: batch };
        if (batch.length > 0) writers[i]?.worker.postMessage(request);
      });
    },
    async finish() {
      const finish: WriterRequest = { kind: "finish" };
      for (const w of writers) w.worker.postMessage(finish);
      let answers: WriterReply[];
      try {
        answers = await Promise.all(writers.map((w) => w.reply));
      } finally {
        await stop();
      }
      let written = 0;
      let unchanged = 0;
      const changed: string[] = [];
      for (const answer of answers) {
        if (answer.kind === "failed") {
          const { message, ...rest } = answer.error;
          throw Object.assign(new Error(message), rest);
        }
        written += answer.written;
        unchanged += answer.unchanged;
        changed.push(...answer.changed);
      }
      const stale = owned ? (await listRelative(out)).filter((p) => !produced.has(p) && p !== MARKER) : [];
      if (!check) {
        for (const path of stale) await rm(join(out, path), { force: true });
        await mkdir(out, { recursive: true });
        await writeFile(join(out, MARKER), MARKER_TEXT);
      }
      return {
        written,
        unchanged,
        removed: check ? 0 : stale.length,
        outdated: changed.sort(compareStrings).concat(stale.sort(compareStrings)),
      };
    },
    async abort() {
      await stop();
    },
  };
}

/** Files below `dir`, relative, with `/` separators. */
async function listRelative(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"));
  }
  return out;
}
