/**
 * Stateful scenarios: short JSON files (`*.scenario.json`) whose steps run in order against each
 * implementation, with values captured from earlier answers:
 *
 *     { "name": "create then get",
 *       "steps": [
 *         { "call": "fixture.acct.v1.AccountService/CreateAccount",
 *           "request": { "email": "ada@example.com", "name": "Ada" },
 *           "capture": { "accountId": "/id" } },
 *         { "call": "fixture.acct.v1.AccountService/GetAccount",
 *           "request": { "id": "${accountId}" },
 *           "expect": { "code": "ok", "body": { "name": "Ada" } } } ] }
 *
 * A string that is exactly `${name}` becomes the captured value (any JSON type); `${name}` inside a
 * longer string is replaced by its text. `expect.code` defaults to `ok`; `expect.body` is a subset match.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { HarnessError } from "./errors.js";

/** One step of a scenario. */
export interface ScenarioStep {
  /** `full.Service/Method`. */
  readonly call: string;
  readonly request: unknown;
  /** Name → JSON pointer into this step's response. */
  readonly capture: Readonly<Record<string, string>>;
  readonly expect: { readonly code: string; readonly body?: unknown };
}

/** A scenario file, read. */
export interface Scenario {
  readonly name: string;
  readonly file: string;
  readonly steps: readonly ScenarioStep[];
}

/** Reads every `*.scenario.json` in `dir` (sorted), checking each against `methods` (`Service/Method`). */
export function readScenarios(dir: string, root: string, methods: ReadonlySet<string>): Scenario[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith(".scenario.json"))
      .sort();
  } catch (e) {
    throw new HarnessError(
      "config",
      `cannot read the scenario folder: ${(e as Error).message}`,
      relative(root, dir) || ".",
    );
  }
  return names.map((n) =>
    parseScenario(readFileSync(join(dir, n), "utf8"), relative(root, join(dir, n)), methods),
  );
}

/** Parses one scenario file; `file` is used in messages. */
export function parseScenario(text: string, file: string, methods: ReadonlySet<string>): Scenario {
  const fail = (pointer: string, message: string): never => {
    throw new HarnessError("scenario_invalid", message, `${file}#${pointer}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail("", `invalid JSON: ${(e as Error).message}`);
  }
  const isObj = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObj(json)) return fail("", "expected an object { name, steps }");
  if (typeof json["name"] !== "string" || json["name"] === "") fail("/name", "expected a non-empty name");
  if (!Array.isArray(json["steps"]) || json["steps"].length === 0)
    fail("/steps", "expected a non-empty array of steps");
  const defined = new Set<string>();
  const steps = (json["steps"] as unknown[]).map((s, i): ScenarioStep => {
    const at = `/steps/${i}`;
    if (!isObj(s)) return fail(at, "expected an object { call, request, capture?, expect? }");
    for (const k of Object.keys(s))
      if (!["call", "request", "capture", "expect"].includes(k))
        fail(`${at}/${k}`, `unknown key ${JSON.stringify(k)}; expected call, request, capture or expect`);
    const callName = s["call"];
    if (typeof callName !== "string" || !methods.has(callName))
      fail(
        `${at}/call`,
        `expected a method of the contracts such as ${JSON.stringify([...methods][0] ?? "pkg.Service/Method")}, found ${JSON.stringify(callName)}`,
      );
    if (!("request" in s)) fail(`${at}/request`, "missing request");
    for (const used of variablesIn(s["request"]))
      if (!defined.has(used)) fail(`${at}/request`, `\${${used}} is not captured by an earlier step`);
    const capture: Record<string, string> = {};
    if (s["capture"] !== undefined) {
      if (!isObj(s["capture"])) fail(`${at}/capture`, 'expected an object such as { "orderId": "/id" }');
      for (const [k, v] of Object.entries(s["capture"] as Record<string, unknown>)) {
        if (typeof v !== "string" || (v !== "" && !v.startsWith("/")))
          fail(`${at}/capture/${k}`, `expected a JSON pointer such as "/id", found ${JSON.stringify(v)}`);
        capture[k] = v as string;
        defined.add(k);
      }
    }
    const e = s["expect"];
    if (e !== undefined && !isObj(e)) fail(`${at}/expect`, "expected an object { code, body }");
    const eo = (e ?? {}) as Record<string, unknown>;
    if (eo["code"] !== undefined && (typeof eo["code"] !== "string" || !/^[a-z_]+$/.test(eo["code"])))
      fail(`${at}/expect/code`, `expected "ok" or a Connect code, found ${JSON.stringify(eo["code"])}`);
    return {
      call: callName as string,
      request: s["request"],
      capture,
      expect: {
        code: (eo["code"] as string | undefined) ?? "ok",
        ...(eo["body"] !== undefined ? { body: eo["body"] } : {}),
      },
    };
  });
  return { name: json["name"] as string, file, steps };
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function variablesIn(v: unknown): string[] {
  if (typeof v === "string") return [...v.matchAll(VAR)].map((m) => m[1] as string);
  if (v !== null && typeof v === "object") return Object.values(v as object).flatMap(variablesIn);
  return [];
}

/** Replaces `${name}` in `v` with captured values. */
export function interpolate(v: unknown, vars: ReadonlyMap<string, unknown>): unknown {
  if (typeof v === "string") {
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(v);
    if (whole) return vars.get(whole[1] as string) ?? null;
    return v.replace(VAR, (_, name: string) => {
      const x = vars.get(name);
      return typeof x === "string" ? x : JSON.stringify(x ?? null);
    });
  }
  if (Array.isArray(v)) return v.map((x) => interpolate(x, vars));
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolate(x, vars)]));
  return v;
}

/** The value at a JSON pointer, or undefined. */
export function atPointer(value: unknown, pointer: string): unknown {
  let cur = value;
  for (const seg of pointer.split("/").slice(1)) {
    const key = seg.replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
