/**
 * The Logs Insights console's picture in a terminal: one bar per time bin,
 * with the number next to each bar.
 *
 * @module
 */
import { formatInsightsTime, valueToText } from '../format-value.js';
import { escapeControl, truncateText } from '../sanitize.js';
import { cell, type RowSet } from './types.js';

/** One bar: the bin's start, an optional series label, the value. */
export interface HistogramBar {
  readonly start: number;
  readonly label?: string;
  readonly value: number;
}

/** A histogram ready to draw. */
export interface Histogram {
  /** What the bars measure, e.g. `count(*)`. */
  readonly measure: string;
  /** The bin width in ms, when known or inferred. */
  readonly periodMs?: number;
  readonly bars: readonly HistogramBar[];
}

const MAX_FILLED_BINS = 2000;
const BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'] as const;

/**
 * Finds a time-bin column and a numeric measure in stats results: the column
 * named `bin(...)` (or, when `anyDateColumn` is set, any column whose values
 * are all timestamps) and the first numeric column. Other columns become the
 * series label. Returns `undefined` when the rows do not have that shape.
 *
 * @example
 * ```ts
 * histogramFromRows({ fields: ['bin(1h)', 'count(*)'], rows: [{ 'bin(1h)': new Date(0), 'count(*)': 3 }] })
 * //=> { measure: 'count(*)', periodMs: 3600000, bars: [{ start: 0, value: 3 }] }
 * ```
 */
export function histogramFromRows(data: RowSet, anyDateColumn = false): Histogram | undefined {
  const isDateColumn = (f: string): boolean =>
    data.rows.length > 0 &&
    data.rows.every((r) => {
      const v = cell(r, f);
      return v === undefined || v instanceof Date;
    });
  const binField =
    data.fields.find((f) => f.startsWith('bin(') && isDateColumn(f)) ??
    (anyDateColumn ? data.fields.find((f) => isDateColumn(f)) : undefined);
  if (binField === undefined) return undefined;
  const measure = data.fields.find(
    (f) => f !== binField && data.rows.some((r) => typeof cell(r, f) === 'number'),
  );
  if (measure === undefined) return undefined;
  const others = data.fields.filter((f) => f !== binField && f !== measure);
  const bars: HistogramBar[] = [];
  for (const row of data.rows) {
    const start = cell(row, binField);
    const value = cell(row, measure);
    if (!(start instanceof Date) || typeof value !== 'number') continue;
    const label = others.map((f) => valueToText(cell(row, f))).join(' ');
    bars.push(
      others.length > 0 ? { start: start.getTime(), label, value } : { start: start.getTime(), value },
    );
  }
  const periodMs = parseBinPeriod(binField) ?? inferPeriod(bars);
  return periodMs === undefined ? { measure, bars } : { measure, periodMs, bars };
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
};

/** Reads the period out of a column name such as `bin(5m)`; months and years are not fixed-width. */
export function parseBinPeriod(field: string): number | undefined {
  if (!field.startsWith('bin(') || !field.endsWith(')')) return undefined;
  const inner = field.slice(4, -1).trim();
  let i = 0;
  while (i < inner.length && inner.charCodeAt(i) >= 0x30 && inner.charCodeAt(i) <= 0x39) i++;
  if (i === 0) return undefined;
  const amount = Number(inner.slice(0, i));
  const unit = inner.slice(i).trim().toLowerCase();
  const ms = Object.hasOwn(UNIT_MS, unit) ? UNIT_MS[unit] : undefined;
  return ms === undefined || amount <= 0 ? undefined : amount * ms;
}

function inferPeriod(bars: readonly HistogramBar[]): number | undefined {
  const starts = [...new Set(bars.map((b) => b.start))].sort((a, b) => a - b);
  let min: number | undefined;
  for (let i = 1; i < starts.length; i++) {
    const d = (starts[i] ?? 0) - (starts[i - 1] ?? 0);
    if (d > 0 && (min === undefined || d < min)) min = d;
  }
  return min;
}

/** Groups thousands with commas, independent of the locale. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [int = '', frac] = String(Math.round(n * 1000) / 1000).split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  let grouped = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) grouped += ',';
    grouped += digits[i];
  }
  return sign + grouped + (frac === undefined ? '' : `.${frac}`);
}

function bar(value: number, max: number, width: number): string {
  if (max <= 0 || value <= 0 || width <= 0) return '';
  const eighths = Math.max(1, Math.round((value / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + BLOCKS[eighths % 8];
}

function timeLabel(ms: number, periodMs: number | undefined): string {
  const full = formatInsightsTime(ms);
  if (periodMs !== undefined && periodMs % 60_000 === 0) return full.slice(0, 16);
  if (periodMs !== undefined && periodMs % 1000 === 0) return full.slice(0, 19);
  return full;
}

/**
 * Fills empty bins with zero bars (single series only), so gaps show as gaps.
 */
function withGaps(h: Histogram): HistogramBar[] {
  const sorted = [...h.bars].sort(
    (a, b) => a.start - b.start || (a.label ?? '').localeCompare(b.label ?? ''),
  );
  const first = sorted[0];
  const last = sorted.at(-1);
  if (h.periodMs === undefined || first === undefined || last === undefined) return sorted;
  if (sorted.some((b) => b.label !== undefined)) return sorted;
  const count = Math.floor((last.start - first.start) / h.periodMs) + 1;
  if (count > MAX_FILLED_BINS || count <= sorted.length) return sorted;
  const byStart = new Map(sorted.map((b) => [b.start, b]));
  const out: HistogramBar[] = [];
  for (let t = first.start; t <= last.start; t += h.periodMs)
    out.push(byStart.get(t) ?? { start: t, value: 0 });
  return out;
}

/**
 * Draws a histogram as text: a title line, then one line per bin with the
 * time, the series label if any, the bar and the number.
 *
 * @example
 * ```ts
 * drawHistogram({ measure: 'count(*)', periodMs: 3600000, bars: [{ start: 0, value: 2 }] }, 40)
 * //=> 'count(*) per 1h: 1 bin, total 2, max 2\n1970-01-01 00:00 │████████████████████ 2\n'
 * ```
 */
export function drawHistogram(h: Histogram, width: number): string {
  const bars = withGaps(h);
  if (bars.length === 0) return `${escapeControl(h.measure, true)}: no data\n`;
  const max = bars.reduce((m, b) => Math.max(m, b.value), 0);
  const total = bars.reduce((s, b) => s + b.value, 0);
  const times = bars.map((b) => timeLabel(b.start, h.periodMs));
  const labels = bars.map((b) =>
    b.label === undefined ? '' : truncateText(escapeControl(b.label, true), 24),
  );
  const labelWidth = labels.reduce((m, l) => Math.max(m, Array.from(l).length), 0);
  const numbers = bars.map((b) => formatCount(b.value));
  const numberWidth = numbers.reduce((m, n) => Math.max(m, n.length), 0);
  const timeWidth = times.reduce((m, t) => Math.max(m, t.length), 0);
  const fixed = timeWidth + 2 + (labelWidth > 0 ? labelWidth + 1 : 0) + 1 + numberWidth;
  const barWidth = Math.max(10, Math.min(60, (width > 0 ? width : 100) - fixed));
  const period = h.periodMs === undefined ? '' : ` per ${formatPeriod(h.periodMs)}`;
  const binWord = bars.length === 1 ? 'bin' : 'bins';
  const lines = [
    `${escapeControl(h.measure, true)}${period}: ${bars.length} ${binWord}, total ${formatCount(total)}, max ${formatCount(max)}`,
  ];
  bars.forEach((b, i) => {
    const label = labelWidth > 0 ? `${(labels[i] ?? '').padEnd(labelWidth)} ` : '';
    const drawn = bar(b.value, max, barWidth);
    const gap = ' '.repeat(
      Math.max(0, barWidth - Array.from(drawn).length) + numberWidth - (numbers[i] ?? '').length,
    );
    lines.push(`${(times[i] ?? '').padEnd(timeWidth)} ${label}│${drawn}${gap} ${numbers[i]}`);
  });
  return lines.join('\n') + '\n';
}

/** Formats a period in the largest whole unit: `1h`, `5m`, `30s`, `250ms`. */
export function formatPeriod(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
