/**
 * A corpus of real JSON Schemas (test/fixtures/jsonschema-corpus, SchemaStore, Apache-2.0; sources in
 * its manifest.json) through `generate`: each schema is its own project. Every schema must generate
 * (TS and PHP) unless listed in expected.json with its refusal; the generated TS compiles under tsc,
 * the PHP passes `php -l` and PHPStan; and every test instance gets the same verdict from the generated
 * validator as from ajv's class for the schema's own draft (ajv-draft-04 for draft-04) on the file as
 * written. UPDATE_GOLDEN=1 rewrites expected.json.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { generateFiles } from "../codegen/generate.js";
import { type LoadedContracts, loadContracts } from "../codegen/load/index.js";
import type { GeneratedFile } from "../codegen/ts/printer.js";
import { wireId } from "../codegen/wire/ids.js";
import { wireSchemas } from "../codegen/wire/index.js";
import { createWireAjv } from "../runtime/wire-ajv.js";
import { hasPhpstan, phpstan, ROOT, removeDir, run, scratchDir } from "./helpers.js";

const require = createRequire(import.meta.url);
const CORPUS = join(ROOT, "test", "fixtures", "jsonschema-corpus");
const EXPECTED = join(CORPUS, "expected.json");

interface Entry {
  readonly name: string;
  readonly schema: string;
  readonly draft: string;
  readonly instances: readonly string[];
}

const manifest = JSON.parse(readFileSync(join(CORPUS, "manifest.json"), "utf8")) as Entry[];

/** ajv's own class for a draft, reading the schema as written (the reference verdict). */
function referenceValidator(draft: string, schema: object): (data: unknown) => boolean {
  const opts = { strict: false, allErrors: true, validateFormats: true, logger: false as const };
  const addFormats = require("ajv-formats") as (ajv: unknown) => void;
  let ajv: { compile(s: object): (d: unknown) => boolean; addMetaSchema?(s: object): void };
  if (draft.includes("draft-04")) {
    const Ajv4 = require("ajv-draft-04") as { default: new (o: object) => typeof ajv };
    ajv = new Ajv4.default(opts);
  } else if (draft.includes("2019-09")) {
    const { Ajv2019 } = require("ajv/dist/2019.js") as { Ajv2019: new (o: object) => typeof ajv };
    ajv = new Ajv2019(opts);
  } else if (draft.includes("2020-12")) {
    const { Ajv2020 } = require("ajv/dist/2020.js") as { Ajv2020: new (o: object) => typeof ajv };
    ajv = new Ajv2020(opts);
  } else {
    const { Ajv } = require("ajv") as { Ajv: new (o: object) => typeof ajv };
    ajv = new Ajv(opts);
    if (draft.includes("draft-06"))
      ajv.addMetaSchema?.(require("ajv/dist/refs/json-schema-draft-06.json") as object);
  }
  addFormats(ajv);
  const { $schema: _s, ...rest } = schema as Record<string, unknown>;
  return ajv.compile(draft.includes("draft-06") ? schema : rest);
}

describe("real-schema corpus", () => {
  const generated = new Map<string, GeneratedFile[]>();
  const loadedBy = new Map<string, LoadedContracts>();
  const refused: Record<string, string> = {};
  let dir: string;

  beforeAll(async () => {
    dir = await scratchDir("corpus");
    for (const entry of manifest) {
      try {
        const config = resolveConfig(CORPUS, {
          jsonSchema: join(CORPUS, dirname(entry.schema)),
          proto: false,
        });
        const loaded = await loadContracts(config);
        loadedBy.set(entry.name, loaded);
        generated.set(entry.name, await generateFiles(loaded, ["ts", "php"]));
      } catch (e) {
        refused[entry.name] = (e as Error).message.split("\n").slice(0, 3).join(" | ").slice(0, 300);
      }
    }
  }, 300_000);
  afterAll(async () => {
    if (dir) await removeDir(dir);
  });

  it("generates every schema but the committed refusals; the validators agree with ajv on every instance", () => {
    const disagreements: string[] = [];
    let instances = 0;
    for (const entry of manifest) {
      const loaded = loadedBy.get(entry.name);
      if (!loaded || !generated.has(entry.name)) continue;
      const wire = wireSchemas(loaded);
      const root = loaded.jsonSchema?.refTarget(
        loaded.jsonSchema.documents.find((d) => d.path.endsWith(entry.schema)) ??
          (loaded.jsonSchema.documents[0] as never),
        "#",
      ).decl;
      if (!root) continue;
      const ours = createWireAjv(wire.values()).getSchema(wireId(root)) as (d: unknown) => boolean;
      const schema = JSON.parse(readFileSync(join(CORPUS, entry.schema), "utf8")) as object;
      const reference = referenceValidator(entry.draft, schema);
      for (const instance of entry.instances) {
        const data = JSON.parse(readFileSync(join(CORPUS, instance), "utf8")) as unknown;
        instances++;
        const want = reference(data);
        const got = ours(data);
        if (want !== got) disagreements.push(`${instance}: ajv ${want}, contractgen ${got}`);
      }
    }
    const actual = {
      schemas: manifest.length,
      generated: generated.size,
      instances,
      refused,
      disagreements,
    };
    if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(EXPECTED))
      writeFileSync(EXPECTED, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(EXPECTED, "utf8")));
  });

  it("the PHP DTOs agree with ajv on every instance (fromJson accepts exactly what ajv accepts)", async () => {
    const script = join(dir, "php-verdicts.php");
    await writeFile(
      script,
      `<?php\ndeclare(strict_types=1);\nrequire $argv[1];\n$class = $argv[2];\nforeach (array_slice($argv, 3) as $f) {\n  try {\n    $dto = $class::fromJson((string) file_get_contents($f));\n    $back = json_decode($dto->toJson(), true);\n    $orig = json_decode((string) file_get_contents($f), true);\n    echo $back == $orig ? '1' : 'L';\n  } catch (Contractgen\\Runtime\\DecodeException $e) {\n    echo '0';\n    fwrite(STDERR, basename($f) . ': ' . substr(implode(' | ', array_map(fn($x) => $x->path . ' ' . $x->code . ' ' . $x->expected . ' / ' . $x->found, array_slice($e->errors(), 0, 2))), 0, 400) . "\\n");\n  } catch (\\Throwable $e) {\n    echo 'E';\n  }\n}\n`,
    );
    const disagreements: string[] = [];
    let compared = 0;
    let noClass = 0;
    for (const entry of manifest) {
      const files = generated.get(entry.name);
      const loaded = loadedBy.get(entry.name);
      if (!files || !loaded?.jsonSchema) continue;
      const root = loaded.jsonSchema.refTarget(loaded.jsonSchema.documents[0] as never, "#").decl;
      const classFile = root
        ? files.find((f) => f.content.includes(`public const WIRE_SCHEMA = '${wireId(root)}';`))
        : undefined;
      if (!classFile) {
        noClass += entry.instances.length;
        continue;
      }
      const out = join(dir, "php-run", entry.name);
      for (const f of files) {
        if (!f.path.startsWith("php/")) continue;
        await mkdir(dirname(join(out, f.path)), { recursive: true });
        await writeFile(join(out, f.path), f.content);
      }
      const fqcn = classFile.path.slice("php/src/".length, -".php".length).split("/").join("\\");
      const schema = JSON.parse(readFileSync(join(CORPUS, entry.schema), "utf8")) as object;
      const reference = referenceValidator(entry.draft, schema);
      const res = await run(
        "php",
        [script, join(out, "php", "autoload.php"), fqcn, ...entry.instances.map((i) => join(CORPUS, i))],
        {
          cwd: dir,
        },
      );
      if (process.env["CORPUS_DEBUG"]) console.log(res.stderr);
      entry.instances.forEach((instance, i) => {
        compared++;
        const want = reference(JSON.parse(readFileSync(join(CORPUS, instance), "utf8")));
        const got = res.stdout[i];
        if (got !== (want ? "1" : "0"))
          disagreements.push(
            `${instance}: ajv ${want}, PHP ${got === "L" ? "accepts but toJson loses data" : got === "E" ? "error" : got === "1"}`,
          );
      });
    }
    const actual = { compared, noClass, disagreements };
    const expectedFile = join(CORPUS, "expected-php.json");
    if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(expectedFile))
      writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, "utf8")));
  }, 120_000);

  it("the generated TypeScript compiles under tsc --strict", async () => {
    for (const [name, files] of generated) {
      for (const f of files) {
        if (!f.path.startsWith("ts/")) continue;
        const path = join(dir, "ts-out", name, f.path);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, f.content);
      }
    }
    await writeFile(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          noEmit: true,
          skipLibCheck: true,
          paths: {
            "contractgen/runtime": [join(ROOT, "runtime/index.ts")],
            "contractgen/runtime/ajv": [join(ROOT, "runtime/ajv.ts")],
          },
          allowImportingTsExtensions: true,
          types: ["node"],
          typeRoots: [join(ROOT, "node_modules", "@types")],
        },
        include: ["ts-out/**/*.ts"],
      }),
    );
    const result = await run(join(ROOT, "node_modules", ".bin", "tsc"), ["-p", join(dir, "tsconfig.json")], {
      cwd: dir,
      timeoutMs: 240_000,
    });
    expect(result.stdout.split("\n").slice(0, 30).join("\n")).toBe("");
  }, 300_000);

  it("the generated PHP passes php -l and PHPStan", async () => {
    // `php -l` and PHPStan take about 2 s a schema on a loaded CI machine: a sample (every fourth schema
    // linted, every twelfth analysed) keeps the suite fast; CORPUS_PHP=all checks every schema.
    const all = process.env["CORPUS_PHP"] === "all";
    const phpFiles: string[] = [];
    let index = -1;
    for (const [name, files] of generated) {
      index++;
      if (!all && index % 4 !== 0) continue;
      for (const f of files) {
        if (!f.path.endsWith(".php")) continue;
        // Each output holds a copy of the PHP runtime: one copy is linted.
        if (f.path.includes("/Contractgen/") && phpFiles.length > 0 && !phpFiles[0]?.includes(`/${name}/`))
          continue;
        const path = join(dir, "php-out", name, f.path);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, f.content);
        phpFiles.push(path);
      }
    }
    const lint = join(dir, "lint.php");
    await writeFile(
      lint,
      `<?php\nforeach (array_slice($argv, 1) as $f) {\n  $out = [];\n  exec(escapeshellarg(PHP_BINARY) . ' -n -l ' . escapeshellarg($f) . ' 2>&1', $out, $code);\n  if ($code !== 0) echo $f, ': ', implode(' ', $out), "\\n";\n}\n`,
    );
    const half = Math.ceil(phpFiles.length / 2);
    const lintOut = await Promise.all(
      [phpFiles.slice(0, half), phpFiles.slice(half)].map((part) =>
        run("php", [lint, ...part], { cwd: dir, timeoutMs: 240_000 }),
      ),
    );
    expect(lintOut.flatMap((r) => (r.stdout + r.stderr).split("\n").filter((l) => l.trim() !== ""))).toEqual(
      [],
    );
    if (hasPhpstan) {
      // One PHPStan run over every schema's own classes (each output also holds a runtime copy: one is scanned).
      const names = [...generated.keys()].filter((_n, i) => all || i % 12 === 0);
      const paths = names.flatMap((name) => {
        const src = join(dir, "php-out", name, "php", "src");
        return existsSync(src)
          ? readdirSync(src)
              .filter((d) => d !== "Contractgen")
              .map((d) => join(src, d))
          : [];
      });
      const runtime = join(dir, "php-out", names[0] ?? "", "php", "src", "Contractgen");
      const { errors } = await phpstan(dir, "corpus", "max", paths, [runtime]);
      expect(errors.slice(0, 20)).toEqual([]);
    }
  }, 300_000);
});
