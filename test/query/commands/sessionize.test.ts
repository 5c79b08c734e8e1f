import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { LogEvent } from '../../../src/log-event.js';
import { compileQuery, createMemorySpillStore } from '../../../src/query/index.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const MINUTE = 60_000;

const specs = fc.array(
  fc.record({ at: fc.integer({ min: 0, max: 240 }), u: fc.constantFrom('a', 'b', 'c', undefined) }),
  { maxLength: 60 },
);

function toEvents(rows: readonly { at: number; u: string | undefined }[]): LogEvent[] {
  return rows.map((r, i) => {
    const record: Record<string, unknown> = r.u === undefined ? { i } : { i, u: r.u };
    return {
      timestamp: T0 + r.at * MINUTE,
      message: JSON.stringify(record),
      kind: 'json',
      record,
      source: { line: i + 1 },
    };
  });
}

/** The reference: per identity, its rows in time order (ties by input position), a new session after a gap over 30m; numbered by start. */
function reference(rows: readonly { at: number; u: string | undefined }[]): (number | undefined)[] {
  const order = rows.map((r, i) => ({ ...r, i })).sort((x, y) => x.at - y.at || x.i - y.i);
  const last = new Map<string, { at: number; id: number }>();
  const out: (number | undefined)[] = rows.map(() => undefined);
  let n = 0;
  for (const r of order) {
    if (r.u === undefined) continue;
    const s = last.get(r.u);
    const id = s === undefined || r.at - s.at > 30 ? ++n : s.id;
    last.set(r.u, { at: r.at, id });
    out[r.i] = id;
  }
  return out;
}

async function sessions(events: readonly LogEvent[], options = {}): Promise<(number | undefined)[]> {
  const { rows } = await compileQuery('sessionize u | display i, session_id', {
    order: 'input',
    limit: 10_000,
    ...options,
  }).run(events);
  const byEvent: (number | undefined)[] = events.map(() => undefined);
  for (const row of rows) byEvent[row.i as number] = row.session_id as number | undefined;
  return byEvent;
}

describe('sessionize', () => {
  propTest.prop([specs], { numRuns: 150, seed: 42 })(
    'equals a reference loop over each identity in time order',
    async (rows) => {
      expect(await sessions(toEvents(rows))).toEqual(reference(rows));
    },
  );

  propTest.prop([specs, fc.integer({ min: 0, max: 1000 })], { numRuns: 100, seed: 7 })(
    'does not depend on the order the rows arrive in',
    async (rows, salt) => {
      const events = toEvents(rows);
      const shuffled = events
        .map((e, k) => ({ e, k: (k * 7919 + salt) % (events.length + 1) }))
        .sort((x, y) => x.k - y.k)
        .map((x) => x.e);
      // the input position (the row's ordinal) breaks time ties, so keep it with each event
      const ordinalOf = new Map(events.map((e, k) => [e, k]));
      const reordered = shuffled.map((e) => ({
        ...e,
        timestamp: e.timestamp + (ordinalOf.get(e) ?? 0) / 1000,
      }));
      const inOrder = await sessions(events.map((e, k) => ({ ...e, timestamp: e.timestamp + k / 1000 })));
      expect(await sessions(reordered)).toEqual(inOrder);
    },
  );

  test('the held rows spill at the budget and give the same sessions', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ at: (i * 37) % 240, u: ['a', 'b', 'c'][i % 3] }));
    let store: ReturnType<typeof createMemorySpillStore> | undefined;
    const spilled = await sessions(toEvents(rows), {
      memoryBudgetBytes: 16_384,
      spill: () => {
        store = createMemorySpillStore();
        return store;
      },
    });
    expect(spilled).toEqual(reference(rows));
    expect(store?.runsMade ?? 0).toBeGreaterThan(0);
  });
});
