/**
 * `contractgen test` on the example shop (examples/shop): the PHP implementation under `php -S` and the
 * TypeScript one on connect-node, every service, with the HTML report. The config is
 * test/fixtures/contract-test/shop.config.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, test } from "vitest";
import { CLI, ROOT, run, scratchDir } from "./helpers.js";

const FIXTURE = join(ROOT, "test", "fixtures", "contract-test");

beforeAll(async () => {
  if (existsSync(join(ROOT, "examples", "shop", "gen", "php", "autoload.php"))) return;
  const g = await run(
    process.execPath,
    [CLI, "generate", "--target", "ts,php", "--out", "examples/shop/gen"],
    { cwd: ROOT },
  );
  expect(g.stderr).toBe("");
});

test("both shop implementations pass the contract tests except the known acceptance divergences, and the HTML report shows every service", async () => {
  const dir = await scratchDir("ct-shop");
  const html = join(dir, "shop.html");
  const r = await run(
    process.execPath,
    [CLI, "test", "-c", "shop.config.json", "--seed", "1", "--format", "html", "--out", html],
    { cwd: FIXTURE },
  );
  expect(r.stderr).toBe("");
  expect(r.stdout).toMatch(
    /\d+ cases × 2 implementations \[php \(http:\/\/127\.0\.0\.1:\d+\), ts \(.*\)\]: \d+ passed, 0 failed(, \d+ known failures)?$/m,
  );
  // Every generated case is sent: nothing skipped.
  expect(r.stdout).toMatch(
    /generated (\d+) cases \(valid \d+, invalid \d+, php-shape \d+\): \1 kept, 0 skipped/,
  );
  // Known failures (shop.config.json), if any, are acceptance divergences between the runtimes (issue #16
  // aligned them: none is left); a known failure that passes prints a notice.
  expect(r.stdout).not.toContain("notice: known failure");
  expect(r.code).toBe(0);
  const page = readFileSync(html, "utf8");
  expect(page).not.toMatch(/class="fail"/);
  for (const method of [
    "shop.user.v1.UserService/Register",
    "shop.order.v1.OrderService/CreateOrder",
    "shop.payment.v1.PaymentService/Pay",
    "shop.inventory.v1.InventoryService/Reserve",
    "shop.stats.v1.StatsService/TrackEvent",
  ])
    expect(page).toMatch(
      new RegExp(`<tr><th><code>${method.replace(/\./g, "\\.")}</code></th><td class="(pass|known)">`),
    );
});
