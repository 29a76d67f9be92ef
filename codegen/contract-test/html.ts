/**
 * The self-contained HTML report: a matrix of methods × implementations, then each failure with its
 * request, the side-by-side answers of every implementation, the reproducer and the seed. Every value
 * from a contract or an answer goes through {@link escapeHtml}; the page loads nothing.
 */
import type { ContractTestResult } from "./index.js";
import { countResults, rerunCommand, shrunkLine } from "./report.js";

/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => `&${({ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" } as const)[c as "&"]};`,
  );
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
.pass{background:#e6f4ea}.fail{background:#fce8e6}.known{background:#fef7e0}
pre{white-space:pre-wrap;word-break:break-all;margin:0;font-size:12px;max-height:24em;overflow:auto}
.failure{border:1px solid #e0a0a0;margin:1em 0;padding:.5em 1em}code{font-size:12px}`;

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** The HTML report. */
export function formatHtml(result: ContractTestResult): string {
  const e = escapeHtml;
  const impls = result.implementations.map((i) => i.name);
  const methods = [...new Set(result.cases.map((c) => `${c.service}/${c.method}`))].sort();
  const n = countResults(result);
  const cell = (method: string, impl: string) => {
    const cases = result.cases.filter((c) => `${c.service}/${c.method}` === method && c.answers[impl]);
    const fails = result.failures.filter((f) => f.impl === impl && cases.some((c) => c.id === f.caseId));
    const hard = fails.filter((f) => !f.known).length;
    const cls = hard > 0 ? "fail" : fails.length > 0 ? "known" : "pass";
    return `<td class="${cls}">${cases.length - fails.length}/${cases.length} passed${hard > 0 ? `, <a href="#f-${e(encodeURIComponent(`${impl} ${method}`))}">${hard} failed</a>` : ""}${fails.length - hard > 0 ? `, ${fails.length - hard} known` : ""}</td>`;
  };
  const out: string[] = [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8"><title>contractgen test report</title>',
    `<style>${STYLE}</style></head><body>`,
    "<h1>Contract test report</h1>",
    `<p>${n.cases} cases × ${impls.length} implementations: <b>${n.passed} passed</b>, <b>${n.failed} failed</b>, ${n.known} known failures. Seed <code>${result.seed}</code>${result.shard ? `, shard ${result.shard.index}/${result.shard.count}` : ""}.</p>`,
    `<ul>${result.implementations.map((i) => `<li>${e(i.name)}: <code>${e(i.url)}</code></li>`).join("")}</ul>`,
    `<table><tr><th>method</th>${impls.map((i) => `<th>${e(i)}</th>`).join("")}</tr>`,
    ...methods.map((m) => `<tr><th><code>${e(m)}</code></th>${impls.map((i) => cell(m, i)).join("")}</tr>`),
    "</table>",
  ];
  for (const k of result.fixedKnownFailures)
    out.push(
      `<p class="known">notice: known failure <code>${e(k.pattern)}</code> of ${e(k.impl)} now passes.</p>`,
    );
  if (result.failures.length > 0) out.push("<h2>Failures</h2>");
  const anchored = new Set<string>();
  const byCase = new Map(result.cases.map((c) => [c.id, c]));
  for (const f of result.failures) {
    const c = byCase.get(f.caseId);
    if (!c) continue;
    const anchor = `${f.impl} ${c.service}/${c.method}`;
    const id = anchored.has(anchor) ? "" : ` id="f-${e(encodeURIComponent(anchor))}"`;
    anchored.add(anchor);
    out.push(
      `<div class="failure ${f.known ? "known" : "fail"}"${id}>`,
      `<h3>${e(f.impl)}: <code>${e(f.caseId)}</code>${f.known ? " (known)" : ""}</h3>`,
      `<p>${e(c.label)}</p><ul>${f.problems.map((p) => `<li><b>${e(p.check)}</b>: ${e(p.message)}</li>`).join("")}</ul>`,
      `<p>request:</p><pre>${e(JSON.stringify(c.requests[f.impl], null, 2) ?? "")}</pre>`,
      `<table><tr>${impls.map((i) => `<th>${e(i)}: ${e(c.answers[i] ? `HTTP ${c.answers[i].status} ${c.answers[i].contentType}` : "not called")}</th>`).join("")}</tr>`,
      `<tr>${impls.map((i) => `<td><pre>${e(c.answers[i] ? pretty(c.answers[i].body) : "")}</pre></td>`).join("")}</tr></table>`,
      `<p>${f.shrunk ? `shrunk: ${e(shrunkLine(f.shrunk))}<br>` : ""}reproduce: <code>${e(f.reproducer)}</code><br>re-run: <code>${e(rerunCommand(result, f.caseId))}</code></p>`,
      "</div>",
    );
  }
  out.push("</body></html>");
  return `${out.join("\n")}\n`;
}
