/**
 * The `test` section of contractgen.config.json: the implementations to run the contract tests against,
 * ignores for volatile response paths and known failures per implementation (docs/contract-tests.md).
 */

/** How the harness decides that a started implementation accepts calls. */
export interface ReadinessCheck {
  /** Path requested with GET until the server answers with any HTTP status below 500. Default `/`. */
  readonly path?: string;
  /** How long to wait, in milliseconds. Default 10,000. */
  readonly timeoutMs?: number;
}

/** One implementation of the contracts under test. */
export interface ImplementationConfig {
  /** Short name shown in reports (`php`, `ts`). */
  readonly name: string;
  /** Shell command that starts the server; `{port}` is replaced by a free port on 127.0.0.1. */
  readonly start?: string;
  /** Base URL of an implementation that is already running (instead of `start`). */
  readonly url?: string;
  /** Working folder of `start`, relative to the config file. Default: the config file's folder. */
  readonly cwd?: string;
  /** Extra environment of `start`; values may use `{port}`. */
  readonly env?: Readonly<Record<string, string>>;
  readonly ready?: ReadinessCheck;
}

/** A response path left out of the differential comparison (ids, timestamps). */
export interface TestIgnore {
  /** JSON pointer into the response; a `*` segment matches any key or index. */
  readonly path: string;
  /** `Service/Method` glob (full service name; `*` matches anything); all methods when absent. */
  readonly method?: string;
  readonly reason?: string;
}

/** The `test` section of the config file. */
export interface TestConfig {
  readonly implementations?: readonly ImplementationConfig[];
  readonly ignore?: readonly TestIgnore[];
  /** Implementation name → case id globs that are known to fail there (reported, not counted). */
  readonly knownFailures?: Readonly<Record<string, readonly string[]>>;
  /** Folder of scenario files (`*.scenario.json`), relative to the config file. */
  readonly scenarios?: string;
  /** Per-call timeout in milliseconds. Default 5,000. */
  readonly callTimeoutMs?: number;
  /** Random valid requests generated per method, on top of the systematic variants. Default 3. */
  readonly randomCases?: number;
  /** Calls in flight per implementation. Default 4. */
  readonly concurrency?: number;
  /**
   * Shrinking of failing generated cases: most runs per case (default 50) and per test run (default
   * 400); a run sends the request to every implementation. `false` turns shrinking off.
   */
  readonly shrink?: false | ShrinkBudget;
}

/** Budgets of shrinking, in runs of a case (one call per implementation each). */
export interface ShrinkBudget {
  readonly perCase?: number;
  readonly total?: number;
}

const TEST_KEYS = [
  "implementations",
  "ignore",
  "knownFailures",
  "scenarios",
  "callTimeoutMs",
  "randomCases",
  "concurrency",
  "shrink",
];
const IMPL_KEYS = ["name", "start", "url", "cwd", "env", "ready"];

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Validates the `test` section; `fail` throws with a JSON pointer into the config file and a message
 * saying what was expected and found.
 */
export function checkTestSection(value: unknown, fail: (pointer: string, message: string) => never): void {
  if (!isObj(value)) fail("/test", "expected an object with implementations, ignore and knownFailures");
  const t = value as Record<string, unknown>;
  for (const key of Object.keys(t))
    if (!TEST_KEYS.includes(key))
      fail(`/test/${key}`, `unknown key ${JSON.stringify(key)}; expected one of ${TEST_KEYS.join(", ")}`);
  const positive = (key: string): void => {
    const v = t[key];
    if (
      v !== undefined &&
      (typeof v !== "number" || !Number.isInteger(v) || v < (key === "randomCases" ? 0 : 1))
    )
      fail(`/test/${key}`, `expected a positive integer, found ${JSON.stringify(v)}`);
  };
  positive("callTimeoutMs");
  positive("randomCases");
  positive("concurrency");
  const shrink = t["shrink"];
  if (shrink !== undefined && shrink !== false) {
    if (!isObj(shrink))
      fail("/test/shrink", `expected false or { perCase, total }, found ${JSON.stringify(shrink)}`);
    for (const [k, v] of Object.entries(shrink as Record<string, unknown>)) {
      if (k !== "perCase" && k !== "total")
        fail(`/test/shrink/${k}`, `unknown key ${JSON.stringify(k)}; expected perCase or total`);
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
        fail(`/test/shrink/${k}`, `expected a non-negative integer, found ${JSON.stringify(v)}`);
    }
  }
  if (t["scenarios"] !== undefined && typeof t["scenarios"] !== "string")
    fail("/test/scenarios", "expected a folder path");
  const impls = t["implementations"];
  if (impls !== undefined) {
    if (!Array.isArray(impls)) fail("/test/implementations", "expected an array of { name, start | url }");
    const names = new Set<string>();
    (impls as unknown[]).forEach((impl, i) => {
      const at = `/test/implementations/${i}`;
      if (!isObj(impl)) fail(at, "expected an object { name, start | url, env, ready }");
      const o = impl as Record<string, unknown>;
      for (const key of Object.keys(o))
        if (!IMPL_KEYS.includes(key))
          fail(`${at}/${key}`, `unknown key ${JSON.stringify(key)}; expected one of ${IMPL_KEYS.join(", ")}`);
      if (typeof o["name"] !== "string" || !/^[A-Za-z0-9_.-]+$/.test(o["name"]))
        fail(`${at}/name`, `expected a name of letters, digits, _ . -, found ${JSON.stringify(o["name"])}`);
      if (names.has(o["name"] as string))
        fail(`${at}/name`, `duplicate implementation name ${JSON.stringify(o["name"])}`);
      names.add(o["name"] as string);
      const hasStart = o["start"] !== undefined;
      const hasUrl = o["url"] !== undefined;
      if (hasStart === hasUrl) fail(at, "expected exactly one of start (a command with {port}) and url");
      if (hasStart && (typeof o["start"] !== "string" || !o["start"].includes("{port}")))
        fail(`${at}/start`, `expected a command containing {port}, found ${JSON.stringify(o["start"])}`);
      if (hasUrl && (typeof o["url"] !== "string" || !/^https?:\/\/[^\s]+$/.test(o["url"])))
        fail(`${at}/url`, `expected an http:// URL, found ${JSON.stringify(o["url"])}`);
      if (o["cwd"] !== undefined && typeof o["cwd"] !== "string") fail(`${at}/cwd`, "expected a folder path");
      if (o["env"] !== undefined) {
        if (!isObj(o["env"])) fail(`${at}/env`, "expected an object of strings");
        for (const [k, v] of Object.entries(o["env"] as Record<string, unknown>))
          if (typeof v !== "string") fail(`${at}/env/${k}`, `expected a string, found ${JSON.stringify(v)}`);
      }
      if (o["ready"] !== undefined) {
        const r = o["ready"];
        if (!isObj(r)) fail(`${at}/ready`, "expected an object { path, timeoutMs }");
        for (const key of Object.keys(r))
          if (key !== "path" && key !== "timeoutMs")
            fail(`${at}/ready/${key}`, `unknown key ${JSON.stringify(key)}; expected path or timeoutMs`);
        if (r["path"] !== undefined && (typeof r["path"] !== "string" || !r["path"].startsWith("/")))
          fail(`${at}/ready/path`, `expected a path starting with /, found ${JSON.stringify(r["path"])}`);
        const ms = r["timeoutMs"];
        if (ms !== undefined && (typeof ms !== "number" || !Number.isInteger(ms) || ms < 1))
          fail(`${at}/ready/timeoutMs`, `expected a positive integer, found ${JSON.stringify(ms)}`);
      }
    });
  }
  const ignore = t["ignore"];
  if (ignore !== undefined) {
    if (!Array.isArray(ignore)) fail("/test/ignore", "expected an array of { path, method, reason }");
    (ignore as unknown[]).forEach((e, i) => {
      const at = `/test/ignore/${i}`;
      if (!isObj(e)) fail(at, "expected an object { path, method, reason }");
      const o = e as Record<string, unknown>;
      for (const key of Object.keys(o))
        if (!["path", "method", "reason"].includes(key))
          fail(`${at}/${key}`, `unknown key ${JSON.stringify(key)}; expected path, method or reason`);
      if (typeof o["path"] !== "string" || !o["path"].startsWith("/"))
        fail(`${at}/path`, `expected a JSON pointer such as "/id", found ${JSON.stringify(o["path"])}`);
      if (o["method"] !== undefined && typeof o["method"] !== "string")
        fail(`${at}/method`, "expected a string");
      if (o["reason"] !== undefined && typeof o["reason"] !== "string")
        fail(`${at}/reason`, "expected a string");
    });
  }
  const known = t["knownFailures"];
  if (known !== undefined) {
    if (!isObj(known))
      fail("/test/knownFailures", 'expected an object such as { "php": ["*/Quote valid#*"] }');
    for (const [name, list] of Object.entries(known as Record<string, unknown>))
      if (!Array.isArray(list) || list.some((x) => typeof x !== "string" || x === ""))
        fail(`/test/knownFailures/${name}`, "expected an array of case id globs");
  }
}
