/**
 * `whereCondition`: `COALESCE(c, FALSE)` is dropped only where a WHERE clause
 * cannot tell it from `c` (the whole condition, parentheses, operands of an
 * AND or an OR chain), never under NOT, in a comparison, inside CASE or a
 * string literal; on DuckDB the condition selects the same rows.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { whereCondition } from '../../src/sql/values.js';
import { useDuckdb } from './support.js';

test.each([
  ['COALESCE(a = 1, FALSE)', '(a = 1)'],
  ['COALESCE((COALESCE(a = 1, FALSE) AND COALESCE(b = 2, FALSE)), FALSE)', '((a = 1) AND (b = 2))'],
  ['COALESCE(a, FALSE) OR COALESCE(b, FALSE)', '(a) OR (b)'],
  ['x AND COALESCE(x OR NOT (x), FALSE)', 'x AND (x OR NOT (x))'],
  ['NOT COALESCE(a, FALSE)', 'NOT COALESCE(a, FALSE)'],
  ['COALESCE(a, FALSE) = COALESCE(b, FALSE)', 'COALESCE(a, FALSE) = COALESCE(b, FALSE)'],
  ['COALESCE(a, FALSE) AND COALESCE(b, FALSE) OR c', 'COALESCE(a, FALSE) AND COALESCE(b, FALSE) OR c'],
  ["COALESCE(s = ') AND (', FALSE)", "(s = ') AND (')"],
  ["COALESCE(s = 'it''s, FALSE)', FALSE)", "(s = 'it''s, FALSE)')"],
  [
    'CASE WHEN COALESCE(a, FALSE) AND COALESCE(b, FALSE) THEN TRUE END',
    'CASE WHEN COALESCE(a, FALSE) AND COALESCE(b, FALSE) THEN TRUE END',
  ],
  ['COALESCE(a, b)', 'COALESCE(a, b)'],
  ['COALESCE(a, FALSE, b)', 'COALESCE(a, FALSE, b)'],
])('%s → %s', (input, want) => {
  expect(whereCondition(input)).toBe(want);
});

const db = useDuckdb();

/** Random conditions over three nullable booleans, in the shapes the compiler emits. */
const condition: fc.Arbitrary<string> = fc.letrec<{ c: string }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('x', 'y', 'z', 'TRUE', 'FALSE', 'NULL'),
    tie('c').map((c) => `COALESCE(${c}, FALSE)`),
    tie('c').map((c) => `(${c})`),
    tie('c').map((c) => `NOT (${c})`),
    fc.tuple(tie('c'), tie('c')).map(([a, b]) => `${a} AND ${b}`),
    fc.tuple(tie('c'), tie('c')).map(([a, b]) => `${a} OR ${b}`),
    fc.tuple(tie('c'), tie('c')).map(([a, b]) => `(${a}) = (${b})`),
  ),
})).c;

test('the rewritten condition selects the same rows', async () => {
  const values = ['TRUE', 'FALSE', 'NULL'];
  const rows = values.flatMap((x) => values.flatMap((y) => values.map((z) => `(${x}, ${y}, ${z})`)));
  const table = `(VALUES ${rows.join(', ')}) AS t(x, y, z)`;
  await fc.assert(
    fc.asyncProperty(condition, async (c) => {
      const count = async (w: string) =>
        (
          await db.connection.runAndReadAll(
            `SELECT list(x::VARCHAR || y::VARCHAR || z::VARCHAR ORDER BY ALL) FROM ${table} WHERE ${w}`,
          )
        ).getRows();
      expect(JSON.stringify(await count(whereCondition(c)))).toBe(JSON.stringify(await count(c)));
    }),
    { seed: 42, numRuns: 300 },
  );
});
