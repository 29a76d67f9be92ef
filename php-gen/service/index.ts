import type { GeneratedFile } from "../../codegen/ts/printer.js";
import type { PhpContext } from "../context.js";

/**
 * PHP clients, handler interfaces and dispatchers for every service. Placeholder created by the DTO
 * side so php-gen/index.ts compiles; the PHP-services agent owns this file and replaces it.
 */
export function emitPhpServices(_ctx: PhpContext): GeneratedFile[] {
  return [];
}
