/**
 * `contractgen serve-php --port <p> [--workers N] <router.php>`: parses flags and hands over to
 * codegen/serve-php, which does the work. Prints one readiness line, runs until SIGTERM/SIGINT.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import type { CliIo } from "./main.js";

function integer(flag: string, value: unknown, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${flag}: expected an integer ${min} to ${max}, found ${String(value)}`);
  return n;
}

/** Adds the `serve-php` command to `program`; `setExit` receives its exit code. */
export function registerServePhp(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("serve-php")
    .description(
      "Serve a PHP front controller (e.g. a Dispatcher router) under php-fpm behind nginx on 127.0.0.1, in the foreground",
    )
    .argument("<router>", "PHP file every request goes to (like a `php -S` router)")
    .requiredOption("-p, --port <port>", "TCP port on 127.0.0.1")
    .option("-w, --workers <n>", "php-fpm workers (requests served at once)", "4")
    .option("--max-body-bytes <n>", "largest request body nginx accepts", String(8 * 1024 * 1024))
    .option("--request-timeout <ms>", "a PHP request running longer is killed (nginx answers 504)", "60000")
    .option("--memory-limit <size>", "PHP memory_limit of the workers", "128M")
    .addHelpText(
      "after",
      "\nNeeds nginx and php-fpm (`apt-get install nginx php8.2-fpm`). Prints `listening on http://127.0.0.1:<port>` when ready;\nSIGTERM or Ctrl-C stops both. Exit codes: 0 stopped by a signal, 1 a server died, 2 bad usage or missing binaries.",
    )
    .action(async (router: string, opts: Record<string, unknown>) => {
      const { servePhp, isServePhpError } = await import("../codegen/serve-php/index.js");
      let server: Awaited<ReturnType<typeof servePhp>>;
      try {
        const memoryLimit = String(opts["memoryLimit"]);
        if (!/^(-1|[0-9]+[KMG]?)$/i.test(memoryLimit))
          throw new Error(`--memory-limit: expected a PHP size such as 128M, found ${memoryLimit}`);
        server = await servePhp(
          {
            port: integer("--port", opts["port"], 1, 65535),
            router: resolve(io.cwd, router),
            cwd: io.cwd,
            workers: integer("--workers", opts["workers"], 1, 256),
            maxBodyBytes: integer("--max-body-bytes", opts["maxBodyBytes"], 1, 2 ** 40),
            requestTimeoutMs: integer("--request-timeout", opts["requestTimeout"], 1000, 86_400_000),
            memoryLimit,
          },
          (chunk) => io.stderr.write(chunk),
        );
      } catch (e) {
        io.stderr.write(`error: ${(e as Error).message}\n`);
        setExit(isServePhpError(e) && e.code !== "missing_binary" && e.code !== "bad_option" ? 1 : 2);
        return;
      }
      io.stdout.write(`listening on ${server.url}\n`);
      const onSignal = () => void server.stop();
      process.once("SIGTERM", onSignal);
      process.once("SIGINT", onSignal);
      const why = await server.exited;
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      if (why !== undefined) {
        io.stderr.write(`error: ${why}\n`);
        setExit(1);
      }
    });
}
