/**
 * Errors of the detection layer.
 *
 * @module
 */
import { KubetrailError } from '../errors.js';

/**
 * Stable error codes thrown by `src/detect`, with what each means.
 *
 * @example
 * ```ts
 * Object.keys(DETECT_ERROR_CODES).includes('unknown_detection_id'); //=> true
 * DETECT_ERROR_CODES.duplicate_detection_id; //=> 'Two detections in one set share an id.'
 * ```
 */
export const DETECT_ERROR_CODES = {
  detection_parse_error: 'A detections file is not valid YAML or JSON text.',
  invalid_detection:
    'A detection does not match DetectionSchema (missing field, bad id, unknown severity or kind).',
  duplicate_detection_id: 'Two detections in one set share an id.',
  invalid_detection_query: "A detection's query failed to compile; the engine's QueryError is the cause.",
  unknown_detection_id: 'A detection id asked for by name is not in the catalogue.',
  invalid_sigma_rules:
    'Sigma rules have errors (not valid YAML, not valid Sigma, an unknown modifier or search identifier, an empty selection); every problem is listed with file, line and column.',
  sigma_not_convertible:
    'A Sigma rule uses something Logs Insights cannot express (a time modifier, a correlation), so sigma convert cannot translate it.',
  sigma_correlation_limit:
    'A Sigma correlation kept more matching events than maxCorrelationEvents allows; the run stops rather than drop any.',
  invalid_investigation_option:
    'An investigation option is out of range (a CIDR that does not parse, a negative window).',
  resource_limit:
    'A timeline would hold more entries than `maxEntries` or more bytes than `memoryBudgetBytes` allows; narrow the selector or the window, or raise the bound. Entries are never dropped.',
} as const;

/** One of the codes in {@link DETECT_ERROR_CODES}. */
export type DetectErrorCode = keyof typeof DETECT_ERROR_CODES;

/**
 * Thrown by the detection layer; `code` is one of {@link DETECT_ERROR_CODES}.
 *
 * @example
 * ```ts
 * try {
 *   loadDetections('- id: x', { format: 'yaml' });
 * } catch (e) {
 *   if (e instanceof DetectError) console.error(e.code); // 'invalid_detection'
 * }
 * ```
 */
export class DetectError extends KubetrailError {
  override readonly name: string = 'DetectError';
  declare readonly code: DetectErrorCode;

  constructor(code: DetectErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
