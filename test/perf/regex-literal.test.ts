import { fc, test } from '@fast-check/vitest';
import { RE2JS } from 're2js';
import { describe, expect, it, vi } from 'vitest';
import { classifyLiteralRegex, compileUserRegex } from '../../src/query/regex.js';

/** Characters that are literals in a pattern and in any input. */
const PLAIN_TOKENS = ['a', 'b', 'A', '-', ' ', '/', 'é', '中', '😀', '\n', '\uFFFD'];

/** Pattern pieces: plain, multi-byte, astral, newline, metacharacters bare and escaped, escapes that are not literals. */
const PATTERN_TOKENS = [
  ...PLAIN_TOKENS,
  '\uD83D', // lone high surrogate
  '\uDE00', // lone low surrogate
  '.',
  '*',
  '+',
  '?',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '{2}',
  '|',
  '^',
  '$',
  '\\',
  '(?i)',
  '\\.',
  '\\/',
  '\\-',
  '\\$',
  '\\^',
  '\\\\',
  '\\_',
  '\\!',
  '\\*',
  '\\[',
  '\\{',
  '\\ ',
  '\\d',
  '\\w',
  '\\b',
  '\\A',
  '\\z',
  '\\Q',
  '\\E',
  '\\x41',
  '\\x{1F600}',
  '\\n',
  '\\t',
  '\\0',
  '\\p{L}',
  '\\é',
];

/** Pieces that are literals on their own, so that the fast path is exercised often. */
const LITERAL_TOKENS = [...PLAIN_TOKENS, '\\.', '\\/', '\\-', '\\$', '\\^', '\\\\', '\\_'];

const anchored = (tokens: readonly string[], maxLength: number) =>
  fc
    .tuple(fc.boolean(), fc.array(fc.constantFrom(...tokens), { maxLength }), fc.boolean())
    .map(([start, body, end]) => `${start ? '^' : ''}${body.join('')}${end ? '$' : ''}`);

const pattern = fc.oneof(anchored(PATTERN_TOKENS, 6), anchored(LITERAL_TOKENS, 6));

/** What each pattern piece would stand for if read as a literal; inputs are built from these. */
function needleOf(p: string): string {
  return p.replace(/^\^/, '').replace(/\$$/, '').replace(/\\(.)/gsu, '$1');
}

const INPUT_CHARS = [
  'a',
  'b',
  'A',
  '-',
  '/',
  '.',
  '$',
  '^',
  '\\',
  'é',
  '中',
  '😀',
  '\n',
  '\r',
  '\uFFFD',
  '\uD83D',
  '\uDE00',
  ' ',
];
const filler = fc.array(fc.constantFrom(...INPUT_CHARS), { maxLength: 5 }).map((a) => a.join(''));
const edge = fc.constantFrom('', '\n', '\r\n', 'x', '\uD83D', '\uDE00', '😀', '\n\n');

/** Inputs around what `p` would match: exact, with `\n` before or after, split surrogates, noise, empty. */
function inputsFor(p: string): fc.Arbitrary<string[]> {
  const needle = needleOf(p);
  const one = fc.oneof(
    fc.constantFrom(
      '',
      needle,
      `${needle}\n`,
      `\n${needle}`,
      `\n${needle}\n`,
      `${needle}${needle}`,
      needle.slice(1),
      needle.slice(0, -1),
    ),
    fc.tuple(fc.oneof(edge, filler), fc.oneof(edge, filler)).map(([pre, post]) => `${pre}${needle}${post}`),
    filler,
    fc.string({ unit: 'binary', maxLength: 8 }),
  );
  return fc.array(one, { minLength: 1, maxLength: 12 });
}

/** A pattern and a dozen inputs for it (compiling is the expensive part of a run). */
const patternAndInputs = pattern.chain((p) => fc.tuple(fc.constant(p), inputsFor(p)));

function reference(p: string): RE2JS | undefined {
  try {
    return RE2JS.compile(p);
  } catch {
    return undefined;
  }
}

describe('literal fast path of compileUserRegex().test', () => {
  test.prop([patternAndInputs], { numRuns: 4_000 })('gives the answer RE2JS gives', ([p, inputs]) => {
    const re2 = reference(p);
    if (re2 === undefined) {
      expect(() => compileUserRegex(p)).toThrow();
      expect(classifyLiteralRegex(p)).toBeUndefined();
      return;
    }
    const re = compileUserRegex(p);
    for (const input of inputs) expect(re.test(input), JSON.stringify(input)).toBe(re2.test(input));
  });

  test.prop([anchored(LITERAL_TOKENS, 6).chain((p) => fc.tuple(fc.constant(p), inputsFor(p)))], {
    numRuns: 2_000,
  })('a classified pattern applied as a string method gives the answer RE2JS gives', ([p, inputs]) => {
    const lit = classifyLiteralRegex(p);
    fc.pre(lit !== undefined);
    const re2 = RE2JS.compile(p);
    for (const input of inputs) {
      const fast =
        lit.kind === 'equals'
          ? input === lit.literal
          : lit.kind === 'startsWith'
            ? input.startsWith(lit.literal)
            : lit.kind === 'endsWith'
              ? input.endsWith(lit.literal)
              : input.includes(lit.literal);
      expect(fast, JSON.stringify(input)).toBe(re2.test(input));
    }
  });

  it('the generated patterns take the fast path often and the slow path often', () => {
    const sample = fc.sample(pattern, { numRuns: 5_000, seed: 42 });
    const fast = sample.filter((p) => classifyLiteralRegex(p) !== undefined).length;
    expect(fast).toBeGreaterThan(1_000);
    expect(sample.length - fast).toBeGreaterThan(200);
  });

  it('RE2 anchors are start and end of text: `$` does not match before a final newline, `^` not after a newline', () => {
    for (const [p, input, expected] of [
      ['abc$', 'abc\n', false],
      ['abc$', 'abc', true],
      ['^abc', '\nabc', false],
      ['^abc', 'abc\n', true],
      ['^abc$', 'abc\n', false],
      ['^abc$', '\nabc', false],
      ['^abc$', 'abc', true],
      ['abc', 'x\nabc\ny', true],
    ] as const) {
      expect(RE2JS.compile(p).test(input), `RE2JS /${p}/ on ${JSON.stringify(input)}`).toBe(expected);
      expect(compileUserRegex(p).test(input), `fast /${p}/ on ${JSON.stringify(input)}`).toBe(expected);
    }
  });

  it('RE2JS reads the input by code point, so a surrogate half in a pattern is not a substring test', () => {
    // A lone high surrogate does not match the first half of a pair, and a lone low surrogate not the second.
    expect(RE2JS.compile('\uD83D').test('\uD83D\uDE00')).toBe(false);
    expect(RE2JS.compile('\uDE00').test('\uD83D\uDE00')).toBe(false);
    expect(RE2JS.compile('\uD83D').test('x\uD83Dy')).toBe(true);
    // A lone surrogate in the input is itself, not U+FFFD.
    expect(RE2JS.compile('\uFFFD').test('x\uD83Dy')).toBe(false);
    expect(compileUserRegex('\uFFFD').test('x\uD83Dy')).toBe(false);
    expect(classifyLiteralRegex('\uD83D')).toBeUndefined();
    expect(classifyLiteralRegex('a\uDE00')).toBeUndefined();
    expect(classifyLiteralRegex('^😀$')).toBeUndefined();
    expect(compileUserRegex('😀').test('a😀b')).toBe(true);
  });
});

describe('classifyLiteralRegex', () => {
  it('classifies the benchmark pattern as startsWith, and compileUserRegex then skips RE2JS for test', () => {
    expect(classifyLiteralRegex('^kube-apiserver-audit')).toEqual({
      literal: 'kube-apiserver-audit',
      kind: 'startsWith',
    });
    const spy = vi.spyOn(RE2JS.prototype, 'test');
    try {
      const re = compileUserRegex('^kube-apiserver-audit');
      expect(re.test('kube-apiserver-audit-0123456789abcdef')).toBe(true);
      expect(re.test('authenticator-0123456789abcdef')).toBe(false);
      expect(spy).not.toHaveBeenCalled();
      // A regex that is not a literal still goes through RE2JS.
      expect(compileUserRegex('^kube-.*-audit').test('kube-apiserver-audit-1')).toBe(true);
      expect(spy).toHaveBeenCalledTimes(1);
      // So does a case-insensitive one.
      expect(compileUserRegex('kube', { caseInsensitive: true }).test('KUBE')).toBe(true);
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('resolves escaped ASCII punctuation and reads the anchors', () => {
    expect(classifyLiteralRegex('kube')).toEqual({ literal: 'kube', kind: 'includes' });
    expect(classifyLiteralRegex('\\.yaml$')).toEqual({ literal: '.yaml', kind: 'endsWith' });
    expect(classifyLiteralRegex('^\\/api\\/v1$')).toEqual({ literal: '/api/v1', kind: 'equals' });
    expect(classifyLiteralRegex('a\\\\$')).toEqual({ literal: 'a\\', kind: 'endsWith' });
    expect(classifyLiteralRegex('a\\$')).toEqual({ literal: 'a$', kind: 'includes' });
    expect(classifyLiteralRegex('\\^a')).toEqual({ literal: '^a', kind: 'includes' });
    expect(classifyLiteralRegex('日本語 x')).toEqual({ literal: '日本語 x', kind: 'includes' });
  });

  it('leaves everything else to RE2JS', () => {
    for (const p of [
      '',
      '^',
      '$',
      '^$',
      '^^a',
      'a$$',
      'a.b',
      'a*',
      'a|b',
      '(a)',
      '(?i)a',
      '^(?i)a',
      'a{2}',
      'a}',
      'a]',
      'a\\',
      '\\d',
      '\\w',
      '\\b',
      '\\A',
      '\\z',
      '\\Qa.b\\E',
      '\\x41',
      '\\n',
      '\\ ',
      '\\é',
      'a$b',
      'a^b',
    ]) {
      expect(classifyLiteralRegex(p), p).toBeUndefined();
    }
  });

  it('exec and replaceAll stay on RE2JS', () => {
    const re = compileUserRegex('^kube');
    expect(re.exec('kube-x')).toMatchObject({ start: 0, end: 4 });
    expect(re.exec('x-kube')).toBeNull();
    expect(compileUserRegex('a\\.b').replaceAll('a.b a.b axb', '[$0]')).toBe('[a.b] [a.b] axb');
  });
});
