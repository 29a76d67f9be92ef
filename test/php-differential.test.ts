/**
 * Differential test of the PHP ProtoJSON codec against protobuf-es (issue 3, item 4). Seeded random
 * messages of test/fixtures/php-dto (every scalar type, repeated and map fields of every key type,
 * oneofs, nested messages, well-known types, enum numbers an open enum does not name, integral doubles
 * from 2^53 to 1e21 that JSON writes as plain digits, the empty Any) are built with protobuf-es `create()`, printed with
 * `toJson()` (canonical, and in the variants a ProtoJSON parser must also accept: proto field names,
 * enums as numbers, defaults emitted), parsed by the generated PHP `fromJson()` and printed with
 * `toJson()`. PHP's output must be JSON-equal to protobuf-es' canonical output, for every case. One
 * `php` process runs a whole batch. A failure prints the seed and the difference.
 */
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  create,
  createFileRegistry,
  type DescEnum,
  type DescField,
  type DescMessage,
  type FileRegistry,
  fromBinary,
  fromJson,
  type JsonValue,
  type Message,
  ScalarType,
  toJson,
} from "@bufbuild/protobuf";
import { anyPack, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { type LoadedContracts, loadContracts } from "../codegen/load/index.js";
import { createPhpContext } from "../php-gen/context.js";
import { emitPhp } from "../php-gen/index.js";
import { ROOT, removeDir, run, scratchDir, writeTree } from "./helpers.js";

const FIXTURE = join(ROOT, "test", "fixtures", "php-dto");
const CASES = 1200;
const BASE_SEED = Number(process.env["PHP_DIFF_SEED"] ?? 20241122);

const hasPhp = (() => {
  try {
    execFileSync("php", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** mulberry32: a small seeded PRNG, so every case is reproducible from its seed. */
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
  bigUnsigned(bits: number): bigint {
    const edge = this.int(6);
    const max = (1n << BigInt(bits)) - 1n;
    if (edge === 0) return 0n;
    if (edge === 1) return max;
    if (edge === 2) return BigInt(this.int(1000));
    let v = 0n;
    for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(this.int(65536));
    return v & max;
  }
  bigSigned(bits: number): bigint {
    const u = this.bigUnsigned(bits);
    const half = 1n << BigInt(bits - 1);
    return u >= half ? u - (1n << BigInt(bits)) : u;
  }
  double(float: boolean): number {
    const k = this.int(12);
    const v =
      k === 0
        ? Number.NaN
        : k === 1
          ? Number.POSITIVE_INFINITY
          : k === 2
            ? Number.NEGATIVE_INFINITY
            : k === 3
              ? this.int(2000) - 1000
              : k === 4
                ? (this.r() - 0.5) * 10 ** (this.int(600) - 300)
                : k === 5
                  ? Number.MIN_VALUE
                  : k === 6
                    ? 0.1 * this.int(100)
                    : k === 7
                      ? // Integral doubles from 2^53 to 1e21, which JSON.stringify writes as plain digits.
                        (this.chance(0.5) ? -1 : 1) * 2 ** (53 + this.int(17)) + 2 ** 12 * this.int(4)
                      : (this.r() - 0.5) * 1e6;
    // -0 is left out: protobuf-es prints it as `0`, so its JSON text is not a fixed point even for itself.
    if (!float) return Object.is(v, -0) ? 0 : v;
    const f = Math.fround(v);
    return Number.isFinite(v) && !Number.isFinite(f) ? 1.5 : Object.is(f, -0) ? 0 : f;
  }
  string(): string {
    const alphabet = [
      "a",
      "Z",
      "0",
      " ",
      '"',
      "\\",
      "/",
      "\n",
      "\t",
      "\u0001",
      "é",
      "ß",
      "中",
      "😀",
      "\u2028",
      "<",
      "?>",
      "*/",
      "$",
    ];
    let s = "";
    const n = this.int(8);
    for (let i = 0; i < n; i++) s += this.pick(alphabet);
    return s;
  }
  bytes(): Uint8Array {
    const b = new Uint8Array(this.int(9));
    for (let i = 0; i < b.length; i++) b[i] = this.int(256);
    return b;
  }
  scalar(t: ScalarType): unknown {
    switch (t) {
      case ScalarType.DOUBLE:
        return this.double(false);
      case ScalarType.FLOAT:
        return this.double(true);
      case ScalarType.INT32:
      case ScalarType.SINT32:
      case ScalarType.SFIXED32:
        return Number(this.bigSigned(32));
      case ScalarType.UINT32:
      case ScalarType.FIXED32:
        return Number(this.bigUnsigned(32));
      case ScalarType.INT64:
      case ScalarType.SINT64:
      case ScalarType.SFIXED64:
        return this.bigSigned(64);
      case ScalarType.UINT64:
      case ScalarType.FIXED64:
        return this.bigUnsigned(64);
      case ScalarType.BOOL:
        return this.chance(0.5);
      case ScalarType.STRING:
        return this.string();
      case ScalarType.BYTES:
        return this.bytes();
    }
  }
  mapKey(t: ScalarType): string {
    if (t === ScalarType.BOOL) return this.chance(0.5) ? "true" : "false";
    if (t === ScalarType.STRING) return this.string();
    return String(this.scalar(t));
  }
  json(depth: number): JsonValue {
    const k = this.int(depth > 2 ? 4 : 6);
    if (k === 0) return null;
    if (k === 1) return this.chance(0.5);
    if (k === 2) {
      const n = this.int(3);
      // Struct numbers are doubles: big integral ones are written as plain digits (1e20 → 100000000000000000000).
      return n === 0 ? this.int(100000) - 50000 : n === 1 ? (this.r() - 0.5) * 1e6 : 2 ** (53 + this.int(17));
    }
    if (k === 3) return this.string();
    if (k === 4) return Array.from({ length: this.int(4) }, () => this.json(depth + 1));
    const o: Record<string, JsonValue> = {};
    for (let i = this.int(4); i > 0; i--) o[this.string()] = this.json(depth + 1);
    return o;
  }
  desc(name: string): DescMessage {
    const d = this.registry.getMessage(name);
    if (!d) throw new Error(`no ${name}`);
    return d;
  }
  timestamp(): Message {
    const seconds = BigInt(
      this.int(2) === 0 ? this.int(2 ** 31) : Math.floor((this.r() - 0.5) * 2 * 253402300799),
    );
    const s = seconds < -62135596800n ? -62135596800n : seconds;
    return create(this.desc("google.protobuf.Timestamp"), { seconds: s, nanos: this.nanos() } as never);
  }
  nanos(): number {
    return this.pick([0, 1000000 * this.int(1000), 1000 * this.int(1000000), this.int(1000000000)]);
  }
  duration(): Message {
    const seconds = BigInt(Math.floor((this.r() - 0.5) * 2 * 315576000000));
    let nanos = this.nanos();
    if (seconds < 0n || (seconds === 0n && this.chance(0.5))) nanos = -nanos;
    return create(this.desc("google.protobuf.Duration"), { seconds, nanos } as never);
  }
  /** A value for one element of a message-typed field (`singular` unboxes wrappers as protobuf-es does). */
  messageValue(d: DescMessage, depth: number, singular: boolean): unknown {
    switch (d.typeName) {
      case "google.protobuf.Timestamp":
        return this.timestamp();
      case "google.protobuf.Duration":
        return this.duration();
      case "google.protobuf.Struct": {
        const o: Record<string, JsonValue> = {};
        for (let i = this.int(4); i > 0; i--) o[this.string()] = this.json(1);
        // protobuf-es holds a singular Struct field as a plain JSON object.
        return singular ? o : fromJson(d, o);
      }
      case "google.protobuf.Value":
        return fromJson(d, this.json(0));
      case "google.protobuf.ListValue":
        return fromJson(
          d,
          Array.from({ length: this.int(4) }, () => this.json(1)),
        );
      case "google.protobuf.FieldMask":
        return create(d, {
          paths: Array.from({ length: this.int(3) }, () =>
            this.pick(["a", "foo_bar", "x.y_z", "user.display_name", "a1"]),
          ),
        } as never);
      case "google.protobuf.Empty":
        return create(d);
      case "google.protobuf.Any": {
        // The empty Any ({}, no type) one time in eight.
        if (this.chance(0.125)) return create(d);
        const inner = this.pick([
          "difftest.v1.Leaf",
          "google.protobuf.Timestamp",
          "google.protobuf.Duration",
          "google.protobuf.Struct",
        ]);
        const desc = this.desc(inner);
        return anyPack(desc, this.messageValue(desc, depth + 1, false) as Message);
      }
      default:
        break;
    }
    if (d.typeName.startsWith("google.protobuf.") && d.typeName.endsWith("Value")) {
      const f = d.fields[0] as DescField & { fieldKind: "scalar" };
      const v = this.scalar(f.scalar);
      return singular ? v : create(d, { value: v } as never);
    }
    return this.message(d, depth + 1);
  }
  /**
   * A value of enum `e`: one of its numbers, or — for an open (proto3) enum, one time in eight — a
   * number it does not name (a newer peer's value), which both sides must keep and print as a number.
   */
  enumValue(e: DescEnum): number {
    if (e.open && this.chance(0.125)) {
      const known = new Set(e.values.map((v) => v.number));
      const candidates = [2147483647, -2147483648, -1, 1000 + this.int(1000)];
      const n = this.pick(candidates);
      if (!known.has(n)) return n;
    }
    return this.pick(e.values).number;
  }
  fieldValue(f: DescField, depth: number): unknown {
    switch (f.fieldKind) {
      case "scalar":
        return this.scalar(f.scalar);
      case "enum":
        return this.enumValue(f.enum);
      case "message":
        return this.messageValue(f.message, depth, true);
      case "list": {
        const n = depth > 1 ? this.int(2) : this.int(4);
        return Array.from({ length: n }, () =>
          f.listKind === "scalar"
            ? this.scalar(f.scalar)
            : f.listKind === "enum"
              ? this.enumValue(f.enum)
              : this.messageValue(f.message, depth, false),
        );
      }
      case "map": {
        const o: Record<string, unknown> = {};
        for (let i = depth > 1 ? this.int(2) : this.int(4); i > 0; i--) {
          o[this.mapKey(f.mapKey)] =
            f.mapKind === "scalar"
              ? this.scalar(f.scalar)
              : f.mapKind === "enum"
                ? this.enumValue(f.enum)
                : this.messageValue(f.message, depth, false);
        }
        return o;
      }
    }
  }
  message(d: DescMessage, depth: number): Message {
    const init: Record<string, unknown> = {};
    for (const m of d.members) {
      if (m.kind === "oneof") {
        if (this.chance(0.7)) {
          const f = this.pick(m.fields);
          init[m.localName] = { case: f.localName, value: this.fieldValue(f, depth) };
        }
        continue;
      }
      if (m.fieldKind === "list" && m.listKind === "message" && m.message.typeName === "difftest.v1.Root") {
        if (depth > 0 || !this.chance(0.3)) continue;
      }
      if (this.chance(depth === 0 ? 0.8 : 0.6)) init[m.localName] = this.fieldValue(m, depth);
    }
    return create(d, init as never);
  }
}

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

describe.skipIf(!hasPhp)("PHP ProtoJSON codec vs protobuf-es", () => {
  let dir: string;
  let loaded: LoadedContracts;
  beforeAll(async () => {
    dir = await scratchDir("php-diff");
    loaded = await loadContracts(resolveConfig(FIXTURE));
    const files = await emitPhp(loaded, {});
    await writeTree(join(dir, "gen"), Object.fromEntries(files.map((f) => [f.path, f.content])));
    await writeFile(join(dir, "runner.php"), RUNNER);
  });
  afterAll(() => removeDir(dir));

  it(`round-trips ${CASES} seeded random messages exactly (seed ${BASE_SEED})`, async () => {
    const image = loaded.proto;
    if (!image) throw new Error("fixture has no proto");
    const rootClass = createPhpContext(loaded, {}).classOf("difftest.v1.Root").fqcn;
    // protobuf-es's own registry of buf's image: the reference encoder, independent of the model.
    const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, image.image));
    const desc = registry.getMessage("difftest.v1.Root");
    if (!desc) throw new Error("no difftest.v1.Root");
    const variants = [
      {},
      { useProtoFieldName: true },
      { enumAsInteger: true },
      { alwaysEmitImplicit: true },
    ] as const;
    const cases: { seed: number; variant: number; input: string; want: string }[] = [];
    for (let i = 0; i < CASES; i++) {
      const seed = BASE_SEED + i;
      const gen = new Gen(rng(seed), registry);
      const msg = gen.message(desc, 0);
      const variant = i % variants.length;
      const want = JSON.stringify(toJson(desc, msg, { registry }));
      const input =
        variant === 0 ? want : JSON.stringify(toJson(desc, msg, { ...variants[variant], registry }));
      cases.push({ seed, variant, input, want });
    }
    const inFile = join(dir, "cases.jsonl");
    const outFile = join(dir, "results.jsonl");
    await writeFile(
      inFile,
      cases.map((c) => JSON.stringify({ class: rootClass, json: c.input })).join("\n") + "\n",
    );
    const res = await run("php", [join(dir, "runner.php"), join(dir, "gen", "php"), inFile, outFile], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    expect(res.stderr + res.stdout).toBe("");
    const results = (await readFile(outFile, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { ok?: string; error?: string });
    expect(results).toHaveLength(cases.length);
    const failures: string[] = [];
    let exact = 0;
    cases.forEach((c, i) => {
      const r = results[i];
      if (r?.ok === undefined) {
        failures.push(`seed ${c.seed} (variant ${c.variant}): PHP threw ${r?.error}\n  input: ${c.input}`);
        return;
      }
      if (r.ok === c.want) exact++;
      if (canonical(r.ok) !== canonical(c.want)) {
        failures.push(
          `seed ${c.seed} (variant ${c.variant}):\n  protobuf-es: ${canonical(c.want)}\n  php:         ${canonical(r.ok)}`,
        );
      }
    });
    if (failures.length > 0) {
      throw new Error(
        `${failures.length} of ${cases.length} cases differ (rerun one with PHP_DIFF_SEED=<seed>):\n${failures.slice(0, 5).join("\n")}`,
      );
    }
    // Most outputs are byte-identical too; JSON-equality is the contract (float text and key order may differ).
    expect(exact).toBeGreaterThan(0);
  });
});
