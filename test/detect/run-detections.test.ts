import { describe, expect, test } from 'vitest';
import { DetectError } from '../../src/detect/errors.js';
import { ENGINE_DETECTION_COMPILER } from '../../src/detect/run.js';
import type { DetectionCompiler } from '../../src/detect/run-detections.js';
import { emptyInputGivesNoRows, runDetectionsWith, toFinding } from '../../src/detect/run-detections.js';
import type { Detection } from '../../src/detect/types.js';
import type { LogEvent } from '../../src/log-event.js';
import { compileQuery, parseQuery } from '../../src/query/index.js';

const det = (
  id: string,
  kind: Detection['kind'],
  severity: Detection['severity'],
  queries: string[],
): Detection => ({
  id,
  title: id,
  description: id,
  severity,
  mitre: [],
  tags: [],
  kind,
  queries: queries.map((query) => ({ query })),
  source: 'test',
});

const ev = (timestamp: number, kind: LogEvent['kind'], record: Record<string, unknown>): LogEvent => ({
  timestamp,
  message: JSON.stringify(record),
  kind,
  record,
  source: {},
});

// A stand-in for the engine: the query text is "match <verb>", rows are matching events.
const fakeCompile: DetectionCompiler = (query) => {
  if (query === 'bad') throw new Error('unexpected token');
  const verb = query.replace('match ', '');
  return {
    async run(events) {
      const rows = [];
      for await (const e of events as AsyncIterable<LogEvent>) {
        if ((e.record as { verb?: string }).verb === verb)
          rows.push({ '@timestamp': new Date(e.timestamp), verb });
      }
      return { rows, statistics: { recordsMatched: rows.length } };
    },
  };
};

describe('runDetectionsWith', () => {
  const events = [
    ev(3000, 'kubernetes-audit', { verb: 'get' }),
    ev(1000, 'kubernetes-audit', { verb: 'get' }),
    ev(2000, 'cloudtrail', { verb: 'get' }),
    ev(4000, 'kubernetes-audit', { verb: 'delete' }),
  ];

  test('groups rows per detection, feeds each query only its kind, orders by severity', async () => {
    const detections = [
      det('a.gets', 'kubernetes-audit', 'low', ['match get']),
      det('b.deletes', 'kubernetes-audit', 'high', ['match delete', 'match get']),
      det('c.ct', 'cloudtrail', 'medium', ['match get']),
      det('d.none', 'cloudtrail', 'critical', ['match patch']),
    ];
    const findings = await runDetectionsWith(fakeCompile, events, { detections, sampleLimit: 2 });
    expect(findings.map((f) => [f.detectionId, f.count, f.firstSeen, f.lastSeen])).toEqual([
      ['b.deletes', 3, 1000, 4000],
      ['c.ct', 1, 2000, 2000],
      ['a.gets', 2, 1000, 3000],
    ]);
    expect(findings[0]?.samples).toHaveLength(2);
    expect(findings[0]?.queries).toEqual([
      { index: 0, rows: 1, recordsMatched: 1 },
      { index: 1, rows: 2, recordsMatched: 2 },
    ]);
  });

  test('reads an async source once for all queries', async () => {
    let reads = 0;
    async function* source() {
      for (const e of events) {
        reads++;
        yield e;
      }
    }
    const detections = [det('a.x', 'kubernetes-audit', 'low', ['match get', 'match delete', 'match get'])];
    await runDetectionsWith(fakeCompile, source(), { detections });
    expect(reads).toBe(events.length);
  });

  test('compiles every query before reading input and wraps compile errors', async () => {
    let read = false;
    function* source() {
      read = true;
      yield* events;
    }
    const detections = [
      det('a.x', 'kubernetes-audit', 'low', ['match get']),
      det('b.y', 'cloudtrail', 'low', ['bad']),
    ];
    const run = runDetectionsWith(fakeCompile, source(), { detections });
    await expect(run).rejects.toBeInstanceOf(DetectError);
    await expect(run).rejects.toMatchObject({ code: 'invalid_detection_query' });
    expect(read).toBe(false);
  });

  test('includeEmpty keeps silent detections', async () => {
    const detections = [det('d.none', 'cloudtrail', 'critical', ['match patch'])];
    const findings = await runDetectionsWith(fakeCompile, events, { detections, includeEmpty: true });
    expect(findings.map((f) => [f.detectionId, f.count])).toEqual([['d.none', 0]]);
    expect(findings[0]).not.toHaveProperty('firstSeen');
  });
});

describe('toFinding', () => {
  test('first/last seen come from any timestamp cell', () => {
    const d = det('a.x', 'cloudtrail', 'low', ['q']);
    const f = toFinding(
      d,
      [{ index: 0, rows: [{ first_seen: new Date(50), last_seen: new Date(90), n: 3 }], recordsMatched: 3 }],
      5,
    );
    expect([f.firstSeen, f.lastSeen, f.count, f.recordsMatched]).toEqual([50, 90, 1, 3]);
  });
});

describe('lazy compilation (a compiler with parse)', () => {
  const audit = [
    ev(1000, 'kubernetes-audit', { verb: 'get', objectRef: { resource: 'pods' }, user: { username: 'a' } }),
    ev(2000, 'kubernetes-audit', { verb: 'get', objectRef: { resource: 'pods' }, user: { username: 'b' } }),
  ];
  const counting = (): { compiler: DetectionCompiler; compiled: string[] } => {
    const compiled: string[] = [];
    const compiler: DetectionCompiler = Object.assign(
      (query: string, options: Parameters<DetectionCompiler>[1], slot: number) => {
        compiled.push(query);
        return ENGINE_DETECTION_COMPILER(query, options, slot);
      },
      { parse: (query: string) => parseQuery(query) },
    );
    return { compiler, compiled };
  };

  test('compiles only the queries the index routes events to, and gives the eager findings', async () => {
    const reached = 'filter verb = "get" | stats count(*) by user.username';
    const unreached = 'filter verb = "delete" | fields user.username';
    const detections = [
      det('a.reached', 'kubernetes-audit', 'low', [reached]),
      det('b.unreached', 'kubernetes-audit', 'high', [unreached]),
    ];
    const { compiler, compiled } = counting();
    const lazy = await runDetectionsWith(compiler, audit, { detections, includeEmpty: true });
    expect(compiled).toEqual([reached]);
    const eager = await runDetectionsWith(compileQuery, audit, { detections, includeEmpty: true });
    expect(lazy).toEqual(eager);
    expect(lazy.map((f) => [f.detectionId, f.count, f.recordsMatched])).toEqual([
      ['b.unreached', 0, 0],
      ['a.reached', 2, 2],
    ]);
  });

  test('a query that may make rows from no events is compiled and run on the empty input', async () => {
    const query = 'filter verb = "delete" | stats count(*) as n';
    const detections = [det('c.count', 'kubernetes-audit', 'low', [query])];
    const { compiler, compiled } = counting();
    const lazy = await runDetectionsWith(compiler, audit, { detections, includeEmpty: true });
    expect(compiled).toEqual([query]);
    expect(lazy).toEqual(await runDetectionsWith(compileQuery, audit, { detections, includeEmpty: true }));
  });

  test('a syntax error still throws before any input is read', async () => {
    let read = false;
    function* source() {
      read = true;
      yield* audit;
    }
    const detections = [det('d.bad', 'kubernetes-audit', 'low', ['filter verb = '])];
    const run = runDetectionsWith(ENGINE_DETECTION_COMPILER, source(), { detections });
    await expect(run).rejects.toMatchObject({ code: 'invalid_detection_query' });
    expect(read).toBe(false);
  });

  test.each([
    ['filter verb = "get" | stats count(*) by user.username', true],
    ['filter verb = "get" | fields verb | sort @timestamp desc | limit 5', true],
    ['filter verb = "get" | dedup user.username', true],
    ['stats count(*)', false],
    ['stats count(*) by verb | stats count(*)', false],
    ['filter verb = "get" | addtotals', false],
  ])('emptyInputGivesNoRows(%s) is %s', (query, expected) => {
    expect(emptyInputGivesNoRows(parseQuery(query))).toBe(expected);
  });
});
