import { describe, expect, test } from 'vitest';
import type { Value } from '../../../src/query/value.js';
import { CTX, call } from './helpers.js';

describe('general functions', () => {
  test.each<[string, Value[], Value]>([
    ['ispresent', ['x'], true],
    ['ispresent', [''], true],
    ['ispresent', [0], true],
    ['ispresent', [undefined], false],
    ['ispresent', [null], false],
    ['coalesce', [undefined, null, 'b', 'c'], 'b'],
    ['coalesce', [undefined, '', 'c'], ''],
    ['coalesce', [undefined, null], undefined],
    ['case', [false, 'a', true, 'b', 'c'], 'b'],
    ['case', [false, 'a', false, 'b', 'c'], 'c'],
    ['case', [false, 'a', false, 'b'], undefined],
    ['case', [1, 'one'], 'one'],
    ['case', ['false', 'a', 'x'], 'x'],
    ['if', [true, 'yes', 'no'], 'yes'],
    ['if', [false, 'yes', 'no'], 'no'],
    ['if', [undefined, 'yes', 'no'], 'no'],
    ['if', [0, 'yes', 'no'], 'no'],
    ['isNumeric', ['12.5'], true],
    ['isNumeric', [12], true],
    ['isNumeric', ['12a'], false],
    ['isNumeric', [undefined], false],
    ['messageSize', ['héllo'], 6],
    ['messageSize', ['abc'], 3],
    ['messageSize', [undefined], undefined],
    ['queryStartTime', [], CTX.startTime],
    ['queryEndTime', [], CTX.endTime],
    ['queryTimeRange', [], CTX.endTime - CTX.startTime],
  ])('%s(%j) = %j', (name, args, expected) => {
    expect(call(name, ...args)).toEqual(expected);
  });
});
