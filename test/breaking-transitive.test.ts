/**
 * Transitive checks, with real git: one run against several refs (`--against` repeated) or against
 * every release tag matching a pattern (`--against-tags 'v*'`). The repository has three versions of
 * the example contracts: v1.0.0, v1.1.0 (an optional request field `pageTitle` with `maxLength: 200`)
 * and HEAD (`maxLength: 100`): HEAD breaks v1.1.0's clients but not v1.0.0's (which never sent the
 * field; the request object is closed, so adding it only widens).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { listTags } from "../codegen/breaking/git.js";
import { checkBreaking } from "../codegen/breaking/index.js";
import { CLI, ROOT, run } from "./helpers.js";

const REQUEST = "contracts/jsonschema/shop/stats/v1/track_event_request.schema.json";

let repo: string;
const dirs: string[] = [];

async function git(cwd: string, ...args: string[]): Promise<string> {
  const r = await run(
    "git",
    ["-c", "user.name=contractgen test", "-c", "user.email=test@example.com", ...args],
    { cwd, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0" } },
  );
  if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

async function setPageTitle(dir: string, maxLength: number): Promise<void> {
  const path = join(dir, REQUEST);
  const json = JSON.parse(await readFile(path, "utf8")) as { properties: Record<string, unknown> };
  json.properties["pageTitle"] = { description: "Title of the page.", type: "string", maxLength };
  await writeFile(path, `${JSON.stringify(json, null, 2)}\n`);
}

function cli(cwd: string, ...args: string[]) {
  return run(process.execPath, [CLI, "breaking", ...args], { cwd });
}

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), "contractgen-breaking-transitive-"));
  dirs.push(repo);
  await cp(join(ROOT, "contracts"), join(repo, "contracts"), { recursive: true });
  await cp(join(ROOT, "buf.yaml"), join(repo, "buf.yaml"));
  await git(repo, "init", "-q", "-b", "main");
  await git(repo, "add", ".");
  await git(repo, "commit", "-q", "-m", "v1.0.0");
  await git(repo, "tag", "v1.0.0");
  await setPageTitle(repo, 200);
  await git(repo, "commit", "-q", "-am", "v1.1.0");
  await git(repo, "tag", "v1.1.0");
  await git(repo, "tag", "nightly-1");
  await setPageTitle(repo, 100);
  await git(repo, "commit", "-q", "-am", "tighter title");
}, 60_000);

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("transitive checks", () => {
  test("--against repeated: each finding names the ref it breaks", async () => {
    const report = await checkBreaking({ cwd: repo, against: ["v1.0.0", "v1.1.0"], proto: false });
    expect(report.targets).toEqual(["v1.0.0", "v1.1.0"]);
    expect(report.against).toBe("v1.0.0, v1.1.0");
    expect(report.breaking).toBe(true);
    expect(report.findings.map((f) => [f.rule, f.against])).toEqual([["MAX_LENGTH_TIGHTENED", "v1.1.0"]]);
    const r = await cli(repo, "--against", "v1.0.0", "--against", "v1.1.0", "--no-proto");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error MAX_LENGTH_TIGHTENED \[jsonschema, request, against v1\.1\.0\]/);
    expect(r.stdout).not.toContain("against v1.0.0]");
    const json = await cli(repo, "--against", "v1.0.0", "--against", "v1.1.0", "--no-proto", "-f", "json");
    const parsed = JSON.parse(json.stdout) as { targets: string[]; findings: { against: string }[] };
    expect(parsed.targets).toEqual(["v1.0.0", "v1.1.0"]);
    expect(parsed.findings.map((f) => f.against)).toEqual(["v1.1.0"]);
  });

  test("one ref alone keeps the single-ref report (no labels)", async () => {
    const report = await checkBreaking({ cwd: repo, against: "v1.0.0", proto: false });
    expect(report.targets).toBeUndefined();
    expect(report.breaking).toBe(false);
    const single = await checkBreaking({ cwd: repo, against: ["v1.1.0"], proto: false });
    expect(single.findings.map((f) => [f.rule, f.against])).toEqual([["MAX_LENGTH_TIGHTENED", undefined]]);
  });

  test("--against-tags checks every matching release tag, oldest first", async () => {
    const report = await checkBreaking({ cwd: repo, againstTags: "v*", proto: false });
    expect(report.targets).toEqual(["v1.0.0", "v1.1.0"]);
    expect(report.findings.map((f) => f.against)).toEqual(["v1.1.0"]);
    const r = await cli(repo, "--against-tags", "v*", "--no-proto", "-f", "github");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error .*title=MAX_LENGTH_TIGHTENED::.*\[request, against v1\.1\.0\]$/m);
    // Combined with --against (HEAD~2 is v1.0.0's commit): the refs come in the order given, then the tags.
    const both = await checkBreaking({ cwd: repo, against: "HEAD~2", againstTags: "v1.1.*", proto: false });
    expect(both.targets).toEqual(["HEAD~2", "v1.1.0"]);
  });

  test("tags sort by version, and a pattern no tag matches is exit 2", async () => {
    await git(repo, "tag", "v1.10.0", "HEAD~1");
    await git(repo, "tag", "v1.2.0", "HEAD~1");
    try {
      expect(await listTags(repo, "v1.*")).toEqual(["v1.0.0", "v1.1.0", "v1.2.0", "v1.10.0"]);
    } finally {
      await git(repo, "tag", "-d", "v1.10.0", "v1.2.0");
    }
    const none = await cli(repo, "--against-tags", "release-*");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no git tag matches "release-*"');
    const neither = await cli(repo);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain("--against");
  });
});
