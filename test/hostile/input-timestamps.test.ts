/**
 * F8 (timestamps): a time that is present but not a valid date is counted
 * and located, the event is kept with a null `@timestamp`, and no time
 * window (`startTime`/`endTime`, `--start`/`--end`) sees it as 1970.
 * `KUBETRAIL_HOSTILE_SCALE` scales the number of bad events.
 */
import { describe, expect, test } from 'vitest';
import { readLogs } from '../../src/read/index.js';
import { query } from '../../src/run/index.js';
import { expectConserved } from '../read/conservation.js';
import { hostileScale } from './scale.js';

const BAD: readonly unknown[] = [
  '+275760-09-13T00:00:00.000Z',
  '2024-02-30T25:61:61Z',
  '1e20',
  1e20,
  -9e15,
  'yesterday',
];
const GOOD = '2024-01-01T00:00:00Z';

const event = (ts: unknown, id: string) =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    auditID: id,
    verb: 'get',
    stage: 'ResponseComplete',
    requestReceivedTimestamp: ts,
  });

const copies = hostileScale(2);
const lines = [event(GOOD, 'good')];
for (let c = 0; c < copies; c++) for (const [i, ts] of BAD.entries()) lines.push(event(ts, `bad-${c}-${i}`));
const input = Buffer.from(`${lines.join('\n')}\n`);
const badCount = BAD.length * copies;

describe('F8: invalid timestamps', () => {
  test('kept, flagged, counted and located by the reader', async () => {
    const reader = readLogs(input);
    const events = [];
    for await (const e of reader) events.push(e);
    expectConserved(reader.summary);
    expect(events).toHaveLength(1 + badCount);
    expect(events.filter((e) => e.timestampInvalid === true)).toHaveLength(badCount);
    expect(reader.summary.invalidTimestamps).toBe(badCount);
    expect(reader.summary.eventsWithoutTimestamp).toBe(0);
    expect(reader.summary.invalidTimestampSamples[0]).toMatchObject({ line: 2 });
  });

  test('a null @timestamp, never 1970', async () => {
    const r = await query(input, 'fields @timestamp, auditID', { now: 0, limit: 1000 });
    const bad = r.rows.filter((row) => String(row.auditID).startsWith('bad-'));
    expect(bad).toHaveLength(badCount);
    for (const row of bad) expect(row['@timestamp'] ?? null).toBeNull();
    expect(r.statistics.invalidTimestamps).toBe(badCount);
  });

  test.each([
    ['startTime', { startTime: Date.parse('2023-01-01T00:00:00Z') }],
    ['endTime', { endTime: Date.parse('2030-01-01T00:00:00Z') }],
    ['both', { startTime: 0, endTime: Date.parse('2030-01-01T00:00:00Z') }],
  ])('no time window includes them (%s)', async (_name, window) => {
    const r = await query(input, 'fields auditID', { now: 0, ...window });
    expect(r.rows.map((row) => row.auditID)).toEqual(['good']);
  });

  test('a valid later time key is used when an earlier one is invalid', async () => {
    const line = JSON.stringify({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      auditID: 'x',
      requestReceivedTimestamp: '2024-02-30T00:00:00Z',
      stageTimestamp: GOOD,
    });
    const reader = readLogs(Buffer.from(line));
    for await (const e of reader) {
      expect(e.timestamp).toBe(Date.parse(GOOD));
      expect(e.timestampInvalid).toBeUndefined();
    }
    expect(reader.summary.invalidTimestamps).toBe(0);
  });
});
