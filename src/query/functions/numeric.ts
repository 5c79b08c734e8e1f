/**
 * Arithmetic operators and numeric functions.
 *
 * Arguments coerce like arithmetic does (numbers, numeric strings, booleans
 * as 1/0, timestamps as epoch ms). A non-numeric argument, or a result that
 * is NaN or infinite (division by zero, `log(0)`, `sqrt(-1)`), gives no value.
 *
 * @module
 */
import { isNumericString, toNumberValue } from '../semantics/compare.js';
import { formatNumber } from '../semantics/format.js';
import type { Value } from '../value.js';
import { argNumber, argValue, finite } from './args.js';
import type { Arg, ScalarFunctionDef } from './types.js';

/** The binary arithmetic operators. */
export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%' | '^';

const ARITHMETIC: Readonly<Record<ArithmeticOperator, (x: number, y: number) => number>> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  '/': (x, y) => x / y,
  '%': (x, y) => x % y,
  '^': (x, y) => x ** y,
};

/**
 * The one implementation of an arithmetic operator, resolved once (the
 * evaluator calls it when it compiles `a + b`, so nothing is looked up per
 * row). Operands coerce with `toNumberValue` (numbers, numeric strings,
 * booleans as 1/0, timestamps as epoch ms). A missing, `null` or
 * non-numeric operand gives `undefined` (no value), and so does a result
 * that is not finite: overflow (`1e308 * 10`), division or modulo by zero,
 * `0 / 0`. `%` keeps the sign of the dividend, `^` is exponentiation.
 *
 * @example
 * ```ts
 * const add = arithmeticOperator('+');
 * add('2', 3) //=> 5
 * arithmeticOperator('*')(1e308, 10) //=> undefined
 * ```
 */
export function arithmeticOperator(op: ArithmeticOperator): (a: Value, b: Value) => Value {
  const f = ARITHMETIC[op];
  return (a, b) => {
    const x = toNumberValue(a);
    if (x === undefined) return undefined;
    const y = toNumberValue(b);
    if (y === undefined) return undefined;
    const r = f(x, y);
    return Number.isFinite(r) ? r : undefined;
  };
}

const OPERATORS: Readonly<Record<ArithmeticOperator, (a: Value, b: Value) => Value>> = {
  '+': arithmeticOperator('+'),
  '-': arithmeticOperator('-'),
  '*': arithmeticOperator('*'),
  '/': arithmeticOperator('/'),
  '%': arithmeticOperator('%'),
  '^': arithmeticOperator('^'),
};

/**
 * Applies an arithmetic operator (see {@link arithmeticOperator}, which
 * this calls). Missing or non-numeric operands, and non-finite results,
 * give `undefined` (no value).
 *
 * @example
 * ```ts
 * applyArithmetic('^', 2, 3) //=> 8
 * applyArithmetic('%', 10, 3) //=> 1
 * applyArithmetic('+', '2', 3) //=> 5
 * applyArithmetic('/', 1, 0) //=> undefined
 * ```
 */
export function applyArithmetic(op: ArithmeticOperator, a: Value, b: Value): Value {
  return OPERATORS[op](a, b);
}

/**
 * Unary minus.
 *
 * @example
 * ```ts
 * negate('5') //=> -5
 * ```
 */
export function negate(a: Value): Value {
  const x = toNumberValue(a);
  return x === undefined ? undefined : x === 0 ? 0 : -x;
}

function unary(f: (x: number) => number): (args: readonly Arg[]) => Value {
  return (args) => {
    const x = argNumber(args[0]);
    return x === undefined ? undefined : finite(f(x));
  };
}

/**
 * Rounds half away from zero to `digits` decimal places (negative digits
 * round to tens, hundreds, …), computed on the decimal representation so
 * that `round(1.005, 2)` is `1.01`.
 *
 * @example
 * ```ts
 * roundHalfAwayFromZero(2.5, 0) //=> 3
 * roundHalfAwayFromZero(-1.005, 2) //=> -1.01
 * ```
 */
export function roundHalfAwayFromZero(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const d = Math.trunc(digits);
  if (d > 100 || d < -400) return d > 0 ? x : 0;
  const sign = x < 0 ? -1 : 1;
  const shifted = Number(`${formatNumber(Math.abs(x))}e${d}`);
  const rounded = Math.floor(shifted + 0.5);
  const r = Number(`${formatNumber(rounded)}e${-d}`);
  return r === 0 ? 0 : sign * r;
}

const EARTH_RADIUS_KM = 6371;

function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** `toNumber` and friends: a number, or a numeric string after trimming whitespace. */
function parseNumberArg(a: Arg | undefined): number | undefined {
  const v = argValue(a);
  if (typeof v === 'number') return finite(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim();
    return isNumericString(s) ? finite(Number(s)) : undefined;
  }
  return undefined;
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONG_LIMIT = 2 ** 63;

function numbersOf(args: readonly Arg[]): number[] {
  const out: number[] = [];
  for (const a of args) {
    const n = argNumber(a);
    if (n !== undefined) out.push(n);
  }
  return out;
}

/**
 * The numeric functions.
 *
 * @example
 * ```ts
 * NUMERIC_FUNCTIONS.find((f) => f.name === 'abs')?.kind //=> 'scalar'
 * ```
 */
export const NUMERIC_FUNCTIONS: readonly ScalarFunctionDef[] = [
  {
    kind: 'scalar',
    name: 'abs',
    signature: 'abs(a)',
    family: 'numeric',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Absolute value.',
    example: 'abs(-3) => 3',
    call: unary(Math.abs),
  },
  {
    kind: 'scalar',
    name: 'ceil',
    signature: 'ceil(a)',
    family: 'numeric',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Rounds up to the nearest integer.',
    example: 'ceil(2.1) => 3',
    call: unary(Math.ceil),
  },
  {
    kind: 'scalar',
    name: 'floor',
    signature: 'floor(a)',
    family: 'numeric',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Rounds down to the nearest integer.',
    example: 'floor(2.9) => 2',
    call: unary(Math.floor),
  },
  {
    kind: 'scalar',
    name: 'log',
    signature: 'log(a)',
    family: 'numeric',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Natural logarithm; no value for zero or negative input.',
    example: 'log(1) => 0',
    call: unary(Math.log),
  },
  {
    kind: 'scalar',
    name: 'sqrt',
    signature: 'sqrt(a)',
    family: 'numeric',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Square root; no value for negative input.',
    example: 'sqrt(16) => 4',
    call: unary(Math.sqrt),
  },
  {
    kind: 'scalar',
    name: 'greatest',
    signature: 'greatest(a, ...nums)',
    family: 'numeric',
    returns: 'number',
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    summary: 'The largest numeric argument; non-numeric arguments are ignored.',
    example: 'greatest(1, 7, 3) => 7',
    call: (args) => {
      const ns = numbersOf(args);
      return ns.length === 0 ? undefined : Math.max(...ns);
    },
  },
  {
    kind: 'scalar',
    name: 'least',
    signature: 'least(a, ...nums)',
    family: 'numeric',
    returns: 'number',
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    summary: 'The smallest numeric argument; non-numeric arguments are ignored.',
    example: 'least(4, 2, 9) => 2',
    call: (args) => {
      const ns = numbersOf(args);
      return ns.length === 0 ? undefined : Math.min(...ns);
    },
  },
  {
    kind: 'scalar',
    name: 'round',
    signature: 'round(a [, decimals])',
    family: 'numeric',
    returns: 'number',
    minArgs: 1,
    maxArgs: 2,
    summary: 'Rounds half away from zero, to an optional number of decimal places (default 0).',
    example: 'round(3.14159, 2) => 3.14',
    call: (args) => {
      const x = argNumber(args[0]);
      const d = args.length > 1 ? argNumber(args[1]) : 0;
      if (x === undefined || d === undefined) return undefined;
      return finite(roundHalfAwayFromZero(x, d));
    },
  },
  {
    kind: 'scalar',
    name: 'haversine',
    signature: 'haversine(lat1, lon1, lat2, lon2)',
    family: 'numeric',
    returns: 'number',
    minArgs: 4,
    maxArgs: 4,
    summary:
      'Great-circle distance in kilometres between two latitude/longitude points (degrees; Earth radius 6371 km).',
    example: 'haversine(0, 0, 0, 1) => 111.19492664455873',
    call: (args) => {
      const ns = args.map(argNumber);
      const [a, b, c, d] = ns;
      if (a === undefined || b === undefined || c === undefined || d === undefined) return undefined;
      return finite(haversineKm(a, b, c, d));
    },
  },
  {
    kind: 'scalar',
    name: 'toNumber',
    signature: 'toNumber(s)',
    family: 'numeric',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Converts a numeric string (surrounding whitespace allowed) to a number; no value otherwise.',
    example: 'toNumber(" 42.5 ") => 42.5',
    call: (args) => parseNumberArg(args[0]),
  },
  {
    kind: 'scalar',
    name: 'toInt',
    signature: 'toInt(s)',
    family: 'numeric',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Converts to a 32-bit integer, truncating toward zero; no value outside the 32-bit range.',
    example: 'toInt("42.9") => 42',
    call: (args) => {
      const n = parseNumberArg(args[0]);
      if (n === undefined) return undefined;
      const t = Math.trunc(n);
      return t < INT_MIN || t > INT_MAX ? undefined : t === 0 ? 0 : t;
    },
  },
  {
    kind: 'scalar',
    name: 'toLong',
    signature: 'toLong(s)',
    family: 'numeric',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary:
      'Converts to a 64-bit integer, truncating toward zero; no value outside the 64-bit range (values above 2^53 lose precision).',
    example: 'toLong("123456789012") => 123456789012',
    call: (args) => {
      const n = parseNumberArg(args[0]);
      if (n === undefined) return undefined;
      const t = Math.trunc(n);
      return t < -LONG_LIMIT || t >= LONG_LIMIT ? undefined : t === 0 ? 0 : t;
    },
  },
  {
    kind: 'scalar',
    name: 'toDouble',
    signature: 'toDouble(s)',
    family: 'numeric',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Converts to a double-precision number.',
    example: 'toDouble("1.5") => 1.5',
    call: (args) => parseNumberArg(args[0]),
  },
];
