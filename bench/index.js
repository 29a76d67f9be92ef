// Runs contractgen's benchmarks, each in its own Node process so one suite's heap and JIT state do not
// colour the next. Every suite prints its own figures and ratios against a baseline measured in the same
// run; nothing here asserts a time.
//
//   npm run bench                 all suites
//   npm run bench -- generate     only the named suites (generate, breaking, runtime, php-codec, php-gen, contract-test, contract-test-faults, hostile)
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const SUITES = {
  generate: "TypeScript generation vs buf generate + protoc-gen-es (issue: foundation)",
  runtime: "boundary guards + validation vs JSON.parse; server throughput with the runtime on/off",
  breaking: "contractgen breaking vs buf breaking alone; JSON Schema checks per 100 schemas",
  "php-codec": "PHP DTO decode+encode vs json_decode/json_encode and Google's protobuf runtime",
  "php-gen": "PHP code generation vs protoc --php_out",
  "contract-test": "contractgen test: cases/s against two implementations, server share of wall time",
  "contract-test-faults": "contractgen test: kill rate over the seeded faults of the PHP shop fixture",
  hostile:
    "good-traffic throughput and peak RSS with 0 % and 10 % hostile load (TS server, PHP under php-fpm)",
};

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in SUITES)) {
    console.error(
      `unknown benchmark ${JSON.stringify(name)}; expected one of: ${Object.keys(SUITES).join(", ")}`,
    );
    process.exit(2);
  }
}
const selected = wanted.length > 0 ? wanted : Object.keys(SUITES);
let failed = 0;
for (const name of selected) {
  console.log(`\n=== ${name}: ${SUITES[name]} ===\n`);
  const script = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
  const result = spawnSync(process.execPath, [script], { stdio: "inherit" });
  if (result.status !== 0) {
    failed++;
    console.error(`benchmark ${name} exited with ${result.status ?? result.signal}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
