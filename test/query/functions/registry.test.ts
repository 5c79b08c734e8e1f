import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { functionSignature, renderFunctionDocs } from '../../../src/query/functions/docs.js';
import { FUNCTIONS, lookupFunction, suggestFunctionName } from '../../../src/query/functions/registry.js';

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
      ...'avg count count_distinct max min pct stddev sum earliest latest sortsFirst sortsLast'.split(' '),
    ];
    expect(FUNCTIONS.map((f) => f.name).sort()).toEqual([...spec].sort());
  });

  test('arity bounds are sane and metadata is complete', () => {
    for (const f of FUNCTIONS) {
      expect(f.minArgs).toBeLessThanOrEqual(f.maxArgs);
      expect(f.summary.length).toBeGreaterThan(10);
      expect(f.example).toContain('=>');
      expect(f.family).toBeDefined();
      expect(f.returns).toBeDefined();
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
