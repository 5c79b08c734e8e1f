import { expect, test } from 'vitest';
import { renderTable, truncationNote } from '../../../src/cli/render/table.js';

test('draws a box table with right-aligned numbers and ragged rows', () => {
  const { text, truncatedCells } = renderTable(
    {
      fields: ['user', 'count'],
      rows: [{ user: 'alice', count: 3 }, { count: 12 }, { user: 'bob' }],
    },
    { width: 80 },
  );
  expect(truncatedCells).toBe(0);
  expect(text).toBe(
    [
      '┌───────┬───────┐',
      '│ user  │ count │',
      '├───────┼───────┤',
      '│ alice │     3 │',
      '│       │    12 │',
      '│ bob   │       │',
      '└───────┴───────┘',
      '',
    ].join('\n'),
  );
});

test('cuts wide cells to the width and counts them', () => {
  const long = 'x'.repeat(100);
  const { text, truncatedCells } = renderTable(
    { fields: ['id', 'message'], rows: [{ id: 1, message: long }] },
    { width: 40 },
  );
  expect(truncatedCells).toBe(1);
  for (const line of text.trimEnd().split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(40);
  expect(text).toContain('…');
  expect(truncationNote(truncatedCells, 40)).toContain('1 cell truncated to fit 40 columns');
});

test('escapes control characters in cells and headers', () => {
  const { text } = renderTable(
    { fields: ['m\u001b'], rows: [{ 'm\u001b': 'a\u001b[2Jb\nc' }] },
    { width: 0 },
  );
  expect(text).not.toContain('\u001b');
  expect(text).toContain('a\\x1b[2Jb\\nc');
});

test('a row key named __proto__ is an ordinary cell', () => {
  const row = JSON.parse('{"__proto__": "p"}');
  expect(renderTable({ fields: ['__proto__'], rows: [row] }, { width: 0 }).text).toContain('│ p         │');
});

const STAMP = '2024-05-14 13:40:12.000';
const widthsOf = (text: string): number[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => Array.from(l).length);

test('free text is cut first: timestamps, numbers and ids stay whole, and the space they leave is used', () => {
  const rows = [
    { time: STAMP, n: 12345, id: 'kube.exec-into-pod', message: 'x '.repeat(60) },
    { time: STAMP, n: 7, id: 'kube.aws-auth-modified', message: 'short' },
  ];
  const { text, truncatedCells } = renderTable(
    { fields: ['time', 'n', 'id', 'message'], rows },
    { width: 80 },
  );
  expect(text).toContain(`│ ${STAMP} │ 12345 │ kube.exec-into-pod     │`);
  expect(truncatedCells).toBe(1);
  // the cut column takes every column the others leave
  expect(widthsOf(text)).toEqual(Array(6).fill(80));
});

test('identifier-like tokens are cut only after the free text is at its floor', () => {
  const rows = [
    { time: STAMP, arn: `arn:aws:iam::111122223333:role/${'r'.repeat(20)}`, note: 'a b '.repeat(10) },
  ];
  const { text } = renderTable({ fields: ['time', 'arn', 'note'], rows }, { width: 70 });
  expect(text).toContain(STAMP);
  expect(text).toContain('│ a b a b a… │'); // the free text at its floor (10)
  expect(text).toContain('│ arn:aws:iam::111122223333:… │');
  expect(Math.max(...widthsOf(text))).toBe(70);
});

test('when the kept columns do not fit, rows print as records instead of cutting them', () => {
  const id = 'guardduty.admin-access-to-default-service-account';
  const { text, truncatedCells } = renderTable(
    {
      fields: ['id', 'title', 'first seen'],
      rows: [{ id, title: 'Admin rights granted', 'first seen': STAMP }],
    },
    { width: 70, keep: ['id'] },
  );
  expect(truncatedCells).toBe(0);
  expect(text).toBe(
    [
      `─[ 1 ]${'─'.repeat(64)}`,
      `id         │ ${id}`,
      'title      │ Admin rights granted',
      `first seen │ ${STAMP}`,
      '',
    ].join('\n'),
  );
});

test('a table without rows cuts its headers to fit', () => {
  const fields = ['a-long-header-name', 'another-long-header', 'third-long-header-name'];
  const { text } = renderTable({ fields, rows: [] }, { width: 40 });
  expect(Math.max(...widthsOf(text))).toBeLessThanOrEqual(40);
});
