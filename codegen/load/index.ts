import type { ResolvedConfig } from "../config.js";
import { ContractError } from "../errors.js";
import { buildModel, type ModelParts } from "../model/build.js";
import type { ContractModel } from "../model/types.js";

/** The draft of every wire schema (JSON Schema contracts are rewritten into it when loaded). */
const JSON_SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema";

import { wireId } from "../wire/ids.js";
import { jsonSchemaWireSchemas } from "../wire/jsonschema.js";
import type { BufBuild } from "./buf-build.js";
import { type LoweredJsonSchema, loadJsonSchemaContracts } from "./jsonschema.js";
import { buildProtoImage, lowerProto, type ProtoImage } from "./proto.js";

/** Everything read from a project's contracts. */
export interface LoadedContracts {
  readonly model: ContractModel;
  /** The compiled buf image, when the project has proto contracts. */
  readonly proto?: ProtoImage;
  /** The JSON Schema documents, when the project has JSON Schema contracts. */
  readonly jsonSchema?: LoweredJsonSchema;
}

/** Times a phase of work (`generate` adds the milliseconds to its `timings`). */
export type PhaseTimer = <T>(phase: string, fn: () => Promise<T> | T) => Promise<T>;

const untimed: PhaseTimer = async (_phase, fn) => fn();

/**
 * Reads every contract of the project described by `config` into one model. `time` receives the
 * phases: `buf build`, `proto descriptors` (decoding the image), `JSON Schema` and `contract model`.
 * `bufBuild` is a `buf build` of `config.protoRoot` already started (codegen/load/buf-build.ts).
 */
export async function loadContracts(
  config: ResolvedConfig,
  time: PhaseTimer = untimed,
  bufBuild?: BufBuild,
): Promise<LoadedContracts> {
  if (!config.protoRoot && !config.jsonSchemaRoot) {
    throw new ContractError({
      code: "not_found",
      message: `no contracts found in ${config.root}: expected a buf.yaml (proto) or JSON Schema contracts in contracts/jsonschema, contracts or schemas (see docs/contracts.md), or a contractgen.config.json naming them`,
    });
  }
  const [proto, jsonSchema] = await Promise.all([
    config.protoRoot ? buildProtoImage(config.protoRoot, time, bufBuild) : undefined,
    config.jsonSchemaRoot
      ? time("JSON Schema", () =>
          loadJsonSchemaContracts(
            config.root,
            config.jsonSchemaRoot as string,
            config.jsonSchemaOptions ?? {},
          ),
        )
      : undefined,
  ]);
  const model = await time("contract model", () => {
    const parts: ModelParts[] = [];
    if (proto) parts.push(lowerProto(proto));
    if (jsonSchema) parts.push(jsonSchema);
    const built = buildModel(parts);
    if (!jsonSchema) return built;
    const wire = new Map<string, Readonly<Record<string, unknown>>>();
    // Declarations named after where they are used get a wire schema too: the PHP DTOs check a union's
    // members against it.
    const all = [
      ...jsonSchemaWireSchemas(jsonSchema),
      ...jsonSchemaWireSchemas({ ...jsonSchema, sources: jsonSchema.synthesizedSources ?? new Map() }),
    ];
    for (const [fullName, body] of all)
      wire.set(fullName, { $schema: JSON_SCHEMA_DRAFT, $id: wireId(fullName), ...body, title: fullName });
    return { ...built, jsonSchemaWire: wire };
  });
  return { model, ...(proto ? { proto } : {}), ...(jsonSchema ? { jsonSchema } : {}) };
}
