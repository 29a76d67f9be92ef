/**
 * End to end: a temporary git repository (real git) with two commits of the example contracts, and the
 * real CLI binary (`node dist/cli/bin.js breaking --against HEAD~1`) in every format. The breaking
 * commit removes a required response field, narrows an enum read by a request and renames a proto
 * field; the safe commit adds an optional request field and widens an enum read by a request.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { checkBreaking } from "../codegen/breaking/index.js";
import { lint } from "../codegen/lint.js";
import { CLI, ROOT, run } from "./helpers.js";

const FORMATS = ["text", "json", "github", "junit"] as const;
const BREAKING_RULES = ["PROPERTY_REMOVED", "ENUM_VALUE_REMOVED", "FIELD_SAME_JSON_NAME"];

const RESPONSE = "contracts/jsonschema/shop/stats/v1/get_daily_report_response.schema.json";
const REQUEST = "contracts/jsonschema/shop/stats/v1/track_event_request.schema.json";
const USER_PROTO = "contracts/proto/shop/user/v1/user.proto";

let base: string;
const dirs: string[] = [];

async function git(cwd: string, ...args: string[]): Promise<string> {
  const r = await run(
    "git",
    ["-c", "user.name=contractgen test", "-c", "user.email=test@example.com", ...args],
    {
      cwd,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0" },
    },
  );
  if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** The parts of an example schema file the edits touch. */
interface SchemaFile {
  properties: Record<string, unknown>;
  required: string[];
  $defs: Record<string, { enum: string[] }>;
  [keyword: string]: unknown;
}

async function editJson(dir: string, path: string, edit: (json: SchemaFile) => void): Promise<void> {
  const json = JSON.parse(await readFile(join(dir, path), "utf8")) as SchemaFile;
  edit(json);
  await writeFile(join(dir, path), `${JSON.stringify(json, null, 2)}\n`);
}

async function editText(dir: string, path: string, from: string, to: string): Promise<void> {
  const text = await readFile(join(dir, path), "utf8");
  if (!text.includes(from)) throw new Error(`${path} does not contain ${from}`);
  await writeFile(join(dir, path), text.replace(from, to));
}

/** A git repository whose first commit is a copy of the example contracts. */
async function repoWithExamples(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "contractgen-breaking-e2e-"));
  dirs.push(dir);
  await cp(join(ROOT, "contracts"), join(dir, "contracts"), { recursive: true });
  await cp(join(ROOT, "buf.yaml"), join(dir, "buf.yaml"));
  await git(dir, "init", "-q", "-b", "main");
  await git(dir, "add", ".");
  await git(dir, "commit", "-q", "-m", "contracts");
  return dir;
}

async function breakingCommit(dir: string): Promise<void> {
  await editJson(dir, RESPONSE, (j) => {
    delete j.properties["complete"];
    j.required = j.required.filter((r) => r !== "complete");
  });
  await editJson(dir, REQUEST, (j) => {
    j.$defs["PaymentMethod"]!.enum = j.$defs["PaymentMethod"]!.enum.filter((v) => v !== "wallet");
  });
  await editText(dir, USER_PROTO, "string display_name = 3;", "string full_name = 3;");
  await git(dir, "commit", "-q", "-am", "breaking");
}

async function safeCommit(dir: string): Promise<void> {
  await editJson(dir, REQUEST, (j) => {
    j.properties["pageTitle"] = { description: "Title of the page.", type: "string", maxLength: 200 };
    j.$defs["PaymentMethod"]!.enum.push("gift_card");
  });
  await git(dir, "commit", "-q", "-am", "safe");
}

function cli(cwd: string, ...args: string[]) {
  return run(process.execPath, [CLI, "breaking", ...args], { cwd });
}

/** A small XML well-formedness check: balanced tags, quoted attributes, only known entities. */
function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  for (;;) {
    m = tag.exec(body);
    if (!m) break;
    pos = tag.lastIndex;
    if (m[5] !== undefined) {
      expect(m[5].replace(/&(amp|lt|gt|quot|apos);/g, "")).not.toMatch(/[&<]/);
      continue;
    }
    expect(m[3] ?? "").not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    if (m[1] === "/") expect(stack.pop()).toBe(m[2]);
    else if (m[4] !== "/") stack.push(m[2]!);
  }
  expect(pos).toBe(body.length);
  expect(stack).toEqual([]);
}

beforeAll(async () => {
  base = await repoWithExamples();
  await breakingCommit(base);
}, 60_000);

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("contractgen breaking, end to end", () => {
  test.concurrent.each(FORMATS)("a breaking pull request fails in format %s", async (format) => {
    const status = await git(base, "status", "--porcelain");
    const r = await cli(base, "--against", "HEAD~1", "--format", format);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    for (const rule of BREAKING_RULES) expect(r.stdout).toContain(rule);
    // The old contracts are read from git objects: the working tree and index are untouched.
    expect(await git(base, "status", "--porcelain")).toBe(status);
    if (format === "json") {
      const report = JSON.parse(r.stdout);
      expect(report.breaking).toBe(true);
      const byRule = new Map(report.findings.map((f: { rule: string }) => [f.rule, f]));
      expect(byRule.get("PROPERTY_REMOVED")).toMatchObject({
        kind: "jsonschema",
        file: RESPONSE,
        direction: "response",
        severity: "error",
        pointer: "/properties",
      });
      expect(byRule.get("ENUM_VALUE_REMOVED")).toMatchObject({
        file: REQUEST,
        direction: "request",
        pointer: "/$defs/PaymentMethod/enum",
      });
      expect(byRule.get("FIELD_SAME_JSON_NAME")).toMatchObject({ kind: "proto", file: USER_PROTO });
    }
    if (format === "github") {
      const annotations = r.stdout.split("\n").filter((l) => l.startsWith("::"));
      expect(annotations.length).toBeGreaterThanOrEqual(3);
      for (const a of annotations)
        expect(a).toMatch(/^::error file=[^,:]+,line=\d+(,col=\d+)?,title=[A-Z_]+::\S/);
      expect(r.stdout).toContain(`::error file=${USER_PROTO},line=47,col=3,title=FIELD_SAME_JSON_NAME::`);
    }
    if (format === "junit") {
      assertWellFormedXml(r.stdout);
      expect(r.stdout).toMatch(/<testsuites [^>]*failures="[1-9]\d*"/);
      expect(r.stdout).toContain("&quot;complete&quot;");
    }
    if (format === "text") {
      expect(r.stdout).toMatch(
        new RegExp(
          `^${RESPONSE.replace(/\./g, "\\.")}:\\d+#/properties: error PROPERTY_REMOVED \\[jsonschema, response\\]`,
          "m",
        ),
      );
    }
  });

  test("safe changes pass in every format (optional request field added, request enum widened)", async () => {
    const dir = await repoWithExamples();
    await safeCommit(dir);
    const results = await Promise.all(FORMATS.map((f) => cli(dir, "--against", "HEAD~1", "--format", f)));
    for (const r of results) {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
    expect(results[0]!.stdout).toBe("no breaking changes against HEAD~1\n");
    expect(JSON.parse(results[1]!.stdout)).toMatchObject({ breaking: false, findings: [], ignored: [] });
    assertWellFormedXml(results[3]!.stdout);
  });

  test("buf's .git#branch= form and a directory work as --against", async () => {
    await git(base, "branch", "-f", "base", "HEAD~1");
    const viaBuf = await checkBreaking({ cwd: base, against: ".git#branch=base" });
    const viaRef = await checkBreaking({ cwd: base, against: "base" });
    expect(viaBuf.findings).toEqual(viaRef.findings);
    const old = await mkdtemp(join(tmpdir(), "contractgen-breaking-dir-"));
    dirs.push(old);
    await cp(join(ROOT, "contracts"), join(old, "contracts"), { recursive: true });
    await cp(join(ROOT, "buf.yaml"), join(old, "buf.yaml"));
    const viaDir = await checkBreaking({ cwd: base, against: old });
    expect(viaDir.findings.map((f) => f.rule)).toEqual(viaRef.findings.map((f) => f.rule));
  });

  test("ignores from the config and from the schema are applied and listed", async () => {
    const dir = await repoWithExamples();
    await breakingCommit(dir);
    await writeFile(
      join(dir, "contractgen.config.json"),
      JSON.stringify({
        breaking: {
          ignore: [
            {
              rule: ["FIELD_SAME_JSON_NAME", "FIELD_SAME_NAME"],
              path: "contracts/proto/**",
              reason: "renamed before any client shipped",
            },
          ],
        },
      }),
    );
    await editJson(dir, RESPONSE, (j) => {
      j["x-contractgen-breaking-ignore"] = ["PROPERTY_REMOVED"];
    });
    const report = await checkBreaking({ cwd: dir, against: "HEAD~1" });
    expect(report.findings.map((f) => f.rule)).toEqual(["ENUM_VALUE_REMOVED"]);
    // The ignore keyword is an annotation: lint (ajv in strict mode) accepts it.
    const linted = await lint({ cwd: dir, proto: false });
    expect(linted.diagnostics).toEqual([]);
    expect(report.ignored.map((i) => [i.finding.rule, i.ignoredBy])).toEqual(
      expect.arrayContaining([
        ["PROPERTY_REMOVED", `${RESPONSE}#/x-contractgen-breaking-ignore`],
        ["FIELD_SAME_JSON_NAME", `${join(dir, "contractgen.config.json")}#/breaking/ignore/0`],
      ]),
    );
    const text = await cli(dir, "--against", "HEAD~1");
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("ignored:");
    expect(text.stdout).toContain("renamed before any client shipped");
    const gh = await cli(dir, "--against", "HEAD~1", "--format", "github");
    expect(gh.stdout).toMatch(/^::notice file=.*title=ignored PROPERTY_REMOVED::/m);
  });

  test("bad input exits 2 with a precise message", async () => {
    const unknown = await cli(base, "--against", "no-such-branch");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown git ref "no-such-branch"');
    const missing = await cli(base);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--against");
    const format = await cli(base, "--against", "HEAD~1", "--format", "xml");
    expect(format.code).toBe(2);
    const direction = await cli(base, "--against", "HEAD~1", "--direction", "sideways");
    expect(direction.code).toBe(2);
    const shallow = await mkdtemp(join(tmpdir(), "contractgen-breaking-shallow-"));
    dirs.push(shallow);
    await git(shallow, "clone", "-q", "--depth", "1", `file://${base}`, "clone");
    const r = await cli(join(shallow, "clone"), "--against", "HEAD~1");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("shallow clone");
    expect(r.stderr).toContain("git fetch");
    const remote = await cli(join(shallow, "clone"), "--against", "origin/base");
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain("git fetch origin base:refs/remotes/origin/base");
  });

  test("an invalid breaking section in the config exits 2 naming the JSON pointer", async () => {
    const dir = await repoWithExamples();
    await writeFile(
      join(dir, "contractgen.config.json"),
      JSON.stringify({ breaking: { ignore: [{ reason: "x" }] } }),
    );
    const r = await cli(dir, "--against", "HEAD");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("#/breaking/ignore/0");
    expect(r.stderr).toContain("needs a rule, a path or both");
  });
});
