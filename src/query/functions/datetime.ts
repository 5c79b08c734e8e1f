/**
 * Datetime functions, period arithmetic and the date pattern parsers.
 *
 * Decisions:
 * - Periods are capped as the service documents: more than 1000 `ms`
 *   becomes 1000, more than 60 `s` or `m` becomes 60, more than 24 `h`
 *   becomes 24 (`bin(300s)` buckets by 60 s). The cap applies to `bin`,
 *   `datefloor` and `dateceil` alike.
 * - All bucketing is in UTC. `ms`, `s`, `m`, `h` and `d` buckets are aligned
 *   to the Unix epoch (so `1d` starts at midnight UTC); `w` buckets start on
 *   Monday 00:00 UTC (ISO weeks; multi-week buckets count from Monday
 *   1969-12-29); `mo`, `q` and `y` are calendar months, quarters and years
 *   (multi-unit buckets count from year 0: `2y` starts on even years).
 * - `dateceil` of an instant already on a boundary is that instant.
 * - Timestamps may be given as a timestamp, epoch ms (number or numeric
 *   string), or an ISO-8601 string.
 *
 * @module
 */
import { formatNumber } from '../semantics/format.js';
import type { Period, PeriodUnit, Value } from '../value.js';
import { argEpochMs, argNumber, argPeriod, argString } from './args.js';
import type { Arg, ScalarFunctionDef } from './types.js';

const FIXED_UNIT_MS: Readonly<Record<'ms' | 's' | 'm' | 'h' | 'd' | 'w', number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const CAPS: Partial<Readonly<Record<PeriodUnit, number>>> = { ms: 1000, s: 60, m: 60, h: 24 };

/** Monday 1969-12-29 00:00 UTC, the anchor of week buckets. */
const WEEK_ANCHOR = -3 * 86_400_000;

const MAX_DATE_MS = 8.64e15;

/**
 * Applies the service's period caps (`ms` ≤ 1000, `s`/`m` ≤ 60, `h` ≤ 24).
 * Calendar units (`mo`, `q`, `y`) use whole numbers (at least 1).
 *
 * @example
 * ```ts
 * capPeriod({ kind: 'Period', amount: 300, unit: 's' }).amount //=> 60
 * ```
 */
export function capPeriod(period: Period): Period {
  const cap = CAPS[period.unit];
  let amount = period.amount;
  if (cap !== undefined && amount > cap) amount = cap;
  if (period.unit === 'mo' || period.unit === 'q' || period.unit === 'y')
    amount = Math.max(1, Math.trunc(amount));
  return amount === period.amount ? period : { kind: 'Period', amount, unit: period.unit };
}

/**
 * Why a period is unusable, or `undefined` when it is fine (positive and finite).
 *
 * @example
 * ```ts
 * checkPeriod({ kind: 'Period', amount: 0, unit: 'm' }) //=> 'a period must be a positive number'
 * ```
 */
export function checkPeriod(period: Period): string | undefined {
  if (!Number.isFinite(period.amount) || period.amount <= 0) return 'a period must be a positive number';
  // Longer than the whole range of timestamps (±8.64e15 ms, about 273,790 years), a period puts every time in one bin.
  const p = capPeriod(period);
  const ms =
    p.unit === 'mo' || p.unit === 'q' || p.unit === 'y'
      ? p.amount * monthsPer(p.unit) * AVERAGE_MONTH_MS
      : p.amount * FIXED_UNIT_MS[p.unit];
  if (!(ms <= MAX_PERIOD_MS)) {
    return `a period can be at most the range of timestamps (about 273,790 years: ${MAX_PERIOD_MS} ms), not ${period.amount}${period.unit}`;
  }
  return undefined;
}

/**
 * The length in ms of a fixed-length period (`ms` … `w`), as written (no cap);
 * `undefined` for calendar units (`mo`, `q`, `y`, whose length varies) and
 * for periods that {@link checkPeriod} rejects. Used for the `offset` of a
 * stats bin and the interval of `rate`.
 *
 * @example
 * ```ts
 * fixedPeriodMs({ kind: 'Period', amount: 1, unit: 'h' }) //=> 3600000
 * fixedPeriodMs({ kind: 'Period', amount: 1, unit: 'mo' }) //=> undefined
 * ```
 */
export function fixedPeriodMs(period: Period): number | undefined {
  if (period.unit === 'mo' || period.unit === 'q' || period.unit === 'y') return undefined;
  if (!Number.isFinite(period.amount) || period.amount <= 0) return undefined;
  const ms = period.amount * FIXED_UNIT_MS[period.unit];
  return ms <= MAX_PERIOD_MS ? ms : undefined;
}

/**
 * Checks a constant fixed-length period argument (`offset 1h`, `rate(x, 5m)`): an error message, or `undefined`.
 *
 * @example
 * ```ts
 * checkFixedPeriod({ kind: 'Period', amount: 1, unit: 'mo' }, 'an offset')
 * //=> 'an offset must be a fixed-length period (ms, s, m, h, d or w), not 1mo'
 * ```
 */
export function checkFixedPeriod(a: Arg | undefined, what: string): string | undefined {
  const p = argPeriod(a);
  if (p === undefined) return `${what} must be a time period such as 5m or 1h`;
  const bad = checkPeriod(p);
  if (bad !== undefined) return bad;
  if (fixedPeriodMs(p) === undefined)
    return `${what} must be a fixed-length period (ms, s, m, h, d or w), not ${p.amount}${p.unit}`;
  return undefined;
}

/** The longest period: the span of valid timestamps' magnitude, 8.64e15 ms. */
const MAX_PERIOD_MS = 8.64e15;
/** A Gregorian month on average (365.2425 days / 12), for the range check of calendar periods. */
const AVERAGE_MONTH_MS = 2_629_746_000;

function monthsPer(unit: 'mo' | 'q' | 'y'): number {
  return unit === 'mo' ? 1 : unit === 'q' ? 3 : 12;
}

function boundary(ms: number, period: Period, up: boolean): number | undefined {
  if (!Number.isFinite(ms) || checkPeriod(period) !== undefined) return undefined;
  const p = capPeriod(period);
  let out: number;
  if (p.unit === 'mo' || p.unit === 'q' || p.unit === 'y') {
    const d = new Date(ms);
    const index = d.getUTCFullYear() * 12 + d.getUTCMonth();
    const size = p.amount * monthsPer(p.unit);
    let start = Math.floor(index / size) * size;
    const startMs = Date.UTC(Math.floor(start / 12), ((start % 12) + 12) % 12, 1);
    if (up && startMs !== ms) start += size;
    out = Date.UTC(Math.floor(start / 12), ((start % 12) + 12) % 12, 1);
  } else {
    const size = p.amount * FIXED_UNIT_MS[p.unit];
    const anchor = p.unit === 'w' ? WEEK_ANCHOR : 0;
    const floor = Math.floor((ms - anchor) / size) * size + anchor;
    out = up && floor !== ms ? floor + size : floor;
  }
  return Math.abs(out) <= MAX_DATE_MS ? out : undefined;
}

/**
 * Floors epoch ms to the start of its period (after {@link capPeriod}), in UTC.
 * `bin(p)` is `floorTimestamp(@timestamp, p)`.
 *
 * @example
 * ```ts
 * floorTimestamp(Date.UTC(2024, 0, 1, 10, 7, 30), { kind: 'Period', amount: 5, unit: 'm' })
 * //=> Date.UTC(2024, 0, 1, 10, 5)
 * ```
 */
export function floorTimestamp(ms: number, period: Period): number | undefined {
  return boundary(ms, period, false);
}

/**
 * Rounds epoch ms up to the next period boundary (itself when on one), in UTC.
 *
 * @example
 * ```ts
 * ceilTimestamp(Date.UTC(2024, 0, 1, 10, 7), { kind: 'Period', amount: 1, unit: 'h' })
 * //=> Date.UTC(2024, 0, 1, 11)
 * ```
 */
export function ceilTimestamp(ms: number, period: Period): number | undefined {
  return boundary(ms, period, true);
}

function toDate(ms: number | undefined): Value {
  return ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS ? undefined : new Date(ms);
}

function validatePeriodAt(index: number): (constants: readonly Arg[]) => string | undefined {
  return (constants) => {
    const p = argPeriod(constants[index]);
    if (p === undefined) return 'expected a time period such as 5m or 1h';
    return checkPeriod(p);
  };
}

// ---------------------------------------------------------------------------
// Time zones

const FIXED_ZONE = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;
const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();

function zoneFormat(tz: string): Intl.DateTimeFormat | undefined {
  const cached = zoneFormats.get(tz);
  if (cached !== undefined) return cached ?? undefined;
  let f: Intl.DateTimeFormat | null;
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
  } catch {
    f = null;
  }
  if (zoneFormats.size >= 64) zoneFormats.clear();
  zoneFormats.set(tz, f);
  return f ?? undefined;
}

/**
 * Offset of a time zone from UTC in minutes at an instant: `UTC`, `Z`,
 * fixed offsets (`+05:30`, `-0800`, `GMT+2`) and IANA names
 * (`America/New_York`). `undefined` for an unknown zone.
 *
 * @example
 * ```ts
 * zoneOffsetMinutes('+05:30', 0) //=> 330
 * ```
 */
export function zoneOffsetMinutes(tz: string, ms: number): number | undefined {
  const t = tz.trim();
  if (/^(?:UTC|GMT|Z)$/i.test(t)) return 0;
  const m = FIXED_ZONE.exec(t);
  if (m) {
    const hours = Number(m[2]);
    const minutes = Number(m[3] ?? 0);
    if (hours > 18 || minutes > 59) return undefined;
    return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  if (t.length > 64) return undefined;
  const f = zoneFormat(t);
  if (f === undefined || !Number.isFinite(ms)) return undefined;
  const parts: Record<string, string> = Object.create(null);
  for (const part of f.formatToParts(new Date(ms))) parts[part.type] = part.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const local = Date.UTC(
    year,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  return Math.round((local - whole) / 60_000);
}

/** Converts a local wall-clock time (as if UTC) in `tz` to epoch ms. */
function localToUtc(local: number, tz: string): number | undefined {
  const first = zoneOffsetMinutes(tz, local);
  if (first === undefined) return undefined;
  let guess = local - first * 60_000;
  const second = zoneOffsetMinutes(tz, guess);
  if (second !== undefined && second !== first) guess = local - second * 60_000;
  return guess;
}

// ---------------------------------------------------------------------------
// strftime

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function p2(n: number): string {
  return String(n).padStart(2, '0');
}

function offsetText(minutes: number, colon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${p2(Math.floor(a / 60))}${colon ? ':' : ''}${p2(a % 60)}`;
}

/**
 * Formats epoch ms with strftime directives in a time zone (default UTC).
 * Supported: `%a %A %b %B %h %C %d %e %D %F %H %I %j %k %l %m %M %n %p %R %s %S %t %T %u %w %y %Y %z %Z %L %f %%`
 * (`%L` milliseconds, `%f` microseconds). Unknown directives are kept as written.
 *
 * @example
 * ```ts
 * strftime(0, '%Y-%m-%dT%H:%M:%S', 'UTC') //=> '1970-01-01T00:00:00'
 * ```
 */
export function strftime(ms: number, format: string, tz = 'UTC'): string | undefined {
  const offset = zoneOffsetMinutes(tz, ms);
  if (offset === undefined || !Number.isFinite(ms)) return undefined;
  const d = new Date(ms + offset * 60_000);
  if (Number.isNaN(d.getTime())) return undefined;
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  const hour = d.getUTCHours();
  const dow = d.getUTCDay();
  const zoneName = /^(?:UTC|GMT|Z)$/i.test(tz.trim())
    ? 'UTC'
    : FIXED_ZONE.test(tz.trim())
      ? offsetText(offset, true)
      : tz;
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%' || i + 1 >= format.length) {
      out += c;
      continue;
    }
    const f = format[++i];
    switch (f) {
      case 'a':
        out += (DAY_NAMES[dow] ?? '').slice(0, 3);
        break;
      case 'A':
        out += DAY_NAMES[dow] ?? '';
        break;
      case 'b':
      case 'h':
        out += (MONTH_NAMES[month] ?? '').slice(0, 3);
        break;
      case 'B':
        out += MONTH_NAMES[month] ?? '';
        break;
      case 'C':
        out += p2(Math.floor(year / 100));
        break;
      case 'd':
        out += p2(day);
        break;
      case 'e':
        out += String(day).padStart(2, ' ');
        break;
      case 'D':
        out += `${p2(month + 1)}/${p2(day)}/${p2(((year % 100) + 100) % 100)}`;
        break;
      case 'F':
        out += `${String(year).padStart(4, '0')}-${p2(month + 1)}-${p2(day)}`;
        break;
      case 'H':
        out += p2(hour);
        break;
      case 'I':
        out += p2(hour % 12 === 0 ? 12 : hour % 12);
        break;
      case 'j': {
        const start = Date.UTC(year, 0, 1);
        const yday = Math.floor((Date.UTC(year, month, day) - start) / 86_400_000) + 1;
        out += String(yday).padStart(3, '0');
        break;
      }
      case 'k':
        out += String(hour).padStart(2, ' ');
        break;
      case 'l':
        out += String(hour % 12 === 0 ? 12 : hour % 12).padStart(2, ' ');
        break;
      case 'm':
        out += p2(month + 1);
        break;
      case 'M':
        out += p2(d.getUTCMinutes());
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'p':
        out += hour < 12 ? 'AM' : 'PM';
        break;
      case 'R':
        out += `${p2(hour)}:${p2(d.getUTCMinutes())}`;
        break;
      case 's':
        out += formatNumber(Math.floor(ms / 1000));
        break;
      case 'S':
        out += p2(d.getUTCSeconds());
        break;
      case 'T':
        out += `${p2(hour)}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
        break;
      case 'u':
        out += String(dow === 0 ? 7 : dow);
        break;
      case 'w':
        out += String(dow);
        break;
      case 'y':
        out += p2(((year % 100) + 100) % 100);
        break;
      case 'Y':
        out += String(year);
        break;
      case 'z':
        out += offsetText(offset, false);
        break;
      case 'Z':
        out += zoneName;
        break;
      case 'L':
        out += String(d.getUTCMilliseconds()).padStart(3, '0');
        break;
      case 'f':
        out += `${String(d.getUTCMilliseconds()).padStart(3, '0')}000`;
        break;
      case '%':
        out += '%';
        break;
      default:
        out += `%${f}`;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Java DateTimeFormatter subset

type DateToken =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly count: number };

const PATTERN_LETTERS = new Set([
  'y',
  'u',
  'M',
  'L',
  'd',
  'H',
  'h',
  'k',
  'K',
  'm',
  's',
  'S',
  'a',
  'E',
  'X',
  'x',
  'Z',
  'V',
  'z',
  'D',
]);

/** Thrown internally for a malformed pattern; reported as a message by `validate`. */
function tokenizeJavaPattern(pattern: string): DateToken[] | string {
  const tokens: DateToken[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] ?? '';
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        tokens.push({ kind: 'literal', text: "'" });
        i += 2;
        continue;
      }
      let text = '';
      i++;
      for (;;) {
        if (i >= pattern.length) return 'unterminated quote in date pattern';
        if (pattern[i] === "'") {
          if (pattern[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += pattern[i];
        i++;
      }
      tokens.push({ kind: 'literal', text });
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (!PATTERN_LETTERS.has(c)) return `unsupported date pattern letter '${c}'`;
      let j = i;
      while (pattern[j] === c) j++;
      tokens.push({ kind: 'field', letter: c, count: j - i });
      i = j;
      continue;
    }
    tokens.push({ kind: 'literal', text: c });
    i++;
  }
  return tokens;
}

const patternCache = new Map<string, DateToken[] | string>();

function compiledPattern(pattern: string): DateToken[] | string {
  const cached = patternCache.get(pattern);
  if (cached !== undefined) return cached;
  const t = pattern.length > 200 ? 'date pattern too long' : tokenizeJavaPattern(pattern);
  if (patternCache.size >= 64) patternCache.clear();
  patternCache.set(pattern, t);
  return t;
}

function matchName(
  s: string,
  pos: number,
  names: readonly string[],
  short: boolean,
): [number, number] | undefined {
  const lower = s.toLowerCase();
  for (let k = 0; k < names.length; k++) {
    const full = (names[k] ?? '').toLowerCase();
    const name = short ? full.slice(0, 3) : full;
    if (lower.startsWith(name, pos)) return [k, pos + name.length];
  }
  return undefined;
}

function readDigits(s: string, pos: number, min: number, max: number): [number, number] | undefined {
  let end = pos;
  while (end < s.length && end - pos < max && s.charCodeAt(end) >= 0x30 && s.charCodeAt(end) <= 0x39) end++;
  if (end - pos < min) return undefined;
  return [Number(s.slice(pos, end)), end];
}

function readOffset(s: string, pos: number, allowZ: boolean): [number, number] | undefined {
  if (allowZ && (s[pos] === 'Z' || s[pos] === 'z')) return [0, pos + 1];
  const sign = s[pos];
  if (sign !== '+' && sign !== '-') return undefined;
  const h = readDigits(s, pos + 1, 2, 2);
  if (!h) return undefined;
  let end = h[1];
  let minutes = 0;
  const colon = s[end] === ':' ? 1 : 0;
  const m = readDigits(s, end + colon, 2, 2);
  if (m) {
    minutes = m[0];
    end = m[1];
  }
  if (h[0] > 18 || minutes > 59) return undefined;
  return [(sign === '-' ? -1 : 1) * (h[0] * 60 + minutes), end];
}

/**
 * Parses a date with a Java `DateTimeFormatter` pattern, to epoch ms. Supported
 * letters: `y`/`u` (year; `yy` = 2000–2099), `M`/`L` (month: `M`, `MM`, `MMM`
 * short name, `MMMM` full name), `d`, `D` (day of year), `H`, `k`, `h`, `K`,
 * `a`, `m`, `s`, `S…` (fraction), `E` (day name, checked loosely and
 * ignored), `X`/`x`/`Z` (offsets), `V` (zone id), `z` (`UTC`, `GMT` or a zone id;
 * abbreviations such as `PST` are ambiguous and give no value); quoted text `'T'` and
 * other characters are literals. The whole input must match. Without a zone
 * in the input the `tz` argument (default UTC) applies; missing date parts
 * default to 1970-01-01 and missing time parts to 0.
 *
 * @example
 * ```ts
 * parseJavaDate('2024-01-02 03:04:05', 'yyyy-MM-dd HH:mm:ss') //=> 1704164645000
 * ```
 */
export function parseJavaDate(input: string, pattern: string, tz = 'UTC'): number | undefined {
  const tokens = compiledPattern(pattern);
  if (typeof tokens === 'string' || input.length > 200) return undefined;
  let pos = 0;
  let year = 1970;
  let month = 1;
  let day = 1;
  let dayOfYear: number | undefined;
  let hour = 0;
  let hour12: number | undefined;
  let pm: boolean | undefined;
  let minute = 0;
  let second = 0;
  let millis = 0;
  let offset: number | undefined;
  let zone: string | undefined;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t];
    if (token === undefined) break;
    if (token.kind === 'literal') {
      if (!input.startsWith(token.text, pos)) return undefined;
      pos += token.text.length;
      continue;
    }
    const next = tokens[t + 1];
    const adjacent = next !== undefined && next.kind === 'field' && 'yuMLdDHhkKmsS'.includes(next.letter);
    const n = token.count;
    const num = (min: number, max: number): number | undefined => {
      const r = readDigits(
        input,
        pos,
        n >= 2 || adjacent ? Math.max(min, n) : min,
        n >= 2 || adjacent ? Math.max(n, min) : max,
      );
      if (!r) return undefined;
      pos = r[1];
      return r[0];
    };
    switch (token.letter) {
      case 'y':
      case 'u': {
        if (n === 2) {
          const v = num(2, 2);
          if (v === undefined) return undefined;
          year = 2000 + v;
        } else {
          const r = readDigits(input, pos, n, n >= 4 && !adjacent ? 9 : n);
          if (!r) return undefined;
          pos = r[1];
          year = r[0];
        }
        break;
      }
      case 'M':
      case 'L': {
        if (n >= 3) {
          const r = matchName(input, pos, MONTH_NAMES, n === 3);
          if (!r) return undefined;
          month = r[0] + 1;
          pos = r[1];
        } else {
          const v = num(1, 2);
          if (v === undefined) return undefined;
          month = v;
        }
        break;
      }
      case 'd': {
        const v = num(1, 2);
        if (v === undefined) return undefined;
        day = v;
        break;
      }
      case 'D': {
        const v = num(1, 3);
        if (v === undefined) return undefined;
        dayOfYear = v;
        break;
      }
      case 'H':
      case 'k': {
        const v = num(1, 2);
        if (v === undefined) return undefined;
        hour = token.letter === 'k' && v === 24 ? 0 : v;
        break;
      }
      case 'h':
      case 'K': {
        const v = num(1, 2);
        if (v === undefined) return undefined;
        hour12 = token.letter === 'h' && v === 12 ? 0 : v;
        break;
      }
      case 'a': {
        const head = input.slice(pos, pos + 2).toUpperCase();
        if (head !== 'AM' && head !== 'PM') return undefined;
        pm = head === 'PM';
        pos += 2;
        break;
      }
      case 'm': {
        const v = num(1, 2);
        if (v === undefined) return undefined;
        minute = v;
        break;
      }
      case 's': {
        const v = num(1, 2);
        if (v === undefined) return undefined;
        second = v;
        break;
      }
      case 'S': {
        const r = readDigits(input, pos, n, n);
        if (!r) return undefined;
        millis = Math.floor(Number(`0.${input.slice(pos, r[1])}`) * 1000 + 1e-6);
        pos = r[1];
        break;
      }
      case 'E': {
        const r = matchName(input, pos, DAY_NAMES, n <= 3);
        if (!r) return undefined;
        pos = r[1];
        break;
      }
      case 'X':
      case 'x':
      case 'Z': {
        const r = readOffset(input, pos, token.letter === 'X' || (token.letter === 'Z' && n >= 4));
        if (!r) return undefined;
        offset = r[0];
        pos = r[1];
        break;
      }
      case 'z': {
        // Zone names: UTC/GMT/Z, or a zone id such as Europe/Paris. Abbreviations like PST are ambiguous: no value.
        let end = pos;
        while (end < input.length && /[A-Za-z0-9_/+-]/.test(input[end] ?? '')) end++;
        const name = input.slice(pos, end);
        if (/^(?:UTC|GMT|Z)$/i.test(name)) offset = 0;
        else if (name.includes('/') && zoneOffsetMinutes(name, 0) !== undefined) zone = name;
        else return undefined;
        pos = end;
        break;
      }
      case 'V': {
        let end = pos;
        while (end < input.length && /[A-Za-z0-9_/+-]/.test(input[end] ?? '')) end++;
        if (end === pos) return undefined;
        zone = input.slice(pos, end);
        pos = end;
        break;
      }
      default:
        return undefined;
    }
  }
  if (pos !== input.length) return undefined;
  if (hour12 !== undefined) hour = hour12 + (pm ? 12 : 0);
  else if (pm !== undefined && hour < 12 && pm) hour += 12;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    return undefined;
  let local: number;
  if (dayOfYear !== undefined) {
    if (dayOfYear < 1 || dayOfYear > 366) return undefined;
    local = Date.UTC(year, 0, dayOfYear, hour, minute, second, millis);
  } else {
    local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
    if (new Date(local).getUTCDate() !== day) return undefined;
  }
  if (year < 100) local = shiftYear(local, year);
  if (offset !== undefined) return local - offset * 60_000;
  return localToUtc(local, zone ?? tz);
}

/** `Date.UTC` maps years 0–99 to 1900–1999; put them back. */
function shiftYear(ms: number, year: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(year);
  return d.getTime();
}

function validateJavaPattern(constants: readonly Arg[]): string | undefined {
  const p = argString(constants[1]);
  if (p === undefined) return 'parseDate: the pattern must be a string';
  const t = compiledPattern(p);
  return typeof t === 'string' ? `parseDate: ${t}` : undefined;
}

function formatDateDef(name: string): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name,
    signature: `${name}(timestamp, strftimeFormat [, timeZone])`,
    family: 'datetime',
    returns: 'string',
    minArgs: 2,
    maxArgs: 3,
    summary: `${name}(timestamp, format [, timeZone]): formats with strftime directives (%Y %m %d %H %M %S %L %z %Z …) in a time zone (UTC by default; IANA names and offsets accepted).`,
    example: `${name}(fromMillis(0), "%Y-%m-%d %H:%M") => "1970-01-01 00:00"`,
    call: (args) => {
      const ms = argEpochMs(args[0]);
      const format = argString(args[1]);
      const tz = args.length > 2 ? argString(args[2]) : 'UTC';
      if (ms === undefined || format === undefined || tz === undefined) return undefined;
      return strftime(ms, format, tz);
    },
  };
}

/**
 * The datetime functions.
 *
 * @example
 * ```ts
 * DATETIME_FUNCTIONS.map((f) => f.name).includes('datefloor') //=> true
 * ```
 */
export const DATETIME_FUNCTIONS: readonly ScalarFunctionDef[] = [
  {
    kind: 'scalar',
    name: 'bin',
    signature: 'bin(period) [offset duration]',
    family: 'datetime',
    returns: 'timestamp',
    minArgs: 1,
    maxArgs: 2,
    constantArgs: [0, 1],
    implicitTimestamp: true,
    validate: (constants) =>
      validatePeriodAt(0)(constants) ??
      (constants.length > 1 ? checkFixedPeriod(constants[1], 'the offset of bin') : undefined),
    summary:
      "bin(period): the row's @timestamp floored to the period (capped: ms ≤ 1000, s/m ≤ 60, h ≤ 24; so bin(300s) buckets by 60 s). In a stats group, `bin(5m) offset 1h` adds the offset to every bin (the bin of 09:07 is labelled 10:05): the time-series functions' shift for comparing with an earlier period; bin(5m, 1h) is the same call.",
    example: 'bin(5m) => 2024-01-01 10:05:00.000 (for @timestamp 10:07:30)',
    call: (args) => {
      const p = argPeriod(args[0]);
      // with an offset the user's arguments are [period, offset], then the implicit @timestamp
      const ms = argEpochMs(args[args.length - 1]);
      const shift = args.length > 2 ? argPeriod(args[1]) : undefined;
      const floor = p === undefined || ms === undefined ? undefined : floorTimestamp(ms, p);
      if (floor === undefined) return undefined;
      if (shift === undefined) return toDate(floor);
      const offset = fixedPeriodMs(shift);
      return offset === undefined ? undefined : toDate(floor + offset);
    },
  },
  {
    kind: 'scalar',
    name: 'datefloor',
    signature: 'datefloor(timestamp, period)',
    family: 'datetime',
    returns: 'timestamp',
    minArgs: 2,
    maxArgs: 2,
    constantArgs: [1],
    validate: validatePeriodAt(1),
    summary: 'datefloor(timestamp, period): rounds down to the start of the period (UTC, capped like bin).',
    example: 'datefloor(@timestamp, 1h) => 2024-01-01 10:00:00.000 (for 10:07:30)',
    call: (args) => {
      const ms = argEpochMs(args[0]);
      const p = argPeriod(args[1]);
      return p === undefined || ms === undefined ? undefined : toDate(floorTimestamp(ms, p));
    },
  },
  {
    kind: 'scalar',
    name: 'dateceil',
    signature: 'dateceil(timestamp, period)',
    family: 'datetime',
    returns: 'timestamp',
    minArgs: 2,
    maxArgs: 2,
    constantArgs: [1],
    validate: validatePeriodAt(1),
    summary: 'dateceil(timestamp, period): rounds up to the next period boundary (itself when on one).',
    example: 'dateceil(@timestamp, 1h) => 2024-01-01 11:00:00.000 (for 10:07:30)',
    call: (args) => {
      const ms = argEpochMs(args[0]);
      const p = argPeriod(args[1]);
      return p === undefined || ms === undefined ? undefined : toDate(ceilTimestamp(ms, p));
    },
  },
  {
    kind: 'scalar',
    name: 'fromMillis',
    signature: 'fromMillis(ms)',
    family: 'datetime',
    returns: 'timestamp',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Epoch milliseconds to a timestamp.',
    example: 'fromMillis(1628061726518) => 2021-08-04 07:22:06.518',
    call: (args) => {
      const n = argNumber(args[0]);
      return n === undefined ? undefined : toDate(Math.trunc(n));
    },
  },
  {
    kind: 'scalar',
    name: 'toMillis',
    signature: 'toMillis(timestamp)',
    family: 'datetime',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary: 'A timestamp (or ISO-8601 string) to epoch milliseconds.',
    example: 'toMillis(@timestamp) => 1628061726518',
    call: (args) => argEpochMs(args[0]),
  },
  {
    kind: 'scalar',
    name: 'now',
    signature: 'now()',
    family: 'datetime',
    returns: 'number',
    minArgs: 0,
    maxArgs: 0,
    summary:
      'When the query started, in epoch SECONDS (the query option `now`, not the wall clock at each row).',
    example: 'now() => 1704067200',
    call: (_args, ctx) => Math.floor(ctx.now / 1000),
  },
  {
    kind: 'scalar',
    name: 'parseDate',
    signature: 'parseDate(s, javaPattern [, timeZone])',
    family: 'datetime',
    returns: 'number',
    minArgs: 2,
    maxArgs: 3,
    constantArgs: [1],
    validate: validateJavaPattern,
    summary:
      'parseDate(s, javaPattern [, timeZone]): parses with a Java DateTimeFormatter pattern (subset: y u M L d D H k h K a m s S E X x Z V z and quoted literals) to epoch ms; no value when the text does not match.',
    example: 'parseDate("2024-01-02 03:04:05", "yyyy-MM-dd HH:mm:ss") => 1704164645000',
    call: (args) => {
      const s = argString(args[0]);
      const p = argString(args[1]);
      const tz = args.length > 2 ? argString(args[2]) : 'UTC';
      if (s === undefined || p === undefined || tz === undefined) return undefined;
      return parseJavaDate(s, p, tz);
    },
  },
  formatDateDef('formatDate'),
  formatDateDef('strftime'),
];
