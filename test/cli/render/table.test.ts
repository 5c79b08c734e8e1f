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
