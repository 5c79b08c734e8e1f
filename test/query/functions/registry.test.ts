import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { functionSignature, renderFunctionDocs } from '../../../src/query/functions/docs.js';
import { FUNCTIONS, lookupFunction, suggestFunctionName } from '../../../src/query/functions/registry.js';
import type { Arg } from '../../../src/query/functions/types.js';
import { compileUserRegex } from '../../../src/query/regex.js';
import { CTX } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function caseQueries(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return caseQueries(path);
    if (!entry.name.endsWith('.json')) return [];
    const file = JSON.parse(readFileSync(path, 'utf8')) as { cases: { query: string }[] };
    return file.cases.map((c) => c.query);
  });
}

describe('registry', () => {
  test('names are unique ignoring case', () => {
    const names = FUNCTIONS.map((f) => f.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
  });

  test.each(FUNCTIONS.map((f) => [f.name]))('%s is found in any case', (name) => {
    expect(lookupFunction(name.toUpperCase())?.name).toBe(name);
    expect(lookupFunction(name.toLowerCase())?.name).toBe(name);
  });

  test('the spec function list is complete', () => {
    const spec = [
      ...'abs ceil floor log sqrt greatest least round haversine toNumber toInt toLong toDouble'.split(' '),
      ...'ispresent coalesce case if isNumeric messageSize queryStartTime queryEndTime queryTimeRange'.split(
        ' ',
      ),
      ...'isempty isblank concat ltrim rtrim trim strlen toupper tolower substr replace regexReplace strcontains startsWith endsWith urlencode urldecode base64encode base64decode split hexToAscii hexToDec decToHex unmask'.split(
        ' ',
      ),
      ...'bin datefloor dateceil fromMillis toMillis now parseDate formatDate strftime'.split(' '),
      ...'isValidIp isValidIpV4 isValidIpV6 isIpInSubnet isIpv4InSubnet isIpv6InSubnet ipv4ToNumber isPrivateIP isPublicIP isReservedIP'.split(
        ' ',
      ),
      ...'jsonParse jsonStringify jsonArraySize jsonArrayContains'.split(' '),
      'md5',
      'sha256',
      ...'avg count count_distinct max min pct stddev sum earliest latest sortsFirst sortsLast'.split(' '),
      ...'count_over_time sum_over_time rate histogram'.split(' '),
    ];
    expect(FUNCTIONS.map((f) => f.name).sort()).toEqual([...spec].sort());
  });

  test.each([
    ['countOverTime', 'count_over_time'],
    ['COUNTOVERTIME', 'count_over_time'],
    ['sumOverTime', 'sum_over_time'],
  ])('the alias %s finds %s', (alias, name) => {
    expect(lookupFunction(alias)?.name).toBe(name);
  });

  test('aliases do not collide with names', () => {
    const all = FUNCTIONS.flatMap((f) => [f.name, ...(f.aliases ?? [])].map((n) => n.toLowerCase()));
    expect(new Set(all).size).toBe(all.length);
  });

  test('arity bounds are sane and metadata is complete', () => {
    for (const f of FUNCTIONS) {
      expect(f.minArgs).toBeLessThanOrEqual(f.maxArgs);
      expect(f.summary.length).toBeGreaterThan(10);
      expect(f.example).toContain('=>');
      expect(f.family).toBeDefined();
      expect(f.returns).toBeDefined();
      expect(f.signature.startsWith(`${f.name}(`)).toBe(true);
      for (const i of f.constantArgs ?? []) expect(i).toBeLessThan(f.maxArgs);
    }
  });

  test.each([
    ['strlem', 'strlen'],
    ['tolowr', 'tolower'],
    ['count_dstinct', 'count_distinct'],
    ['zzzzzzzz', undefined],
  ])('suggestFunctionName(%j) = %j', (name, expected) => {
    expect(suggestFunctionName(name)).toBe(expected);
  });
});

describe('docs and cases', () => {
  const docs = readFileSync(join(root, 'docs/functions.md'), 'utf8');
  const queries = caseQueries(join(root, 'test/cases'));

  test('docs/functions.md is current (run npx tsx scripts/generate-function-docs.ts)', () => {
    expect(docs).toBe(renderFunctionDocs());
  });

  test.each(FUNCTIONS.map((f) => [f.name]))(
    '%s has a docs entry, a signature and a conformance case',
    (name) => {
      expect(docs).toContain(`\n### ${name}\n`);
      expect(functionSignature(name)).toMatch(new RegExp(`^${name}\\(`));
      const call = new RegExp(`(^|[^A-Za-z0-9_@.])${name}\\s*\\(`, 'i');
      expect(queries.some((q) => call.test(q))).toBe(true);
    },
  );
});

const argArb: fc.Arbitrary<Arg> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '0xff',
    '10.0.0.1',
    '2001:db8::/32',
    '{"a":[1]}',
    '[1,"2"]',
    '2024-01-02',
    'yyyy-MM-dd',
    '%Y',
    '__proto__',
  ),
  fc.integer({ min: -1e13, max: 1e13 }).map((n) => new Date(n)),
  fc.constant(new Date(Number.NaN)),
  fc.jsonValue({ maxDepth: 2 }).map((v) => v as Arg),
  fc.constantFrom<Arg>(
    { kind: 'Star' },
    { kind: 'Period', amount: 5, unit: 'm' },
    { kind: 'Period', amount: 0, unit: 'mo' },
    { kind: 'Regex', regex: compileUserRegex('a+') },
    { kind: 'Regex' } as unknown as Arg,
    { __proto__: null, kind: 'Period' } as unknown as Arg,
  ),
);

describe('functions never throw on bad data', () => {
  test.each(FUNCTIONS.map((f) => [f.name]))('%s', (name) => {
    const f = lookupFunction(name);
    if (f === undefined) throw new Error(name);
    const maxArgs = Math.min(f.maxArgs, f.minArgs + 3);
    fc.assert(
      fc.property(
        fc.array(argArb, { minLength: f.minArgs, maxLength: maxArgs }),
        fc.integer(),
        (args, ts) => {
          f.validate?.(args);
          if (f.kind === 'scalar') {
            f.call(f.implicitTimestamp ? [...args, new Date(ts)] : args, CTX);
          } else {
            const acc = f.create(args);
            acc.add(args, { timestamp: ts });
            acc.add(args, { timestamp: undefined });
            acc.merge(f.restore(acc.snapshot(), args));
            acc.result();
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
