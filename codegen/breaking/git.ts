import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { BreakingError } from "./model.js";

/** What `--against` names. */
export type AgainstSource =
  | { readonly kind: "directory"; readonly dir: string }
  | { readonly kind: "git"; readonly repo: string; readonly ref: string; readonly subdir: string };

/**
 * Parses `--against`: buf's git form (`.git#branch=main`, `../repo/.git#tag=v1,subdir=api`), an existing
 * directory, or else a git ref (`main`, `origin/main`, `HEAD~1`, a tag or a commit) of the repository
 * holding `cwd`.
 */
export function parseAgainst(value: string, cwd: string): AgainstSource {
  if (value.trim() === "") throw new BreakingError("bad_against", "--against needs a git ref or a directory");
  const hash = value.indexOf("#");
  const base = hash >= 0 ? value.slice(0, hash) : value;
  if (base === ".git" || base.endsWith("/.git") || (hash >= 0 && base.endsWith(".git"))) {
    const options = new Map<string, string>();
    for (const part of (hash >= 0 ? value.slice(hash + 1) : "").split(",")) {
      if (part.trim() === "") continue;
      const eq = part.indexOf("=");
      if (eq < 0)
        throw new BreakingError(
          "bad_against",
          `--against ${value}: expected key=value after "#", found ${JSON.stringify(part)}`,
        );
      options.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    for (const key of options.keys()) {
      if (!["branch", "tag", "ref", "commit", "subdir", "depth", "recurse_submodules"].includes(key))
        throw new BreakingError(
          "bad_against",
          `--against ${value}: unknown option ${JSON.stringify(key)}; expected branch, tag, ref, subdir or depth`,
        );
    }
    const ref =
      options.get("branch") ?? options.get("tag") ?? options.get("ref") ?? options.get("commit") ?? "HEAD";
    const repoPath = resolve(cwd, base);
    const repo = base === ".git" || base.endsWith("/.git") ? dirname(repoPath) : repoPath;
    return { kind: "git", repo, ref, subdir: options.get("subdir") ?? "" };
  }
  const dir = resolve(cwd, value);
  if (existsSync(dir) && statSync(dir).isDirectory()) return { kind: "directory", dir };
  return { kind: "git", repo: cwd, ref: value, subdir: "" };
}

interface GitResult {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

function git(args: readonly string[], cwd: string, stdin?: string): Promise<GitResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("git", args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (cause) =>
      reject(
        new BreakingError(
          "git_failed",
          `cannot run git: ${cause.message}; install git or pass a directory to --against`,
          { cause },
        ),
      ),
    );
    child.on("close", (code) =>
      resolvePromise({
        code: code ?? 1,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
    child.stdin.end(stdin);
  });
}

/** A hint naming the `git fetch` that brings `ref` into a shallow or partial clone. */
function fetchHint(ref: string, shallow: boolean): string {
  const remote = /^([A-Za-z0-9._-]+)\/(.+)$/.exec(ref);
  if (remote && !ref.startsWith("refs/")) {
    return `run \`git fetch ${remote[1]} ${remote[2]}:refs/remotes/${remote[1]}/${remote[2]}\`${shallow ? " (or `git fetch --unshallow`)" : ""}; in GitHub Actions check out with \`fetch-depth: 0\``;
  }
  if (/[~^]/.test(ref))
    return "run `git fetch --unshallow` (or `git fetch --deepen=<n>`); in GitHub Actions check out with `fetch-depth: 0`";
  return `run \`git fetch origin ${ref}\`${shallow ? " (or `git fetch --unshallow`)" : ""}; in GitHub Actions check out with \`fetch-depth: 0\``;
}

/** The repository top level and the path of `dir` inside it. */
export async function gitLocation(dir: string): Promise<{ top: string; prefix: string }> {
  const top = await git(["rev-parse", "--show-toplevel"], dir);
  if (top.code !== 0)
    throw new BreakingError(
      "bad_against",
      `${dir} is not inside a git repository (git: ${top.stderr.trim()}); pass a directory to --against, or run in a clone`,
    );
  const root = top.stdout.toString("utf8").trim();
  const prefix = relative(root, dir).split(sep).join("/");
  return { top: root, prefix };
}

/** Resolves `ref` to a commit, with a precise message when it is missing (a shallow clone says how to fetch it). */
export async function resolveCommit(repo: string, ref: string): Promise<string> {
  if (ref.startsWith("-"))
    throw new BreakingError("bad_ref", `--against ${ref}: a git ref cannot start with "-"`);
  const r = await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], repo);
  if (r.code === 0) return r.stdout.toString("utf8").trim();
  const shallow =
    (await git(["rev-parse", "--is-shallow-repository"], repo)).stdout.toString("utf8").trim() === "true";
  if (shallow)
    throw new BreakingError(
      "shallow_clone",
      `git ref ${ref} is not in this shallow clone; ${fetchHint(ref, true)}`,
    );
  throw new BreakingError(
    "bad_ref",
    `unknown git ref ${JSON.stringify(ref)}: expected a branch, tag or commit of ${repo} (or a directory); if it exists on the remote, ${fetchHint(ref, false)}`,
  );
}

/**
 * Writes the files below `paths` (repository-relative folders, `""` = everything) whose names end with
 * one of `suffixes` (or equal one of `names`), as they are in `commit`, into a new temporary folder.
 * Reads blobs with `git ls-tree` + `git cat-file --batch`: the working tree and index are not touched.
 */
export async function extractTree(
  repo: string,
  commit: string,
  paths: readonly string[],
  accept: (path: string) => boolean,
): Promise<string> {
  const list = await git(
    ["ls-tree", "-r", "-z", commit, "--", ...paths.map((p) => (p === "" ? "." : p))],
    repo,
  );
  if (list.code !== 0)
    throw new BreakingError("git_failed", `git ls-tree ${commit} failed: ${list.stderr.trim()}`);
  const entries: { oid: string; path: string }[] = [];
  for (const record of list.stdout.toString("utf8").split("\0")) {
    if (record === "") continue;
    const tab = record.indexOf("\t");
    const [mode, type, oid] = record.slice(0, tab).split(" ");
    const path = record.slice(tab + 1);
    if (type !== "blob" || mode === "120000" || !oid || !accept(path)) continue;
    entries.push({ oid, path });
  }
  const dir = await mkdtemp(join(tmpdir(), "contractgen-against-"));
  if (entries.length === 0) return dir;
  const batch = await git(["cat-file", "--batch"], repo, entries.map((e) => `${e.oid}\n`).join(""));
  if (batch.code !== 0) throw new BreakingError("git_failed", `git cat-file failed: ${batch.stderr.trim()}`);
  const data = batch.stdout;
  let pos = 0;
  for (const entry of entries) {
    const nl = data.indexOf(10, pos);
    const header = data.subarray(pos, nl).toString("utf8");
    const size = Number(header.split(" ")[2]);
    if (!Number.isFinite(size))
      throw new BreakingError("git_failed", `git cat-file: unexpected output ${JSON.stringify(header)}`);
    const content = data.subarray(nl + 1, nl + 1 + size);
    pos = nl + 1 + size + 1;
    const target = join(dir, ...entry.path.split("/"));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return dir;
}

/**
 * The tags of `repo` whose names match the glob `pattern` (`*` any characters, `?` one; git's own
 * `fnmatch`), oldest version first (`v1.2.0` before `v1.10.0`).
 */
export async function listTags(repo: string, pattern: string): Promise<string[]> {
  const r = await git(["tag", "--list", "--sort=v:refname", "--end-of-options", pattern], repo);
  if (r.code !== 0) throw new BreakingError("git_failed", `git tag --list failed: ${r.stderr.trim()}`);
  return r.stdout
    .toString("utf8")
    .split("\n")
    .map((t) => t.trim())
    .filter((t) => t !== "");
}
