import type { ResolvedConfig } from "../config.js";
import { ContractError } from "../errors.js";
import { buildModel, type ModelParts } from "../model/build.js";
import type { ContractModel } from "../model/types.js";
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

/** Reads every contract of the project described by `config` into one model. */
export async function loadContracts(config: ResolvedConfig): Promise<LoadedContracts> {
  if (!config.protoRoot && !config.jsonSchemaRoot) {
    throw new ContractError({
      code: "not_found",
      message: `no contracts found in ${config.root}: expected a buf.yaml (proto) or JSON Schema contracts in contracts/jsonschema, contracts or schemas (see docs/contracts.md), or a contractgen.config.json naming them`,
    });
  }
  const [proto, jsonSchema] = await Promise.all([
    config.protoRoot ? buildProtoImage(config.protoRoot) : undefined,
    config.jsonSchemaRoot ? loadJsonSchemaContracts(config.root, config.jsonSchemaRoot) : undefined,
  ]);
  const parts: ModelParts[] = [];
  if (proto) parts.push(lowerProto(proto));
  if (jsonSchema) parts.push(jsonSchema);
  return { model: buildModel(parts), ...(proto ? { proto } : {}), ...(jsonSchema ? { jsonSchema } : {}) };
}
