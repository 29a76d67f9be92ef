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
 * Writer threads: one, and a second only when the first falls behind. Each thread costs ~50 ms of CPU
 * to start and takes a core from the emitters on a two-core machine; a new `generate -t php` process on
 * 200 protos, one writer against two, medians of 14 rounds alternating with protoc: tmpfs 1.86× → 1.81×
 * and 1.93× → 1.83× protoc, ext4 1.83× → 1.72×. But where creating files has become slow (ext4 after many
 * deletions: protoc itself 1.3–2 s) two writers were faster: 2,732 against 3,363 ms.
 */
const MAX_WRITERS = 2;

/**
 * Batches the first writer may fall further behind, after its first batch is written, before a second
 * starts. Its backlog right then comes from its start-up and shrinks on a fast disk.
 */
const BACKLOG_GROWTH = 3;

/** How an output folder is written; the defaults are the measured best (tests force the other paths). */
export interface OutputTuning {
  /** Most writer threads (capped by the machine's cores). */
  readonly maxWriters?: number;
  /** See {@link BACKLOG_GROWTH}; a negative value starts the second writer at the first batch written. */
  readonly backlogGrowth?: number;
}

/** What an output run did. */
export interface OutputResult {
  readonly written: number;
  readonly unchanged: number;
  /** Files removed because the run no longer produces them. */
  readonly removed: number;
  /** Paths that differ from the disk (changed or missing), sorted, then the stale ones, sorted. */
  readonly outdated: readonly string[];
  /** Writer threads the run used (see {@link MAX_WRITERS}). */
  readonly threads: number;
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
export function openOutput(out: string, check: boolean, tuning: OutputTuning = {}): OutputWriter {
  const fresh = !existsSync(out);
  const owned = !fresh && existsSync(join(out, MARKER));
  const setup = { out, check, fresh };
  const buffers = new BufferPool();
  const maxWriters = Math.max(1, Math.min(tuning.maxWriters ?? MAX_WRITERS, availableParallelism()));
  const growth = tuning.backlogGrowth ?? BACKLOG_GROWTH;
  // Started at the first write, not here: while buf builds the contracts it has both cores to itself
  // (thread start-up there made `buf build` ~10% slower).
  const writers: Writer[] = [];
  /** Batches sent to each writer. */
  const sent: number[] = [];
  /** The first writer's backlog when it had written its first batch. */
  let firstBacklog: number | undefined;
  const started = (): Writer[] => {
    if (writers.length === 0) addWriter();
    return writers;
  };
  const addWriter = (): void => {
    writers.push(startWriter(setup, buffers));
    sent.push(0);
  };
  const backlog = (i: number): number => (sent[i] ?? 0) - buffers.returned(i);
  /** Starts the second writer when the first one's backlog keeps growing. */
  const adapt = (): void => {
    if (writers.length >= maxWriters) return;
    buffers.poll();
    if (buffers.returned(0) === 0) return; // still starting
    firstBacklog ??= backlog(0);
    if (backlog(0) > firstBacklog + growth) addWriter();
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
      adapt();
      const batches: GeneratedFile[][] = writers.map(() => []);
      for (const file of files) {
        produced.add(file.path);
        const folder = file.path.slice(0, Math.max(0, file.path.lastIndexOf("/")));
        let index = writerOfFolder.get(folder);
        if (index === undefined) {
          // A new folder goes to the writer with the least left to write; it keeps it.
          index = 0;
          for (let i = 1; i < writers.length; i++) if (backlog(i) < backlog(index)) index = i;
          writerOfFolder.set(folder, index);
        }
        batches[index]?.push(file);
      }
      batches.forEach((batch, i) => {
        if (batch.length === 0) return;
        const request = encodeBatch(batch, buffers);
        writers[i]?.worker.postMessage(request, [request.bytes.buffer]);
        sent[i] = (sent[i] ?? 0) + 1;
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
        threads: writers.length,
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
  /** Buffers given back on each port: the batches its writer has written. */
  private readonly back: number[] = [];

  listen(port: MessagePort): void {
    this.ports.push(port);
    this.back.push(0);
  }

  /** Takes in the buffers the writers have given back. */
  poll(): void {
    this.ports.forEach((port, i) => {
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
        this.free.push(m.message as ArrayBuffer);
        this.back[i] = (this.back[i] ?? 0) + 1;
      }
    });
  }

  /** Batches the writer of the `i`th port has written, as far as {@link poll} has seen. */
  returned(i: number): number {
    return this.back[i] ?? 0;
  }

  /** A buffer of at least `size` bytes. */
  take(size: number): ArrayBuffer {
    this.poll();
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
