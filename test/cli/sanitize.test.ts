import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { csvCell, escapeControl, escapeJsonText, truncateText } from '../../src/cli/sanitize.js';

describe('escapeControl', () => {
  test.each([
    ['\u001b[31mred\u001b[0m', '\\x1b[31mred\\x1b[0m'],
    ['a\nb\rc\td', 'a\\nb\\rc\\td'],
    ['bell\u0007', 'bell\\x07'],
    ['csi\u009b2J', 'csi\\x9b2J'],
    ['del\u007f', 'del\\x7f'],
    ['bidi\u202eevil', 'bidi\\u202eevil'],
    ['ls\u2028x', 'ls\\u2028x'],
    ['lone\ud800x', 'lone\\ud800x'],
    ['emoji 😀 ok', 'emoji 😀 ok'],
    ['plain', 'plain'],
  ])('%j -> %j', (input, expected) => {
    expect(escapeControl(input)).toBe(expected);
  });

  propTest.prop([fc.string({ unit: 'binary' })])('never lets a control character through', (text) => {
    expect(escapeControl(text)).not.toMatch(
      /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/,
    );
  });
});

describe('escapeJsonText', () => {
  propTest.prop([fc.string({ unit: 'binary' })])('keeps the JSON value and escapes C1 and DEL', (text) => {
    const json = escapeJsonText(JSON.stringify({ text }));
    expect(JSON.parse(json)).toEqual({ text });
    expect(json).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
  });
});

describe('csvCell', () => {
  test.each([
    ["=cmd|'/c calc'!A1", "'=cmd|'/c calc'!A1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\\tx"],
    ['\rx', "'\\rx"],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', 'line\\nbreak'],
    ['\u001b[2J', '\\x1b[2J'],
    ['plain', 'plain'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  test('numbers are not neutralised', () => {
    expect(csvCell('-5', false)).toBe('-5');
  });

  propTest.prop([fc.string({ unit: 'binary' })])('a cell never starts a formula or spans lines', (text) => {
    const out = csvCell(text);
    const unquoted = out.startsWith('"') ? out.slice(1) : out;
    expect(['=', '+', '-', '@', '\t', '\r']).not.toContain(unquoted.charAt(0));
    expect(out).not.toMatch(/[\r\n]/);
  });
});

test('truncateText cuts with an ellipsis', () => {
  expect(truncateText('kubernetes', 5)).toBe('kube…');
  expect(truncateText('kube', 5)).toBe('kube');
});
