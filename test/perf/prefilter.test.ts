import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { query } from '../../src/run/index.js';

// Literals chosen so that escaping, case, substrings and number spellings all matter.
const WORDS = ['rolebindings', 'RoleBindings', 'role', 'a/b', 'x/y/z', 'get', 'e+', '1E+21', 'Infinity', 'ü'];
const FIELDS = ['verb', 'res', 'user.name', 'path'];

type Json = string | number | boolean | null | { [k: string]: Json };

const stringValue = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.constantFrom(...WORDS).map((w) => `pre-${w}-post`),
  fc.constantFrom('say "hi"', 'back\\slash', 'line\nbreak', 'tab\there'),
);
/** Numbers as raw JSON text, so that `1E+21` and `1e400` reach the parser as written. */
const numberText = fc.constantFrom('1E+21', '1e+21', '1e400', '401', '-0.5', '2.50');

interface Leaf {
  readonly raw?: string;
  readonly value: Json;
}
const leaf: fc.Arbitrary<Leaf> = fc.oneof(
  stringValue.map((value) => ({ value })),
  numberText.map((raw) => ({ raw, value: Number(raw) })),
  fc.constantFrom<Leaf>({ value: true }, { value: null }),
);

/** Writes a JSON string, escaping characters at random the ways producers do. */
function writeString(s: string, escapes: readonly number[]): string {
  let out = '"';
  let i = 0;
  for (const ch of s) {
    const pick = escapes[i++ % escapes.length] ?? 0;
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (pick === 1 && code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (pick === 2 && code < 0x10000) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else if (pick === 3 && ch === '/') out += '\\/';
    else out += ch;
  }
  return `${out}"`;
}

const record = fc.record({
  verb: fc.option(leaf, { nil: undefined }),
  res: fc.option(leaf, { nil: undefined }),
  name: fc.option(leaf, { nil: undefined }),
  path: fc.option(leaf, { nil: undefined }),
  escapes: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 3 })), {
    minLength: 1,
    maxLength: 6,
  }),
});

function writeLeaf(l: Leaf, escapes: readonly number[]): string {
  if (l.raw !== undefined) return l.raw;
  return typeof l.value === 'string' ? writeString(l.value, escapes) : JSON.stringify(l.value);
}

function line(r: typeof record extends fc.Arbitrary<infer T> ? T : never, i: number): string {
  const parts = [`${writeString('id', r.escapes)}:${i}`];
  if (r.verb) parts.push(`"verb":${writeLeaf(r.verb, r.escapes)}`);
  if (r.res) parts.push(`${writeString('res', r.escapes)}:${writeLeaf(r.res, r.escapes)}`);
  if (r.name) parts.push(`"user":{"name":${writeLeaf(r.name, r.escapes)}}`);
  if (r.path) parts.push(`"path":${writeLeaf(r.path, r.escapes)}`);
  return `{${parts.join(',')}}`;
}

const word = fc.constantFrom(...WORDS, 'missing', 'pre-');
const field = fc.constantFrom(...FIELDS, '@message');
const predicate: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(field, word).map(([f, w]) => `${f} = ${JSON.stringify(w)}`),
  fc.tuple(field, word).map(([f, w]) => `${f} like ${JSON.stringify(w)}`),
  fc
    .tuple(field, fc.constantFrom('role', 'a/b', 'x/y', 'get', 'Role'))
    .map(([f, w]) => `${f} like /${w.replaceAll('/', '\\/')}/`),
  fc.tuple(field, fc.constantFrom('role', 'bindings', 'Role')).map(([f, w]) => `${f} like /(?i)${w}/`),
  fc.tuple(field, fc.constantFrom('role', 'a/b')).map(([f, w]) => `${f} =~ /${w.replaceAll('/', '\\/')}/`),
  fc.tuple(field, word, word).map(([f, a, b]) => `${f} in [${JSON.stringify(a)}, ${JSON.stringify(b)}]`),
  fc.tuple(field, word).map(([f, w]) => `${f} not like ${JSON.stringify(w)}`),
);
const filterExpr: fc.Arbitrary<string> = fc
  .tuple(predicate, fc.constantFrom('and', 'or', 'and not'), predicate, fc.boolean())
  .map(([a, op, b, two]) => (two ? `${a} ${op} ${b}` : a));
const queryText = fc
  .tuple(filterExpr, fc.constantFrom('| fields id, verb, res', '| stats count(*) by verb', ''))
  .map(([f, tail]) => `filter ${f} ${tail}`);

describe('the raw prefilter is exact', () => {
  test.prop([fc.array(record, { minLength: 1, maxLength: 25 }), queryText], { numRuns: 150 })(
    'rows with the prefilter equal rows without it, whatever the escaping',
    async (records, q) => {
      const text = `${records.map((r, i) => line(r, i)).join('\n')}\n`;
      const input = Buffer.from(text);
      const options = { onError: 'skip', now: 0, logStream: 's' } as const;
      const fast = await query(input, q, { ...options, prefilter: true });
      const plain = await query(input, q, { ...options, prefilter: false });
      expect(fast.rows).toEqual(plain.rows);
      expect(fast.statistics.recordsMatched).toBe(plain.statistics.recordsMatched);
      expect(fast.statistics.recordsScanned).toBe(plain.statistics.recordsScanned);
    },
  );

  test.prop(
    [fc.array(fc.tuple(record, fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 25 }), queryText],
    { numRuns: 150 },
  )(
    'the same when lines are CloudWatch envelopes (Firehose) whose messages hold the records as JSON text',
    async (items, q) => {
      // Each line is a plain record, or an envelope carrying one or two records as escaped message strings.
      const lines = items.map(([r, shape], i) => {
        if (shape === 0) return line(r, i);
        const messages = shape === 1 ? [line(r, i)] : [line(r, i), line(r, i + 1000)];
        return JSON.stringify({
          messageType: 'DATA_MESSAGE',
          owner: '111122223333',
          logGroup: '/aws/eks/c/cluster',
          logStream: 'kube-apiserver-audit-1',
          subscriptionFilters: ['f'],
          logEvents: messages.map((message, k) => ({ id: `${i}-${k}`, timestamp: 1000 + i, message })),
        });
      });
      const input = Buffer.from(`${lines.join('\n')}\n`);
      const options = { onError: 'skip', now: 0 } as const;
      const fast = await query(input, q, { ...options, prefilter: true });
      const plain = await query(input, q, { ...options, prefilter: false });
      expect(fast.rows).toEqual(plain.rows);
      expect(fast.statistics.recordsMatched).toBe(plain.statistics.recordsMatched);
      // an envelope line the raw test rejects is read element by element, as without the prefilter
      expect(fast.statistics.recordsScanned).toBe(plain.statistics.recordsScanned);
    },
  );

  test.each([
    ['{"verb":"\\u0072olebindings"}', 'filter verb = "rolebindings"'],
    ['{"path":"a\\/b"}', 'filter path like "a/b"'],
    ['{"path":"a\\/b"}', 'filter path like /a\\/b/'],
    ['{"n":1E+21}', 'filter n like "e+"'],
    ['{"n":1e400}', 'filter n like "Infinity"'],
    ['{"verb":"ROLEBINDINGS"}', 'filter verb like /(?i)rolebindings/'],
    ['{"verb":"rolebindings"}', 'filter verb like /(?i)ROLEBINDINGS/'],
  ])('%s with %s: the same rows with and without the prefilter', async (record, q) => {
    const input = Buffer.from(`${record}\n`);
    const on = await query(input, q, { now: 0, onError: 'skip' });
    const off = await query(input, q, { now: 0, onError: 'skip', prefilter: false });
    expect(on.rows).toEqual(off.rows);
    expect(on.statistics.recordsMatched).toBe(off.statistics.recordsMatched);
  });

  test('an escaped literal is still found', async () => {
    const input = Buffer.from('{"verb":"\\u0072olebindings"}\n{"verb":"pods"}\n');
    const r = await query(input, 'filter verb = "rolebindings"', { now: 0 });
    expect(r.rows).toHaveLength(1);
    expect(r.statistics.recordsScanned).toBe(2);
  });
});
