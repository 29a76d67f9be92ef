/** Case conversions shared by the loaders and emitters. Pure functions of their input. */

/** Splits `order_id`, `orderId`, `OrderID`, `order-id` or `order id` into lower-case words. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** `order_item` → `OrderItem`. */
export function pascalCase(name: string): string {
  const known = pascalCases.get(name);
  if (known !== undefined) return known;
  const pascal = words(name)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
  if (pascalCases.size >= NAME_CACHE) pascalCases.clear();
  pascalCases.set(name, pascal);
  return pascal;
}

/**
 * {@link pascalCase} results by name: the emitters convert the same names again and again (each
 * field's name for its property, its accessor, its JSON path; `id` in every message). Bounded, so a
 * long-running process does not keep every name it saw.
 */
const pascalCases = new Map<string, string>();
const NAME_CACHE = 16_384;

/** `order_item` → `orderItem`. */
export function camelCase(name: string): string {
  const p = pascalCase(name);
  return p.charAt(0).toLowerCase() + p.slice(1);
}

/** `OrderItem` → `order_item`. */
export function snakeCase(name: string): string {
  return words(name).join("_");
}

/** Compares strings by UTF-16 code units: a locale-independent order, so output is stable everywhere. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
