import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { compileQuery, type LogEvent, toInsightsResults } from '../../src/index.js';

// docs/functions.md shows one example per function, `call => result`. The
// scalar ones are evaluated here in `fields <call> as r`, so that the page
// cannot promise a result the engine does not give. Aggregates (`stats …`)
// and examples that depend on an event's own @timestamp are illustrations and
// are left out. The examples of queryStartTime/queryEndTime/now assume the
// window 2024-01-01 00:00:00.000 to 00:59:59.999 UTC and `now` at its start.

const doc = readFileSync(new URL('../../docs/functions.md', import.meta.url), 'utf8');

const examples = [...doc.matchAll(/^### (\S+)\n[\s\S]*?^```\n(.*?) => (.*?)\n```$/gm)].map((m) => ({
  name: m[1] ?? '',
  call: m[2] ?? '',
  expected: m[3] ?? '',
}));

const scalar = examples.filter(
  (e) => !e.call.startsWith('stats ') && !e.call.includes('@timestamp') && !e.expected.includes('(for '),
);

const windowStart = Date.parse('2024-01-01T00:00:00.000Z');
const windowEnd = Date.parse('2024-01-01T00:59:59.999Z');
const event: LogEvent = { timestamp: windowStart + 450_000, message: 'x', kind: 'text', source: {} };

/** The example's result as a result string: quotes around strings dropped. */
function unquote(expected: string): string {
  return expected.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
}

describe('docs/functions.md examples', () => {
  test('the page has an example for most functions', () => {
    expect(examples.length).toBeGreaterThanOrEqual(80);
    expect(scalar.length).toBeGreaterThanOrEqual(60);
  });

  test.each(scalar.map((e) => [e.name, e] as const))(
    '%s: example gives the documented result',
    async (_, e) => {
      const compiled = compileQuery(`fields ${e.call} as r | display r`, {
        now: windowStart,
        startTime: windowStart,
        endTime: windowEnd,
      });
      const result = toInsightsResults(await compiled.run([event]));
      const value = result.results[0]?.find((cell) => cell.field === 'r')?.value;
      expect(value).toBe(unquote(e.expected));
    },
  );
});
