/**
 * Sets `key` as an own, enumerable property. Plain assignment of `__proto__` would replace the object's
 * prototype instead; contract names are input from outside and may be exactly that.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
