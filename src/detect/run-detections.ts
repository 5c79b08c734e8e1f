/**
 * Runs detections over events: compile every query up front, read the input
 * once, feed every compiled query, and group result rows into findings.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import { broadcast } from './broadcast.js';
import { BUILT_IN_DETECTIONS, listDetections, severityRank } from './catalogue/index.js';
import { DetectError } from './errors.js';
import type { ResultRowLike } from './result-row.js';
import type { Detection, DetectionFilter, Finding } from './types.js';

/** The part of a compiled query that detections use (the engine's `CompiledQuery`). @internal */
export interface DetectionCompiledQuery {
  run(
    events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
    options?: { signal?: AbortSignal },
  ): Promise<{
    readonly rows: readonly ResultRowLike[];
    readonly statistics: { readonly recordsMatched: number };
  }>;
}

/** Compiles one query: the engine's `compileQuery`. @internal */
export type DetectionCompiler = (
  query: string,
  options: { limit?: number; startTime?: number; endTime?: number; now?: number },
) => DetectionCompiledQuery;

/** Options of `runDetections`. */
export interface RunDetectionsOptions {
  /** The detection set; the built-ins by default. */
  readonly detections?: readonly Detection[];
  /** Which of them to run (see {@link listDetections}); all enabled ones by default. */
  readonly filter?: DetectionFilter;
  /** Sample rows kept per finding. @defaultValue 5 */
  readonly sampleLimit?: number;
  /** Row cap per query, passed to the engine. @defaultValue 10000 */
  readonly limit?: number;
  /** Inclusive time window on `@timestamp` (epoch ms). */
  readonly startTime?: number;
  readonly endTime?: number;
  /** Epoch ms for `now()`; pass it for reproducible runs. */
  readonly now?: number;
  readonly signal?: AbortSignal;
  /** Include detections with zero rows in the result. @defaultValue false */
  readonly includeEmpty?: boolean;
}

interface Planned {
  readonly detection: Detection;
  readonly index: number;
  readonly compiled: DetectionCompiledQuery;
}

/**
 * Runs detections with a given compiler (the engine's `compileQuery`).
 * Every query is compiled before any input is read (a bad query throws
 * `DetectError` `invalid_detection_query`); the input is then read once and
 * each event is fed to the queries of detections of its kind. Findings come
 * back most severe first, then by catalogue order. This is the seam that
 * `runDetections` binds to the engine and tests drive with a stub compiler;
 * it is not exported from the package.
 *
 * @internal
 * @example
 * ```ts
 * import { compileQuery } from '../query/index.js';
 * const findings = await runDetectionsWith(compileQuery, events, { filter: { minSeverity: 'high' } });
 * ```
 */
export async function runDetectionsWith(
  compile: DetectionCompiler,
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  options: RunDetectionsOptions = {},
): Promise<Finding[]> {
  const selected = listDetections(options.filter ?? {}, options.detections ?? BUILT_IN_DETECTIONS);
  const compileOptions = {
    limit: options.limit ?? 10_000,
    ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
    ...(options.endTime === undefined ? {} : { endTime: options.endTime }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  const planned: Planned[] = [];
  for (const detection of selected) {
    detection.queries.forEach((q, index) => {
      try {
        planned.push({ detection, index, compiled: compile(q.query, compileOptions) });
      } catch (cause) {
        const message = cause instanceof Error ? cause.message : String(cause);
        throw new DetectError('invalid_detection_query', `${detection.id} query ${index + 1}: ${message}`, {
          cause,
        });
      }
    });
  }
  if (planned.length === 0) return [];
  const streams = broadcast(events, planned.length);
  const runOptions = options.signal === undefined ? {} : { signal: options.signal };
  const results = await Promise.all(
    planned.map((p, i) => p.compiled.run(ofKind(streams[i]!, p.detection.kind), runOptions)),
  );
  const sampleLimit = options.sampleLimit ?? 5;
  const byDetection = new Map<
    string,
    {
      detection: Detection;
      parts: { index: number; rows: readonly ResultRowLike[]; recordsMatched: number }[];
    }
  >();
  planned.forEach((p, i) => {
    const r = results[i]!;
    let entry = byDetection.get(p.detection.id);
    if (entry === undefined) {
      entry = { detection: p.detection, parts: [] };
      byDetection.set(p.detection.id, entry);
    }
    entry.parts.push({ index: p.index, rows: r.rows, recordsMatched: r.statistics.recordsMatched });
  });
  const findings: Finding[] = [];
  for (const { detection, parts } of byDetection.values()) {
    const finding = toFinding(detection, parts, sampleLimit);
    if (finding.count > 0 || options.includeEmpty === true) findings.push(finding);
  }
  const order = new Map(selected.map((d, i) => [d.id, i]));
  return findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      order.get(a.detectionId)! - order.get(b.detectionId)!,
  );
}

/**
 * Groups one detection's result rows into a finding: row count, matched
 * records, first/last seen (the earliest and latest timestamp cell in any
 * row — `@timestamp`, `bin(...)`, `first_seen`, `last_seen`) and samples.
 *
 * @example
 * ```ts
 * toFinding(detection, [{ index: 0, rows: [{ '@timestamp': new Date(0) }], recordsMatched: 1 }], 5).count; //=> 1
 * ```
 */
export function toFinding(
  detection: Detection,
  parts: readonly {
    readonly index: number;
    readonly rows: readonly ResultRowLike[];
    readonly recordsMatched: number;
  }[],
  sampleLimit: number,
): Finding {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let count = 0;
  let recordsMatched = 0;
  const samples: ResultRowLike[] = [];
  for (const part of parts) {
    count += part.rows.length;
    recordsMatched += part.recordsMatched;
    for (const row of part.rows) {
      if (samples.length < sampleLimit) samples.push(row);
      for (const key of Object.keys(row)) {
        const v = row[key];
        if (v instanceof Date) {
          const t = v.getTime();
          if (Number.isFinite(t)) {
            if (t < first) first = t;
            if (t > last) last = t;
          }
        }
      }
    }
  }
  return {
    detectionId: detection.id,
    title: detection.title,
    severity: detection.severity,
    mitre: detection.mitre,
    kind: detection.kind,
    count,
    recordsMatched,
    ...(Number.isFinite(first) ? { firstSeen: first, lastSeen: last } : {}),
    samples,
    queries: parts.map((p) => ({ index: p.index, rows: p.rows.length, recordsMatched: p.recordsMatched })),
  };
}

async function* ofKind(events: AsyncIterable<LogEvent>, kind: Detection['kind']): AsyncGenerator<LogEvent> {
  for await (const e of events) if (e.kind === kind) yield e;
}
