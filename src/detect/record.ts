/**
 * Safe readers for attacker-controlled records: own properties only, no
 * prototype walk, arrays indexed by number.
 *
 * @module
 * @internal
 */

/** Reads a nested own property; `undefined` when any step is missing. */
export function getPath(value: unknown, ...path: readonly (string | number)[]): unknown {
  let cur: unknown = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (typeof key !== 'number') return undefined;
      cur = cur[key];
    } else {
      if (typeof key !== 'string' || !Object.hasOwn(cur, key)) return undefined;
      cur = (cur as Record<string, unknown>)[key];
    }
  }
  return cur;
}

/** A nested string, or `undefined` when absent, empty or not a string. */
export function getString(value: unknown, ...path: readonly (string | number)[]): string | undefined {
  const v = getPath(value, ...path);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The strings of an EKS `user.extra` value: an array of strings (or a lone
 * string in lenient exports), empty strings dropped.
 */
export function getStrings(value: unknown, ...path: readonly (string | number)[]): string[] {
  const v = getPath(value, ...path);
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (!Array.isArray(v)) return [];
  return v.filter((x): x is string => typeof x === 'string' && x !== '');
}

/** Wraps a sync or async iterable as an async iterable. */
export async function* toAsync<T>(source: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  if (Symbol.asyncIterator in source) {
    for await (const x of source as AsyncIterable<T>) yield x;
  } else {
    for (const x of source as Iterable<T>) yield x;
  }
}
