import type { ResolvedConfig } from "../config.js";
import { ContractError } from "../errors.js";
import { buildModel, type ModelParts } from "../model/build.js";
import type { ContractModel } from "../model/types.js";
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
    return buildModel(parts);
  });
  return { model, ...(proto ? { proto } : {}), ...(jsonSchema ? { jsonSchema } : {}) };
}
