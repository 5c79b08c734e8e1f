import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { buildRouter, indexKeyOf } from '../../src/detect/detection-index.js';
import { runDetections } from '../../src/detect/run.js';
import type { DetectionKind } from '../../src/detect/types.js';
import type { LogEvent } from '../../src/log-event.js';
import { parseQuery } from '../../src/query/index.js';
import { asLogEvents, eventArb } from './generated-events.js';

const eventsArb = fc
  .array(fc.oneof(eventArb('kubernetes-audit'), eventArb('cloudtrail')), { minLength: 1, maxLength: 150 })
  .map(asLogEvents);

describe('indexed detection', () => {
  // Indexed findings must be exactly the naive per-detection evaluation: every detection
  // (disabled ones included), every row, sample, count, recordsMatched and first/last seen.
  test.prop([eventsArb], { numRuns: 12, seed: 42 })(
    'equals naive evaluation over the whole catalogue',
    async (events) => {
      const options = { now: Date.UTC(2024, 4, 15), includeEmpty: true, filter: { includeDisabled: true } };
      const indexed = await runDetections(events, { ...options, strategy: 'indexed' });
      const naive = await runDetections(events, { ...options, strategy: 'naive' });
      expect(indexed).toEqual(naive);
    },
  );

  test('keys come from required equalities only', () => {
    const key = (q: string, kind: DetectionKind = 'kubernetes-audit') => indexKeyOf(parseQuery(q), q, kind);
    expect(key('filter verb = "create" and objectRef.resource in ["roles", "clusterroles"]')).toEqual({
      field: 'objectRef.resource',
      values: ['roles', 'clusterroles'],
    });
    expect(key('filter verb = "create" or verb = "update"')).toEqual({
      field: 'verb',
      values: ['create', 'update'],
    });
    // an or across fields, a negation, a like, a number: nothing required
    expect(key('filter verb = "create" or objectRef.resource = "pods"')).toBeUndefined();
    expect(key('filter verb != "get"')).toBeUndefined();
    expect(key('filter verb like "crea"')).toBeUndefined();
    expect(key('filter verb = "401"')).toBeUndefined();
    expect(key('filter verb = "true"')).toBeUndefined();
    // a field the query itself defines is not the event's field
    expect(key('fields "x" as verb | filter verb = "x"')).toBeUndefined();
    // a filter on a column stats computes does not decide which events count…
    expect(
      key('stats latest(objectRef.resource) as verb by user.username | filter verb = "pods"'),
    ).toBeUndefined();
    // …but one on a plain group field runs before stats, as the engine hoists it
    expect(key('stats count(*) as n by verb | filter verb = "get"')).toEqual({
      field: 'verb',
      values: ['get'],
    });
    // hoisted past sort and limit, as the engine runs it
    expect(key('sort @timestamp desc | limit 5 | filter eventName = "StopLogging"', 'cloudtrail')).toEqual({
      field: 'eventName',
      values: ['StopLogging'],
    });
    // the registry says what each command defines: parse defines its names only, so a filter
    // that stays after it (it reads a parsed name) still keys on an event field…
    expect(key('parse @message "* *" as a, b | filter a = "x" and verb = "get"')).toEqual({
      field: 'verb',
      values: ['get'],
    });
    // …and a filter on a parsed name does not
    expect(key('parse @message "* *" as verb, b | filter verb = "get"')).toBeUndefined();
    expect(key('parse @message /(?<objectRef>\\S+)/ | filter objectRef.resource = "pods"')).toBeUndefined();
    expect(key('unnest requestObject.items into verb | filter verb = "get"')).toBeUndefined();
    // a barrier that a filter does not move past ends the scan
    expect(key('filldown user.username | filter verb = "get"')).toBeUndefined();
    expect(key('filterIndex eventSource = "s3.amazonaws.com"', 'cloudtrail')).toEqual({
      field: 'eventSource',
      values: ['s3.amazonaws.com'],
    });
  });

  test('the router sends an event to its kind’s unindexed queries and the postings of its values', () => {
    const router = buildRouter([
      { kind: 'cloudtrail', key: { field: 'eventName', values: ['StopLogging', 'DeleteTrail'] } },
      { kind: 'cloudtrail', key: undefined },
      { kind: 'kubernetes-audit', key: { field: 'verb', values: ['create'] } },
      { kind: 'cloudtrail', key: { field: 'eventSource', values: ['cloudtrail.amazonaws.com'] } },
    ]);
    const ct = (record: Record<string, unknown>): LogEvent => ({
      timestamp: 0,
      message: JSON.stringify(record),
      kind: 'cloudtrail',
      record,
      source: {},
    });
    expect(router.route(ct({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' }))).toEqual([
      0, 1, 3,
    ]);
    expect(router.route(ct({ eventName: 'GetUser' }))).toEqual([1]);
    expect(router.route(ct({ eventName: 7 }))).toEqual([1]);
    expect(router.summary).toEqual({
      cloudtrail: { indexed: 2, unindexed: 1 },
      'kubernetes-audit': { indexed: 1, unindexed: 0 },
    });
  });
});
