/**
 * Messages kept out of DuckDB: `lateMessageColumns` takes only queries
 * whose SQL passes `kt_message` through to output columns untouched, the
 * spill file gives every message back exactly (unicode, lone surrogates,
 * empty), and a run that uses it returns the streaming engine's rows.
 */
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import { compileQuery } from '../../src/query/index.js';
import { compileToSql } from '../../src/sql/compile-sql.js';
import { runOnDuckdb } from '../../src/sql/duckdb-engine.js';
import { lateMessageColumns, openMessageSpill } from '../../src/sql/message-spill.js';
import { cellsOf, useDuckdb } from './support.js';

const db = useDuckdb();

const late = (q: string): string[] | undefined =>
  lateMessageColumns(compileToSql(q, { dialect: 'duckdb', table: 'kubetrail' }));

describe('lateMessageColumns', () => {
  test.each([
    ['fields @message', ['c0']],
    ['fields @timestamp, @message | filter verb = "get" | sort @timestamp desc | limit 5', ['c1']],
    ['filter verb = "get"', ['c1']],
  ])('%s: the message only passes through', (q, aliases) => {
    expect(late(q)).toEqual(aliases);
  });

  test.each([
    'filter @message like /get/',
    'parse @message "verb*," as v',
    'fields strlen(@message) as n',
    'stats count(*) by @message',
    'sort @message',
    'dedup @message',
    'fields @message as m | filter m like /x/',
    'stats count(*) by verb',
    'fields verb',
    // (a renamed copy is a column of its own, which later commands could read: not taken)
    'fields @message, @message as m2',
  ])('%s: read otherwise (or not at all)', (q) => {
    expect(late(q)).toBeUndefined();
  });
});

describe('the message spill file', () => {
  test('gives every message back exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }))),
        (ms) => {
          const spill = openMessageSpill(tmpdir());
          try {
            const handles = ms.map((m) => spill.put(m));
            // read back out of order, some twice
            for (const i of [...ms.keys()].reverse()) expect(spill.get(handles[i] as string)).toBe(ms[i]);
            if (ms.length > 0) expect(spill.get(handles[0] as string)).toBe(ms[0]);
          } finally {
            spill.dispose();
          }
        },
      ),
      { numRuns: 50, seed: 3 },
    );
  });
});

describe('a run with the messages spilled', () => {
  const events: LogEvent[] = ['get', 'list', 'get', 'watch'].map((verb, i) => {
    const record = { kind: 'Event', verb, note: `日本 ${i} 😀` };
    return {
      timestamp: Date.parse('2024-01-01T00:00:00Z') + i * 1000,
      message: i === 3 ? `not json ${i}` : JSON.stringify(record),
      kind: 'json',
      record,
      source: { file: 'events', line: i + 1 },
    };
  });
  test.each([
    'fields @timestamp, @message | filter verb = "get"',
    'filter verb != "list" | sort @timestamp desc | limit 2',
    'fields @message, verb, @message as again',
  ])('%s = streaming', async (q) => {
    const options = { now: Date.parse('2024-06-01T00:00:00Z') };
    const a = await compileQuery(q, options).run(events);
    const b = await runOnDuckdb(q, events, { ...options, connection: db.connection });
    expect(cellsOf(b)).toEqual(cellsOf(a));
    expect(b.statistics).toEqual(a.statistics);
  });
});
