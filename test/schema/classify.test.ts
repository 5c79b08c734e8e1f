import { describe, expect, test } from 'vitest';
import {
  classifyRecord,
  isAuditEvent,
  isAuditEventList,
  isCloudTrailDigest,
  isCloudTrailFile,
  isCloudTrailRecord,
  type RecordClass,
} from '../../src/schema/classify.js';

describe('classifyRecord', () => {
  test.each<[string, unknown, RecordClass]>([
    [
      'audit v1',
      { kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: 'a', verb: 'get' },
      'kubernetes-audit-event',
    ],
    [
      'audit v1beta1',
      { kind: 'Event', apiVersion: 'audit.k8s.io/v1beta1', auditID: 'a' },
      'kubernetes-audit-event',
    ],
    [
      'audit without apiVersion',
      { kind: 'Event', verb: 'create', stage: 'ResponseComplete' },
      'kubernetes-audit-event',
    ],
    ['audit with only auditID', { auditID: 'x' }, 'kubernetes-audit-event'],
    ['core/v1 Event', { kind: 'Event', apiVersion: 'v1', involvedObject: {}, reason: 'Pulled' }, 'unknown'],
    ['kind Event without audit keys', { kind: 'Event' }, 'unknown'],
    ['malformed kind', { kind: 0 }, 'unknown'],
    [
      'audit list',
      { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [] },
      'kubernetes-audit-event-list',
    ],
    ['core list', { kind: 'EventList', apiVersion: 'v1', items: [] }, 'unknown'],
    ['list without items', { kind: 'EventList' }, 'unknown'],
    ['cloudtrail', { eventVersion: '1.08', eventName: 'AssumeRole' }, 'cloudtrail-record'],
    [
      'cloudtrail without version',
      { eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' },
      'cloudtrail-record',
    ],
    ['cloudtrail insight', { insightDetails: { state: 'Start' } }, 'cloudtrail-record'],
    ['cloudtrail logstash', { eventTime: '2020-01-01T00:00:00Z', userIdentity: {} }, 'cloudtrail-record'],
    ['cloudtrail file', { Records: [] }, 'cloudtrail-file'],
    ['digest', { digestS3Object: 'x', logFiles: [] }, 'cloudtrail-digest'],
    ['digest by logFiles', { logFiles: [], digestEndTime: '2015-08-17T15:01:31Z' }, 'cloudtrail-digest'],
    ['bogus eventType only', { eventType: 'logout' }, 'unknown'],
    ['array', [{ auditID: 'x' }], 'unknown'],
    ['null', null, 'unknown'],
    ['string', 'auditID', 'unknown'],
    ['empty', {}, 'unknown'],
    ['inherited keys do not count', Object.create({ auditID: 'x' }), 'unknown'],
  ])('%s', (_name, value, expected) => {
    expect(classifyRecord(value)).toBe(expected);
  });

  test('guards agree with the classifier', () => {
    expect(isAuditEvent({ auditID: 'a' })).toBe(true);
    expect(isAuditEventList({ kind: 'EventList', items: [] })).toBe(true);
    expect(isCloudTrailRecord({ eventVersion: '1.0' })).toBe(true);
    expect(isCloudTrailFile({ Records: [] })).toBe(true);
    expect(isCloudTrailDigest({ digestS3Object: 'x' })).toBe(true);
    expect(isCloudTrailRecord({ auditID: 'a' })).toBe(false);
  });
});
