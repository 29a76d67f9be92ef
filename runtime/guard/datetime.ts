/**
 * PHP's DateTime serialized by json_encode: `{"date":"2026-11-22 10:00:00.000000","timezone_type":3,
 * "timezone":"Europe/Berlin"}`. Converted to the RFC 3339 string a correct encoder sends, in UTC (what
 * ProtoJSON timestamps use and any RFC 3339 reader accepts): seconds, then 3 or 6 fraction digits when
 * the microseconds are not zero, then `Z`.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6})$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;
const UTC_NAMES = new Set(["UTC", "Z", "GMT", "Etc/UTC", "Etc/GMT", "Universal", "Zulu"]);

/** Whether `v` has exactly the three keys of a serialized PHP DateTime. */
export function isPhpDateTime(v: object): v is { date: unknown; timezone_type: unknown; timezone: unknown } {
  const keys = Object.keys(v);
  return keys.length === 3 && "date" in v && "timezone_type" in v && "timezone" in v;
}

/**
 * The UTC RFC 3339 string of a serialized PHP DateTime, or undefined when it cannot be converted without
 * guessing (an abbreviation like `CEST`, an unknown zone, a wall time that falls in a DST gap or overlap).
 */
export function phpDateTimeToRfc3339(v: {
  date: unknown;
  timezone_type: unknown;
  timezone: unknown;
}): string | undefined {
  if (typeof v.date !== "string" || typeof v.timezone !== "string") return undefined;
  const m = DATE.exec(v.date);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, us] = m.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(wall).getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMs: number | undefined;
  const zone = v.timezone;
  if (v.timezone_type === 1) {
    const o = OFFSET.exec(zone);
    if (!o) return undefined;
    offsetMs = (o[1] === "-" ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3])) * 60_000;
  } else if (v.timezone_type === 2 || v.timezone_type === 3) {
    if (UTC_NAMES.has(zone)) offsetMs = 0;
    else if (v.timezone_type === 3) offsetMs = uniqueOffset(zone, wall);
  }
  if (offsetMs === undefined) return undefined;
  const utc = new Date(wall - offsetMs);
  const base = utc.toISOString().slice(0, 19);
  const micros = us;
  if (micros === 0) return `${base}Z`;
  if (micros % 1000 === 0) return `${base}.${String(micros / 1000).padStart(3, "0")}Z`;
  return `${base}.${String(micros).padStart(6, "0")}Z`;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function offsetAt(zone: string, utcMs: number): number | undefined {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  if (f === null) return undefined;
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(utcMs)) if (part.type !== "literal") p[part.type] = Number(part.value);
  const local = Date.UTC(
    p["year"] ?? 0,
    (p["month"] ?? 1) - 1,
    p["day"] ?? 1,
    p["hour"] ?? 0,
    p["minute"] ?? 0,
    p["second"] ?? 0,
  );
  return local - (utcMs - (utcMs % 1000));
}

/** The one offset at which wall time `wall` exists in `zone`; undefined in a gap, an overlap or an unknown zone. */
function uniqueOffset(zone: string, wall: number): number | undefined {
  const candidates = new Set<number>();
  for (const probe of [wall - 86_400_000, wall, wall + 86_400_000]) {
    const o = offsetAt(zone, probe);
    if (o === undefined) return undefined;
    candidates.add(o);
  }
  const valid = [...candidates].filter((o) => offsetAt(zone, wall - o) === o);
  return valid.length === 1 ? valid[0] : undefined;
}
