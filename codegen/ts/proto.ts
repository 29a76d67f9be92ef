import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ContractError } from "../errors.js";
import { bufDiagnostics, type ProtoImage } from "../load/proto.js";
import type { ContractModel, ServiceDecl } from "../model/types.js";
import { runBuf } from "../tools/buf.js";
import { camelCase, compareStrings } from "../util/names.js";
import { docComment, type GeneratedFile, TsFile } from "./printer.js";

const require = createRequire(import.meta.url);

/** Output folder of proto TypeScript, relative to the output root. */
export const PROTO_TS_DIR = "ts/proto";

/**
 * Where generated `_pb.ts` files import the protobuf-es runtime from: contractgen's facades instead of
 * `@bufbuild/protobuf`, which an app that depends on contractgen alone does not have as a direct
 * dependency (pnpm's strict layout resolves only direct dependencies). protobuf-es imports a few
 * well-known files by their own subpath (its `wktPublicImportPaths`): each has a facade of the same
 * path under `contractgen/protobuf/wkt/` (runtime/reexport/wkt/; test/packaging.test.ts checks the list).
 */
export const RUNTIME_REWRITES: readonly (readonly [string, string])[] = [
  ["@bufbuild/protobuf", "contractgen/protobuf"],
  ["@bufbuild/protobuf/codegenv2", "contractgen/protobuf/codegenv2"],
  ["@bufbuild/protobuf/wkt", "contractgen/protobuf/wkt"],
  ...[
    "api",
    "c_sharp_features",
    "cpp_features",
    "cpp_file_options",
    "cpp_options",
    "go_features",
    "java_features",
    "json_enumvalue_options",
    "json_options",
    "source_context",
    "type",
  ].map(
    (name) =>
      [
        `@bufbuild/protobuf/wkt/google/protobuf/${name}_pb.js`,
        `contractgen/protobuf/wkt/google/protobuf/${name}_pb.js`,
      ] as const,
  ),
];

/**
 * Runs the real `buf generate` with the local protoc-gen-es (target ts) on the already built image, so
 * the protos are compiled once. Returns protoc-gen-es' files, untouched, under `ts/proto/`.
 */
export async function runProtocGenEs(image: ProtoImage): Promise<GeneratedFile[]> {
  const plugin = require.resolve("@bufbuild/protoc-gen-es/bin/protoc-gen-es");
  const dir = await mkdtemp(join(tmpdir(), "contractgen-es-"));
  try {
    const imagePath = join(dir, "image.binpb");
    const outDir = join(dir, "out");
    await writeFile(imagePath, image.image);
    const template = {
      version: "v2",
      plugins: [
        {
          local: [process.execPath, plugin],
          out: outDir,
          opt: [
            "target=ts",
            "import_extension=js",
            ...RUNTIME_REWRITES.map(([from, to]) => `rewrite_imports=${from}:${to}`),
          ],
          // One plugin process for all files; buf's default starts one per folder (200 Node processes
          // for 200 packages, measured 40× slower).
          strategy: "all",
        },
      ],
    };
    const result = await runBuf(
      ["generate", imagePath, "--template", JSON.stringify(template), "--error-format", "json"],
      {
        cwd: dir,
      },
    );
    if (result.exitCode !== 0) {
      throw new ContractError(
        bufDiagnostics(result.stderr, "tool_failed", "buf generate with protoc-gen-es failed"),
      );
    }
    const files: GeneratedFile[] = [];
    for (const path of await listFiles(outDir)) {
      files.push({
        path: `${PROTO_TS_DIR}/${relative(outDir, path).split("\\").join("/")}`,
        content: await readFile(path, "utf8"),
      });
    }
    return files.sort((a, b) => compareStrings(a.path, b.path));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

/**
 * Thin typed helpers next to protoc-gen-es' output, one `<file>_contract.ts` per proto file with
 * services: a client type and factories (any transport, or Connect JSON over HTTP/1.1 as PHP speaks it),
 * an implementation type, and a function that registers the implementation on a connect router.
 */
export function emitProtoServiceHelpers(
  model: ContractModel,
  esFiles: readonly GeneratedFile[],
): GeneratedFile[] {
  const esByPath = new Map(esFiles.map((f) => [f.path, f]));
  const out: GeneratedFile[] = [];
  for (const file of model.files) {
    if (file.source !== "proto" || file.services.length === 0) continue;
    const moduleName = file.sourceName.replace(/\.proto$/, "");
    const pbPath = `${PROTO_TS_DIR}/${moduleName}_pb.ts`;
    const pb = esByPath.get(pbPath);
    if (!pb) throw new Error(`internal: protoc-gen-es wrote no ${pbPath}`);
    const exportedServices = [...pb.content.matchAll(/^export const (\S+): GenService</gm)].map(
      (m) => m[1] ?? "",
    );
    const services = file.services
      .map((name) => model.services.get(name))
      .filter((s): s is ServiceDecl => !!s);
    if (exportedServices.length !== services.length) {
      throw new Error(
        `internal: ${pbPath} exports ${exportedServices.length} services, expected ${services.length}`,
      );
    }
    const ts = new TsFile(`${PROTO_TS_DIR}/${moduleName}_contract.ts`, [file.path]);
    const base = moduleName.slice(moduleName.lastIndexOf("/") + 1);
    services.forEach((service, i) => {
      const descName = exportedServices[i] ?? service.name;
      const local = descName.replace(/\$$/, "");
      ts.declare(
        `${local}Client`,
        `${local}Implementation`,
        `create${local}Client`,
        `create${local}JsonClient`,
        `register${local}`,
      );
    });
    services.forEach((service, i) => {
      const descName = exportedServices[i] ?? service.name;
      const local = descName.replace(/\$$/, "");
      const desc = ts.import(descName, `./${base}_pb.js`);
      // Through contractgen's facades: an app that depends on contractgen alone resolves them.
      const Client = ts.import("Client", "contractgen/connect", { type: true });
      const ServiceImpl = ts.import("ServiceImpl", "contractgen/connect", { type: true });
      const Transport = ts.import("Transport", "contractgen/connect", { type: true });
      const ConnectRouter = ts.import("ConnectRouter", "contractgen/connect", { type: true });
      const createClient = ts.import("createClient", "contractgen/connect");
      const Interceptor = ts.import("Interceptor", "contractgen/connect", { type: true });
      const Boundary = ts.import("Boundary", "contractgen/runtime", { type: true });
      const createGuardedConnectTransport = ts.import("createGuardedConnectTransport", "contractgen/runtime");
      const doc = service.doc ? `${service.doc}\n\n` : "";
      ts.print(
        ...docComment(`${doc}A typed client of \`${service.fullName}\`.`),
        `export type ${local}Client = ${Client}<typeof ${desc}>;`,
        "",
        ...docComment(
          `The methods a server of \`${service.fullName}\` implements:\n${service.methods.map((m) => `- \`${camelCase(m.name)}\`${m.doc ? `: ${firstLine(m.doc)}` : ""}`).join("\n")}`,
        ),
        `export type ${local}Implementation = ${ServiceImpl}<typeof ${desc}>;`,
        "",
        ...docComment(`Creates a client of \`${service.fullName}\` on any Connect transport.`),
        `export function create${local}Client(transport: ${Transport}): ${local}Client {`,
        `  return ${createClient}(${desc}, transport);`,
        "}",
        "",
        ...docComment(
          `Creates a client of \`${service.fullName}\` that speaks the Connect protocol with the JSON codec over\nHTTP/1.1, as PHP servers do. Methods without side effects use HTTP GET. Pass \`boundary\` (\`createBoundary\`\nover \`gen/schema\`) to check every response before protobuf-es reads it: PHP pitfalls such as int64\nbeyond 2^53 as a JSON number or a PHP enum's \`->name\` then fail the call instead of changing the value.`,
        ),
        `export function create${local}JsonClient(`,
        "  baseUrl: string,",
        `  options: { boundary?: ${Boundary}; interceptors?: ${Interceptor}[]; timeoutMs?: number } = {},`,
        `): ${local}Client {`,
        `  const transport = ${createGuardedConnectTransport}({`,
        "    baseUrl,",
        `    services: [${desc}],`,
        "    boundary: options.boundary,",
        "    useHttpGet: true,",
        "    interceptors: options.interceptors ?? [],",
        "    ...(options.timeoutMs !== undefined ? { defaultTimeoutMs: options.timeoutMs } : {}),",
        "  });",
        `  return ${createClient}(${desc}, transport);`,
        "}",
        "",
        ...docComment(`Registers an implementation of \`${service.fullName}\` on a connect router.`),
        `export function register${local}(router: ${ConnectRouter}, implementation: ${local}Implementation): ${ConnectRouter} {`,
        `  return router.service(${desc}, implementation);`,
        "}",
        "",
      );
    });
    out.push(ts.toFile());
  }
  return out;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? "";
}
