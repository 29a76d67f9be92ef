import type { BreakingFinding, BreakingReport } from "./model.js";

/** Output formats of `contractgen breaking`. */
export const REPORT_FORMATS = ["text", "json", "github", "junit"] as const;
/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Renders a report; every format lists the ignored findings too, so nothing is hidden. */
export function formatReport(report: BreakingReport, format: ReportFormat): string {
  switch (format) {
    case "text":
      return formatText(report);
    case "json":
      return `${JSON.stringify(toJson(report), null, 2)}\n`;
    case "github":
      return formatGithub(report);
    case "junit":
      return formatJunit(report);
  }
}

function where(f: BreakingFinding): string {
  let s = f.file;
  if (f.line !== undefined) {
    s += `:${f.line}`;
    if (f.column !== undefined) s += `:${f.column}`;
  }
  if (f.pointer !== undefined) s += `#${f.pointer}`;
  return s;
}

/** ` (possibly breaking: reason)` for an undecided finding, else nothing. */
function possibly(f: BreakingFinding): string {
  return f.possibly !== undefined ? ` (possibly breaking: ${f.possibly})` : "";
}

/** `, against REF` when the run checked several refs, else nothing. */
function versus(f: BreakingFinding): string {
  return f.against !== undefined ? `, against ${f.against}` : "";
}

function counts(report: BreakingReport): { errors: number; warnings: number; ignored: number } {
  const errors = report.findings.filter((f) => f.severity === "error").length;
  return { errors, warnings: report.findings.length - errors, ignored: report.ignored.length };
}

function summary(report: BreakingReport): string {
  const c = counts(report);
  const parts = [`${c.errors} breaking change${c.errors === 1 ? "" : "s"}`];
  if (c.warnings > 0) parts.push(`${c.warnings} warning${c.warnings === 1 ? "" : "s"}`);
  if (c.ignored > 0) parts.push(`${c.ignored} ignored`);
  return `${parts.join(", ")} against ${report.against}`;
}

function formatText(report: BreakingReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    lines.push(
      `${where(f)}: ${f.severity} ${f.rule} [${f.kind}, ${f.direction}${versus(f)}]: ${f.message}${possibly(f)}`,
    );
  }
  if (report.ignored.length > 0) {
    lines.push("ignored:");
    for (const i of report.ignored) {
      lines.push(
        `  ${where(i.finding)}: ${i.finding.rule}${i.finding.against !== undefined ? ` [against ${i.finding.against}]` : ""}: ${i.finding.message} (ignored by ${i.ignoredBy}${i.reason ? `: ${i.reason}` : ""})`,
      );
    }
  }
  lines.push(
    report.findings.length === 0 && report.ignored.length === 0
      ? `no breaking changes against ${report.against}`
      : summary(report),
  );
  return `${lines.join("\n")}\n`;
}

function toJson(report: BreakingReport): unknown {
  return {
    against: report.against,
    ...(report.targets ? { targets: report.targets } : {}),
    breaking: report.breaking,
    summary: counts(report),
    findings: report.findings,
    ignored: report.ignored,
  };
}

/** GitHub workflow commands: `%`, CR and LF escaped in data; also `:` and `,` in properties. */
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function annotation(
  command: "error" | "warning" | "notice",
  f: BreakingFinding,
  title: string,
  message: string,
): string {
  const props = [`file=${escapeProperty(f.file)}`];
  if (f.line !== undefined) props.push(`line=${f.line}`);
  if (f.column !== undefined) props.push(`col=${f.column}`);
  props.push(`title=${escapeProperty(title)}`);
  return `::${command} ${props.join(",")}::${escapeData(message)}`;
}

function formatGithub(report: BreakingReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const pointer = f.pointer !== undefined && f.pointer !== "" ? ` (at #${f.pointer})` : "";
    lines.push(
      annotation(f.severity, f, f.rule, `${f.message}${possibly(f)}${pointer} [${f.direction}${versus(f)}]`),
    );
  }
  for (const i of report.ignored) {
    lines.push(
      annotation(
        "notice",
        i.finding,
        `ignored ${i.finding.rule}`,
        `${i.finding.message} — ignored by ${i.ignoredBy}${i.reason ? `: ${i.reason}` : ""}`,
      ),
    );
  }
  lines.push(
    report.findings.length === 0 && report.ignored.length === 0
      ? `no breaking changes against ${report.against}`
      : summary(report),
  );
  return `${lines.join("\n")}\n`;
}

/** Escapes text for XML content and attribute values (also drops characters XML 1.0 forbids). */
export function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function formatJunit(report: BreakingReport): string {
  const c = counts(report);
  const cases: string[] = [];
  const name = (f: BreakingFinding): string =>
    `${f.rule} ${where(f)}${f.against !== undefined ? ` (against ${f.against})` : ""}`;
  for (const f of report.findings) {
    const body = `${f.message}${possibly(f)}\nrule: ${f.rule}\nkind: ${f.kind}\ndirection: ${f.direction}${f.against !== undefined ? `\nagainst: ${f.against}` : ""}\nat: ${where(f)}`;
    const tag = f.severity === "error" ? "failure" : "system-out";
    const attrs =
      f.severity === "error" ? ` message="${escapeXml(f.message)}" type="${escapeXml(f.rule)}"` : "";
    cases.push(
      `    <testcase classname="${escapeXml(f.file)}" name="${escapeXml(name(f))}">\n      <${tag}${attrs}>${escapeXml(body)}</${tag}>\n    </testcase>`,
    );
  }
  for (const i of report.ignored) {
    cases.push(
      `    <testcase classname="${escapeXml(i.finding.file)}" name="${escapeXml(name(i.finding))}">\n      <skipped message="${escapeXml(`ignored by ${i.ignoredBy}${i.reason ? `: ${i.reason}` : ""}`)}"/>\n    </testcase>`,
    );
  }
  if (cases.length === 0)
    cases.push(
      `    <testcase classname="contracts" name="${escapeXml(`no breaking changes against ${report.against}`)}"/>`,
    );
  const total = report.findings.length + report.ignored.length || 1;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="contractgen breaking" tests="${total}" failures="${c.errors}" skipped="${c.ignored}">`,
    `  <testsuite name="${escapeXml(`contractgen breaking --against ${report.against}`)}" tests="${total}" failures="${c.errors}" errors="0" skipped="${c.ignored}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
