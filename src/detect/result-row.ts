/**
 * The shape of engine result rows as the detection layer sees them.
 *
 * @module
 */
import type { Value } from '../query/value.js';

/** A result row: column name to value (`@timestamp` is a `Date`). */
export type ResultRowLike = Readonly<Record<string, Value>>;
