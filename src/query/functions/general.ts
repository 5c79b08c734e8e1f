/**
 * General functions: presence, conditionals and query-window facts.
 *
 * @module
 */
import { isNumericString, isTruthy } from '../semantics/compare.js';
import { utf8Length } from '../utf8-length.js';
import type { Value } from '../value.js';
import { argString, argValue } from './args.js';
import type { ScalarFunctionDef } from './types.js';

/**
 * The general functions.
 *
 * @example
 * ```ts
 * GENERAL_FUNCTIONS.map((f) => f.name).includes('coalesce') //=> true
 * ```
 */
export const GENERAL_FUNCTIONS: readonly ScalarFunctionDef[] = [
  {
    kind: 'scalar',
    name: 'ispresent',
    signature: 'ispresent(field)',
    family: 'general',
    returns: 'boolean',
    minArgs: 1,
    maxArgs: 1,
    summary: 'true when the field has a value (a JSON null counts as absent), else false.',
    example: 'ispresent(missingField) => false',
    call: (args) => {
      const v = argValue(args[0]);
      return v !== undefined && v !== null;
    },
  },
  {
    kind: 'scalar',
    name: 'coalesce',
    signature: 'coalesce(f1, ...fields)',
    family: 'general',
    returns: 'any',
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    summary:
      'The first argument that has a value (not missing, not null); an empty string counts as a value.',
    example: 'coalesce(missingField, "fallback") => "fallback"',
    call: (args) => {
      for (const a of args) {
        const v = argValue(a);
        if (v !== undefined && v !== null) return v;
      }
      return undefined;
    },
  },
  {
    kind: 'scalar',
    name: 'case',
    signature: 'case(cond1, value1, [cond2, value2, ...] [, default])',
    family: 'general',
    returns: 'any',
    minArgs: 2,
    maxArgs: 21,
    summary:
      'case(cond1, value1, …, [default]): the value after the first true condition; with an odd number of arguments the last is the default; up to 10 branches.',
    example: 'case(1 > 2, "a", 2 > 1, "b", "c") => "b"',
    call: (args) => {
      const pairs = Math.floor(args.length / 2);
      for (let i = 0; i < pairs; i++) {
        if (isTruthy(argValue(args[2 * i]))) return argValue(args[2 * i + 1]);
      }
      return args.length % 2 === 1 ? argValue(args[args.length - 1]) : undefined;
    },
  },
  {
    kind: 'scalar',
    name: 'if',
    signature: 'if(cond, whenTrue, whenFalse)',
    family: 'general',
    returns: 'any',
    minArgs: 3,
    maxArgs: 3,
    summary: 'if(cond, whenTrue, whenFalse): whenTrue when cond is true, else whenFalse.',
    example: 'if(2 > 1, "yes", "no") => "yes"',
    call: (args) => (isTruthy(argValue(args[0])) ? argValue(args[1]) : argValue(args[2])),
  },
  {
    kind: 'scalar',
    name: 'isNumeric',
    signature: 'isNumeric(field)',
    family: 'general',
    returns: 'boolean',
    minArgs: 1,
    maxArgs: 1,
    summary: 'true when the value is a number or a numeric string, else false.',
    example: 'isNumeric("12.5") => true',
    call: (args) => {
      const v = argValue(args[0]);
      return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && isNumericString(v));
    },
  },
  {
    kind: 'scalar',
    name: 'messageSize',
    signature: 'messageSize(field)',
    family: 'general',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary: 'The size in bytes of the value as UTF-8 text (usually `messageSize(@message)`).',
    example: 'messageSize("héllo") => 6',
    call: (args) => {
      const s = argString(args[0]);
      return s === undefined ? undefined : utf8Length(s);
    },
  },
  {
    kind: 'scalar',
    name: 'queryStartTime',
    signature: 'queryStartTime()',
    family: 'general',
    returns: 'number',
    minArgs: 0,
    maxArgs: 0,
    summary: 'Start of the query time window, epoch ms.',
    example: 'queryStartTime() => 1704067200000',
    call: (_args, ctx): Value => ctx.startTime,
  },
  {
    kind: 'scalar',
    name: 'queryEndTime',
    signature: 'queryEndTime()',
    family: 'general',
    returns: 'number',
    minArgs: 0,
    maxArgs: 0,
    summary: 'End of the query time window (inclusive), epoch ms.',
    example: 'queryEndTime() => 1704070799999',
    call: (_args, ctx): Value => ctx.endTime,
  },
  {
    kind: 'scalar',
    name: 'queryTimeRange',
    signature: 'queryTimeRange()',
    family: 'general',
    returns: 'number',
    minArgs: 0,
    maxArgs: 0,
    summary: 'Length of the query time window in ms: queryEndTime() - queryStartTime().',
    example: 'queryTimeRange() => 3599999',
    call: (_args, ctx): Value => ctx.endTime - ctx.startTime,
  },
];
