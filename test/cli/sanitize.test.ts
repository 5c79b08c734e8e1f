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

describe('F7: invisible and format characters, and the backslash', () => {
  test.each([
    ['ad\u200bmin', 'ad\\u200bmin'],
    ['a\u2060b', 'a\\u2060b'],
    ['soft\u00adhy', 'soft\\xadhy'],
    ['fill\u3164er', 'fill\\u3164er'],
    ['x\u115f\u1160\uffa0', 'x\\u115f\\u1160\\uffa0'],
    ['mongol\u180e', 'mongol\\u180e'],
    ['tag\u{e0041}\u{e007f}', 'tag\\u{e0041}\\u{e007f}'],
    ['zwj\u200d', 'zwj\\u200d'],
    ['emoji 😀 ok', 'emoji 😀 ok'],
  ])('%j -> %j', (input, expected) => {
    expect(escapeControl(input)).toBe(expected);
  });

  test('a literal backslash is doubled where escapes are shown, so data cannot forge one', () => {
    expect(escapeControl('\\x1b[31m', true)).toBe('\\\\x1b[31m');
    expect(escapeControl('\u001b[31m', true)).toBe('\\x1b[31m');
    expect(csvCell('C:\\tmp')).toBe('C:\\\\tmp');
  });

  propTest.prop([fc.string({ unit: 'binary' })])(
    'no format (Cf) or filler character gets through',
    (text) => {
      expect(escapeControl(text, true)).not.toMatch(/[\p{Cf}\p{Cc}\u115f\u1160\u3164\uffa0]/u);
    },
  );

  propTest.prop([fc.string({ unit: 'binary' })])(
    'with backslashes escaped, the escaping can be undone exactly',
    (text) => {
      const out = escapeControl(text, true);
      const back = out.replace(/\\(\\|n|r|t|x[0-9a-f]{2}|u\{[0-9a-f]+\}|u[0-9a-f]{4})/g, (_m, e: string) => {
        if (e === '\\') return '\\';
        if (e === 'n') return '\n';
        if (e === 'r') return '\r';
        if (e === 't') return '\t';
        if (e.startsWith('u{')) return String.fromCodePoint(Number.parseInt(e.slice(2, -1), 16));
        return String.fromCharCode(Number.parseInt(e.slice(1), 16));
      });
      expect(back).toBe(text);
    },
  );

  propTest.prop([fc.string({ unit: 'binary' })])('JSON with invisible escaping keeps its value', (text) => {
    const json = escapeJsonText(JSON.stringify({ text }), true);
    expect(JSON.parse(json)).toEqual({ text });
    expect(json).not.toMatch(/[\p{Cf}\u115f\u1160\u3164\uffa0]/u);
  });
});
