/** The name shapes docs/contracts.md asks of JSON Schema contracts, and the rename each one suggests. */
import { camelCase, pascalCase, snakeCase } from "../../util/names.js";

/** `track_event_request`, `v1`, `page_view`. */
export const LOWER_SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
/** `TrackEventRequest`. */
export const PASCAL = /^[A-Z][A-Za-z0-9]*$/;
/** `amountMinor`. */
export const LOWER_CAMEL = /^[a-z][A-Za-z0-9]*$/;
/** A package segment, as the manifest schema's `package` pattern allows it. */
export const PACKAGE_SEGMENT = /^[a-z][a-z0-9_]*$/;
/** A version as the last package segment: buf's PACKAGE_VERSION_SUFFIX (`v1`, `v2beta1`, `v1test`). */
export const VERSION = /^v\d+(test.*|(alpha|beta)\d*(p\d+)?)?$/;

/** `; rename X to Y` when a conversion gives a different, well-formed name, else "". */
export function renameTo(from: string, to: string, shape: RegExp): string {
  return to !== from && shape.test(to) ? `; rename ${JSON.stringify(from)} to ${JSON.stringify(to)}` : "";
}

export { camelCase, pascalCase, snakeCase };
