import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveConfig } from "../codegen/config.js";
import { generateFiles } from "../codegen/generate.js";
import { loadContracts } from "../codegen/load/index.js";
import type { GeneratedFile } from "../codegen/ts/printer.js";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * A scratch folder inside the repository (test/tmp, git-ignored), so generated code there resolves
 * `contractgen/runtime` through the package's own exports, as it does in a user's project.
 */
export async function scratchDir(prefix: string): Promise<string> {
  const base = join(ROOT, "test", "tmp");
  await mkdir(base, { recursive: true });
  return mkdtemp(join(base, `${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Writes `files` (path → content) below `dir`. */
export async function writeTree(dir: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

/** A minimal buf.yaml for a one-module workspace whose protos are in `proto/`. */
export const BUF_YAML = "version: v2\nmodules:\n  - path: proto\nlint:\n  use:\n    - STANDARD\n";

/**
 * The in-memory harness: writes an inline contract set to a scratch folder and returns the generated
 * files by path. `files` uses project-relative paths (`buf.yaml`, `proto/a/v1/a.proto`,
 * `contracts/jsonschema/a/v1/x.schema.json`).
 */
export async function generateInline(
  files: Readonly<Record<string, string>>,
): Promise<{ dir: string; out: Map<string, string> }> {
  const dir = await scratchDir("inline");
  await writeTree(dir, files);
  const loaded = await loadContracts(resolveConfig(dir));
  const generated = await generateFiles(loaded, ["ts"]);
  return { dir, out: new Map(generated.map((f: GeneratedFile) => [f.path, f.content])) };
}

/** Result of a child process. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (with a timeout), capturing its output. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Path of the TypeScript compiler of the repository. */
export const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

/**
 * Type-checks the `.ts` files below `dir` under the project's strict settings with the real tsc.
 * Returns tsc's output; empty when the code compiles.
 */
export async function typecheck(dir: string): Promise<RunResult> {
  // Beside the folder, not in it: the folder may be a generated output that must hold only generated files.
  const tsconfig = `${dir.replace(/\/+$/, "")}.tsconfig.json`;
  await writeFile(
    tsconfig,
    JSON.stringify({
      extends: join(ROOT, "tsconfig.json"),
      compilerOptions: { noEmit: true, rootDir: ROOT, declaration: false, sourceMap: false },
      include: [join(dir, "**/*.ts")],
      exclude: [],
    }),
  );
  return run(process.execPath, [TSC, "-p", tsconfig], { cwd: dir });
}

/** The CLI entry point built by `npm run build` (tests that spawn the real binary use it). */
export const CLI = join(ROOT, "dist", "cli", "bin.js");

/** PHPStan, installed by `composer install -d test/php` (.ci/run does it). */
export const PHPSTAN = join(ROOT, "test", "php", "vendor", "bin", "phpstan");
export const hasPhpstan = existsSync(PHPSTAN);

/**
 * Runs PHPStan at `level` (for PHP 8.1) on `paths`, with the classes in `scan` known but not analysed;
 * its raw error lines, and its exit code. The config is written to `dir` as `<name>.neon`.
 */
export async function phpstan(
  dir: string,
  name: string,
  level: string,
  paths: readonly string[],
  scan: readonly string[] = [],
): Promise<{ code: number; errors: string[] }> {
  const list = (key: string, items: readonly string[]) =>
    items.length === 0 ? "" : `  ${key}:\n${items.map((p) => `    - ${p}\n`).join("")}`;
  const config = join(dir, `${name}.neon`);
  await writeFile(
    config,
    `parameters:\n  level: ${level}\n  phpVersion: 80100\n  tmpDir: ${join(dir, "cache")}\n${list("paths", paths)}${list("scanDirectories", scan)}`,
  );
  const res = await run(
    "php",
    [PHPSTAN, "analyse", "-c", config, "--no-progress", "--error-format=raw", "--memory-limit=1G"],
    { cwd: dir, timeoutMs: 120_000 },
  );
  const errors = `${res.stdout}\n${res.stderr}`
    .split("\n")
    .filter((l) => l.startsWith("/") || l.includes("Error") || l.includes("error:"));
  return { code: res.code, errors };
}

/** A server process started by {@link startNodeServer}. */
export interface StartedServer {
  readonly baseUrl: string;
  /** What the process wrote to stdout and stderr so far. */
  output(): string;
  /** Stops the process group (SIGTERM, then SIGKILL after 3 s). */
  stop(): Promise<void>;
}

/**
 * Starts `argv` in its own process group and waits (up to 20 s) for the line `listening on <url>` on its
 * stdout, the readiness line of the example servers.
 */
export async function startNodeServer(
  cwd: string,
  argv: readonly [string, ...string[]],
  env: Readonly<Record<string, string>> = {},
): Promise<StartedServer> {
  const [command, ...args] = argv;
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  let exited = false;
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  child.once("exit", () => {
    exited = true;
  });
  const stop = async (): Promise<void> => {
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      if (exited || child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        return; // already gone
      }
      await Promise.race([closed, new Promise((r) => setTimeout(r, 3000))]);
    }
  };
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${argv.join(" ")} did not start in 20 s:\n${log}`)),
      20_000,
    );
    child.stdout.on("data", (b: Buffer) => {
      log += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(log);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr.on("data", (b: Buffer) => {
      log += b.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(" ")} exited (${code}) before listening:\n${log}`));
    });
  }).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  return { baseUrl, output: () => log, stop };
}
