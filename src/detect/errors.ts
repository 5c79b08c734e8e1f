/**
 * Errors of the detection layer.
 *
 * @module
 */

import { DETECT_ERROR_CODES } from '../error-codes.js';
import { KubetrailError } from '../errors.js';

export { DETECT_ERROR_CODES };

/**
 * One of the codes in {@link DETECT_ERROR_CODES}.
 *
 * @example
 * ```ts
 * import { DetectError, type DetectErrorCode, loadDetections } from 'kubetrail/detect';
 * let code: DetectErrorCode | undefined;
 * try {
 *   loadDetections('- id: x', { format: 'yaml' });
 * } catch (e) {
 *   if (e instanceof DetectError) code = e.code;
 * }
 * code; //=> 'invalid_detection'
 * ```
 */
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
