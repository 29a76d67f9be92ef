/**
 * Starting, watching and stopping implementations. Each start command runs in its own process group
 * (spawned detached) so that stopping kills the whole group: `php -S` with PHP_CLI_SERVER_WORKERS forks
 * workers that outlive a killed master otherwise. The group also holds a watchdog shell reading a pipe
 * from the harness: when the harness dies in any way (even `kill -9`, where no exit handler runs) the
 * pipe closes and the watchdog kills the group, so no implementation keeps its port.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { resolve } from "node:path";
import type { ImplementationConfig } from "./config.js";
import { HarnessError } from "./errors.js";

/** An implementation the run talks to. */
export interface RunningImplementation {
  readonly name: string;
  /** Base URL without a trailing slash (`http://127.0.0.1:40123`). */
  readonly url: string;
  /** Process group id when the harness started it. */
  readonly pid: number | undefined;
  /** Set when a started process exited before `stop`: a message naming the exit code and its output. */
  exited(): string | undefined;
  /** The last lines the process wrote (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

const OUTPUT_LIMIT = 8192;

/**
 * `/bin/sh -c WATCHDOG sh <command>`: keeps the harness's pipe (stdin) on fd 3 for a background
 * subshell that waits for its end of file, then stops the whole process group (TERM, KILL 2 s later;
 * it ignores the TERM itself); the command runs with stdin from /dev/null and without fd 3.
 */
const WATCHDOG =
  'exec 3<&0 </dev/null; (trap "" TERM INT; read _ <&3 || true; kill -TERM 0 2>/dev/null; sleep 2; kill -KILL 0 2>/dev/null) & exec /bin/sh -c "$1" 3<&-';

/** A free TCP port on 127.0.0.1 (the OS picks it; the listener is closed before the port is used). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** GET `url`; resolves with the status, rejects on a connection error or after `timeoutMs`. */
function probe(url: string, timeoutMs: number): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(url, { method: "GET", timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on("end", () => done(res.statusCode ?? 0));
      res.on("error", fail);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", fail);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// A timer that does not keep the process alive once everything else is done.
const grace = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** Checks that an already running implementation answers at all. */
export async function attach(name: string, url: string): Promise<RunningImplementation> {
  const base = url.replace(/\/+$/, "");
  try {
    await probe(`${base}/`, 3000);
  } catch (e) {
    throw new HarnessError(
      "not_running",
      `implementation ${name} at ${base} is not reachable (${(e as Error).message}); start it first or configure a start command`,
      name,
    );
  }
  return { name, url: base, pid: undefined, exited: () => undefined, output: () => "", stop: async () => {} };
}

/** Starts an implementation on a free port and waits until it answers its readiness check. */
export async function start(impl: ImplementationConfig, root: string): Promise<RunningImplementation> {
  const port = await freePort();
  const fill = (s: string) => s.replaceAll("{port}", String(port));
  const command = fill(impl.start ?? "");
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port) };
  for (const [k, v] of Object.entries(impl.env ?? {})) env[k] = fill(v);
  let output = "";
  let exitMessage: string | undefined;
  let child: ChildProcess;
  try {
    child = spawn("/bin/sh", ["-c", WATCHDOG, "sh", command], {
      cwd: resolve(root, impl.cwd ?? "."),
      env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    // Never written to or closed before the harness exits: its end of file is the watchdog's signal.
    child.stdin?.on("error", () => {});
    (child.stdin as { unref?: () => void } | null)?.unref?.();
  } catch (e) {
    throw new HarnessError(
      "start_failed",
      `cannot start ${JSON.stringify(command)}: ${(e as Error).message}`,
      impl.name,
    );
  }
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let stopping = false;
  const exitedPromise = new Promise<void>((done) => {
    child.on("exit", (code, signal) => {
      if (!stopping) exitMessage = `exited with ${signal ? `signal ${signal}` : `code ${code}`}`;
      done();
    });
    child.on("error", (e) => {
      exitMessage = `could not run: ${e.message}`;
      done();
    });
  });
  const pid = child.pid;
  const tail = () => {
    const lines = output.trimEnd().split("\n").slice(-10).join("\n  ");
    return lines ? `; its last output:\n  ${lines}` : "; it wrote nothing";
  };
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    unregister(pid);
    if (pid === undefined) return;
    killGroup(pid, "SIGTERM");
    const done = await Promise.race([exitedPromise.then(() => true), grace(2000).then(() => false)]);
    // Workers of the group may outlive the shell even when it exits: always finish the whole group.
    killGroup(pid, "SIGKILL");
    if (!done) await Promise.race([exitedPromise, grace(1000)]);
    // Stopped means gone: every process of the group, not only the shell (its port is then free).
    await groupGone(pid, 2000);
  };
  register(pid);
  const running: RunningImplementation = {
    name: impl.name,
    url: `http://127.0.0.1:${port}`,
    pid,
    exited: () => (exitMessage ? `implementation ${impl.name} ${exitMessage}${tail()}` : undefined),
    output: () => output,
    stop,
  };
  const timeoutMs = impl.ready?.timeoutMs ?? 10_000;
  const readyUrl = `${running.url}${impl.ready?.path ?? "/"}`;
  const deadline = Date.now() + timeoutMs;
  let last = "no attempt";
  for (;;) {
    if (exitMessage !== undefined) {
      await stop();
      throw new HarnessError(
        "start_failed",
        `implementation ${impl.name} ${exitMessage} before it became ready (command: ${command})${tail()}`,
        impl.name,
      );
    }
    try {
      const status = await probe(readyUrl, Math.max(100, Math.min(1000, deadline - Date.now())));
      if (status < 500) return running;
      last = `HTTP ${status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() >= deadline) {
      await stop();
      throw new HarnessError(
        "not_ready",
        `implementation ${impl.name} did not become ready within ${timeoutMs} ms (GET ${readyUrl}: ${last}; command: ${command})${tail()}`,
        impl.name,
      );
    }
    await sleep(50);
  }
}

/** Waits until no live process of group `pid` is left, at most `ms`. */
async function groupGone(pid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && groupAlive(pid)) await new Promise((r) => setTimeout(r, 20));
}

/**
 * Whether group `pgid` has a process that is not a zombie. Workers orphaned by a killed master are
 * reparented to PID 1, which in a container may never reap them: signal 0 still reaches a zombie, so
 * on Linux the process table says what is left; elsewhere signal 0 answers.
 */
function groupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z") return true;
  }
  return false;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

// Process groups alive right now, killed synchronously if the harness itself is interrupted or exits.
const live = new Set<number>();
let hooked = false;

function register(pid: number | undefined): void {
  if (pid === undefined) return;
  live.add(pid);
  if (hooked) return;
  hooked = true;
  process.on("exit", killAll);
}

function unregister(pid: number | undefined): void {
  if (pid !== undefined) live.delete(pid);
}

function killAll(): void {
  for (const pid of live) killGroup(pid, "SIGKILL");
  live.clear();
}

/**
 * Runs `body` with SIGINT and SIGTERM stopping every started implementation first; the signal then ends
 * the process with the conventional status (130 for Ctrl-C).
 */
export async function withSignalCleanup<T>(
  body: () => Promise<T>,
  /** Called after the implementations are stopped and before the process exits: print what was done. */
  report?: (signal: NodeJS.Signals) => void,
): Promise<T> {
  const onSignal = (signal: NodeJS.Signals) => {
    killAll();
    try {
      report?.(signal);
    } catch {
      // Reporting must not keep the process from exiting.
    }
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await body();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
