/**
 * The output folder of `generate`: generated files are handed over as they are produced and written on
 * writer threads (codegen/output/worker.ts) while generation goes on. Files whose content is unchanged
 * are not rewritten; in a folder contractgen owns (it holds the marker file), files the run did not
 * produce are removed.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
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
  /**
   * Hands `files` to the writer threads and returns at once. Returns the files to keep in their place:
   * when writing, {@link WrittenFile}s that read their content back from the output folder, so the
   * strings can be freed (see {@link encodeBatch}); when only checking, `files` themselves.
   */
  write(files: readonly GeneratedFile[]): GeneratedFile[];
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

function startWriter(setup: Omit<WriterSetup, "returns">, buffers: BufferPool): Writer {
  const { port1, port2 } = new MessageChannel();
  buffers.listen(port1);
  const worker = new Worker(workerUrl(), { workerData: { ...setup, returns: port2 }, transferList: [port2] });
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
  const setup = { out, check, fresh };
  const buffers = new BufferPool();
  // Started at the first write, not here: while buf builds the contracts it has both cores to itself
  // (thread start-up there made `buf build` ~10% slower).
  let writers: Writer[] = [];
  const started = (): Writer[] => {
    if (writers.length === 0) {
      const count = Math.max(1, Math.min(WRITERS, availableParallelism()));
      writers = Array.from({ length: count }, () => startWriter(setup, buffers));
    }
    return writers;
  };
  const produced = new Set<string>();
  const writerOfFolder = new Map<string, number>();
  const stop = async () => {
    await Promise.all(writers.map((w) => w.worker.terminate()));
    buffers.close();
  };
  return {
    write(files) {
      if (files.length === 0) return [];
      const writers = started();
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
        if (batch.length === 0) return;
        const request = encodeBatch(batch, buffers);
        writers[i]?.worker.postMessage(request, [request.bytes.buffer]);
      });
      return check ? [...files] : files.map((f) => new WrittenFile(out, f.path));
    },
    async finish() {
      const finish: WriterRequest = { kind: "finish" };
      const writers = started();
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

/**
 * A file the output writer wrote: `content` reads it back from the output folder. What
 * {@link OutputWriter.write} returns in place of the files it was given, so that their strings can be
 * freed while generation goes on (see {@link encodeBatch}).
 */
export class WrittenFile implements GeneratedFile {
  constructor(
    private readonly out: string,
    readonly path: string,
  ) {}

  get content(): string {
    return readFileSync(join(this.out, this.path), "utf8");
  }
}

/**
 * The buffers batches are encoded into. A writer gives a batch's buffer back when the batch is written
 * (on a port of its own); the main thread polls the ports synchronously, since its event loop does not
 * run while it generates. Reusing them matters on VMs, where first touching fresh memory is costly:
 * 17 MB of new pages took ~60 ms of page faults on a 2-core VM.
 */
class BufferPool {
  private readonly free: ArrayBuffer[] = [];
  private readonly ports: MessagePort[] = [];

  listen(port: MessagePort): void {
    this.ports.push(port);
  }

  /** A buffer of at least `size` bytes. */
  take(size: number): ArrayBuffer {
    for (const port of this.ports) {
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
        this.free.push(m.message as ArrayBuffer);
      }
    }
    const i = this.free.findIndex((b) => b.byteLength >= size);
    if (i >= 0) return this.free.splice(i, 1)[0] as ArrayBuffer;
    return Buffer.allocUnsafeSlow(Math.max(size, MIN_BUFFER)).buffer as ArrayBuffer;
  }

  close(): void {
    for (const port of this.ports) port.close();
    this.free.length = 0;
  }
}

/** Smallest buffer allocated for a batch. */
const MIN_BUFFER = 256 * 1024;

/**
 * `files` as UTF-8 bytes back to back in one buffer, with the end offset of each; the buffer is
 * transferred to the writer, which gives it back when the files are written ({@link BufferPool}).
 * Measured on 3,600 PHP files (17 MB): posting the strings cost ~60 ms of the main thread in structured
 * clones, and keeping them alive until the run ends doubled the young-generation GC time of the PHP
 * emitter (each string copied to the survivor space, then to the old one).
 */
function encodeBatch(
  files: readonly GeneratedFile[],
  buffers: BufferPool,
): WriterRequest & { kind: "files" } {
  let size = 0;
  for (const file of files) size += Buffer.byteLength(file.content, "utf8");
  const buffer = buffers.take(size);
  const view = Buffer.from(buffer);
  const ends = new Array<number>(files.length);
  let at = 0;
  files.forEach((file, i) => {
    at += view.write(file.content, at, "utf8");
    ends[i] = at;
  });
  return { kind: "files", paths: files.map((f) => f.path), ends, bytes: new Uint8Array(buffer, 0, at) };
}

/** Files below `dir`, relative, with `/` separators. */
async function listRelative(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"));
  }
  return out;
}
