/**
 * One meaning on both sides (issue #16, part 2): a seeded corpus of payloads of the php-dto fixture's
 * proto messages — valid ones in every form a ProtoJSON parser must accept, every PHP pitfall, the
 * ProtoJSON edge classes and the rules of the acceptance table, and payloads produced by real PHP
 * `json_encode` from the PHP values PHP code commonly holds — decoded by the generated PHP DTOs
 * (`fromJson($json, $preset)`, one `php` process for the whole corpus) and by the TypeScript boundary
 * (one-pass check and guard walk) followed by protobuf-es, under each preset. The accept/reject
 * decision and, when accepted, the canonical re-encoding must be identical on both sides (the TS side's
 * is protobuf-es's `toJson`); then each side's output is read by the other (PHP → TS → PHP and back)
 * and must come back unchanged. The test prints the number of payloads and of disagreements.
 */
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createFileRegistry,
  type DescField,
  type DescMessage,
  type FileRegistry,
  fromBinary,
  fromJson,
  type JsonValue,
  ScalarType,
  toJsonString,
} from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { type LoadedContracts, loadContracts } from "../codegen/load/index.js";
import { wireSchemas } from "../codegen/wire/index.js";
import { createPhpContext } from "../php-gen/context.js";
import { emitPhp } from "../php-gen/index.js";
import {
  type Boundary,
  type ConstraintCheck,
  createBoundary,
  isBoundaryError,
  loadWireSchemas,
  type Preset,
} from "../runtime/index.js";
import { validateOrderCreated } from "./golden/ts/jsonschema/shop/events/v1/validators.js";
import { validateTrackEventRequest } from "./golden/ts/jsonschema/shop/stats/v1/validators.js";
import { CreateOrderRequestSchema } from "./golden/ts/proto/shop/order/v1/order_pb.js";
import { PayRequestSchema } from "./golden/ts/proto/shop/payment/v1/payment_pb.js";
import { ROOT, removeDir, run, scratchDir, writeTree } from "./helpers.js";
import { GOLDEN_SCHEMAS, loadCorpus } from "./runtime-php-corpus.js";

const FIXTURE = join(ROOT, "test", "fixtures", "php-dto");
const TYPES = ["difftest.v1.Root", "difftest.v1.Edges"] as const;
const PRESETS: readonly Preset[] = ["strict", "migrate"];
/** Valid messages generated per type; each gives its canonical form, variants and mutations. */
const MESSAGES = Number(process.env["PARITY_MESSAGES"] ?? 800);
const BASE_SEED = Number(process.env["PARITY_SEED"] ?? 20261204);
const T = "type.googleapis.com/";

const hasPhp = (() => {
  try {
    execFileSync("php", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** mulberry32: a small seeded PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A JSON number written as given (`1.0`, `9007199254740993`): JSON.stringify cannot print these, so a
 * payload holds a marker string that {@link text} replaces by the literal.
 */
const RAW = "\u0000raw:";
const raw = (literal: string): string => `${RAW}${literal}`;

/** JSON text of a payload value, with the raw literals in place. */
function text(v: unknown): string {
  return JSON.stringify(v).replace(/"\\u0000raw:([^"]*)"/g, "$1");
}

const INT32 = new Set([ScalarType.INT32, ScalarType.SINT32, ScalarType.SFIXED32]);
const UINT32 = new Set([ScalarType.UINT32, ScalarType.FIXED32]);
const INT64 = new Set([ScalarType.INT64, ScalarType.SINT64, ScalarType.SFIXED64]);
const UINT64 = new Set([ScalarType.UINT64, ScalarType.FIXED64]);

type Json = JsonValue;
type Obj = { [k: string]: Json };

/** The kind of a JSON slot, as the mutations need it. */
type Slot =
  | { kind: "scalar"; scalar: ScalarType }
  | { kind: "enum" }
  | { kind: "message"; desc: DescMessage }
  | { kind: "list"; item: Slot }
  | { kind: "map"; key: ScalarType; value: Slot };

function itemSlot(f: DescField): Slot {
  if (f.fieldKind === "list") {
    if (f.listKind === "scalar") return { kind: "scalar", scalar: f.scalar };
    if (f.listKind === "enum") return { kind: "enum" };
    return { kind: "message", desc: f.message };
  }
  if (f.fieldKind === "map") {
    if (f.mapKind === "scalar") return { kind: "scalar", scalar: f.scalar };
    if (f.mapKind === "enum") return { kind: "enum" };
    return { kind: "message", desc: f.message };
  }
  if (f.fieldKind === "scalar") return { kind: "scalar", scalar: f.scalar };
  if (f.fieldKind === "enum") return { kind: "enum" };
  return { kind: "message", desc: f.message };
}

function slotOf(f: DescField): Slot {
  if (f.fieldKind === "list") return { kind: "list", item: itemSlot(f) };
  if (f.fieldKind === "map") return { kind: "map", key: f.mapKey, value: itemSlot(f) };
  return itemSlot(f);
}

/** One place in a payload: its container, its key there, and what the contract says it holds. */
interface Place {
  readonly holder: Obj | Json[];
  readonly key: string | number;
  readonly slot: Slot;
  /** The field, for a message field (not a list item or map value). */
  readonly field?: DescField;
}

class Gen {
  constructor(
    private readonly r: () => number,
    private readonly registry: FileRegistry,
  ) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  desc(name: string): DescMessage {
    const d = this.registry.getMessage(name);
    if (!d) throw new Error(`no ${name}`);
    return d;
  }
  string(): string {
    const alphabet = ["a", "Z", "0", " ", '"', "\\", "/", "é", "中", "😀", "<", "$", "1"];
    let s = "";
    for (let n = this.int(6); n > 0; n--) s += this.pick(alphabet);
    return s;
  }
  scalar(t: ScalarType): Json {
    if (t === ScalarType.BOOL) return this.chance(0.5);
    if (t === ScalarType.STRING) return this.string();
    if (t === ScalarType.BYTES) return this.pick(["", "AQID", "_w", "/w==", "aGVsbG8"]);
    if (t === ScalarType.DOUBLE || t === ScalarType.FLOAT)
      return this.pick([0, 1.5, -2, 1e10, 0.1, "NaN", "Infinity", "-Infinity", "2.5", 3]);
    if (INT32.has(t)) return this.pick([0, 1, -1, 2147483647, -2147483648, 42, "17", "-3"]);
    if (UINT32.has(t)) return this.pick([0, 1, 4294967295, 42, "17"]);
    if (INT64.has(t))
      return this.pick([
        "0",
        "-9223372036854775808",
        "9223372036854775807",
        "12",
        12,
        -7,
        "9007199254740993",
      ]);
    return this.pick(["0", "18446744073709551615", "12", 12, "9007199254740993"]);
  }
  mapKey(t: ScalarType): string {
    if (t === ScalarType.BOOL) return this.pick(["true", "false"]);
    if (t === ScalarType.STRING) return this.string();
    if (INT32.has(t) || INT64.has(t)) return this.pick(["0", "-5", "12", "2147483647"]);
    return this.pick(["0", "5", "4294967295"]);
  }
  wkt(d: DescMessage, depth: number): Json {
    switch (d.typeName) {
      case "google.protobuf.Timestamp":
        return this.pick([
          "2024-01-01T00:00:00Z",
          "2024-05-01T12:34:56.789Z",
          "1970-01-01T00:00:00.000000001Z",
        ]);
      case "google.protobuf.Duration":
        return this.pick(["0s", "1.5s", "-0.050s", "3600s"]);
      case "google.protobuf.Struct":
        return { a: this.pick([1, "x", null, true, [1, "y"], { b: 2 }]) };
      case "google.protobuf.Value":
        return this.pick([1, "x", true, [1, 2], { k: "v" }, 2.5]);
      case "google.protobuf.ListValue":
        return [1, "two", false];
      case "google.protobuf.FieldMask":
        return this.pick(["", "a", "fooBar,x.yZ"]);
      case "google.protobuf.Empty":
        return {};
      case "google.protobuf.Any":
        return this.pick<Json>([
          {},
          { "@type": `${T}difftest.v1.Leaf`, name: "n", weight: "5" },
          { "@type": `${T}google.protobuf.Duration`, value: "2s" },
          { "@type": `${T}google.protobuf.Struct`, value: { a: 1 } },
        ]);
      default:
        break;
    }
    if (d.typeName.startsWith("google.protobuf.") && d.typeName.endsWith("Value")) {
      const f = d.fields[0] as DescField & { fieldKind: "scalar" };
      return this.scalar(f.scalar);
    }
    return this.message(d, depth + 1);
  }
  value(s: Slot, depth: number): Json {
    if (s.kind === "scalar") return this.scalar(s.scalar);
    if (s.kind === "enum") return this.pick(["COLOR_RED", 1, "COLOR_GREEN", 0, 7]);
    if (s.kind === "message") return this.wkt(s.desc, depth);
    if (s.kind === "list")
      return Array.from({ length: this.int(depth > 1 ? 2 : 4) }, () => this.value(s.item, depth));
    const o: Obj = {};
    for (let n = this.int(depth > 1 ? 2 : 4); n > 0; n--) o[this.mapKey(s.key)] = this.value(s.value, depth);
    return o;
  }
  message(d: DescMessage, depth: number): Obj {
    const o: Obj = {};
    for (const m of d.members) {
      const f = m.kind === "oneof" ? (this.chance(0.6) ? this.pick(m.fields) : undefined) : m;
      if (!f) continue;
      if (f.fieldKind === "list" && f.listKind === "message" && f.message.typeName === "difftest.v1.Root") {
        if (depth > 0 || !this.chance(0.2)) continue;
      }
      if (f.fieldKind === "message" && f.message.typeName.startsWith("difftest.") && depth > 2) continue;
      if (m.kind === "oneof" || this.chance(depth === 0 ? 0.6 : 0.4))
        o[this.chance(0.2) ? f.name : f.jsonName] = this.value(slotOf(f), depth);
    }
    return o;
  }
}

/** Every place of a parsed payload, with what the contract expects there. */
function places(v: Obj, d: DescMessage, out: Place[] = []): Place[] {
  if (d.typeName.startsWith("google.protobuf.")) return out;
  for (const f of d.fields) {
    for (const key of [f.jsonName, f.name]) {
      if (!(key in v)) continue;
      const slot = slotOf(f);
      out.push({ holder: v, key, slot, field: f });
      const x = v[key];
      if (slot.kind === "message" && isObj(x)) places(x, slot.desc, out);
      if (slot.kind === "list" && Array.isArray(x)) {
        x.forEach((item, i) => {
          out.push({ holder: x, key: i, slot: slot.item });
          if (slot.item.kind === "message" && isObj(item)) places(item, slot.item.desc, out);
        });
      }
      if (slot.kind === "map" && isObj(x)) {
        for (const k of Object.keys(x)) {
          out.push({ holder: x, key: k, slot: slot.value });
          const item = x[k];
          if (slot.value.kind === "message" && isObj(item)) places(item, slot.value.desc, out);
        }
      }
    }
  }
  return out;
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const isInt = (s: Slot): s is Slot & { kind: "scalar" } =>
  s.kind === "scalar" &&
  (INT32.has(s.scalar) || UINT32.has(s.scalar) || INT64.has(s.scalar) || UINT64.has(s.scalar));
const is64 = (s: Slot): boolean => s.kind === "scalar" && (INT64.has(s.scalar) || UINT64.has(s.scalar));
const isMsg = (s: Slot, wkt = false): boolean =>
  s.kind === "message" && (wkt || !s.desc.typeName.startsWith("google.protobuf."));

/**
 * The mutations: each names a class of the corpus, where it applies, and what it puts there (a value,
 * or `undefined` to leave the payload alone). They are the pitfalls of the catalogue, the ProtoJSON
 * edge classes and the rules of the acceptance table.
 */
const MUTATIONS: readonly {
  readonly name: string;
  readonly applies: (p: Place) => boolean;
  readonly value: (g: Gen, p: Place) => Json;
}[] = [
  {
    name: "int_for_bool",
    applies: (p) => p.slot.kind === "scalar" && p.slot.scalar === ScalarType.BOOL,
    value: (g) => g.pick([0, 1, 2, raw("1.0")]),
  },
  {
    name: "string_for_bool",
    applies: (p) => p.slot.kind === "scalar" && p.slot.scalar === ScalarType.BOOL,
    value: (g) => g.pick(["1", "0", "", "true", "false", "yes"]),
  },
  {
    name: "number_for_string",
    applies: (p) => p.slot.kind === "scalar" && p.slot.scalar === ScalarType.STRING,
    value: (g) =>
      g.pick<Json>([51147, -3, 1.5, raw("10.0"), raw("9007199254740993"), raw("12345678901234567890123"), 0]),
  },
  {
    name: "numeric_string",
    applies: (p) => isInt(p.slot) || p.slot.kind === "enum",
    value: (g) => g.pick(["007", "+1", "1e3", " 5", "1.0", "2", "-0", "0x10", "1", "99"]),
  },
  {
    name: "numeric_string_double",
    applies: (p) =>
      p.slot.kind === "scalar" && (p.slot.scalar === ScalarType.DOUBLE || p.slot.scalar === ScalarType.FLOAT),
    value: (g) => g.pick(["10.50", "1e3", "-0", ".5", "1.", "+1", " 1", "0x10", "1E5", "-1.5e-3"]),
  },
  {
    name: "float_for_integer",
    applies: (p) => isInt(p.slot),
    value: (g) => g.pick([2.5, 114.99999999999999, -0.5]),
  },
  {
    name: "integral_number_for_integer",
    applies: (p) => isInt(p.slot),
    value: (g) =>
      g.pick([raw("1.0"), raw("1e3"), raw("-2.0"), raw("0.0"), raw("-0.0"), raw("2.5e1"), raw("-0")]),
  },
  {
    name: "unsafe_integer",
    applies: (p) => isInt(p.slot),
    value: (g) =>
      g.pick([
        raw("9007199254740993"),
        raw("-9007199254740993"),
        raw("9223372036854775807"),
        raw("18446744073709551615"),
        raw("9007199254740992"),
        raw("9007199254740991"),
        raw("9007199254740993.0"),
        raw("1e16"),
        raw("99999999999999999999999"),
      ]),
  },
  {
    name: "int64_number",
    applies: (p) => is64(p.slot),
    value: (g) => g.pick<Json>([12, -12, 9007199254740991, -9007199254740991, 0]),
  },
  { name: "negative_zero_integer_string", applies: (p) => isInt(p.slot), value: () => "-0" },
  {
    name: "empty_array_for_object",
    applies: (p) => isMsg(p.slot, true) || p.slot.kind === "map",
    value: () => [],
  },
  {
    name: "list_for_map",
    applies: (p) => p.slot.kind === "map",
    value: (g, p) => (p.slot.kind === "map" ? [g.value(p.slot.value, 2), g.value(p.slot.value, 2)] : []),
  },
  {
    name: "sparse_list_as_object",
    applies: (p) => p.slot.kind === "list",
    value: (g, p) =>
      p.slot.kind === "list"
        ? { "0": g.value(p.slot.item, 2), "2": g.value(p.slot.item, 2), ...(g.chance(0.3) ? { x: 1 } : {}) }
        : {},
  },
  { name: "empty_object_for_list", applies: (p) => p.slot.kind === "list", value: () => ({}) },
  {
    name: "false_for_object",
    applies: (p) => isMsg(p.slot, true) || p.slot.kind === "list" || p.slot.kind === "map",
    value: () => false,
  },
  { name: "null_for_field", applies: (p) => p.field !== undefined, value: () => null },
  { name: "wrong_type", applies: () => true, value: (g) => g.pick<Json>(["x", { a: 1 }, [1], true, 3.5]) },
  {
    name: "enum_name",
    applies: (p) => p.slot.kind === "enum",
    value: (g) => g.pick(["RED", "color_red", "Color_Red", "red"]),
  },
  {
    name: "enum_unknown",
    applies: (p) => p.slot.kind === "enum",
    value: (g) => g.pick<Json>(["COLOR_PURPLE", "", 2147483648, raw("1.5")]),
  },
  {
    name: "datetime_object",
    applies: (p) => p.slot.kind === "message" && p.slot.desc.typeName === "google.protobuf.Timestamp",
    value: (g) => ({
      date: g.pick([
        "2025-11-28 10:12:44.000000",
        "2025-03-30 02:30:00.000000",
        "2025-10-26 02:30:00.250000",
        "2025-07-01 23:59:59.123456",
      ]),
      timezone_type: g.pick([1, 2, 3]),
      timezone: g.pick(["UTC", "+01:00", "-0530", "Europe/Berlin", "America/New_York", "CEST", "Mars/Base"]),
    }),
  },
  {
    name: "timestamp_edges",
    applies: (p) => p.slot.kind === "message" && p.slot.desc.typeName === "google.protobuf.Timestamp",
    value: (g) =>
      g.pick([
        "2024-01-01t00:00:00Z",
        "2023-02-29T00:00:00Z",
        "2024-03-01T00:30:00+23:59",
        "2024-01-01T00:00:00.5Z",
        "2016-12-31T23:59:60Z",
        "0001-01-01T00:00:00Z",
      ]),
  },
  {
    name: "any_unknown_type",
    applies: (p) => p.slot.kind === "message" && p.slot.desc.typeName === "google.protobuf.Any",
    value: (g) =>
      g.pick<Json>([
        { "@type": `${T}foo.v1.Unknown`, x: 1 },
        { "@type": `${T}foo.v1.Unknown` },
        { "@type": "example.com/foo.Bar" },
      ]),
  },
  {
    name: "any_without_value",
    applies: (p) => p.slot.kind === "message" && p.slot.desc.typeName === "google.protobuf.Any",
    value: (g) => ({
      "@type": `${T}google.protobuf.${g.pick(["Struct", "Value", "Duration", "Int64Value", "ListValue", "Empty", "Timestamp"])}`,
    }),
  },
  {
    name: "any_edges",
    applies: (p) => p.slot.kind === "message" && p.slot.desc.typeName === "google.protobuf.Any",
    value: (g) =>
      g.pick<Json>([
        { "@type": "" },
        { value: 1 },
        { "@type": `${T}google.protobuf.Empty`, value: {} },
        { "@type": `${T}difftest.v1.Leaf`, name: 5 },
        { "@type": `${T}difftest.v1.Leaf`, weight: raw("9007199254740993") },
        { "@type": `${T}google.protobuf.Value`, value: null },
      ]),
  },
  {
    name: "double_edges",
    applies: (p) =>
      p.slot.kind === "scalar" && (p.slot.scalar === ScalarType.DOUBLE || p.slot.scalar === ScalarType.FLOAT),
    value: (g) =>
      g.pick([
        raw("-1.9e308"),
        raw("1e400"),
        raw("3.5e38"),
        raw("3.4028235e38"),
        raw("10000000000000000"),
        raw("-0.0"),
        raw("123456789012345678901234"),
      ]),
  },
];

/** Mutations of the whole object. */
const OBJECT_MUTATIONS: readonly {
  readonly name: string;
  readonly apply: (g: Gen, o: Obj, d: DescMessage) => void;
}[] = [
  {
    name: "unknown_key",
    apply: (g, o) => {
      o[g.pick(["userid", "extra", "fInt33", "f_int_32"])] = g.pick<Json>([1, "x", null, {}]);
    },
  },
  {
    name: "forbidden_key",
    apply: (g, o) => {
      o[g.pick(["__proto__", "constructor", "prototype"])] = g.pick<Json>([{}, 1, null]);
    },
  },
  {
    name: "both_names",
    apply: (g, o, d) => {
      const fs = d.fields.filter((f) => f.name !== f.jsonName && f.oneof === undefined);
      if (fs.length === 0) return;
      const f = g.pick(fs);
      const v = g.value(slotOf(f), 2);
      o[f.name] = v;
      o[f.jsonName] = g.chance(0.2) ? null : g.chance(0.5) ? v : g.value(slotOf(f), 2);
    },
  },
];

/** Whole-body mutations: what PHP prints around or instead of the JSON. */
const BODY_MUTATIONS: readonly { readonly name: string; readonly apply: (g: Gen, body: string) => string }[] =
  [
    { name: "utf8_bom", apply: (_g, b) => `\ufeff${b}` },
    {
      name: "php_output_before_json",
      apply: (g, b) =>
        g.pick([
          'PHP Warning:  Undefined array key "x" in /app/a.php on line 3\n',
          "<br />\n<b>Deprecated</b>:  strlen(): Passing null in <b>/app/a.php</b> on line <b>9</b><br />\n",
          "PHP Fatal error:  Uncaught Error in /a.php:3\n",
        ]) + b,
    },
    {
      name: "body_edges",
      apply: (g, b) =>
        g.pick([
          "",
          "false",
          "null",
          "[]",
          "<html><title>500</title></html>",
          `${b}${b}`,
          b.slice(0, -1),
          " \n" + b,
          "{}",
        ]),
    },
  ];

interface Case {
  readonly cls: string;
  readonly type: string;
  readonly mutation: string;
  readonly body: string;
}

interface Outcome {
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
        $r = ['ok' => $c['class']::fromJson($c['json'], $c['preset'])->toJson()];
    } catch (\\Contractgen\\Runtime\\DecodeException $t) {
        $r = ['error' => $t->getMessage()];
    }
    fwrite($out, json_encode($r, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR) . "\\n");
}
`;

/**
 * Real PHP encodings of valid payloads, as PHP code holding them in arrays prints them: `assoc`
 * (json_decode(…, true) then json_encode: every empty object becomes []), `intcast` (integer strings
 * cast with (int), as a BIGINT column with native types or `(int) $id`), `strval` (every int a string,
 * as PDO with emulated prepares), `boolint` (booleans as 1/0, a TINYINT column), `floatcast` (ints
 * cast to float: `(float) $x` prints 5.0 as 5.0 under JSON_PRESERVE_ZERO_FRACTION).
 */
const PHP_ENCODER = `<?php
declare(strict_types=1);
function walk(mixed $v, callable $f): mixed {
    if (is_array($v)) {
        foreach ($v as $k => $x) { $v[$k] = walk($x, $f); }
        return $v;
    }
    return $f($v);
}
$in = fopen($argv[1], 'r');
$out = fopen($argv[2], 'w');
while (($line = fgets($in)) !== false) {
    $c = json_decode($line, true, 512, JSON_THROW_ON_ERROR);
    $v = json_decode($c['json'], true, 512, JSON_BIGINT_AS_STRING | JSON_THROW_ON_ERROR);
    $flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE;
    switch ($c['mode']) {
        case 'intcast':
            $v = walk($v, fn ($x) => is_string($x) && preg_match('/^-?[1-9][0-9]{0,17}$/', $x) === 1 ? (int) $x : $x);
            break;
        case 'strval':
            $v = walk($v, fn ($x) => is_int($x) || is_float($x) ? strval($x) : $x);
            break;
        case 'boolint':
            $v = walk($v, fn ($x) => is_bool($x) ? (int) $x : $x);
            break;
        case 'floatcast':
            $v = walk($v, fn ($x) => is_int($x) ? (float) $x : $x);
            $flags |= JSON_PRESERVE_ZERO_FRACTION;
            break;
    }
    $json = json_encode($v, $flags);
    fwrite($out, json_encode(['json' => $json === false ? '' : $json], JSON_THROW_ON_ERROR) . "\\n");
}
`;
const PHP_MODES = ["assoc", "intcast", "strval", "boolint", "floatcast"] as const;

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

describe.skipIf(!hasPhp)("parity: PHP and TypeScript take the same decision on the same bytes", () => {
  let dir: string;
  let loaded: LoadedContracts;
  let registry: FileRegistry;
  let classOf: (type: string) => string;
  /** Per preset: the compiled boundary and the guard walk. */
  const boundaries = new Map<Preset, readonly Boundary[]>();

  beforeAll(async () => {
    dir = await scratchDir("parity");
    loaded = await loadContracts(resolveConfig(FIXTURE));
    const files = await emitPhp(loaded, {});
    await writeTree(join(dir, "gen"), Object.fromEntries(files.map((f) => [f.path, f.content])));
    await writeFile(join(dir, "runner.php"), RUNNER);
    await writeFile(join(dir, "encoder.php"), PHP_ENCODER);
    const image = loaded.proto;
    if (!image) throw new Error("fixture has no proto");
    registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, image.image));
    const ctx = createPhpContext(loaded, {});
    classOf = (type) => ctx.classOf(type).fqcn;
    const schemas = [...wireSchemas(loaded).values()];
    // protobuf-es after the guards, with the registry (Any payloads of the fixture and well-known types).
    const validators: Record<string, ConstraintCheck> = {};
    for (const type of TYPES) {
      const desc = registry.getMessage(type) as DescMessage;
      validators[type] = (value) => {
        try {
          fromJson(desc, value as JsonValue, { registry });
          return [];
        } catch (e) {
          const found = e instanceof Error ? e.message : String(e);
          return [{ path: "", code: "schema.protojson", expected: type, found, fix: "", message: found }];
        }
      };
    }
    for (const preset of PRESETS) {
      boundaries.set(
        preset,
        [true, false].map((compile) =>
          createBoundary({ schemas, compile, validators, policies: { preset } }),
        ),
      );
    }
  });
  // PARITY_KEEP=1 keeps the generated PHP and the corpus files for a look.
  afterAll(() => (process.env["PARITY_KEEP"] ? console.log(`kept ${dir}`) : removeDir(dir)));

  /** PHP decodes every case under `preset` in one process. */
  async function php(cases: readonly Case[], preset: Preset): Promise<Outcome[]> {
    const inFile = join(dir, `cases-${preset}.jsonl`);
    const outFile = join(dir, `results-${preset}.jsonl`);
    await writeFile(
      inFile,
      `${cases.map((c) => JSON.stringify({ class: c.cls, json: c.body, preset })).join("\n")}\n`,
    );
    const res = await run("php", [join(dir, "runner.php"), join(dir, "gen", "php"), inFile, outFile], {
      cwd: dir,
      timeoutMs: 120_000,
    });
    expect(res.stderr + res.stdout).toBe("");
    const lines = (await readFile(outFile, "utf8")).trim().split("\n");
    expect(lines).toHaveLength(cases.length);
    return lines.map((l) => JSON.parse(l) as Outcome);
  }

  /** A TypeScript server's reading: the boundary (one-pass and walk must agree), then protobuf-es. */
  function ts(c: Case, preset: Preset): Outcome {
    const desc = registry.getMessage(c.type) as DescMessage;
    const outcomes = (boundaries.get(preset) ?? []).map((b): Outcome => {
      try {
        const { value } = b.check(c.type, c.body);
        return { ok: toJsonString(desc, fromJson(desc, value as JsonValue, { registry }), { registry }) };
      } catch (e) {
        if (isBoundaryError(e)) return { error: e.message };
        return { error: `protobuf-es: ${e instanceof Error ? e.message : String(e)}` };
      }
    });
    const [fast, walk] = outcomes;
    if ((fast?.ok === undefined) !== (walk?.ok === undefined) || fast?.ok !== walk?.ok)
      return {
        error: `one-pass check and guard walk differ: ${fast?.ok ?? fast?.error} / ${walk?.ok ?? walk?.error}`,
      };
    return fast ?? {};
  }

  async function corpus(): Promise<Case[]> {
    const cases: Case[] = [];
    const valid: Case[] = [];
    for (const [t, type] of TYPES.entries()) {
      const desc = registry.getMessage(type) as DescMessage;
      const cls = classOf(type);
      for (let i = 0; i < MESSAGES; i++) {
        const g = new Gen(rng(BASE_SEED + t * 1_000_003 + i), registry);
        const v = g.message(desc, 0);
        const body = text(v);
        valid.push({ cls, type, mutation: "valid", body });
        // Canonical ProtoJSON, and the other forms a parser must accept, when protobuf-es reads it.
        try {
          const m = fromJson(desc, JSON.parse(body) as JsonValue, { registry });
          const variant = g.pick([
            {},
            { useProtoFieldName: true },
            { enumAsInteger: true },
            { alwaysEmitImplicit: true },
          ]);
          cases.push({
            cls,
            type,
            mutation: "canonical",
            body: toJsonString(desc, m, { ...variant, registry }),
          });
        } catch {
          // generated values protobuf-es refuses stay in the corpus as "valid" inputs to decide on
        }
        // Three mutations of the value, one of the object, one of the body.
        for (let k = 0; k < 3; k++) {
          const copy = JSON.parse(body) as Obj;
          const all = places(copy, desc);
          const m = g.pick(MUTATIONS);
          const at = all.filter(m.applies);
          if (at.length === 0) continue;
          const p = g.pick(at);
          (p.holder as Record<string | number, Json>)[p.key] = m.value(g, p);
          cases.push({ cls, type, mutation: m.name, body: text(copy) });
        }
        {
          const copy = JSON.parse(body) as Obj;
          const m = g.pick(OBJECT_MUTATIONS);
          // The root or a nested message object.
          const nested = places(copy, desc).filter(
            (p) => isMsg(p.slot) && isObj((p.holder as Record<string | number, Json>)[p.key]),
          );
          if (nested.length > 0 && g.chance(0.5)) {
            const p = g.pick(nested);
            const o = (p.holder as Record<string | number, Json>)[p.key] as Obj;
            m.apply(g, o, (p.slot as { desc: DescMessage }).desc);
          } else m.apply(g, copy, desc);
          cases.push({ cls, type, mutation: m.name, body: text(copy) });
        }
        if (i % 2 === 0) {
          const m = g.pick(BODY_MUTATIONS);
          cases.push({ cls, type, mutation: m.name, body: m.apply(g, body) });
        }
      }
    }
    // Real PHP json_encode output of PHP values holding the valid payloads.
    const inFile = join(dir, "encode.jsonl");
    const outFile = join(dir, "encoded.jsonl");
    const jobs = valid.map((c, i) => ({ c, mode: PHP_MODES[i % PHP_MODES.length] as string }));
    await writeFile(
      inFile,
      `${jobs.map((j) => JSON.stringify({ json: j.c.body, mode: j.mode })).join("\n")}\n`,
    );
    const res = await run("php", [join(dir, "encoder.php"), inFile, outFile], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    expect(res.stderr + res.stdout).toBe("");
    const encoded = (await readFile(outFile, "utf8")).trim().split("\n");
    jobs.forEach((j, i) => {
      const out = JSON.parse(encoded[i] ?? "{}") as { json: string };
      cases.push({ ...j.c, mutation: `php_${j.mode}`, body: out.json });
    });
    return [...valid, ...cases];
  }

  it("decides alike and re-encodes alike under every preset, and each side reads the other's output back", async () => {
    const cases = await corpus();
    const disagreements: string[] = [];
    const perClass = new Map<string, { n: number; accepted: Record<Preset, number>; diff: number }>();
    let decisions = 0;
    const roundTrips: Case[] = [];
    const tsOutputs: Case[] = [];
    for (const preset of PRESETS) {
      const phpOut = await php(cases, preset);
      cases.forEach((c, i) => {
        const p = phpOut[i] as Outcome;
        const t = ts(c, preset);
        decisions++;
        const stat = perClass.get(c.mutation) ?? { n: 0, accepted: { strict: 0, migrate: 0 }, diff: 0 };
        if (preset === "strict") stat.n++;
        if (p.ok !== undefined && t.ok !== undefined) stat.accepted[preset]++;
        perClass.set(c.mutation, stat);
        const same =
          (p.ok === undefined && t.ok === undefined) ||
          (p.ok !== undefined && t.ok !== undefined && canonical(p.ok) === canonical(t.ok));
        if (!same) {
          stat.diff++;
          disagreements.push(
            `[${preset}] ${c.mutation} ${c.type}\n  input: ${JSON.stringify(c.body).slice(0, 400)}\n  php:   ${(p.ok ?? p.error ?? "").slice(0, 300)}\n  ts:    ${(t.ok ?? t.error ?? "").slice(0, 300)}`,
          );
        } else if (p.ok !== undefined && t.ok !== undefined && preset === "strict") {
          roundTrips.push({ ...c, mutation: `php→ts ${c.mutation}`, body: p.ok });
          tsOutputs.push({ ...c, mutation: `ts→php ${c.mutation}`, body: t.ok });
        }
      });
    }
    // Round trips: each side's canonical output, read by both sides under strict, is accepted and
    // gives the same output on both (PHP → TS and TS → PHP, and each side's own output again).
    const outputs = [...roundTrips, ...tsOutputs];
    const phpReads = await php(outputs, "strict");
    let trips = 0;
    outputs.forEach((c, i) => {
      const p = phpReads[i] as Outcome;
      const t = ts(c, "strict");
      trips++;
      if (p.ok === undefined || t.ok === undefined || canonical(p.ok) !== canonical(t.ok))
        disagreements.push(
          `[round trip] ${c.mutation}\n  read:  ${c.body.slice(0, 300)}\n  php:   ${(p.ok ?? p.error ?? "").slice(0, 300)}\n  ts:    ${(t.ok ?? t.error ?? "").slice(0, 300)}`,
        );
    });
    const rows = [...perClass.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([name, s]) =>
          `  ${name.padEnd(30)} ${String(s.n).padStart(5)}  accepted strict ${String(s.accepted.strict).padStart(5)}  migrate ${String(s.accepted.migrate).padStart(5)}  disagreements ${s.diff}`,
      );
    console.log(
      `parity: ${cases.length} payloads × ${PRESETS.length} presets = ${decisions} decisions, ${trips} cross-reads; ${disagreements.length} disagreements\n${rows.join("\n")}`,
    );
    if (process.env["PARITY_DUMP"]) await writeFile(process.env["PARITY_DUMP"], disagreements.join("\n\n"));
    expect(cases.length).toBeGreaterThanOrEqual(10_000);
    expect(disagreements.slice(0, 30).join("\n\n")).toBe("");
  }, 180_000);
});

/**
 * The PHP corpus (test/php-corpus/corpus.php: every pitfall as real PHP code produces it, for messages of
 * the example shop, proto and JSON Schema) decoded by the shop's generated PHP DTOs (the PHP golden) and
 * by the TypeScript boundary (with protobuf-es for proto messages, the generated ajv validators for JSON
 * Schema ones), under each preset: the same decision, and when accepted the same JSON.
 */
describe.skipIf(!hasPhp)("parity on the real-PHP corpus of the example shop", () => {
  const RUNNER_B64 = `<?php
declare(strict_types=1);
require $argv[1] . '/autoload.php';
$out = [];
foreach (json_decode((string) file_get_contents($argv[2]), true, 512, JSON_THROW_ON_ERROR) as $c) {
    try {
        $out[] = ['ok' => $c['class']::fromJson((string) base64_decode($c['body']), $c['preset'])->toJson()];
    } catch (\\Contractgen\\Runtime\\DecodeException $t) {
        $out[] = ['error' => $t->getMessage()];
    }
}
echo json_encode($out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR);
`;
  const PROTO = {
    "shop.payment.v1.PayRequest": PayRequestSchema,
    "shop.order.v1.CreateOrderRequest": CreateOrderRequestSchema,
  } as const;
  const classOf = (type: string) =>
    type
      .split(".")
      .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
      .join("\\");

  it("decides alike and prints alike under every preset", async () => {
    const cases = loadCorpus();
    const dir = await scratchDir("parity-corpus");
    try {
      const validators: Record<string, unknown> = {
        "shop.events.v1.OrderCreated": validateOrderCreated,
        "shop.stats.v1.TrackEventRequest": validateTrackEventRequest,
      };
      for (const [type, desc] of Object.entries(PROTO)) {
        validators[type] = ((value: unknown) => {
          try {
            fromJson(desc as DescMessage, value as JsonValue);
            return [];
          } catch (e) {
            const found = e instanceof Error ? e.message : String(e);
            return [{ path: "", code: "schema.protojson", expected: type, found, fix: "", message: found }];
          }
        }) as ConstraintCheck;
      }
      await writeFile(join(dir, "runner.php"), RUNNER_B64);
      // The example contracts' PHP with the runtime (the golden copy holds only the generated classes).
      const shop = await emitPhp(await loadContracts(resolveConfig(ROOT)), {});
      await writeTree(join(dir, "gen"), Object.fromEntries(shop.map((f) => [f.path, f.content])));
      const disagreements: string[] = [];
      let decisions = 0;
      for (const preset of PRESETS) {
        const boundary = createBoundary({
          schemas: loadWireSchemas(GOLDEN_SCHEMAS),
          validators: validators as never,
          policies: { preset },
        });
        const input = join(dir, `corpus-${preset}.json`);
        await writeFile(
          input,
          JSON.stringify(
            cases.map((c) => ({ class: classOf(c.type), body: c.body.toString("base64"), preset })),
          ),
        );
        const res = await run("php", [join(dir, "runner.php"), join(dir, "gen", "php"), input], { cwd: dir });
        expect(res.stderr).toBe("");
        const php = JSON.parse(res.stdout) as Outcome[];
        const ts = cases.map((c): Outcome => {
          try {
            const { value } = boundary.check(c.type, c.body);
            const desc = PROTO[c.type as keyof typeof PROTO] as DescMessage | undefined;
            return {
              ok: desc ? toJsonString(desc, fromJson(desc, value as JsonValue)) : JSON.stringify(value),
            };
          } catch (e) {
            if (!isBoundaryError(e)) throw e;
            return { error: e.message };
          }
        });
        // A JSON Schema message has no protobuf-es: the value the boundary accepted (as repaired) is
        // printed canonically by the PHP DTO (strict), and must equal what PHP printed itself.
        const again = join(dir, `again-${preset}.json`);
        await writeFile(
          again,
          JSON.stringify(
            ts.map((t, i) => ({
              class: classOf((cases[i] as (typeof cases)[number]).type),
              body: Buffer.from(t.ok ?? "{}").toString("base64"),
              preset: "strict",
            })),
          ),
        );
        const res2 = await run("php", [join(dir, "runner.php"), join(dir, "gen", "php"), again], {
          cwd: dir,
        });
        const printed = JSON.parse(res2.stdout) as Outcome[];
        cases.forEach((c, i) => {
          const p = php[i] as Outcome;
          const proto = c.type in PROTO;
          const t: Outcome = ts[i]?.ok === undefined || proto ? (ts[i] as Outcome) : (printed[i] as Outcome);
          decisions++;
          const same =
            (p.ok === undefined && t.ok === undefined) ||
            (p.ok !== undefined && t.ok !== undefined && canonical(p.ok) === canonical(t.ok));
          if (!same)
            disagreements.push(
              `[${preset}] ${c.name} (${c.type})\n  php: ${p.ok ? canonical(p.ok) : p.error}\n  ts:  ${t.ok ? canonical(t.ok) : t.error}`,
            );
        });
      }
      console.log(
        `parity on the real-PHP corpus: ${cases.length} payloads × ${PRESETS.length} presets = ${decisions} decisions; ${disagreements.length} disagreements`,
      );
      expect(disagreements.join("\n\n")).toBe("");
    } finally {
      await removeDir(dir);
    }
  });
});
