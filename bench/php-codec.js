/**
 * PHP codec benchmark (`node bench/php-codec.js` after `npm run build`). Figures from one run:
 *
 *   1. Decode + encode of a representative ~2 KB shop.order.v1.Order in ProtoJSON, in one `php` process:
 *      (a) bare `json_decode` + `json_encode` of the same text (the floor),
 *      (b) the contractgen DTO: `Order::fromJson($json)->toJson()` (strict decode, canonical encode),
 *      (c) Google's protobuf PHP runtime (Debian `php-google-protobuf`, which needs `php-bcmath`; classes
 *          from `protoc --php_out`, Debian `protobuf-compiler`): `mergeFromJsonString` +
 *          `serializeToJsonString`.
 *      Targets: (b) at least 10× faster than (c), at most 5× slower than (a). Parts whose tools are
 *      missing are skipped with a message.
 *   2. PHP emission time (emitPhp, in-process, after loading) for one .proto file with 250 / 500 / 1,000
 *      messages: time per message must stay flat (linear generation).
 *
 * Options (env): BENCH_ITERATIONS (default 2000), BENCH_KEEP=1 keeps bench/tmp/php-codec. Prints figures
 * only; no assertions.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TMP = join(ROOT, "bench", "tmp", "php-codec");
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2000);

const { resolveConfig } = await import(join(ROOT, "dist", "codegen", "config.js"));
const { loadContracts } = await import(join(ROOT, "dist", "codegen", "load", "index.js"));
const { wireSchemas } = await import(join(ROOT, "dist", "codegen", "wire", "index.js"));
const { emitPhp } = await import(join(ROOT, "dist", "php-gen", "index.js"));
const { bufBinary } = await import(join(ROOT, "dist", "codegen", "tools", "buf.js"));

function has(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  return r.status === 0;
}

function writeFiles(dir, files) {
  for (const f of files) {
    const full = join(dir, f.path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, f.content);
  }
}

/** A representative order: 6 items with attributes, address, metadata, money, timestamps: ~2 KB. */
function orderJson() {
  const items = Array.from({ length: 6 }, (_, i) => ({
    skuId: String(100000 + i * 7919),
    quantity: 1 + (i % 3),
    unitPrice: { currencyCode: "EUR", units: String(10 + i), nanos: 990000000 },
    productName: `Ceramic mug, hand-glazed, model ${i + 1}`,
    attributes: { color: ["red", "blue", "green"][i % 3], size: "L", giftWrap: i % 2 === 0, engraving: null },
  }));
  return JSON.stringify({
    id: "18446744073709551000",
    userId: "4242424242",
    items,
    status: "ORDER_STATUS_PAID",
    total: { currencyCode: "EUR", units: "92", nanos: 940000000 },
    shippingAddress: {
      recipientName: "Ada Lovelace",
      lines: ["12 St James's Square", "Flat 3"],
      city: "London",
      postalCode: "SW1Y 4JH",
      countryCode: "GB",
      phoneNumber: "+442071234567",
    },
    metadata: { channel: "ios-app", campaign: "spring-sale", referrer: "newsletter" },
    createdAt: "2024-05-01T12:34:56.789Z",
    couponCode: "SPRING10",
  });
}

if (!has("php", ["-v"])) {
  console.log("php not found: skipping the PHP codec benchmark");
  process.exit(0);
}

rmSync(TMP, { recursive: true, force: true });
mkdirSync(TMP, { recursive: true });
const loaded = await loadContracts(resolveConfig(ROOT, { jsonSchema: false }));
writeFiles(join(TMP, "ours"), await emitPhp(loaded, wireSchemas(loaded), {}));
const json = orderJson();
writeFileSync(join(TMP, "order.json"), json);

let google = "-";
const hasProtoc = has("protoc", ["--version"]);
const hasGoogleRuntime =
  spawnSync("test", ["-f", "/usr/share/php/Google/Protobuf/Internal/Message.php"]).status === 0;
// The pure-PHP runtime calls bcmath for 64-bit integers and fails half-way through a message without it.
const hasBcmath = spawnSync("php", ["-r", 'exit(extension_loaded("bcmath") ? 0 : 1);']).status === 0;
if (!hasProtoc) console.log("protoc not found (Debian protobuf-compiler): skipping Google's runtime");
else if (!hasGoogleRuntime)
  console.log("Google's PHP runtime not found (Debian php-google-protobuf): skipping it");
else if (!hasBcmath)
  console.log(
    "Google's PHP runtime needs the bcmath extension (Debian php-bcmath), which is not loaded: skipping it",
  );
else {
  const image = join(TMP, "image.binpb");
  const build = spawnSync(
    bufBinary(),
    ["build", join(ROOT, "contracts", "proto"), "--as-file-descriptor-set", "-o", image],
    {
      encoding: "utf8",
    },
  );
  const out = join(TMP, "google");
  mkdirSync(out, { recursive: true });
  const files = loaded.model.files.filter((f) => f.source === "proto").map((f) => f.sourceName);
  const protoc = spawnSync("protoc", [`--descriptor_set_in=${image}`, `--php_out=${out}`, ...files], {
    encoding: "utf8",
  });
  if (build.status !== 0 || protoc.status !== 0)
    console.log(`protoc --php_out failed: ${build.stderr}${protoc.stderr}`);
  else google = out;
}

function php(mode, dir) {
  const res = spawnSync(
    "php",
    [join(ROOT, "bench", "php", "codec.php"), mode, dir, join(TMP, "order.json"), String(ITERATIONS)],
    {
      encoding: "utf8",
    },
  );
  if (res.status !== 0) {
    console.log(`php failed: ${res.stderr}${res.stdout}`);
    process.exit(1);
  }
  return JSON.parse(res.stdout);
}
const r = { ...php("ours", join(TMP, "ours", "php")), ...(google === "-" ? {} : php("google", google)) };
const us = (ns) => `${(ns / 1000).toFixed(1)} µs`;
console.log(
  `PHP codec: decode + encode of a ${r.bytes}-byte shop.order.v1.Order (best of 5 × ${r.iterations})`,
);
console.log(`  (a) bare json_decode + json_encode      ${us(r.bare_ns)}`);
console.log(
  `  (b) contractgen DTO fromJson + toJson   ${us(r.ours_ns)}   = ${(r.ours_ns / r.bare_ns).toFixed(2)}× bare (target ≤ 5×); output ${r.ours_equal ? "JSON-equal to the input" : "DIFFERS from the input"}`,
);
if (r.google_ns !== undefined) {
  console.log(
    `  (c) Google protobuf runtime (${r.google_runtime})   ${us(r.google_ns)}   → contractgen is ${(r.google_ns / r.ours_ns).toFixed(1)}× faster (target ≥ 10×); output ${r.google_equal ? "JSON-equal to the input" : "NOT JSON-equal to the input"}`,
  );
}

// 2. Linear PHP emission on one file of N messages.
console.log("PHP emission on one .proto file of N messages (emitPhp only, after a warm-up, best of 5):");
const perMessage = [];
for (const n of [250, 500, 1000]) {
  const dir = join(TMP, `scale-${n}`);
  const lines = ['syntax = "proto3";', "", "package scale.v1;", ""];
  for (let i = 0; i < n; i++) {
    lines.push(`// Message ${i}.`, `message M${i} {`, "  string name = 1;", "  int64 id = 2;");
    lines.push(`  repeated M${(i + 1) % n} next = 3;`, "  map<string, int32> tags = 4;");
    lines.push("  oneof choice {", "    string a = 5;", "    uint64 b = 6;", "  }", "}", "");
  }
  mkdirSync(join(dir, "proto", "scale", "v1"), { recursive: true });
  writeFileSync(join(dir, "buf.yaml"), "version: v2\nmodules:\n  - path: proto\n");
  writeFileSync(join(dir, "proto", "scale", "v1", "scale.proto"), lines.join("\n"));
  const l = await loadContracts(resolveConfig(dir, { jsonSchema: false }));
  const wire = wireSchemas(l);
  let best = Number.POSITIVE_INFINITY;
  await emitPhp(l, wire, {}); // warm-up
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    await emitPhp(l, wire, {});
    best = Math.min(best, performance.now() - start);
  }
  perMessage.push(best / n);
  console.log(
    `  ${String(n).padStart(5)} messages: ${best.toFixed(0)} ms, ${((best / n) * 1000).toFixed(0)} µs per message`,
  );
}
console.log(`  per-message time, 1,000 vs 250: ${(perMessage[2] / perMessage[0]).toFixed(2)}× (flat ≈ 1)`);
if (!process.env.BENCH_KEEP) rmSync(TMP, { recursive: true, force: true });
