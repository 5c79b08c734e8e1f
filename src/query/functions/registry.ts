/**
 * The function registry: every scalar and aggregate function, looked up by
 * name without regard to case (`STRLEN`, `Count_Distinct`).
 *
 * @module
 */
import type { FunctionDef } from './types.js';

/**
 * Every function the query language knows, in documentation order.
 *
 * @example
 * ```ts
 * FUNCTIONS.some((f) => f.name === 'strlen') //=> true
 * ```
 */
export const FUNCTIONS: readonly FunctionDef[] = Object.freeze([]);

const BY_NAME: ReadonlyMap<string, FunctionDef> = new Map(FUNCTIONS.map((f) => [f.name.toLowerCase(), f]));

/**
 * Finds a function by name, ignoring case.
 *
 * @example
 * ```ts
 * lookupFunction('STRLEN')?.name //=> 'strlen'
 * lookupFunction('nope') //=> undefined
 * ```
 */
export function lookupFunction(name: string): FunctionDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}
