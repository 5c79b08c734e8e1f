/**
 * JSON and structure-type functions.
 *
 * `JSON.parse` creates own properties for every key, so `__proto__` and
 * `constructor` inside log data are ordinary map keys; maps are read with
 * own-property checks only.
 *
 * @module
 */
import { isValueList, isValueMap, valuesEqual } from '../semantics/compare.js';
import { toJsonText } from '../semantics/format.js';
import type { Value, ValueList } from '../value.js';
import { argValue } from './args.js';
import type { Arg, ScalarFunctionDef } from './types.js';

/** Largest string `jsonParse` will parse (bytes of UTF-16), to bound memory per row. */
export const MAX_JSON_PARSE_LENGTH = 1_048_576;

/**
 * Parses JSON text into a map or list; anything else (a scalar, invalid JSON,
 * a string over {@link MAX_JSON_PARSE_LENGTH}) gives `undefined`.
 *
 * @example
 * ```ts
 * parseJsonStructure('{"a":1}') //=> { a: 1 }
 * parseJsonStructure('42') //=> undefined
 * ```
 */
export function parseJsonStructure(text: string): Value {
  if (text.length > MAX_JSON_PARSE_LENGTH) return undefined;
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(t) as Value;
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}

function asList(a: Arg | undefined): ValueList | undefined {
  const v = argValue(a);
  if (isValueList(v)) return v;
  if (typeof v === 'string') {
    const parsed = parseJsonStructure(v);
    return isValueList(parsed) ? parsed : undefined;
  }
  return undefined;
}

/**
 * The JSON functions.
 *
 * @example
 * ```ts
 * JSON_FUNCTIONS.map((f) => f.name).includes('jsonParse') //=> true
 * ```
 */
export const JSON_FUNCTIONS: readonly ScalarFunctionDef[] = [
  {
    kind: 'scalar',
    name: 'jsonParse',
    signature: 'jsonParse(s)',
    family: 'json',
    returns: 'map or list',
    minArgs: 1,
    maxArgs: 1,
    summary:
      'Parses a JSON object or array held in a string into a map or list (then `x.key`, `x.0`); no value for anything else.',
    example: 'jsonParse(\'{"user":{"id":7}}\').user.id => 7',
    call: (args) => {
      const v = argValue(args[0]);
      if (isValueMap(v) || isValueList(v)) return v;
      return typeof v === 'string' ? parseJsonStructure(v) : undefined;
    },
  },
  {
    kind: 'scalar',
    name: 'jsonStringify',
    signature: 'jsonStringify(mapOrList)',
    family: 'json',
    returns: 'string',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Serialises a map or list as compact JSON; no value for anything else.',
    example: 'jsonStringify(jsonParse(\'{ "a" : [1, 2] }\')) => \'{"a":[1,2]}\'',
    call: (args) => {
      const v = argValue(args[0]);
      return isValueMap(v) || isValueList(v) ? toJsonText(v) : undefined;
    },
  },
  {
    kind: 'scalar',
    name: 'jsonArraySize',
    signature: 'jsonArraySize(field)',
    family: 'json',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary: 'The number of elements of a list, or of a JSON array held in a string; no value otherwise.',
    example: 'jsonArraySize(\'["a","b"]\') => 2',
    call: (args) => asList(args[0])?.length,
  },
  {
    kind: 'scalar',
    name: 'jsonArrayContains',
    signature: 'jsonArrayContains(field, value)',
    family: 'json',
    returns: 'boolean',
    minArgs: 2,
    maxArgs: 2,
    summary:
      'true when a list (or a JSON array held in a string) has an element equal to the value (case-sensitive; numbers and numeric strings by value); false for invalid JSON, non-arrays and empty arrays.',
    example: 'jsonArrayContains(\'["a","b"]\', "b") => true',
    call: (args) => {
      const list = asList(args[0]);
      const needle = argValue(args[1]);
      return list?.some((item) => valuesEqual(item, needle)) ?? false;
    },
  },
];
