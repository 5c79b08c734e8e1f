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
import type { QueryAst } from '../query/ast.js';
import { sortStage } from '../query/commands/sort.js';
import { compileQuery } from '../query/compile.js';
import type { CompiledQuery } from '../query/compile-options.js';
import { parseQuery } from '../query/parser.js';
import type { Sink, StageFactory } from '../query/plan.js';
import type { Row } from '../query/row.js';
import type { PartialGroups } from './partial-stats.js';
import { partialStatsStage } from './partial-stats.js';
import { splitPlanOf } from './plan-split.js';

/** What a detection partition is given (plain, structured-clone-able data). */
export interface DetectPartitionSpec {
  /** The detection set; the built-ins when absent (each thread has its own copy: nothing to clone). */
  readonly detections?: readonly Detection[];
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
    { parse: cachedParse },
  );
  const partOf = (text: string, options: DetectionCompileOptions, slot: number): DetectionCompiledQuery => {
    const key = `${JSON.stringify(options)}\u0000${text}`;
    const q = takeSplitQuery(key, text, options);
    if (q.kind === 'events') {
      giveBack(key, q); // (it holds no state)
      const ids: number[] = [];
      parts[slot] = () => ({ kind: 'events', events: ids });
      return {
        ast: q.ast,
        async run(input) {
          for await (const e of input) ids.push(keep(e));
          return { rows: [], statistics: { recordsMatched: 0 } };
        },
      };
    }
    // the run owns q until it ends; its collector's output is copied out before q goes back
    let groups: PartialGroups = [];
    const ids: number[] = [];
    let recordsMatched = 0;
    parts[slot] = () =>
      q.kind === 'stats'
        ? { kind: 'stats', groups, recordsMatched }
        : { kind: 'top-k', events: ids, recordsMatched };
    return {
      ast: q.ast,
      async run(input, runOptions) {
        q.state.groups = [];
        q.state.candidates = [];
        try {
          const r = await (q.compiled as CompiledQuery).run(input, runOptions);
          recordsMatched = r.statistics.recordsMatched;
          groups = q.state.groups;
          // in input order, each event once (unnest and parse … multi make several rows of one event)
          const candidates = q.state.candidates.sort((a, b) => a.ordinal - b.ordinal);
          let last: unknown;
          for (const row of candidates) {
            if (row.event === last) continue;
            last = row.event;
            ids.push(keep(row.event as LogEvent));
          }
          return r;
        } finally {
          q.state.groups = [];
          q.state.candidates = [];
          giveBack(key, q);
        }
      },
    };
  };
  await runDetectionsWith(compile, events, {
    ...(spec.detections === undefined ? {} : { detections: spec.detections }),
    filter: spec.filter,
    now: spec.now,
    ...(spec.allowLists === undefined ? {} : { allowLists: spec.allowLists }),
    ...(spec.limit === undefined ? {} : { limit: spec.limit }),
    ...(spec.startTime === undefined ? {} : { startTime: spec.startTime }),
    ...(spec.endTime === undefined ? {} : { endTime: spec.endTime }),
  });
  return { events: kept, queries: Array.from(parts, (p) => (p === undefined ? null : p())) };
}

/**
 * A query compiled to stop at its split point. Its collector writes into
 * `state`; a run takes the query from the cache, owns it until it ends and
 * gives it back, so that a worker thread compiles each detection query once
 * for all the partitions it runs rather than once a partition (the fixed
 * cost of a detection run is mostly parsing and compiling).
 */
interface SplitQuery {
  readonly kind: 'stats' | 'top-k' | 'events';
  readonly ast: QueryAst;
  /** Undefined for `events`, which takes its events as they come. */
  readonly compiled?: CompiledQuery;
  readonly state: { groups: PartialGroups; candidates: Row[] };
}

/** The most queries (and parsed texts) a thread keeps compiled; beyond it the caches start over. */
const CACHE_LIMIT = 4096;
const idle = new Map<string, SplitQuery[]>();
let cachedQueries = 0;
const parsed = new Map<string, QueryAst>();

function cachedParse(text: string): QueryAst {
  let ast = parsed.get(text);
  if (ast === undefined) {
    ast = parseQuery(text);
    if (parsed.size >= CACHE_LIMIT) parsed.clear();
    parsed.set(text, ast);
  }
  return ast;
}

function takeSplitQuery(key: string, text: string, options: DetectionCompileOptions): SplitQuery {
  const q = idle.get(key)?.pop();
  if (q !== undefined) {
    cachedQueries--;
    return q;
  }
  const plain = compileQuery(text, options);
  const split = splitPlanOf(text, options, plain);
  const state: SplitQuery['state'] = { groups: [], candidates: [] };
  if (split.kind === 'stats') {
    const compiled = compileQuery(text, {
      ...options,
      firstStatsStage: partialStatsStage((g) => {
        state.groups = g;
      }),
    });
    return { kind: 'stats', ast: plain.ast, compiled, state };
  }
  if (split.kind === 'top-k') {
    const compiled = compileQuery(text, {
      ...options,
      firstSortStage: (keys, topK, limit): StageFactory => {
        const sort = sortStage(keys, topK, limit);
        return (_next, stageState) =>
          sort(
            {
              push(row) {
                state.candidates.push(row);
                return true;
              },
              end() {},
            } satisfies Sink,
            stageState,
          );
      },
    });
    return { kind: 'top-k', ast: plain.ast, compiled, state };
  }
  return { kind: 'events', ast: plain.ast, state };
}

function giveBack(key: string, q: SplitQuery): void {
  if (cachedQueries >= CACHE_LIMIT) {
    idle.clear();
    cachedQueries = 0;
  }
  const list = idle.get(key);
  if (list === undefined) idle.set(key, [q]);
  else list.push(q);
  cachedQueries++;
}
