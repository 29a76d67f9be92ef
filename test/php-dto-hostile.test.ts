/**
 * Hostile contracts give valid PHP that runs: PHP reserved words as message, field, enum and enum-value
 * names (class, List, Empty, function, __construct), names differing only by case, enum values that
 * collide after prefix stripping, a nested message next to a same-named sibling, comments that try to
 * break out of a doc comment (`*\/`, `?>`). The renaming rules are in docs/php.md.
 */
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { generate } from "../codegen/generate.js";
import { loadContracts } from "../codegen/load/index.js";
import type { GeneratedFile } from "../codegen/ts/printer.js";
import { emitPhp } from "../php-gen/index.js";
import { phpIdentifier, phpNamespace } from "../php-gen/names.js";
import { docComment, phpString } from "../php-gen/printer.js";
import { BUF_YAML, hasPhpstan, phpstan, removeDir, run, scratchDir, writeTree } from "./helpers.js";

const hasPhp = (() => {
  try {
    execFileSync("php", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const PROTO = `syntax = "proto3";

// A package whose names PHP reserves. */ ?> <?php echo "pwned";
package hostile.v1;

// class */ echo "pwned"; /*
message class {
  string function = 1;
  int64 list = 2;
  bool this = 3;
  string __construct = 4;
  string empty = 5;
  string jsonSerialize = 6;
  string fromJson = 7;
}

message List {
  repeated class items = 1;
  map<string, class> by_name = 2;
}

message Empty {}

message function {
  Empty empty = 1;
  oneof case {
    string default = 2;
    class class = 3;
    Empty empty_value = 4;
  }
}

message __construct {
  string e = 1;
  string o = 2;
  string x = 3;
  string n = 4;
  string k = 5;
  string v = 6;
  string p = 7;
}

message Foo { string a = 1; }
message foo { int32 b = 1; }

message Outer {
  message Inner { string s = 1; }
  Inner inner = 1;
}
message Outer_Inner { int32 t = 1; }

enum class_kind {
  class_kind_unspecified = 0;
  CLASS_KIND_CLASS = 1;
}

message Uses {
  class_kind k = 2;
}
`;

/** proto2, because proto3 (buf) rejects enum values that collide once the prefix is stripped. */
const PROTO2 = `syntax = "proto2";

package hostile.v1;

// Values collide once the prefix is stripped: FUNCTION_CLASS and CLASS.
enum Function {
  FUNCTION_UNSPECIFIED = 0;
  FUNCTION_CLASS = 1;
  CLASS = 2;
  FUNCTION_LIST = 3;
  FUNCTION_1 = 4;
}

message Legacy {
  optional Function f = 1;
  repeated Function fs = 2;
}
`;

const SCHEMA = JSON.stringify({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "Class",
  description: "A JSON Schema object with hostile names. */ ?>",
  type: "object",
  properties: {
    class: { type: "string", description: "*/ echo 1; /*" },
    this: { type: "integer" },
    "a-b": { type: "string" },
    a_b: { type: "string" },
    kind: { enum: ["a-b", "a_b", "class", "1x"] },
  },
  required: ["class"],
  additionalProperties: false,
});

describe("names: the PHP safe-identifier function", () => {
  it.each([
    ["class", "class", "class_"],
    ["List", "class", "List_"],
    ["Empty", "class", "Empty_"],
    ["function", "class", "function_"],
    ["__construct", "class", "__construct"],
    ["Order", "class", "Order"],
    ["9lives", "class", "_9lives"],
    ["a-b", "class", "a_b"],
    ["this", "property", "this_"],
    ["class", "property", "class"],
    ["class", "case", "class_"],
    ["CLASS", "case", "CLASS_"],
    ["LIST", "case", "LIST"],
  ] as const)("%s as %s → %s", (name, kind, want) => {
    expect(phpIdentifier(name, kind)).toBe(want);
  });

  it.each([
    ["shop.order.v1", undefined, undefined, "Shop\\Order\\V1"],
    ["shop.order_items.v1", undefined, undefined, "Shop\\OrderItems\\V1"],
    ["shop.list.v1", undefined, undefined, "Shop\\List_\\V1"],
    ["shop.order.v1", "Acme\\Orders", undefined, "Acme\\Orders"],
    ["shop.order.v1", undefined, "Vendor\\Api", "Vendor\\Api\\Shop\\Order\\V1"],
  ] as const)("namespace of %s (php_namespace %s, prefix %s) → %s", (pkg, opt, prefix, want) => {
    expect(phpNamespace(pkg, opt, prefix)).toBe(want);
  });

  it("quotes by construction: strings and doc comments cannot break out", () => {
    expect(phpString("it's a \\ test")).toBe("'it\\'s a \\\\ test'");
    const doc = docComment("end */ here ?> <?php", "", ["@param string $x */"]).join("\n");
    expect(doc).not.toMatch(/\*\/[^\n]*\n[^\n]*\S/);
    expect(doc.match(/\*\//g)).toHaveLength(1);
    expect(doc).not.toContain("?>");
  });
});

describe.skipIf(!hasPhp)("hostile contracts give valid PHP that runs", () => {
  let dir: string;
  let files: GeneratedFile[];
  beforeAll(async () => {
    dir = await scratchDir("php-hostile");
    await writeTree(dir, {
      "buf.yaml": BUF_YAML,
      "proto/hostile/v1/hostile.proto": PROTO.replace(
        "package hostile.v1;\n",
        'package hostile.v1;\n\nimport "hostile/v1/legacy.proto";\n',
      ),
      "proto/hostile/v1/legacy.proto": PROTO2,
      "contracts/jsonschema/hostile/v1/class.schema.json": SCHEMA,
    });
    const loaded = await loadContracts(resolveConfig(dir));
    files = await emitPhp(loaded, {});
    await writeTree(join(dir, "gen"), Object.fromEntries(files.map((f) => [f.path, f.content])));
  });
  afterAll(() => removeDir(dir));

  it.skipIf(!hasPhpstan)(
    "passes PHPStan level 6 (for PHP 8.1) like every generated file",
    async () => {
      const { code, errors } = await phpstan(dir, "hostile", "max", [join(dir, "gen", "php", "src")]);
      expect(errors).toEqual([]);
      expect(code).toBe(0);
    },
    120_000,
  );

  it("renames reserved and case-clashing names as documented", () => {
    const paths = files.map((f) => f.path).filter((p) => p.startsWith("php/src/Hostile/"));
    expect(paths).toEqual(
      expect.arrayContaining([
        "php/src/Hostile/V1/class_.php",
        "php/src/Hostile/V1/Class__2.php",
        "php/src/Hostile/V1/List_.php",
        "php/src/Hostile/V1/Empty_.php",
        "php/src/Hostile/V1/function_.php",
        "php/src/Hostile/V1/Function__2.php",
        "php/src/Hostile/V1/__construct.php",
        "php/src/Hostile/V1/Foo.php",
        "php/src/Hostile/V1/foo_2.php",
        "php/src/Hostile/V1/Outer/Inner.php",
        "php/src/Hostile/V1/Outer_Inner.php",
        "php/src/Hostile/V1/function_/CaseOneof.php",
        "php/src/Hostile/V1/function_/CaseOneof/ClassMember.php",
        "php/src/Hostile/V1/function_/CaseOneof/DefaultMember.php",
      ]),
    );
    const fn = files.find((f) => f.path === "php/src/Hostile/V1/Function__2.php")?.content ?? "";
    expect(fn).toContain("case UNSPECIFIED = 'FUNCTION_UNSPECIFIED';");
    expect(fn).toContain("case FUNCTION_CLASS = 'FUNCTION_CLASS';");
    expect(fn).toContain("case CLASS_ = 'CLASS';");
    expect(fn).toContain("case LIST = 'FUNCTION_LIST';");
    expect(fn).toContain("case FUNCTION_1 = 'FUNCTION_1';");
  });

  it("passes php -l for every file, and every comment stays a comment", async () => {
    for (const f of files.filter((g) => g.path.endsWith(".php"))) {
      const res = await run("php", ["-n", "-l", join(dir, "gen", f.path)], { cwd: dir });
      expect(res.code, `${f.path}: ${res.stdout}${res.stderr}`).toBe(0);
    }
  });

  it("runs: constructs, encodes and decodes every hostile class", async () => {
    await writeFile(
      join(dir, "run.php"),
      `<?php
declare(strict_types=1);
require __DIR__ . '/gen/php/autoload.php';
use Hostile\\V1;
$c = new V1\\class_(function: 'f', list: 5, this_: true, construct: 'c', empty: 'e', jsonSerialize: 'j', fromJson: 'x');
echo $c->toJson(), "\\n";
echo V1\\class_::fromJson($c->toJson())->toJson(), "\\n";
$l = V1\\List_::fromJson('{"items":[{"list":"1"}],"byName":{"k":{}}}');
echo $l->toJson(), "\\n";
$f = new V1\\function_(empty: new V1\\Empty_(), case: new V1\\function_\\CaseOneof\\ClassMember($c));
echo $f->toJson(), "\\n";
echo V1\\function_::fromJson('{"default":"d"}')->toJson(), "\\n";
echo V1\\__construct::fromJson('{"e":"1","o":"2","x":"3","n":"4","k":"5","v":"6","p":"7"}')->toJson(), "\\n";
echo (new V1\\Foo(a: 'A'))->toJson(), (new V1\\foo_2(b: 2))->toJson(), "\\n";
echo (new V1\\Outer(inner: new V1\\Outer\\Inner(s: 's')))->toJson(), (new V1\\Outer_Inner(t: 1))->toJson(), "\\n";
echo V1\\Uses::fromJson('{"k":1}')->toJson(), V1\\Legacy::fromJson('{"f":"CLASS","fs":["FUNCTION_CLASS",3]}')->toJson(), "\\n";
$h = \\Hostile\\V1\\Class__2::fromJson('{"class":"c","this":1,"a-b":"x","a_b":"y","kind":"1x"}');
echo $h->toJson(), "\\n";
`,
    );
    const res = await run("php", [join(dir, "run.php")], { cwd: dir });
    expect(res.stderr).toBe("");
    expect(res.stdout.split("\n")).toEqual([
      '{"function":"f","list":"5","this":true,"Construct":"c","empty":"e","jsonSerialize":"j","fromJson":"x"}',
      '{"function":"f","list":"5","this":true,"Construct":"c","empty":"e","jsonSerialize":"j","fromJson":"x"}',
      '{"items":[{"list":"1"}],"byName":{"k":{}}}',
      '{"empty":{},"class":{"function":"f","list":"5","this":true,"Construct":"c","empty":"e","jsonSerialize":"j","fromJson":"x"}}',
      '{"default":"d"}',
      '{"e":"1","o":"2","x":"3","n":"4","k":"5","v":"6","p":"7"}',
      '{"a":"A"}{"b":2}',
      '{"inner":{"s":"s"}}{"t":1}',
      '{"k":"CLASS_KIND_CLASS"}{"f":"CLASS","fs":["FUNCTION_CLASS","FUNCTION_LIST"]}',
      '{"class":"c","this":1,"a-b":"x","a_b":"y","kind":"1x"}',
      "",
    ]);
  });
});

describe.skipIf(!hasPhp)("namespaces from php_namespace and the config prefix", () => {
  let dir: string;
  afterAll(() => removeDir(dir));

  it("honours option php_namespace and php.namespace of contractgen.config.json", async () => {
    dir = await scratchDir("php-ns");
    await writeTree(dir, {
      "buf.yaml": BUF_YAML,
      "proto/a/v1/a.proto":
        'syntax = "proto3";\npackage a.v1;\noption php_namespace = "Acme\\\\Things";\nmessage M { string s = 1; }\n',
      "proto/b/v1/b.proto":
        'syntax = "proto3";\npackage b.v1;\nimport "a/v1/a.proto";\nmessage N { a.v1.M m = 1; }\n',
      "contractgen.config.json": JSON.stringify({ targets: ["php"], php: { namespace: "Vendor" } }),
    });
    const result = await generate({ cwd: dir });
    const paths = result.files.map((f) => f.path);
    expect(paths).toContain("php/src/Vendor/Acme/Things/M.php");
    expect(paths).toContain("php/src/Vendor/B/V1/N.php");
    const n = result.files.find((f) => f.path === "php/src/Vendor/B/V1/N.php")?.content ?? "";
    expect(n).toContain("namespace Vendor\\B\\V1;");
    expect(n).toContain("use Vendor\\Acme\\Things\\M;");
    await writeFile(
      join(dir, "run.php"),
      `<?php
require __DIR__ . '/gen/php/autoload.php';
echo Vendor\\B\\V1\\N::fromJson('{"m":{"s":"x"}}')->toJson();
`,
    );
    const res = await run("php", [join(dir, "run.php")], { cwd: dir });
    expect(res.stderr + res.stdout).toBe('{"m":{"s":"x"}}');
  });
});
