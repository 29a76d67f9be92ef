/**
 * Reports of a run: text (every failure with its reproducer and the seed), JSON, JUnit XML and a
 * self-contained HTML page (html.ts).
 */
import { HarnessError } from "./errors.js";
import { formatHtml } from "./html.js";
import type { ContractTestResult, Failure, Shrunk } from "./index.js";

/** Output formats of `contractgen test`. */
export type TestReportFormat = "text" | "json" | "junit" | "html";

/** The formats, for the CLI's choices. */
export const TEST_REPORT_FORMATS: readonly TestReportFormat[] = ["text", "json", "junit", "html"];

/** Counts of a run. */
export interface TestCounts {
  readonly cases: number;
  /** Case × implementation pairs that passed every check. */
  readonly passed: number;
  readonly failed: number;
  readonly known: number;
}

/** Counts pass/fail over case × implementation pairs. */
export function countResults(result: ContractTestResult): TestCounts {
  const pairs = result.cases.reduce((n, c) => n + Object.keys(c.answers).length, 0);
  const failed = result.failures.filter((f) => !f.known).length;
  const known = result.failures.filter((f) => f.known).length;
  return { cases: result.cases.length, passed: pairs - failed - known, failed, known };
}

/** Generated, kept and skipped case counts over every method. */
export interface GenerationCounts {
  readonly generated: number;
  readonly kept: number;
  readonly skipped: number;
  readonly byKind: {
    readonly valid: { generated: number; kept: number };
    readonly invalid: { generated: number; kept: number };
    readonly phpShape: { generated: number; kept: number };
  };
}

/** Sums the generation of every method. */
export function countGeneration(result: ContractTestResult): GenerationCounts {
  const byKind = {
    valid: { generated: 0, kept: 0 },
    invalid: { generated: 0, kept: 0 },
    phpShape: { generated: 0, kept: 0 },
  };
  let skipped = 0;
  for (const m of result.generation ?? []) {
    for (const k of ["valid", "invalid", "phpShape"] as const) {
      byKind[k].generated += m.generated[k];
      byKind[k].kept += m.kept[k];
    }
    skipped += m.skipped.length;
  }
  const generated = byKind.valid.generated + byKind.invalid.generated + byKind.phpShape.generated;
  const kept = byKind.valid.kept + byKind.invalid.kept + byKind.phpShape.kept;
  return { generated, kept, skipped, byKind };
}

/** The line that sums up case generation (`generated 812 cases …: 812 kept, 0 skipped`). */
export function generationLine(result: ContractTestResult): string {
  const g = countGeneration(result);
  const k = g.byKind;
  return `generated ${g.generated} cases (valid ${k.valid.generated}, invalid ${k.invalid.generated}, php-shape ${k.phpShape.generated}): ${g.kept} kept, ${g.skipped} skipped`;
}

/** `412 → 37 bytes in 9 steps (23 runs, 46 calls)…`: how a failing request was shrunk. */
export function shrunkLine(s: Shrunk): string {
  const to = s.bytes < s.originalBytes ? `shrunk to ${s.bytes} bytes` : "simplified (smaller numbers)";
  return `the generated request (${s.originalBytes} bytes) ${to} in ${s.steps} steps (${s.runs} runs, ${s.calls} calls); the reproducer sends the minimal one, the generated one is in the JSON report (cases[].shrunk.original)`;
}

/** The command line that re-runs one case with the same seed (and the same config file). */
export function rerunCommand(result: ContractTestResult, caseId: string): string {
  const config = result.config !== undefined ? ` -c ${shellArg(result.config)}` : "";
  return `contractgen test${config} --seed ${result.seed} --only ${shellArg(caseId)}`;
}

function shellArg(s: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The text report: each failure with its messages, the reproducer and the seed, then a summary. */
export function formatText(result: ContractTestResult): string {
  const out: string[] = [];
  const byCase = new Map(result.cases.map((c) => [c.id, c]));
  const section = (title: string, list: readonly Failure[]) => {
    if (list.length === 0) return;
    out.push(`${title}:`, "");
    for (const f of list) {
      const c = byCase.get(f.caseId);
      out.push(`✗ ${f.impl}  ${f.caseId}${c ? ` — ${c.label}` : ""}`);
      for (const p of f.problems) out.push(`    ${p.check}: ${p.message}`);
      if (f.shrunk) out.push(`    shrunk:    ${shrunkLine(f.shrunk)}`);
      out.push(`    reproduce: ${f.reproducer}`);
      out.push(`    re-run:    ${rerunCommand(result, f.caseId)}`, "");
    }
  };
  section(
    "failures",
    result.failures.filter((f) => !f.known),
  );
  section(
    "known failures (not counted)",
    result.failures.filter((f) => f.known),
  );
  for (const k of result.fixedKnownFailures)
    out.push(
      `notice: known failure ${JSON.stringify(k.pattern)} of ${k.impl} now passes; remove it from test.knownFailures`,
    );
  const skipped = (result.generation ?? []).flatMap((m) =>
    m.skipped.map((x) => ({ method: m.method, ...x })),
  );
  if (skipped.length > 0) {
    out.push("skipped cases (generated, not sent):");
    for (const x of skipped.slice(0, 20)) out.push(`  - ${x.method} ${x.kind} ${x.label}: ${x.reason}`);
    if (skipped.length > 20) out.push(`  … and ${skipped.length - 20} more (--format json lists them all)`);
    out.push("");
  }
  const n = countResults(result);
  const impls = result.implementations.map((i) => `${i.name} (${i.url})`).join(", ");
  out.push(
    `${n.cases} cases × ${result.implementations.length} implementations [${impls}]: ${n.passed} passed, ${n.failed} failed${n.known > 0 ? `, ${n.known} known failures` : ""}`,
    generationLine(result),
    `seed ${result.seed}${result.shard ? `, shard ${result.shard.index}/${result.shard.count}` : ""}; ${result.timing.calls} calls in ${Math.round(result.timing.wallMs)} ms`,
  );
  return `${out.join("\n")}\n`;
}

/** The JSON report: the whole result plus counts. */
export function formatJson(result: ContractTestResult): string {
  return `${JSON.stringify({ ...countResults(result), generationCounts: countGeneration(result), ...result }, null, 2)}\n`;
}

const xml = (s: string) =>
  s
    .replace(
      /[&<>"']/g,
      (c) => `&${({ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" } as const)[c as "&"]};`,
    )
    // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "\ufffd");

/** JUnit XML: one test suite per implementation, one test case per case. */
export function formatJunit(result: ContractTestResult): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"];
  for (const impl of result.implementations) {
    const failures = new Map(result.failures.filter((f) => f.impl === impl.name).map((f) => [f.caseId, f]));
    const cases = result.cases.filter((c) => c.answers[impl.name] !== undefined);
    const failed = [...failures.values()].filter((f) => !f.known).length;
    out.push(
      `  <testsuite name="${xml(impl.name)}" tests="${cases.length}" failures="${failed}" skipped="${failures.size - failed}">`,
    );
    for (const c of cases) {
      const f = failures.get(c.id);
      const time = ((c.answers[impl.name]?.ms ?? 0) / 1000).toFixed(3);
      out.push(
        `    <testcase classname="${xml(`${c.service}.${c.method}`)}" name="${xml(`${c.id}: ${c.label}`)}" time="${time}">`,
      );
      if (f) {
        const text = [
          ...f.problems.map((p) => `${p.check}: ${p.message}`),
          ...(f.shrunk ? [`shrunk: ${shrunkLine(f.shrunk)}`] : []),
          `reproduce: ${f.reproducer}`,
          `seed: ${result.seed}`,
        ].join("\n");
        if (f.known)
          out.push(`      <skipped message="${xml(`known failure: ${f.problems[0]?.message ?? ""}`)}"/>`);
        else out.push(`      <failure message="${xml(f.problems[0]?.message ?? "")}">${xml(text)}</failure>`);
      }
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return `${out.join("\n")}\n`;
}

/** The report of a run in `format`. */
export function formatTestReport(result: ContractTestResult, format: TestReportFormat): string {
  switch (format) {
    case "json":
      return formatJson(result);
    case "junit":
      return formatJunit(result);
    case "html":
      return formatHtml(result);
    default:
      return formatText(result);
  }
}

/** Parses `--impl name=http://127.0.0.1:8080`. */
export function parseImplFlag(value: string): { name: string; url: string } {
  const m = /^([A-Za-z0-9_.-]+)=(https?:\/\/\S+)$/.exec(value);
  if (!m)
    throw new HarnessError(
      "config",
      `--impl ${JSON.stringify(value)}: expected name=url such as php=http://127.0.0.1:8080`,
    );
  return { name: m[1] as string, url: m[2] as string };
}

/** Parses `--shard 2/4`. */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw new HarnessError(
      "config",
      `--shard ${JSON.stringify(value)}: expected i/n with 1 ≤ i ≤ n, such as 2/4`,
    );
  return { index, count };
}
