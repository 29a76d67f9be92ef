/**
 * The adoption test: contractgen as a new team gets it. The packed tarball is installed into a fresh app
 * outside this repository — with npm, and with pnpm's strict layout — next to contracts the rest of the
 * suite does not use (test/fixtures/adoption: a proto InvoiceService and a JSON Schema ReminderService).
 * The app generates TypeScript and PHP, builds its TypeScript with the documented recipe (`tsc`, strict,
 * nodenext; `tsx` for development), and serves async handlers that await real I/O: the TypeScript
 * ReminderService reads invoices from the PHP InvoiceService under `php -S`. The generated PHP client
 * calls the TypeScript server and the generated TypeScript client calls the PHP server; answers, error
 * codes and the absence of leaked error text are asserted in both directions.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PhpServer, phpWithCurl, startPhpServer } from "./fixtures/php-service/harness.js";
import { ROOT, run, startNodeServer, TSC } from "./helpers.js";

const FIXTURE = join(ROOT, "test", "fixtures", "adoption");
const hasPhp = await phpWithCurl();
const lock = JSON.parse(await readFile(join(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string }>;
};
/** Dev tools of the app, at the versions this repository locks (so npm's cache has them). */
const TYPESCRIPT = `typescript@${lock.packages["node_modules/typescript"]?.version ?? "latest"}`;
const TYPES_NODE = `@types/node@${lock.packages["node_modules/@types/node"]?.version ?? "latest"}`;
const TSX = "tsx@4";
const PNPM = "pnpm@10";
/** Text of the errors the handlers throw: it must reach logs, never clients. */
const SECRET = /SQLSTATE|billing_secret/;

/** The environment of package-manager commands: no npm_* variables of the `npm test` that runs us. */
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")));

async function must(
  what: string,
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = cleanEnv(),
): Promise<string> {
  const result = await run(command, args, { cwd, env, timeoutMs: 240_000 });
  if (result.code !== 0) {
    throw new Error(
      `${what} failed (exit ${result.code}): ${command} ${args.join(" ")}\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

async function duBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

interface Call {
  readonly call: string;
  readonly ok?: Record<string, unknown>;
  readonly code?: string;
  readonly message?: string;
}

const parseCalls = (stdout: string): Map<string, Call> =>
  new Map(
    stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Call)
      .map((c) => [c.call, c]),
  );

let base = "";
let tarball = "";

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "contractgen-adoption-"));
  // `npm test` has built dist/; a lone run of this file builds it.
  if (!(await stat(join(ROOT, "dist", "cli", "bin.js")).catch(() => undefined))) {
    await must("build", process.execPath, [TSC, "-p", "tsconfig.json"], ROOT);
  }
  const packed = JSON.parse(
    await must("npm pack", "npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", base], ROOT),
  ) as { filename: string }[];
  tarball = join(base, packed[0]?.filename ?? "");
}, 120_000);

afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

/** A new app: the fixture's contracts and code, and a package.json naming contractgen (the tarball). */
async function newApp(name: string, devDependencies: Record<string, string>): Promise<string> {
  const dir = join(base, name);
  await cp(FIXTURE, dir, { recursive: true });
  await writeFile(
    join(dir, "package.json"),
    `${JSON.stringify(
      {
        name: `billing-${name}`,
        private: true,
        type: "module",
        dependencies: { contractgen: `file:${tarball}` },
        devDependencies,
      },
      null,
      2,
    )}\n`,
  );
  return dir;
}

/** Runs both directions against the app in `dir`; `serve` starts its TypeScript server. */
async function exchange(
  dir: string,
  serve: (
    env: Record<string, string>,
  ) => Promise<{ baseUrl: string; output(): string; stop(): Promise<void> }>,
): Promise<{ phpToTs: Map<string, Call>; tsToPhp: Map<string, Call>; tsLog: string; phpLog: string }> {
  const phpErrors = join(dir, "php-errors.log");
  await writeFile(phpErrors, "");
  let php: PhpServer | undefined;
  let ts: Awaited<ReturnType<typeof serve>> | undefined;
  try {
    php = await startPhpServer(dir, "php/router.php", { BILLING_ERROR_LOG: phpErrors });
    ts = await serve({ BILLING_PHP_URL: php.baseUrl });
    const phpToTs = await must("PHP client → TS server", "php", ["php/client.php", ts.baseUrl], dir);
    const tsToPhp = await must(
      "TS client → PHP server",
      process.execPath,
      ["dist/src/client.js", php.baseUrl],
      dir,
    );
    return {
      phpToTs: parseCalls(phpToTs),
      tsToPhp: parseCalls(tsToPhp),
      tsLog: ts.output(),
      phpLog: await readFile(phpErrors, "utf8"),
    };
  } finally {
    await ts?.stop();
    await php?.stop();
  }
}

function expectAnswers(calls: Map<string, Call>, server: "ts" | "php"): void {
  expect(calls.get("getInvoice")?.ok).toEqual({
    invoice: {
      id: "inv_1",
      amountCents: "9007199254740993",
      status: "INVOICE_STATUS_OPEN",
      issuedAt: "2026-12-01T09:30:00Z",
      labels: { region: "eu" },
    },
  });
  expect(calls.get("getInvoice.missing")).toMatchObject({ code: "not_found", message: "no invoice inv_404" });
  expect(calls.get("getInvoice.boom")).toMatchObject({ code: "internal" });
  expect(calls.get("createInvoice")?.ok).toMatchObject({
    invoice: { id: `inv_${server}_c7`, amountCents: "9007199254740995", status: "INVOICE_STATUS_OPEN" },
  });
  // The TS ReminderService awaits the PHP InvoiceService: an async handler doing real I/O.
  expect(calls.get("sendReminder")?.ok).toEqual({
    reminderId: `rem_${server}_inv_1`,
    amountDue: "9007199254740993",
    channel: "sms",
  });
  expect(calls.get("sendReminder.missing")).toMatchObject({
    code: "not_found",
    message: "no invoice inv_404",
  });
  for (const c of calls.values()) expect(c.message ?? "", c.call).not.toMatch(SECRET);
}

describe.skipIf(!hasPhp)("adoption: a new app on the packed package", () => {
  it("npm: installs as a regular dependency, builds with tsc, and serves both directions (PHP ⇄ TS)", async () => {
    const dir = await newApp("npm", {
      typescript: TYPESCRIPT.split("@")[1] ?? "",
      "@types/node": TYPES_NODE.slice(TYPES_NODE.lastIndexOf("@") + 1),
    });
    const started = Date.now();
    await must(
      "npm install",
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      dir,
    );
    const installed = JSON.parse(
      await readFile(join(dir, "node_modules", "contractgen", "package.json"), "utf8"),
    ) as {
      scripts?: Record<string, string>;
    };
    // Nothing runs at install time: no lifecycle script an installer would run or flag.
    for (const s of ["preinstall", "install", "postinstall", "prepare", "prepublish"]) {
      expect(installed.scripts?.[s], s).toBeUndefined();
    }
    await stat(join(dir, "node_modules", "contractgen", "LICENSE"));
    await must(
      "contractgen generate",
      join(dir, "node_modules", ".bin", "contractgen"),
      ["generate", "--target", "ts,php"],
      dir,
    );
    await must("tsc", join(dir, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], dir);
    // What runs in production: the build and the dependencies, without dev tools.
    await must(
      "npm prune --omit=dev",
      "npm",
      ["prune", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"],
      dir,
    );
    expect(await stat(join(dir, "node_modules", "@types", "node")).catch(() => undefined)).toBeUndefined();
    const size = await duBytes(join(dir, "node_modules"));
    const result = await exchange(dir, (env) =>
      startNodeServer(dir, [process.execPath, "dist/src/server.js", "--port", "0"], env),
    );
    expectAnswers(result.phpToTs, "ts");
    expectAnswers(result.tsToPhp, "php");
    // The TS server logged what it did not send; the PHP one passed its own internal error on as internal.
    expect(result.phpToTs.get("sendReminder.boom")).toMatchObject({ code: "internal" });
    expect(result.tsLog).toMatch(/SQLSTATE\[42S02\]/);
    expect(result.phpLog).toMatch(/SQLSTATE\[42S02\]/);
    console.log(
      `adoption (npm): ${((Date.now() - started) / 1000).toFixed(1)} s; production node_modules ${(size / 2 ** 20).toFixed(0)} MiB`,
    );
  }, 300_000);

  it("pnpm (strict layout): generated code resolves through contractgen alone; tsc builds, tsx runs", async (ctx) => {
    const toolDir = join(process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "contractgen", "pnpm10");
    const pnpm = join(toolDir, "node_modules", ".bin", "pnpm");
    if (!(await stat(pnpm).catch(() => undefined))) {
      await mkdir(toolDir, { recursive: true });
      const got = await run(
        "npm",
        ["install", "--prefix", toolDir, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", PNPM],
        {
          cwd: toolDir,
          env: cleanEnv(),
        },
      );
      if (got.code !== 0) {
        // pnpm is optional for a developer without the registry; CI must run it.
        if (process.env["CI"]) throw new Error(`cannot install ${PNPM} from the npm registry: ${got.stderr}`);
        ctx.skip();
      }
    }
    const dir = await newApp("pnpm", {
      typescript: TYPESCRIPT.split("@")[1] ?? "",
      "@types/node": TYPES_NODE.slice(TYPES_NODE.lastIndexOf("@") + 1),
      tsx: TSX.split("@")[1] ?? "",
    });
    const started = Date.now();
    await must("pnpm install", pnpm, ["install", "--prefer-offline", "--reporter=silent"], dir);
    // The strict layout: contractgen's own dependencies are not visible from the app.
    expect(await stat(join(dir, "node_modules", "@bufbuild")).catch(() => undefined)).toBeUndefined();
    expect(await stat(join(dir, "node_modules", "@connectrpc")).catch(() => undefined)).toBeUndefined();
    await must("contractgen generate", pnpm, ["exec", "contractgen", "generate", "--target", "ts,php"], dir);
    await must("tsc", pnpm, ["exec", "tsc", "-p", "tsconfig.json"], dir);
    const result = await exchange(dir, (env) =>
      startNodeServer(dir, [join(dir, "node_modules", ".bin", "tsx"), "src/server.ts", "--port", "0"], env),
    );
    expectAnswers(result.phpToTs, "ts");
    expectAnswers(result.tsToPhp, "php");
    console.log(`adoption (pnpm): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 300_000);
});
