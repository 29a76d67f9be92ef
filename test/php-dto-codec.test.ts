/**
 * The PHP codec, construct by construct (table-driven, one `php` process for the whole table): what a
 * ProtoJSON parser must accept (int64 as string or number, enum name or number, proto field name or
 * json_name, null for unset, NaN/Infinity strings, base64 standard or URL-safe, timestamps with
 * offsets), what it must reject (with JSON path and code, all at once), maps keyed by every key type
 * including PHP's integer array keys, empty messages and maps as `{}`, oneofs, well-known types.
 */
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { loadContracts } from "../codegen/load/index.js";
import { emitPhp } from "../php-gen/index.js";
import { ROOT, removeDir, run, scratchDir, writeTree } from "./helpers.js";

const hasPhp = (() => {
  try {
    execFileSync("php", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** `json`: fromJson(input). `array`: fromArray(json_decode(input, true)) — PHP arrays, integer keys. */
type Mode = "json" | "array";
interface Row {
  readonly name: string;
  readonly type: string;
  readonly input: string;
  /** Expected toJson() output, or the expected errors as "path code". */
  readonly want: string | readonly string[];
  readonly mode?: Mode;
  /** The acceptance preset passed to fromJson/fromArray (default: the project default, strict). */
  readonly preset?: "strict" | "migrate";
}

const ROWS: readonly Row[] = [
  // integers
  { name: "int64 as a JSON number", type: "Scalars", input: '{"fInt64":5}', want: '{"fInt64":"5"}' },
  {
    name: "int64 minimum as a string",
    type: "Scalars",
    input: '{"fInt64":"-9223372036854775808"}',
    want: '{"fInt64":"-9223372036854775808"}',
  },
  {
    name: "int64 overflow",
    type: "Scalars",
    input: '{"fInt64":"9223372036854775808"}',
    want: ["$.fInt64 type"],
  },
  {
    name: "uint64 above PHP_INT_MAX as a string",
    type: "Scalars",
    input: '{"fUint64":"18446744073709551615"}',
    want: '{"fUint64":"18446744073709551615"}',
  },
  {
    name: "uint64 above PHP_INT_MAX as a number: unsafe_integer under strict",
    type: "Scalars",
    input: '{"fUint64":18446744073709551615}',
    want: ["$.fUint64 unsafe_integer"],
  },
  {
    name: "uint64 above PHP_INT_MAX as a number: read exactly under migrate",
    type: "Scalars",
    input: '{"fUint64":18446744073709551615}',
    want: '{"fUint64":"18446744073709551615"}',
    preset: "migrate",
  },
  {
    name: "int64 beyond 2^53 from PHP arrays (fromArray): a PHP int is exact",
    type: "Scalars",
    input: '{"fInt64":9007199254740993}',
    want: '{"fInt64":"9007199254740993"}',
    mode: "array",
  },
  {
    name: "a field under its proto name and its JSON name",
    type: "Scalars",
    input: '{"f_int32":1,"fInt32":1}',
    want: ["$.fInt32 both_names"],
  },
  {
    name: "a field under both names, one of them null",
    type: "Scalars",
    input: '{"fInt32":null,"f_int32":2}',
    want: ["$.fInt32 both_names"],
  },
  {
    name: "migrate repairs what the boundary repairs",
    type: "Root",
    input:
      '{"scalars":{"fBool":1,"oBool":"0","fString":51147,"fEnum":"2"},"maps":{"mString":["a"],"mInt32":[]},"repeated":{"rInt32":{"0":1,"2":3}},"leaf":[],"nope":1}',
    want: '{"scalars":{"fBool":true,"fString":"51147","fEnum":"COLOR_GREEN","oBool":false},"repeated":{"rInt32":[1,3]},"maps":{"mString":{"0":"a"}},"leaf":{}}',
    preset: "migrate",
  },
  {
    name: "strict refuses the same, each with its pitfall code",
    type: "Root",
    input:
      '{"scalars":{"fBool":1,"oBool":"0","fString":51147,"fEnum":"2"},"maps":{"mString":["a"],"mInt32":[]},"repeated":{"rInt32":{"0":1,"2":3}},"leaf":[],"nope":1}',
    want: [
      "$.scalars.fBool int_for_bool",
      "$.scalars.oBool string_for_bool",
      "$.scalars.fString number_for_string",
      "$.scalars.fEnum enum",
      "$.maps.mString list_for_map",
      "$.maps.mInt32 empty_array_for_object",
      "$.repeated.rInt32 sparse_list_as_object",
      "$.leaf empty_array_for_object",
      "$.nope unknown_field",
    ],
  },
  {
    name: "forbidden keys are refused under every preset",
    type: "Leaf",
    input: '{"__proto__":{}}',
    want: ["$.__proto__ forbidden_key"],
    preset: "migrate",
  },
  {
    name: "uint64 overflow",
    type: "Scalars",
    input: '{"fUint64":"18446744073709551616"}',
    want: ["$.fUint64 type"],
  },
  { name: "uint64 negative", type: "Scalars", input: '{"fFixed64":-1}', want: ["$.fFixed64 type"] },
  { name: "int32 as a string", type: "Scalars", input: '{"fInt32":"-12"}', want: '{"fInt32":-12}' },
  { name: "int32 as 1.0", type: "Scalars", input: '{"fSint32":1.0}', want: '{"fSint32":1}' },
  { name: "int32 with a fraction", type: "Scalars", input: '{"fInt32":1.5}', want: ["$.fInt32 type"] },
  { name: "int32 overflow", type: "Scalars", input: '{"fSfixed32":2147483648}', want: ["$.fSfixed32 type"] },
  { name: "uint32 negative", type: "Scalars", input: '{"fUint32":-1}', want: ["$.fUint32 type"] },
  { name: "integer as a bool", type: "Scalars", input: '{"fInt32":true}', want: ["$.fInt32 type"] },
  // floating point
  {
    name: "NaN and infinities",
    type: "Scalars",
    input: '{"fDouble":"NaN","fFloat":"-Infinity"}',
    want: '{"fDouble":"NaN","fFloat":"-Infinity"}',
  },
  { name: "double as a string", type: "Scalars", input: '{"fDouble":"1.5"}', want: '{"fDouble":1.5}' },
  { name: "float out of range", type: "Scalars", input: '{"fFloat":1e39}', want: ["$.fFloat range"] },
  { name: "double as a word", type: "Scalars", input: '{"fDouble":"lots"}', want: ["$.fDouble type"] },
  // bool, string, bytes
  { name: "bool as a string", type: "Scalars", input: '{"fBool":"true"}', want: ["$.fBool string_for_bool"] },
  {
    name: "string as a number",
    type: "Scalars",
    input: '{"fString":1}',
    want: ["$.fString number_for_string"],
  },
  {
    name: "URL-safe base64 without padding",
    type: "Scalars",
    input: '{"fBytes":"-_8"}',
    want: '{"fBytes":"+/8="}',
  },
  { name: "invalid base64", type: "Scalars", input: '{"fBytes":"***"}', want: ["$.fBytes type"] },
  // enums
  { name: "enum by number", type: "Scalars", input: '{"fEnum":-3}', want: '{"fEnum":"COLOR_BLUE"}' },
  // proto3 enums are open: a number the contract does not name is kept and printed back as a number
  { name: "unknown enum number kept", type: "Scalars", input: '{"fEnum":99}', want: '{"fEnum":99}' },
  {
    name: "enum number beyond int32",
    type: "Scalars",
    input: '{"fEnum":2147483648}',
    want: ["$.fEnum enum"],
  },
  { name: "unknown enum name", type: "Scalars", input: '{"fEnum":"PURPLE"}', want: ["$.fEnum enum"] },
  { name: "enum default omitted", type: "Scalars", input: '{"fEnum":"COLOR_UNSPECIFIED"}', want: "{}" },
  {
    name: "optional enum default kept",
    type: "Scalars",
    input: '{"oEnum":0,"oInt64":0,"oString":""}',
    want: '{"oInt64":"0","oString":"","oEnum":"COLOR_UNSPECIFIED"}',
  },
  // names and nulls
  {
    name: "proto field names",
    type: "Scalars",
    input: '{"f_int32":1,"o_string":"x"}',
    want: '{"fInt32":1,"oString":"x"}',
  },
  { name: "custom json_name", type: "Root", input: '{"customJsonName":3}', want: '{"customJsonName":3}' },
  {
    name: "proto name of a custom json_name",
    type: "Root",
    input: '{"json_named":3}',
    want: '{"customJsonName":3}',
  },
  {
    name: "null means unset",
    type: "Scalars",
    input: '{"fString":null,"fEnum":null,"oInt64":null}',
    want: "{}",
  },
  { name: "unknown field", type: "Scalars", input: '{"nope":1}', want: ["$.nope unknown_field"] },
  { name: "not an object", type: "Root", input: "[1]", want: ["$ type"] },
  { name: "invalid JSON", type: "Root", input: '{"a":', want: ["$ invalid_json"] },
  // every error at once, with paths into nested values
  {
    name: "every violation at once",
    type: "Root",
    input:
      '{"scalars":{"fInt32":"x","fBool":1},"repeated":{"rInt64":["1","y"]},"maps":{"mInt32":{"k":1}},"leaf":{"inner":{"ids":[-1]}}}',
    want: [
      "$.scalars.fInt32 type",
      "$.scalars.fBool int_for_bool",
      "$.repeated.rInt64[1] type",
      '$.maps.mInt32["k"] type',
      "$.leaf.inner.ids[0] type",
    ],
  },
  // empty messages and maps
  {
    name: "empty nested message stays {}",
    type: "Root",
    input: '{"leaf":{},"maps":{"mString":{}}}',
    want: '{"maps":{},"leaf":{}}',
  },
  {
    name: "PHP empty array as a message",
    type: "Root",
    input: '{"leaf":[]}',
    want: '{"leaf":{}}',
    mode: "array",
  },
  // maps of every key type
  {
    name: "maps keyed by every key type",
    type: "Maps",
    input:
      '{"mString":{"a":"b"},"mInt32":{"-1":2},"mInt64":{"-9223372036854775808":"1"},"mUint32":{"4294967295":1},"mUint64":{"18446744073709551615":"2"},"mSint32":{"0":0.5},"mSint64":{"7":1.5},"mFixed32":{"3":true},"mFixed64":{"4":"AQ=="},"mSfixed32":{"5":"COLOR_RED"},"mSfixed64":{"6":{}},"mBool":{"true":"t","false":"f"},"mMessage":{"x":{"name":"n"}}}',
    want: '{"mString":{"a":"b"},"mInt32":{"-1":2},"mInt64":{"-9223372036854775808":"1"},"mUint32":{"4294967295":1},"mUint64":{"18446744073709551615":"2"},"mSint32":{"0":0.5},"mSint64":{"7":1.5},"mFixed32":{"3":true},"mFixed64":{"4":"AQ=="},"mSfixed32":{"5":"COLOR_RED"},"mSfixed64":{"6":{}},"mBool":{"true":"t","false":"f"},"mMessage":{"x":{"name":"n"}}}',
  },
  {
    name: "integer map keys from a PHP array",
    type: "Maps",
    input: '{"mInt32":{"0":1,"1":2},"mString":{"0":"a"}}',
    want: '{"mString":{"0":"a"},"mInt32":{"0":1,"1":2}}',
    mode: "array",
  },
  {
    name: "map key out of range",
    type: "Maps",
    input: '{"mUint32":{"-1":1}}',
    want: ['$.mUint32["-1"] type'],
  },
  { name: "bool map key", type: "Maps", input: '{"mBool":{"yes":"a"}}', want: ['$.mBool["yes"] type'] },
  // oneofs
  {
    name: "oneof member",
    type: "Oneofs",
    input: '{"cLeaf":{},"oUint64":"0"}',
    want: '{"cLeaf":{},"oUint64":"0"}',
  },
  {
    name: "oneof with two members",
    type: "Oneofs",
    input: '{"cString":"a","cInt64":"1"}',
    want: ["$.cInt64 oneof"],
  },
  {
    name: "oneof member null is unset",
    type: "Oneofs",
    input: '{"cString":null,"cEnum":"COLOR_RED"}',
    want: '{"cEnum":"COLOR_RED"}',
  },
  // well-known types
  {
    name: "timestamp with an offset",
    type: "WellKnown",
    input: '{"timestamp":"2024-01-01T00:00:00.5+01:00"}',
    want: '{"timestamp":"2023-12-31T23:00:00.500Z"}',
  },
  {
    name: "timestamp extremes",
    type: "WellKnown",
    input: '{"rTimestamp":["0001-01-01T00:00:00Z","9999-12-31T23:59:59.999999999Z"]}',
    want: '{"rTimestamp":["0001-01-01T00:00:00Z","9999-12-31T23:59:59.999999999Z"]}',
  },
  {
    name: "invalid timestamp",
    type: "WellKnown",
    input: '{"timestamp":"2024-02-30T00:00:00Z"}',
    want: ["$.timestamp type"],
  },
  {
    name: "durations",
    type: "WellKnown",
    input: '{"duration":"-0.5s","rDuration":["1.000000001s","3s","-315576000000s"]}',
    want: '{"duration":"-0.500s","rDuration":["1.000000001s","3s","-315576000000s"]}',
  },
  { name: "invalid duration", type: "WellKnown", input: '{"duration":"1m"}', want: ["$.duration type"] },
  { name: "field mask", type: "WellKnown", input: '{"fieldMask":"a.bC,d"}', want: '{"fieldMask":"a.bC,d"}' },
  { name: "Value holding null", type: "WellKnown", input: '{"value":null}', want: '{"value":null}' },
  {
    name: "Struct with nested empty object and list",
    type: "WellKnown",
    input: '{"struct":{"a":{},"b":[],"c":{"d":[1,"x",null,true]}}}',
    want: '{"struct":{"a":{},"b":[],"c":{"d":[1,"x",null,true]}}}',
  },
  {
    name: "wrappers keep their defaults",
    type: "WellKnown",
    input: '{"wInt64":0,"wBool":false,"wString":"","wUint64":"18446744073709551615"}',
    want: '{"wInt64":"0","wUint64":"18446744073709551615","wBool":false,"wString":""}',
  },
  {
    name: "Empty and ListValue",
    type: "WellKnown",
    input: '{"empty":{},"listValue":[{},[]]}',
    want: '{"listValue":[{},[]],"empty":{}}',
  },
  {
    name: "Any of a known type is decoded and printed canonically",
    type: "WellKnown",
    input: '{"any":{"@type":"type.googleapis.com/difftest.v1.Leaf","color":1,"weight":5}}',
    want: '{"any":{"@type":"type.googleapis.com/difftest.v1.Leaf","weight":"5","color":"COLOR_RED"}}',
  },
  {
    name: "Any of a known type with a bad field",
    type: "WellKnown",
    input: '{"any":{"@type":"type.googleapis.com/difftest.v1.Leaf","nope":1}}',
    want: ["$.any.nope unknown_field"],
  },
  {
    name: "Any of an unknown type is refused (protobuf-es cannot read it either)",
    type: "WellKnown",
    input:
      '{"rAny":[{"@type":"type.googleapis.com/x.v1.Y","a":{"b":[1]}},{"@type":"type.googleapis.com/google.protobuf.Duration","value":"1s"}]}',
    want: ["$.rAny[0].@type any_unknown_type"],
  },
  { name: "Any without @type", type: "WellKnown", input: '{"any":{"a":1}}', want: ["$.any.@type type"] },
  {
    name: "Empty with a field",
    type: "WellKnown",
    input: '{"empty":{"x":1}}',
    want: ["$.empty.x unknown_field"],
  },
];

const RUNNER = `<?php
declare(strict_types=1);
require $argv[1] . '/autoload.php';
$rows = json_decode(file_get_contents($argv[2]), true, 512, JSON_THROW_ON_ERROR);
$out = [];
foreach ($rows as $row) {
    try {
        $class = $row['class'];
        $value = $row['mode'] === 'array'
            ? $class::fromArray(json_decode($row['input'], true, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING), $row['preset'])
            : $class::fromJson($row['input'], $row['preset']);
        $out[] = ['ok' => $value->toJson()];
    } catch (\\Contractgen\\Runtime\\DecodeException $e) {
        $out[] = [
            'errors' => array_map(static fn ($x) => $x->path . ' ' . $x->code, $e->errors()),
            'message' => $e->getMessage(),
        ];
    }
}
echo json_encode($out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
`;

interface Result {
  readonly ok?: string;
  readonly errors?: string[];
  readonly message?: string;
}

describe.skipIf(!hasPhp)("PHP codec, construct by construct", () => {
  let dir: string;
  let results: Result[];
  beforeAll(async () => {
    dir = await scratchDir("php-codec");
    const loaded = await loadContracts(resolveConfig(join(ROOT, "test", "fixtures", "php-dto")));
    const files = await emitPhp(loaded, {});
    await writeTree(join(dir, "gen"), Object.fromEntries(files.map((f) => [f.path, f.content])));
    await writeFile(join(dir, "runner.php"), RUNNER);
    await writeFile(
      join(dir, "rows.json"),
      JSON.stringify(
        ROWS.map((r) => ({
          class: `Difftest\\V1\\${r.type}`,
          input: r.input,
          mode: r.mode ?? "json",
          preset: r.preset ?? null,
        })),
      ),
    );
    const res = await run("php", [join(dir, "runner.php"), join(dir, "gen", "php"), join(dir, "rows.json")], {
      cwd: dir,
    });
    if (res.code !== 0 || res.stderr !== "") throw new Error(`php failed: ${res.stderr}${res.stdout}`);
    results = JSON.parse(res.stdout) as Result[];
    await readFile(join(dir, "rows.json"));
  });
  afterAll(() => removeDir(dir));

  it.each(ROWS.map((r, i) => [r.name, i] as const))("%s", (_name, i) => {
    const row = ROWS[i] as Row;
    const got = results[i];
    if (typeof row.want === "string") expect(got).toEqual({ ok: row.want });
    else expect(got?.errors, got?.message ?? got?.ok).toEqual(row.want);
  });

  it("names every violation in one message: path, expected type and found value", () => {
    const i = ROWS.findIndex((r) => r.name === "every violation at once");
    expect(results[i]?.message).toBe(
      [
        "invalid Difftest\\V1\\Root: 5 errors",
        '  - $.scalars.fInt32: expected int32 (integer -2147483648..2147483647, number or decimal string), found string "x" [type]',
        "  - $.scalars.fBool: expected boolean, found int 1 [int_for_bool]",
        '  - $.repeated.rInt64[1]: expected int64 (integer -9223372036854775808..9223372036854775807, number or decimal string), found string "y" [type]',
        '  - $.maps.mInt32["k"]: expected int32 key (integer -2147483648..2147483647, number or decimal string), found string "k" [type]',
        "  - $.leaf.inner.ids[0]: expected uint64 (integer 0..18446744073709551615, number or decimal string), found int -1 [type]",
      ].join("\n"),
    );
  });

  it("checks ranges on construction too: a constructed DTO cannot print invalid ProtoJSON", async () => {
    await writeFile(
      join(dir, "construct.php"),
      `<?php
declare(strict_types=1);
require __DIR__ . '/gen/php/autoload.php';
use Difftest\\V1\\Scalars;
foreach ([
    static fn () => new Scalars(fInt32: 2147483648),
    static fn () => new Scalars(fUint32: -1, oUint64: '12'),
    static fn () => new Scalars(fUint64: '18446744073709551615', fFixed64: 5),
] as $make) {
    try {
        echo $make()->toJson(), "\\n";
    } catch (\\Contractgen\\Runtime\\DecodeException $e) {
        echo implode(' ', array_map(static fn ($x) => $x->path . ' ' . $x->code, $e->errors())), "\\n";
    }
}
$any = \\Contractgen\\Runtime\\Any::pack(new \\Difftest\\V1\\Leaf(name: 'x', weight: 3), 'difftest.v1.Leaf');
echo json_encode($any, JSON_UNESCAPED_SLASHES), ' ', $any->unpack(\\Difftest\\V1\\Leaf::class)->toJson(), "\\n";
`,
    );
    const res = await run("php", [join(dir, "construct.php")], { cwd: dir });
    expect(res.stderr).toBe("");
    expect(res.stdout).toBe(
      '$.fInt32 range\n$.fUint32 range $.oUint64 range\n{"fUint64":"18446744073709551615","fFixed64":"5"}\n' +
        '{"@type":"type.googleapis.com/difftest.v1.Leaf","name":"x","weight":"3"} {"name":"x","weight":"3"}\n',
    );
  });
});
