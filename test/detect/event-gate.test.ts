import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { BUILT_IN_DETECTIONS } from '../../src/detect/catalogue/index.js';
import { createGateSet, EventFieldCache, gateConjuncts } from '../../src/detect/event-gate.js';
import { runDetections } from '../../src/detect/run.js';
import type { LogEvent } from '../../src/log-event.js';
import { compileQuery, parseQuery } from '../../src/query/index.js';
import { eventRow, type Row } from '../../src/query/row.js';
import { asLogEvents, eventArb } from './generated-events.js';

const eventsArb = fc
  .array(fc.oneof(eventArb('kubernetes-audit'), eventArb('cloudtrail')), { minLength: 1, maxLength: 120 })
  .map(asLogEvents);

const QUERIES = BUILT_IN_DETECTIONS.flatMap((d) => d.queries.map((q) => ({ kind: d.kind, text: q.query })));

describe('event gates', () => {
  // The gates, their field cache and their memo are fast paths: each must give the findings of
  // the run without it (and the indexed run equals the naive one, test/detect/indexed.test.ts).
  test.prop([eventsArb], { numRuns: 8, seed: 42 })(
    'gated, cached and memoized runs equal the run without gates over the whole catalogue',
    async (events) => {
      const options = { now: Date.UTC(2024, 4, 15), includeEmpty: true, filter: { includeDisabled: true } };
      const fast = await runDetections(events, options);
      const plain = await runDetections(events, { ...options, gates: { cache: false, memo: false } });
      const none = await runDetections(events, { ...options, gates: { gates: false } });
      // a memo budget so small that every few values clear all memos
      const tiny = await runDetections(events, { ...options, gates: { memoBudget: 100 } });
      expect(fast).toEqual(none);
      expect(tiny).toEqual(none);
      // allow-lists: a query and its shadow (the withheld events) share one gate
      const allowLists = { cidrs: ['203.0.113.0/24'], users: ['alice'], namespaces: ['default'] };
      expect(await runDetections(events, { ...options, allowLists })).toEqual(
        await runDetections(events, { ...options, allowLists, gates: { gates: false } }),
      );
      expect(plain).toEqual(none);
    },
  );

  // A gate only ever rejects an event its query would not match: checked query by query against
  // the engine on that one event, with the cache and memo on (shared over the whole sequence).
  test.prop([eventsArb], { numRuns: 4, seed: 7 })(
    'an event a gate rejects matches nothing in its query; cache on equals cache off',
    async (events) => {
      const fast = createGateSet();
      const slow = createGateSet({ cache: false, memo: false });
      const gated = QUERIES.map((q) => {
        const ast = parseQuery(q.text);
        return { ...q, fast: fast.compile(ast, q.text), slow: slow.compile(ast, q.text) };
      }).filter((q) => q.fast !== undefined);
      // Each query compiled once for the whole sequence (a compiled query starts afresh at each run):
      // compiling it again for every rejected event was most of this test's time.
      const engine = new Map<string, ReturnType<typeof compileQuery>>();
      const compiled = (text: string) => {
        let q = engine.get(text);
        if (q === undefined) {
          q = compileQuery(text, { now: Date.UTC(2024, 4, 15) });
          engine.set(text, q);
        }
        return q;
      };
      expect(gated.length).toBeGreaterThan(100);
      for (const event of events) {
        const rowFast = fast.rowFor(event);
        const rowSlow = slow.rowFor(event);
        for (const q of gated) {
          if (q.kind !== event.kind) continue;
          const passes = q.fast!(rowFast);
          expect(passes).toBe(q.slow!(rowSlow));
          if (!passes) {
            const r = await compiled(q.text).run([event]);
            expect(r.statistics.recordsMatched).toBe(0);
            expect(r.rows).toEqual([]);
          }
        }
      }
    },
  );

  test('the conjuncts a gate may evaluate', () => {
    const n = (q: string) => gateConjuncts(parseQuery(q), q).length;
    expect(n('filter verb = "create" and isIpv4InSubnet(sourceIPs.0, "10.0.0.0/8")')).toBe(2);
    // hoisted past sort and limit as the engine runs it; stopped by a barrier it does not pass
    expect(n('sort @timestamp desc | limit 5 | filter eventName = "StopLogging"')).toBe(1);
    expect(n('filldown user.username | filter verb = "get"')).toBe(0);
    // names the query defines, @ptr (it depends on the event's position), the run's context and
    // subqueries are left to the query
    expect(n('fields "x" as verb | filter verb = "x"')).toBe(0);
    expect(n('fields "x" as user | filter user.username = "x"')).toBe(0);
    expect(n('parse @message "* *" as a, b | filter a = "x" and verb = "get"')).toBe(1);
    expect(n('filter @ptr like "x"')).toBe(0);
    expect(n('filter @timestamp > now() * 1000 - 3600000')).toBe(0);
    expect(n('filter queryEndTime() > 0 and verb = "get"')).toBe(1);
    expect(n('filter user.username in (filter verb = "create" | fields user.username)')).toBe(0);
    // a stats column is not the event's field
    expect(n('stats count(*) as verb by user.username | filter verb > 3')).toBe(0);
  });

  test('a gate that reorders its conjuncts by how often they reject gives the same answers', () => {
    const q =
      'filter stage = "ResponseComplete" and user.username = "system:anonymous" and responseStatus.code != 403';
    const fast = createGateSet();
    const slow = createGateSet({ cache: false, memo: false });
    const a = fast.compile(parseQuery(q), q)!;
    const b = slow.compile(parseQuery(q), q)!;
    const users = ['system:anonymous', 'alice', 'system:node:ip-10-0-0-1', 'bob'];
    let passed = 0;
    // enough events for several reorders (every 4096), with the rarest conjunct changing halfway
    for (let i = 0; i < 20_000; i++) {
      const late = i >= 10_000;
      const record = {
        stage: (late ? i % 2 : i % 7) === 0 ? 'ResponseComplete' : 'RequestReceived',
        user: { username: users[(late ? i % 11 : i) % users.length] },
        responseStatus: { code: i % 5 === 0 ? 403 : 200 },
      };
      const event: LogEvent = { timestamp: i, message: '', kind: 'kubernetes-audit', record, source: {} };
      const r = a(fast.rowFor(event));
      expect(r).toBe(b(slow.rowFor(event)));
      if (r) passed++;
    }
    expect(passed).toBeGreaterThan(0);
  });

  test('the field cache reads a field once per event', () => {
    const cache = new EventFieldCache();
    let reads = 0;
    const lookup = cache.wrap('verb', ['verb'], (row: Row) => {
      reads++;
      return (row.event as { record: { verb: string } }).record.verb;
    });
    const ev = (verb: string): LogEvent => ({
      timestamp: 0,
      message: '',
      kind: 'kubernetes-audit',
      record: { verb },
      source: {},
    });
    const a = cache.row(ev('get'));
    expect([lookup(a), lookup(a)]).toEqual(['get', 'get']);
    const b = cache.row(ev('list'));
    expect(lookup(b)).toBe('list');
    // rows of two events read alternately (runs that interleave) get their own values, read again
    expect([lookup(a), lookup(b)]).toEqual(['get', 'list']);
    expect(reads).toBe(4);
    // a row the cache did not make is read each time
    expect(lookup(eventRow(ev('watch'), 0))).toBe('watch');
    expect(reads).toBe(5);
    // system fields are read each time
    expect(cache.wrap('@timestamp', ['@timestamp'], lookup)).toBe(lookup);
    expect(cache.size).toBe(1);
  });
});
