/**
 * The text of a number on DuckDB is JavaScript's `String(x)` (the engine's
 * result string): plain digits for integers below 1e21 (shortest digits and
 * zeros from 2^53), fixed notation from 1e-6 to 1e21, `d.ddde±n` outside,
 * always the shortest round-trip digits — checked over random doubles.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { dialectOf } from '../../src/sql/dialect.js';
import { Semantics } from '../../src/sql/values.js';
import { useDuckdb } from './support.js';

const db = useDuckdb();

async function texts(xs: readonly number[]): Promise<string[]> {
  const expr = new Semantics(dialectOf('duckdb')).formatNumber('x');
  // Each double travels as its shortest text, which DuckDB parses back exactly.
  const list = xs.map((x) => `CAST('${String(x)}' AS DOUBLE)`).join(', ');
  const rows = (
    await db.connection.runAndReadAll(
      `SELECT ${expr} FROM (SELECT unnest([${list}]) AS x, generate_subscripts([${list}], 1) AS i) ORDER BY i`,
    )
  ).getRows();
  return rows.map((r) => String(r[0]));
}

test.each([
  [0, '0'],
  [-0, '0'],
  [1e21, '1e+21'],
  [1.5e-7, '1.5e-7'],
  [1.5e-6, '0.0000015'],
  [1e-6, '0.000001'],
  [9.99e-7, '9.99e-7'],
  [0.00015, '0.00015'],
  [-1.5e300, '-1.5e+300'],
  [5e-324, '5e-324'],
  [2 ** 53 + 2, '9007199254740994'],
  [3774294000000000500, '3774294000000000500'],
  [1.2345678901234568e21, '1.2345678901234568e+21'],
  [123456789012.5, '123456789012.5'],
])('%s is %s', async (x, want) => {
  expect(await texts([x])).toEqual([want]);
});

test('random doubles read as String(x)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 50 }),
      async (xs) => {
        expect(await texts(xs)).toEqual(xs.map((x) => String(x)));
      },
    ),
    { seed: 42, numRuns: 60 },
  );
});
