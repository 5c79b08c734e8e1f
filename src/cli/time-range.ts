/**
 * `--start`/`--end`/`--now` parsing: ISO times, epoch milliseconds, or times
 * relative to now such as `-24h`, `-30m`, `-7d`, `now`.
 *
 * @module
 */
import { UsageError } from './errors.js';

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * Parses one time option into epoch ms. `now` is the reference for relative
 * times (`-24h` is 24 hours before `now`; `+1h` after it).
 *
 * @throws {UsageError} `bad_time` when the text is not a time.
 * @example
 * ```ts
 * parseTime('-1h', Date.UTC(2024, 0, 1, 12), '--start') //=> Date.UTC(2024, 0, 1, 11)
 * parseTime('2024-01-01T00:00:00Z', 0, '--start') //=> 1704067200000
 * ```
 */
export function parseTime(text: string, now: number, option: string): number {
  const t = text.trim();
  if (t === 'now') return now;
  const sign = t.startsWith('-') ? -1 : t.startsWith('+') ? 1 : 0;
  if (sign !== 0) {
    const body = t.slice(1);
    let i = 0;
    while (i < body.length && isDigits(body.charAt(i))) i++;
    const amount = body.slice(0, i);
    const unit = body.slice(i);
    if (isDigits(amount) && Object.hasOwn(UNITS, unit))
      return now + sign * Number(amount) * (UNITS[unit] ?? 0);
  } else if (isDigits(t)) {
    return Number(t);
  } else if (t.length >= 10 && isDigits(t.slice(0, 4)) && t.charAt(4) === '-') {
    // A date without a zone is read as UTC, like every time kubetrail prints.
    const hasZone = t.endsWith('Z') || /[+-]\d\d:?\d\d$/.test(t);
    const iso = t.length === 10 || hasZone ? t : `${t}Z`;
    const ms = Date.parse(iso.replace(' ', 'T'));
    if (!Number.isNaN(ms)) return ms;
  }
  throw new UsageError(
    'bad_time',
    `${option}: cannot read '${t}' as a time; use an ISO time (2024-05-01T10:00:00Z), epoch milliseconds, or a relative time such as -24h, -30m, -7d`,
  );
}
