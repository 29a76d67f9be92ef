import type { ContractModel, ServiceDecl } from "../model/types.js";
import { camelCase, snakeCase } from "../util/names.js";
import { jsonSchemaTypeName, jsonSchemaTypesPath } from "./jsonschema-types.js";
import {
  docComment,
  type GeneratedFile,
  propertyKey,
  relativeImport,
  safeIdentifier,
  stringLiteral,
  TsFile,
} from "./printer.js";
import { validatorName, validatorsPath } from "./validators.js";

/** Path of the service module of a JSON Schema service. */
export function jsonSchemaServicePath(service: ServiceDecl): string {
  return `ts/jsonschema/${service.package.split(".").join("/")}/${snakeCase(service.name)}.ts`;
}

/**
 * The TypeScript module of one JSON Schema service: its definition (method names, idempotency and the
 * validators of requests and responses), the implementation and client types, and factories for a
 * server registration and a client, all on contractgen/runtime's Connect unary JSON implementation.
 */
export function emitJsonSchemaService(model: ContractModel, service: ServiceDecl): GeneratedFile {
  const path = jsonSchemaServicePath(service);
  const ts = new TsFile(path, [service.location.file]);
  const name = safeIdentifier(service.name);
  const local = name.replace(/\$$/, "");
  ts.declare(
    name,
    `${local}Implementation`,
    `${local}Client`,
    `create${local}Client`,
    `${camelCase(local)}Registration`,
  );
  const typeOf = (fullName: string): string => {
    const decl = model.decls.get(fullName);
    return ts.import(
      jsonSchemaTypeName(fullName),
      relativeImport(path, jsonSchemaTypesPath(decl?.package ?? "")),
      {
        type: true,
      },
    );
  };
  const validatorOf = (fullName: string): string => {
    const decl = model.decls.get(fullName);
    return ts.import(
      validatorName(fullName),
      relativeImport(path, `${validatorsPath(decl?.package ?? "")}.js`),
    );
  };
  const JsonMethodDefinition = ts.import("JsonMethodDefinition", "contractgen/runtime", { type: true });
  const methodLines = service.methods.flatMap((m) => [
    ...docComment(m.doc, "    ", [`Request \`${m.input}\`, response \`${m.output}\`.`]),
    `    ${propertyKey(camelCase(m.name))}: {`,
    `      name: ${stringLiteral(m.name)},`,
    `      idempotency: ${stringLiteral(m.idempotency)},`,
    `      inputType: ${stringLiteral(m.input)},`,
    `      outputType: ${stringLiteral(m.output)},`,
    `      input: ${validatorOf(m.input)},`,
    `      output: ${validatorOf(m.output)},`,
    `    } as ${JsonMethodDefinition}<${typeOf(m.input)}, ${typeOf(m.output)}>,`,
  ]);
  const JsonServiceImpl = ts.import("JsonServiceImpl", "contractgen/runtime", { type: true });
  const JsonClient = ts.import("JsonClient", "contractgen/runtime", { type: true });
  const JsonClientOptions = ts.import("JsonClientOptions", "contractgen/runtime", { type: true });
  const JsonServiceRegistration = ts.import("JsonServiceRegistration", "contractgen/runtime", { type: true });
  const createJsonClient = ts.import("createJsonClient", "contractgen/runtime");
  const jsonService = ts.import("jsonService", "contractgen/runtime");
  ts.print(
    ...docComment(service.doc, "", [
      `JSON Schema service \`${service.fullName}\`, served over Connect unary JSON.`,
    ]),
    `export const ${name} = {`,
    `  typeName: ${stringLiteral(service.fullName)},`,
    "  methods: {",
    ...methodLines,
    "  },",
    "} as const;",
    "",
    ...docComment(`What a server of \`${service.fullName}\` implements: one function per method.`),
    `export type ${local}Implementation = ${JsonServiceImpl}<typeof ${name}>;`,
    "",
    ...docComment(`A typed client of \`${service.fullName}\`.`),
    `export type ${local}Client = ${JsonClient}<typeof ${name}>;`,
    "",
    ...docComment(
      `Pairs an implementation with the service, for \`createJsonServiceHandler([...])\` from contractgen/runtime.`,
    ),
    `export function ${camelCase(local)}Registration(implementation: ${local}Implementation): ${JsonServiceRegistration} {`,
    `  return ${jsonService}(${name}, implementation);`,
    "}",
    "",
    ...docComment(`Creates a client of \`${service.fullName}\` (Connect unary JSON over HTTP).`),
    `export function create${local}Client(options: ${JsonClientOptions}): ${local}Client {`,
    `  return ${createJsonClient}(${name}, options);`,
    "}",
  );
  return ts.toFile();
}
