/**
 * The error readers throw, and the catalogue of its codes.
 *
 * @module
 */
import { KubetrailError } from '../errors.js';

/**
 * Every code an {@link InputError} can carry, with a one-line description.
 * `docs/errors.md` is generated from this table.
 *
 * @example
 * ```ts
 * INPUT_ERROR_CODES.truncated_gzip //=> 'The gzip stream ended before its end-of-member trailer…'
 * ```
 */
export const INPUT_ERROR_CODES = Object.freeze({
  bad_json_line: 'A line of a newline-delimited JSON file is not valid JSON.',
  bad_json_value:
    'A JSON value inside a document (an element of Records, events, items, …, or a whole document) is not valid JSON.',
  truncated_json: 'The input ended inside a JSON value: the file was cut off mid-document.',
  truncated_gzip: 'The gzip stream ended before its end-of-member trailer: the file was cut off.',
  bad_gzip: 'The input starts with the gzip magic bytes but its compressed data is corrupt.',
  invalid_utf8: 'A record contains bytes that are not valid UTF-8.',
  line_too_long: 'A single line or record is larger than the maxLineBytes limit.',
  record_too_complex:
    'A record holds more JSON values than the maxRecordValues limit: parsing it would build far more memory than its size.',
  bad_csv_row: 'A CSV row has an unterminated quoted field or cannot be parsed.',
  bad_record:
    'A record has the right syntax but not the shape its format requires (e.g. a non-string message).',
  unreadable_file: 'A file or directory could not be opened or read (missing, permission denied, I/O error).',
  unknown_format: 'The content matches none of the supported formats; force one with the format option.',
  bad_input: 'The input value is not one of the supported input types, or a glob matched nothing.',
  aborted: 'Reading was aborted through the AbortSignal.',
} as const);

/** A stable code of an {@link InputError}; see {@link INPUT_ERROR_CODES}. */
export type InputErrorCode = keyof typeof INPUT_ERROR_CODES;

/** Where an input fault was found. */
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
