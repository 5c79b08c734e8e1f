/**
 * The row-order scans on DuckDB (`filldown`, `autoregress`, `sessionize`,
 * translated to window functions) give the streaming engine's rows over
 * mixed types, missing fields and nulls: filldown's missing/null rule,
 * autoregress' names and lags, and a row that gets no session keeping the
 * event's own value under the output name (so that field is read).
 */
import { expect, test } from 'vitest';
import { compileQuery } from '../../src/query/index.js';
import { runOnDuckdb } from '../../src/sql/index.js';
import { cellsOf } from './support.js';

const ev = (i: number, record: Record<string, unknown>) => ({
  timestamp: Date.parse('2024-01-01T00:00:00Z') + i * 60_000,
  kind: 'json' as const,
  message: JSON.stringify(record),
  record,
  source: { file: 'e', line: i + 1 },
});
const events = [
  ev(0, { u: 'a', session_id: 'old', n: 1 }),
  ev(1, { session_id: 'kept', n: null }),
  ev(2, { u: 'a', n: 'x' }),
  ev(3, { u: 7, session_id: 5 }),
  ev(4, { u: true, session_id: 5 }),
];
test.each([
  // (each query runs on both engines over the same events)
  'sort @timestamp asc | sessionize u | display u, session_id',
  'sort @timestamp asc | sessionize u as n | display u, n',
  'sessionize u | display u, session_id',
  'sort @timestamp asc | filldown n | autoregress n p=1-2 | display n, n_p1, n_p2',
  'filldown | display n',
  'fields n | filldown | autoregress n as m | display n, m',
])('%s', async (q) => {
  const a = cellsOf(await compileQuery(q, {}).run(events));
  const b = cellsOf(await runOnDuckdb(q, events, {}));
  expect(b).toEqual(a);
});
