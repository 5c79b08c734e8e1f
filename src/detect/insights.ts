/**
 * Offline CloudTrail Insights: per-minute API call rate and error rate per
 * (Region, eventSource, eventName) against a trailing baseline, emitted as
 * Insights-shaped records (`insightDetails` with Start/End state).
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import { DetectError } from './errors.js';
import { getPath, getString, toAsync } from './record.js';

const MINUTE = 60_000;

/**
 * Parameters of the offline Insights method.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { computeInsights, type InsightsOptions } from 'kubetrail/detect';
 * const options: InsightsOptions = { baselineMinutes: 1440, threshold: 3, minCount: 5, types: ['ApiErrorRateInsight'] };
 * const records = await computeInsights(readLogs('samples/incident/'), options);
 * ```
 */
export interface InsightsOptions {
  /** Trailing baseline window in minutes. @defaultValue 10080 (7 days, as CloudTrail) */
  readonly baselineMinutes?: number;
  /** Minutes of history a key needs before it can raise an insight. @defaultValue 60 */
  readonly minBaselineMinutes?: number;
  /** A minute is anomalous when its count is at least this multiple of the baseline average... @defaultValue 5 */
  readonly threshold?: number;
  /** ...and at least this many calls (or errors). @defaultValue 10 */
  readonly minCount?: number;
  /** Anomalous minutes separated by at most this many quiet minutes form one insight. @defaultValue 1 */
  readonly mergeGapMinutes?: number;
  /** Attribution values kept per attribute. @defaultValue 5 */
  readonly topAttributions?: number;
  /** Which insight types to compute. @defaultValue both */
  readonly types?: readonly InsightType[];
  /** Cap on CloudTrail calls kept in memory. @defaultValue 5000000 */
  readonly maxEvents?: number;
}

/**
 * The two CloudTrail Insights types.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { computeInsights, type InsightType } from 'kubetrail/detect';
 * const types: InsightType[] = ['ApiCallRateInsight'];
 * const records = await computeInsights(readLogs('samples/incident/'), { types });
 * records.every((r) => r.insightDetails.insightType === 'ApiCallRateInsight'); //=> true
 * ```
 */
export type InsightType = 'ApiCallRateInsight' | 'ApiErrorRateInsight';

/**
 * One attribution value with its per-minute average.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { type AttributionValue, computeInsights } from 'kubetrail/detect';
 * const [first] = await computeInsights(readLogs('samples/incident/'), { minBaselineMinutes: 10, minCount: 3, threshold: 3 });
 * const agents = first?.insightDetails.insightContext.attributions.find((a) => a.attribute === 'userAgent');
 * const top: readonly AttributionValue[] = agents?.insight ?? [];
 * top.map((v) => `${v.value ?? '(none)'}: ${v.average} calls/min`);
 * ```
 */
export interface AttributionValue {
  readonly value: string | null;
  readonly average: number;
}

/**
 * Top contributors for one attribute during the insight and the baseline.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { type Attribution, computeInsights } from 'kubetrail/detect';
 * const [first] = await computeInsights(readLogs('samples/incident/'), { minBaselineMinutes: 10, minCount: 3, threshold: 3 });
 * const attributions: readonly Attribution[] = first?.insightDetails.insightContext.attributions ?? [];
 * attributions.find((a) => a.attribute === 'userIdentityArn')?.insight[0]?.value; // the top caller during the insight
 * ```
 */
export interface Attribution {
  readonly attribute: 'userIdentityArn' | 'userAgent' | 'errorCode';
  readonly insight: readonly AttributionValue[];
  readonly baseline: readonly AttributionValue[];
}

/**
 * An Insights event record, shaped like CloudTrail's.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { computeInsights, type InsightEvent } from 'kubetrail/detect';
 * const options = { minBaselineMinutes: 10, minCount: 3, threshold: 3 };
 * const records: InsightEvent[] = await computeInsights(readLogs('samples/incident/'), options);
 * for (const r of records) {
 *   const { state, eventSource, eventName, insightType } = r.insightDetails;
 *   console.log(r.eventTime, state, `${eventSource}:${eventName}`, insightType);
 * }
 * ```
 */
export interface InsightEvent {
  readonly eventVersion: '1.08';
  readonly eventTime: string;
  readonly awsRegion?: string;
  readonly eventID: string;
  readonly eventType: 'AwsCloudTrailInsight';
  readonly eventCategory: 'Insight';
  readonly recipientAccountId?: string;
  readonly sharedEventID: string;
  readonly insightDetails: {
    readonly state: 'Start' | 'End';
    readonly eventSource: string;
    readonly eventName: string;
    readonly insightType: InsightType;
    /** For error-rate insights: the most frequent error code during the insight. */
    readonly errorCode?: string;
    readonly insightContext: {
      readonly statistics: {
        readonly baseline: { readonly average: number };
        readonly insight: { readonly average: number };
        /** Minutes from start to end (End records only). */
        readonly insightDuration?: number;
        readonly baselineDuration: number;
      };
      readonly attributions: readonly Attribution[];
    };
  };
}

interface Call {
  readonly minute: number;
  readonly arn: string | null;
  readonly userAgent: string | null;
  readonly errorCode: string | null;
  readonly account?: string;
}

/**
 * Computes Insights events from CloudTrail records. Method (documented in
 * docs/detections.md): calls are counted per minute per (Region, source,
 * name) — write management calls for ApiCallRateInsight, calls with an
 * errorCode for ApiErrorRateInsight. For each minute the baseline is the
 * average per-minute count over the trailing `baselineMinutes` before it
 * (quiet minutes count as zero; only minutes after the key's first call in
 * the data count, and at least `minBaselineMinutes` of them are needed).
 * A minute is anomalous when count ≥ max(minCount, threshold × baseline);
 * anomalous minutes at most `mergeGapMinutes` apart merge into one insight,
 * whose baseline is the one before its first minute. Start carries the
 * first minute's rate, End the average over the insight, both with the top
 * user ARNs, user agents and error codes.
 *
 * @example
 * ```ts
 * const records = await computeInsights(events, { threshold: 5, minCount: 10 });
 * records.filter((r) => r.insightDetails.state === 'Start').length;
 * ```
 */
export async function computeInsights(
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  options: InsightsOptions = {},
): Promise<InsightEvent[]> {
  const baselineMinutes = options.baselineMinutes ?? 10_080;
  const minBaseline = options.minBaselineMinutes ?? 60;
  const threshold = options.threshold ?? 5;
  const minCount = options.minCount ?? 10;
  const gap = options.mergeGapMinutes ?? 1;
  const top = options.topAttributions ?? 5;
  const types = options.types ?? ['ApiCallRateInsight', 'ApiErrorRateInsight'];
  const maxEvents = options.maxEvents ?? 5_000_000;
  for (const [name, v] of [
    ['baselineMinutes', baselineMinutes],
    ['minBaselineMinutes', minBaseline],
    ['threshold', threshold],
    ['minCount', minCount],
    ['mergeGapMinutes', gap],
    ['topAttributions', top],
  ] as const) {
    if (!(Number.isFinite(v) && v >= 0))
      throw new DetectError('invalid_investigation_option', `${name} must be a number >= 0`);
  }
  const series = new Map<
    string,
    { region?: string; source: string; name: string; type: InsightType; calls: Call[] }
  >();
  let kept = 0;
  for await (const e of toAsync(events)) {
    if (e.kind !== 'cloudtrail') continue;
    const r = e.record;
    const source = getString(r, 'eventSource');
    const name = getString(r, 'eventName');
    if (source === undefined || name === undefined) continue;
    if (getString(r, 'eventType') === 'AwsCloudTrailInsight') continue;
    const errorCode = getString(r, 'errorCode') ?? null;
    const readOnly = getPath(r, 'readOnly');
    const management = getPath(r, 'managementEvent');
    const isWrite = readOnly === false || readOnly === 'false';
    const isManagement = management === undefined || management === true || management === 'true';
    const region = getString(r, 'awsRegion');
    const call: Call = {
      minute: Math.floor(e.timestamp / MINUTE),
      arn: getString(r, 'userIdentity', 'arn') ?? null,
      userAgent: getString(r, 'userAgent') ?? null,
      errorCode,
      ...(getString(r, 'recipientAccountId') === undefined
        ? {}
        : { account: getString(r, 'recipientAccountId')! }),
    };
    const add = (type: InsightType): void => {
      const key = `${type}\u0000${region ?? ''}\u0000${source}\u0000${name}`;
      let s = series.get(key);
      if (s === undefined) {
        s = { ...(region === undefined ? {} : { region }), source, name, type, calls: [] };
        series.set(key, s);
      }
      if (++kept > maxEvents)
        throw new DetectError(
          'invalid_investigation_option',
          `more than ${maxEvents} calls; raise maxEvents`,
        );
      s.calls.push(call);
    };
    if (types.includes('ApiCallRateInsight') && isWrite && isManagement) add('ApiCallRateInsight');
    if (types.includes('ApiErrorRateInsight') && errorCode !== null) add('ApiErrorRateInsight');
  }
  const out: InsightEvent[] = [];
  for (const s of series.values()) {
    s.calls.sort((a, b) => a.minute - b.minute);
    out.push(...insightsOf(s, { baselineMinutes, minBaseline, threshold, minCount, gap, top }));
  }
  return out.sort((a, b) => a.eventTime.localeCompare(b.eventTime) || a.eventID.localeCompare(b.eventID));
}

function insightsOf(
  s: { region?: string; source: string; name: string; type: InsightType; calls: Call[] },
  p: {
    baselineMinutes: number;
    minBaseline: number;
    threshold: number;
    minCount: number;
    gap: number;
    top: number;
  },
): InsightEvent[] {
  const counts = new Map<number, number>();
  for (const c of s.calls) counts.set(c.minute, (counts.get(c.minute) ?? 0) + 1);
  const minutes = [...counts.keys()].sort((a, b) => a - b);
  const firstMinute = minutes[0];
  if (firstMinute === undefined) return [];
  // Prefix sums over the sorted distinct minutes give any window's total in O(log n).
  const prefix: number[] = [0];
  for (const m of minutes) prefix.push(prefix[prefix.length - 1]! + counts.get(m)!);
  const totalBefore = (minute: number): number => prefix[lowerBound(minutes, minute)]!;
  const baselineAt = (minute: number): { average: number; duration: number } => {
    const from = Math.max(firstMinute, minute - p.baselineMinutes);
    const duration = minute - from;
    if (duration <= 0) return { average: 0, duration: 0 };
    return { average: (totalBefore(minute) - totalBefore(from)) / duration, duration };
  };
  const anomalous: number[] = [];
  for (const m of minutes) {
    const b = baselineAt(m);
    if (b.duration < p.minBaseline) continue;
    const c = counts.get(m)!;
    if (c >= p.minCount && c >= p.threshold * b.average) anomalous.push(m);
  }
  const windows: { start: number; end: number }[] = [];
  for (const m of anomalous) {
    const last = windows[windows.length - 1];
    if (last !== undefined && m - last.end <= p.gap + 1) last.end = m;
    else windows.push({ start: m, end: m });
  }
  const out: InsightEvent[] = [];
  for (const w of windows) {
    const b = baselineAt(w.start);
    const duration = w.end - w.start + 1;
    const inWindow = s.calls.filter((c) => c.minute >= w.start && c.minute <= w.end);
    const inFirst = inWindow.filter((c) => c.minute === w.start);
    const inBaseline = s.calls.filter((c) => c.minute >= w.start - b.duration && c.minute < w.start);
    const shared = stableId(`${s.type}|${s.region ?? ''}|${s.source}|${s.name}|${w.start}`);
    const account = s.calls.find((c) => c.account !== undefined)?.account;
    const errorCode =
      s.type === 'ApiErrorRateInsight' ? topValues(inWindow, 'errorCode', 1, 1)[0]?.value : undefined;
    const record = (state: 'Start' | 'End'): InsightEvent => {
      const calls = state === 'Start' ? inFirst : inWindow;
      const minutesCovered = state === 'Start' ? 1 : duration;
      return {
        eventVersion: '1.08',
        eventTime: new Date((state === 'Start' ? w.start : w.end + 1) * MINUTE)
          .toISOString()
          .replace('.000Z', 'Z'),
        ...(s.region === undefined ? {} : { awsRegion: s.region }),
        eventID: stableId(`${shared}|${state}`),
        eventType: 'AwsCloudTrailInsight',
        eventCategory: 'Insight',
        ...(account === undefined ? {} : { recipientAccountId: account }),
        sharedEventID: shared,
        insightDetails: {
          state,
          eventSource: s.source,
          eventName: s.name,
          insightType: s.type,
          ...(errorCode === undefined || errorCode === null ? {} : { errorCode }),
          insightContext: {
            statistics: {
              baseline: { average: round(b.average) },
              insight: { average: round(calls.length / minutesCovered) },
              ...(state === 'End' ? { insightDuration: duration } : {}),
              baselineDuration: b.duration,
            },
            attributions: (['userIdentityArn', 'userAgent', 'errorCode'] as const).map((attribute) => {
              const field = attribute === 'userIdentityArn' ? 'arn' : attribute;
              return {
                attribute,
                insight: topValues(calls, field, minutesCovered, p.top),
                baseline: topValues(inBaseline, field, Math.max(1, b.duration), p.top),
              };
            }),
          },
        },
      };
    };
    out.push(record('Start'), record('End'));
  }
  return out;
}

function topValues(
  calls: readonly Call[],
  field: 'arn' | 'userAgent' | 'errorCode',
  minutes: number,
  top: number,
): AttributionValue[] {
  const counts = new Map<string | null, number>();
  for (const c of calls) counts.set(c[field], (counts.get(c[field]) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))
    .slice(0, top)
    .map(([value, n]) => ({ value, average: round(n / minutes) }));
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const round = (n: number): number => Math.round(n * 1e4) / 1e4;

/** A deterministic UUID-shaped id from a string (FNV-1a, 4 rounds). */
function stableId(text: string): string {
  const parts: string[] = [];
  for (let round = 0; round < 4; round++) {
    let h = 0x811c9dc5 ^ round;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    parts.push(h.toString(16).padStart(8, '0'));
  }
  const hex = parts.join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
