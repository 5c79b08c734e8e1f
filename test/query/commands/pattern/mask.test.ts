import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { maskText, renderMaskedToken, timeSpans } from '../../../../src/query/commands/pattern/mask.js';

const masked = (s: string) => maskText(s).map(renderMaskedToken).join(' ');

describe('masking', () => {
  test.each([
    ['2023-01-01 19:00:01 [INFO] resource id 12342342k124-12345', '<Time> [INFO] resource id <ID>'],
    ['id 324892398123-12345 and 3ff231242342-12345', 'id <ID> and <ID>'],
    ['at 2026-12-07T05:30:57.123Z done', 'at <Time> done'],
    ['at 2026-12-07T05:30:57+02:00, done', 'at <Time>, done'],
    ['2026/12/07 05:30:57 started', '<Time> started'],
    ['Jan  7 12:00:00 host sshd[123]: Accepted', '<Time> host sshd[<Number>]: Accepted'],
    ['07/Dec/2026:10:00:00 +0000 "GET / HTTP/1.1" 200', '<Time> "GET / HTTP/<Number>" <Number>'],
    ['I1207 12:00:00.123456   12345 main.go:10] hi', 'I<Time> <Number> main.go:<Number>] hi'],
    ['took 12:30:01 wall', 'took <Time> wall'],
    ['epoch 1701950000 and 1701950000123 ms', 'epoch <Time> and <Time> ms'],
    ['from 10.0.1.23:443 and 10.0.1.23.', 'from <IPAddress>:<Number> and <IPAddress>.'],
    ['v6 2001:db8::1 fe80::1ff:fe23:4567:890a ::1', 'v6 <IPAddress> <IPAddress> <IPAddress>'],
    ['not v6 std::string a:b 12:34', 'not v6 std::string a:b <Number>:<Number>'],
    ['uuid=123e4567-e89b-12d3-a456-426614174000;', 'uuid=<ID>;'],
    ['took 327ms, 1.5s, -3 and 2.5e10 0x1f', 'took <Number>ms, <Number>s, <Number> and <Number> <Number>'],
    ['pod web-7d8f9c6b5-x2k4z in kube-system', 'pod <ID> in kube-system'],
    ['short v1 k8s sha256 x86_64 us-east-1 utf8', 'short v1 k8s sha256 x86_64 us-east-1 utf8'],
    ['arn:aws:iam::123456789012:role/x', 'arn:aws:iam::<Number>:role/x'],
    ['  spaced\t\tout\u3000text  ', 'spaced out text'],
    ['', ''],
    ['ünïcödé 日本語 42 émoji 🙂', 'ünïcödé 日本語 <Number> émoji 🙂'],
  ])('%s', (text, expected) => {
    expect(masked(text)).toBe(expected);
  });

  test('a JSON message is split after , { and [ with the parts glued', () => {
    const tokens = maskText('{"verb":"get","code":200,"ids":[1,2]}');
    expect(tokens.map(renderMaskedToken)).toEqual([
      '{',
      '"verb":"get",',
      '"code":<Number>,',
      '"ids":[',
      '<Number>,',
      '<Number>]}',
    ]);
    expect(tokens.slice(1).every((t) => t.startsWith('\u0000g'))).toBe(true);
  });

  test('a NUL in the text does not become a placeholder', () => {
    expect(maskText('a\u0000N b')).toEqual(['a\uFFFDN', 'b']);
  });

  test('timestamps need a boundary before and after', () => {
    // (the clock after the space is a time of its own)
    expect(timeSpans('x2026-12-07 12:00:00')).toEqual([[12, 20]]);
    expect(timeSpans('2026-12-07x')).toEqual([]);
    expect(timeSpans('(2026-12-07)')).toEqual([[1, 11]]);
  });

  test('hostile inputs stay linear: long digit, dash and colon runs', () => {
    for (const s of [
      '1'.repeat(200_000),
      '1-'.repeat(100_000),
      '1:'.repeat(100_000),
      'Jan '.repeat(50_000),
      '{,'.repeat(50_000),
    ]) {
      const tokens = maskText(s);
      expect(tokens.length).toBeGreaterThan(0);
    }
  });

  test('masking is a function of the text, and never drops non-space text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        const a = maskText(s);
        expect(maskText(s)).toEqual(a);
        // Tokens never hold spaces, and a text without any space-separated content has no tokens.
        for (const t of a) expect(/\s/.test(t.replaceAll('\u0000', ''))).toBe(false);
        if (s.trim() === '') expect(a).toEqual([]);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
