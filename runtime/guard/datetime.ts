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

const PROTO_TIMESTAMP =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,9})?(?:Z|([+-])([0-9]{2}):([0-9]{2}))$/;
const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether `s` is a google.protobuf.Timestamp as ProtoJSON reads it (the same rule as the PHP runtime's
 * `Timestamp::read`): RFC 3339 with upper-case `T` and `Z`, an offset ±HH:MM up to ±23:59, hours
 * 00-23, minutes and seconds 00-59 (no leap second), a day that exists in its month and year, up to 9
 * fraction digits, and an instant from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z once
 * the offset is applied. protobuf-es alone would roll `2023-02-29` over to March 1st and `24:00` to the
 * next day.
 */
export function isProtoTimestamp(s: string): boolean {
  const m = PROTO_TIMESTAMP.exec(s);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (MONTH_DAYS[month] as number))) return false;
  if (m[7] === undefined) return true;
  const offsetHours = Number(m[8]);
  const offsetMinutes = Number(m[9]);
  if (offsetHours > 23 || offsetMinutes > 59) return false;
  // Only the first and the last day of the range can leave it by their offset.
  const offset = (offsetHours * 60 + offsetMinutes) * 60;
  const timeOfDay = hour * 3600 + minute * 60 + second;
  if (year === 1 && month === 1 && day === 1 && m[7] === "+") return timeOfDay >= offset;
  if (year === 9999 && month === 12 && day === 31 && m[7] === "-") return timeOfDay + offset < 86400;
  return true;
}
