import { describe, expect, it } from "vitest";
import {
  createBoundary,
  isBoundaryError,
  loadWireSchemas,
  PITFALLS,
  type PitfallCode,
} from "../runtime/index.js";
import { validateOrderCreated } from "./golden/ts/jsonschema/shop/events/v1/validators.js";
import { validateTrackEventRequest } from "./golden/ts/jsonschema/shop/stats/v1/validators.js";
import { GOLDEN_SCHEMAS, HAVE_PHP, loadCorpus } from "./runtime-php-corpus.js";

/**
 * Every pitfall of the catalogue, produced by real PHP (test/php-corpus/corpus.php): the strict preset
 * reports it with the right code and path; the migrate preset repairs it to exactly what a correct PHP
 * encoder sends, or keeps rejecting it when no lossless repair exists.
 */
describe.skipIf(!HAVE_PHP)("PHP corpus (real php output)", () => {
  const cases = HAVE_PHP ? loadCorpus() : [];
  const schemas = loadWireSchemas(GOLDEN_SCHEMAS);
  const validators = {
    "shop.events.v1.OrderCreated": validateOrderCreated,
    "shop.stats.v1.TrackEventRequest": validateTrackEventRequest,
  };
  const strict = createBoundary({ schemas, validators, policies: { preset: "strict" } });
  const migrate = createBoundary({ schemas, validators, policies: { preset: "migrate" } });

  it("covers every PHP-caused pitfall of the catalogue", () => {
    const covered = new Set(cases.map((c) => c.code));
    const phpCaused = Object.keys(PITFALLS).filter(
      (c) => !["body_too_large", "too_deep", "array_too_long"].includes(c),
    );
    expect(phpCaused.filter((c) => !covered.has(c))).toEqual([]);
  });

  const bad = () => cases.filter((c) => c.code !== null);
  it.each(HAVE_PHP ? loadCorpus().map((c) => [c.name, c] as const) : [])("%s", (_name, c) => {
    if (c.code === null) {
      const r = strict.check(c.type, c.body, { direction: "message" });
      expect(r.findings).toEqual([]);
      expect(r.value).toEqual(JSON.parse((c.correct as Buffer).toString("utf8")));
      return;
    }
    // strict: rejected with the code at the path, as a typed error listing it.
    let error: unknown;
    try {
      strict.check(c.type, c.body);
    } catch (e) {
      error = e;
    }
    expect(isBoundaryError(error), `${c.name}: strict must reject, got ${String(error)}`).toBe(true);
    if (!isBoundaryError(error)) return;
    expect(error.violations.map((v) => [v.code, v.path])).toContainEqual([c.code, c.path]);
    const v = error.violations.find((x) => x.code === c.code);
    expect(v?.fix).toEqual(
      // Findings with a did-you-mean put it before the catalogue's fix.
      v?.code === "unknown_key" || v?.code === "enum_name" || v?.code === "enum_unknown"
        ? expect.stringContaining(PITFALLS[v.code].fix)
        : PITFALLS[c.code as PitfallCode].fix,
    );
    expect(v?.message.startsWith(`${c.path || "/"}:`)).toBe(true);

    // migrate: repaired exactly to the correct encoding, or still refused.
    const policy = PITFALLS[c.code as PitfallCode].migrate;
    if (c.correct !== null) {
      const r = migrate.check(c.type, c.body);
      expect(r.value).toEqual(JSON.parse(c.correct.toString("utf8")));
      expect(r.findings.map((f) => [f.code, f.path, f.action])).toContainEqual([c.code, c.path, "repaired"]);
    } else if (policy === "warn") {
      const r = migrate.check(c.type, c.body, {}, { validate: false });
      expect(r.findings.map((f) => [f.code, f.path, f.action])).toContainEqual([c.code, c.path, "warned"]);
    } else {
      expect(() => migrate.check(c.type, c.body)).toThrow(
        expect.objectContaining({
          violations: expect.arrayContaining([expect.objectContaining({ code: c.code, path: c.path })]),
        }),
      );
    }
  });

  it("suggests the contract's name for a misspelt key, and accepts the proto field name", () => {
    const misspelt = bad().find((c) => c.name === "misspelt key");
    expect(misspelt).toBeDefined();
    try {
      strict.check("shop.payment.v1.PayRequest", misspelt?.body ?? "");
      expect.unreachable();
    } catch (e) {
      expect(String((e as Error).message)).toContain('did you mean "orderId"?');
    }
    const legal = strict.check("shop.payment.v1.PayRequest", '{"order_id":"7310442","capture":true}');
    expect(legal.findings).toEqual([]);
  });
});
