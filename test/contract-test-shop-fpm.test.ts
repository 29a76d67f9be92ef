/**
 * `contractgen test` on the example shop with the PHP implementation under php-fpm behind nginx
 * (`contractgen serve-php`, test/fixtures/contract-test/shop-fpm.config.json) instead of `php -S`: the
 * production way of running PHP gives the same answers.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, test } from "vitest";
import { findBinaries } from "../codegen/serve-php/index.js";
import { CLI, ROOT, run } from "./helpers.js";

const FIXTURE = join(ROOT, "test", "fixtures", "contract-test");
const bins = findBinaries();
const hasFpm = bins.nginx !== undefined && bins.phpFpm !== undefined;
if (!hasFpm)
  console.warn(
    "contract-test-shop-fpm: nginx or php-fpm missing, skipped (apt-get install nginx php8.2-fpm; CI installs them)",
  );

beforeAll(async () => {
  if (existsSync(join(ROOT, "examples", "shop", "gen", "php", "autoload.php"))) return;
  const g = await run(
    process.execPath,
    [CLI, "generate", "--target", "ts,php", "--out", "examples/shop/gen"],
    { cwd: ROOT },
  );
  expect(g.stderr).toBe("");
});

test.skipIf(!hasFpm)(
  "the shop's PHP implementation under php-fpm + nginx passes the same contract tests as under php -S",
  async () => {
    const r = await run(process.execPath, [CLI, "test", "-c", "shop-fpm.config.json", "--seed", "1"], {
      cwd: FIXTURE,
      timeoutMs: 120_000,
    });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(
      /\d+ cases × 2 implementations \[php \(http:\/\/127\.0\.0\.1:\d+\), ts \(.*\)\]: \d+ passed, 0 failed(, \d+ known failures)?$/m,
    );
    expect(r.code).toBe(0);
  },
  150_000,
);
