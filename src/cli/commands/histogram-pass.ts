/**
 * `--histogram`: a second query, run over the same events, that counts the
 * matched events per minute; its bins are then merged to a readable width.
 *
 * @module
 */
import type { Command, QueryAst } from '../../query/ast.js';
import { parseQuery } from '../../query/index.js';
import type { Histogram, HistogramBar } from '../render/histogram.js';
import type { Row } from '../render/types.js';

const BASE_PERIOD_MS = 60_000;
const NICE_PERIODS_MS = [1, 5, 10, 15, 30, 60, 180, 360, 720, 1440, 10_080].map((m) => m * 60_000);
const TARGET_BINS = 60;
const COUNT_FIELD = 'events';
const BIN_FIELD = 'bin';

/** Commands that do not change which events match, or cannot precede `stats`. */
const DROPPED: ReadonlySet<Command['kind']> = new Set([
  'SortCommand',
  'LimitCommand',
  'DisplayCommand',
  'DedupCommand',
]);

/**
 * Builds the counting query from the user's query: the commands before its
 * first `stats`, without sort/limit/display/dedup, then
 * `stats count(*) as events by bin(1m) as bin`.
 *
 * @example
 * ```ts
 * printQuery(histogramQuery(parseQuery('filter verb="get" | sort @timestamp desc | limit 5')))
 * //=> 'filter verb = "get" | stats count(*) as events by bin(1m) as bin'
 * ```
 */
export function histogramQuery(ast: QueryAst): QueryAst {
  const stop = ast.commands.findIndex((c) => c.kind === 'StatsCommand');
  const before = stop === -1 ? ast.commands : ast.commands.slice(0, stop);
  const counting = parseQuery(`stats count(*) as ${COUNT_FIELD} by bin(1m) as ${BIN_FIELD}`);
  return { ...ast, commands: [...before.filter((c) => !DROPPED.has(c.kind)), ...counting.commands] };
}

/**
 * Turns the counting query's rows into a histogram of at most about 60 bins
 * of a round width (1m, 5m, …, 1d, 1w).
 *
 * @example
 * ```ts
 * histogramFromCounts([{ bin: new Date(0), events: 3 }]).bars //=> [{ start: 0, value: 3 }]
 * ```
 */
export function histogramFromCounts(rows: readonly Row[]): Histogram {
  const counts: { start: number; value: number }[] = [];
  for (const row of rows) {
    const bin = Object.hasOwn(row, BIN_FIELD) ? row[BIN_FIELD] : undefined;
    const n = Object.hasOwn(row, COUNT_FIELD) ? row[COUNT_FIELD] : undefined;
    if (bin instanceof Date && typeof n === 'number') counts.push({ start: bin.getTime(), value: n });
  }
  if (counts.length === 0) return { measure: 'matched events', periodMs: BASE_PERIOD_MS, bars: [] };
  const first = Math.min(...counts.map((c) => c.start));
  const last = Math.max(...counts.map((c) => c.start));
  const span = last - first + BASE_PERIOD_MS;
  const period =
    NICE_PERIODS_MS.find((p) => Math.ceil(span / p) <= TARGET_BINS) ??
    NICE_PERIODS_MS.at(-1) ??
    BASE_PERIOD_MS;
  const merged = new Map<number, number>();
  for (const c of counts) {
    const start = Math.floor(c.start / period) * period;
    merged.set(start, (merged.get(start) ?? 0) + c.value);
  }
  const bars: HistogramBar[] = [...merged.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([start, value]) => ({ start, value }));
  return { measure: 'matched events', periodMs: period, bars };
}
