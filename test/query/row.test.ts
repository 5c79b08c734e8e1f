import { describe, expect, test } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import { compileFieldLookup, discoverFields, eventPointer, eventRow } from '../../src/query/row.js';

function row(record: unknown, extra: Partial<LogEvent> = {}) {
  const event: LogEvent = {
    timestamp: 0,
    message: JSON.stringify(record),
    kind: 'json',
    record,
    source: {},
    ...extra,
  };
  return eventRow(event, 7);
}

const record = JSON.parse(
  '{"a":{"b":{"c":1},"b.c":2,"x.y":{"z":3}},"l":[10,[20,21],{"k":"v"}],"@t":"at","__proto__":{"p":1},"n":null,"o":{}}',
);

describe('compileFieldLookup', () => {
  test.each([
    ['a.b.c', undefined, 1],
    ['a.x.y.z', undefined, 3],
    ['l.0', undefined, 10],
    ['l.1.1', undefined, 21],
    ['l.2.k', undefined, 'v'],
    ['l.01', undefined, undefined],
    ['l.3', undefined, undefined],
    ['@@t', undefined, 'at'],
    ['@t', undefined, undefined],
    ['__proto__.p', undefined, 1],
    ['constructor', undefined, undefined],
    ['n', undefined, null],
    ['o', undefined, undefined],
    ['a', undefined, undefined],
    ['l', undefined, undefined],
  ])('%s', (name, segments, expected) => {
    expect(compileFieldLookup(name, segments)(row(record))).toEqual(expected);
  });

  test('a key with dots is found when the nested path does not exist', () => {
    expect(compileFieldLookup('k.s')(row({ 'k.s': 5 }))).toBe(5);
  });

  test('system fields', () => {
    const r = row(
      { x: 1 },
      { timestamp: 5, logStream: 's', logGroup: 'g', ingestionTime: 9, source: { file: 'f', line: 2 } },
    );
    expect(compileFieldLookup('@timestamp')(r)).toEqual(new Date(5));
    expect(compileFieldLookup('@ingestionTime')(r)).toEqual(new Date(9));
    expect(compileFieldLookup('@logStream')(r)).toBe('s');
    expect(compileFieldLookup('@log')(r)).toBe('g');
    expect(compileFieldLookup('@message')(r)).toBe('{"x":1}');
    expect(compileFieldLookup('@ptr')(r)).toBe('f:2');
  });

  test('the discovery cap hides fields after the first N leaves', () => {
    const big = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}`, i]));
    expect(compileFieldLookup('f3', undefined, { maxDiscoveredFields: 3 })(row(big))).toBeUndefined();
    expect(compileFieldLookup('f2', undefined, { maxDiscoveredFields: 3 })(row(big))).toBe(2);
    expect([...discoverFields({ '@a': 1, b: [1, { c: 2 }] }, 10)]).toEqual(['@@a', 'b.0', 'b.1.c']);
  });

  test('text events have no record fields', () => {
    const r = eventRow({ timestamp: 0, message: 'x', kind: 'text', record: { a: 1 }, source: {} }, 0);
    expect(compileFieldLookup('a')(r)).toBeUndefined();
  });
});

describe('eventPointer', () => {
  test.each([
    [{ file: 'a.log', line: 3 }, 'a.log:3'],
    [{ file: 'ct.json', line: 1, index: 4 }, 'ct.json:1[4]'],
    [{ file: 'x.gz', offset: 120 }, 'x.gz@120'],
    [{ file: 'x' }, 'x#7'],
    [{}, '#7'],
  ])('%o → %s', (source, expected) => {
    expect(eventPointer({ timestamp: 0, message: '', kind: 'text', source }, 7)).toBe(expected);
  });
});
