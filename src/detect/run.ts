/**
 * `runDetections`: {@link runDetectionsWith} bound to the query engine.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import { compileQuery } from '../query/index.js';
import { type RunDetectionsOptions, runDetectionsWith } from './run-detections.js';
import type { Finding } from './types.js';

/**
 * Runs the catalogue (or `options.detections`) over events with the
 * kubetrail query engine: every query compiled up front, the input read
 * once, findings grouped per detection with count, first/last seen,
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
  return runDetectionsWith(compileQuery, events, options);
}
