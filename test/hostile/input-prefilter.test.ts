/**
 * F4: the raw prefilter never changes what is counted or what `--strict`
 * (`onError: 'throw'`) does. Summaries — counts by category, skip reasons
 * and locations, the strict outcome — are equal with the prefilter on and
 * off, over corrupt inputs: broken JSON lines, invalid UTF-8, envelope and
 * container lines, truncated gzip. `KUBETRAIL_HOSTILE_SCALE` scales the runs.
 */
import { gzipSync } from 'node:zlib';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { InputError } from '../../src/read/index.js';
import { query } from '../../src/run/index.js';
import { hostileScale } from './scale.js';

const audit = (verb: string, i: number) =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    auditID: `id-${i}`,
    verb,
    stage: 'ResponseComplete',
  });

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
