/**
 * Partitioned runs equal one-thread runs: rows (and their order) and
 * statistics. These tests run the partition code on the calling thread
 * (`inProcessExecutor`: the same `runPartition` a worker thread runs, its
 * results passed through `structuredClone` as a thread hand-over does), over
 * files cut into whole-file and byte-range partitions; the worker threads
 * themselves are tested on the built package in `workers.test.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { inProcessExecutor } from '../../src/parallel/executor.js';
import { queryParallel } from '../../src/parallel/query-parallel.js';
import { type QueryLogsOptions, type QueryLogsStream, queryStream } from '../../src/run/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kubetrail-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let runNo = 0;

const NOW = Date.UTC(2024, 0, 1);
const VERBS = ['get', 'list', 'create', 'delete', 'patch'];
const USERS = ['alice', 'bob', 'system:serviceaccount:kube-system:x', '401', 'ü'];

interface Ev {
  readonly verb: string | undefined;
  readonly user: string | number | undefined;
  readonly code: number | string | undefined;
  readonly size: number | undefined;
  readonly t: number;
}

const event: fc.Arbitrary<Ev> = fc.record({
  verb: fc.option(fc.constantFrom(...VERBS), { nil: undefined, freq: 8 }),
  user: fc.oneof(fc.constantFrom(...USERS), fc.constant(401), fc.constant(undefined)),
  code: fc.oneof(fc.constantFrom(200, 201, 403, 404, 500, 503), fc.constant('500'), fc.constant(undefined)),
  size: fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: undefined, freq: 4 }),
  // few distinct times, so that earliest/latest meet ties
  t: fc.integer({ min: 0, max: 40 }).map((s) => NOW + s * 15_000),
});

function auditLine(e: Ev, i: number): string {
  const o: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `id-${i}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/ns-${i % 3}/pods`,
    requestReceivedTimestamp: new Date(e.t).toISOString(),
    stageTimestamp: new Date(e.t + 3).toISOString(),
  };
  if (e.verb !== undefined) o.verb = e.verb;
  if (e.user !== undefined) o.user = { username: e.user };
  if (e.code !== undefined) o.responseStatus = { code: e.code };
  if (e.size !== undefined) o.size = e.size;
  // (an array for expand: one address or two)
  o.sourceIPs = i % 2 === 0 ? [`10.0.0.${i % 4}`] : [`10.0.0.${i % 4}`, '192.0.2.1'];
  return JSON.stringify(o);
}

const AGGREGATES = [
  'count(*)',
  'count(verb)',
  'sum(size)',
  'avg(size)',
  'min(size)',
  'max(responseStatus.code)',
  'min(verb)',
  'count_distinct(user.username)',
  'count_distinct(verb)',
  'pct(size, 50)',
  'pct(responseStatus.code, 90)',
  'stddev(size)',
  'earliest(verb)',
  'latest(user.username)',
  'sortsFirst(verb)',
];
const GROUPS = ['verb', 'user.username', 'bin(1m)', 'responseStatus.code', 'bin(5m) as t'];
const BEFORE = [
  '',
  'filter verb != "get" | ',
  'filter responseStatus.code >= 400 or verb = "delete" | ',
  'parse requestURI "/namespaces/*/" as ns | ',
  'fields strlen(verb) as n | ',
];
const AFTER = [
  '',
  ' | sort c desc',
  ' | sort c desc | limit 3',
  ' | filter c > 1',
  ' | stats count(*) as groups',
];

const statsQuery = fc
  .record({
    before: fc.constantFrom(...BEFORE),
    aggs: fc.uniqueArray(fc.constantFrom(...AGGREGATES), { minLength: 1, maxLength: 4 }),
    groups: fc.uniqueArray(fc.constantFrom(...GROUPS), { minLength: 0, maxLength: 2 }),
    after: fc.constantFrom(...AFTER),
  })
  .map(({ before, aggs, groups, after }) => {
    const items = [`${aggs[0]} as c`, ...aggs.slice(1)].join(', ');
    const by = groups.length === 0 ? '' : ` by ${groups.join(', ')}`;
    return `${before}stats ${items}${by}${after}`;
  });

const TOPK_BEFORE = [
  '',
  'filter verb != "get" | ',
  'filter responseStatus.code >= 400 or verb = "delete" | ',
  'parse requestURI "/namespaces/*/" as ns | ',
  'fields strlen(verb) as n, verb | ',
];
const TOPK_SORT = [
  '',
  'sort @timestamp desc | ',
  'sort @timestamp asc | ',
  'sort verb asc, @timestamp desc | ',
  'sort responseStatus.code desc | ',
  'sort size | ',
  'sort user.username desc | ',
];
const TOPK_AFTER = [
  '',
  ' | fields verb, user.username',
  ' | display auditID, @timestamp',
  ' | stats count(*) as c by verb',
  ' | sort auditID',
];

/** Queries whose first sort (or the implicit newest-first order) is bounded by a limit. */
const topKQuery = fc
  .record({
    before: fc.constantFrom(...TOPK_BEFORE),
    sort: fc.constantFrom(...TOPK_SORT),
    limit: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
    after: fc.constantFrom(...TOPK_AFTER),
  })
  .map(({ before, sort, limit, after }) => {
    const body = `${before}${sort}${limit === undefined ? '' : `limit ${limit}`}`.replace(/ \| $/, '');
    return body === '' ? `fields auditID${after}` : `${body}${after}`;
  });

async function drain(stream: QueryLogsStream): Promise<{ rows: unknown[]; statistics: unknown }> {
  const rows: unknown[] = [];
  for await (const row of stream) rows.push(row);
  return { rows, statistics: stream.statistics };
}

/** Writes the lines into `files` files (cut at random line counts); blank and bad lines included. */
function writeFiles(lines: readonly string[], cuts: readonly number[]): string[] {
  const sub = join(dir, `run-${runNo++}`);
  const bounds = [...new Set([0, ...cuts.map((c) => c % (lines.length + 1)), lines.length])].sort(
    (a, b) => a - b,
  );
  const files: string[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const file = `${sub}-${i}.ndjson`;
    writeFileSync(file, `${lines.slice(bounds[i], bounds[i + 1]).join('\n')}\n`);
    files.push(file);
  }
  return files;
}

async function both(
  files: readonly string[],
  text: string,
  options: QueryLogsOptions,
  rangeBytes: number,
): Promise<{ one: unknown; many: unknown; fallbacks: string[] }> {
  const one = await drain(queryStream(files, text, options));
  const fallbacks: string[] = [];
  const many = await drain(
    queryParallel(
      files,
      text,
      options,
      { executor: inProcessExecutor(), rangeBytes, onFallback: (r) => fallbacks.push(r) },
      queryStream,
    ),
  );
  return { one, many, fallbacks };
}

const lineWithNoise = fc.oneof(
  { weight: 20, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('', '{"broken', 'not json at all') },
);

describe('partitioned runs equal one thread', () => {
  test.prop(
    [
      fc.array(fc.tuple(event, lineWithNoise), { minLength: 1, maxLength: 120 }),
      statsQuery,
      fc.array(fc.nat(), { maxLength: 3 }),
      fc.integer({ min: 200, max: 6000 }),
      fc.boolean(),
    ],
    { numRuns: 120 },
  )(
    'rows, order and statistics, over random files and byte ranges',
    async (events, text, cuts, rangeBytes, prefilter) => {
      const lines = events.map(([e, noise], i) => noise ?? auditLine(e, i));
      const files = writeFiles(lines, cuts);
      const { one, many, fallbacks } = await both(
        files,
        text,
        { now: NOW, onError: 'skip', prefilter },
        rangeBytes,
      );
      expect(many).toEqual(one);
      // it really ran partitioned (unless everything fits in one partition)
      for (const r of fallbacks) expect(r).toBe('the input is too small to split');
    },
  );

  test.prop(
    [
      fc.array(fc.tuple(event, lineWithNoise), { minLength: 1, maxLength: 120 }),
      topKQuery,
      fc.array(fc.nat(), { maxLength: 3 }),
      fc.integer({ min: 200, max: 6000 }),
      fc.boolean(),
      fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
    ],
    { numRuns: 120 },
  )(
    'top-K queries: rows (with @ptr), order and statistics, over random files and byte ranges',
    async (events, text, cuts, rangeBytes, prefilter, limit) => {
      const lines = events.map(([e, noise], i) => noise ?? auditLine(e, i));
      const files = writeFiles(lines, cuts);
      const options = {
        now: NOW,
        onError: 'skip' as const,
        prefilter,
        ...(limit === undefined ? {} : { limit }),
      };
      const { one, many, fallbacks } = await both(files, text, options, rangeBytes);
      expect(many).toEqual(one);
      for (const r of fallbacks)
        expect(r).toMatch(
          /the input is too small to split|without a limit|too many candidates|narrows the scan/,
        );
    },
  );

  test.each([
    ['stats count(*) by verb', 'no fallback'],
    [
      'filter verb = "delete" | stats count_distinct(user.username) as u, pct(size, 99) by bin(1m)',
      'no fallback',
    ],
    ['stats count(*) as c by verb | stats sum(c) as total', 'no fallback'],
    ['countFrequent verb, user', 'no fallback'],
    ['filter verb != "get" | count_frequent user, code | limit 3', 'no fallback'],
    ['sort @timestamp desc | limit 5 | stats count(*) by verb', 'no fallback'],
    ['dedup verb | limit 3', 'followed by dedup'],
    ['limit 50 | stats count(*) by verb', 'no fallback'],
    ['fields verb, @ptr | stats count(*) by @ptr', '@ptr'],
    ['filter verb = "get" | fields auditID', 'narrows the scan'],
    ['filter verb != "get" | fields auditID', 'too many candidates'],
    ['filter verb = "get" | fields auditID | limit 7', 'narrows the scan'],
    ['filter verb != "get" | fields auditID | limit 7', 'no fallback'],
    ['fields auditID, verb | limit 100', 'no fallback'],
    ['sort verb | stats count(*) by verb', 'without a limit'],
    ['limit 20000 | fields auditID', 'above 10000'],
    ['fields @ptr | limit 5', '@ptr'],
    ['expand sourceIPs | stats count(*) by sourceIPs', 'no fallback'],
    ['stats count(*) as n by bin(1m), verb | fillmissing with 0 for n | filldown n', 'no fallback'],
    [
      'sessionize user.username maxspan 20s | stats count(*) by session_id',
      'sessionize before the first stats',
    ],
    [
      'fields size, verb | autoregress size p=1-2 | addtotals col=true | stats sum(Total) by verb',
      'the newest-first order without a limit',
    ],
  ])('%s', async (text, expectFallback) => {
    const lines = Array.from({ length: 400 }, (_, i) =>
      auditLine(
        { verb: VERBS[i % 5], user: USERS[i % 4], code: 200 + (i % 3), size: i * 1.5, t: NOW + i * 7000 },
        i,
      ),
    );
    const files = writeFiles(lines, [150]);
    const { one, many, fallbacks } = await both(files, text, { now: NOW }, 4096);
    expect(many).toEqual(one);
    if (expectFallback === 'no fallback') expect(fallbacks).toEqual([]);
    else expect(fallbacks.join(' ')).toMatch(expectFallback);
  });

  test('a bad line under onError throw: the same error as one thread', async () => {
    const lines = Array.from({ length: 300 }, (_, i) =>
      i === 250 ? '{"oops' : auditLine({ verb: 'get', user: 'a', code: 200, size: 1, t: NOW }, i),
    );
    const files = writeFiles(lines, []);
    const text = 'stats count(*) by verb';
    const oneError = await drain(queryStream(files, text, { now: NOW })).catch((e: unknown) => e);
    const fallbacks: string[] = [];
    const manyError = await drain(
      queryParallel(
        files,
        text,
        { now: NOW },
        { executor: inProcessExecutor(), rangeBytes: 2000, onFallback: (r) => fallbacks.push(r) },
        queryStream,
      ),
    ).catch((e: unknown) => e);
    expect(manyError).toBeInstanceOf(Error);
    expect(manyError).toEqual(oneError);
    expect((manyError as { code?: string }).code).toBe((oneError as { code?: string }).code);
    expect(fallbacks.join(' ')).toMatch(/a partition failed/);
  });

  test('a bad query fails before anything is read', () => {
    expect(() =>
      queryParallel(['no-such-file'], 'stats nope(x)', {}, { executor: inProcessExecutor() }, queryStream),
    ).toThrow(expect.objectContaining({ code: 'unknown_function' }));
  });
});
