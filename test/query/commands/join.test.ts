import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { LogEvent } from '../../../src/log-event.js';
import {
  createJoinTableBuilder,
  type JoinType,
  joinStage,
  rowView,
} from '../../../src/query/commands/join.js';
import { indexKeys, probeKeys, tupleKeys } from '../../../src/query/join-keys.js';
import type { BufferLimit, RunState, Sink } from '../../../src/query/plan.js';
import { compileFieldLookup, eventRow, type Row } from '../../../src/query/row.js';
import { valuesEqual } from '../../../src/query/semantics/compare.js';
import { createRunMemory } from '../../../src/query/spill.js';
import type { Value } from '../../../src/query/value.js';

/** Values that `=` relates in every way it can: numbers and the strings that spell them, booleans, dates, null. */
const value: fc.Arbitrary<Value> = fc.oneof(
  fc.constantFrom<Value>(undefined, null, 0, -0, 1, 2, 401, '401', '401.0', '1', '0', '-0', 'true', 'false'),
  fc.constantFrom<Value>(
    true,
    false,
    'a',
    'A',
    '',
    ' 401',
    new Date(401),
    new Date(1),
    Number.NaN,
    { a: 1 },
    [1],
  ),
);

const limit = (max = Number.POSITIVE_INFINITY): BufferLimit => ({
  max,
  exceeded: () => {
    throw new Error('exceeded');
  },
  overBudget: () => {
    throw new Error('over budget');
  },
});

function rowOf(record: Record<string, Value>, i: number): Row {
  const event: LogEvent = {
    timestamp: i,
    message: `row ${i}`,
    kind: 'json',
    record: record as Record<string, unknown>,
    source: { line: i + 1 },
  };
  return eventRow(event, i);
}

/** A row whose fields are defined by the query (they may hold dates, NaN, maps: values JSON cannot). */
function definedRow(fields: Record<string, Value>, i: number): Row {
  const row = rowOf({}, i);
  row.defined = new Map(Object.entries(fields));
  return row;
}

function runState(budget = Number.POSITIVE_INFINITY): RunState {
  return {
    ctx: { startTime: 0, endTime: 0, now: 0 },
    matched: 0,
    nextOrdinal: 0,
    memory: createRunMemory(budget, undefined),
  };
}

/** The hash join's output as (left index, right index or -1) pairs. */
function hashJoin(
  left: readonly Row[],
  right: readonly Row[],
  fields: readonly string[],
  type: JoinType,
): [number, number][] {
  const state = runState();
  const keys = fields.map((f) => compileFieldLookup(f));
  const build = createJoinTableBuilder(keys, state.ctx, state.memory, limit());
  for (const r of right) build.add(r);
  const table = build.finish();
  const out: [number, number][] = [];
  const sink: Sink = {
    push(row) {
      const r = row.defined?.get('r') as Record<string, Value>;
      out.push([row.ordinal, typeof r.i === 'number' ? r.i : -1]);
      return true;
    },
    end() {},
  };
  const stage = joinStage(
    { type, leftAlias: 'l', rightAlias: 'r', leftKeys: keys },
    () => table,
    limit(),
  )(sink, state);
  for (const row of left) stage.push(row);
  stage.end();
  return out;
}

/** The reference: every pair in order, compared with `=`'s own equality. */
function nestedLoop(
  left: readonly Record<string, Value>[],
  right: readonly Record<string, Value>[],
  fields: readonly string[],
  type: JoinType,
): [number, number][] {
  const out: [number, number][] = [];
  left.forEach((l, i) => {
    let matched = false;
    right.forEach((r, j) => {
      if (fields.every((f) => valuesEqual(l[f], r[f]))) {
        matched = true;
        out.push([i, j]);
      }
    });
    if (!matched && type === 'left') out.push([i, -1]);
  });
  return out;
}

const recordArb = fc.record({ a: value, b: value }, { requiredKeys: [] });

describe('join keys agree with =', () => {
  propTest.prop([value, value], { seed: 42, numRuns: 2000 })(
    'a probe key of a meets an index key of b exactly when a = b, and then exactly once',
    (a, b) => {
      const index = new Set(indexKeys(b));
      const hits = probeKeys(a).filter((k) => index.has(k)).length;
      expect(hits).toBe(valuesEqual(a, b) ? 1 : 0);
    },
  );

  propTest.prop(
    [fc.array(value, { minLength: 2, maxLength: 3 }), fc.array(value, { minLength: 2, maxLength: 3 })],
    {
      seed: 42,
      numRuns: 500,
    },
  )('tuple keys meet exactly once when every part is equal', (a, b) => {
    const n = Math.min(a.length, b.length);
    const x = a.slice(0, n);
    const y = b.slice(0, n);
    const index = new Set(tupleKeys(y, indexKeys));
    const hits = tupleKeys(x, probeKeys).filter((k) => index.has(k)).length;
    expect(hits).toBe(x.every((v, i) => valuesEqual(v, y[i])) ? 1 : 0);
  });
});

describe('hash join equals a nested-loop join', () => {
  propTest.prop(
    [
      fc.array(recordArb, { maxLength: 25 }),
      fc.array(recordArb, { maxLength: 25 }),
      fc.constantFrom<string[]>(['a'], ['b'], ['a', 'b']),
      fc.constantFrom<JoinType>('inner', 'left'),
    ],
    { seed: 42, numRuns: 300 },
  )('on random inputs, inner and left, one or two keys', (left, right, fields, type) => {
    const leftRows = left.map((r, i) => definedRow(r, i));
    const rightRows = right.map((r, i) => definedRow({ ...r, i }, i));
    expect(hashJoin(leftRows, rightRows, fields, type)).toEqual(nestedLoop(left, right, fields, type));
  });
});

describe('join stage', () => {
  test('the aliases hold each side; unprefixed names read the left row', () => {
    const state = runState();
    const key = compileFieldLookup('id');
    const build = createJoinTableBuilder([key], state.ctx, state.memory, limit());
    build.add(rowOf({ id: '7', d: 30 }, 0));
    const table = build.finish();
    const rows: Row[] = [];
    const stage = joinStage(
      { type: 'inner', leftAlias: 'api', rightAlias: 'fn', leftKeys: [key] },
      () => table,
      limit(),
    )({ push: (r) => rows.push(r) > 0, end() {} }, state);
    stage.push(rowOf({ id: 7, status: 502 }, 0));
    expect(rows).toHaveLength(1);
    const row = rows[0] as Row;
    expect(compileFieldLookup('api.status')(row)).toBe(502);
    expect(compileFieldLookup('fn.d')(row)).toBe(30);
    expect(compileFieldLookup('status')(row)).toBe(502);
    expect(compileFieldLookup('fn.@message')(row)).toBe('row 0');
  });

  test('a right side over the byte budget stops with the stage error, not a partial table', () => {
    const state = runState(1000);
    const build = createJoinTableBuilder([compileFieldLookup('id')], state.ctx, state.memory, limit());
    expect(() => {
      for (let i = 0; i < 20; i++) build.add(rowOf({ id: i }, i));
    }).toThrow('over budget');
  });

  test('one left row matching more right rows than the row bound is an error', () => {
    const state = runState();
    const key = compileFieldLookup('id');
    const build = createJoinTableBuilder([key], state.ctx, state.memory, limit());
    for (let i = 0; i < 3; i++) build.add(rowOf({ id: 1 }, i));
    const table = build.finish();
    const stage = joinStage(
      { type: 'inner', leftAlias: 'a', rightAlias: 'b', leftKeys: [key] },
      () => table,
      limit(2),
    )({ push: () => true, end() {} }, state);
    expect(() => stage.push(rowOf({ id: 1 }, 0))).toThrow('exceeded');
  });

  test('rowView keeps __proto__ as an ordinary key', () => {
    const record = JSON.parse('{"__proto__":{"x":1},"a":2}') as Record<string, Value>;
    const view = rowView(rowOf(record, 0)) as Record<string, Value>;
    expect(Object.hasOwn(view, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(view)).toBe(null);
  });
});
