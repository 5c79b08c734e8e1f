/**
 * The run loop of a compiled query: reads the events, pushes one row per
 * event in the window into the plan's chain of stages, and hands the
 * projected result rows to the reader through a queue that spills over the
 * run's byte budget. It awaits once per batch for sources that batch
 * (`readLogs`), and never inside the per-event loop of a synchronous one.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import type { CompileOptions, QueryStream, RunOptions } from './compile-options.js';
import { cancelledError } from './errors.js';
import type { EvalContext } from './functions/types.js';
import { buildChain, type RunState, type Sink, type StageFactory } from './plan.js';
import type { Projection } from './plan-projection.js';
import { makeResultRow, type QueryStatistics, type ResultRow } from './results.js';
import { eventPointer, eventRow, type Row } from './row.js';
import { createSideRun, type Prepare, prepareRun } from './side-inputs.js';
import {
  createRunMemory,
  decodeValue,
  encodeValue,
  estimateResultRowBytes,
  mustSpill,
  type RunMemory,
  type SpillRunWriter,
  iterate as spillLines,
} from './spill.js';
import { utf8Length } from './utf8-length.js';
import type { Value } from './value.js';

/**
 * What a run of a compiled query needs: the compiled plan, the windows and
 * the options it was compiled with.
 *
 * @internal
 */
export interface RunnablePlan {
  /** The query text (errors point into it). */
  readonly text: string;
  readonly stages: readonly StageFactory[];
  readonly projection: Projection;
  /** What a run does before it reads its input (see `side-inputs.ts`). */
  readonly prepares: readonly Prepare[];
  /** The start of the query window (`EvalContext.startTime`), after `SOURCE START=`. */
  readonly queryStart: number | undefined;
  /** The start of the events read: earlier than `queryStart` when a command reads an earlier window (`diff`). */
  readonly startTime: number | undefined;
  /** The end of the query window and of the events read. */
  readonly endTime: number | undefined;
  /** The log groups `SOURCE` selects, or `undefined` for all. */
  readonly groupFilter: ((group: string) => boolean) | undefined;
  /** The run's byte budget (`CompileOptions.memoryBudgetBytes`, checked). */
  readonly budget: number;
  readonly options: CompileOptions;
}

/**
 * Streams the result rows of one run of a compiled plan over `events`
 * (`CompiledQuery.stream`).
 *
 * @example
 * ```ts
 * // compileQuery builds the plan; its stream method is this function
 * for await (const row of compileQuery('limit 2').stream(events)) console.log(row);
 * ```
 * @internal
 */
export function streamPlan(
  plan: RunnablePlan,
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  runOptions: RunOptions = {},
): QueryStream {
  const { text, options, queryStart, startTime, endTime, groupFilter, budget } = plan;
  const statistics = { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 };
  const signal = runOptions.signal;
  const iterate = async function* (): AsyncGenerator<ResultRow> {
    if (signal?.aborted) throw cancelledError(text);
    const now = options.now ?? Date.now();
    const ctx: EvalContext = {
      startTime: queryStart ?? 0,
      endTime: endTime ?? now,
      now,
    };
    const memory = createRunMemory(budget, options.spill);
    const runState: RunState = { ctx, matched: 0, nextOrdinal: 0, memory };
    const out = createResultQueue(memory);
    if (plan.prepares.length > 0) {
      try {
        const side = createSideRun({
          state: runState,
          startTime,
          endTime,
          signal,
          text,
          input: events,
          reread: runOptions.input,
          sources: options.sources,
          lookups: options.lookups,
        });
        await prepareRun(plan.prepares, side);
      } catch (error) {
        memory.dispose();
        throw error;
      }
    }
    const tail: Sink = {
      push(row) {
        out.push(project(row, plan.projection, ctx));
        return true;
      },
      end() {},
    };
    const head = buildChain(plan.stages, tail, runState);
    let ordinal = 0;
    let open = true;
    const take = (event: LogEvent): void => {
      const row = eventRow(event, ordinal++);
      statistics.recordsScanned++;
      statistics.bytesScanned += event.messageBytes ?? utf8Length(event.message);
      // (an invalid time is NaN here: no window includes it)
      const t = event.timestampInvalid === true ? Number.NaN : event.timestamp;
      if (startTime !== undefined && !(t >= startTime)) return;
      if (endTime !== undefined && !(t <= endTime)) return;
      if (groupFilter !== undefined && event.logGroup !== undefined && !groupFilter(event.logGroup)) return;
      open = head.push(row);
      statistics.recordsMatched = runState.matched;
    };
    // The per-event loop runs outside the generator (hot loops in generators optimise poorly).
    const pumpSync = (it: Iterator<LogEvent>): boolean => {
      for (;;) {
        if (signal?.aborted) throw cancelledError(text);
        const next = it.next();
        if (next.done === true) return true;
        take(next.value);
        if (!open) return true;
        if (out.length > 0) return false;
      }
    };
    try {
      if (isSyncIterable(events)) {
        const it = events[Symbol.iterator]();
        let finished = false;
        try {
          for (;;) {
            const stop = pumpSync(it);
            if (out.length > 0) yield* out.drain();
            if (stop) break;
          }
          finished = true;
        } finally {
          if (!finished || !open) it.return?.();
        }
      } else if (hasBatches(events)) {
        // One await per batch instead of one per event: the per-event async hop costs more than the filter.
        for await (const batch of events.batches()) {
          for (let i = 0; i < batch.length && open; i++) {
            if (signal?.aborted) throw cancelledError(text);
            take(batch[i] as LogEvent);
          }
          if (out.length > 0) yield* out.drain();
          if (!open) break;
        }
      } else {
        for await (const event of events) {
          if (signal?.aborted) throw cancelledError(text);
          take(event);
          if (out.length > 0) yield* out.drain();
          if (!open) break;
        }
      }
      if (signal?.aborted) throw cancelledError(text);
      head.end();
      statistics.recordsMatched = runState.matched;
      if (out.length > 0) yield* out.drain();
    } finally {
      statistics.recordsMatched = runState.matched;
      out.discard();
      memory.dispose();
    }
  };
  const iterator = iterate();
  return {
    [Symbol.asyncIterator]: () => iterator,
    get statistics(): QueryStatistics {
      return { ...statistics };
    },
  };
}

/** The result rows a run has made and its reader has not taken yet. */
interface ResultQueue {
  readonly length: number;
  push(row: ResultRow): void;
  /** Hands over every queued row, in order, and empties the queue. */
  drain(): Generator<ResultRow>;
  /** Forgets the queue (the run ended early). */
  discard(): void;
}

/**
 * The queue between the plan's tail and the reader of the stream. A stage
 * that flushes at the end (`sort`, `stats`) pushes every row before the
 * reader takes any, so over the run's budget the queue goes on in a spill
 * run (rows keep their order). Without a spill store it is not bounded: the
 * rows are the result, and the stage before it was within the budget.
 */
function createResultQueue(memory: RunMemory): ResultQueue {
  let rows: ResultRow[] = [];
  let bytes = 0;
  let writer: SpillRunWriter | undefined;
  let spilled = 0;
  const release = (): void => {
    memory.used -= bytes;
    bytes = 0;
  };
  return {
    get length() {
      return rows.length + spilled;
    },
    push(row) {
      if (writer !== undefined) {
        const cells: unknown[] = [];
        for (const key of Object.keys(row)) cells.push(key, encodeValue(row[key]));
        writer.write(JSON.stringify(cells));
        spilled++;
        return;
      }
      rows.push(row);
      const n = estimateResultRowBytes(row);
      bytes += n;
      memory.used += n;
      if (mustSpill(memory, bytes)) writer = memory.store()?.createRun();
    },
    *drain() {
      const ready = rows;
      rows = [];
      release();
      yield* ready;
      if (writer === undefined) return;
      const run = writer.finish();
      writer = undefined;
      spilled = 0;
      try {
        for (const line of spillLines(run)) {
          const cells = JSON.parse(line) as unknown[];
          const row: Record<string, Value> = Object.create(null);
          for (let i = 0; i < cells.length; i += 2)
            row[cells[i] as string] = decodeValue(cells[i + 1]) as Value;
          yield row;
        }
      } finally {
        run.remove();
      }
    },
    discard() {
      rows = [];
      release();
      writer = undefined;
      spilled = 0;
    },
  };
}

/**
 * An event source that can also hand over its events in batches, as
 * `readLogs` does; the engine then awaits once per batch.
 *
 * @internal
 */
export interface BatchedEvents {
  batches(): AsyncIterable<readonly LogEvent[]>;
}

function hasBatches(
  x: AsyncIterable<LogEvent> | Iterable<LogEvent>,
): x is AsyncIterable<LogEvent> & BatchedEvents {
  return typeof (x as { batches?: unknown }).batches === 'function';
}

function isSyncIterable(x: AsyncIterable<LogEvent> | Iterable<LogEvent>): x is Iterable<LogEvent> {
  return typeof (x as Iterable<LogEvent>)[Symbol.iterator] === 'function' && !(Symbol.asyncIterator in x);
}

const PTR = '@ptr';

function project(row: Row, projection: Projection, ctx: EvalContext): ResultRow {
  const entries: [string, Value][] = [];
  for (const column of projection.columns) entries.push([column.name, column.value(row, ctx)]);
  if (row.event !== undefined && !projection.columns.some((c) => c.name === PTR)) {
    entries.push([PTR, eventPointer(row.event, row.ordinal)]);
  }
  return makeResultRow(entries);
}
