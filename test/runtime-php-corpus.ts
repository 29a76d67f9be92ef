import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./helpers.js";

/** One bad payload produced by test/php-corpus/corpus.php with the real `php` CLI. */
export interface CorpusCase {
  readonly name: string;
  /** Full name of the message the payload is meant to be. */
  readonly type: string;
  /** The bytes PHP produced. */
  readonly body: Buffer;
  /** The pitfall the runtime must report, or null for a payload that is fine. */
  readonly code: string | null;
  readonly path: string | null;
  /** What a correct PHP encoder sends instead; null when no lossless repair exists. */
  readonly correct: Buffer | null;
  /** The PHP that causes it. */
  readonly php: string;
}

/** Whether the `php` CLI is available (the corpus tests skip with a message otherwise). */
export const HAVE_PHP = spawnSync("php", ["-v"]).status === 0;

/** Whether PHP has the curl extension (the PHP client of the end-to-end test needs it). */
export const HAVE_PHP_CURL =
  HAVE_PHP && spawnSync("php", ["-r", "exit(function_exists('curl_init') ? 0 : 1);"]).status === 0;

if (!HAVE_PHP) console.warn("php CLI not found: the tests driven by real PHP output are skipped");
else if (!HAVE_PHP_CURL)
  console.warn("PHP curl extension not found: the PHP client end-to-end test is skipped");

/** Runs the corpus script and returns its cases. */
export function loadCorpus(): CorpusCase[] {
  const r = spawnSync("php", [join(ROOT, "test/php-corpus/corpus.php")], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`php test/php-corpus/corpus.php failed (${r.status}): ${r.stderr}`);
  const raw = JSON.parse(r.stdout) as {
    name: string;
    type: string;
    body: string;
    code: string | null;
    path: string | null;
    correct: string | null;
    php: string;
  }[];
  return raw.map((c) => ({
    ...c,
    body: Buffer.from(c.body, "base64"),
    correct: c.correct === null ? null : Buffer.from(c.correct, "base64"),
  }));
}

/** The wire schemas of the example contracts (the golden copy, kept equal to generation by the golden test). */
export const GOLDEN_SCHEMAS = join(ROOT, "test/golden/schema");
