import type { LoweredJsonSchema } from "../../load/jsonschema.js";
import type { Idempotency } from "../../model/types.js";
import type { JsonSchemaRuleId } from "../rules.js";

/** A change to a service manifest (direction-independent). */
export interface ManifestChange {
  readonly rule: JsonSchemaRuleId;
  readonly message: string;
  readonly file: string;
  readonly pointer: string;
}

const STRENGTH: Record<Idempotency, number> = { unknown: 0, idempotent: 1, no_side_effects: 2 };

/** Services and methods removed, request/response schemas swapped, idempotency changed. */
export function compareManifests(oldSet: LoweredJsonSchema, newSet: LoweredJsonSchema): ManifestChange[] {
  const out: ManifestChange[] = [];
  const next = new Map(newSet.services.map((s) => [s.fullName, s]));
  for (const service of oldSet.services) {
    const now = next.get(service.fullName);
    if (!now) {
      out.push({
        rule: "SERVICE_REMOVED",
        message: `service ${service.fullName} was removed`,
        file: service.location.file,
        pointer: "",
      });
      continue;
    }
    const methods = new Map(now.methods.map((m) => [m.name, m]));
    for (const method of service.methods) {
      const m = methods.get(method.name);
      const where = `${service.fullName}.${method.name}`;
      if (!m) {
        out.push({
          rule: "METHOD_REMOVED",
          message: `method ${where} was removed`,
          file: now.location.file,
          pointer: "/methods",
        });
        continue;
      }
      const pointer = m.location.pointer ?? "";
      if (m.input !== method.input)
        out.push({
          rule: "METHOD_REQUEST_CHANGED",
          message: `method ${where} now takes ${m.input} instead of ${method.input}`,
          file: m.location.file,
          pointer: `${pointer}/request`,
        });
      if (m.output !== method.output)
        out.push({
          rule: "METHOD_RESPONSE_CHANGED",
          message: `method ${where} now returns ${m.output} instead of ${method.output}`,
          file: m.location.file,
          pointer: `${pointer}/response`,
        });
      if (m.idempotency !== method.idempotency) {
        const weaker = STRENGTH[m.idempotency] < STRENGTH[method.idempotency];
        out.push({
          rule: weaker ? "IDEMPOTENCY_WEAKENED" : "IDEMPOTENCY_STRENGTHENED",
          message: `idempotency of ${where} changed from ${method.idempotency} to ${m.idempotency}`,
          file: m.location.file,
          pointer: `${pointer}/idempotency`,
        });
      }
    }
  }
  return out;
}
