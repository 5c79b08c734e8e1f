import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import { compileQuery } from '../../src/query/index.js';
import { canSearchChunks, createMultiSearch } from '../../src/read/chunk-search.js';
import { type RawPrefilter, type ReadSummary, readLogs } from '../../src/read/index.js';
import { query, toRawPrefilter } from '../../src/run/index.js';
import { asAsync, cut } from '../read/cut-chunks.js';

// Values that hit, nearly hit, or hide a literal behind an escape.
const VALUES = [
  'rolebindings',
  '\\u0072olebindings',
  'role\\u0062indings',
  'rolebinding',
  'a/b',
  'a\\/b',
  'create',
  'cre\\u0061te',
  'delete',
  'get',
  'say \\"rolebindings\\"',
  'x',
];
const LINE_KINDS = ['json', 'json', 'json', 'json', 'blank', 'text', 'bad', 'array', 'indented'] as const;

const lineArb = fc.record({
  kind: fc.constantFrom(...LINE_KINDS),
  a: fc.constantFrom(...VALUES),
  b: fc.constantFrom(...VALUES),
  pad: fc.nat({ max: 40 }),
  crlf: fc.boolean(),
});

function writeLine(l: typeof lineArb extends fc.Arbitrary<infer T> ? T : never, i: number): string {
  const body = `"id":${i},"res":"${l.a}","verb":"${l.b}","pad":"${'p'.repeat(l.pad)}"`;
  const eol = l.crlf ? '\r\n' : '\n';
  switch (l.kind) {
    case 'blank':
      return ` \t${eol}`;
    case 'text':
      return `text line ${l.a} ${l.b}${eol}`;
    case 'bad':
      return `{${body}${eol}`;
    case 'array':
      return `[{${body}}]${eol}`;
    case 'indented':
      return `  \t{${body}}${eol}`;
    default:
      return `{${body}}${eol}`;
  }
}

const QUERIES = [
  'filter res = "rolebindings" and verb in ["create", "delete"]',
  'filter verb in ["create", "delete", "get"] and res like "rolebindings"',
  'filter res like "a/b" | fields id',
  'filter res = "a/b" or verb = "rolebindings" | stats count(*) by verb',
  'filter verb = "get"',
];

async function read(
  chunks: readonly Uint8Array[],
  prefilter: RawPrefilter,
): Promise<{ events: LogEvent[]; summary: ReadSummary }> {
  const reader = readLogs(asAsync(chunks), { format: 'ndjson', onError: 'skip', prefilter, logStream: 's' });
  const events: LogEvent[] = [];
  for await (const e of reader) events.push(e);
  return { events, summary: reader.summary };
}

function counts(s: ReadSummary) {
  return {
    recordsRead: s.recordsRead,
    prefiltered: s.prefiltered,
    eventsEmitted: s.eventsEmitted,
    rejected: s.rejected,
    rejectedByCode: { ...s.rejectedByCode },
    rejections: s.rejections,
  };
}

describe('chunk-level literal search', () => {
  test.each([
    [['ab', 'cd'], 'xxcdab', [0, 2, 3, 4, 5, 6], [2, 2, 4, 4, 6, 6]],
    [['ab'], 'ababab', [0, 1, 2, 5], [0, 2, 2, 6]],
    [['zz'], 'ababab', [0, 3], [6, 6]],
    [['\\u', 'ab'], 'x\\uab', [0, 2, 3], [1, 3, 3]],
  ])('patterns %j in %s: first hit at or after each position', (patterns, text, froms, hits) => {
    const search = createMultiSearch(patterns.map((p) => Buffer.from(p)));
    const bytes = Buffer.from(text);
    const next = search(bytes, bytes.length);
    expect(froms.map((f) => next(f))).toEqual(hits);
  });

  test('a query prefilter can search chunks; without literals there is none', () => {
    expect(canSearchChunks(toRawPrefilter(compileQuery('filter verb = "get"').prefilter))).toBe(true);
    expect(toRawPrefilter(compileQuery('stats count(*)').prefilter)).toBeUndefined();
  });

  test.prop(
    [
      fc.array(lineArb, { minLength: 1, maxLength: 40 }),
      fc.constantFrom(...QUERIES),
      fc.array(fc.nat(), { maxLength: 8 }),
    ],
    { numRuns: 200 },
  )('skipping whole chunk regions equals testing line by line, however chunked', async (lines, q, points) => {
    const bytes = Buffer.from(lines.map((l, i) => writeLine(l, i)).join(''));
    const full = toRawPrefilter(compileQuery(q).prefilter);
    if (full === undefined) throw new Error('expected a prefilter');
    const lineByLine: RawPrefilter = { test: (b, s, e) => full.test(b, s, e) };
    const chunks = cut(bytes, points);
    const fast = await read(chunks, full);
    const slow = await read(chunks, lineByLine);
    expect(fast.events).toEqual(slow.events);
    expect(counts(fast.summary)).toEqual(counts(slow.summary));
  });

  test.prop([fc.array(lineArb, { minLength: 1, maxLength: 40 }), fc.constantFrom(...QUERIES)], {
    numRuns: 100,
  })('query rows and counts are the same with the prefilter on and off', async (lines, q) => {
    const input = Buffer.from(lines.map((l, i) => writeLine(l, i)).join(''));
    const options = { onError: 'skip', now: 0, logStream: 's' } as const;
    const on = await query(input, q, { ...options, prefilter: true });
    const off = await query(input, q, { ...options, prefilter: false });
    expect(on.rows).toEqual(off.rows);
    expect(on.statistics.recordsMatched).toBe(off.statistics.recordsMatched);
    // a malformed line the prefilter drops counts as scanned, not as skipped (bad_json_line)
    const seen = (r: typeof on) => r.statistics.recordsScanned + r.statistics.recordsSkipped;
    expect(seen(on)).toBe(seen(off));
    expect(on.statistics.recordsSkipped).toBeLessThanOrEqual(off.statistics.recordsSkipped);
  });
});
