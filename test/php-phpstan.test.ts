/**
 * Static analysis of the generated PHP with PHPStan (test/php/composer.json pins it; .ci/run installs it).
 *
 * 1. The generated code and the runtime copied with it — for the example contracts and for the
 *    test/fixtures/php-dto contracts (every scalar, map key, oneof and well-known type) — pass PHPStan
 *    level max with no baseline and no ignored errors, with `phpVersion` 8.1, so nothing newer than
 *    PHP 8.1 slips in. So does a JSON Schema-only project (no proto messages for `Any` to look up; a
 *    oneOf without discriminator; lists of lists). (test/php-dto-hostile.test.ts: hostile names.)
 * 2. Application code using the DTOs, clients and handler interfaces passes level max: the `list<T>`,
 *    `array<string, T>`, `array<int, T>`, `Future<T>` and `Enum|int` types of the generated docblocks
 *    reach it. A second consumer that misuses them must fail with the expected messages, so the check
 *    can fail.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../codegen/generate.js";
import { hasPhpstan, phpstan, ROOT, removeDir, scratchDir, writeTree } from "./helpers.js";

const GOOD_CONSUMER = `<?php

declare(strict_types=1);

use Contractgen\\Runtime\\Http\\Future;
use Shop\\Inventory\\V1\\Reservation;
use Shop\\Order\\V1\\GetOrderRequest;
use Shop\\Order\\V1\\GetOrderResponse;
use Shop\\Order\\V1\\Order;
use Shop\\Order\\V1\\OrderServiceClient;
use Shop\\Order\\V1\\OrderStatus;
use Shop\\Stats\\V1\\GetDailyReportResponse;

/** list<OrderItem>: each element is an OrderItem, whose quantity is an int. */
function totalQuantity(Order $order): int
{
    $sum = 0;
    foreach ($order->items as $item) {
        $sum += $item->quantity;
    }
    return $sum;
}

/** An open enum field is the case or an unknown number. */
function statusLabel(Order $order): string
{
    $status = $order->status;
    if (is_int($status)) {
        return 'unknown status ' . $status;
    }
    return match ($status) {
        OrderStatus::PAID => 'paid',
        default => strtolower($status->name),
    };
}

/** array<string, string>: keys and values are strings. */
function metadataLine(Order $order): string
{
    $parts = [];
    foreach ($order->metadata as $key => $value) {
        $parts[] = strtoupper($key) . '=' . strtolower($value);
    }
    return implode(',', $parts);
}

/** A Future's wait() returns the RPC's response type. */
function waitForOrder(OrderServiceClient $client): ?Order
{
    /** @var Future<GetOrderResponse> $future */
    $future = $client->getOrderAsync(new GetOrderRequest(orderId: 1));
    return $future->wait()->order;
}

/** A message field with presence is nullable. */
function currencyOf(Order $order): string
{
    return $order->total === null ? 'none' : strtolower($order->total->currencyCode);
}

/**
 * array<int, ReservationLine>: int keys (SKU ids), ReservationLine values.
 *
 * @return array<int, int>
 */
function unitsBySku(Reservation $reservation): array
{
    $units = [];
    foreach ($reservation->lines as $skuId => $line) {
        $units[$skuId] = $line->quantity;
    }
    return $units;
}

/** JSON Schema: required properties are not nullable; list<SkuStats> and array<string, int>. */
function reportLine(GetDailyReportResponse $report): string
{
    $views = 0;
    foreach ($report->topSkus as $sku) {
        $views += $sku->views;
    }
    return $report->revenue->currency . ' ' . $views . ' ' . array_sum($report->eventCounts);
}
`;

/** JSON Schema only: an untagged oneOf, required and nullable properties, nested lists, a map. */
const SCHEMA_ONLY = JSON.stringify({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "Drawing",
  type: "object",
  properties: {
    kind: { enum: ["sketch", "plan"] },
    grid: { type: "array", items: { type: "array", items: { type: "integer", minimum: 0 } } },
    labels: { type: "object", additionalProperties: { type: ["string", "null"], maxLength: 3 } },
    shape: {
      oneOf: [
        {
          title: "Circle",
          type: "object",
          properties: { r: { type: "number" } },
          required: ["r"],
          additionalProperties: false,
        },
        {
          title: "Square",
          type: "object",
          properties: { side: { type: "integer" } },
          required: ["side"],
          additionalProperties: false,
        },
      ],
    },
    count: { type: ["integer", "null"], minimum: 1 },
    scale: { type: "number", exclusiveMinimum: 0 },
    extra: {},
  },
  required: ["kind", "grid", "shape", "count", "labels", "extra"],
  additionalProperties: false,
});

const BAD_CONSUMER = `<?php

declare(strict_types=1);

use Shop\\Order\\V1\\Order;

function firstSku(Order $order): string
{
    return $order->items[0]->sku;
}

function statusName(Order $order): string
{
    return $order->status->name;
}

function skuLabel(\\Shop\\Inventory\\V1\\Reservation $reservation): string
{
    foreach ($reservation->lines as $skuId => $line) {
        return strtoupper($skuId);
    }
    return '';
}
`;

if (!hasPhpstan) {
  console.warn(
    "php-phpstan.test.ts skipped: PHPStan is not installed (composer install -d test/php; .ci/run does it)",
  );
}

describe.skipIf(!hasPhpstan)("PHPStan on the generated PHP", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await scratchDir("php-phpstan");
    await generate({ cwd: ROOT, out: join(dir, "shop"), targets: ["php"] });
    await generate({
      cwd: join(ROOT, "test", "fixtures", "php-dto"),
      out: join(dir, "dto"),
      targets: ["php"],
    });
    await writeTree(join(dir, "schema-src"), {
      "contracts/jsonschema/draw/v1/drawing.schema.json": SCHEMA_ONLY,
    });
    await generate({ cwd: join(dir, "schema-src"), out: join(dir, "schema"), targets: ["php"] });
    // More than 256 messages: PHPStan types a constant array that long as array<string, class-string>,
    // so Types::decode() must not look its class up in one (it would return mixed).
    const many = Array.from({ length: 300 }, (_, i) => `message M${i} { int64 id = 1; }`).join("\n");
    await writeTree(join(dir, "many-src"), {
      "buf.yaml": "version: v2\nmodules:\n  - path: proto\n",
      "proto/many/v1/many.proto": `syntax = "proto3";\npackage many.v1;\n${many}\n`,
    });
    await generate({ cwd: join(dir, "many-src"), out: join(dir, "many"), targets: ["php"] });
    await writeFile(join(dir, "good.php"), GOOD_CONSUMER);
    await writeFile(join(dir, "bad.php"), BAD_CONSUMER);
  }, 120_000);
  afterAll(() => removeDir(dir));

  it("passes level max for PHP 8.1: DTOs, enums, oneofs, clients, handlers, dispatchers and the runtime", async () => {
    for (const set of ["shop", "dto", "schema"]) {
      const { code, errors } = await phpstan(dir, set, "max", [join(dir, set, "php", "src")]);
      expect(errors, `PHPStan on the ${set} output`).toEqual([]);
      expect(code).toBe(0);
    }
    // 300 messages: the runtime (Any, Types) only; the DTOs are 300 copies of one shape.
    const runtime = join(dir, "many", "php", "src", "Contractgen", "Runtime");
    {
      const { code, errors } = await phpstan(
        dir,
        "many",
        "max",
        [runtime],
        [join(dir, "many", "php", "src")],
      );
      expect(errors, "PHPStan on the runtime of 300 messages").toEqual([]);
      expect(code).toBe(0);
    }
  }, 180_000);

  it("gives application code the generated types (level max)", async () => {
    const scan = [join(dir, "shop", "php", "src")];
    const good = await phpstan(dir, "good", "max", [join(dir, "good.php")], scan);
    expect(good.errors).toEqual([]);
    expect(good.code).toBe(0);

    const bad = await phpstan(dir, "bad", "max", [join(dir, "bad.php")], scan);
    expect(bad.code).not.toBe(0);
    const text = bad.errors.join("\n");
    // The element type of list<OrderItem> is known: OrderItem has no property sku.
    expect(text).toMatch(/undefined property Shop\\Order\\V1\\OrderItem::\$sku/i);
    // The open enum field may be an int: ->name needs the case.
    expect(text).toMatch(/Cannot access property \$name on int\|Shop\\Order\\V1\\OrderStatus/);
    // The keys of array<int, ReservationLine> are ints: strtoupper() wants a string.
    expect(text).toMatch(/function strtoupper expects string, int given/);
  }, 180_000);
});
