import type { GeneratedFile } from "../../codegen/ts/printer.js";
import type { PhpContext } from "../context.js";

/** DTO files for every declaration. */
export function emitPhpDtos(_ctx: PhpContext): GeneratedFile[] {
  return [];
}
