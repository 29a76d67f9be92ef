/** Prefix of wire-schema ids: `urn:contractgen:shop.order.v1.Order`. */
export const WIRE_ID_PREFIX = "urn:contractgen:";

/** The `$id` of the wire schema of a declaration. */
export function wireId(fullName: string): string {
  return WIRE_ID_PREFIX + fullName;
}

/** The declaration a wire-schema id names, or undefined for other ids. */
export function fullNameOfWireId(id: string): string | undefined {
  return id.startsWith(WIRE_ID_PREFIX) ? id.slice(WIRE_ID_PREFIX.length) : undefined;
}
