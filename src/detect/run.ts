/**
 * `runDetections`: {@link runDetectionsWith} bound to the query engine.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import { compileQuery, parseQuery } from '../query/index.js';
import { type DetectionCompiler, type RunDetectionsOptions, runDetectionsWith } from './run-detections.js';
import type { Finding } from './types.js';

/**
 * The engine's `compileQuery` with `parseQuery` beside it, so that an
 * indexed run compiles only the queries its input reaches.
 *
 * @internal
 * @example
 * ```ts
 * const findings = await runDetectionsWith(ENGINE_DETECTION_COMPILER, events, {});
 * ```
 */
export const ENGINE_DETECTION_COMPILER: DetectionCompiler = Object.assign(
  (query: string, options: Parameters<DetectionCompiler>[1]) => compileQuery(query, options),
  { parse: (query: string) => parseQuery(query) },
);

/**
 * Runs the catalogue (or `options.detections`) over events with the
 * kubetrail query engine: every query parsed up front and compiled when the
 * input first reaches it, the input read once, findings grouped per detection with count, first/last seen,
 * severity and sample rows, most severe first.
 *
 * @example
 * ```ts
 * import { readLogs, runDetections } from 'kubetrail';
 * const findings = await runDetections(readLogs(['./exports']), {
 *   filter: { minSeverity: 'medium' },
 *   now: Date.parse('2024-05-01T00:00:00Z'),
 * });
 * for (const f of findings) console.log(f.severity, f.title, f.count);
 * ```
 */
export function runDetections(
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  options: RunDetectionsOptions = {},
): Promise<Finding[]> {
  return runDetectionsWith(ENGINE_DETECTION_COMPILER, events, options);
}
