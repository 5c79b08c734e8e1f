import { describe, expect, test } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import { compileQuery } from '../../src/query/index.js';

// One rule for non-finite values (docs/query-language.md, "Non-finite values"): every aggregate that
// reads numbers skips them as if missing; the aggregates that read values take them as they are.
function events(values: readonly unknown[]): LogEvent[] {
  return values.map((x, i) => ({
    timestamp: i,
    message: '',
    kind: 'json',
    record: { x },
    source: { line: i + 1 },
  }));
}

async function one(query: string, values: readonly unknown[]): Promise<unknown> {
  const { rows } = await compileQuery(query).run(events(values));
  return (rows[0] as Record<string, unknown> | undefined)?.v;
}

const INF = Number.POSITIVE_INFINITY;
const NEG = Number.NEGATIVE_INFINITY;

describe('non-finite values: skipped by every numeric aggregate, alike', () => {
  test.each<[string, readonly unknown[], unknown]>([
    ['sum(x)', [1, INF, 2], 3],
    ['sum(x)', [1, NEG, '1e999'], 1],
    ['avg(x)', [1, INF, 3], 2],
    ['stddev(x)', [2, 4, INF, 4, 4, 5, 5, 7, 9], 2.138089935299395],
    ['pct(x, 100)', [1, INF, 3], 3],
    ['pct(x, 0)', [NEG, 5], 5],
    ['max(x)', [1, INF, 3], 3],
    ['max(x)', ['1e999', 7], 7],
    ['min(x)', [1, NEG, 3], 1],
    ['min(x)', ['-1e999', 'b'], 'b'],
    ['max(x)', [INF], undefined],
    ['sum(x)', [INF, NEG], undefined],
    ['avg(x)', ['1e999'], undefined],
  ])('%s over %j is %j', async (agg, values, expected) => {
    expect(await one(`stats ${agg} as v`, values)).toBe(expected);
  });

  test.each<[string, readonly unknown[], unknown]>([
    ['count(x)', [1, INF, '1e999'], 3],
    ['count_distinct(x)', [INF, INF, 1], 2],
    ['latest(x)', [1, '1e999'], '1e999'],
  ])('%s reads values, not numbers: over %j it is %j', async (agg, values, expected) => {
    expect(await one(`stats ${agg} as v`, values)).toBe(expected);
  });
});
