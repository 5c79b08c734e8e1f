/**
 * Hash keys that agree with the engine's equality (`valuesEqual`, the `=`
 * and `in` of the language), so that `join`, `lookup` and subquery sets can
 * match values through a `Map` instead of comparing every pair.
 *
 * `valuesEqual` is not an equivalence (`true` equals `1` and `"true"`, which
 * differ), so a value is not given one key: it is stored under its *index
 * keys* and looked up under its *probe keys*, and `valuesEqual(a, b)` holds
 * exactly when some probe key of `a` is an index key of `b` (and then
 * exactly one is). A value that equals nothing (missing, `null`, a map, a
 * list, `NaN`, an invalid date) has no keys. Property tests check this
 * against `valuesEqual` itself.
 *
 * | value | index keys | probe keys |
 * |---|---|---|
 * | string `s` | `s:s`, plus `ns:x` when it spells the number `x` | `s:s`; `n:x`, `d:x` when numeric; `b:true`/`b:false` for `"true"`/`"false"` |
 * | number `x` | `n:x` | `n:x`, `d:x`, `ns:x`; `b:true` for 1, `b:false` for 0 |
 * | date (epoch ms `x`) | `d:x` | `n:x`, `d:x`, `ns:x` |
 * | boolean `b` | `b:b` | `b:b`, `s:b`, `n:1`/`n:0` |
 *
 * @module
 */
import { isNumericString } from './semantics/compare.js';
import type { Value } from './value.js';

const NONE: readonly string[] = Object.freeze([]);

/** The number's key text: `-0` is `0` (they are equal); `NaN` has none. */
function numberText(x: number): string | undefined {
  if (Number.isNaN(x)) return undefined;
  return x === 0 ? '0' : String(x);
}

/**
 * The keys a value is stored under (see the module notes).
 *
 * @example
 * ```ts
 * indexKeys('401') //=> ['s:401', 'ns:401']
 * indexKeys(null) //=> []
 * ```
 */
export function indexKeys(v: Value): readonly string[] {
  switch (typeof v) {
    case 'string':
      if (isNumericString(v)) {
        const n = numberText(Number(v));
        return n === undefined ? [`s:${v}`] : [`s:${v}`, `ns:${n}`];
      }
      return [`s:${v}`];
    case 'number': {
      const n = numberText(v);
      return n === undefined ? NONE : [`n:${n}`];
    }
    case 'boolean':
      return [`b:${v}`];
    default:
      if (v instanceof Date) {
        const n = numberText(v.getTime());
        return n === undefined ? NONE : [`d:${n}`];
      }
      return NONE;
  }
}

/**
 * The keys a value looks under (see the module notes).
 *
 * @example
 * ```ts
 * probeKeys(401) //=> ['n:401', 'd:401', 'ns:401']
 * probeKeys(true) //=> ['b:true', 's:true', 'n:1']
 * ```
 */
export function probeKeys(v: Value): readonly string[] {
  switch (typeof v) {
    case 'string': {
      const out = [`s:${v}`];
      if (isNumericString(v)) {
        const n = numberText(Number(v));
        if (n !== undefined) out.push(`n:${n}`, `d:${n}`);
      } else if (v === 'true' || v === 'false') out.push(`b:${v}`);
      return out;
    }
    case 'number': {
      const n = numberText(v);
      if (n === undefined) return NONE;
      const out = [`n:${n}`, `d:${n}`, `ns:${n}`];
      if (v === 1) out.push('b:true');
      else if (v === 0) out.push('b:false');
      return out;
    }
    case 'boolean':
      return [`b:${v}`, `s:${v}`, `n:${v ? 1 : 0}`];
    default:
      if (v instanceof Date) {
        const n = numberText(v.getTime());
        return n === undefined ? NONE : [`n:${n}`, `d:${n}`, `ns:${n}`];
      }
      return NONE;
  }
}

/**
 * The keys of a tuple of values (a join on several fields): one key per
 * combination of the parts' keys, or none when a part has none.
 *
 * @example
 * ```ts
 * tupleKeys(['a', 1], indexKeys) //=> ['["s:a","n:1"]']
 * tupleKeys(['a'], indexKeys) //=> ['s:a']
 * ```
 */
export function tupleKeys(values: readonly Value[], keysOf: (v: Value) => readonly string[]): string[] {
  if (values.length === 1) return [...keysOf(values[0])];
  let combos: string[][] = [[]];
  for (const v of values) {
    const keys = keysOf(v);
    if (keys.length === 0) return [];
    const next: string[][] = [];
    for (const combo of combos) for (const k of keys) next.push([...combo, k]);
    combos = next;
  }
  return combos.map((c) => JSON.stringify(c));
}
