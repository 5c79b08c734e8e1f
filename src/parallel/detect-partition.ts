/**
 * One partition of a detection run on worker threads. The partition runs the
 * same one-pass, indexed detection run as one thread (`runDetectionsWith`),
 * over its part of the input, with each query compiled to stop at its split
 * point (see {@link splitPlanOf}) and hand back what the calling thread needs
 * to finish it exactly:
 * - `stats`: the first `stats`' groups, as accumulator snapshots;
 * - `top-k`: the events of the partition's top K rows under the first sort;
 * - `events`: every event the index and the allow-lists let through to the
 *   query (a query with no split point).
 * Events are handed over once per partition however many queries keep them;
 * the queries name them by index. The hand-over is bounded by the thread's
 * share of the byte budget: a partition over it fails, and the run goes to
 * one thread.
 *
 * @module
 */

import type { AllowLists } from '../detect/allow-lists.js';
import { DetectError } from '../detect/errors.js';
import type {
  DetectionCompiledQuery,
  DetectionCompileOptions,
  DetectionCompiler,
} from '../detect/run-detections.js';
import { runDetectionsWith } from '../detect/run-detections.js';
import type { Detection, DetectionFilter } from '../detect/types.js';
import type { LogEvent } from '../log-event.js';
import { sortStage } from '../query/commands/sort.js';
import { compileQuery } from '../query/compile.js';
import { parseQuery } from '../query/parser.js';
import type { Sink, StageFactory } from '../query/plan.js';
import type { Row } from '../query/row.js';
import type { PartialGroups } from './partial-stats.js';
import { partialStatsStage } from './partial-stats.js';
import { splitPlanOf } from './plan-split.js';

/** What a detection partition is given (plain, structured-clone-able data). */
export interface DetectPartitionSpec {
  readonly detections: readonly Detection[];
  readonly filter: DetectionFilter;
  readonly allowLists?: AllowLists;
  /** Resolved once for all partitions and the final run. */
  readonly now: number;
  readonly limit?: number;
  readonly startTime?: number;
  readonly endTime?: number;
  /** This thread's share of the byte budget for the events it hands over (estimated bytes). */
  readonly handOverBytes: number;
}

/** What one query of a detection partition hands back, in the order the queries were compiled. */
export type DetectQueryPart =
  | { readonly kind: 'stats'; readonly groups: PartialGroups; readonly recordsMatched: number }
  | { readonly kind: 'top-k'; readonly events: readonly number[]; readonly recordsMatched: number }
  | { readonly kind: 'events'; readonly events: readonly number[] };

/** What a detection partition hands back. */
export interface DetectPartitionOutput {
  /** The events the queries keep, each once, in order of first keeping. */
  readonly events: readonly LogEvent[];
  /**
   * Each query's part by its slot (see `DetectionSlot`); `null` for a query
   * the partition never compiled (no event reached it, and it gives nothing
   * on no events).
   */
  readonly queries: readonly (DetectQueryPart | null)[];
}

/** The estimated bytes of an event handed over. */
function eventBytes(e: LogEvent): number {
  // the message text (2 bytes a UTF-16 unit) and its parsed record, about as large again
  return 200 + 4 * e.message.length;
}

/**
 * Runs the detections of `spec` over one partition's events.
 *
 * @throws {DetectError} `resource_limit` when the events to hand over exceed `spec.handOverBytes`
 * @example
 * ```ts
 * const out = await runDetectPartition(spec, readLogs(['audit.ndjson'], { range: { start: 0, end: 1 << 20 } }));
 * out.queries.length; // up to the last slot compiled
 * ```
 */
export async function runDetectPartition(
  spec: DetectPartitionSpec,
  events: AsyncIterable<LogEvent>,
): Promise<DetectPartitionOutput> {
  const kept: LogEvent[] = [];
  const index = new Map<LogEvent, number>();
  let bytes = 0;
  const keep = (e: LogEvent): number => {
    let i = index.get(e);
    if (i === undefined) {
      bytes += eventBytes(e);
      if (bytes > spec.handOverBytes)
        throw new DetectError(
          'resource_limit',
          `a detection partition would hand over more than ${spec.handOverBytes} estimated bytes of events`,
        );
      i = kept.length;
      kept.push(e);
      index.set(e, i);
    }
    return i;
  };
  // by slot: the run compiles a query only when an event first reaches it (or at the end)
  const parts: (() => DetectQueryPart)[] = [];
  const compile: DetectionCompiler = Object.assign(
    (text: string, options: DetectionCompileOptions, slot: number) => partOf(text, options, slot),
    { parse: (text: string) => parseQuery(text) },
  );
  const partOf = (text: string, options: DetectionCompileOptions, slot: number): DetectionCompiledQuery => {
    const plain = compileQuery(text, options);
    const split = splitPlanOf(text, options, plain);
    if (split.kind === 'stats') {
      let groups: PartialGroups = [];
      let recordsMatched = 0;
      const compiled = compileQuery(text, {
        ...options,
        firstStatsStage: partialStatsStage((g) => {
          groups = g;
        }),
      });
      parts[slot] = () => ({ kind: 'stats', groups, recordsMatched });
      return withAst(plain, async (input, runOptions) => {
        const r = await compiled.run(input, runOptions);
        recordsMatched = r.statistics.recordsMatched;
        return r;
      });
    }
    if (split.kind === 'top-k') {
      const candidates: Row[] = [];
      let recordsMatched = 0;
      const compiled = compileQuery(text, {
        ...options,
        firstSortStage: (keys, topK, limit): StageFactory => {
          const sort = sortStage(keys, topK, limit);
          return (_next, state) =>
            sort(
              {
                push(row) {
                  candidates.push(row);
                  return true;
                },
                end() {},
              } satisfies Sink,
              state,
            );
        },
      });
      const ids: number[] = [];
      parts[slot] = () => ({ kind: 'top-k', events: ids, recordsMatched });
      return withAst(plain, async (input, runOptions) => {
        const r = await compiled.run(input, runOptions);
        recordsMatched = r.statistics.recordsMatched;
        // in input order, each event once (unnest and parse … multi make several rows of one event)
        candidates.sort((a, b) => a.ordinal - b.ordinal);
        let last: unknown;
        for (const row of candidates) {
          if (row.event === last) continue;
          last = row.event;
          ids.push(keep(row.event as LogEvent));
        }
        return r;
      });
    }
    const ids: number[] = [];
    parts[slot] = () => ({ kind: 'events', events: ids });
    return withAst(plain, async (input) => {
      for await (const e of input) ids.push(keep(e));
      return { rows: [], statistics: { recordsMatched: 0 } };
    });
  };
  await runDetectionsWith(compile, events, {
    detections: spec.detections,
    filter: spec.filter,
    now: spec.now,
    ...(spec.allowLists === undefined ? {} : { allowLists: spec.allowLists }),
    ...(spec.limit === undefined ? {} : { limit: spec.limit }),
    ...(spec.startTime === undefined ? {} : { startTime: spec.startTime }),
    ...(spec.endTime === undefined ? {} : { endTime: spec.endTime }),
  });
  return { events: kept, queries: Array.from(parts, (p) => (p === undefined ? null : p())) };
}

function withAst(
  compiled: { readonly ast: DetectionCompiledQuery['ast'] },
  run: DetectionCompiledQuery['run'],
): DetectionCompiledQuery {
  return compiled.ast === undefined ? { run } : { ast: compiled.ast, run };
}
