import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { createJsonScanner } from '../../src/read/json-scanner.js';

/** Cuts a byte string into chunks at the given fractions. */
function chunked(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    if (p > at) out.push(bytes.subarray(at, p));
    at = Math.max(at, p);
  }
  out.push(bytes.subarray(at));
  return out;
}

/** Runs the scanner over a document and returns the parsed `Records` elements and whole documents. */
function scan(chunks: readonly Uint8Array[]): { elements: unknown[]; documents: unknown[]; errors: number } {
  const elements: unknown[] = [];
  const documents: unknown[] = [];
  let errors = 0;
  const decoder = new TextDecoder();
  const scanner = createJsonScanner({
    maxValueBytes: 1 << 20,
    handlers: {
      onKey: (key) => (key === 'Records' ? 'elements' : 'continue'),
      onElement(_key, bytes, start, end) {
        elements.push(JSON.parse(decoder.decode(bytes.subarray(start, end))));
      },
      onDocument(bytes, start, end) {
        documents.push(JSON.parse(decoder.decode(bytes.subarray(start, end))));
      },
      onError() {
        errors++;
      },
    },
  });
  for (const c of chunks) scanner.push(c);
  scanner.end();
  return { elements, documents, errors };
}

// JSON text with strings full of quotes, backslashes, brackets and non-ASCII, to stress the string tracking.
const tricky = fc.oneof(
  fc.string(),
  fc.constantFrom('"', '\\', '\\"', '}', ']', '[{', '"Records":[', 'ü€😀', '\u0000\n\t', '\u2028'),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(tricky, tie('v'), { maxKeys: 4 }),
  ),
})).v;
const record = fc.dictionary(tricky, value, { maxKeys: 5 });

describe('the byte scanner cuts exactly what JSON.parse sees', () => {
  test.prop(
    [
      fc.array(record, { maxLength: 12 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'c'), value, { maxKeys: 2 }),
      fc.constantFrom(0, 1, 2),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
    ],
    { numRuns: 300 },
  )(
    'Records elements equal JSON.parse(document).Records, however chunked and indented',
    (records, extra, indent, cuts) => {
      const doc = { ...extra, Records: records };
      const text = JSON.stringify(doc, null, indent);
      const bytes = new TextEncoder().encode(text);
      const { elements, documents, errors } = scan(chunked(bytes, cuts));
      expect(errors).toBe(0);
      expect(documents).toEqual([]);
      expect(elements).toEqual((JSON.parse(text) as { Records: unknown[] }).Records);
    },
  );

  test.prop(
    [
      fc.array(record, { maxLength: 8 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
    ],
    { examples: [[[{ '': { '': -0 } }], []]] },
  )('concatenated documents without a container come out whole and equal', (records, cuts) => {
    const text = records.map((r) => JSON.stringify({ x: r })).join('\n');
    const { documents, errors } = scan(chunked(new TextEncoder().encode(text), cuts));
    expect(errors).toBe(0);
    // compare with what JSON can hold (JSON.stringify writes -0 as 0)
    expect(documents).toEqual(records.map((r) => JSON.parse(JSON.stringify({ x: r }))));
  });
});
