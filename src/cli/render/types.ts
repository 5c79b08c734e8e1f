/**
 * The data every renderer takes: column names and rows of engine values.
 *
 * @module
 */
import type { Value } from '../../query/value.js';

/** One result row: field name to value; a missing cell is an absent key. */
export type Row = Readonly<Record<string, Value>>;

/** Rows plus their column order (the engine's `QueryResult` fits this shape). */
export interface RowSet {
  readonly fields: readonly string[];
  readonly rows: readonly Row[];
}

/** Reads a cell safely: own properties only, so `__proto__` is just a field name. */
export function cell(row: Row, field: string): Value {
  return Object.hasOwn(row, field) ? row[field] : undefined;
}
