// join, subqueries, lookup and cidrlookup through compileQuery and query():
// the semantic rules of docs/query-language.md, one test each.
import { describe, expect, test } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import {
  type CompileOptions,
  compileQuery,
  isQueryError,
  parseQuery,
  printQuery,
} from '../../src/query/index.js';
import { lookupTableFromRecords } from '../../src/query/lookup-table.js';
import { query, usesSideInputs } from '../../src/run/index.js';
import { compileToSql } from '../../src/sql/compile-sql.js';

const T0 = Date.parse('2024-05-14T10:00:00Z');

function ev(i: number, record: Record<string, unknown>): LogEvent {
  return {
    timestamp: T0 + i * 1000,
    message: JSON.stringify(record),
    kind: 'json',
    record,
    source: { file: 'mem', line: i + 1 },
  };
}

const api = [
  ev(0, { requestId: 'a', status: 502, latency: 900 }),
  ev(1, { requestId: 'b', status: 503, latency: 100 }),
  ev(2, { requestId: 'c', status: 200, latency: 5 }),
  ev(3, { status: 500, latency: 7 }),
];
const fn = [
  ev(0, { requestId: 'a', duration: 30 }),
  ev(1, { requestId: 'b', duration: 40 }),
  ev(2, { requestId: 'b', duration: 41 }),
  ev(3, { requestId: 'z', duration: 1 }),
];

async function rows(text: string, events: readonly LogEvent[], options: CompileOptions = {}) {
  const result = await compileQuery(text, { order: 'input', ...options }).run(events);
  return result.rows.map((r) => {
    const { '@ptr': _ptr, ...rest } = r as Record<string, unknown>;
    return rest;
  });
}

async function failure(text: string, events: readonly LogEvent[], options: CompileOptions = {}) {
  try {
    await compileQuery(text, options).run(events);
  } catch (error) {
    if (isQueryError(error)) return error;
    throw error;
  }
  throw new Error('expected a QueryError');
}

describe('join', () => {
  const sources = { '/aws/lambda/fn': fn };

  test('the documented example: inner join, fields by alias, sort by the left side', async () => {
    const text = `filter status >= 500
| join type=inner left=api right=lambda
    where api.requestId=lambda.requestId
    (SOURCE '/aws/lambda/fn')
| fields api.requestId, api.status, api.latency, lambda.duration
| sort api.latency desc`;
    expect(await rows(text, api, { sources })).toEqual([
      { 'api.requestId': 'a', 'api.status': 502, 'api.latency': 900, 'lambda.duration': 30 },
      { 'api.requestId': 'b', 'api.status': 503, 'api.latency': 100, 'lambda.duration': 40 },
      { 'api.requestId': 'b', 'api.status': 503, 'api.latency': 100, 'lambda.duration': 41 },
    ]);
  });

  test('type=left keeps unmatched left rows once, with the right alias empty; a missing key matches nothing', async () => {
    const text = `join type=left left=l right=r where l.requestId = r.requestId (SOURCE '/aws/lambda/fn')
| fields l.status, r.duration`;
    expect(await rows(text, api, { sources })).toEqual([
      { 'l.status': 502, 'r.duration': 30 },
      { 'l.status': 503, 'r.duration': 40 },
      { 'l.status': 503, 'r.duration': 41 },
      { 'l.status': 200 },
      { 'l.status': 500 },
    ]);
  });

  test('type is inner by default; the condition may name the right side first; unprefixed names read the left row', async () => {
    const text = `join left=l right=r where r.requestId = l.requestId (SOURCE '/aws/lambda/fn') | fields status, r.duration`;
    expect(await rows(text, api, { sources })).toEqual([
      { status: 502, 'r.duration': 30 },
      { status: 503, 'r.duration': 40 },
      { status: 503, 'r.duration': 41 },
    ]);
  });

  test('keys compare as = does: a number matches the string that spells it', async () => {
    const left = [ev(0, { code: 401 }), ev(1, { code: '404' })];
    const right = [ev(0, { code: '401', name: 'unauthorized' }), ev(1, { code: 404.0, name: 'not found' })];
    const text = `join left=l right=r where l.code = r.code (SOURCE 'codes') | fields l.code, r.name`;
    expect(await rows(text, left, { sources: { codes: right } })).toEqual([
      { 'l.code': 401, 'r.name': 'unauthorized' },
      { 'l.code': '404', 'r.name': 'not found' },
    ]);
  });

  test('several conditions joined with and make one composite key', async () => {
    const left = [ev(0, { a: 1, b: 'x' }), ev(1, { a: 1, b: 'y' })];
    const right = [ev(0, { a: 1, b: 'y', v: 'hit' }), ev(1, { a: 2, b: 'x', v: 'miss' })];
    const text = `join left=l right=r where l.a = r.a and l.b = r.b (SOURCE 's') | fields l.b, r.v`;
    expect(await rows(text, left, { sources: { s: right } })).toEqual([{ 'l.b': 'y', 'r.v': 'hit' }]);
  });

  test('the right side is a query of its own: filters, parse and stats run inside the parentheses', async () => {
    const text = `join left=l right=r where l.requestId = r.requestId
  (SOURCE '/aws/lambda/fn' | filter duration > 35 | stats max(duration) as worst by requestId)
| fields l.requestId, r.worst`;
    expect(await rows(text, api, { sources })).toEqual([{ 'l.requestId': 'b', 'r.worst': 41 }]);
  });

  test('a join after stats joins the groups; the right side reads the run window', async () => {
    const text = `stats count(*) as n by requestId
| join left=l right=r where l.requestId = r.requestId (SOURCE '/aws/lambda/fn')
| display l.requestId, l.n, r.duration`;
    const options = { sources, startTime: T0 + 1000 };
    expect(await rows(text, api, options)).toEqual([
      { 'l.requestId': 'b', 'l.n': 1, 'r.duration': 40 },
      { 'l.requestId': 'b', 'l.n': 1, 'r.duration': 41 },
    ]);
  });

  test('without SOURCE the right side is the query input itself (a self-join)', async () => {
    const text = `join left=l right=r where l.requestId = r.requestId (filter status >= 500) | fields l.requestId, r.latency`;
    expect(await rows(text, api)).toEqual([
      { 'l.requestId': 'a', 'r.latency': 900 },
      { 'l.requestId': 'b', 'r.latency': 100 },
    ]);
  });

  test('a source given as a function is read on every run', async () => {
    let reads = 0;
    const q = compileQuery(
      `join left=l right=r where l.requestId = r.requestId (SOURCE 'f') | fields r.duration`,
      {
        sources: {
          f: () => {
            reads++;
            return fn;
          },
        },
      },
    );
    await q.run(api);
    await q.run(api);
    expect(reads).toBe(2);
  });

  test.each([
    [
      'a SOURCE the caller did not supply (at compile, when sources are given)',
      `join left=l right=r where l.x = r.x (SOURCE 'nope')`,
      { sources },
      'unknown_source',
    ],
    [
      'a SOURCE with no sources at all (at run)',
      `join left=l right=r where l.x = r.x (SOURCE 'nope')`,
      {},
      'unknown_source',
    ],
    ['the same alias twice', `join left=a right=a where a.x = a.x (SOURCE 'x')`, {}, 'bad_join_condition'],
    ['a missing alias', `join type=left left=a where a.x = b.x (SOURCE 'x')`, {}, 'bad_join_condition'],
    [
      'a condition on one side only',
      `join left=a right=b where a.x = a.y (SOURCE 'x')`,
      {},
      'bad_join_condition',
    ],
    [
      'a condition without an alias',
      `join left=a right=b where x = b.y (SOURCE 'x')`,
      {},
      'bad_join_condition',
    ],
    ['type=outer', `join type=outer left=a right=b where a.x = b.y (SOURCE 'x')`, {}, 'unexpected_token'],
    [
      'a join inside a join',
      `join left=a right=b where a.x = b.x (SOURCE 'x' | join left=c right=d where c.x = d.x (SOURCE 'y'))`,
      {},
      'nested_subquery',
    ],
    [
      'a subquery inside a join',
      `join left=a right=b where a.x = b.x (SOURCE 'x' | filter x in (SOURCE 'y' | fields x))`,
      {},
      'nested_subquery',
    ],
    [
      'SOURCE after the first command inside',
      `join left=a right=b where a.x = b.x (filter x = 1 | SOURCE 'y')`,
      {},
      'misplaced_source',
    ],
  ])('%s is an error', async (_what, text, options, code) => {
    expect((await failure(text, api, options)).code).toBe(code);
  });

  test('errors inside the parentheses point into the whole query', async () => {
    const error = await failure(`join left=a right=b where a.x = b.x (SOURCE 'x' | fields strln(x))`, api, {
      sources: { x: [] },
    });
    expect(error.code).toBe('unknown_function');
    expect(error.column).toBe(58);
  });

  test('a right side over the byte budget stops with resource_limit naming memoryBudgetBytes', async () => {
    const big = Array.from({ length: 200 }, (_, i) => ev(i, { requestId: `r${i}`, pad: 'x'.repeat(200) }));
    const error = await failure(`join left=l right=r where l.requestId = r.requestId (SOURCE 'big')`, api, {
      sources: { big },
      memoryBudgetBytes: 20_000,
    });
    expect(error.code).toBe('resource_limit');
    expect(error.message).toContain('the right side of the join');
    expect(error.message).toContain('memoryBudgetBytes');
  });

  test('cancelling the run while the right side is read stops it', async () => {
    const controller = new AbortController();
    async function* slow(): AsyncGenerator<LogEvent> {
      yield ev(0, { requestId: 'a' });
      controller.abort();
      yield ev(1, { requestId: 'b' });
    }
    const q = compileQuery(`join left=l right=r where l.requestId = r.requestId (SOURCE 's')`, {
      sources: { s: slow },
    });
    const error = await q.run(api, { signal: controller.signal }).catch((e: unknown) => e);
    expect(isQueryError(error) && error.code).toBe('query_cancelled');
  });
});

describe('subqueries', () => {
  test('the documented example: the inner query over a named source gives the set', async () => {
    const text = `filter requestId in (
    SOURCE '/aws/lambda/database-service'
    | filter duration > 35
    | fields requestId
)
| fields @timestamp, requestId, status
| sort @timestamp desc`;
    expect(await rows(text, api, { sources: { '/aws/lambda/database-service': fn } })).toEqual([
      { '@timestamp': new Date(T0 + 1000), requestId: 'b', status: 503 },
    ]);
  });

  test('without SOURCE the inner query reads the query input again; not in negates; missing is false both ways', async () => {
    const inner = '(filter status >= 500 | fields requestId)';
    expect(await rows(`filter requestId in ${inner} | fields requestId`, api)).toEqual([
      { requestId: 'a' },
      { requestId: 'b' },
    ]);
    expect(await rows(`filter requestId not in ${inner} | fields requestId`, api)).toEqual([
      { requestId: 'c' },
    ]);
  });

  test('the compared column is the one named like the field, else the only column', async () => {
    expect(await rows(`filter status in (stats max(status) as top) | fields status`, api)).toEqual([
      { status: 503 },
    ]);
  });

  test('values compare as = does (a number is in a set of its spelling)', async () => {
    const left = [ev(0, { code: 401 }), ev(1, { code: 500 })];
    const right = [ev(0, { code: '401' })];
    expect(
      await rows(`filter code in (SOURCE 'r' | fields code) | fields code`, left, { sources: { r: right } }),
    ).toEqual([{ code: 401 }]);
  });

  test.each([
    [
      'an inner query that does not produce the field',
      `filter requestId in (SOURCE 'fn' | fields duration, latency)`,
      'subquery_field_missing',
    ],
    [
      'a nested subquery',
      `filter requestId in (SOURCE 'fn' | filter requestId in (SOURCE 'fn' | fields requestId))`,
      'nested_subquery',
    ],
    ['an unknown source', `filter requestId in (SOURCE 'other' | fields requestId)`, 'unknown_source'],
  ])('%s is an error', async (_what, text, code) => {
    expect((await failure(text, api, { sources: { fn } })).code).toBe(code);
  });

  test('a one-shot input cannot be read twice: a subquery without SOURCE says so', async () => {
    async function* once(): AsyncGenerator<LogEvent> {
      yield* api;
    }
    const error = await compileQuery('filter requestId in (fields requestId)')
      .run(once())
      .catch((e: unknown) => e);
    expect(isQueryError(error) && error.code).toBe('unknown_source');
  });

  test('the set is bounded by the byte budget', async () => {
    const many = Array.from({ length: 500 }, (_, i) => ev(i, { requestId: `id-${i}-${'x'.repeat(50)}` }));
    const error = await failure(`filter requestId in (SOURCE 'm' | fields requestId)`, api, {
      sources: { m: many },
      memoryBudgetBytes: 20_000,
    });
    expect(error.code).toBe('resource_limit');
    expect(error.message).toContain('the subquery');
  });
});

describe('lookup', () => {
  const users = lookupTableFromRecords('users', [
    { id: '1', name: 'ana', team: 'web' },
    { id: '2', name: 'bo', team: '' },
    { id: '1', name: 'second ana', team: 'x' },
  ]);
  const events = [
    ev(0, { uid: 1, team: 'old' }),
    ev(1, { uid: '2', team: 'kept' }),
    ev(2, { uid: 3 }),
    ev(3, {}),
  ];

  test('OUTPUT overwrites; the first row of a repeated key wins; no match leaves the row as it was', async () => {
    expect(
      await rows('lookup users id as uid OUTPUT name, team | fields uid, name, team', events, {
        lookups: { users },
      }),
    ).toEqual([{ uid: 1, name: 'ana', team: 'web' }, { uid: '2', name: 'bo', team: '' }, { uid: 3 }, {}]);
  });

  test('OUTPUTNEW fills only missing, null or empty fields; AS renames an output', async () => {
    const text = 'lookup users id as uid OUTPUTNEW team, name as who | fields uid, team, who';
    expect(await rows(text, events, { lookups: { users } })).toEqual([
      { uid: 1, team: 'old', who: 'ana' },
      { uid: '2', team: 'kept', who: 'bo' },
      { uid: 3 },
      {},
    ]);
  });

  test('matching is exact and case-sensitive for strings', async () => {
    const t = lookupTableFromRecords('t', [{ k: 'Ana', v: 'hit' }]);
    expect(
      await rows('lookup t k OUTPUT v | fields k, v', [ev(0, { k: 'ana' }), ev(1, { k: 'Ana' })], {
        lookups: { t },
      }),
    ).toEqual([{ k: 'ana' }, { k: 'Ana', v: 'hit' }]);
  });

  test.each([
    ['an unknown table', 'lookup nope id OUTPUT name', 'unknown_lookup_table'],
    ['an unknown key column', 'lookup users uid OUTPUT name', 'unknown_lookup_column'],
    ['an unknown output column', 'lookup users id OUTPUT email', 'unknown_lookup_column'],
    ['no OUTPUT clause', 'lookup users id', 'unexpected_token'],
  ])('%s is an error', async (_what, text, code) => {
    expect((await failure(text, events, { lookups: { users } })).code).toBe(code);
  });
});

describe('cidrlookup', () => {
  const nets = lookupTableFromRecords('nets', [
    { cidr: '10.0.0.0/8', zone: 'big' },
    { cidr: '10.1.0.0/16', zone: 'small' },
    { cidr: '10.1.2.3', zone: 'host' },
    { cidr: '2001:db8::/32', zone: 'v6' },
    { cidr: '10.1.0.0/16', zone: 'duplicate' },
  ]);
  const ips = [
    '10.9.9.9',
    '10.1.9.9',
    '10.1.2.3',
    '2001:db8::7',
    '11.0.0.1',
    'not an ip',
    '::ffff:10.1.2.3',
  ].map((ip, i) => ev(i, { ip }));

  test('the longest prefix wins; bare addresses are /32; IPv6 works; families stay apart; non-IPs match nothing', async () => {
    expect(
      await rows('cidrlookup nets ip OUTPUT zone | fields ip, zone', ips, { lookups: { nets } }),
    ).toEqual([
      { ip: '10.9.9.9', zone: 'big' },
      { ip: '10.1.9.9', zone: 'small' },
      { ip: '10.1.2.3', zone: 'host' },
      { ip: '2001:db8::7', zone: 'v6' },
      { ip: '11.0.0.1' },
      { ip: 'not an ip' },
      { ip: '::ffff:10.1.2.3' },
    ]);
  });

  test('AS names the CIDR column; OUTPUTNEW keeps a field that has a value', async () => {
    const t = lookupTableFromRecords('t', [{ range: '10.0.0.0/8', zone: 'vpc' }]);
    const events = [ev(0, { ip: '10.0.0.1', zone: 'set' }), ev(1, { ip: '10.0.0.2' })];
    expect(
      await rows('cidrlookup t ip as range OUTPUTNEW zone as zone | fields ip, zone', events, {
        lookups: { t },
      }),
    ).toEqual([
      { ip: '10.0.0.1', zone: 'set' },
      { ip: '10.0.0.2', zone: 'vpc' },
    ]);
  });

  test('a CIDR cell that is not a range is invalid_lookup_table naming the file and line', async () => {
    const error = await query([], 'cidrlookup bad ip OUTPUT zone', {
      lookups: { bad: 'test/fixtures/lookups/bad-cidr.csv' },
    }).catch((e: unknown) => e);
    expect(isQueryError(error) && error.code).toBe('invalid_lookup_table');
    expect((error as Error).message).toContain('test/fixtures/lookups/bad-cidr.csv line 3');
  });

  test('a table without the default cidr column says which columns it has', async () => {
    const t = lookupTableFromRecords('t', [{ range: '10.0.0.0/8' }]);
    const error = await failure('cidrlookup t ip OUTPUT range', [ev(0, { ip: '10.0.0.1' })], {
      lookups: { t },
    });
    expect(error.code).toBe('unknown_lookup_column');
    expect(error.hints.join(' ')).toContain('range');
  });
});

describe('printing and planning', () => {
  test.each([
    `join type=left left=a right=b where a.x = b.y and a.z = b.z (SOURCE "s"\n| filter q = 1)`,
    'lookup users id as uid, k OUTPUTNEW name as who, team',
    'cidrlookup nets srcAddr as range OUTPUT zone, owner as o',
    'filter requestId not in (SOURCE "x"\n| fields requestId)\n| fields requestId',
  ])('%s prints back to itself', (text) => {
    expect(printQuery(parseQuery(text))).toBe(text);
  });

  test('a filter after a lookup is not a raw prefilter of the input (its field comes from the table)', () => {
    const q = compileQuery('lookup users id OUTPUT name | filter name = "ana"', {
      lookups: { users: lookupTableFromRecords('users', []) },
    });
    expect(q.prefilter.clauses).toEqual([]);
  });

  test('a filter is not moved ahead of a join', async () => {
    const text = `join left=l right=r where l.requestId = r.requestId (SOURCE 'fn') | filter r.duration = 41 | fields r.duration`;
    expect(await rows(text, api, { sources: { fn } })).toEqual([{ 'r.duration': 41 }]);
  });

  test.each([
    ["join left=a right=b where a.x = b.x (SOURCE 's')", 'join'],
    ['lookup t k OUTPUT v', 'lookup'],
    ['cidrlookup t ip OUTPUT v', 'cidrlookup'],
    ['filter a in (fields a)', 'subquery'],
    ["appendcols (SOURCE 's' | fields a)", 'appendcols'],
  ])('the SQL compiler rejects %s with sql_unsupported', (text, what) => {
    let error: unknown;
    try {
      compileToSql(text);
    } catch (e) {
      error = e;
    }
    expect(isQueryError(error) && error.code).toBe('sql_unsupported');
    expect((error as Error).message).toContain(what);
  });

  test('queries that bring in other data are recognised (they stay on one thread)', () => {
    expect(usesSideInputs('filter a in (fields a)')).toBe(true);
    expect(usesSideInputs("join left=a right=b where a.x = b.x (SOURCE 's')")).toBe(true);
    expect(usesSideInputs('cidrlookup t ip OUTPUT zone')).toBe(true);
    expect(usesSideInputs('stats count(*) by verb | appendcols (stats count(*) as n)')).toBe(true);
    expect(usesSideInputs('filter a in ["x"] | stats count(*)')).toBe(false);
  });
});

describe('query() with sources and lookups from files', () => {
  test('appendcols with workers asked for runs on the calling thread and gives the one-thread rows', async () => {
    const text = `stats count(*) as requests by user.username
| sort requests desc
| appendcols (SOURCE 'cloudtrail' | stats count(*) as awsCalls by userIdentity.type | sort awsCalls desc)
| limit 3`;
    const options = { sources: { cloudtrail: 'samples/incident/cloudtrail/' }, onError: 'skip' } as const;
    const one = await query('samples/incident/cloudwatch-export/', text, options);
    const two = await query('samples/incident/cloudwatch-export/', text, { ...options, workers: 2 });
    expect(two.rows).toEqual(one.rows);
    expect(one.rows.map((r) => [r.requests, r.awsCalls])).toEqual([
      [1478, 2218],
      [629, 169],
      [621, 92],
    ]);
  });

  test('joins audit events with CloudTrail by source IP, with workers asked for', async () => {
    const result = await query(
      'samples/incident/cloudwatch-export/',
      `filter sourceIPs.0 = "203.0.113.45"
| stats count(*) as k8sRequests by user.username as k8sUser, sourceIPs.0 as ip
| join left=k8s right=aws where k8s.ip = aws.ip
    (SOURCE 'cloudtrail' | stats count(*) as awsCalls by sourceIPAddress as ip, userIdentity.type as type)
| display k8s.k8sUser, k8s.k8sRequests, aws.type, aws.awsCalls
| sort k8s.k8sUser, aws.type`,
      { sources: { cloudtrail: 'samples/incident/cloudtrail/' }, workers: 2, onError: 'skip' },
    );
    expect(
      result.rows.map((r) => [r['k8s.k8sUser'], r['k8s.k8sRequests'], r['aws.type'], r['aws.awsCalls']]),
    ).toEqual([
      ['ci-legacy', 20, 'AssumedRole', 8],
      ['ci-legacy', 20, 'IAMUser', 3],
      ['ci-legacy', 20, 'WebIdentityUser', 1],
      ['support-automation', 3, 'AssumedRole', 8],
      ['support-automation', 3, 'IAMUser', 3],
      ['support-automation', 3, 'WebIdentityUser', 1],
    ]);
  });

  test('a source read from files gets its name as @log where its records carry none', async () => {
    const result = await query(
      'test/fixtures/formats/audit.ndjson',
      `filter auditID in (SOURCE 'again' | filter @log = 'again' | fields auditID) | stats count(*) as n`,
      { sources: { again: 'test/fixtures/formats/audit.ndjson' } },
    );
    const all = await query(
      'test/fixtures/formats/audit.ndjson',
      'filter ispresent(auditID) | stats count(*) as n',
    );
    expect(result.rows).toEqual(all.rows);
    expect(all.rows[0]?.n).toBeGreaterThan(0);
  });

  test('a subquery reads a source of files', async () => {
    const result = await query(
      'samples/incident/cloudtrail/',
      `filter eventName in (SOURCE 'ct' | filter eventName = "GetSecretValue" | fields eventName) | stats count(*) as n`,
      { sources: { ct: 'samples/incident/cloudtrail/' } },
    );
    expect(result.rows[0]?.n).toBeGreaterThan(0);
  });

  test('cidrlookup with a CSV table labels source addresses', async () => {
    const result = await query(
      'samples/incident/cloudwatch-export/',
      'filter ispresent(sourceIPs.0) | cidrlookup networks sourceIPs.0 OUTPUT zone | stats count(*) as n by zone | sort zone',
      { lookups: { networks: 'test/fixtures/lookups/networks.csv' }, onError: 'skip' },
    );
    expect(result.rows.map((r) => r.zone ?? '(none)')).toEqual([
      '(none)',
      'ci',
      'control-plane',
      'loopback',
      'vpc',
      'vpn',
    ]);
  });
});
