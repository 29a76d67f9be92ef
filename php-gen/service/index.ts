/**
 * PHP services: for every service of the contracts (proto and JSON Schema alike), a client class, a
 * handler interface and a dispatcher, on the runtime under `Contractgen\Runtime\Http` and
 * `Contractgen\Runtime\Server`. Documented in docs/php-services.md.
 */
import type { GeneratedFile } from "../../codegen/ts/printer.js";
import type { PhpContext } from "../context.js";
import { emitClient } from "./client.js";
import { phpService } from "./common.js";
import { emitDispatcher } from "./dispatcher.js";
import { emitHandler } from "./handler.js";

/** Client, handler interface and dispatcher files of every service, in model order. */
export function emitPhpServices(ctx: PhpContext): GeneratedFile[] {
  return [...phpServiceFiles(ctx)];
}

/** {@link emitPhpServices} one service at a time, so a caller can write them while the rest is generated. */
export function* phpServiceFiles(ctx: PhpContext): Generator<GeneratedFile> {
  for (const service of ctx.model.services.values()) {
    const s = phpService(ctx, service);
    yield emitClient(ctx, s);
    yield emitHandler(ctx, s);
    yield emitDispatcher(ctx, s);
  }
}
