/**
 * The JSON Schema Test Suite against contractgen's TS validation: every vendored group is read by the
 * loader with its draft, lowered into 2020-12 wire schemas and validated by the ajv configuration the
 * generated validators are compiled with. The outcome per test is committed (expected-ts.json;
 * UPDATE_GOLDEN=1 rewrites it): a change in what passes shows up as a diff.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { wireId } from "../codegen/wire/ids.js";
import { createWireAjv } from "../runtime/wire-ajv.js";
import { ROOT } from "./helpers.js";
import { countInto, lowerGroup, type SuiteCounts, suiteGroups, totals } from "./json-schema-suite.js";

const EXPECTED = join(ROOT, "test", "fixtures", "json-schema-test-suite", "expected-ts.json");

describe("JSON Schema Test Suite, TypeScript validators", () => {
  it("passes every supported test; refusals and failures are the committed ones", () => {
    const counts: SuiteCounts = {};
    const failures: string[] = [];
    const refusals: string[] = [];
    for (const group of suiteGroups()) {
      const where = `${group.folder}/${group.keyword}#${group.index}`;
      const lowered = lowerGroup(group);
      let validate: ((data: unknown) => boolean) | undefined;
      let refusal = lowered.ok ? undefined : lowered.error;
      if (lowered.ok) {
        try {
          const ajv = createWireAjv(lowered.wire.values());
          const root = lowered.root;
          validate = root ? (ajv.getSchema(wireId(root)) as (data: unknown) => boolean) : () => true;
        } catch (e) {
          refusal = (e as Error).message;
        }
      }
      if (refusal !== undefined || !validate) {
        refusals.push(`${where} ${group.description}: ${(refusal ?? "").split("\n")[0]?.slice(0, 160)}`);
        for (const _ of group.tests) countInto(counts, group, "refused");
        continue;
      }
      for (const t of group.tests) {
        const ok = validate(t.data) === t.valid;
        countInto(counts, group, ok ? "pass" : "fail");
        if (!ok) failures.push(`${where} ${group.description} / ${t.description}`);
      }
    }
    const actual = { totals: totals(counts), counts, failures, refusals };
    if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(EXPECTED)) {
      writeFileSync(EXPECTED, `${JSON.stringify(actual, null, 2)}\n`);
    }
    expect(actual).toEqual(JSON.parse(readFileSync(EXPECTED, "utf8")));
  });
});
