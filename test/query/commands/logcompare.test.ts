// Properties of `logcompare`: it is `diff` with another baseline, so a shift
// that equals one of diff's modifiers gives diff's rows (1d = previousDay,
// 7d = previousWeek, 1mo = previousMonth), with a query window or from the
// data's own range, after pattern or alone; and a fixed shift in any spelling
// of the same length gives the same rows.
import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { LogEvent } from '../../../src/log-event.js';
import { compileQuery } from '../../../src/query/index.js';

const DAY = 86_400_000;
const T0 = Date.parse('2024-01-20T00:00:00Z');

const message = fc.constantFrom(
  'login ok user 1',
  'login ok user 22',
  'disk full on /dev/sda',
  'ERROR timeout after 30 s',
  'ERROR timeout after 5 s',
  'cache miss key abc',
);
/** Events over about 70 days, so that each shift has data on both sides. */
const events = fc
  .array(fc.tuple(fc.integer({ min: -70 * DAY, max: 0 }), message), { maxLength: 40 })
  .map((pairs) =>
    pairs.map(
      ([dt, m], i): LogEvent => ({
        timestamp: T0 + dt,
        message: m,
        kind: 'text',
        source: { file: 'mem', line: i + 1 },
      }),
    ),
  );

async function outcome(query: string, input: LogEvent[], options: object): Promise<unknown> {
  try {
    return (await compileQuery(query, options).run(input)).rows.map((r) => ({ ...r }));
  } catch (error) {
    return { code: (error as { code?: string }).code };
  }
}

const pairs = [
  ['logcompare timeshift 1d', 'diff previousDay'],
  ['logcompare timeshift 7d', 'diff previousWeek'],
  ['logcompare timeshift 1mo', 'diff previousMonth'],
  ['pattern @message | logcompare timeshift 1w', 'pattern @message | diff previousWeek'],
] as const;

describe('logcompare', () => {
  propTest.prop([events, fc.constantFrom(...pairs), fc.boolean()], { seed: 42, numRuns: 150 })(
    'equals diff where the shift is one of its modifiers',
    async (input, [logcompare, diff], windowed) => {
      const options = windowed ? { startTime: T0 - 2 * DAY, endTime: T0 } : {};
      expect(await outcome(logcompare, input, options)).toEqual(await outcome(diff, input, options));
    },
  );

  propTest.prop([events, fc.boolean()], { seed: 7, numRuns: 100 })(
    'gives the same rows for every spelling of the same fixed shift',
    async (input, windowed) => {
      const options = windowed ? { startTime: T0 - DAY, endTime: T0 } : {};
      const hours = await outcome('logcompare timeshift 48h', input, options);
      expect(await outcome('logcompare timeshift 2d', input, options)).toEqual(hours);
      expect(await outcome('logcompare timeshift 2880min', input, options)).toEqual(hours);
    },
  );
});
