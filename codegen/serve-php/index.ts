/**
 * `contractgen serve-php`: a PHP front controller under php-fpm behind nginx on 127.0.0.1, in the
 * foreground, for people and for `contractgen test`. Both run from configs written to a temporary folder
 * (removed on stop), talk over a unix socket, and die with this process: a watchdog shell holding a pipe
 * to it kills them when the pipe closes, even when this process is killed with SIGKILL.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import {
  fpmConfig,
  nginxConfig,
  prependScript,
  SERVE_PHP_DEFAULTS,
  type ServePhpOptions,
  type ServePhpPaths,
} from "./config.js";

export { fpmConfig, nginxConfig, SERVE_PHP_DEFAULTS, type ServePhpOptions } from "./config.js";

/** What went wrong starting or running the servers; `code` is stable. */
export class ServePhpError extends Error {
  override readonly name = "ServePhpError";
  constructor(
    readonly code: "missing_binary" | "bad_option" | "start_failed" | "exited",
    message: string,
  ) {
    super(message);
  }
}

/** Whether `e` is a {@link ServePhpError}. */
export function isServePhpError(e: unknown): e is ServePhpError {
  return e instanceof ServePhpError;
}

/** The two binaries serve-php needs. */
export interface PhpFpmBinaries {
  readonly nginx: string;
  readonly phpFpm: string;
}

const INSTALL_HINT = "install them with `apt-get install nginx php8.2-fpm` (Debian/Ubuntu)";

function which(names: readonly string[]): string | undefined {
  const dirs = [...(process.env["PATH"] ?? "").split(delimiter), "/usr/sbin", "/usr/local/sbin", "/sbin"];
  for (const name of names) {
    if (name.includes("/")) {
      if (existsSync(name)) return name;
      continue;
    }
    for (const dir of dirs) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * nginx and php-fpm: `CONTRACTGEN_NGINX` / `CONTRACTGEN_PHP_FPM` when set, else from PATH and the sbin
 * folders (`php-fpm`, `php-fpm8.4` … `php-fpm8.1`). Undefined entries are missing.
 */
export function findBinaries(): Partial<PhpFpmBinaries> {
  const env = process.env;
  const nginx = which([env["CONTRACTGEN_NGINX"] ?? "nginx"]);
  const phpFpm = which(
    env["CONTRACTGEN_PHP_FPM"]
      ? [env["CONTRACTGEN_PHP_FPM"]]
      : ["php-fpm", "php-fpm8.4", "php-fpm8.3", "php-fpm8.2", "php-fpm8.1"],
  );
  return { ...(nginx ? { nginx } : {}), ...(phpFpm ? { phpFpm } : {}) };
}

/** Both binaries, or a `missing_binary` error saying how to install them. */
export function requireBinaries(): PhpFpmBinaries {
  const found = findBinaries();
  const missing = [found.nginx ? "" : "nginx", found.phpFpm ? "" : "php-fpm"].filter((m) => m !== "");
  if (found.nginx === undefined || found.phpFpm === undefined)
    throw new ServePhpError("missing_binary", `serve-php needs ${missing.join(" and ")}: ${INSTALL_HINT}`);
  return { nginx: found.nginx, phpFpm: found.phpFpm };
}

/** A running nginx + php-fpm pair. */
export interface RunningPhpServer {
  readonly url: string;
  /** Resolves when both have stopped (after {@link stop} or when one of them died: then with why). */
  readonly exited: Promise<string | undefined>;
  /** Stops both (TERM, then KILL after 3 s) and removes the temporary folder. */
  stop(): Promise<void>;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = new Socket();
    const end = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(500, () => end(false));
    socket.once("connect", () => end(true));
    socket.once("error", () => end(false));
    socket.connect(port, "127.0.0.1");
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts php-fpm and nginx for `options` (defaults from {@link SERVE_PHP_DEFAULTS}) and resolves once
 * the port accepts connections. `log` receives both servers' output.
 */
export async function servePhp(
  options: Pick<ServePhpOptions, "port" | "router" | "cwd"> & Partial<ServePhpOptions>,
  log: (chunk: string) => void = () => {},
): Promise<RunningPhpServer> {
  const o: ServePhpOptions = { ...SERVE_PHP_DEFAULTS, ...options };
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535)
    throw new ServePhpError("bad_option", `--port: expected 1 to 65535, found ${o.port}`);
  if (!Number.isInteger(o.workers) || o.workers < 1 || o.workers > 256)
    throw new ServePhpError("bad_option", `--workers: expected 1 to 256, found ${o.workers}`);
  if (!existsSync(o.router)) throw new ServePhpError("bad_option", `router ${o.router} does not exist`);
  const bin = requireBinaries();
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), "contractgen-serve-php-"));
  const paths: ServePhpPaths = {
    dir,
    socket: join(dir, "php-fpm.sock"),
    fpmLog: join(dir, "php-fpm.log"),
    fpmConfig: join(dir, "php-fpm.conf"),
    nginxConfig: join(dir, "nginx.conf"),
    prepend: join(dir, "prepend.php"),
  };
  const children: ChildProcess[] = [];
  let watchdog: ChildProcess | undefined;
  let stopping = false;
  let why: string | undefined;
  let settle: (why: string | undefined) => void = () => {};
  const exited = new Promise<string | undefined>((r) => {
    settle = r;
  });
  const tails = new Map<string, string>();
  const keep = (name: string, text: string) => {
    tails.set(name, ((tails.get(name) ?? "") + text).slice(-4000));
    log(text);
  };
  // php-fpm writes its log to a file (see fpmConfig): follow it.
  let logOffset = 0;
  const followLog = async () => {
    try {
      const fh = await open(paths.fpmLog, "r");
      try {
        const buf = Buffer.alloc(65_536);
        for (;;) {
          const { bytesRead } = await fh.read(buf, 0, buf.length, logOffset);
          if (bytesRead === 0) break;
          logOffset += bytesRead;
          keep("php-fpm", buf.subarray(0, bytesRead).toString("utf8"));
        }
      } finally {
        await fh.close();
      }
    } catch {
      // Not created yet, or already removed.
    }
  };
  const follower = setInterval(() => void followLog(), 250);
  follower.unref();
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
    const gone = Promise.all(alive.map((c) => new Promise((r) => c.once("exit", r))));
    for (const c of alive) c.kill("SIGTERM");
    const timer = setTimeout(() => {
      for (const c of alive) c.kill("SIGKILL");
    }, 3000);
    await gone;
    clearTimeout(timer);
    clearInterval(follower);
    await followLog();
    watchdog?.kill("SIGKILL");
    watchdog?.stdin?.destroy();
    await rm(dir, { recursive: true, force: true });
    settle(why);
  };
  const run = (name: string, file: string, args: string[]) => {
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    child.stdout?.on("data", (b: Buffer) => keep(name, b.toString("utf8")));
    child.stderr?.on("data", (b: Buffer) => keep(name, b.toString("utf8")));
    child.on("error", (e) => {
      why ??= `${name} could not run: ${e.message}`;
      void stop();
    });
    child.on("exit", async (code, signal) => {
      if (stopping) return;
      await followLog();
      why ??= `${name} exited with ${signal ? `signal ${signal}` : `code ${code}`}${tail(name)}`;
      void stop();
    });
    return child;
  };
  const tail = (name: string) => {
    const t = (tails.get(name) ?? "").trim();
    return t ? `; its last output:\n  ${t.split("\n").slice(-8).join("\n  ")}` : "";
  };
  try {
    for (const sub of ["body", "fastcgi", "proxy", "uwsgi", "scgi"]) await mkdir(join(dir, sub));
    await chmod(dir, 0o700);
    await writeFile(paths.fpmConfig, fpmConfig(o, paths, asRoot));
    await writeFile(paths.nginxConfig, nginxConfig(o, paths, asRoot));
    await writeFile(paths.prepend, prependScript(o));
    try {
      execFileSync(bin.nginx, ["-t", "-q", "-p", dir, "-c", paths.nginxConfig, "-e", "stderr"], {
        stdio: ["ignore", "ignore", "pipe"],
      });
    } catch (e) {
      const err = (e as { stderr?: Buffer }).stderr?.toString() ?? (e as Error).message;
      throw new ServePhpError("start_failed", `nginx rejected the generated configuration: ${err.trim()}`);
    }
    const fpm = run("php-fpm", bin.phpFpm, [
      "--nodaemonize",
      "--fpm-config",
      paths.fpmConfig,
      ...(asRoot ? ["--allow-to-run-as-root"] : []),
    ]);
    const nginxStartBy = Date.now() + 10_000;
    while (!existsSync(paths.socket)) {
      if (why !== undefined) throw new ServePhpError("start_failed", why);
      if (Date.now() > nginxStartBy)
        throw new ServePhpError(
          "start_failed",
          `php-fpm did not open its socket within 10 s${tail("php-fpm")}`,
        );
      await sleep(20);
    }
    const nginx = run("nginx", bin.nginx, ["-p", dir, "-c", paths.nginxConfig, "-e", "stderr"]);
    // A shell holding a pipe to this process: when the pipe closes (this process exited, however) it
    // stops both servers, so nothing outlives serve-php even after a SIGKILL.
    const script =
      'read _ || true; kill -TERM "$1" "$2" 2>/dev/null; sleep 3; kill -KILL "$1" "$2" 2>/dev/null; rm -rf "$3"';
    watchdog = spawn("/bin/sh", ["-c", script, "sh", String(fpm.pid), String(nginx.pid), dir], {
      stdio: ["pipe", "ignore", "ignore"],
      detached: true,
    });
    watchdog.unref();
    const readyBy = Date.now() + 10_000;
    while (!(await canConnect(o.port))) {
      if (why !== undefined) throw new ServePhpError("start_failed", why);
      if (Date.now() > readyBy)
        throw new ServePhpError(
          "start_failed",
          `nginx did not listen on 127.0.0.1:${o.port} within 10 s${tail("nginx")}`,
        );
      await sleep(20);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `http://127.0.0.1:${o.port}`, exited, stop };
}
