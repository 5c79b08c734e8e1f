/**
 * Intersecting optional time bounds: the query window, `SOURCE … START/END`
 * and the window of an inner query.
 *
 * @module
 */

/**
 * The later of two optional start bounds (an absent bound is no bound).
 *
 * @example
 * ```ts
 * maxDefined(undefined, 5) //=> 5
 * maxDefined(3, 5) //=> 5
 * ```
 * @internal
 */
export function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

/**
 * The earlier of two optional end bounds (an absent bound is no bound).
 *
 * @example
 * ```ts
 * minDefined(3, undefined) //=> 3
 * minDefined(3, 5) //=> 3
 * ```
 * @internal
 */
export function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
