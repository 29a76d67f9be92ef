/**
 * The JSON Schema Test Suite against the PHP runtime's validator (php-gen/runtime/Json/Schema.php):
 * the same groups as the TS run (test/json-schema-suite.ts), lowered by the loader into the same wire
 * schemas, validated by one `php` process. The outcome per test is committed (expected-php.json;
 * UPDATE_GOLDEN=1 rewrites it).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { generateFiles } from "../codegen/generate.js";
import { loadContracts } from "../codegen/load/index.js";
import { wireId } from "../codegen/wire/ids.js";
import { createWireAjv } from "../runtime/wire-ajv.js";
import { ROOT, removeDir, run, scratchDir, writeTree } from "./helpers.js";
import { countInto, lowerGroup, type SuiteCounts, suiteGroups, totals } from "./json-schema-suite.js";

const EXPECTED = join(ROOT, "test", "fixtures", "json-schema-test-suite", "expected-php.json");

const hasPhp = (() => {
  try {
    execFileSync("php", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Validates each batch entry's tests with Contractgen\Runtime\Json\Schema; prints one verdict line each. */
const RUNNER = `<?php
declare(strict_types=1);
require __DIR__ . '/gen/php/autoload.php';
$batch = json_decode(file_get_contents($argv[1]), false, 4096, JSON_THROW_ON_ERROR);
foreach ($batch as $entry) {
    $v = new Contractgen\\Runtime\\Json\\Schema();
    foreach ($entry->schemas as $s) {
        $v->add($s);
    }
    foreach ($entry->tests as $data) {
        try {
            echo $entry->root === null || $v->validate($data, $entry->root) ? '1' : '0';
        } catch (\\Throwable $t) {
            echo 'E';
        }
    }
    echo "\\n";
}
`;

describe.skipIf(!hasPhp)("JSON Schema Test Suite, PHP validator", () => {
  let dir = "";
  afterAll(async () => {
    if (dir) await removeDir(dir);
  });

  it("passes every supported test; refusals and failures are the committed ones", async () => {
    dir = await scratchDir("suite-php");
    const counts: SuiteCounts = {};
    const failures: string[] = [];
    const refusals: string[] = [];
    const groups = suiteGroups();
    const batch: { schemas: unknown[]; root: string | null; tests: unknown[] }[] = [];
    const ran: typeof groups = [];
    for (const group of groups) {
      const lowered = lowerGroup(group);
      // What generation refuses (the loader, or ajv compiling the wire schemas) has no PHP either.
      let compiles = lowered.ok;
      if (lowered.ok) {
        try {
          const ajv = createWireAjv(lowered.wire.values());
          if (lowered.root) ajv.getSchema(wireId(lowered.root));
        } catch {
          compiles = false;
        }
      }
      if (!lowered.ok || !compiles) {
        refusals.push(`${group.folder}/${group.keyword}#${group.index} ${group.description}`);
        for (const _ of group.tests) countInto(counts, group, "refused");
        continue;
      }
      ran.push(group);
      batch.push({
        schemas: [...lowered.wire.values()],
        root: lowered.root ? wireId(lowered.root) : null,
        tests: group.tests.map((t) => t.data),
      });
    }
    // The PHP runtime as generated (with the classes php-gen writes into it, such as Json\\Acceptance).
    await writeTree(dir, {
      "contracts/jsonschema/suite/v1/probe.schema.json": JSON.stringify({ title: "Probe", type: "object" }),
    });
    const generatedPhp = await generateFiles(await loadContracts(resolveConfig(dir)), ["php"]);
    for (const f of generatedPhp) {
      await mkdir(dirname(join(dir, "gen", f.path)), { recursive: true });
      await writeFile(join(dir, "gen", f.path), f.content);
    }
    await writeFile(join(dir, "runner.php"), RUNNER);
    await writeFile(join(dir, "batch.json"), JSON.stringify(batch));
    const result = await run("php", [join(dir, "runner.php"), join(dir, "batch.json")], {
      cwd: dir,
      timeoutMs: 120_000,
    });
    expect(result.stderr).toBe("");
    const lines = result.stdout.split("\n");
    ran.forEach((group, i) => {
      const verdicts = lines[i] ?? "";
      group.tests.forEach((t, j) => {
        const got = verdicts[j];
        const ok = got === (t.valid ? "1" : "0");
        countInto(counts, group, ok ? "pass" : "fail");
        if (!ok)
          failures.push(
            `${group.folder}/${group.keyword}#${group.index} ${group.description} / ${t.description}${got === "E" ? " (error)" : ""}`,
          );
      });
    });
    const actual = { totals: totals(counts), counts, failures, refusals };
    if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(EXPECTED))
      writeFileSync(EXPECTED, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(EXPECTED, "utf8")));
  }, 120_000);
});
