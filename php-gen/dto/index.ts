/**
 * DTO emitters: one file per construct (message.ts with its oneofs, enum.ts, union.ts), dispatched here
 * for every declaration of the model in contract order. Well-known types map to the runtime.
 */
import type { GeneratedFile } from "../../codegen/ts/printer.js";
import { emitEnum } from "./enum.js";
import { type DtoContext, emitMessage } from "./message.js";
import { emitTypeRegistry } from "./registry.js";
import { emitWireSchemas } from "./schemas.js";
import { emitUnion } from "./union.js";

/** DTO, enum, oneof and union files for every declaration. */
export function emitPhpDtos(ctx: DtoContext): GeneratedFile[] {
  return [...phpDtoFiles(ctx)];
}

/** {@link emitPhpDtos} one file at a time, so a caller can write them while the rest is generated. */
export function* phpDtoFiles(ctx: DtoContext): Generator<GeneratedFile> {
  yield emitTypeRegistry(ctx);
  const wire = emitWireSchemas(ctx);
  if (wire) yield wire;
  for (const decl of ctx.model.decls.values()) {
    if (decl.fullName.startsWith("google.protobuf.")) continue;
    switch (decl.kind) {
      case "message":
        if (decl.wellKnown === undefined) yield* emitMessage(ctx, decl);
        break;
      case "enum":
        yield emitEnum(ctx, decl);
        break;
      case "union":
        yield emitUnion(ctx, decl);
        break;
      case "alias":
        break;
    }
  }
}
