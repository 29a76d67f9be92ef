/** Reading wire schemas: `$ref` resolution across documents (`urn:contractgen:<name>#/$defs/X`). */
import type { JsonSchema } from "../wire/index.js";

/** A schema node with the document its local `$ref`s resolve in. */
export interface Node {
  readonly schema: JsonSchema;
  readonly doc: JsonSchema;
}

/** Resolves `$ref`s of wire schemas, by `$id`. */
export class SchemaIndex {
  private readonly byId = new Map<string, JsonSchema>();

  constructor(schemas: Iterable<JsonSchema>) {
    for (const s of schemas) if (typeof s["$id"] === "string") this.byId.set(s["$id"], s);
  }

  /** The root node of a wire schema by `$id`. */
  root(id: string): Node | undefined {
    const doc = this.byId.get(id);
    return doc ? { schema: doc, doc } : undefined;
  }

  /** Follows `$ref` chains (bounded) and returns the target node. */
  deref(node: Node): Node {
    let current = node;
    for (let i = 0; i < 32 && typeof current.schema["$ref"] === "string"; i++) {
      const ref = current.schema["$ref"] as string;
      const hash = ref.indexOf("#");
      const base = hash < 0 ? ref : ref.slice(0, hash);
      const pointer = hash < 0 ? "" : ref.slice(hash + 1);
      const doc = base === "" ? current.doc : this.byId.get(base);
      if (!doc) return { schema: {}, doc: current.doc };
      let target: unknown = doc;
      for (const seg of pointer.split("/").slice(1)) {
        const key = decodeURIComponent(seg).replace(/~1/g, "/").replace(/~0/g, "~");
        target =
          target !== null && typeof target === "object"
            ? (target as Record<string, unknown>)[key]
            : undefined;
      }
      const { $ref: _ref, ...siblings } = current.schema;
      const resolved = (target ?? {}) as JsonSchema;
      current = { schema: Object.keys(siblings).length > 0 ? { ...siblings, ...resolved } : resolved, doc };
    }
    return current;
  }

  /** A child node in the same document. */
  child(parent: Node, schema: unknown): Node {
    return this.deref({ schema: (schema ?? {}) as JsonSchema, doc: parent.doc });
  }
}

/** The JSON types a schema allows (`type` as string or array; derived from `enum`/`const` otherwise). */
export function typesOf(s: JsonSchema): string[] {
  const t = s["type"];
  if (typeof t === "string") return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === "string");
  if (Array.isArray(s["enum"])) return [...new Set((s["enum"] as unknown[]).map(jsonType))];
  if ("const" in s) return [jsonType(s["const"])];
  if (s["properties"] !== undefined || s["additionalProperties"] !== undefined) return ["object"];
  if (s["items"] !== undefined) return ["array"];
  return [];
}

/** The JSON Schema type name of a value. */
export function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** The branches of `oneOf` / `anyOf`. */
export function branchesOf(s: JsonSchema): unknown[] {
  const one = s["oneOf"] ?? s["anyOf"];
  return Array.isArray(one) ? one : [];
}
