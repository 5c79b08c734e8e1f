import { expect, test } from 'vitest';
import { renderCsv } from '../../../src/cli/render/csv.js';
import { renderJson } from '../../../src/cli/render/json.js';
import { renderNdjsonRow } from '../../../src/cli/render/ndjson.js';

const when = new Date(Date.UTC(2024, 4, 1, 10, 0, 0, 5));

test('CSV: header, RFC 4180 quoting, CRLF, insights timestamps, numbers untouched', () => {
  expect(
    renderCsv({
      fields: ['@timestamp', 'user', 'n', 'obj'],
      rows: [{ '@timestamp': when, user: 'a "b", c', n: -2, obj: { k: [1] } }, { user: '=cmd|x' }],
    }),
  ).toBe('@timestamp,user,n,obj\r\n2024-05-01 10:00:00.005,"a ""b"", c",-2,"{""k"":[1]}"\r\n,\'=cmd|x,,\r\n');
});

test('JSON: ISO timestamps, missing cells left out, column order kept', () => {
  expect(JSON.parse(renderJson({ fields: ['b', 'a'], rows: [{ a: 1, b: when }, { a: 2 }] }))).toEqual([
    { b: '2024-05-01T10:00:00.005Z', a: 1 },
    { a: 2 },
  ]);
});

test('NDJSON: one line per row, C1 controls escaped, still valid JSON', () => {
  const line = renderNdjsonRow({ m: 'x\u009b2J\u001b' }, ['m']);
  expect(line).toBe('{"m":"x\\u009b2J\\u001b"}\n');
  expect(JSON.parse(line)).toEqual({ m: 'x\u009b2J\u001b' });
});
