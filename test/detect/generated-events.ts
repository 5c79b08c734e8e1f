/**
 * Generated audit and CloudTrail events for property tests over the whole
 * catalogue: field values are drawn from the literals the catalogue's
 * filters name, so that detections fire (and nearly fire) often.
 */
import { fc } from '@fast-check/vitest';
import { BUILT_IN_DETECTIONS } from '../../src/detect/catalogue/index.js';
import type { DetectionKind } from '../../src/detect/types.js';
import type { LogEvent } from '../../src/log-event.js';
import { compileQuery } from '../../src/query/index.js';

// The literals the catalogue's filters name, per kind: generated events draw field values
// from them so that detections fire (and nearly fire) often.
const TERMS = new Map<DetectionKind, { field: string; text: string }[]>();
for (const d of BUILT_IN_DETECTIONS) {
  for (const q of d.queries) {
    const list = TERMS.get(d.kind) ?? [];
    for (const clause of compileQuery(q.query).prefilter.clauses)
      for (const t of clause) if (t.where === 'json-value') list.push({ field: t.field, text: t.text });
    TERMS.set(d.kind, list);
  }
}

function setPath(record: Record<string, unknown>, field: string, value: unknown): void {
  const parts = field.split('.');
  let cur: Record<string, unknown> = record;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i] as string;
    const nextIsIndex = /^\d+$/.test(parts[i + 1] as string);
    const existing = Object.hasOwn(cur, key) ? cur[key] : undefined;
    if (existing === null || typeof existing !== 'object') cur[key] = nextIsIndex ? [] : {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[parts.at(-1) as string] = value;
}

/** One generated event of `kind`: its timestamp and record. */
export const eventArb = (kind: 'kubernetes-audit' | 'cloudtrail') => {
  const terms = TERMS.get(kind) ?? [];
  return fc
    .record({
      t: fc.integer({ min: 0, max: 86_400_000 }),
      picks: fc.array(fc.constantFrom(...terms), { maxLength: 6 }),
      code: fc.constantFrom(200, 201, 403, 401, 404, 500),
      ip: fc.constantFrom('10.0.1.20', '203.0.113.9', '198.51.100.7', '192.168.1.1'),
      user: fc.constantFrom(
        'alice',
        'system:anonymous',
        'system:serviceaccount:default:x',
        'eks:node-manager',
      ),
    })
    .map(({ t, picks, code, ip, user }) => {
      const time = new Date(Date.UTC(2024, 4, 14) + t).toISOString();
      const record: Record<string, unknown> =
        kind === 'kubernetes-audit'
          ? {
              kind: 'Event',
              apiVersion: 'audit.k8s.io/v1',
              stage: 'ResponseComplete',
              stageTimestamp: time,
              verb: 'get',
              user: { username: user },
              sourceIPs: [ip],
              responseStatus: { code },
              objectRef: { resource: 'pods', namespace: 'default' },
            }
          : {
              eventVersion: '1.08',
              eventTime: time,
              eventSource: 'iam.amazonaws.com',
              eventName: 'GetUser',
              sourceIPAddress: ip,
              userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/${user}` },
              recipientAccountId: '111122223333',
            };
      for (const p of picks) setPath(record, p.field, p.text);
      return { timestamp: Date.parse(time), kind, record };
    });
};

/** Generated events as the reader gives them, numbered as lines of one NDJSON file. */
export const asLogEvents = (
  list: readonly { timestamp: number; kind: LogEvent['kind']; record: unknown }[],
): LogEvent[] =>
  list.map(
    (e, i): LogEvent => ({
      timestamp: e.timestamp,
      message: JSON.stringify(e.record),
      kind: e.kind,
      record: e.record,
      source: { file: 'generated.ndjson', line: i + 1 },
    }),
  );
