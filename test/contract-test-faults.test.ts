/**
 * The fault fixture (test/fixtures/contract-test/php-shop-faults, faults.json): a sample of its seeded
 * faults, each alone, caught by `contractgen test` against the TypeScript shop with a message naming the
 * faulty field. The whole set is measured by `npm run bench -- contract-test-faults`. Only the scenario
 * cases run here (`--only 'scenario *'`), to keep the file fast.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, expect, test } from "vitest";
import { runContractTests } from "../codegen/contract-test/index.js";
import { CLI, ROOT, run } from "./helpers.js";

const FIXTURE = join(ROOT, "test", "fixtures", "contract-test");

beforeAll(async () => {
  if (existsSync(join(ROOT, "examples", "shop", "gen", "php", "autoload.php"))) return;
  const g = await run(
    process.execPath,
    [CLI, "generate", "--target", "ts,php", "--out", "examples/shop/gen"],
    {
      cwd: ROOT,
    },
  );
  expect(g.stderr).toBe("");
});

afterEach(() => {
  delete process.env["CT_FAULT"];
});

async function phpFailures(fault: string | undefined): Promise<string[]> {
  if (fault) process.env["CT_FAULT"] = fault;
  const r = await runContractTests({
    cwd: FIXTURE,
    config: "faults.config.json",
    seed: 1,
    only: "scenario *",
  });
  return r.failures
    .filter((f) => !f.known && f.impl === "php")
    .flatMap((f) => f.problems.map((p) => `${f.caseId}: ${p.check}: ${p.message}`));
}

test("without a fault the fixture passes", async () => {
  expect(await phpFailures(undefined)).toEqual([]);
});

test.each([
  ["coupon_off_by_one", /semantic divergence: \/order\/total\/nanos: ts 150000000, php 149999999/],
  ["dropped_field", /semantic divergence: \/order\/couponCode: ts "WELCOME10", php \(absent\)/],
  ["bool_as_int", /response \/payment\/captured: expected a boolean, found the number 1 \[int_for_bool\]/],
  ["wrong_code_login", /expected unauthenticated, found permission_denied/],
])("the fault %s is caught with a message naming the field", async (fault, message) => {
  const messages = await phpFailures(fault);
  expect(
    messages.some((m) => message.test(m)),
    messages.join("\n"),
  ).toBe(true);
});
