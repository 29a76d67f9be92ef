/**
 * PHP generation entry point: DTOs, enums, oneof/union classes and their ProtoJSON / JSON Schema codec
 * (php-gen/dto), services (php-gen/service), the runtime copied into the output, a PSR-4 autoloader and
 * a composer.json. Layout and naming rules: docs/php.md.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { LoadedContracts } from "../codegen/load/index.js";
import type { GeneratedFile } from "../codegen/ts/printer.js";
import { compareStrings } from "../codegen/util/names.js";
import { packageRoot, packageVersion } from "../codegen/util/package-root.js";
import { DEFAULT_PRESET, PITFALL_ACCEPTANCE, PRESETS, RULE_ACCEPTANCE } from "../runtime/guard/acceptance.js";
import { PITFALLS } from "../runtime/guard/pitfalls.js";
import { createPhpContext, PHP_SRC, RUNTIME_NAMESPACE } from "./context.js";
import { phpDtoFiles } from "./dto/index.js";
import { phpString } from "./printer.js";
import { phpServiceFiles } from "./service/index.js";

/** Options of {@link emitPhp}. */
export interface PhpOptions {
  /** Namespace prefix for every generated class (`php.namespace` in contractgen.config.json). */
  readonly namespace?: string;
  /**
   * Receives the files in batches while they are generated (each file once, in no particular order),
   * so the caller can write them meanwhile; the returned list holds them all, sorted, as without it.
   * It may return the batch's files in another form (the output writer returns them backed by the
   * bytes it writes), which the returned list then holds instead.
   */
  readonly onFiles?: (files: readonly GeneratedFile[]) => readonly GeneratedFile[] | undefined;
}

/**
 * Files per batch handed to {@link PhpOptions.onFiles}: large enough to amortise the hand-over, small
 * enough that the writers start early and give their buffers back for reuse (codegen/output).
 */
const BATCH = 64;

/**
 * Every PHP file for the contract model, paths relative to the output folder (`php/…`): the PSR-4 tree
 * under `php/src/`, the runtime under `php/src/Contractgen/Runtime/`, `php/autoload.php` and
 * `php/composer.json`. Deterministic: same model, same bytes.
 */
export async function emitPhp(loaded: LoadedContracts, options: PhpOptions = {}): Promise<GeneratedFile[]> {
  const ctx = createPhpContext(
    loaded,
    options.namespace !== undefined ? { namespace: options.namespace } : {},
  );
  const files: GeneratedFile[] = [];
  const seen = new Set<string>();
  let handed = 0;
  const add = (file: GeneratedFile): void => {
    if (seen.has(file.path)) throw new Error(`php-gen: two generated files share the path ${file.path}`);
    seen.add(file.path);
    files.push(file);
    if (files.length - handed >= BATCH) handOver();
  };
  const handOver = (): void => {
    if (!options.onFiles || files.length === handed) return;
    const kept = options.onFiles(files.slice(handed));
    if (kept?.length === files.length - handed) files.splice(handed, kept.length, ...kept);
    handed = files.length;
  };
  // The runtime first: it does not depend on the contracts, so its writing starts soonest.
  for (const file of runtimeFiles()) add(file);
  add(acceptanceFile());
  add({ path: "php/autoload.php", content: autoloader() });
  add({ path: "php/composer.json", content: composerJson(ctx.rootNamespace) });
  for (const file of phpDtoFiles(ctx)) add(file);
  for (const file of phpServiceFiles(ctx)) add(file);
  handOver();
  return files.sort((a, b) => compareStrings(a.path, b.path));
}

/** Folder of the PHP runtime sources in the package. */
export function runtimeSourceDir(): string {
  return join(packageRoot(), "php-gen", "runtime");
}

/** The runtime's PHP files, copied verbatim below `php/src/Contractgen/Runtime/`. */
function runtimeFiles(): GeneratedFile[] {
  const dir = runtimeSourceDir();
  const out: GeneratedFile[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith(".php")) continue;
    const full = join(e.parentPath, e.name);
    const rel = relative(dir, full).split("\\").join("/");
    out.push({
      path: `${PHP_SRC}/${RUNTIME_NAMESPACE.split("\\").join("/")}/${rel}`,
      content: readFileSync(full, "utf8"),
    });
  }
  return out;
}

/**
 * `Contractgen\\Runtime\\Json\\Acceptance`: the acceptance table of runtime/guard/acceptance.ts as PHP
 * constants, so the PHP decoder takes the decisions the TS boundary takes (`Policy` reads it).
 */
function acceptanceFile(): GeneratedFile {
  const rows = (preset: "strict" | "migrate"): string[] =>
    Object.entries(PITFALL_ACCEPTANCE).map(
      ([code, a]) => `            ${phpString(code)} => ${phpString(a[preset])},`,
    );
  // One entry a line, so any number of codes stays within PSR-12's line length.
  const list = (codes: readonly string[]): string =>
    `\n${codes.map((c) => `        ${phpString(c)},`).join("\n")}\n    `;
  const rules = Object.entries(RULE_ACCEPTANCE).flatMap(([id, r]) => [
    `        ${phpString(id)} => [${phpString("strict")} => ${phpString(r.strict)}, ${phpString("migrate")} => ${phpString(r.migrate)}],`,
  ]);
  const repairable = Object.values(PITFALLS)
    .filter((p) => p.repairable)
    .map((p) => p.code);
  const limits = Object.values(PITFALLS)
    .filter((p) => p.code === "body_too_large" || p.code === "too_deep" || p.code === "array_too_long")
    .map((p) => p.code);
  const content = `<?php

/**
 * Generated by contractgen ${packageVersion()} from runtime/guard/acceptance.ts.
 * DO NOT EDIT: changes are overwritten by \`contractgen generate\`.
 */

declare(strict_types=1);

namespace Contractgen\\Runtime\\Json;

/**
 * The acceptance table shared with the TypeScript boundary: what each preset does with every PHP
 * pitfall (\`reject\`, \`repair\` or \`warn\`) and with the ProtoJSON rules readers differ on
 * (\`accept\` or \`reject\`). docs/pitfalls.md prints it; {@see Policy} applies it.
 */
final class Acceptance
{
    /** The preset of a decoder given none (\`Policy::setDefault()\` changes it project-wide). */
    public const DEFAULT_PRESET = ${phpString(DEFAULT_PRESET)};

    /** @var list<string> */
    public const PRESETS = [${list(PRESETS)}];

    /** @var array<string, array<string, string>> policy of each pitfall code, per preset */
    public const PITFALLS = [
${PRESETS.map((p) => `        ${phpString(p)} => [\n${rows(p).join("\n")}\n        ],`).join("\n")}
    ];

    /** @var list<string> pitfalls with a lossless repair for some instances */
    public const REPAIRABLE = [${list(repairable)}];

    /** @var list<string> exhausted limits: always \`reject\` */
    public const LIMITS = [${list(limits)}];

    /** @var array<string, array<string, string>> decision of each ProtoJSON rule, per preset */
    public const RULES = [
${rules.join("\n")}
    ];
}
`;
  return { path: `${PHP_SRC}/${RUNTIME_NAMESPACE.split("\\").join("/")}/Json/Acceptance.php`, content };
}

function autoloader(): string {
  return `<?php

/**
 * Generated by contractgen ${packageVersion()}.
 * DO NOT EDIT: changes are overwritten by \`contractgen generate\`.
 *
 * A PSR-4 autoloader for the generated classes and the contractgen runtime, for projects without
 * Composer: require this file once.
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $file = __DIR__ . '/src/' . str_replace('\\\\', '/', $class) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
`;
}

function composerJson(prefix: string): string {
  const autoload: Record<string, string> = { "Contractgen\\Runtime\\": "src/Contractgen/Runtime/" };
  autoload[prefix === "" ? "" : `${prefix}\\`] =
    prefix === "" ? "src/" : `src/${prefix.split("\\").join("/")}/`;
  return `${JSON.stringify(
    {
      name: "contractgen/generated",
      description: "Generated by contractgen: DTOs, clients and server stubs. Do not edit.",
      type: "library",
      require: { php: ">=8.1", "ext-json": "*" },
      autoload: { "psr-4": autoload },
    },
    null,
    2,
  )}\n`;
}
