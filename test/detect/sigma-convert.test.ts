import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { sigmaToInsights } from '../../src/detect/sigma/convert.js';
import { loadSigmaRules, sigmaEventView } from '../../src/detect/sigma/load.js';
import type { LogEvent } from '../../src/log-event.js';
import { compileQuery } from '../../src/query/index.js';
import { sigmaHqSources } from './sigma-corpus-report.js';

// Field values and rule values share a small alphabet so that rules match often, and
// wildcards, escapes, dashes, case and regex metacharacters all come up.
const CHARS = ['a', 'A', 'b', 'B', '-', '/', '\u2013', '*', '?', '\\', '.', ' ', '1', '2', '(', '%'];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 5 }).map((c) => c.join(''));
const FIELDS = ['eventName', 'userAgent', 'requestParameters.name', 'n', 'sourceIPAddress'];
const IPS = ['10.0.0.1', '10.1.2.3', '192.168.0.9', '2001:db8::1', 'x'];

const scalar = fc.oneof(text, fc.integer({ min: -2, max: 5 }), fc.boolean(), fc.constantFrom(...IPS));

const recordArb = fc.array(fc.tuple(fc.constantFrom(...FIELDS), scalar), { maxLength: 5 }).map((pairs) => {
  const r: Record<string, unknown> = {};
  for (const [f, v] of pairs) {
    if (f === 'requestParameters.name') r.requestParameters = { name: v };
    else r[f] = v;
  }
  return r;
});

const STRING_MODS = [
  [],
  ['contains'],
  ['startswith'],
  ['endswith'],
  ['cased'],
  ['contains', 'cased'],
  ['windash', 'contains'],
  ['base64'],
  ['base64offset', 'contains'],
];

const entryArb: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...FIELDS),
      fc.constantFrom(...STRING_MODS),
      fc.array(text, { minLength: 1, maxLength: 3 }),
      fc.constantFrom('any', 'all', 'neq'),
    )
    .map(([f, mods, values, how]): [string, unknown] => {
      const extra = how === 'all' && values.length > 1 ? ['all'] : how === 'neq' ? ['neq'] : [];
      return [[f, ...mods, ...extra].join('|'), values.length === 1 ? values[0] : values];
    }),
  fc
    .tuple(fc.constantFrom(...FIELDS), fc.integer({ min: -1, max: 4 }))
    .map(([f, n]): [string, unknown] => [f, n]),
  fc.tuple(fc.constantFrom(...FIELDS), fc.boolean()).map(([f, b]): [string, unknown] => [f, b]),
  fc
    .tuple(
      fc.constantFrom(...FIELDS),
      fc.constantFrom('lt', 'lte', 'gt', 'gte'),
      fc.integer({ min: -1, max: 4 }),
    )
    .map(([f, m, n]): [string, unknown] => [`${f}|${m}`, n]),
  fc.tuple(fc.constantFrom(...FIELDS), fc.boolean()).map(([f, b]): [string, unknown] => [`${f}|exists`, b]),
  fc.constantFrom(...FIELDS).map((f): [string, unknown] => [f, null]),
  fc
    .tuple(fc.constantFrom(...FIELDS), fc.constantFrom('10.0.0.0/8', '2001:db8::/32'))
    .map(([f, c]): [string, unknown] => [`${f}|cidr`, c]),
  fc
    .tuple(fc.constantFrom(...FIELDS), fc.constantFrom('^a', 'b$', 'a.b', '[-/]', 'A|1', '\\*'))
    .map(([f, re]): [string, unknown] => [`${f}|re`, re]),
  fc
    .tuple(fc.constantFrom(...FIELDS), fc.constantFrom('^a', 'b$', 'a.b'))
    .map(([f, re]): [string, unknown] => [`${f}|re|i`, re]),
  fc
    .tuple(fc.constantFrom(...FIELDS), fc.constantFrom(...FIELDS))
    .map(([f, g]): [string, unknown] => [`${f}|fieldref`, g]),
);

const searchArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.array(entryArb, { minLength: 1, maxLength: 3 }).map((e) => Object.fromEntries(e)),
  },
  {
    weight: 1,
    arbitrary: fc.array(
      fc.array(entryArb, { minLength: 1, maxLength: 2 }).map((e) => Object.fromEntries(e)),
      { minLength: 1, maxLength: 2 },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.array(
      text.filter((t) => t !== ''),
      { minLength: 1, maxLength: 2 },
    ),
  },
);

const conditionArb = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('sel_a', 'sel_b', 'filter', '1 of sel_*', 'all of sel_*', '1 of them'),
    fc.tuple(tie('node'), fc.constantFrom('and', 'or'), tie('node')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('node').map((a) => `not ${a}`),
  ),
})).node as fc.Arbitrary<string>;

const ruleArb = fc.record({ sel_a: searchArb, sel_b: searchArb, filter: searchArb, condition: conditionArb });

describe('sigma convert', () => {
  // The converted query, run on the engine, matches exactly the events the rule matches.
  // Generated records hold one scalar per field and no nulls: Logs Insights flattens lists
  // and its ispresent() is false for null (see docs/detections.md).
  test.prop([ruleArb, fc.array(recordArb, { minLength: 1, maxLength: 30 })], { numRuns: 150, seed: 42 })(
    'the converted query matches the same events as the rule',
    async (detection, records) => {
      const text = JSON.stringify({
        title: 'generated',
        logsource: { product: 'aws', service: 'cloudtrail' },
        detection,
      });
      const set = loadSigmaRules([{ file: 'gen.yml', text }]);
      const rule = set.rules[0];
      if (rule === undefined) {
        // only generated rules that are not valid Sigma (e.g. a condition made only of negations is fine; errors are not)
        expect(set.problems.some((p) => p.severity !== 'warning')).toBe(true);
        return;
      }
      const events: LogEvent[] = records.map((r, i) => ({
        timestamp: 1_000 + i,
        message: JSON.stringify(r),
        kind: 'cloudtrail',
        record: r,
        source: { file: 'gen.ndjson', line: i + 1 },
      }));
      const query = sigmaToInsights(rule);
      const result = await compileQuery(query, { order: 'input', limit: 100_000 }).run(events);
      const engine = result.rows.map((row) => row['@ptr']);
      const sigma = events
        .filter((e) => rule.test(sigmaEventView(e.record, e.message)))
        .map((e) => `gen.ndjson:${e.source.line}`);
      expect(engine, query).toEqual(sigma);
    },
  );

  test('every SigmaHQ rule converts to a query that compiles', () => {
    const set = loadSigmaRules(sigmaHqSources());
    for (const rule of set.rules)
      expect(() => compileQuery(sigmaToInsights(rule)), rule.meta.title).not.toThrow();
  });

  test('a time modifier does not convert', () => {
    const set = loadSigmaRules([
      {
        file: 't.yml',
        text: 'title: t\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventTime|hour: 3}\n  condition: s\n',
      },
    ]);
    expect(() => sigmaToInsights(set.rules[0] as never)).toThrow(/hour modifier/);
  });
});
