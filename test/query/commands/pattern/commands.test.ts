import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { LogEvent } from '../../../../src/log-event.js';
import { splitPlanOf } from '../../../../src/parallel/plan-split.js';
import { compileQuery, isQueryError } from '../../../../src/query/index.js';
import { createRandom, DAY_START, generateDay } from './generate-logs.js';

const HOUR = 3_600_000;
const day = generateDay(42);
const events: LogEvent[] = day.events.map((e, i) => ({
  timestamp: e.timestamp,
  message: e.message,
  kind: 'text',
  source: { line: i + 1 },
}));

async function rows(query: string, input: readonly LogEvent[], options = {}) {
  return (await compileQuery(query, { now: 0, ...options }).run(input)).rows;
}

async function failure(query: string, input: readonly LogEvent[], options = {}) {
  try {
    await compileQuery(query, { now: 0, ...options }).run(input);
  } catch (error) {
    if (isQueryError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  return undefined;
}

describe('pattern, diff and anomaly in the engine', () => {
  test('pattern: one row per planted template, most events first, ratios add up to 1', async () => {
    const out = await rows('pattern @message', events);
    expect(out).toHaveLength(11);
    expect(out.map((r) => r['@sampleCount'])).toEqual(
      [...out.map((r) => r['@sampleCount'] as number)].sort((a, b) => b - a),
    );
    expect(out.reduce((s, r) => s + (r['@ratio'] as number), 0)).toBeCloseTo(1, 12);
    expect(out.reduce((s, r) => s + (r['@sampleCount'] as number), 0)).toBe(events.length);
  });

  test('the order of the events does not change the rows (property)', async () => {
    const whole = await rows('pattern @message', events);
    await fc.assert(
      fc.asyncProperty(fc.nat(), async (seed) => {
        const r = createRandom(seed + 1);
        const shuffled = [...events];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = r.int(i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as LogEvent, shuffled[i] as LogEvent];
        }
        expect(await rows('pattern @message', shuffled, { order: 'input' })).toEqual(whole);
      }),
      { seed: 42, numRuns: 5 },
    );
  });

  test('anomaly finds the planted burst and the planted new pattern, and nothing else', async () => {
    const out = await rows('pattern @message | anomaly', events, {
      startTime: DAY_START,
      endTime: DAY_START + 24 * HOUR - 1,
    });
    expect(out.map((r) => [r['@anomalyType'], (r['@timestamp'] as Date).toISOString()])).toEqual([
      ...[0, 1, 2, 3, 4, 5].map((k) => ['frequency', new Date(day.burst.start + k * 600_000).toISOString()]),
      ['new-pattern', new Date(day.fresh.start).toISOString()],
    ]);
  });

  test('diff with a window reads the earlier window although the run starts later', async () => {
    const q = compileQuery('pattern @message | diff', {
      now: 0,
      startTime: DAY_START + 15 * HOUR,
      endTime: DAY_START + 16 * HOUR - 1,
    });
    expect(q.window.startTime).toBe(DAY_START + 14 * HOUR);
    const { rows: out } = await q.run(events);
    const refused = out.find((r) => String(r['@pattern']).includes('connection refused'));
    expect(refused?.['@diffType']).toBe('increased');
    const hour = (h: number) =>
      day.events.filter(
        (e) =>
          e.template === 'refused' &&
          e.timestamp >= DAY_START + h * HOUR &&
          e.timestamp < DAY_START + (h + 1) * HOUR,
      ).length;
    expect([refused?.['@sampleCount'], refused?.['@previousSampleCount']]).toEqual([hour(15), hour(14)]);
  });

  test('the signature cap is resource_limit, as is the byte budget', async () => {
    const many = Array.from(
      { length: 50 },
      (_, i): LogEvent => ({ timestamp: i, message: `word${'x'.repeat(i)} end`, kind: 'text', source: {} }),
    );
    expect(await failure('pattern @message', many, { maxBufferedRows: 10 })).toEqual({
      code: 'resource_limit',
      message:
        'pattern would hold more than 10 distinct message signatures (the cap on templates); narrow the input',
    });
    expect((await failure('diff', many, { memoryBudgetBytes: 2000 }))?.code).toBe('resource_limit');
  });

  test('pattern, diff and anomaly keep a query on one thread', () => {
    for (const q of [
      'pattern @message',
      'pattern @message | stats count(*)',
      'diff | sort @change desc | limit 3',
      'anomaly',
    ]) {
      expect(splitPlanOf(q, {}, compileQuery(q)).kind, q).toBe('none');
    }
  });

  test('no implicit newest-first order after them: rows keep their documented order', async () => {
    const out = await rows('pattern @message | limit 2', events);
    expect(out.map((r) => r['@sampleCount'])).toEqual([757, 520]);
  });
});
