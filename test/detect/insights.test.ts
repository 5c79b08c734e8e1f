import { describe, expect, test } from 'vitest';
import { DetectError } from '../../src/detect/errors.js';
import { computeInsights } from '../../src/detect/insights.js';
import type { LogEvent } from '../../src/log-event.js';
import { ct } from './events.js';

const T0 = Date.parse('2024-05-01T00:00:00Z');
const at = (minute: number, second = 0) => new Date(T0 + minute * 60_000 + second * 1000).toISOString();

const write = (minute: number, second: number, arn: string, errorCode?: string): LogEvent =>
  ct(at(minute, second), {
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateAccessKey',
    readOnly: false,
    managementEvent: true,
    eventType: 'AwsApiCall',
    userIdentity: { arn },
    userAgent: arn.includes('attacker') ? 'aws-cli/2.15' : 'terraform/1.7',
    ...(errorCode === undefined ? {} : { errorCode }),
  });

// One call every 10 minutes for 2 hours (baseline 0.1/min), then 20 calls/min for 3 minutes.
function scenario(): LogEvent[] {
  const out: LogEvent[] = [];
  for (let m = 0; m < 120; m += 10) out.push(write(m, 0, 'arn:aws:iam::111122223333:user/ci'));
  for (let m = 120; m < 123; m++)
    for (let s = 0; s < 20; s++) out.push(write(m, s, 'arn:aws:sts::111122223333:assumed-role/x/attacker'));
  out.push(write(130, 0, 'arn:aws:iam::111122223333:user/ci'));
  // read-only calls never count for the call rate
  for (let s = 0; s < 50; s++)
    out.push(ct(at(121, s), { eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', readOnly: true }));
  return out;
}

describe('computeInsights', () => {
  test('a burst of write calls over a quiet baseline gives one Start/End pair', async () => {
    const records = await computeInsights(scenario(), { minBaselineMinutes: 60, threshold: 5, minCount: 10 });
    expect(records).toHaveLength(2);
    const [start, end] = records;
    expect(start?.insightDetails).toMatchObject({
      state: 'Start',
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateAccessKey',
      insightType: 'ApiCallRateInsight',
    });
    expect(start?.eventTime).toBe('2024-05-01T02:00:00Z');
    expect(end?.eventTime).toBe('2024-05-01T02:03:00Z');
    expect(start?.sharedEventID).toBe(end?.sharedEventID);
    expect(start?.eventID).not.toBe(end?.eventID);
    expect(start?.eventType).toBe('AwsCloudTrailInsight');
    // 12 calls in the 120 minutes before the burst
    expect(start?.insightDetails.insightContext.statistics.baseline.average).toBe(0.1);
    expect(start?.insightDetails.insightContext.statistics.baselineDuration).toBe(120);
    expect(start?.insightDetails.insightContext.statistics.insight.average).toBe(20);
    expect(end?.insightDetails.insightContext.statistics.insight.average).toBe(20);
    expect(end?.insightDetails.insightContext.statistics.insightDuration).toBe(3);
    const arns = end?.insightDetails.insightContext.attributions.find(
      (a) => a.attribute === 'userIdentityArn',
    );
    expect(arns?.insight).toEqual([
      { value: 'arn:aws:sts::111122223333:assumed-role/x/attacker', average: 20 },
    ]);
    expect(arns?.baseline).toEqual([{ value: 'arn:aws:iam::111122223333:user/ci', average: 0.1 }]);
    const errors = end?.insightDetails.insightContext.attributions.find((a) => a.attribute === 'errorCode');
    expect(errors?.insight).toEqual([{ value: null, average: 20 }]);
  });

  test('error rate insights carry the error code', async () => {
    const events: LogEvent[] = [];
    for (let m = 0; m < 90; m += 30)
      events.push(write(m, 0, 'arn:aws:iam::111122223333:user/ci', 'NoSuchEntity'));
    for (let s = 0; s < 15; s++)
      events.push(write(100, s, 'arn:aws:sts::111122223333:assumed-role/x/attacker', 'AccessDenied'));
    const records = await computeInsights(events, { types: ['ApiErrorRateInsight'], minBaselineMinutes: 60 });
    expect(
      records.map((r) => [r.insightDetails.state, r.insightDetails.insightType, r.insightDetails.errorCode]),
    ).toEqual([
      ['Start', 'ApiErrorRateInsight', 'AccessDenied'],
      ['End', 'ApiErrorRateInsight', 'AccessDenied'],
    ]);
  });

  test.each([
    ['not enough history', { minBaselineMinutes: 200 }],
    ['count under minCount', { minCount: 25 }],
    ['rate under threshold', { threshold: 500 }],
  ])('no insight when %s', async (_name, options) => {
    expect(await computeInsights(scenario(), { minBaselineMinutes: 60, ...options })).toEqual([]);
  });

  test('a gap wider than mergeGapMinutes splits the insight', async () => {
    const events = scenario().filter(
      (e) =>
        e.timestamp < T0 + 121 * 60_000 ||
        e.timestamp >= T0 + 122 * 60_000 ||
        !e.message.includes('CreateAccessKey'),
    );
    const merged = await computeInsights(events, { minBaselineMinutes: 60, mergeGapMinutes: 1 });
    const split = await computeInsights(events, { minBaselineMinutes: 60, mergeGapMinutes: 0 });
    expect(merged).toHaveLength(2);
    expect(split).toHaveLength(4);
  });

  test('rejects negative parameters', async () => {
    await expect(computeInsights([], { threshold: -1 })).rejects.toBeInstanceOf(DetectError);
  });
});
