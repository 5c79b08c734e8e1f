import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { runDetections } from '../../src/detect/run.js';
import { loadSigmaRules } from '../../src/detect/sigma/load.js';
import type { Finding } from '../../src/detect/types.js';
import type { LogEvent } from '../../src/log-event.js';

const T0 = Date.UTC(2024, 4, 14, 12);
const MIN = 60_000;

function ct(minute: number, record: Record<string, unknown>, line = 1): LogEvent {
  const full = { eventVersion: '1.08', eventTime: new Date(T0 + minute * MIN).toISOString(), ...record };
  return {
    timestamp: T0 + minute * MIN,
    message: JSON.stringify(full),
    kind: 'cloudtrail',
    record: full,
    source: { file: 'ct.ndjson', line },
  };
}

const BASE = `title: Console login failed
id: 11111111-1111-4111-8111-111111111111
name: failed_login
logsource: { product: aws, service: cloudtrail }
detection:
  sel: { eventName: ConsoleLogin, errorMessage: Failed authentication }
  condition: sel
level: low
---
title: Console login succeeded
id: 22222222-2222-4222-8222-222222222222
name: good_login
logsource: { product: aws, service: cloudtrail }
detection:
  sel: { eventName: ConsoleLogin }
  failed: { errorMessage|exists: true }
  condition: sel and not failed
level: low
---
title: Download
name: download
logsource: { product: aws, service: cloudtrail }
detection:
  sel: { eventName: GetObject }
  condition: sel
`;

async function run(correlation: string, events: readonly LogEvent[]): Promise<Finding[]> {
  const set = loadSigmaRules([{ file: 'c.yml', text: `${BASE}---\n${correlation}` }]);
  expect(set.problems).toEqual([]);
  return runDetections(events, { sigma: set, filter: { ids: [] }, now: T0 });
}

const fail = (m: number, user: string) =>
  ct(m, {
    eventName: 'ConsoleLogin',
    errorMessage: 'Failed authentication',
    userIdentity: { userName: user },
  });
const good = (m: number, user: string) =>
  ct(m, { eventName: 'ConsoleLogin', userIdentity: { userName: user } });
const get = (m: number, user: string, bytes: number, key = 'k') =>
  ct(m, {
    eventName: 'GetObject',
    userIdentity: { userName: user },
    additionalEventData: { bytesTransferredOut: bytes },
    requestParameters: { key },
  });

describe('Sigma correlations', () => {
  test('event_count: three failures by one user within 5 minutes', async () => {
    const f = await run(
      `title: Brute force
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [userIdentity.userName]
  timespan: 5m
  condition: { gte: 3 }
level: high
`,
      [fail(0, 'alice'), fail(1, 'alice'), fail(4, 'alice'), fail(0, 'bob'), fail(6, 'bob'), fail(12, 'bob')],
    );
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      title: 'Brute force',
      severity: 'high',
      count: 1,
      sigma: { correlation: 'event_count' },
    });
    expect(f[0]?.samples[0]).toMatchObject({ 'userIdentity.userName': 'alice', events: 3 });
  });

  test('the rules a correlation uses are not reported on their own (generate: false)', async () => {
    const f = await run(
      'title: c\ncorrelation:\n  type: event_count\n  rules: [failed_login]\n  group-by: [userIdentity.userName]\n  timespan: 1m\n  condition: { gte: 99 }\n',
      [fail(0, 'alice')],
    );
    expect(f).toEqual([]);
  });

  test('value_count: three distinct keys downloaded by one user within an hour', async () => {
    const f = await run(
      'title: Many objects\ncorrelation:\n  type: value_count\n  rules: [download]\n  group-by: [userIdentity.userName]\n  timespan: 1h\n  condition: { field: requestParameters.key, gte: 3 }\n',
      [
        get(0, 'a', 1, 'x'),
        get(1, 'a', 1, 'x'),
        get(2, 'a', 1, 'y'),
        get(3, 'b', 1, 'x'),
        get(50, 'a', 1, 'z'),
      ],
    );
    expect(f[0]?.samples).toEqual([
      expect.objectContaining({ 'userIdentity.userName': 'a', distinct_values: 3 }),
    ]);
  });

  test('temporal: both rules for one user within 10 minutes, either order', async () => {
    const f = await run(
      'title: Fail and succeed\ncorrelation:\n  type: temporal\n  rules: [failed_login, good_login]\n  group-by: [userIdentity.userName]\n  timespan: 10m\n',
      [good(0, 'a'), fail(5, 'a'), fail(0, 'b'), good(30, 'b')],
    );
    expect(f[0]?.samples.map((r) => r['userIdentity.userName'])).toEqual(['a']);
  });

  test('temporal_ordered: failure then success; success then failure does not match', async () => {
    const f = await run(
      'title: Then\ncorrelation:\n  type: temporal_ordered\n  rules: [failed_login, good_login]\n  group-by: [userIdentity.userName]\n  timespan: 10m\n',
      [good(0, 'a'), fail(5, 'a'), fail(0, 'b'), good(3, 'b')],
    );
    expect(f[0]?.samples.map((r) => r['userIdentity.userName'])).toEqual(['b']);
  });

  test('value_sum and value_avg over a numeric field', async () => {
    const events = [get(0, 'a', 600), get(1, 'a', 600), get(2, 'b', 100), get(3, 'b', 200)];
    const sum = await run(
      'title: Sum\ncorrelation:\n  type: value_sum\n  rules: [download]\n  group-by: [userIdentity.userName]\n  timespan: 1h\n  condition: { field: additionalEventData.bytesTransferredOut, gt: 1000 }\n',
      events,
    );
    expect(sum[0]?.samples).toEqual([expect.objectContaining({ 'userIdentity.userName': 'a', sum: 1200 })]);
    const avg = await run(
      'title: Avg\ncorrelation:\n  type: value_avg\n  rules: [download]\n  group-by: [userIdentity.userName]\n  timespan: 1h\n  condition: { field: additionalEventData.bytesTransferredOut, lt: 200 }\n',
      events,
    );
    expect(avg[0]?.samples).toEqual([expect.objectContaining({ 'userIdentity.userName': 'b', avg: 150 })]);
  });

  test('value_percentile: a value seen in at most 10% of a group’s events', async () => {
    const events = Array.from({ length: 20 }, (_, i) => get(i, 'a', 1, i === 7 ? 'rare' : 'common'));
    const f = await run(
      'title: Rare\ncorrelation:\n  type: value_percentile\n  rules: [download]\n  group-by: [userIdentity.userName]\n  timespan: 1h\n  condition: { field: requestParameters.key, lte: 10 }\n',
      events,
    );
    expect(f[0]?.samples).toEqual([expect.objectContaining({ value: '["rare"]', percent: 5 })]);
  });

  test('aliases: group-by one name across fields of different rules', async () => {
    const f = await run(
      `title: Alias
correlation:
  type: temporal
  rules: [failed_login, download]
  aliases:
    who:
      failed_login: userIdentity.userName
      download: requestParameters.owner
  group-by: [who]
  timespan: 10m
`,
      [fail(0, 'a'), ct(1, { eventName: 'GetObject', requestParameters: { owner: 'a' } })],
    );
    expect(f[0]?.samples).toEqual([expect.objectContaining({ who: 'a' })]);
  });

  // Known answers on generated sequences: a brute-force count over every anchored window.
  test.prop(
    [
      fc.array(fc.record({ m: fc.integer({ min: 0, max: 120 }), user: fc.constantFrom('a', 'b', 'c') }), {
        maxLength: 40,
      }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 30 }),
    ],
    { seed: 42 },
  )('event_count equals a brute-force count over windows', async (list, n, span) => {
    const f = await run(
      `title: Count\ncorrelation:\n  type: event_count\n  rules: [failed_login]\n  group-by: [userIdentity.userName]\n  timespan: ${span}m\n  condition: { gte: ${n} }\n`,
      list.map((e, i) =>
        ct(
          e.m,
          {
            eventName: 'ConsoleLogin',
            errorMessage: 'Failed authentication',
            userIdentity: { userName: e.user },
          },
          i + 1,
        ),
      ),
    );
    const expected = ['a', 'b', 'c'].filter((u) => {
      const ts = list.filter((e) => e.user === u).map((e) => e.m);
      return ts.some((t) => ts.filter((x) => x >= t && x - t <= span).length >= n);
    });
    const got = (f[0]?.samples ?? []).map((r) => r['userIdentity.userName']).sort();
    expect(f[0]?.count ?? 0).toBe(expected.length);
    expect(got).toEqual(expected.slice(0, 5));
  });
});

describe('Sigma filters', () => {
  test('a global filter removes its matches from the rules it names', async () => {
    const set = loadSigmaRules([
      { file: 'r.yml', text: BASE },
      {
        file: 'f.yml',
        text: 'title: Not the admin\nlogsource: { product: aws, service: cloudtrail }\nfilter:\n  rules: [download]\n  selection: { userIdentity.userName|startswith: adm_ }\n  condition: selection\n',
      },
    ]);
    expect(set.problems).toEqual([]);
    const f = await runDetections([get(0, 'adm_x', 1), get(1, 'bob', 1)], {
      sigma: set,
      filter: { ids: [] },
      now: T0,
    });
    const download = f.find((x) => x.title === 'Download');
    expect(download?.count).toBe(1);
    expect(download?.samples[0]?.['@ptr']).toBe('ct.ndjson:1');
  });
});
