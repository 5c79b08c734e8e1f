import { describe, expect, test } from 'vitest';
import { checkQuery } from '../../src/query/check.js';
import { QueryError } from '../../src/query/errors.js';
import { parseQuery } from '../../src/query/parser.js';
import { printQuery } from '../../src/query/print.js';
import { describeWithShared, testWithShared } from '../test-data.js';
import {
  droppedExamples,
  type Example,
  sharedExamples,
  vendoredExamples,
} from './support/example-queries.js';
import { stripSpans } from './support/strip-spans.js';

/**
 * The vendored queries always run; the ones left out of the fixture for their
 * licence run too where the optional shared folder exists.
 */
const vendored = vendoredExamples();
const dropped = droppedExamples();
const examples = [...vendored, ...dropped];

/**
 * The examples that do not parse, with the error they must produce. Both are
 * marked in the file: one is "an unquoted URL literal ... may not be valid",
 * the other is "the service-internal rewritten form" with snapshot
 * placeholders (`<start-time>`) instead of numbers.
 */
const INVALID: ReadonlyMap<string, { code: string; line: number; column: number }> = new Map([
  ['referrer= http://34.250.27.141/', { code: 'unexpected_token', line: 2, column: 41 }],
  ['START=<start-time>000', { code: 'unexpected_token', line: 1, column: 35 }],
]);

const expectedError = (query: string) => [...INVALID].find(([needle]) => query.includes(needle))?.[1];

/**
 * The examples "documented as INVALID" for a semantic reason: they parse, and
 * compile rejects them (checkQuery runs both stages).
 */
const SEMANTICALLY_INVALID: ReadonlyMap<string, { code: string; line: number; column: number }> = new Map([
  ['MAX(strlen(@message)) AS MaxMessageSize', { code: 'unknown_field_after_stats', line: 4, column: 20 }],
  ['STATS avg(ingested_bytes) BY bin(5m)', { code: 'unknown_field_after_stats', line: 3, column: 4 }],
]);

test('the fixture holds the 158 queries whose licence allows redistribution', () => {
  expect(vendored).toHaveLength(158);
  expect(new Set(vendored.map((e) => e.query)).size).toBeGreaterThan(150);
  for (const e of vendored) expect(e.source, e.query).not.toBe('');
});

testWithShared('the shared reference file holds 192 queries: the fixture plus the 34 left out', () => {
  expect(sharedExamples()).toHaveLength(192);
  expect(dropped).toHaveLength(34);
});

test('the pattern, diff and anomaly examples are all checked (none is documented as invalid)', () => {
  const mining = vendored.filter((e) => /^\s*(\|\s*)?(pattern|diff|anomaly)\b/im.test(e.query));
  expect(mining.length).toBe(7);
  for (const e of mining)
    expect(
      checkQuery(e.query).filter((d) => d.severity === 'error'),
      e.query,
    ).toEqual([]);
});

test('every invalid marker matches exactly one query', () => {
  for (const [needle] of [...INVALID, ...SEMANTICALLY_INVALID]) {
    expect(examples.filter((e) => e.query.includes(needle))).toHaveLength(1);
  }
  const documented = examples.filter((e) => e.notes.some((n) => n.includes('documented as INVALID')));
  expect(documented.map((e) => [...SEMANTICALLY_INVALID.keys()].some((k) => e.query.includes(k)))).toEqual([
    true,
    true,
  ]);
});

function conformance(example: Example): void {
  const error = expectedError(example.query);
  if (error) {
    test('fails with a precise error', () => {
      let thrown: unknown;
      try {
        parseQuery(example.query);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(QueryError);
      const q = thrown as QueryError;
      expect({ code: q.code, line: q.line, column: q.column }).toEqual(error);
    });
    return;
  }

  test('parses', () => {
    const ast = parseQuery(example.query);
    expect(ast.commands.length).toBeGreaterThan(0);
  });

  const semantic = [...SEMANTICALLY_INVALID].find(([needle]) => example.query.includes(needle))?.[1];
  if (semantic) {
    test('fails to compile with a precise error', () => {
      const [first, ...rest] = checkQuery(example.query);
      expect(rest).toEqual([]);
      expect({ code: first?.code, line: first?.line, column: first?.column }).toEqual(semantic);
    });
  }

  const mining = ['PatternCommand', 'DiffCommand', 'AnomalyCommand'];
  if (!semantic && parseQuery(example.query).commands.some((c) => mining.includes(c.kind))) {
    test('pattern, diff and anomaly queries pass checkQuery', () => {
      expect(checkQuery(example.query).filter((d) => d.severity === 'error')).toEqual([]);
    });
  }

  test('printing is a fixpoint and preserves the tree', () => {
    const ast = parseQuery(example.query);
    const printed = printQuery(ast);
    const reparsed = parseQuery(printed);
    expect(stripSpans(reparsed)).toEqual(stripSpans(ast));
    expect(printQuery(reparsed)).toBe(printed);
  });
}

describe.each(vendored)('example $index', conformance);

describeWithShared('the queries left out of the fixture, from the shared reference file', () => {
  describe.each(dropped)('shared example $index', conformance);
});
