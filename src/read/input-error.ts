/**
 * The error readers throw, and the catalogue of its codes.
 *
 * @module
 */

import { INPUT_ERROR_CODES } from '../error-codes.js';
import { KubetrailError } from '../errors.js';

export { INPUT_ERROR_CODES };

/**
 * A stable code of an {@link InputError}; see {@link INPUT_ERROR_CODES}.
 *
 * @example
 * ```ts
 * import { InputError, type InputErrorCode, readLogs } from 'kubetrail/engine';
 * let code: InputErrorCode | undefined;
 * try {
 *   for await (const _event of readLogs('no-such-dir/')) {}
 * } catch (e) {
 *   if (e instanceof InputError) code = e.code;
 * }
 * code; //=> 'unreadable_file'
 * ```
 */
export type InputErrorCode = keyof typeof INPUT_ERROR_CODES;

/**
 * Where an input fault was found.
 *
 * @example
 * ```ts
 * import { InputError, type InputErrorLocation } from 'kubetrail/engine';
 * // A reader of your own reporting a bad record the way kubetrail's readers do:
 * const at: InputErrorLocation = { file: 'audit.log', line: 12, byteOffset: 4096 };
 * const error = new InputError('bad_record', 'message is not a string', at);
 * console.log(error.code, error.file, error.line, error.byteOffset);
 * ```
 */
export interface InputErrorLocation {
  /** File path as given or found by the walk; absent for in-memory input and stdin. */
  readonly file?: string;
  /** 1-based line of the faulty record, where known. */
  readonly line?: number;
  /** 0-based byte offset of the fault in the decompressed stream (compressed stream for gzip faults). */
  readonly byteOffset?: number;
}

/**
 * A fault in the input: a bad record, a damaged file, an unreadable path.
 *
 * Under `onError: 'throw'` the reader throws it at the first fault, after
 * emitting every record read before it; under `'skip'` the reader counts and
 * locates it in the summary and carries on.
 *
 * @example
 * ```ts
 * try {
 *   for await (const event of readLogs('audit.log')) use(event);
 * } catch (e) {
 *   if (e instanceof InputError) console.error(e.code, e.file, e.line, e.byteOffset);
 * }
 * ```
 */
export class InputError extends KubetrailError {
  override readonly name: string = 'InputError';
  declare readonly code: InputErrorCode;
  /** File path, when the input is a file. */
  readonly file: string | undefined;
  /** 1-based line number, when known. */
  readonly line: number | undefined;
  /** 0-based byte offset, when known. */
  readonly byteOffset: number | undefined;

  constructor(
    code: InputErrorCode,
    message: string,
    location: InputErrorLocation = {},
    options?: { cause?: unknown },
  ) {
    super(code, withLocation(message, location), options);
    this.file = location.file;
    this.line = location.line;
    this.byteOffset = location.byteOffset;
  }
}

function withLocation(message: string, location: InputErrorLocation): string {
  const parts: string[] = [];
  if (location.file !== undefined) parts.push(location.file);
  if (location.line !== undefined) parts.push(`line ${location.line}`);
  if (location.byteOffset !== undefined) parts.push(`byte ${location.byteOffset}`);
  return parts.length === 0 ? message : `${message} (${parts.join(', ')})`;
}
