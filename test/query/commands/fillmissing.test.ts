import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { LogEvent } from '../../../src/log-event.js';
import { compileQuery, createMemorySpillStore } from '../../../src/query/index.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const HOUR = 3_600_000;

/** Events in the hour after T0 (offsets in ms), each with an optional service. */
const events = fc.array(
  fc.record({ at: fc.integer({ min: 0, max: HOUR - 1 }), svc: fc.constantFrom(undefined, 'a', 'b') }),
  { maxLength: 60 },
);
const binMinutes = fc.constantFrom(1, 5, 10, 15);

function toEvents(specs: readonly { at: number; svc: string | undefined }[]): LogEvent[] {
  return specs.map((s, i) => {
    const record: Record<string, unknown> = s.svc === undefined ? {} : { svc: s.svc };
    return {
      timestamp: T0 + s.at,
      message: JSON.stringify(record),
      kind: 'json',
      record,
      source: { line: i + 1 },
    };
  });
}

const window = { startTime: T0, endTime: T0 + HOUR - 1 };

/**
 * A budget the held rows and the stats groups go over (so both spill), while
 * the group combinations that fillmissing keeps in memory stay under the
 * 1/16 share at which a stage must give memory back.
 */
const BUDGET = 8192;

describe('fillmissing', () => {
  propTest.prop([events, binMinutes], { numRuns: 100, seed: 42 })(
    'gives one row per bin of the window, oldest first, with the count of the bin or the fill value',
    async (specs, minutes) => {
      const q = compileQuery(`stats count(*) as n by bin(${minutes}m) as t | fillmissing with 0 for n`, {
        ...window,
        limit: 10_000,
      });
      const { rows } = await q.run(toEvents(specs));
      const bins = 60 / minutes;
      expect(rows).toHaveLength(bins);
      rows.forEach((row, i) => {
        const start = T0 + i * minutes * 60_000;
        expect((row.t as Date).getTime()).toBe(start);
        const n = specs.filter((s) => s.at >= start - T0 && s.at < start - T0 + minutes * 60_000).length;
        expect(row.n).toBe(n);
      });
    },
  );

  propTest.prop([events, binMinutes], { numRuns: 100, seed: 7 })(
    'with a second group column, gives every combination the stats produced a row in every bin',
    async (specs, minutes) => {
      const { rows } = await compileQuery(
        `stats count(*) as n by bin(${minutes}m) as t, svc | fillmissing with 0 for n`,
        { ...window, limit: 10_000 },
      ).run(toEvents(specs));
      const combos = new Set(specs.map((s) => s.svc ?? '(missing)'));
      const bins = 60 / minutes;
      expect(rows).toHaveLength(bins * combos.size);
      const seen = new Set(rows.map((r) => `${r.t}|${r.svc ?? '(missing)'}`));
      expect(seen.size).toBe(rows.length);
      const total = rows.reduce((sum, r) => sum + (r.n as number), 0);
      expect(total).toBe(specs.length);
    },
  );

  propTest.prop([events, binMinutes], { numRuns: 50, seed: 11 })(
    'spilling at a tiny memory budget gives the same rows',
    async (specs, minutes) => {
      const text = `stats count(*) as n by bin(${minutes}m) as t, svc | fillmissing with 0 for n`;
      const input = toEvents(specs);
      const inMemory = (await compileQuery(text, { ...window, limit: 10_000 }).run(input)).rows;
      const spilled = (
        await compileQuery(text, {
          ...window,
          limit: 10_000,
          memoryBudgetBytes: BUDGET,
          spill: createMemorySpillStore,
        }).run(input)
      ).rows;
      expect(spilled).toEqual(inMemory);
    },
  );

  propTest.prop([events, fc.array(fc.boolean(), { maxLength: 60 }), binMinutes, fc.boolean(), fc.boolean()], {
    numRuns: 60,
    seed: 13,
  })(
    'right after the stats (which then skips its bin order) the rows equal those after a sort by the bin',
    async (specs, invalid, minutes, withWindow, spill) => {
      // an event with an invalid timestamp has no bin: those rows come last, in the order the stats made them
      const input = toEvents(specs).map((e, i) =>
        invalid[i] === true ? { ...e, timestamp: 0, timestampInvalid: true as const } : e,
      );
      const options = {
        ...(withWindow ? window : {}),
        limit: 10_000,
        ...(spill ? { memoryBudgetBytes: BUDGET, spill: createMemorySpillStore } : {}),
      };
      const stats = `stats count(*) as n by bin(${minutes}m) as t, svc`;
      const direct = await compileQuery(`${stats} | fillmissing with 0 for n`, options).run(input);
      const sorted = await compileQuery(`${stats} | sort t | fillmissing with 0 for n`, options).run(input);
      expect(direct.rows).toEqual(sorted.rows);
    },
  );

  test('the held rows spill to the run store at the budget', async () => {
    const specs = Array.from({ length: 200 }, (_, i) => ({ at: (i * 7919) % HOUR, svc: i % 2 ? 'a' : 'b' }));
    let store: ReturnType<typeof createMemorySpillStore> | undefined;
    const text = 'stats count(*) as n by bin(1m) as t, svc | fillmissing with 0 for n';
    const options = { ...window, limit: 10_000 };
    const inMemory = (await compileQuery(text, options).run(toEvents(specs))).rows;
    const spilled = await compileQuery(text, {
      ...options,
      memoryBudgetBytes: BUDGET,
      spill: () => {
        store = createMemorySpillStore();
        return store;
      },
    }).run(toEvents(specs));
    expect(spilled.rows).toEqual(inMemory);
    expect(spilled.rows).toHaveLength(120);
    expect(store?.runsMade ?? 0).toBeGreaterThan(0);
  });
});
