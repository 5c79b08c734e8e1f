/**
 * `lookup <table> <column> [as <field>] [, …] OUTPUT|OUTPUTNEW <column> [as <field>], …`:
 * enriches each row with the columns of the lookup-table row whose key
 * columns equal the row's fields.
 *
 * Semantics (docs/query-language.md records the decisions):
 * - Keys match as `=` does: strings exactly and case-sensitively, and a
 *   number field matches a cell that spells the same number (`join-keys.ts`).
 *   A missing or null field matches nothing.
 * - When the table has a key more than once, its first row wins.
 * - `OUTPUT` sets the output fields, overwriting fields of the same name;
 *   `OUTPUTNEW` sets only those that are missing, null or `""`.
 * - A row without a match passes on unchanged (a left-outer enrichment).
 *
 * Streams; the table's index is built once per run and charged to the run's
 * byte budget.
 *
 * @module
 */
import type { FieldRef, LookupColumn, LookupCommand } from '../ast.js';
import { compileExpr, type Evaluator } from '../evaluate.js';
import { indexKeys, probeKeys, tupleKeys } from '../join-keys.js';
import type { LookupTable } from '../lookup-table.js';
import { parseLookup } from '../parse/side-commands.js';
import type { BufferLimit, RunState, StageFactory } from '../plan.js';
import { printName } from '../print-expression.js';
import { defineField, type FieldLookup, type Row } from '../row.js';
import { sideContext } from '../scope.js';
import {
  checkTable,
  columnOf,
  compileOutputs,
  outputNames,
  resolveOutputs,
  type SideCompileContext,
} from '../side-inputs.js';
import { sideCharge } from '../side-memory.js';
import { estimateValueBytes, type RunMemory } from '../spill.js';
import type { Value } from '../value.js';
import type { CommandSpec } from './spec.js';

/** `OUTPUT` overwrites; `OUTPUTNEW` fills only empty fields. */
export type LookupMode = 'OUTPUT' | 'OUTPUTNEW';

/** One output column of a `lookup` or `cidrlookup`. @internal */
export interface LookupOutput {
  /** The column's position in the table. */
  readonly column: number;
  /** The field it is written to. */
  readonly name: string;
  /** Reads the field's current value (for `OUTPUTNEW`). */
  readonly current: FieldLookup;
}

/** A table indexed on its key columns: index key → first row. @internal */
export interface LookupIndex {
  readonly table: LookupTable;
  readonly first: ReadonlyMap<string, number>;
}

/**
 * Indexes a table on the given key columns (first row per key wins),
 * charging the index to the run's byte budget.
 *
 * @example
 * ```ts
 * const index = buildLookupIndex(table, [0], memory, limit);
 * matchLookup(index, ['u-1']) //=> 0
 * ```
 * @internal
 */
export function buildLookupIndex(
  table: LookupTable,
  keyColumns: readonly number[],
  memory: RunMemory,
  limit: BufferLimit,
): LookupIndex {
  const first = new Map<string, number>();
  const charge = sideCharge(memory, limit);
  table.rows.forEach((cells, i) => {
    let bytes = 64;
    for (const cell of cells) bytes += estimateValueBytes(cell);
    charge.add(bytes);
    const keys = tupleKeys(
      keyColumns.map((c) => cells[c]),
      indexKeys,
    );
    for (const k of keys) if (!first.has(k)) first.set(k, i);
  });
  return { table, first };
}

/**
 * The first table row whose key equals `values`, or `undefined`.
 *
 * @example
 * ```ts
 * matchLookup(index, [401]) // the row keyed "401"
 * ```
 * @internal
 */
export function matchLookup(index: LookupIndex, values: readonly Value[]): number | undefined {
  let best: number | undefined;
  for (const k of tupleKeys(values, probeKeys)) {
    const i = index.first.get(k);
    if (i !== undefined && (best === undefined || i < best)) best = i;
  }
  return best;
}

function isEmpty(v: Value): boolean {
  return v === undefined || v === null || v === '';
}

/**
 * Writes a table row's output columns onto a row, as `mode` says.
 *
 * @example
 * ```ts
 * applyOutputs(row, table.rows[0], outputs, 'OUTPUTNEW');
 * ```
 * @internal
 */
export function applyOutputs(
  row: Row,
  cells: readonly Value[],
  outputs: readonly LookupOutput[],
  mode: LookupMode,
): void {
  for (const out of outputs) {
    if (mode === 'OUTPUTNEW' && !isEmpty(out.current(row))) continue;
    defineField(row, out.name, cells[out.column]);
  }
}

/**
 * A stage that writes the outputs of the table row `match` picks for each
 * row (none: the row passes on unchanged): `lookup` and `cidrlookup`.
 *
 * @internal
 */
export function enrichStage(
  table: LookupTable,
  match: (row: Row, ctx: RunState['ctx']) => number | undefined,
  outputs: readonly LookupOutput[],
  mode: LookupMode,
): StageFactory {
  return (next, state) => ({
    push(row) {
      const i = match(row, state.ctx);
      if (i !== undefined) applyOutputs(row, table.rows[i] as readonly Value[], outputs, mode);
      return next.push(row);
    },
    end() {
      next.end();
    },
  });
}

/**
 * The `lookup` stage: `keys` are the row's values matched against the
 * table's key columns (in the same order).
 *
 * @internal
 */
export function lookupStage(
  keys: readonly Evaluator[],
  outputs: readonly LookupOutput[],
  mode: LookupMode,
  index: LookupIndex,
): StageFactory {
  const match = (row: Row, ctx: RunState['ctx']): number | undefined =>
    matchLookup(
      index,
      keys.map((k) => k(row, ctx)),
    );
  return enrichStage(index.table, match, outputs, mode);
}

/**
 * Compiles a `lookup`: registers the table's index for each run and returns its stage.
 *
 * @internal
 */
export function compileLookupStage(c: LookupCommand, ctx: SideCompileContext): StageFactory {
  checkTable(c.table, ctx);
  const keys = c.keys.map((k) => {
    const ref: FieldRef = k.field ?? {
      kind: 'FieldRef',
      path: [{ kind: 'name', name: k.column.name }],
      text: k.column.name,
      span: k.column.span,
    };
    ctx.check(ref, 'lookup');
    return compileExpr(ref, ctx.scope);
  });
  const outputs = compileOutputs(c.outputs, ctx);
  const limit = ctx.bound(`the lookup table ${c.table.name}`, 'rows', c.table.span, []);
  const indexes = new WeakMap<RunState, { index: LookupIndex; outputs: LookupOutput[] }>();
  ctx.prepares.push(async (run) => {
    const table = await run.table(c.table.name, c.table.span);
    const keyColumns = c.keys.map((k) => columnOf(table, k.column, run.text));
    const resolved = resolveOutputs(table, outputs, run.text);
    indexes.set(run.state, {
      index: buildLookupIndex(table, keyColumns, run.state.memory, limit),
      outputs: resolved,
    });
  });
  ctx.define(outputNames(c.outputs));
  // the outputs' columns are known once the table is: the stage reads them from its run's entry
  return (next, state) => {
    const entry = indexes.get(state) as { index: LookupIndex; outputs: LookupOutput[] };
    return lookupStage(keys, entry.outputs, c.mode, entry.index)(next, state);
  };
}

/**
 * Prints `column [as field], …` of a `lookup` or `cidrlookup`.
 *
 * @example
 * ```ts
 * printLookupColumns(parseQuery('lookup t id as uid OUTPUT name').commands[0].keys) //=> 'id as uid'
 * ```
 * @internal
 */
export function printLookupColumns(columns: readonly LookupColumn[]): string {
  return columns
    .map((c) => `${printName(c.column.name)}${c.field === undefined ? '' : ` as ${c.field.text}`}`)
    .join(', ');
}

/**
 * The `lookup` command: one row in, one row out; a filter moves ahead of it
 * unless it reads an output field; one thread (the table lives on the
 * calling thread).
 *
 * @example
 * ```ts
 * lookupCommand.defines(parseQuery('lookup users id OUTPUT name as who').commands[0], undefined) //=> ['who']
 * ```
 * @internal
 */
export const lookupCommand: CommandSpec<LookupCommand> = {
  kind: 'LookupCommand',
  keywords: ['lookup'],
  parse: (p, start) => parseLookup(p, start),
  print: (c) =>
    `lookup ${printName(c.table.name)} ${printLookupColumns(c.keys)} ${c.mode} ${printLookupColumns(c.outputs)}`,
  defines: (c) => outputNames(c.outputs),
  hoist: 'unless-defined',
  barrier: false,
  order: () => undefined,
  oneToOne: () => true,
  split: 'one-thread',
  compile(c, { state, emit }) {
    emit(compileLookupStage(c, sideContext(state)));
  },
};
