/**
 * ProtoJSON edge cases (issue #16, part 1), run on real PHP and on the TypeScript side with the same
 * bytes: the generated PHP codec (`fromJson` → `toJson`), and a TypeScript server's path — the guarded
 * boundary (wire JSON Schemas of test/fixtures/php-dto, both the one-pass check and the guard walk),
 * then protobuf-es `fromJson` → `toJson`. For every row both sides either refuse the input or print the
 * same canonical ProtoJSON, and what one side prints the other reads back unchanged (PHP → TS → PHP and
 * TS → PHP → TS). Rows cover enum aliases, Duration/Timestamp fraction digits, Any (`{}`, well-known
 * payloads), the double and float ranges, RFC 3339 strictness, 64-bit integers with a fraction or
 * exponent, big integers in Struct/Value and double fields, negative zero, arrays for maps and a oneof
 * member named `self`.
 */
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createFileRegistry,
  type DescMessage,
  type FileRegistry,
  fromBinary,
  fromJson,
  fromJsonString,
  type JsonValue,
  toJsonString,
} from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { type LoadedContracts, loadContracts } from "../codegen/load/index.js";
import { wireSchemas } from "../codegen/wire/index.js";
import { emitPhp } from "../php-gen/index.js";
import { type Boundary, type ConstraintCheck, createBoundary, isBoundaryError } from "../runtime/index.js";
import { ROOT, removeDir, run, scratchDir, writeTree } from "./helpers.js";

const FIXTURE = join(ROOT, "test", "fixtures", "php-dto");
const TYPE = "difftest.v1.Edges";
const CLASS = "Difftest\\V1\\Edges";

const hasPhp = (() => {
  try {
    execFileSync("php", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Refused by both sides. */
const REFUSED = Symbol("refused");
/** Each side refuses it or keeps it exactly (the two may decide differently: #16 part 2's table). */
const EXACT_OR_REFUSED = Symbol("exact or refused");
type Want = string | typeof REFUSED | typeof EXACT_OR_REFUSED;

const T = "type.googleapis.com/google.protobuf.";

/**
 * input → the canonical output of both sides (compared as JSON values), or REFUSED; `back` is what
 * reading that output again gives when it is not the output itself (a `-0.0` field written as `0`
 * reads back as the default).
 */
const ROWS: readonly (readonly [name: string, input: string, want: Want, back?: string])[] = [
  // Enum aliases: any name reads, the first name of the number is written.
  [
    "enum alias names are read, the canonical name is written",
    '{"stage":"STAGE_RUNNING","stages":["STAGE_FINISHED",1,"STAGE_DONE"]}',
    '{"stage":"STAGE_STARTED","stages":["STAGE_DONE","STAGE_STARTED","STAGE_DONE"]}',
  ],
  // Duration and Timestamp: 0, 3, 6 or 9 fraction digits.
  [
    "Duration and Timestamp print 3, 6 or 9 fraction digits",
    '{"dur":"1.5s","t":"2024-01-01T00:00:00.5Z"}',
    '{"dur":"1.500s","t":"2024-01-01T00:00:00.500Z"}',
  ],
  ["negative Duration", '{"dur":"-0.05s"}', '{"dur":"-0.050s"}'],
  // Any.
  ["the empty Any {} round-trips", '{"any":{}}', '{"any":{}}'],
  [
    "Any of a Duration is canonical",
    `{"any":{"@type":"${T}Duration","value":"1.5s"}}`,
    `{"any":{"@type":"${T}Duration","value":"1.500s"}}`,
  ],
  [
    "Any of a Timestamp is canonical",
    `{"any":{"@type":"${T}Timestamp","value":"2024-01-01T01:00:00.25+01:00"}}`,
    `{"any":{"@type":"${T}Timestamp","value":"2024-01-01T00:00:00.250Z"}}`,
  ],
  [
    "Any of a Struct",
    `{"any":{"@type":"${T}Struct","value":{"a":[1,"x",null]}}}`,
    `{"any":{"@type":"${T}Struct","value":{"a":[1,"x",null]}}}`,
  ],
  [
    "Any of a BytesValue in URL-safe base64",
    `{"any":{"@type":"${T}BytesValue","value":"_w"}}`,
    `{"any":{"@type":"${T}BytesValue","value":"/w=="}}`,
  ],
  [
    "Any of a nested Any",
    `{"any":{"@type":"${T}Any","value":{"@type":"${T}Duration","value":"2s"}}}`,
    `{"any":{"@type":"${T}Any","value":{"@type":"${T}Duration","value":"2s"}}}`,
  ],
  ["Any of a Duration with a number", `{"any":{"@type":"${T}Duration","value":5}}`, REFUSED],
  ["Any of an Int64Value with a fraction", `{"any":{"@type":"${T}Int64Value","value":"1.5"}}`, REFUSED],
  ["Any of a Struct with a list", `{"any":{"@type":"${T}Struct","value":[1]}}`, REFUSED],
  ["Any of a ListValue with an object", `{"any":{"@type":"${T}ListValue","value":{}}}`, REFUSED],
  ["Any of a FloatValue beyond float32", `{"any":{"@type":"${T}FloatValue","value":1e39}}`, REFUSED],
  [
    "Any of a Timestamp with a lower-case t",
    `{"any":{"@type":"${T}Timestamp","value":"2024-01-01t00:00:00Z"}}`,
    REFUSED,
  ],
  ["Any of an Empty with a value", `{"any":{"@type":"${T}Empty","value":{}}}`, REFUSED],
  ["Any with an empty @type", '{"any":{"@type":"","value":1}}', REFUSED],
  ["Any without @type but with a field", '{"any":{"value":"1s"}}', REFUSED],
  // Floating point range.
  ["a double beyond the double range (json_decode: -INF)", '{"d":-1.9e308}', REFUSED],
  ["a double beyond the double range in a list", '{"rd":[1e309]}', REFUSED],
  ["a DoubleValue beyond the double range", '{"wd":1e400}', REFUSED],
  ["a float beyond float32", '{"f":3.5e38}', REFUSED],
  ["a float list item beyond float32", '{"rf":[-3.5e38]}', REFUSED],
  ["a FloatValue beyond float32", '{"wf":1e39}', REFUSED],
  ["FLT_MAX as C prints it is a float", '{"f":3.4028235e38}', '{"f":3.4028235e38}'],
  ["the infinities as strings", '{"d":"-Infinity","f":"Infinity"}', '{"d":"-Infinity","f":"Infinity"}'],
  ["a Value beyond the double range", '{"v":-1e400}', REFUSED],
  // RFC 3339.
  ["Timestamp with a lower-case t", '{"t":"2024-01-01t00:00:00Z"}', REFUSED],
  ["Timestamp with a lower-case z", '{"t":"2024-01-01T00:00:00z"}', REFUSED],
  ["Timestamp with offset hours 24", '{"t":"2024-01-01T00:00:00+24:00"}', REFUSED],
  ["Timestamp with offset minutes 60", '{"t":"2024-01-01T00:00:00+23:60"}', REFUSED],
  ["Timestamp with offset without a colon", '{"t":"2024-01-01T00:00:00+0100"}', REFUSED],
  ["Timestamp on 29 February of a common year", '{"t":"2023-02-29T00:00:00Z"}', REFUSED],
  ["Timestamp on 31 April", '{"t":"2024-04-31T00:00:00Z"}', REFUSED],
  ["Timestamp at 24:00", '{"t":"2024-01-01T24:00:00Z"}', REFUSED],
  ["Timestamp with a leap second", '{"t":"2016-12-31T23:59:60Z"}', REFUSED],
  ["Timestamp in year 0", '{"t":"0000-12-31T23:59:59Z"}', REFUSED],
  ["Timestamp before 0001 after the offset", '{"t":"0001-01-01T00:00:00+01:00"}', REFUSED],
  ["Timestamp after 9999 after the offset", '{"t":"9999-12-31T23:30:00-01:00"}', REFUSED],
  ["Timestamp on 29 February of a leap year", '{"t":"2024-02-29T12:00:00Z"}', '{"t":"2024-02-29T12:00:00Z"}'],
  ["Timestamp with the largest offset", '{"t":"2024-03-01T00:30:00+23:59"}', '{"t":"2024-02-29T00:31:00Z"}'],
  ["Timestamp extremes", '{"t":"0001-01-01T00:00:00Z"}', '{"t":"0001-01-01T00:00:00Z"}'],
  // 64-bit integers: strings are decimal integers; a fraction or exponent only below 2^53.
  ["int64 string with a fraction", '{"i64":"9007199254740993.5"}', REFUSED],
  ["int64 string with an exponent", '{"i64":"1e3"}', REFUSED],
  ["int64 string 1.0", '{"i64":"1.0"}', REFUSED],
  ["uint64 string with a fraction", '{"u64":"1.5"}', REFUSED],
  ["int64 map key with a fraction", '{"m64":{"1.5":"a"}}', REFUSED],
  ["uint64 map key with an exponent", '{"mu64":{"1e3":1}}', REFUSED],
  ["Int64Value string with an exponent", '{"w64":"1e3"}', REFUSED],
  ["UInt64Value string with a fraction", '{"wu64":"1.0"}', REFUSED],
  ["int64 number .0 beyond 2^53", '{"i64":9007199254740993.0}', REFUSED],
  ["int64 number with an exponent beyond 2^53", '{"i64":1e16}', REFUSED],
  ["int64 list item .0 beyond 2^53", '{"ri64":[1,9007199254740993.0]}', REFUSED],
  ["uint64 number with an exponent beyond 2^53", '{"u64":1.8e19}', REFUSED],
  ["Int64Value number .0 beyond 2^53", '{"w64":-9007199254740993.0}', REFUSED],
  ["int64 with an exponent below 2^53", '{"i64":1e3,"u64":2.5e1}', '{"i64":"1000","u64":"25"}'],
  ["int64 .0 just below 2^53", '{"i64":9007199254740991.0}', '{"i64":"9007199254740991"}'],
  ["-0 as a signed integer string", '{"i64":"-0","i32":"-0","w64":"-0"}', '{"w64":"0"}'],
  // Integer strings are decimal integers (the wire schemas' pattern), 32-bit ones too.
  ["int32 string with an exponent", '{"i32":"1e3"}', REFUSED],
  ["int32 string 1.0", '{"i32":"1.0"}', REFUSED],
  ["int32 string with a leading zero", '{"i32":"01"}', REFUSED],
  ["int32 string with a plus sign", '{"i32":"+1"}', REFUSED],
  ["int32 string in hex", '{"i32":"0x10"}', REFUSED],
  ["int64 string with a leading zero", '{"i64":"007"}', REFUSED],
  ["uint64 string -0", '{"u64":"-0"}', REFUSED],
  ["int64 map key with a leading zero", '{"m64":{"01":"a"}}', REFUSED],
  ["uint64 map key -0", '{"mu64":{"-0":1}}', REFUSED],
  ["int64 map key -0", '{"m64":{"-0":"a"}}', '{"m64":{"0":"a"}}'],
  ["int32 as a number with an exponent", '{"i32":1e3}', '{"i32":1000}'],
  ["int32 string", '{"i32":"-12"}', '{"i32":-12}'],
  ["int64 integer beyond 2^53", '{"i64":9007199254740993}', EXACT_OR_REFUSED],
  ["uint64 integer beyond int64", '{"u64":18446744073709551615}', EXACT_OR_REFUSED],
  // Big integers where a double is meant: the nearest double, on both sides.
  ["a double written as plain digits in [2^53, 1e21)", '{"d":10000000000000000}', '{"d":1e16}'],
  [
    "a double list of big integers",
    '{"rd":[100000000000000000000,9007199254740993]}',
    '{"rd":[1e20,9007199254740992]}',
  ],
  [
    "a DoubleValue beyond 64 bits as digits",
    '{"wd":123456789012345678901234}',
    '{"wd":1.2345678901234568e23}',
  ],
  [
    "a map of doubles with a big integer",
    '{"mu64":{"5":10000000000000001}}',
    '{"mu64":{"5":10000000000000000}}',
  ],
  [
    "Struct numbers are doubles: integers beyond 2^53 read as the nearest double",
    '{"s":{"a":9007199254740993,"b":100000000000000000000,"c":"100000000000000000000"}}',
    '{"s":{"a":9007199254740992,"b":1e20,"c":"100000000000000000000"}}',
  ],
  ["a Value beyond 64 bits as digits", '{"v":1000000000000000000000}', '{"v":1e21}'],
  ["a double of 400 digits (beyond the double range)", `{"d":1${"0".repeat(400)}}`, REFUSED],
  ["a string field refuses a number beyond 64 bits", '{"str":12345678901234567890123}', REFUSED],
  // Negative zero: JSON.stringify cannot write it; every writer prints 0.
  ["-0.0 in a double field is written as 0", '{"d":-0.0}', '{"d":0}', "{}"],
  [
    "-0.0 in optional, list, wrapper and Struct is written as 0",
    '{"od":-0.0,"rd":[-0.0,-0],"wd":-0.0,"s":{"z":-0.0},"v":-0}',
    '{"od":0,"rd":[0,0],"wd":0,"s":{"z":0},"v":0}',
  ],
  // Maps.
  ["a non-empty JSON array for a map", '{"m64":["a","b"]}', REFUSED],
  ["a non-empty JSON array for a string map", '{"ms":[1]}', REFUSED],
  ["[] for an empty map", '{"ms":[]}', EXACT_OR_REFUSED],
  // A oneof member named self.
  ["a oneof member named self", '{"self":"me"}', '{"self":"me"}'],
  ["a oneof member named list", '{"list":7}', '{"list":7}'],
];

interface PhpResult {
  readonly ok?: string;
  readonly error?: string;
}

const RUNNER = `<?php
declare(strict_types=1);
require $argv[1] . '/autoload.php';
$in = fopen($argv[2], 'r');
$out = fopen($argv[3], 'w');
while (($line = fgets($in)) !== false) {
    $c = json_decode($line, true, 512, JSON_THROW_ON_ERROR);
    try {
        $r = ['ok' => $c['class']::fromJson($c['json'])->toJson()];
    } catch (\\Throwable $t) {
        $r = ['error' => get_class($t) . ': ' . $t->getMessage()];
    }
    fwrite($out, json_encode($r, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR) . "\\n");
}
`;

/** JSON text in a canonical form (sorted keys, JS number formatting), for comparison. */
function canonical(json: string): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === "object") {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) o[k] = sort((v as Record<string, unknown>)[k]);
      return o;
    }
    return v;
  };
  return JSON.stringify(sort(JSON.parse(json)));
}

describe.skipIf(!hasPhp)("ProtoJSON edge cases: PHP and TypeScript agree, or both refuse", () => {
  let dir: string;
  let loaded: LoadedContracts;
  let registry: FileRegistry;
  let desc: DescMessage;
  let boundaries: readonly Boundary[];

  beforeAll(async () => {
    dir = await scratchDir("protojson-edges");
    loaded = await loadContracts(resolveConfig(FIXTURE));
    const files = await emitPhp(loaded, {});
    await writeTree(join(dir, "gen"), Object.fromEntries(files.map((f) => [f.path, f.content])));
    await writeFile(join(dir, "runner.php"), RUNNER);
    const image = loaded.proto;
    if (!image) throw new Error("fixture has no proto");
    registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, image.image));
    const d = registry.getMessage(TYPE);
    if (!d) throw new Error(`no ${TYPE}`);
    desc = d;
    // protobuf-es after the guards, with the registry (Any payloads of well-known types).
    const check: ConstraintCheck = (value) => {
      try {
        fromJson(desc, value as JsonValue, { registry });
        return [];
      } catch (e) {
        const found = e instanceof Error ? e.message : String(e);
        return [{ path: "", code: "schema.protojson", expected: TYPE, found, fix: "", message: found }];
      }
    };
    const schemas = [...wireSchemas(loaded).values()];
    boundaries = [true, false].map((compile) =>
      createBoundary({ schemas, compile, validators: { [TYPE]: check } }),
    );
  });
  afterAll(() => removeDir(dir));

  async function php(inputs: readonly string[], cls = CLASS): Promise<PhpResult[]> {
    const inFile = join(dir, "cases.jsonl");
    const outFile = join(dir, "results.jsonl");
    await writeFile(inFile, `${inputs.map((json) => JSON.stringify({ class: cls, json })).join("\n")}\n`);
    const res = await run("php", [join(dir, "runner.php"), join(dir, "gen", "php"), inFile, outFile], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    expect(res.stderr + res.stdout).toBe("");
    return (await readFile(outFile, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as PhpResult);
  }

  /** A TypeScript server's reading: the boundary (one-pass and walk agree), then protobuf-es. */
  function ts(input: string): { ok?: string; error?: string } {
    const outcomes = boundaries.map((b) => {
      try {
        const { value } = b.check(TYPE, input);
        return { ok: toJsonString(desc, fromJson(desc, value as JsonValue, { registry }), { registry }) };
      } catch (e) {
        if (!isBoundaryError(e)) throw e;
        return { error: e.message };
      }
    });
    expect(outcomes[1]?.ok, `one-pass check and guard walk decide alike on ${input}`).toEqual(
      outcomes[0]?.ok,
    );
    return outcomes[0] ?? {};
  }

  it("gives the same answer on both sides for every row, and each output reads back unchanged", async () => {
    const phpResults = await php(ROWS.map(([, input]) => input));
    const tsResults = ROWS.map(([, input]) => ts(input));
    // Each side's output, read by the other side.
    const phpOutputs = phpResults.map((r) => r.ok ?? "{}");
    const tsOutputs = tsResults.map((r) => r.ok ?? "{}");
    const phpReadsTs = await php(tsOutputs);
    const failures: string[] = [];
    ROWS.forEach(([name, input, want, backRow], i) => {
      const p = phpResults[i] as PhpResult;
      const t = tsResults[i] as { ok?: string; error?: string };
      const fail = (what: string) =>
        failures.push(
          `${name}: ${what}\n  input: ${input}\n  php:   ${p.ok ?? p.error}\n  ts:    ${t.ok ?? t.error}`,
        );
      if (want === REFUSED) {
        if (p.ok !== undefined) fail("PHP accepted it");
        if (t.ok !== undefined) fail("TypeScript accepted it");
        return;
      }
      if (want === EXACT_OR_REFUSED) {
        const exact = canonical(input.replace(/:(-?\d+)(?=[,}\]])/g, ':"$1"'));
        for (const [side, r] of [
          ["PHP", p],
          ["TypeScript", t],
        ] as const) {
          if (r.ok !== undefined && canonical(r.ok) !== exact && canonical(r.ok) !== "{}")
            fail(`${side} changed the value`);
        }
        return;
      }
      const back = backRow ?? want;
      if (p.ok === undefined || canonical(p.ok) !== canonical(want)) fail(`PHP does not print ${want}`);
      if (t.ok === undefined || canonical(t.ok) !== canonical(want))
        fail(`TypeScript does not print ${want}`);
      // TS → PHP → TS and PHP → TS → PHP: a fixed point.
      const phpBack = phpReadsTs[i];
      if (phpBack?.ok === undefined || canonical(phpBack.ok) !== canonical(back))
        fail(`PHP reading TypeScript's output gives ${phpBack?.ok ?? phpBack?.error}`);
      const tsBack = ts(phpOutputs[i] ?? "{}");
      if (tsBack.ok === undefined || canonical(tsBack.ok) !== canonical(back))
        fail(`TypeScript reading PHP's output gives ${tsBack.ok ?? tsBack.error}`);
    });
    expect(failures.join("\n\n")).toBe("");
  });

  it("names the edge in the PHP error: path and expectation", async () => {
    const [a, b, c, d] = await php([
      '{"i64":9007199254740993.0}',
      '{"d":-1.9e308}',
      '{"m64":["a"]}',
      `{"any":{"@type":"${T}Duration","value":5}}`,
    ]);
    expect(a?.error).toContain("$.i64: expected int64");
    expect(a?.error).toContain("found float 9007199254740992.0");
    expect(b?.error).toContain(
      '$.d: expected double (finite number, or "NaN", "Infinity", "-Infinity"), found float -INF',
    );
    expect(c?.error).toContain(
      "$.m64: expected object (a map; a JSON array only when empty), found array (list of 1)",
    );
    expect(d?.error).toContain("$.any.value: expected duration");
  });

  it("names the edge in the TypeScript finding: unsafe_integer for an int64 written 9007199254740993.0", () => {
    for (const b of boundaries) {
      expect(() => b.check(TYPE, '{"i64":9007199254740993.0}')).toThrow(
        expect.objectContaining({
          violations: [expect.objectContaining({ code: "unsafe_integer", path: "/i64" })],
        }),
      );
      expect(b.check(TYPE, '{"d":10000000000000000}').findings).toEqual([]);
    }
  });

  it("refuses to write a PHP int in a Value that no double holds, writes an exact one as a float", async () => {
    const script = `<?php
declare(strict_types=1);
require $argv[1] . '/autoload.php';
use Contractgen\\Runtime\\Value;
echo json_encode(new Difftest\\V1\\Edges(v: new Value(1 << 60), s: ['a' => 9007199254740992])), "\\n";
try {
    echo json_encode(new Difftest\\V1\\Edges(v: new Value(9007199254740993))), "\\n";
} catch (\\RangeException $e) {
    echo get_class($e), ': ', $e->getMessage(), "\\n";
}
`;
    await writeFile(join(dir, "value.php"), script);
    const res = await run("php", [join(dir, "value.php"), join(dir, "gen", "php")], { cwd: dir });
    const [first, second] = res.stdout.trim().split("\n");
    expect(canonical(first ?? "")).toBe(canonical('{"s":{"a":9007199254740992},"v":1152921504606846976}'));
    expect(second).toMatch(
      /^RangeException: google\.protobuf\.Value: the integer 9007199254740993 has no exact double/,
    );
  });

  it("names the classes of oneof members PHP reserves in PSR-12 style", async () => {
    const names = (await emitPhp(loaded, {})).map((f) => f.path).filter((p) => p.includes("/Edges/"));
    expect(names).toEqual(
      expect.arrayContaining([
        "php/src/Difftest/V1/Edges/Kind/SelfMember.php",
        "php/src/Difftest/V1/Edges/Kind/ListMember.php",
      ]),
    );
    // And protobuf-es reads what both print for it.
    expect(toJsonString(desc, fromJsonString(desc, '{"self":"me"}'))).toBe('{"self":"me"}');
  });
  it("JSON Schema numbers and values of any type: the same rules on both sides", async () => {
    // A TypeScript JSON Schema service: the boundary (the contract is the wire schema), then the value.
    const rows: readonly (readonly [input: string, want: Want])[] = [
      ['{"n":10000000000000000}', '{"n":1e16}'],
      ['{"n":9007199254740993}', '{"n":9007199254740992}'],
      ['{"n":123456789012345678901234}', '{"n":1.2345678901234568e23}'],
      ['{"n":9007199254740993.0,"i":1e3}', '{"n":9007199254740992,"i":1000}'],
      ['{"n":-1e400}', REFUSED],
      ['{"ns":[1,1e309]}', REFUSED],
      ['{"i":9007199254740993.0}', REFUSED],
      ['{"i":1e16}', REFUSED],
      ['{"i":9007199254740993}', EXACT_OR_REFUSED],
      [
        '{"anything":{"a":9007199254740993,"b":100000000000000000000,"c":-0.0,"d":[9007199254740993.0]}}',
        '{"anything":{"a":9007199254740992,"b":1e20,"c":0,"d":[9007199254740992]}}',
      ],
      ['{"anything":[1e400]}', REFUSED],
      ['{"n":-0.0,"ns":[-0.0,1e20]}', '{"n":0,"ns":[0,1e20]}'],
    ];
    const type = "edges.v1.JsonEdges";
    const tsRead = (input: string): { ok?: string; error?: string } => {
      const outcomes = boundaries.map((b) => {
        try {
          return { ok: JSON.stringify(b.check(type, input).value) };
        } catch (e) {
          if (!isBoundaryError(e)) throw e;
          return { error: e.message };
        }
      });
      expect(outcomes[1]?.ok, `one-pass check and guard walk decide alike on ${input}`).toEqual(
        outcomes[0]?.ok,
      );
      return outcomes[0] ?? {};
    };
    const phpResults = await php(
      rows.map(([input]) => input),
      "Edges\\V1\\JsonEdges",
    );
    const failures: string[] = [];
    rows.forEach(([input, want], i) => {
      const p = phpResults[i] as PhpResult;
      const t = tsRead(input);
      const fail = (what: string) =>
        failures.push(`${what}\n  input: ${input}\n  php:   ${p.ok ?? p.error}\n  ts:    ${t.ok ?? t.error}`);
      if (want === REFUSED) {
        if (p.ok !== undefined) fail("PHP accepted it");
        if (t.ok !== undefined) fail("TypeScript accepted it");
      } else if (want === EXACT_OR_REFUSED) {
        if (p.ok !== undefined && p.ok !== input) fail("PHP changed the value");
        if (t.ok !== undefined) fail("TypeScript cannot hold it exactly");
      } else {
        if (p.ok === undefined || canonical(p.ok) !== canonical(want)) fail(`PHP does not print ${want}`);
        if (t.ok === undefined || canonical(t.ok) !== canonical(want))
          fail(`TypeScript does not print ${want}`);
        if (p.ok !== undefined && canonical(tsRead(p.ok).ok ?? "null") !== canonical(want))
          fail("TypeScript reads PHP's output differently");
      }
    });
    expect(failures.join("\n\n")).toBe("");
  });
});
