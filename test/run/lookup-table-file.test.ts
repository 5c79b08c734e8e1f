import { describe, expect, test } from 'vitest';
import { isKubetrailError } from '../../src/errors.js';
import { InputError } from '../../src/read/input-error.js';
import { loadLookupTable, parseLookupCsv } from '../../src/run/lookup-table-file.js';

function failure(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('parseLookupCsv', () => {
  test('the header row gives the columns; cells are strings; rows keep their lines', () => {
    const table = parseLookupCsv('users', 'id,name\n1,ana\n\n2,"b, with ""quotes"""\n', 'users.csv');
    expect(table.columns).toEqual(['id', 'name']);
    expect(table.rows).toEqual([
      ['1', 'ana'],
      ['2', 'b, with "quotes"'],
    ]);
    expect(table.lines).toEqual([2, 4]);
    expect(table.file).toBe('users.csv');
  });

  test('a byte-order mark, CRLF line ends and a quoted line break (read as \n) are accepted', () => {
    const table = parseLookupCsv('t', '\uFEFFa,b\r\n"x\r\ny",z\r\n');
    expect(table.columns).toEqual(['a', 'b']);
    expect(table.rows).toEqual([['x\ny', 'z']]);
  });

  test.each([
    ['an empty file', '', 1, 'no header row'],
    ['only blank lines', '\n\n  \n', 1, 'no header row'],
    ['an empty column name', 'a,,c\n', 1, 'column 2'],
    ['a repeated column name', 'a,b,a\n', 1, 'twice'],
    ['a row with too few cells', 'a,b\n1,2\n3\n', 3, '1 cell but the header has 2'],
    ['a row with too many cells', 'a,b\n1,2,3\n', 2, '3 cells'],
    ['an unterminated quote', 'a,b\n1,"2\n', 2, 'quoted field'],
  ])('%s is bad_lookup_table at its line', (_what, text, line, message) => {
    const error = failure(() => parseLookupCsv('t', text, 'tables/t.csv'));
    expect(error.code).toBe('bad_lookup_table');
    expect(error.file).toBe('tables/t.csv');
    expect(error.line).toBe(line);
    expect(error.message).toContain(message);
    expect(error.message).toContain(`tables/t.csv, line ${line}`);
  });

  test('bytes that are not UTF-8 are bad_lookup_table at the line that holds them', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('a,b\n1,2\n3,'), 0xff, 0x0a]);
    const error = failure(() => parseLookupCsv('t', bytes, 't.csv'));
    expect(error.code).toBe('bad_lookup_table');
    expect(error.line).toBe(3);
  });

  test('a table over the byte cap is lookup_table_too_large', () => {
    const error = failure(() => parseLookupCsv('t', 'a\n1234567890\n', 't.csv', { maxBytes: 8 }));
    expect(error.code).toBe('lookup_table_too_large');
    expect(error.file).toBe('t.csv');
  });

  test('hostile column names are ordinary names', () => {
    const table = parseLookupCsv('t', '__proto__,constructor\n1,2\n');
    expect(table.columns).toEqual(['__proto__', 'constructor']);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('loadLookupTable', () => {
  test('reads a CSV file', async () => {
    const table = await loadLookupTable('networks', 'test/fixtures/lookups/networks.csv');
    expect(table.columns).toEqual(['cidr', 'zone', 'owner']);
    expect(table.rows[0]).toEqual(['10.0.0.0/16', 'vpc', 'platform']);
    expect(table.lines?.[0]).toBe(2);
  });

  test('a quoted header cell keeps its space', async () => {
    const table = await loadLookupTable('users', new URL('../fixtures/lookups/users.csv', import.meta.url));
    expect(table.columns).toEqual(['username', 'team', 'on call']);
  });

  test('a ragged file names its file and line', async () => {
    const error = await loadLookupTable('r', 'test/fixtures/lookups/ragged.csv').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe('bad_lookup_table');
    expect((error as InputError).file).toBe('test/fixtures/lookups/ragged.csv');
    expect((error as InputError).line).toBe(2);
  });

  test('a missing file is unreadable_file', async () => {
    const error = await loadLookupTable('x', 'test/fixtures/lookups/none.csv').catch((e: unknown) => e);
    expect(isKubetrailError(error) && error.code).toBe('unreadable_file');
  });
});
