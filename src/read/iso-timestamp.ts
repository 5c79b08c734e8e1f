/**
 * A small, allocation-free ISO-8601 / RFC 3339 timestamp parser for the
 * per-record path (date-fns `parseISO` costs as much as parsing the record).
 *
 * @module
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function two(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Parses an ISO-8601 timestamp to epoch milliseconds, or returns `NaN`.
 *
 * Accepts `YYYY-MM-DD`, and `YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][Z|±HH:MM|±HHMM|±HH]`
 * with 0–9 fractional digits (truncated to milliseconds). A time without a
 * zone is taken as UTC (CloudWatch and Logs Insights print UTC without a
 * zone). Out-of-range fields (month 13, 31 April, minute 60) give `NaN`.
 *
 * @example
 * ```ts
 * parseIsoTimestamp('2023-08-19T13:30:53.957200Z') //=> 1692451853957
 * parseIsoTimestamp('2023-07-31 01:58:12.101')      //=> 1690768692101
 * parseIsoTimestamp('not a time')                   //=> NaN
 * ```
 */
export function parseIsoTimestamp(s: string): number {
  const n = s.length;
  if (n < 10) return Number.NaN;
  const y0 = digit(s, 0);
  const y1 = digit(s, 1);
  const y2 = digit(s, 2);
  const y3 = digit(s, 3);
  if (y0 < 0 || y1 < 0 || y2 < 0 || y3 < 0 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) {
    return Number.NaN;
  }
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = two(s, 5);
  const day = two(s, 8);
  if (month < 1 || month > 12 || day < 1) return Number.NaN;
  const dim = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day > dim) return Number.NaN;
  const days = daysFromCivil(year, month, day);
  if (n === 10) return days * 86_400_000;
  const sep = s.charCodeAt(10);
  if ((sep !== 84 && sep !== 32 && sep !== 116) || n < 16) return Number.NaN; // 'T', ' ', 't'
  const hour = two(s, 11);
  const minute = two(s, 14);
  if (hour < 0 || hour > 23 || s.charCodeAt(13) !== 58 || minute < 0 || minute > 59) return Number.NaN;
  let i = 16;
  let second = 0;
  let ms = 0;
  if (i < n && s.charCodeAt(i) === 58) {
    second = two(s, i + 1);
    if (second < 0 || second > 59) return Number.NaN;
    i += 3;
    if (i < n && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
      i++;
      let digits = 0;
      while (i < n) {
        const d = digit(s, i);
        if (d < 0) break;
        if (digits < 3) ms = ms * 10 + d;
        digits++;
        i++;
      }
      if (digits === 0 || digits > 9) return Number.NaN;
      if (digits === 1) ms *= 100;
      else if (digits === 2) ms *= 10;
    }
  }
  let offsetMinutes = 0;
  if (i < n) {
    const z = s.charCodeAt(i);
    if (z === 90 || z === 122) {
      i++;
    } else if (z === 43 || z === 45) {
      const oh = two(s, i + 1);
      if (oh < 0 || oh > 23) return Number.NaN;
      i += 3;
      let om = 0;
      if (i < n) {
        if (s.charCodeAt(i) === 58) i++;
        om = two(s, i);
        if (om < 0 || om > 59) return Number.NaN;
        i += 2;
      }
      offsetMinutes = (oh * 60 + om) * (z === 45 ? -1 : 1);
    } else {
      return Number.NaN;
    }
  }
  if (i !== n) return Number.NaN;
  return days * 86_400_000 + hour * 3_600_000 + (minute - offsetMinutes) * 60_000 + second * 1000 + ms;
}

/**
 * Reads a time value found in a record: an ISO string, epoch milliseconds, or
 * (when `seconds` is set, as `aws` CLI v1 prints `EventTime`) epoch seconds.
 * Returns `NaN` when the value is not a usable time.
 *
 * @example
 * ```ts
 * timeValueToMs('2024-01-01T00:00:00Z') //=> 1704067200000
 * timeValueToMs(1571956406.0, true)     //=> 1571956406000
 * ```
 */
export function timeValueToMs(value: unknown, seconds = false): number {
  if (typeof value === 'string') {
    const t = parseIsoTimestamp(value);
    if (!Number.isNaN(t)) return t;
    if (seconds && /^\d{9,11}(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
    return Number.NaN;
  }
  if (typeof value === 'number' && Number.isFinite(value))
    return validTime(seconds ? Math.round(value * 1000) : value);
  return Number.NaN;
}

/** Largest distance from the epoch a JavaScript `Date` can hold, in milliseconds (±273,790 years). */
export const MAX_TIME_MS = 8.64e15;

/**
 * The time itself when a `Date` can hold it, else `NaN`.
 *
 * @example
 * ```ts
 * validTime(1704067200000) //=> 1704067200000
 * validTime(1e20)          //=> NaN
 * ```
 */
export function validTime(ms: number): number {
  return ms >= -MAX_TIME_MS && ms <= MAX_TIME_MS ? ms : Number.NaN;
}
