/**
 * The plan of a compiled query: the laid-out steps ({@link PlanStep}) and
 * the executable chain of push-based stages they compile to.
 *
 * Each command compiles to a {@link StageFactory}; a run instantiates the
 * factories into a chain of {@link Sink}s, pushes one {@link Row} per event
 * into the head, and collects output rows at the tail. Streaming commands
 * (`filter`, `fields`, `parse`, `unnest`, `limit`) pass rows straight on;
 * `sort`, `stats` and `dedup` buffer (sort with a limit keeps only the top
 * K, stats keeps one accumulator set per group) and flush on `end()`.
 * A `push` that returns `false` tells upstream that no more rows are wanted,
 * so a satisfied `limit` stops the reading of input. Every buffering stage
 * charges what it holds to the run's byte budget (`RunMemory`); `sort`,
 * `dedup` and `stats` spill to the run's store when it is reached, the
 * others throw `resource_limit` (see {@link BufferLimit}); none drops rows.
 *
 * @module
 */
import type { Command } from './ast.js';
import type { AggregateSlot, Evaluator } from './evaluate.js';
import type { EvalContext } from './functions/types.js';
import type { Row } from './row.js';
import type { RunMemory } from './spill.js';
import type { Value } from './value.js';

/**
 * A step of the laid-out plan (see `planCommands`): a command, the implicit
 * newest-first order, the point where rows count as matched, or the result
 * cap.
 *
 * @internal
 */
export type PlanStep =
  | {
      readonly kind: 'command';
      readonly command: Command;
      /**
       * For a filter the planner moved ahead: the command it came right after
       * as written. It is checked against the names that exist after that
       * command too (`unknown_field_after_stats`, a warning).
       */
      readonly writtenAfter?: Command;
    }
  | { readonly kind: 'implicit-sort' }
  | { readonly kind: 'match-point' }
  | { readonly kind: 'cap'; readonly count: number };

/**
 * One compiled sort key.
 *
 * @internal
 */
export interface CompiledSortKey {
  readonly value: (row: Row, ctx: EvalContext) => Value;
  readonly descending: boolean;
}

/**
 * A compiled `stats` command.
 *
 * @internal
 */
export interface CompiledStats {
  readonly groups: readonly { readonly name: string; readonly value: Evaluator }[];
  readonly slots: readonly AggregateSlot[];
  /** Item evaluators; aggregate calls in them read `slotValues.current`. */
  readonly items: readonly { readonly name: string; readonly value: Evaluator }[];
  readonly slotValues: { current: readonly Value[] };
  /** Reads the row's `@timestamp` for `earliest`/`latest`. */
  readonly timestamp: (row: Row) => number | undefined;
}

/**
 * A stage instance that receives rows.
 *
 * @internal
 */
export interface Sink {
  /** Takes one row. Returns `false` when no more rows are wanted. */
  push(row: Row): boolean;
  /** Signals the end of input: buffered rows are flushed downstream, then `end` is passed on. */
  end(): void;
}

/**
 * Per-run state shared by the stages of one run.
 *
 * @internal
 */
export interface RunState {
  readonly ctx: EvalContext;
  /** Rows counted as matched (see `QueryStatistics.recordsMatched`). */
  matched: number;
  /** Ordinal for rows a stage creates (stats output rows). */
  nextOrdinal: number;
  /** The run's byte budget, shared by its buffering stages, and its spill store. */
  readonly memory: RunMemory;
}

/**
 * The bound on what one buffering stage may hold: sort entries, dedup keys
 * and kept rows, stats groups, or the rows one row fans out into.
 *
 * @internal
 */
export interface BufferLimit {
  /** The most rows (groups, keys) the stage may hold. */
  readonly max: number;
  /** Throws the stage's `resource_limit` error for the row bound. */
  readonly exceeded: () => never;
  /** Throws the stage's `resource_limit` error for the byte budget (when it cannot spill). */
  readonly overBudget: () => never;
}

/**
 * Builds a stage instance for one run, given the sink it feeds.
 *
 * @internal
 */
export type StageFactory = (next: Sink, state: RunState) => Sink;

/**
 * Chains stage factories in pipeline order in front of `tail`.
 *
 * @internal
 */
export function buildChain(stages: readonly StageFactory[], tail: Sink, state: RunState): Sink {
  let sink = tail;
  for (let i = stages.length - 1; i >= 0; i--) sink = (stages[i] as StageFactory)(sink, state);
  return sink;
}

/**
 * Pushes rows from a buffer into a sink until it refuses more, then ends it.
 *
 * @internal
 */
export function flushInto(rows: Iterable<Row>, next: Sink): void {
  for (const row of rows) if (!next.push(row)) break;
  next.end();
}

/**
 * A stage that counts the rows passing it as matched.
 *
 * @internal
 */
export const countMatched: StageFactory = (next, state) => ({
  push(row) {
    state.matched++;
    return next.push(row);
  },
  end() {
    next.end();
  },
});
