import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { md5Hex, sha256Hex } from '../../../src/query/functions/hash.js';
import type { Arg } from '../../../src/query/functions/types.js';
import type { Value } from '../../../src/query/value.js';
import { call } from './helpers.js';

const utf8 = new TextEncoder();

describe('hash functions', () => {
  test.each<[string, Arg[], Value]>([
    // RFC 1321 appendix A.5 and FIPS 180-4 example vectors
    ['md5', [''], 'd41d8cd98f00b204e9800998ecf8427e'],
    ['md5', ['abc'], '900150983cd24fb0d6963f7d28e17f72'],
    ['md5', ['message digest'], 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['sha256', [''], 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['sha256', ['abc'], 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    // no value for missing, null, maps and lists
    ['md5', [undefined], undefined],
    ['md5', [null], undefined],
    ['sha256', [{ a: 1 }], undefined],
    ['sha256', [[1, 2]], undefined],
    // other values hash their result string
    ['md5', [401], createHash('md5').update('401').digest('hex')],
    ['md5', [true], createHash('md5').update('true').digest('hex')],
    ['sha256', [new Date(0)], createHash('sha256').update('1970-01-01 00:00:00.000').digest('hex')],
    // unicode is hashed as UTF-8
    ['md5', ['héllo 😀'], createHash('md5').update('héllo 😀', 'utf8').digest('hex')],
    ['sha256', ['日本語'], createHash('sha256').update('日本語', 'utf8').digest('hex')],
  ])('%s(%j) = %j', (name, args, expected) => {
    expect(call(name, ...args)).toEqual(expected);
  });

  test('padding boundaries (55, 56, 63, 64, 65 bytes) agree with node:crypto', () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]) {
      const b = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
      expect(md5Hex(b)).toBe(createHash('md5').update(b).digest('hex'));
      expect(sha256Hex(b)).toBe(createHash('sha256').update(b).digest('hex'));
    }
  });

  test('any string hashes as node:crypto hashes its UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        expect(call('md5', s)).toBe(createHash('md5').update(utf8.encode(s)).digest('hex'));
        expect(call('sha256', s)).toBe(createHash('sha256').update(utf8.encode(s)).digest('hex'));
      }),
    );
  });
});
