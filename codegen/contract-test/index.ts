/**
 * `contractgen test`: runs the same cases against every implementation of the contracts, checks each
 * answer against the contract and compares the implementations with each other (docs/contract-tests.md).
 */
import { resolve } from "node:path";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { type ConfigOverrides, resolveConfig } from "../config.js";
import { isContractError } from "../errors.js";
import { loadContracts } from "../load/index.js";
import type { MethodDecl, ServiceDecl } from "../model/types.js";
import { type JsonSchema, wireId, wireSchemas } from "../wire/index.js";
import { checkExpectation, type Expectation, type Problem, ResponseChecker } from "./checks.js";
import type { ImplementationConfig, ShrinkBudget, TestConfig } from "./config.js";
import { compareAnswers, type Divergence, pointerSegments } from "./differential.js";
import { HarnessError } from "./errors.js";
import { contractFolders, fileExamples, schemaExamples } from "./examples.js";
import { generateCases, RequestGenerator, relatedPath, type SkippedCase, type Validate } from "./generate.js";
import { type CallResult, call, createAgent } from "./http.js";
import { phpShapeCases } from "./php-shapes.js";
import { attach, type RunningImplementation, start, withSignalCleanup } from "./process.js";
import { ProtoCanonical } from "./proto-canonical.js";
import { createRng } from "./rng.js";
import { atPointer, interpolate, readScenarios, type Scenario } from "./scenarios.js";
import { SchemaIndex } from "./schema-walk.js";
import { failureKey, SHRINK_MAX_BYTES, shrink, sizeOf } from "./shrink.js";

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

/** Options of {@link runContractTests}; only `cwd` is required. */
export interface ContractTestOptions extends ConfigOverrides {
  readonly cwd: string;
  /** Implementations already running (`--impl name=url`); they replace the configured ones. */
  readonly impls?: readonly { readonly name: string; readonly url: string }[];
  /** PRNG seed of the generated cases. Default: a random one, printed in the report. */
  readonly seed?: number;
  /** Run only shard `index` (1-based) of `count`. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Only cases whose id matches this glob (`*` matches anything). */
  readonly only?: string;
  /** Where the live progress line goes; written only when it is a TTY. */
  readonly progress?: NodeJS.WriteStream;
  readonly callTimeoutMs?: number;
  readonly concurrency?: number;
  readonly randomCases?: number;
  /** Shrinking budgets (runs per failing case and per test run), or `false`; overrides `test.shrink`. */
  readonly shrink?: false | ShrinkBudget;
}

/** What kind of case. */
export type CaseKind = "example" | "valid" | "invalid" | "php-shape" | "scenario";

/** One implementation's answer to one case. */
export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** `ok`, the Connect error code, `http_<status>` for a non-Connect error, `none` without an answer. */
  readonly code: string;
  readonly ms: number;
  readonly problems: readonly Problem[];
}

/** One case and every implementation's answer. */
export interface CaseResult {
  /** Stable id (`fixture.acct.v1.AccountService/Quote valid 3`), matched by known failures and `--only`. */
  readonly id: string;
  readonly service: string;
  readonly method: string;
  readonly kind: CaseKind;
  /** What the case varies or where it comes from. */
  readonly label: string;
  /** The request sent, per implementation (scenario steps interpolate captured values). */
  readonly requests: Readonly<Record<string, unknown>>;
  readonly answers: Readonly<Record<string, Answer>>;
  readonly divergence?: Divergence;
  /** The request body as sent, when it is not the JSON of the request (PHP-shape cases). */
  readonly body?: string;
  /** The failing generated request was shrunk: `requests` and `answers` are the minimal run's. */
  readonly shrunk?: Shrunk;
}

/** How a failing case was shrunk. */
export interface Shrunk {
  /** The request as generated. */
  readonly original: unknown;
  /** Bytes of the original and of the minimal request's JSON. */
  readonly originalBytes: number;
  readonly bytes: number;
  /** Reductions accepted. */
  readonly steps: number;
  /** Runs of the case spent shrinking, and the calls they made (a run calls every implementation). */
  readonly runs: number;
  readonly calls: number;
}

/** What case generation produced for one method. */
export interface MethodGeneration {
  /** `full.Service/Method`. */
  readonly method: string;
  /** Candidates generated (duplicates removed), per kind. */
  readonly generated: { readonly valid: number; readonly invalid: number; readonly phpShape: number };
  /** Cases kept and sent, per kind. */
  readonly kept: { readonly valid: number; readonly invalid: number; readonly phpShape: number };
  /** Candidates not sent, each with the reason. */
  readonly skipped: readonly SkippedCase[];
}

/** A failing case on one implementation. */
export interface Failure {
  readonly caseId: string;
  readonly impl: string;
  readonly problems: readonly Problem[];
  /** Matched a known-failure glob of the implementation. */
  readonly known: boolean;
  /** A shell command that sends the same request (the minimal one when the case was shrunk). */
  readonly reproducer: string;
  readonly shrunk?: Shrunk;
}

/** The result of a run. */
export interface ContractTestResult {
  readonly seed: number;
  /** The config file given with `-c`, as given (repeated by the re-run command). */
  readonly config?: string;
  readonly shard?: { readonly index: number; readonly count: number };
  readonly implementations: readonly { readonly name: string; readonly url: string }[];
  readonly cases: readonly CaseResult[];
  /** Failures not known (they fail the run) and known ones (reported only). */
  readonly failures: readonly Failure[];
  /** Known-failure globs that matched no failure: the failure is fixed and the entry can go. */
  readonly fixedKnownFailures: readonly { readonly impl: string; readonly pattern: string }[];
  /** Case generation per method: generated, kept and skipped counts, and why each skipped one was. */
  readonly generation: readonly MethodGeneration[];
  /** The run was interrupted (Ctrl-C): the cases run so far. */
  readonly interrupted?: boolean;
  readonly timing: {
    /** Starting the implementations. */
    readonly startupMs: number;
    /** Running the cases. */
    readonly wallMs: number;
    /** Time during which at least one call was waiting on a server. */
    readonly serverMs: number;
    readonly calls: number;
    /** Shrinking failing cases (after the cases): its time and the runs of cases it spent. */
    readonly shrinkMs?: number;
    readonly shrinkRuns?: number;
  };
}

interface Unit {
  readonly id: string;
  readonly run: () => Promise<CaseResult[]>;
}

interface MethodInfo {
  readonly service: ServiceDecl;
  readonly method: MethodDecl;
  readonly path: string;
}

/**
 * Runs the contract tests. Throws a {@link HarnessError} (or a ContractError for the contracts or the
 * config) when the run cannot happen; failing cases are in the result. Started implementations are
 * stopped, with all their children, whatever happens.
 */
export async function runContractTests(options: ContractTestOptions): Promise<ContractTestResult> {
  const config = resolveConfig(options.cwd, options);
  const test: TestConfig = config.test ?? {};
  const seed = (options.seed ?? Math.floor(Math.random() * 2 ** 31)) >>> 0;
  const callTimeoutMs = options.callTimeoutMs ?? test.callTimeoutMs ?? 5000;
  const concurrency = options.concurrency ?? test.concurrency ?? 4;
  const randomCases = options.randomCases ?? test.randomCases ?? 3;
  const implConfigs: readonly ImplementationConfig[] =
    options.impls && options.impls.length > 0 ? options.impls : (test.implementations ?? []);
  if (implConfigs.length === 0)
    throw new HarnessError(
      "config",
      'no implementations: add "test": { "implementations": [...] } to contractgen.config.json or pass --impl name=url',
    );
  if (options.shard && (options.shard.index < 1 || options.shard.index > options.shard.count))
    throw new HarnessError(
      "config",
      `--shard ${options.shard.index}/${options.shard.count}: expected i/n with 1 ≤ i ≤ n`,
    );

  const loaded = await loadContracts(config);
  const schemas = wireSchemas(loaded);
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const s of schemas.values()) ajv.addSchema(s as object);
  const validatorOf = (name: string) => ajv.getSchema(wireId(name));
  const validateOf = (name: string): Validate => {
    const v = validatorOf(name);
    return (x) => (!v || v(x) === true ? null : (v.errors ?? []));
  };
  const validators: Record<string, (v: unknown) => boolean> = {};
  for (const name of schemas.keys()) {
    const v = validatorOf(name);
    if (v) validators[name] = v as (v: unknown) => boolean;
  }
  const checker = new ResponseChecker([...schemas.values()], validators);
  const canon = new ProtoCanonical(loaded.model.decls);
  const index = new SchemaIndex(schemas.values());
  const rng = createRng(seed);
  const gen = new RequestGenerator(index, rng);

  const methods = new Map<string, MethodInfo>();
  for (const service of loaded.model.services.values())
    for (const method of service.methods)
      if (!method.clientStreaming && !method.serverStreaming)
        methods.set(`${service.fullName}/${method.name}`, {
          service,
          method,
          path: `/${service.fullName}/${method.name}`,
        });

  const scenarios: Scenario[] = test.scenarios
    ? readScenarios(resolve(config.root, test.scenarios), config.root, new Set(methods.keys()))
    : [];
  const ignores = (test.ignore ?? []).map((i) => ({ method: i.method, segs: pointerSegments(i.path) }));
  const ignoredFor = (name: string) =>
    ignores.filter((i) => !i.method || globMatch(i.method, name)).map((i) => i.segs);
  const roots = [config.root, ...(config.protoRoot ? [config.protoRoot] : [])];

  // Build the cases first (deterministic for a seed), then shard and filter them.
  interface StatelessCase {
    readonly id: string;
    readonly info: MethodInfo;
    readonly kind: CaseKind;
    readonly label: string;
    readonly request: unknown;
    readonly expect: Expectation;
    /** The body sent, when it is not the JSON of `request`. */
    readonly body?: string;
    /** For PHP-shape cases: the pitfall code and the path of the PHP shape. */
    readonly shape?: { readonly pitfall?: string; readonly path: string };
  }
  const stateless: StatelessCase[] = [];
  const generation: MethodGeneration[] = [];
  for (const [name, info] of methods) {
    const root = index.root(wireId(info.method.input));
    const folders = contractFolders(info.service, roots);
    const examples = [
      ...schemaExamples(root?.schema as JsonSchema | undefined, info.method.input),
      ...fileExamples(folders, info.method.name, config.root),
    ];
    for (const [i, e] of examples.entries())
      stateless.push({
        id: `${name} example ${i}`,
        info,
        kind: "example",
        label: `${e.label} (${e.source})`,
        request: e.request,
        expect: {
          code: e.code ?? (e.response !== undefined ? "ok" : "not_invalid_argument"),
          why: `example ${e.source}`,
          ...(e.response !== undefined ? { body: e.response } : {}),
        },
      });
    if (!root) continue;
    const validate = validateOf(info.method.input);
    const node = index.deref(root);
    const { valid, invalid, skipped, generated, full, minimal } = generateCases(
      gen,
      node,
      randomCases,
      validate,
    );
    const shapes = phpShapeCases(gen, index, node, [full, minimal], validate);
    generation.push({
      method: name,
      generated: { ...generated, phpShape: shapes.generated },
      kept: { valid: valid.length, invalid: invalid.length, phpShape: shapes.cases.length },
      skipped: [...skipped, ...shapes.skipped],
    });
    for (const [i, g] of valid.entries())
      stateless.push({
        id: `${name} valid ${i}`,
        info,
        kind: "valid",
        label: g.label,
        request: g.value,
        expect: { code: "not_invalid_argument", why: `the request is valid: ${g.label}` },
      });
    for (const [i, g] of invalid.entries())
      stateless.push({
        id: `${name} invalid ${i}`,
        info,
        kind: "invalid",
        label: g.label,
        request: g.value,
        expect: {
          code: "invalid_argument",
          why: `the request is invalid: ${g.label}`,
          violationAt: { path: g.path, owners: g.owners },
        },
      });
    for (const [i, g] of shapes.cases.entries())
      stateless.push({
        id: `${name} php-shape ${i}`,
        info,
        kind: "php-shape",
        label: g.label,
        request: g.value,
        body: g.body,
        shape: { ...(g.pitfall ? { pitfall: g.pitfall } : {}), path: g.path },
        expect: { code: "any", why: `the same value in a PHP shape: ${g.label}` },
      });
  }

  const agent = createAgent();
  let inFlight = 0;
  let busySince = 0;
  let serverMs = 0;
  let calls = 0;
  const timed = async (impl: RunningImplementation, path: string, body: string): Promise<CallResult> => {
    const dead = impl.exited();
    if (dead) throw new HarnessError("crashed", `${dead}`, impl.name);
    if (inFlight++ === 0) busySince = performance.now();
    calls++;
    try {
      const r = await call(agent, impl.url, path, body, callTimeoutMs);
      if (r.transportError !== undefined && !r.timedOut && !r.markedDown) {
        // A refused or reset connection: tell a crashed or vanished implementation from one bad answer.
        await new Promise((done) => setTimeout(done, 100));
        const gone = impl.exited();
        if (gone) throw new HarnessError("crashed", `${gone}`, impl.name);
        if (/ECONNREFUSED/.test(r.transportError))
          throw new HarnessError(
            "not_running",
            `implementation ${impl.name} at ${impl.url} stopped accepting connections (${r.transportError})`,
            impl.name,
          );
      }
      return r;
    } finally {
      if (--inFlight === 0) serverMs += performance.now() - busySince;
    }
  };

  const running: RunningImplementation[] = [];
  const startedAt = performance.now();
  // What Ctrl-C prints: how far the run got, the failing cases so far and how to re-run it.
  const progressState = { done: 0, total: 0, results: [] as CaseResult[][] };
  const onInterrupt = (signal: NodeJS.Signals) => {
    const cases = progressState.results.flat().filter((c) => c !== undefined);
    const failing = cases.filter(
      (c) => c.divergence !== undefined || Object.values(c.answers).some((a) => a.problems.length > 0),
    );
    const config = options.config !== undefined ? ` -c ${shellQuote(options.config)}` : "";
    const lines = [
      "",
      `interrupted (${signal}) after ${progressState.done} of ${progressState.total} units of work; every implementation was stopped`,
      ...failing.slice(0, 20).map((c) => `  ✗ ${c.id} — ${c.label}`),
      ...(failing.length > 20 ? [`  … and ${failing.length - 20} more failing cases`] : []),
      `${cases.length} cases run, ${failing.length} with a failure; seed ${seed}`,
      `re-run: contractgen test${config} --seed ${seed}`,
      "",
    ];
    process.stderr.write(lines.join("\n"));
  };
  return withSignalCleanup(async () => {
    try {
      const started = await Promise.allSettled(
        implConfigs.map((c) => (c.url !== undefined ? attach(c.name, c.url) : start(c, config.root))),
      );
      for (const s of started) if (s.status === "fulfilled") running.push(s.value);
      const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
      if (failed) throw failed.reason;
      const startupMs = performance.now() - startedAt;

      const answerOf = (info: MethodInfo, r: CallResult, expect: Expectation) => {
        const read = checker.read(
          r,
          info.method.output,
          info.service.fullName,
          info.method.name,
          callTimeoutMs,
        );
        const problems = [...read.problems, ...checkExpectation(read, expect)];
        const answer: Answer = {
          status: r.status,
          contentType: r.contentType,
          body: r.body,
          code: read.code,
          ms: r.ms,
          problems,
        };
        return { answer, value: read.value, clean: problems.length === 0 };
      };
      const finish = (
        id: string,
        info: MethodInfo,
        kind: CaseKind,
        label: string,
        requests: Record<string, unknown>,
        results: { impl: string; answer: Answer; value: unknown; clean: boolean }[],
        extra: { body?: string; shape?: { pitfall?: string; path: string } } = {},
      ): CaseResult => {
        const name = `${info.service.fullName}/${info.method.name}`;
        const acceptance = extra.shape ? acceptanceDivergence(results, extra.shape, label) : undefined;
        const divergence =
          acceptance ??
          compareAnswers(
            results
              .filter((x) => x.answer.code !== "none")
              .map((x) => ({
                impl: x.impl,
                code: x.answer.code,
                value: x.value,
                repaired:
                  x.answer.code === "ok"
                    ? canon.message(info.method.output, checker.repaired(info.method.output, x.value))
                    : x.value,
                clean: x.clean,
              })),
            ignoredFor(name),
          );
        return {
          id,
          service: info.service.fullName,
          method: info.method.name,
          kind,
          label,
          requests,
          answers: Object.fromEntries(results.map((x) => [x.impl, x.answer])),
          ...(divergence ? { divergence } : {}),
          ...(extra.body !== undefined ? { body: extra.body } : {}),
        };
      };

      /** Runs one stateless case, with its own request or (shrinking) another one. */
      const runStateless = async (c: StatelessCase, request: unknown = c.request): Promise<CaseResult> => {
        {
          const body = request === c.request && c.body !== undefined ? c.body : JSON.stringify(request);
          const results = await Promise.all(
            running.map(async (impl) => ({
              impl: impl.name,
              ...answerOf(c.info, await timed(impl, c.info.path, body), c.expect),
            })),
          );
          // A generated request every implementation rejects alike breaks a rule the wire schema does not
          // express (a protovalidate rule, a business rule): agreement is what this case can check.
          const rejectedByAll =
            c.kind === "valid" && results.every((x) => x.answer.code === "invalid_argument");
          const kept = rejectedByAll
            ? results.map((x) => ({
                ...x,
                answer: { ...x.answer, problems: x.answer.problems.filter((p) => p.check !== "expectation") },
              }))
            : results;
          const label = rejectedByAll
            ? `${c.label} (rejected by every implementation: a rule the wire schema does not express)`
            : c.label;
          return finish(
            c.id,
            c.info,
            c.kind,
            label,
            Object.fromEntries(running.map((i) => [i.name, request])),
            kept,
            {
              ...(c.body !== undefined && request === c.request ? { body: c.body } : {}),
              ...(c.shape ? { shape: c.shape } : {}),
            },
          );
        }
      };
      const units: Unit[] = stateless.map((c) => ({ id: c.id, run: async () => [await runStateless(c)] }));
      for (const sc of scenarios) {
        units.push({
          id: `scenario ${sc.name}`,
          run: async () => {
            const vars = new Map(running.map((i) => [i.name, new Map<string, unknown>()]));
            const out: CaseResult[] = [];
            for (const [i, step] of sc.steps.entries()) {
              const info = methods.get(step.call) as MethodInfo;
              const requests: Record<string, unknown> = {};
              const results = await Promise.all(
                running.map(async (impl) => {
                  const own = vars.get(impl.name) ?? new Map<string, unknown>();
                  const request = interpolate(step.request, own);
                  const expect: Expectation = {
                    code: step.expect.code,
                    why: `scenario ${sc.file} step ${i}`,
                    ...(step.expect.body !== undefined ? { body: interpolate(step.expect.body, own) } : {}),
                  };
                  requests[impl.name] = request;
                  const a = answerOf(info, await timed(impl, info.path, JSON.stringify(request)), expect);
                  for (const [k, p] of Object.entries(step.capture))
                    vars.get(impl.name)?.set(k, atPointer(a.value, p));
                  return { impl: impl.name, ...a };
                }),
              );
              out.push(
                finish(
                  `scenario ${sc.name} step ${i}`,
                  info,
                  "scenario",
                  `${sc.name}: ${step.call}`,
                  requests,
                  results,
                ),
              );
            }
            return out;
          },
        });
      }
      const selected = units
        .filter((_, i) => !options.shard || i % options.shard.count === options.shard.index - 1)
        .filter(
          (u) => !options.only || globMatch(options.only, u.id) || options.only.startsWith(`${u.id} step `),
        );

      const caseResults: CaseResult[][] = new Array(selected.length);
      progressState.total = selected.length;
      progressState.results = caseResults;
      const runStarted = performance.now();
      let next = 0;
      let done = 0;
      const tty = options.progress?.isTTY === true ? options.progress : undefined;
      // The first harness error stops every worker from taking more work; the error ends the run.
      let aborted = false;
      const worker = async () => {
        while (next < selected.length && !aborted) {
          const i = next++;
          try {
            caseResults[i] = await (selected[i] as Unit).run();
          } catch (e) {
            aborted = true;
            throw e;
          }
          done++;
          progressState.done = done;
          tty?.write(`\r\x1b[K[${done}/${selected.length}] ${selected[i]?.id.slice(0, 70) ?? ""}`);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, selected.length)) }, worker));
      if (tty) tty.write("\r\x1b[K");
      const wallMs = performance.now() - runStarted;

      const known = test.knownFailures ?? {};
      // A glob matches the case id, or the id with its label (`… invalid 5 — /userId: sent under both names …`),
      // so a known failure can name what a case checks rather than its position.
      const knownPattern = (c: CaseResult, impl: string) =>
        (known[impl] ?? []).find((p) => globMatch(p, c.id) || globMatch(p, `${c.id} — ${c.label}`));

      // Shrinking: a failing generated case (the first per method, implementation and set of failures) is
      // re-run with smaller requests until a minimal one that still fails the same way, within the budgets.
      const shrinkBudget =
        options.shrink === false || test.shrink === false
          ? { perCase: 0, total: 0 }
          : {
              perCase: options.shrink?.perCase ?? test.shrink?.perCase ?? 50,
              total: options.shrink?.total ?? test.shrink?.total ?? 400,
            };
      let shrinkRuns = 0;
      const shrinkStarted = performance.now();
      const shrunkKeys = new Set<string>();
      const byId = new Map(stateless.map((c) => [c.id, c]));
      for (const [i, list] of caseResults.entries()) {
        const c = list?.length === 1 ? list[0] : undefined;
        const sc = c ? byId.get(c.id) : undefined;
        if (!c || !sc || (sc.kind !== "valid" && sc.kind !== "invalid")) continue;
        if (shrinkRuns >= shrinkBudget.total || aborted) break;
        // The failures to keep: every problem of the first implementation that fails (not known), each
        // by its check, code and path; a smaller request is accepted only if it has all of them.
        const target = running
          .map((impl) => impl.name)
          .filter((impl) => knownPattern(c, impl) === undefined)
          .map((impl) => ({ impl, problems: problemsOf(c, impl) }))
          .find((t) => t.problems.length > 0);
        if (!target || target.problems.some((p) => p.check === "timeout" || p.check === "transport"))
          continue;
        if (sizeOf(sc.request) > SHRINK_MAX_BYTES) continue;
        const keys = [...new Set(target.problems.map(failureKey))].sort();
        const once = `${sc.info.path} ${target.impl} ${keys.join(" ")}`;
        if (shrunkKeys.has(once)) continue;
        shrunkKeys.add(once);
        const validate = validateOf(sc.info.method.input);
        const at = sc.expect.violationAt;
        let last: CaseResult = c;
        const r = await shrink({
          request: sc.request,
          budget: Math.min(shrinkBudget.perCase, shrinkBudget.total - shrinkRuns),
          admissible: (request) => {
            const errors = validate(request);
            if (!at) return errors === null;
            return errors?.every((e) => relatedPath(e.instancePath, at.path, at.owners, at.owners)) === true;
          },
          reproduces: async (request) => {
            const run = await runStateless(sc, request);
            const found = new Set(problemsOf(run, target.impl).map(failureKey));
            const same = keys.every((k) => found.has(k));
            if (same) last = run;
            return same;
          },
        });
        shrinkRuns += r.runs;
        if (r.steps === 0) continue;
        caseResults[i] = [
          {
            ...last,
            shrunk: {
              original: sc.request,
              originalBytes: sizeOf(sc.request),
              bytes: sizeOf(r.request),
              steps: r.steps,
              runs: r.runs,
              calls: r.runs * running.length,
            },
          },
        ];
      }
      const shrinkMs = performance.now() - shrinkStarted;
      const cases = caseResults.flat();
      const used = new Set<string>();
      const failures: Failure[] = [];
      for (const c of cases) {
        for (const impl of running) {
          const a = c.answers[impl.name];
          if (!a) continue;
          const problems = problemsOf(c, impl.name);
          if (problems.length === 0) continue;
          const pattern = knownPattern(c, impl.name);
          if (pattern) used.add(`${impl.name}\0${pattern}`);
          failures.push({
            caseId: c.id,
            impl: impl.name,
            problems,
            known: pattern !== undefined,
            reproducer: curlOf(impl.url, `/${c.service}/${c.method}`, c.requests[impl.name], c.body),
            ...(c.shrunk ? { shrunk: c.shrunk } : {}),
          });
        }
      }
      const fixedKnownFailures = Object.entries(known).flatMap(([impl, patterns]) =>
        running.some((r) => r.name === impl)
          ? patterns
              .filter(
                (p) =>
                  !used.has(`${impl}\0${p}`) &&
                  (selected.some((u) => globMatch(p, u.id)) ||
                    cases.some((c) => globMatch(p, c.id) || globMatch(p, `${c.id} — ${c.label}`))),
              )
              .map((pattern) => ({ impl, pattern }))
          : [],
      );
      return {
        seed,
        ...(options.config !== undefined ? { config: options.config } : {}),
        ...(options.shard ? { shard: options.shard } : {}),
        implementations: running.map((r) => ({ name: r.name, url: r.url })),
        cases,
        failures,
        fixedKnownFailures,
        generation,
        timing: { startupMs, wallMs, serverMs, calls, shrinkMs, shrinkRuns },
      };
    } catch (e) {
      if (e instanceof HarnessError || isContractError(e)) throw e;
      throw new HarnessError("config", `the run failed: ${(e as Error).message}`, undefined, { cause: e });
    } finally {
      agent.destroy();
      await Promise.all(running.map((r) => r.stop()));
    }
  }, onInterrupt);
}

/** The problems of one implementation's answer to a case, the divergence included when it is an outlier. */
function problemsOf(c: CaseResult, impl: string): Problem[] {
  const a = c.answers[impl];
  if (!a) return [];
  const problems: Problem[] = [...a.problems];
  if (c.divergence?.outliers.includes(impl))
    problems.push({
      check: c.divergence.kind === "acceptance" ? "acceptance" : "differential",
      code: c.divergence.code ?? c.divergence.kind,
      ...(c.divergence.path !== undefined ? { path: c.divergence.path } : {}),
      message: c.divergence.message,
    });
  return problems;
}

/** A glob over case ids and method names: `*` matches any run of characters. */
export function globMatch(glob: string, text: string): boolean {
  const re = new RegExp(
    `^${glob
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return re.test(text);
}

/** Shell-quotes one argument for sh (single quotes; a quote inside becomes '\''). */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A curl command that sends `request` (or the exact `body`) to `<url><path>` as Connect unary JSON. */
export function curlOf(url: string, path: string, request: unknown, body?: string): string {
  return `curl -sS -X POST ${shellQuote(`${url}${path}`)} -H 'content-type: application/json' -H 'connect-protocol-version: 1' --data-binary ${shellQuote(body ?? JSON.stringify(request) ?? "null")}`;
}

/**
 * Implementations that disagree on accepting a PHP-shape request: the larger group (on a tie, the group
 * of the implementation listed first) is the reference, the others are the outliers.
 */
function acceptanceDivergence(
  results: readonly { impl: string; answer: Answer }[],
  shape: { pitfall?: string; path: string },
  label: string,
): Divergence | undefined {
  const answered = results.filter((r) => r.answer.code !== "none");
  const accepts = answered.filter((r) => r.answer.code !== "invalid_argument");
  const rejects = answered.filter((r) => r.answer.code === "invalid_argument");
  if (accepts.length === 0 || rejects.length === 0) return undefined;
  const first = answered[0]?.impl;
  const acceptIsRef =
    accepts.length > rejects.length ||
    (accepts.length === rejects.length && accepts.some((a) => a.impl === first));
  const reference = acceptIsRef ? accepts : rejects;
  const outliers = acceptIsRef ? rejects : accepts;
  const said = (a: Answer) => {
    try {
      const m = (JSON.parse(a.body) as { message?: unknown }).message;
      return typeof m === "string" ? `: ${JSON.stringify(m.slice(0, 160))}` : "";
    } catch {
      return "";
    }
  };
  const parts = [
    ...accepts.map((a) => `${a.impl} accepts it (${a.answer.code})`),
    ...rejects.map((r) => `${r.impl} rejects it (invalid_argument${said(r.answer)})`),
  ];
  return {
    kind: "acceptance",
    ...(shape.pitfall ? { code: shape.pitfall } : {}),
    outliers: outliers.map((o) => o.impl),
    reference: reference.map((r) => r.impl),
    message: `acceptance divergence${shape.pitfall ? ` [${shape.pitfall}]` : ""} at ${shape.path || "/"} (${label.replace(/^[^:]*: /, "")}): ${parts.join(", ")}`,
  };
}
