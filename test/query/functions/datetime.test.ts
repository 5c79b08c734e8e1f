import { describe, expect, test } from 'vitest';
import {
  capPeriod,
  ceilTimestamp,
  floorTimestamp,
  parseJavaDate,
  strftime,
  zoneOffsetMinutes,
} from '../../../src/query/functions/datetime.js';
import { lookupFunction } from '../../../src/query/functions/registry.js';
import type { Arg } from '../../../src/query/functions/types.js';
import type { PeriodUnit, Value } from '../../../src/query/value.js';
import { CTX, call, period, utc } from './helpers.js';

const T = Date.UTC(2024, 4, 15, 10, 7, 30, 250); // Wednesday 2024-05-15 10:07:30.250

describe('period caps', () => {
  test.each<[number, PeriodUnit, number]>([
    [300, 's', 60],
    [60, 's', 60],
    [90, 'm', 60],
    [48, 'h', 24],
    [5000, 'ms', 1000],
    [400, 'd', 400],
    [3, 'w', 3],
    [2.7, 'mo', 2],
  ])('%d%s caps to %d', (amount, unit, expected) => {
    expect(capPeriod(period(amount, unit)).amount).toBe(expected);
  });

  test('bin(300s) buckets by 60 seconds, not 5 minutes', () => {
    expect(call('bin', period(300, 's'), utc('2024-01-01T10:07:30Z'))).toEqual(utc('2024-01-01T10:07:00Z'));
    expect(call('bin', period(5, 'm'), utc('2024-01-01T10:07:30Z'))).toEqual(utc('2024-01-01T10:05:00Z'));
  });
});

describe('floor and ceil', () => {
  test.each<[number, PeriodUnit, string, string]>([
    [1, 'ms', '2024-05-15T10:07:30.250Z', '2024-05-15T10:07:30.250Z'],
    [100, 'ms', '2024-05-15T10:07:30.200Z', '2024-05-15T10:07:30.300Z'],
    [1, 's', '2024-05-15T10:07:30.000Z', '2024-05-15T10:07:31.000Z'],
    [5, 'm', '2024-05-15T10:05:00.000Z', '2024-05-15T10:10:00.000Z'],
    [1, 'h', '2024-05-15T10:00:00.000Z', '2024-05-15T11:00:00.000Z'],
    [6, 'h', '2024-05-15T06:00:00.000Z', '2024-05-15T12:00:00.000Z'],
    [1, 'd', '2024-05-15T00:00:00.000Z', '2024-05-16T00:00:00.000Z'],
    [1, 'w', '2024-05-13T00:00:00.000Z', '2024-05-20T00:00:00.000Z'],
    [1, 'mo', '2024-05-01T00:00:00.000Z', '2024-06-01T00:00:00.000Z'],
    [2, 'mo', '2024-05-01T00:00:00.000Z', '2024-07-01T00:00:00.000Z'],
    [1, 'q', '2024-04-01T00:00:00.000Z', '2024-07-01T00:00:00.000Z'],
    [1, 'y', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    [10, 'y', '2020-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z'],
  ])('%d%s', (amount, unit, floor, ceil) => {
    expect(floorTimestamp(T, period(amount, unit))).toBe(Date.parse(floor));
    expect(ceilTimestamp(T, period(amount, unit))).toBe(Date.parse(ceil));
  });

  test('ceil of a boundary is itself; weeks start on Monday; pre-epoch floors down', () => {
    const hour = Date.UTC(2024, 0, 1, 10);
    expect(ceilTimestamp(hour, period(1, 'h'))).toBe(hour);
    expect(new Date(floorTimestamp(0, period(1, 'w')) ?? 0).getUTCDay()).toBe(1);
    expect(floorTimestamp(-1, period(1, 's'))).toBe(-1000);
    expect(floorTimestamp(Date.UTC(1969, 5, 15), period(1, 'q'))).toBe(Date.UTC(1969, 3, 1));
  });

  test('bad periods give no value', () => {
    expect(floorTimestamp(T, period(0, 'm'))).toBeUndefined();
    expect(floorTimestamp(Number.NaN, period(1, 'm'))).toBeUndefined();
  });
});

describe('datetime functions', () => {
  test.each<[string, Arg[], Value]>([
    ['datefloor', [new Date(T), period(1, 'h')], utc('2024-05-15T10:00:00Z')],
    ['dateceil', [new Date(T), period(1, 'h')], utc('2024-05-15T11:00:00Z')],
    ['datefloor', [T, period(1, 'd')], utc('2024-05-15T00:00:00Z')],
    ['datefloor', ['2024-05-15T10:07:30Z', period(1, 'd')], utc('2024-05-15T00:00:00Z')],
    ['datefloor', [new Date(T), period(300, 's')], utc('2024-05-15T10:07:00Z')],
    ['datefloor', [undefined, period(1, 'h')], undefined],
    ['datefloor', ['nope', period(1, 'h')], undefined],
    ['bin', [period(1, 'h'), new Date(T)], utc('2024-05-15T10:00:00Z')],
    ['bin', [period(1, 'h'), undefined], undefined],
    ['fromMillis', [1628061726518], new Date(1628061726518)],
    ['fromMillis', ['1628061726518'], new Date(1628061726518)],
    ['fromMillis', ['x'], undefined],
    ['toMillis', [new Date(1628061726518)], 1628061726518],
    ['toMillis', ['2021-08-04T07:22:06.518Z'], 1628061726518],
    ['toMillis', ['2022-01-14T13:18:31.000-08:00'], 1642195111000],
    ['toMillis', ['garbage'], undefined],
    ['now', [], 1704067200],
    ['parseDate', ['2024-01-02 03:04:05', 'yyyy-MM-dd HH:mm:ss'], 1704164645000],
    ['parseDate', ['2024-01-02T03:04:05.123Z', "yyyy-MM-dd'T'HH:mm:ss.SSSX"], 1704164645123],
    ['parseDate', ['2024-01-02T03:04:05+01:00', "yyyy-MM-dd'T'HH:mm:ssXXX"], 1704161045000],
    ['parseDate', ['02/Jan/2024:03:04:05 +0100', 'dd/MMM/yyyy:HH:mm:ss Z'], 1704161045000],
    ['parseDate', ['January 2, 2024 3:04 PM', 'MMMM d, yyyy h:mm a'], 1704207840000],
    ['parseDate', ['20240102', 'yyyyMMdd'], 1704153600000],
    ['parseDate', ['2024-01-02 03:04', 'yyyy-MM-dd HH:mm', 'America/New_York'], 1704182640000],
    ['parseDate', ['2024-07-02 03:04', 'yyyy-MM-dd HH:mm', 'America/New_York'], 1719903840000],
    ['parseDate', ['2024-01-02 03:04', 'yyyy-MM-dd HH:mm', '+05:30'], 1704144840000],
    ['parseDate', ['Tue, 02 Jan 2024 03:04:05', 'EEE, dd MMM yyyy HH:mm:ss'], 1704164645000],
    ['parseDate', ['2024-02-30', 'yyyy-MM-dd'], undefined],
    ['parseDate', ['2024-01-02 extra', 'yyyy-MM-dd'], undefined],
    ['parseDate', ['24-01-02', 'yy-MM-dd'], 1704153600000],
    ['parseDate', ['Tue Jan 02 03:04:05 UTC 2024', 'EEE MMM dd HH:mm:ss zzz yyyy'], 1704164645000],
    ['parseDate', ['2024-01-02 03:04 Europe/Berlin', 'yyyy-MM-dd HH:mm z'], 1704161040000],
    ['parseDate', ['2024-01-02 03:04 PST', 'yyyy-MM-dd HH:mm z'], undefined],
    ['parseDate', ['2024-01-02', 'yyyy-MM-dd', 'Not/AZone'], undefined],
    ['formatDate', [new Date(0), '%Y-%m-%d %H:%M'], '1970-01-01 00:00'],
    ['formatDate', [new Date(T), '%FT%T.%L%z'], '2024-05-15T10:07:30.250+0000'],
    [
      'formatDate',
      [new Date(T), '%a %A %b %B %d %e %j %u %w %y %C %p %I %s'],
      'Wed Wednesday May May 15 15 136 3 3 24 20 AM 10 1715767650',
    ],
    ['formatDate', [new Date(T), '%H:%M %Z', 'America/New_York'], '06:07 America/New_York'],
    ['formatDate', [new Date(T), '%H:%M %Z %z', '+05:30'], '15:37 +05:30 +0530'],
    ['formatDate', [new Date(T), '100%% %q'], '100% %q'],
    ['formatDate', [new Date(T), '%F', 'Bad/Zone'], undefined],
    ['formatDate', [undefined, '%F'], undefined],
    ['strftime', [T, '%D %R'], '05/15/24 10:07'],
  ])('%s(%j) = %j', (name, args, expected) => {
    expect(call(name, ...args)).toEqual(expected);
  });

  test('now() is the query start in seconds, from the context, never the clock', () => {
    expect(call('now')).toBe(Math.floor(CTX.now / 1000));
  });

  test('validate rejects bad constants', () => {
    const v = (name: string, constants: Value[]) => lookupFunction(name)?.validate?.(constants);
    expect(v('bin', [period(0, 'm') as unknown as Value])).toMatch(/positive/);
    expect(v('bin', ['5m'])).toMatch(/period/);
    expect(v('bin', [period(5, 'm') as unknown as Value])).toBeUndefined();
    expect(v('parseDate', [undefined, 'yyyy-QQ'])).toMatch(/unsupported/);
    expect(v('parseDate', [undefined, "yyyy-'x"])).toMatch(/quote/);
    expect(v('parseDate', [undefined, 'yyyy-MM-dd'])).toBeUndefined();
  });

  test('helpers', () => {
    expect(zoneOffsetMinutes('UTC', 0)).toBe(0);
    expect(zoneOffsetMinutes('-08:00', 0)).toBe(-480);
    expect(zoneOffsetMinutes('Europe/Berlin', Date.UTC(2024, 6, 1))).toBe(120);
    expect(zoneOffsetMinutes('Nope/Nope', 0)).toBeUndefined();
    expect(strftime(0, '%Y', 'UTC')).toBe('1970');
    expect(parseJavaDate('1970-01-01', 'yyyy-MM-dd')).toBe(0);
  });
});
