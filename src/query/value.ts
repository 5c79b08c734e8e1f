/**
 * The query engine's value model.
 *
 * A value is a JSON value, a timestamp (`Date`), or `undefined` for a missing
 * field. Maps are plain objects as `JSON.parse` makes them: read them only
 * with own-property checks (`Object.hasOwn`), so that keys such as
 * `__proto__` and `constructor` are ordinary fields.
 *
 * @module
 */

/** A JSON object value (from an event or `jsonParse`). */
export interface ValueMap {
  readonly [key: string]: Value;
}

/** A JSON array value. */
export type ValueList = readonly Value[];

/**
 * Any value an expression can produce. `undefined` means "missing" (no such field).
 *
 * @example
 * ```ts
 * const describe = (v: Value): string =>
 *   v === undefined ? 'missing' : v instanceof Date ? v.toISOString() : JSON.stringify(v);
 * ```
 */
export type Value = undefined | null | string | number | boolean | Date | ValueMap | ValueList;

/** The time units of a period literal such as `5m`, normalised. */
export type PeriodUnit = 'ms' | 's' | 'm' | 'h' | 'd' | 'w' | 'mo' | 'q' | 'y';

/** A period literal (`5m`, `1h`, `300s`) as passed to `bin`, `datefloor` and `dateceil`. */
export interface Period {
  readonly kind: 'Period';
  /** The number as written, before any cap. */
  readonly amount: number;
  readonly unit: PeriodUnit;
}
