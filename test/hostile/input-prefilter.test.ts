/**
 * F4: the raw prefilter never changes what is counted or what `--strict`
 * (`onError: 'throw'`) does. Summaries — counts by category, skip reasons
 * and locations, the strict outcome — are equal with the prefilter on and
 * off, over corrupt inputs: broken JSON lines, invalid UTF-8, envelope and
 * container lines, truncated gzip. `KUBETRAIL_HOSTILE_SCALE` scales the runs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { InputError, type ReadLogsOptions, readLogs } from '../../src/read/index.js';
import { query } from '../../src/run/index.js';
import { hostileScale } from './scale.js';

const audit = (verb: string, i: number, time?: string | number) =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    auditID: `id-${i}`,
    verb,
    stage: 'ResponseComplete',
    ...(time === undefined ? {} : { requestReceivedTimestamp: time }),
  });

/** Times that are there but are no date (docs/formats.md: kept with a null @timestamp, counted). */
const BROKEN_TIMES = ['2024-02-30T25:61:61Z', '+275760-09-13T00:00:00Z', '1e20', 'yesterday', 9e15] as const;

/** One line of a corrupt NDJSON file. */
const lineOf = fc.oneof(
  fc.constantFrom('get', 'list', 'delete').map((v) => ({ kind: 'ok' as const, v })),
  fc
    .constantFrom(
      '{"kind":"Event",oops}',
      '{"verb":"get"',
      '{"verb":"delete"}}',
      '{"verb":"get",}',
      '{"verb":"get"} trailing',
      '{"verb":"\\x"}',
      '{"verb":tru}',
      '{"verb":"get","n":01}',
    )
    .map((raw) => ({ kind: 'raw' as const, raw })),
  fc.constant({ kind: 'utf8' as const }),
  fc.constantFrom('get', 'delete').map((v) => ({ kind: 'records' as const, v })),
  fc.constantFrom('get', 'delete').map((v) => ({ kind: 'envelope' as const, v })),
  fc.constant({ kind: 'digest' as const }),
  fc.constant({ kind: 'blank' as const }),
  fc.constant({ kind: 'text' as const }),
  fc
    .record({ v: fc.constantFrom('get', 'list', 'delete'), t: fc.constantFrom(...BROKEN_TIMES) })
    .map(({ v, t }) => ({ kind: 'broken-time' as const, v, t })),
  fc.constantFrom('get', 'delete').map((v) => ({ kind: 'broken-envelope-time' as const, v })),
);
type Line = typeof lineOf extends fc.Arbitrary<infer T> ? T : never;

function bytesOf(line: Line, i: number): Buffer {
  switch (line.kind) {
    case 'ok':
      return Buffer.from(audit(line.v, i));
    case 'raw':
      return Buffer.from(line.raw);
    case 'utf8':
      return Buffer.concat([
        Buffer.from('{"verb":"get","x":"'),
        Buffer.from([0xff, 0xc0]),
        Buffer.from('"}'),
      ]);
    case 'records':
      return Buffer.from(
        `{"Records":[${JSON.stringify({ eventVersion: '1.08', eventName: line.v, verb: line.v })},{"eventVersion":"1.08"}]}`,
      );
    case 'envelope':
      return Buffer.from(
        JSON.stringify({
          messageType: 'DATA_MESSAGE',
          logGroup: 'g',
          logStream: 's',
          logEvents: [
            { id: '1', timestamp: 1, message: audit(line.v, i) },
            { id: '2', timestamp: 2, message: 'x' },
          ],
        }),
      );
    case 'digest':
      return Buffer.from('{"awsAccountId":"1","digestS3Object":"d","logFiles":[]}');
    case 'blank':
      return Buffer.from('   ');
    case 'text':
      return Buffer.from('not json at all');
    case 'broken-time':
      return Buffer.from(audit(line.v, i, line.t));
    case 'broken-envelope-time':
      return Buffer.from(
        JSON.stringify({
          messageType: 'DATA_MESSAGE',
          logGroup: 'g',
          logStream: 's',
          logEvents: [{ id: '1', timestamp: 9e15, message: audit(line.v, i) }],
        }),
      );
  }
}

const queries = [
  'filter verb = "delete" | stats count(*) as c',
  'stats count(*) as c',
  'filter verb = "get" | fields auditID',
  'filter verb in ["delete", "list"] | fields verb',
];

async function outcome(input: Buffer, q: string, prefilter: boolean, onError: 'skip' | 'throw') {
  try {
    const r = await query(input, q, { onError, now: 0, prefilter });
    return { rows: r.rows, statistics: r.statistics };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { error: { code: e.code, line: e.line, byteOffset: e.byteOffset } };
  }
}

const runs = hostileScale(60);

describe('F4: the prefilter does not change counts or the strict outcome', () => {
  test.prop(
    [
      fc.array(lineOf, { minLength: 1, maxLength: 16 }),
      fc.constantFrom(...queries),
      fc.constantFrom('skip', 'throw'),
      fc.boolean(),
    ],
    { numRuns: runs, seed: 20261207 },
  )(
    'invalidTimestamps and their samples are the same with the prefilter on and off',
    async (lines, q, onError, window) => {
      const body = [audit('get', -1), ...lines.map((l, i) => bytesOf(l, i).toString('latin1'))].join('\n');
      const input = Buffer.from(body, 'latin1');
      const run = async (prefilter: boolean) => {
        try {
          const r = await query(input, q, {
            onError,
            now: 0,
            prefilter,
            ...(window ? { startTime: 0, endTime: Date.parse('2030-01-01') } : {}),
          });
          return { rows: r.rows, statistics: r.statistics };
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          return { error: { code: e.code, line: e.line, byteOffset: e.byteOffset } };
        }
      };
      const on = await run(true);
      expect(on).toEqual(await run(false));
    },
  );

  test('an invalid time counts where the query could match it: the prefilter decides with it on or off', async () => {
    const input = Buffer.from(
      [audit('get', 1, '2024-02-30T25:61:61Z'), audit('delete', 2, '1e20'), audit('delete', 3)].join('\n'),
    );
    for (const prefilter of [true, false]) {
      const filtered = await query(input, 'filter verb = "delete" | stats count(*)', { now: 0, prefilter });
      expect(filtered.statistics).toMatchObject({
        invalidTimestamps: 1,
        invalidTimestampSamples: [{ line: 2 }],
      });
      const all = await query(input, 'stats count(*)', { now: 0, prefilter });
      expect(all.statistics.invalidTimestamps).toBe(2);
    }
  });

  test.prop(
    [
      fc.array(lineOf, { minLength: 1, maxLength: 12 }),
      fc.constantFrom(...queries),
      fc.constantFrom('plain', 'gzip', 'truncated-gzip'),
      fc.constantFrom('skip', 'throw'),
    ],
    { numRuns: runs, seed: 42 },
  )('summaries equal with the prefilter on and off', async (lines, q, packing, onError) => {
    // an ok line first keeps the file detected as NDJSON
    const body = Buffer.concat(
      [audit('get', -1), ...lines.map((l, i) => bytesOf(l, i))].flatMap((b) => [
        Buffer.from(b),
        Buffer.from('\n'),
      ]),
    );
    let input = body;
    if (packing !== 'plain') input = gzipSync(body);
    if (packing === 'truncated-gzip') input = input.subarray(0, Math.max(20, input.length - 9));
    const on = await outcome(input, q, true, onError);
    const off = await outcome(input, q, false, onError);
    expect(on).toEqual(off);
  });

  test('the reproducer: a broken second line stops a strict filtered run as it stops an unfiltered one', async () => {
    const input = Buffer.from(`${audit('get', 1)}\n{"kind":"Event",oops}\n${audit('delete', 2)}\n`);
    for (const q of ['stats count(*)', 'filter verb="delete" | stats count(*)']) {
      await expect(query(input, q, { now: 0 })).rejects.toMatchObject({ code: 'bad_json_line', line: 2 });
      const skip = await query(input, q, { now: 0, onError: 'skip' });
      expect(skip.statistics.skippedByReason).toEqual({ bad_json_line: 1 });
    }
  });
});

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8');

/** What a read rejects, and where (the prefilter must not change it). */
async function rejections(input: Buffer, options: ReadLogsOptions) {
  const reader = readLogs(input, { onError: 'skip', ...options });
  for await (const _ of reader) {
    // read to the end
  }
  const s = reader.summary;
  return {
    recordsRead: s.recordsRead,
    rejectedByCode: s.rejectedByCode,
    rejections: s.rejections,
    kept: s.eventsEmitted + s.prefiltered,
  };
}

/** Damaged inputs whose nested JSON the reader parses after the prefilter (fuzz seed 20261207). */
const nestedJson: readonly { readonly name: string; readonly input: () => Buffer; readonly code: string }[] =
  [
    {
      // reader 1600, 3370: a lookup-events file whose CloudTrailEvent string is not JSON
      name: 'a lookup-events CloudTrailEvent that is not JSON',
      input: () =>
        Buffer.from(
          fixture(
            'corpus/aws-samples-eks-security-immersion-day/lookup-events_AssumeRoleForPodIdentity_AccessDenied.json',
          ).replace('"CloudTrailEvent": "{', '"CloudTrailEvent": "{{'),
        ),
      code: 'bad_json_value',
    },
    {
      // reader 4350: a CloudTrail Lake CSV whose eventjson cell is cut
      name: 'a CloudTrail Lake eventjson cell that is cut',
      input: () =>
        Buffer.from(
          fixture('formats/lake-results.csv').replace(
            '"":""us-east-1"",""recipientAccountId"":""111122223333""}"',
            '"',
          ),
        ),
      code: 'bad_json_value',
    },
  ];

describe('fuzz reproducers: nested JSON the prefilter drops is still checked', () => {
  for (const c of nestedJson) {
    test(`${c.name}: rejected with the prefilter on as off`, async () => {
      const input = c.input();
      const off = await rejections(input, {});
      expect(off.rejectedByCode).toEqual({ [c.code]: 1 });
      expect(await rejections(input, { prefilter: { test: () => false } })).toEqual(off);
      for (const onError of ['skip', 'throw'] as const) {
        const q = 'filter verb = "delete" | stats count(*)';
        expect(await outcome(input, q, true, onError)).toEqual(await outcome(input, q, false, onError));
      }
    });
  }

  test('a record of more values than maxRecordValues is rejected with the prefilter on as off', async () => {
    const many = JSON.stringify({ kind: 'Event', verb: 'get', n: Array.from({ length: 40 }, (_, i) => i) });
    const lines = [
      // NDJSON
      `${audit('get', 1)}\n${many}\n${audit('get', 2)}\n`,
      // a JSON message in a CloudWatch export line
      `2024-05-01T10:00:00.000Z ${audit('get', 1)}\n2024-05-01T10:00:01.000Z ${many}\n`,
      // a Records element
      `{"Records":[{"eventVersion":"1.08"},${many}]}`,
      // a CloudTrailEvent string
      JSON.stringify({ Events: [{ EventId: '1', CloudTrailEvent: many }] }),
    ];
    for (const text of lines) {
      const input = Buffer.from(text);
      const off = await rejections(input, { maxRecordValues: 16 });
      expect(off.rejectedByCode).toEqual({ record_too_complex: 1 });
      expect(await rejections(input, { maxRecordValues: 16, prefilter: { test: () => false } })).toEqual(off);
    }
  });
});
