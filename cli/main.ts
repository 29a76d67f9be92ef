// Each command's module (generate, lint, breaking, test) is imported when the command runs: together
// they load ajv, json-schema-to-typescript and protobuf-es, ~250 ms of start-up a single command
// mostly does not need.
import { Command, CommanderError, Option } from "commander";
import type { ReportFormat } from "../codegen/breaking/index.js";
import { parseTargets } from "../codegen/config.js";
import { isHarnessError } from "../codegen/contract-test/errors.js";
import {
  formatTestReport,
  parseImplFlag,
  parseShard,
  TEST_REPORT_FORMATS,
  type TestReportFormat,
} from "../codegen/contract-test/report.js";
import { type Diagnostic, formatDiagnostic, isContractError, isErrorDiagnostic } from "../codegen/errors.js";
import { packageVersion } from "../codegen/util/package-root.js";
import { registerServePhp } from "./serve-php.js";

/** Exit codes of every command (documented in docs/cli.md). */
export const EXIT = {
  /** Success: nothing to report. */
  ok: 0,
  /** The contracts have problems (lint findings, invalid contracts) or generated code is out of date. */
  findings: 1,
  /** Bad usage or configuration: unknown flag, missing file, invalid config. */
  usage: 2,
  /** A bug in contractgen or a tool it runs failed unexpectedly. */
  internal: 3,
} as const;

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  readonly cwd: string;
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

type Format = "text" | "json" | "github";

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command("contractgen")
    .description(
      "Contract-first toolkit for PHP and TypeScript services: Protobuf and JSON Schema contracts.",
    )
    .version(packageVersion(), "-v, --version")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      "\nExit codes: 0 success, 1 contract problems or outdated output, 2 usage or configuration error, 3 internal error.",
    );

  const common = (cmd: Command): Command =>
    cmd
      .option(
        "-c, --config <file>",
        "config file (default: contractgen.config.json in the working directory)",
      )
      .option("--proto <dir>", "folder with buf.yaml (default: the project root, if it has one)")
      .option("--no-proto", "ignore proto contracts")
      .option(
        "--json-schema <dir>",
        "folder of JSON Schema contracts (default: contracts/jsonschema, contracts or schemas)",
      )
      .option("--no-json-schema", "ignore JSON Schema contracts");

  const overrides = (opts: Record<string, unknown>) => ({
    ...(typeof opts["config"] === "string" ? { config: opts["config"] } : {}),
    ...(opts["proto"] === false
      ? { proto: false as const }
      : typeof opts["proto"] === "string"
        ? { proto: opts["proto"] }
        : {}),
    ...(opts["jsonSchema"] === false
      ? { jsonSchema: false as const }
      : typeof opts["jsonSchema"] === "string"
        ? { jsonSchema: opts["jsonSchema"] }
        : {}),
  });

  common(
    program
      .command("generate")
      .description("Generate code and wire JSON Schemas from the contracts")
      .option("-o, --out <dir>", "output folder (default: gen)")
      .option("-t, --target <list>", "comma-separated outputs: ts, php (default: ts)")
      .option("--check", "write nothing; exit 1 if the output folder is not up to date")
      .option("--wire-schemas", "write schema/ (wire JSON Schemas) also without the ts target")
      .option("--no-wire-schemas", "do not write schema/, also with the ts target"),
  ).action(async (opts: Record<string, unknown>) => {
    const { generate } = await import("../codegen/generate.js");
    const result = await generate({
      cwd: io.cwd,
      ...overrides(opts),
      ...(typeof opts["out"] === "string" ? { out: opts["out"] } : {}),
      ...(typeof opts["target"] === "string" ? { targets: parseTargets(opts["target"]) } : {}),
      check: opts["check"] === true,
      ...(typeof opts["wireSchemas"] === "boolean" ? { wireSchemas: opts["wireSchemas"] } : {}),
    });
    printDiagnostics(io, result.warnings, "text");
    if (opts["check"] === true) {
      if (result.outdated.length > 0) {
        io.stderr.write(
          `generated code in ${result.out} is out of date (${result.outdated.length} files differ):\n${result.outdated
            .slice(0, 50)
            .map((p) => `  ${p}\n`)
            .join("")}run \`contractgen generate\` and commit the result\n`,
        );
        exitCode = EXIT.findings;
      } else {
        io.stdout.write(`generated code in ${result.out} is up to date (${result.files.length} files)\n`);
      }
      return;
    }
    io.stdout.write(
      `generated ${result.files.length} files in ${result.out} (${result.written} written, ${result.unchanged} unchanged, ${result.removed} removed)\n`,
    );
  });

  common(
    program
      .command("lint")
      .description(
        "Check the contracts: buf lint for proto; schema, $ref, manifest, example and naming checks for JSON Schema; <Method>.examples.json files of every service",
      )
      .addOption(
        new Option("-f, --format <format>", "output format")
          .choices(["text", "json", "github"])
          .default("text"),
      ),
  ).action(async (opts: Record<string, unknown>) => {
    const { lint } = await import("../codegen/lint.js");
    const result = await lint({ cwd: io.cwd, ...overrides(opts) });
    printDiagnostics(io, result.diagnostics, opts["format"] as Format);
    // Warnings (names on the wire, which a rename would break) are shown but do not fail the run.
    if (result.diagnostics.some(isErrorDiagnostic)) exitCode = EXIT.findings;
    else if (opts["format"] === "text" && result.diagnostics.length === 0)
      io.stdout.write("no problems found\n");
  });

  common(
    program
      .command("breaking")
      .description(
        "Report breaking changes against an older version: buf breaking for proto, a direction-aware checker for JSON Schema",
      )
      .option(
        "--against <ref>",
        "git branch, tag or commit (main, origin/main, HEAD~1), buf's .git#branch=main form, or a directory; repeat it to check against several",
        (value: string, list: string[]) => [...list, value],
        [] as string[],
      )
      .option(
        "--against-tags <pattern>",
        "also check against every git tag matching the pattern (e.g. 'v*'), oldest first",
      )
      .addOption(
        new Option(
          "--direction <direction>",
          "direction of schemas no manifest references (default: both)",
        ).choices(["request", "response", "both"]),
      )
      .addOption(
        new Option("-f, --format <format>", "output format")
          .choices(["text", "json", "github", "junit"])
          .default("text"),
      )
      .addHelpText("after", "\nExit codes: 0 no breaking change, 1 breaking changes, 2 bad input or usage."),
  ).action(async (opts: Record<string, unknown>) => {
    const { checkBreaking, formatReport, isBreakingError } = await import("../codegen/breaking/index.js");
    try {
      const report = await checkBreaking({
        cwd: io.cwd,
        ...overrides(opts),
        against: opts["against"] as string[],
        ...(typeof opts["againstTags"] === "string" ? { againstTags: opts["againstTags"] } : {}),
        ...(typeof opts["direction"] === "string"
          ? { direction: opts["direction"] as "request" | "response" | "both" }
          : {}),
      });
      io.stdout.write(formatReport(report, opts["format"] as ReportFormat));
      exitCode = report.breaking ? EXIT.findings : EXIT.ok;
    } catch (e) {
      // Bad input (unknown ref, shallow clone, invalid contracts or config) is exit 2 for this command.
      if (isBreakingError(e)) {
        io.stderr.write(`error: ${e.message}\n`);
        exitCode = EXIT.usage;
      } else if (isContractError(e)) {
        printDiagnostics(io, e.diagnostics, "text");
        exitCode = EXIT.usage;
      } else throw e;
    }
  });

  common(
    program
      .command("test")
      .description(
        "Run the same cases against every implementation of the contracts, check each answer against the contract and compare the implementations",
      )
      .option(
        "--impl <name=url>",
        "an implementation already running (repeatable); replaces the configured ones",
        (v: string, acc: string[]) => [...acc, v],
        [] as string[],
      )
      .addOption(
        new Option("-f, --format <format>", "report format")
          .choices([...TEST_REPORT_FORMATS])
          .default("text"),
      )
      .option("-o, --out <file>", "write the report to a file; the text report still goes to stdout")
      .option("--seed <n>", "seed of the generated cases (printed by every run)")
      .option("--shard <i/n>", "run only shard i of n (parallel CI jobs)")
      .option("--only <glob>", "run only the cases whose id matches (`*` matches anything)")
      .option("--timeout <ms>", "per-call timeout in milliseconds (default 5000 or test.callTimeoutMs)")
      .addHelpText("after", "\nExit codes: 0 all cases pass, 1 failures, 2 harness or configuration error."),
  ).action(async (opts: Record<string, unknown>) => {
    try {
      const seed = opts["seed"] === undefined ? undefined : Number(opts["seed"]);
      if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32))
        throw new CommanderError(
          2,
          "contractgen.seed",
          `--seed: expected an integer 0 to 4294967295, found ${String(opts["seed"])}`,
        );
      const timeout = opts["timeout"] === undefined ? undefined : Number(opts["timeout"]);
      if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1))
        throw new CommanderError(
          2,
          "contractgen.timeout",
          `--timeout: expected a positive integer, found ${String(opts["timeout"])}`,
        );
      const { runContractTests } = await import("../codegen/contract-test/index.js");
      const result = await runContractTests({
        cwd: io.cwd,
        ...overrides(opts),
        impls: (opts["impl"] as string[]).map(parseImplFlag),
        ...(seed !== undefined ? { seed } : {}),
        ...(typeof opts["shard"] === "string" ? { shard: parseShard(opts["shard"]) } : {}),
        ...(typeof opts["only"] === "string" ? { only: opts["only"] } : {}),
        ...(timeout !== undefined ? { callTimeoutMs: timeout } : {}),
        ...(io.stderr === process.stderr ? { progress: process.stderr } : {}),
      });
      const format = opts["format"] as TestReportFormat;
      if (typeof opts["out"] === "string") {
        const { writeFileSync } = await import("node:fs");
        const { resolve } = await import("node:path");
        writeFileSync(resolve(io.cwd, opts["out"]), formatTestReport(result, format));
        io.stdout.write(formatTestReport(result, "text"));
        io.stdout.write(`report written to ${opts["out"]}\n`);
      } else {
        io.stdout.write(formatTestReport(result, format));
      }
      exitCode = result.failures.some((f) => !f.known) ? EXIT.findings : EXIT.ok;
    } catch (e) {
      if (isHarnessError(e)) {
        io.stderr.write(`error: ${e.message}\n`);
        exitCode = EXIT.usage;
      } else if (e instanceof CommanderError) {
        io.stderr.write(`error: ${e.message}\n`);
        exitCode = EXIT.usage;
      } else if (isContractError(e)) {
        printDiagnostics(io, e.diagnostics, "text");
        exitCode = EXIT.usage;
      } else throw e;
    }
  });

  registerServePhp(program, io, (code) => {
    exitCode = code;
  });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (isContractError(e)) {
      const usage = e.code === "config";
      printDiagnostics(io, e.diagnostics, "text");
      return usage ? EXIT.usage : EXIT.findings;
    }
    io.stderr.write(`contractgen: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env["CONTRACTGEN_DEBUG"] && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    else io.stderr.write("set CONTRACTGEN_DEBUG=1 for a stack trace, and please report it\n");
    return EXIT.internal;
  }
}

function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[], format: Format): void {
  if (format === "json") {
    io.stdout.write(`${JSON.stringify({ diagnostics }, null, 2)}\n`);
    return;
  }
  for (const d of diagnostics) {
    if (format === "github") {
      const props = [
        d.location?.file ? `file=${escapeProperty(d.location.file)}` : "",
        d.location?.line ? `line=${d.location.line}` : "",
        d.location?.column ? `col=${d.location.column}` : "",
        `title=${escapeProperty(d.rule ?? d.code)}`,
      ].filter((p) => p !== "");
      const pointer = d.location?.pointer !== undefined ? ` (at #${d.location.pointer})` : "";
      const level = isErrorDiagnostic(d) ? "error" : "warning";
      io.stdout.write(`::${level} ${props.join(",")}::${escapeData(d.message + pointer)}\n`);
    } else {
      io.stderr.write(`${d.severity ?? "error"}: ${formatDiagnostic(d)}\n`);
    }
  }
}

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
