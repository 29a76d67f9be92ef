/**
 * The JSON Schema Test Suite (test/fixtures/json-schema-test-suite, MIT) against contractgen, in both
 * languages. Every vendored group is read by the loader with its draft and lowered into 2020-12 wire
 * schemas once; the TS verdict comes from the ajv configuration the generated validators are compiled
 * with, the PHP verdict from the generated PHP runtime's Json\\Schema validator (one `php` process for
 * all groups). What generation refuses (the loader, or ajv compiling the schema) is counted as refused
 * in both. The outcome of every test is committed (expected-ts.json, expected-php.json; UPDATE_GOLDEN=1
 * rewrites them).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { generateFiles } from "../codegen/generate.js";
import { loadContracts } from "../codegen/load/index.js";
import { wireId } from "../codegen/wire/ids.js";
import { createWireAjv } from "../runtime/wire-ajv.js";
import { ROOT, removeDir, run, scratchDir, writeTree } from "./helpers.js";
import {
  countInto,
  lowerGroup,
  type SuiteCounts,
  type SuiteGroup,
  suiteGroups,
  totals,
} from "./json-schema-suite.js";

const FIXTURES = join(ROOT, "test", "fixtures", "json-schema-test-suite");

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

interface Compiled {
  readonly group: SuiteGroup;
  readonly wire: unknown[];
  readonly root: string | null;
  readonly validate: (data: unknown) => boolean;
}

/** Compares `actual` with the committed outcome (written when missing or with UPDATE_GOLDEN=1). */
function expectCommitted(file: string, actual: unknown): void {
  const path = join(FIXTURES, file);
  if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(path))
    writeFileSync(path, `${JSON.stringify(actual, null, 2)}\n`);
  expect(actual).toEqual(JSON.parse(readFileSync(path, "utf8")));
}

describe("JSON Schema Test Suite", () => {
  const compiled: Compiled[] = [];
  const refused: SuiteGroup[] = [];
  const refusals: string[] = [];
  let dir = "";

  beforeAll(() => {
    for (const group of suiteGroups()) {
      const where = `${group.folder}/${group.keyword}#${group.index} ${group.description}`;
      const lowered = lowerGroup(group);
      if (!lowered.ok) {
        refused.push(group);
        refusals.push(`${where}: ${(lowered.error.split("\n")[0] ?? "").slice(0, 160)}`);
        continue;
      }
      try {
        const ajv = createWireAjv(lowered.wire.values());
        const root = lowered.root;
        const validate = root ? (ajv.getSchema(wireId(root)) as (data: unknown) => boolean) : () => true;
        compiled.push({
          group,
          wire: [...lowered.wire.values()],
          root: root ? wireId(root) : null,
          validate,
        });
      } catch (e) {
        refused.push(group);
        refusals.push(`${where}: ${((e as Error).message.split("\n")[0] ?? "").slice(0, 160)}`);
      }
    }
  }, 120_000);
  afterAll(async () => {
    if (dir) await removeDir(dir);
  });

  const refusedCounts = (): SuiteCounts => {
    const counts: SuiteCounts = {};
    for (const group of refused) for (const _ of group.tests) countInto(counts, group, "refused");
    return counts;
  };

  it("TypeScript validators: every supported test passes; refusals and failures are the committed ones", () => {
    const counts = refusedCounts();
    const failures: string[] = [];
    for (const { group, validate } of compiled) {
      for (const t of group.tests) {
        const ok = validate(t.data) === t.valid;
        countInto(counts, group, ok ? "pass" : "fail");
        if (!ok)
          failures.push(
            `${group.folder}/${group.keyword}#${group.index} ${group.description} / ${t.description}`,
          );
      }
    }
    expectCommitted("expected-ts.json", { totals: totals(counts), counts, failures, refusals });
  });

  it.skipIf(!hasPhp)(
    "PHP validator: the same tests, committed outcome",
    async () => {
      dir = await scratchDir("suite-php");
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
      const batch = compiled.map((c) => ({
        schemas: c.wire,
        root: c.root,
        tests: c.group.tests.map((t) => t.data),
      }));
      await writeFile(join(dir, "batch.json"), JSON.stringify(batch));
      const result = await run("php", [join(dir, "runner.php"), join(dir, "batch.json")], {
        cwd: dir,
        timeoutMs: 120_000,
      });
      expect(result.stderr).toBe("");
      const lines = result.stdout.split("\n");
      const counts = refusedCounts();
      const failures: string[] = [];
      compiled.forEach(({ group }, i) => {
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
      expectCommitted("expected-php.json", {
        totals: totals(counts),
        counts,
        failures,
        refusals: refused.map((g) => `${g.folder}/${g.keyword}#${g.index} ${g.description}`),
      });
    },
    120_000,
  );
});
