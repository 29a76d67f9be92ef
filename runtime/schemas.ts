import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Reads the wire JSON Schemas that `contractgen generate` writes (`<out>/schema/*.schema.json`), for
 * `createBoundary({ schemas })`. Read once at startup.
 */
export function loadWireSchemas(dir: string): unknown[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".schema.json"))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      try {
        return JSON.parse(readFileSync(path, "utf8")) as unknown;
      } catch (e) {
        throw new Error(`${path}: cannot read wire schema: ${(e as Error).message}`);
      }
    });
}
