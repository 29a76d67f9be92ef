/**
 * ProtoJSON's canonical form of an answer, for the differential: two answers that every ProtoJSON parser
 * reads as the same message differ only in their encoding. The rules are the ProtoJSON spec's
 * (https://protobuf.dev/programming-guides/json/), applied to messages of proto contracts only:
 *
 * - a field under its proto name is the field under its JSON name (parsers accept both);
 * - `null` is the field's default, i.e. absent (except for `google.protobuf.Value`);
 * - a field without presence (proto3 implicit) set to its default — `0`, `"0"`, `""`, `false`, the
 *   enum's zero value, `[]`, `{}` — is absent (encoders may emit defaults or not);
 * - 64-bit integers as a decimal string (`"5"` and `5` are one value), other numbers as JSON numbers
 *   (`"1.5"` is accepted for a double);
 * - an enum value by its name (`"ROLE_ADMIN"` and `2` are one value);
 * - Timestamp in UTC with 0, 3, 6 or 9 fraction digits (`…:00Z`, `…:00.000Z`, `…:00+00:00` are one
 *   instant), Duration likewise (`"1s"`, `"1.000s"`), bytes as padded standard base64 (URL-safe and
 *   unpadded forms are accepted);
 * - the wrappers (`Int64Value`, …) as their scalar.
 *
 * Object key order never counts (the differential sorts keys). JSON Schema contracts have no such
 * alternatives: their values are compared as sent.
 */
import type { Decl, FieldDecl, MessageDecl, ScalarType, ValueType } from "../model/types.js";

const INT64: ReadonlySet<ScalarType> = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);
const NUMBER: ReadonlySet<ScalarType> = new Set([
  "int32",
  "uint32",
  "sint32",
  "fixed32",
  "sfixed32",
  "double",
  "float",
]);

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Canonicalizes answers of the messages of one contract model. */
export class ProtoCanonical {
  private readonly fields = new Map<string, ReadonlyMap<string, FieldDecl>>();

  constructor(private readonly decls: ReadonlyMap<string, Decl>) {}

  /** The canonical form of `value`, a message of type `name`; values of other contracts as they are. */
  message(name: string, value: unknown): unknown {
    const decl = this.decls.get(name);
    return decl?.kind === "message" ? this.ofMessage(decl, value) : value;
  }

  private ofMessage(decl: MessageDecl, v: unknown): unknown {
    if (decl.source !== "proto") return v;
    if (decl.wellKnown !== undefined) return this.wellKnown(decl, v);
    if (!isObj(v)) return v;
    const byName = this.fieldsOf(decl);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const f = byName.get(k);
      if (f === undefined) {
        out[k] = x;
        continue;
      }
      if (x === null && !this.isValue(f.type)) continue;
      const c = this.ofType(f.type, x);
      if (f.presence === "implicit" && f.oneof === undefined && this.isDefault(f.type, c)) continue;
      out[f.jsonName] = c;
    }
    return out;
  }

  /** Fields by JSON name and by proto name. */
  private fieldsOf(decl: MessageDecl): ReadonlyMap<string, FieldDecl> {
    let m = this.fields.get(decl.fullName);
    if (!m) {
      const byName = new Map<string, FieldDecl>();
      for (const f of decl.fields) {
        byName.set(f.name, f);
        byName.set(f.jsonName, f);
      }
      m = byName;
      this.fields.set(decl.fullName, m);
    }
    return m;
  }

  private ofType(type: ValueType, v: unknown): unknown {
    switch (type.kind) {
      case "scalar":
        return scalar(type.scalar, v);
      case "enum": {
        const e = this.decls.get(type.ref);
        if (e?.kind !== "enum" || e.source !== "proto" || typeof v !== "number") return v;
        return e.values.find((x) => x.number === v)?.json ?? v;
      }
      case "message": {
        const m = this.decls.get(type.ref);
        return m?.kind === "message" ? this.ofMessage(m, v) : v;
      }
      case "list":
        return Array.isArray(v) ? v.map((x) => this.ofType(type.element, x)) : v;
      case "map":
        return isObj(v)
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.ofType(type.value, x)]))
          : v;
      case "nullable":
        return v === null ? null : this.ofType(type.type, v);
      default:
        return v;
    }
  }

  /** Whether `null` is a value of the type (google.protobuf.Value, NullValue) rather than "absent". */
  private isValue(type: ValueType): boolean {
    if (type.kind !== "message" && type.kind !== "enum") return false;
    const d = this.decls.get(type.ref);
    return d?.kind === "message" ? d.wellKnown === "Value" : d?.fullName === "google.protobuf.NullValue";
  }

  /** Whether a canonical value is the default of a field without presence. */
  private isDefault(type: ValueType, v: unknown): boolean {
    switch (type.kind) {
      case "scalar":
        return v === 0 || v === "0" || v === "" || v === false;
      case "enum": {
        const e = this.decls.get(type.ref);
        const zero = e?.kind === "enum" ? e.values.find((x) => x.number === 0) : undefined;
        return v === 0 || (zero !== undefined && v === zero.json);
      }
      case "list":
        return Array.isArray(v) && v.length === 0;
      case "map":
        return isObj(v) && Object.keys(v).length === 0;
      default:
        return false;
    }
  }

  private wellKnown(decl: MessageDecl, v: unknown): unknown {
    switch (decl.wellKnown) {
      case "Timestamp":
        return typeof v === "string" ? (timestamp(v) ?? v) : v;
      case "Duration":
        return typeof v === "string" ? (duration(v) ?? v) : v;
      case "Int64Value":
      case "UInt64Value":
        return scalar("int64", v);
      case "Int32Value":
      case "UInt32Value":
      case "DoubleValue":
      case "FloatValue":
        return scalar("double", v);
      case "BytesValue":
        return scalar("bytes", v);
      default:
        return v;
    }
  }
}

/** A scalar in its canonical JSON: int64 as a decimal string, other numbers as numbers, bytes padded. */
function scalar(type: ScalarType, v: unknown): unknown {
  if (INT64.has(type)) {
    if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
    if (typeof v === "string" && /^-?[0-9]+$/.test(v)) return BigInt(v).toString();
    return v;
  }
  if (NUMBER.has(type)) {
    if (typeof v === "string" && /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(v)) return Number(v);
    return v;
  }
  if (type === "bytes" && typeof v === "string" && /^[A-Za-z0-9+/_-]*=*$/.test(v)) {
    const std = v.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
    return std.length % 4 === 1 ? v : std + "=".repeat((4 - (std.length % 4)) % 4);
  }
  return v;
}

/** Fraction digits as ProtoJSON writes them: none, 3, 6 or 9. */
function fraction(nanos: number): string {
  if (nanos === 0) return "";
  const nine = String(nanos).padStart(9, "0");
  return `.${nine.endsWith("000000") ? nine.slice(0, 3) : nine.endsWith("000") ? nine.slice(0, 6) : nine}`;
}

/** An RFC 3339 timestamp in UTC with canonical fraction digits; undefined when it is not one. */
export function timestamp(v: string): string | undefined {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|([+-])(\d{2}):(\d{2}))$/.exec(
      v,
    );
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const offset = sign ? (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi) - offset, Number(s));
  if (Number.isNaN(ms)) return undefined;
  const nanos = frac ? Number(frac.padEnd(9, "0")) : 0;
  return `${new Date(ms).toISOString().slice(0, 19)}${fraction(nanos)}Z`;
}

/** A Duration (`"1.5s"`) with canonical fraction digits; undefined when it is not one. */
export function duration(v: string): string | undefined {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(v);
  if (!m) return undefined;
  const nanos = m[3] ? Number(m[3].padEnd(9, "0")) : 0;
  const seconds = BigInt(m[2] as string).toString();
  return `${m[1] && (seconds !== "0" || nanos !== 0) ? "-" : ""}${seconds}${fraction(nanos)}s`;
}
