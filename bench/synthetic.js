/**
 * Deterministic synthetic contract sets for the benchmark (and for tests that need many contracts).
 *
 * - writeProtoProject(dir, options): a buf v2 workspace (`buf.yaml`, module `proto/`) with N .proto files,
 *   one package per file (`bench.p000.v1`, ...). Every file has entity messages with fields of all
 *   scalar kinds, enums, repeated fields, map<string, string>, proto3 `optional`, oneofs, a
 *   google.protobuf.Timestamp and references to messages of other files (imports of a shared first
 *   tenth of the files, so there are no import cycles and no deep import chains), plus a service whose request/response messages follow buf's
 *   STANDARD lint rules (`GetOrderRequest` / `GetOrderResponse`). It passes `buf lint` (STANDARD).
 * - writeJsonSchemaProject(dir, options): JSON Schema 2020-12 contracts under `contracts/jsonschema/`,
 *   following contractgen's conventions: package = folder (`bench/j00/v1` → `bench.j00.v1`), a PascalCase
 *   "title" per file, named helper types in "$defs", relative `$ref`s within the file, to other files of
 *   the package and to other packages (always to earlier files, so there are no cross-file cycles).
 *
 * Everything derives from a seeded PRNG (no Math.random), so the same options give the same bytes.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";

/** mulberry32: small, fast, good enough for synthetic data; returns helpers around a float in [0, 1). */
export function createRng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const between = (min, max) => min + int(max - min + 1);
  const pick = (items) => items[int(items.length)];
  const chance = (p) => next() < p;
  const shuffle = (items) => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  };
  const sample = (items, k) => shuffle(items).slice(0, k);
  return { next, int, between, pick, chance, shuffle, sample };
}

// ---------------------------------------------------------------------------------------------------
// Names

const NOUNS = (
  "Account Address Invoice Order Shipment Product Customer Payment Refund Warehouse Carrier Coupon " +
  "Campaign Subscription Plan Ticket Comment Review Rating Category Brand Supplier Contract " +
  "Employee Team Project Task Milestone Document Attachment Notification Device Session Webhook " +
  "Report Metric Dashboard Alert Incident Region Store Cart Wishlist Voucher Ledger Transfer Budget " +
  "Forecast Quote Lead Opportunity Vendor Route Vehicle Driver Parcel Batch Recipe Booking Venue"
).split(" ");

const PREFIXES = [
  "",
  ...(
    "Draft Billing Internal External Pending Regional Shared Legacy Primary Scheduled Recurring " +
    "Global Local Virtual Premium Temporary Inbound Outbound Mobile Archived"
  ).split(" "),
];

/** Allocates unique PascalCase type names (prefix + noun, then numbered) in a random but fixed order. */
function nameAllocator(rng) {
  const combos = [];
  for (const prefix of PREFIXES) for (const noun of NOUNS) combos.push(prefix + noun);
  const order = rng.shuffle(combos);
  let next = 0;
  return () => {
    const base = order[next % order.length];
    const round = Math.floor(next / order.length);
    next++;
    return round === 0 ? base : `${base}${round + 1}`;
  };
}

export function snakeCase(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

function camelCase(name) {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function plural(word) {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

const pad = (n, width) => String(n).padStart(width, "0");

function writeFile(path, content) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

// ---------------------------------------------------------------------------------------------------
// Protobuf

/** Field name candidates per scalar kind; the first unused one is taken. */
const SCALARS = [
  ["double", ["price", "latitude", "longitude", "score", "weight_kg"]],
  ["float", ["ratio", "discount_rate", "confidence", "temperature"]],
  ["int32", ["quantity", "priority", "position", "max_attempts"]],
  ["int64", ["size_bytes", "version", "revision", "amount_minor"]],
  ["uint32", ["retry_count", "item_count", "page_views"]],
  ["uint64", ["sequence", "byte_offset", "total_views"]],
  ["sint32", ["offset_delta", "rank_change", "balance_change"]],
  ["sint64", ["balance_delta", "stock_delta", "drift_micros"]],
  ["fixed32", ["crc32", "ipv4_address", "color_rgba"]],
  ["fixed64", ["fingerprint", "content_hash", "trace_id_high"]],
  ["sfixed32", ["tz_offset_minutes", "elevation_m"]],
  ["sfixed64", ["ledger_delta", "clock_skew_nanos"]],
  ["bool", ["active", "archived", "verified", "locked"]],
  ["string", ["display_name", "description", "external_ref", "locale", "currency_code"]],
  ["bytes", ["payload", "checksum", "signature", "thumbnail"]],
];

const ENUM_SUFFIXES = ["Status", "Kind", "Level", "Stage"];
const ENUM_VALUES = "ACTIVE SUSPENDED CLOSED PENDING ARCHIVED FAILED COMPLETED DRAFT REVIEW".split(" ");
const VERBS = ["Get", "List", "Create", "Update", "Delete"];

/** A field set with unique names and increasing numbers. */
class FieldList {
  lines = [];
  names = new Set();
  number = 1;

  /** Returns a name not used yet in this message, based on `name`. */
  unique(name) {
    const alternatives = [name, `related_${name}`, `other_${name}`, `secondary_${name}`];
    let candidate = alternatives.find((a) => !this.names.has(a));
    for (let i = 2; candidate === undefined || this.names.has(candidate); i++) candidate = `${name}_v${i}`;
    this.names.add(candidate);
    return candidate;
  }

  add(type, name, comment) {
    const unique = this.unique(name);
    if (comment) this.lines.push(`  // ${comment}`);
    this.lines.push(`  ${type} ${unique} = ${this.number++};`);
  }

  oneof(name, members) {
    this.lines.push(`  oneof ${this.unique(name)} {`);
    for (const [type, field] of members)
      this.lines.push(`    ${type} ${this.unique(field)} = ${this.number++};`);
    this.lines.push("  }");
  }
}

function message(name, comment, fields) {
  return [`// ${comment}`, `message ${name} {`, ...fields.lines, "}"].join("\n");
}

/**
 * Writes a buf v2 workspace with `files` proto files of `messagesPerFile` top-level messages each.
 * Files after the first tenth import two files of that first tenth and reference their messages.
 * Returns counts and module-relative paths.
 */
export function writeProtoProject(dir, { files = 200, messagesPerFile = 10, seed = 1 } = {}) {
  rmSync(dir, { recursive: true, force: true });
  const rng = createRng(seed);
  writeFile(
    join(dir, "buf.yaml"),
    ["version: v2", "modules:", "  - path: proto", "lint:", "  use:", "    - STANDARD", ""].join("\n"),
  );
  const width = Math.max(3, String(files - 1).length);
  const shared = Math.max(1, Math.floor(files / 10));
  /** Per file: package, module-relative path, entity message names. */
  const index = [];
  const totals = { files, messages: 0, enums: 0, services: 0, rpcs: 0, fields: 0, paths: [] };
  for (let f = 0; f < files; f++) {
    const id = `p${pad(f, width)}`;
    const pkg = `bench.${id}.v1`;
    const path = `bench/${id}/v1/${id}.proto`;
    const names = nameAllocator(rng);
    // Small files: 2-3 rpcs; big files: one rpc per four messages. Each rpc takes two messages.
    const rpcCount = messagesPerFile <= 12 ? rng.between(2, 3) : Math.round(messagesPerFile / 4);
    const entityCount = messagesPerFile - 2 * rpcCount;
    if (entityCount < 1) throw new Error(`messagesPerFile ${messagesPerFile} is too small`);
    const entities = Array.from({ length: entityCount }, () => names());
    const enumCount = Math.max(2, Math.round(entityCount / 5));
    const enums = entities.slice(0, enumCount).map((owner) => ({
      owner,
      name: `${owner}${rng.pick(ENUM_SUFFIXES)}`,
      values: rng.sample(ENUM_VALUES, rng.between(3, 6)),
    }));

    // Imports: the first tenth of the files are shared packages without imports; every other file
    // imports two of them and references each at least once. (Long import chains make buf lint slow,
    // and real workspaces are shallow.)
    const imports = f < shared ? [] : rng.sample(index.slice(0, shared), Math.min(2, shared));
    const external = imports.map((imp) => ({
      path: imp.path,
      types: imp.entities.map((e) => `${imp.pkg}.${e}`),
    }));

    const blocks = [];
    for (const e of enums) {
      const prefix = snakeCase(e.name).toUpperCase();
      blocks.push(
        [
          `// ${e.name} is the lifecycle state of a ${e.owner}.`,
          `enum ${e.name} {`,
          `  ${prefix}_UNSPECIFIED = 0;`,
          ...e.values.map((v, i) => `  ${prefix}_${v} = ${i + 1};`),
          "}",
        ].join("\n"),
      );
    }
    entities.forEach((entity, i) => {
      const fields = new FieldList();
      fields.add("string", "id", "Unique identifier.");
      // The first entity of a file has every scalar kind; the others a random subset.
      const kinds = i === 0 ? SCALARS : rng.sample(SCALARS, rng.between(6, 12));
      for (const [type, candidates] of kinds) {
        const name = candidates.find((c) => !fields.names.has(c)) ?? candidates[0];
        fields.add(type, name);
      }
      const own = enums.find((e) => e.owner === entity) ?? (rng.chance(0.5) ? rng.pick(enums) : undefined);
      if (own) fields.add(own.name, snakeCase(own.name.slice(own.owner.length)));
      fields.add("repeated string", "tags");
      fields.add("map<string, string>", "labels", "Free-form key/value labels.");
      fields.add("google.protobuf.Timestamp", "created_at");
      if (rng.chance(0.5)) fields.add("google.protobuf.Timestamp", "updated_at");
      if (rng.chance(0.3)) fields.add("optional string", "note");
      if (rng.chance(0.2)) {
        fields.oneof("contact", [
          ["string", "email"],
          ["string", "phone"],
        ]);
      }
      // References: each import is used by the first entities; then random refs within the file/imports.
      const refs = [];
      if (i < external.length) refs.push(rng.pick(external[i].types));
      if (i > 0 && rng.chance(0.6)) refs.push(entities[rng.int(i)]);
      if (external.length > 0 && rng.chance(0.3)) refs.push(rng.pick(rng.pick(external).types));
      for (const ref of refs) {
        const short = snakeCase(ref.slice(ref.lastIndexOf(".") + 1));
        if (rng.chance(0.4)) fields.add(`repeated ${ref}`, plural(short));
        else fields.add(ref, short);
      }
      totals.fields += fields.number - 1;
      blocks.push(
        message(
          entity,
          `${entity} is a synthetic ${entity.replace(/^[A-Z][a-z]+(?=[A-Z])/, "")} record.`,
          fields,
        ),
      );
    });

    const rpcs = [];
    for (let r = 0; r < rpcCount; r++) {
      const entity = entities[r % entities.length];
      const verb = VERBS[(r + rng.int(VERBS.length)) % VERBS.length];
      const rpc = verb === "List" ? `List${plural(entity)}` : `${verb}${entity}`;
      const field = snakeCase(entity);
      const req = new FieldList();
      const res = new FieldList();
      switch (verb) {
        case "Get":
          req.add("string", "id");
          req.add("bool", "include_deleted");
          res.add(entity, field);
          break;
        case "List":
          req.add("int32", "page_size", "Maximum number of results; the server may return fewer.");
          req.add("string", "page_token");
          req.add("string", "filter");
          req.add("map<string, string>", "label_selector");
          res.add(`repeated ${entity}`, plural(field));
          res.add("string", "next_page_token");
          res.add("int64", "total_size");
          break;
        case "Create":
          req.add(entity, field);
          req.add("string", "request_id", "Idempotency key.");
          res.add(entity, field);
          res.add("google.protobuf.Timestamp", "created_at");
          break;
        case "Update":
          req.add(entity, field);
          req.add("repeated string", "update_paths");
          req.add("int64", "expected_version");
          res.add(entity, field);
          break;
        default:
          req.add("string", "id");
          req.add("bool", "force");
          res.add("google.protobuf.Timestamp", "deleted_at");
      }
      totals.fields += req.number - 1 + res.number - 1;
      blocks.push(message(`${rpc}Request`, `Request of ${rpc}.`, req));
      blocks.push(message(`${rpc}Response`, `Response of ${rpc}.`, res));
      rpcs.push(rpc);
    }
    const service = `${id.toUpperCase().charAt(0)}${id.slice(1)}Service`;
    blocks.push(
      [
        `// ${service} manages the ${pkg} records.`,
        `service ${service} {`,
        ...rpcs.map((rpc) => `  rpc ${rpc}(${rpc}Request) returns (${rpc}Response);`),
        "}",
      ].join("\n"),
    );

    const header = [
      'syntax = "proto3";',
      "",
      `package ${pkg};`,
      "",
      'import "google/protobuf/timestamp.proto";',
      ...[...new Set(imports.map((imp) => imp.path))].map((p) => `import "${p}";`),
      "",
    ];
    writeFile(join(dir, "proto", path), `${[...header, blocks.join("\n\n"), ""].join("\n")}`);
    index.push({ pkg, path, entities });
    totals.messages += messagesPerFile;
    totals.enums += enums.length;
    totals.services += 1;
    totals.rpcs += rpcs.length;
    totals.paths.push(path);
  }
  return totals;
}

// ---------------------------------------------------------------------------------------------------
// JSON Schema

const SCHEMA = "https://json-schema.org/draft/2020-12/schema";

/** Property candidates of object types: [name, schema, description]. */
const PROPERTIES = [
  ["displayName", { type: "string", minLength: 1, maxLength: 200 }, "Human-readable name."],
  ["email", { type: "string", format: "email", maxLength: 254 }, "Contact email address."],
  ["website", { type: "string", format: "uri" }, "Public web page."],
  ["createdAt", { type: "string", format: "date-time" }, "When the record was created."],
  ["validFrom", { type: "string", format: "date" }, "First day the record applies."],
  ["quantity", { type: "integer", minimum: 0, maximum: 10000 }, "Number of units."],
  ["amount", { type: "number", exclusiveMinimum: 0, multipleOf: 0.01 }, "Amount in the major unit."],
  ["ratio", { type: "number", minimum: 0, maximum: 1 }, "Share between 0 and 1."],
  ["active", { type: "boolean" }, "Whether the record is in use."],
  ["code", { type: "string", pattern: "^[A-Z]{2,5}-[0-9]{1,6}$" }, "Business code such as AB-123."],
  [
    "tags",
    { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true, maxItems: 20 },
    "Free-form tags.",
  ],
  [
    "metadata",
    { type: "object", additionalProperties: { type: "string", maxLength: 500 }, maxProperties: 50 },
    "Key/value pairs set by the caller.",
  ],
  ["counters", { type: "object", additionalProperties: { type: "integer", minimum: 0 } }, "Named counters."],
  ["note", { type: ["string", "null"], maxLength: 1000 }, "Optional note, or null."],
  [
    "dimensions",
    {
      type: "object",
      properties: {
        widthCm: { type: "number", minimum: 0 },
        heightCm: { type: "number", minimum: 0 },
        depthCm: { type: "number", minimum: 0 },
      },
      required: ["widthCm", "heightCm"],
      additionalProperties: false,
    },
    "Outer dimensions (an inline nested object).",
  ],
  [
    "priority",
    { type: "string", enum: ["low", "normal", "high", "urgent"] },
    "Handling priority (inline enum).",
  ],
];

const ENUM_WORDS =
  "active suspended closed pending archived failed completed draft in_review cancelled".split(" ");

/** Def kinds of a file, cycled: mostly objects, some enums, one named string type. */
const DEF_KINDS = ["object", "enum", "object", "object", "alias", "object", "enum", "object", "object"];

/**
 * Writes `files` JSON Schema files under `<dir>/contracts/jsonschema/bench/jNN/v1/`, `filesPerPackage` per
 * package; each file has a titled root object and `defsPerFile` entries in "$defs", so it declares
 * `1 + defsPerFile` types. Returns counts and the JSON Schema root.
 */
export function writeJsonSchemaProject(
  dir,
  { files = 50, defsPerFile = 9, filesPerPackage = 5, seed = 2 } = {},
) {
  rmSync(dir, { recursive: true, force: true });
  const rng = createRng(seed);
  const root = join(dir, "contracts", "jsonschema");
  const packages = Math.ceil(files / filesPerPackage);
  const width = Math.max(2, String(packages - 1).length);
  const allocators = new Map();
  /** Per file: folder (relative to root), file name, title, $defs names by kind. */
  const index = [];
  const totals = { files, definitions: 0, root, paths: [] };

  for (let f = 0; f < files; f++) {
    const p = Math.floor(f / filesPerPackage);
    const folder = `bench/j${pad(p, width)}/v1`;
    if (!allocators.has(folder)) allocators.set(folder, nameAllocator(rng));
    const names = allocators.get(folder);
    const title = names();
    const fileName = `${snakeCase(title)}.schema.json`;
    const defs = [];
    for (let d = 0; d < defsPerFile; d++) {
      const kind = DEF_KINDS[d % DEF_KINDS.length];
      const base = names();
      defs.push({ name: kind === "enum" ? `${base}Status` : kind === "alias" ? `${base}Slug` : base, kind });
    }
    const entry = { folder, fileName, title, defs };

    /** A `$ref` to an object type of an earlier file (its title type or one of its object $defs). */
    const externalRef = () => {
      const other = index[rng.int(f)];
      const prefix = other.folder === folder ? "./" : `${posix.relative(folder, other.folder)}/`;
      const objects = other.defs.filter((d) => d.kind === "object");
      if (objects.length === 0 || rng.chance(0.3))
        return { ref: `${prefix}${other.fileName}`, name: other.title };
      const target = rng.pick(objects).name;
      return { ref: `${prefix}${other.fileName}#/$defs/${target}`, name: target };
    };
    /** A `$ref` to a def of this file declared before position `before`, of the given kind. */
    const localRef = (before, kind) => {
      const candidates = defs.slice(0, before).filter((d) => d.kind === kind);
      return candidates.length > 0 ? `#/$defs/${rng.pick(candidates).name}` : undefined;
    };

    const objectSchema = (name, position) => {
      const properties = {
        id: { description: `Identifier of the ${name}.`, type: "string", format: "uuid" },
      };
      const required = ["id"];
      for (const [prop, schema, description] of rng.sample(PROPERTIES, rng.between(5, 10))) {
        properties[prop] = { description, ...structuredClone(schema) };
        if (rng.chance(0.4) && schema.type !== "object" && !Array.isArray(schema.type)) required.push(prop);
      }
      const status = localRef(position, "enum");
      if (status) {
        properties.status = { description: "Lifecycle state.", $ref: status };
        required.push("status");
      }
      const alias = localRef(position, "alias");
      if (alias) properties.slug = { description: "URL-safe name.", $ref: alias };
      const local = localRef(position, "object");
      if (local && rng.chance(0.7)) {
        const target = local.slice(local.lastIndexOf("/") + 1);
        if (rng.chance(0.5)) {
          properties[camelCase(plural(target))] = {
            description: `Related ${target} records.`,
            type: "array",
            items: { $ref: local },
            maxItems: 100,
          };
        } else {
          properties[camelCase(target)] = { description: `The related ${target}.`, $ref: local };
        }
      }
      if (f > 0 && rng.chance(0.6)) {
        const { ref, name: target } = externalRef();
        const prop = camelCase(target);
        if (rng.chance(0.3)) {
          properties[`${prop}ById`] = {
            description: `${target} records by identifier (a map via additionalProperties).`,
            type: "object",
            additionalProperties: { $ref: ref },
          };
        } else {
          properties[prop] = { description: `Reference to another file's ${target}.`, $ref: ref };
        }
      }
      return {
        description: `${name} is a synthetic record type.`,
        type: "object",
        properties,
        required: [...new Set(required)],
        additionalProperties: false,
      };
    };

    const $defs = {};
    defs.forEach((def, position) => {
      if (def.kind === "enum") {
        $defs[def.name] = {
          description: `State of a ${def.name}.`,
          type: "string",
          enum: rng.sample(ENUM_WORDS, rng.between(3, 6)),
        };
      } else if (def.kind === "alias") {
        $defs[def.name] = {
          description: `A URL-safe ${def.name} name.`,
          type: "string",
          pattern: "^[a-z0-9][a-z0-9-]{1,62}$",
          minLength: 2,
          maxLength: 63,
        };
      } else {
        $defs[def.name] = objectSchema(def.name, position);
      }
    });

    const rootSchema = objectSchema(title, defs.length);
    const document = {
      $schema: SCHEMA,
      title,
      ...rootSchema,
      $defs,
    };
    const path = `${folder}/${fileName}`;
    writeFile(join(root, path), `${JSON.stringify(document, null, 2)}\n`);
    index.push(entry);
    totals.definitions += 1 + defsPerFile;
    totals.paths.push(path);
  }
  return totals;
}
