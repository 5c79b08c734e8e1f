import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { globSearchExtractor, globToRegex, groupsExtractor } from '../../src/query/commands/parse.js';
import { compileUserRegex } from '../../src/query/regex.js';

// Few characters, so that parts recur, overlap and nest; regex metacharacters and multi-byte ones too.
const CHARS = ['a', 'b', '/', '.', '[', ']', '(', '\n', ' ', 'ü', '😀', '\\'];
const textArb = fc.array(fc.constantFrom(...CHARS), { maxLength: 30 }).map((cs) => cs.join(''));
const globArb = fc
  .array(fc.oneof(fc.constantFrom(...CHARS), fc.constant('*')), { minLength: 1, maxLength: 8 })
  .map((cs) => cs.join(''));
const NAMES = ['a', 'b', 'c', 'd'];

describe('parse globs without a regex', () => {
  test.prop([globArb, fc.array(textArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 4 })], {
    numRuns: 500,
  })('the indexOf search extracts what the glob regex extracts', (glob, texts, n) => {
    const names = NAMES.slice(0, n);
    const fast = globSearchExtractor(glob, names);
    const slow = groupsExtractor(compileUserRegex(globToRegex(glob)), names, false);
    for (const t of texts) expect(fast(t)).toEqual(slow(t));
  });

  test.each([
    ['/namespaces/*/', '/api/v1/namespaces/kube-system/pods', [['ns', 'kube-system']]],
    [
      '[*] *',
      'x [warn] disk [full]',
      [
        ['level', 'warn'],
        ['text', 'disk [full]'],
      ],
    ],
    [
      'a*b*c',
      'a1b2b3c',
      [
        ['x', '1'],
        ['y', '2b3'],
      ],
    ],
    ['*', 'all\nof it', [['all', 'all\nof it']]],
  ])('%s on %j', (glob, text, want) => {
    const names = want.map(([n]) => n as string);
    expect(globSearchExtractor(glob, names)(text)).toEqual([want]);
  });

  test('no match gives no row', () => {
    expect(globSearchExtractor('/namespaces/*/', ['ns'])('/api/v1/nodes')).toEqual([]);
  });
});
