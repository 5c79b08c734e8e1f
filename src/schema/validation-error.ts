/**
 * The error thrown by the throwing validators, and the table of codes the
 * schema layer throws (used to generate `docs/errors.md`).
 *
 * @module
 */

import type { z } from 'zod';
import { SCHEMA_ERROR_CODES } from '../error-codes.js';
import { isKubetrailError, KubetrailError } from '../errors.js';
import { formatPath } from './lenient.js';

export { SCHEMA_ERROR_CODES };

/** A code in {@link SCHEMA_ERROR_CODES}. */
export type SchemaErrorCode = keyof typeof SCHEMA_ERROR_CODES;

/**
 * Thrown by `parseAuditEvent`, `parseCloudTrailRecord` and the other throwing
 * validators. `issues` are zod's; `path` is the first issue's path; the
 * message names it (e.g. `Invalid CloudTrail record at userIdentity.type: …`).
 *
 * @example
 * ```ts
 * try {
 *   parseCloudTrailRecord({ eventVersion: 1 });
 * } catch (e) {
 *   if (e instanceof ValidationError) e.path; //=> ['eventVersion']
 * }
 * ```
 */
export class ValidationError extends KubetrailError {
  override readonly name: string = 'ValidationError';
  /** Every zod issue found. */
  readonly issues: readonly z.core.$ZodIssue[];
  /** Path of the first offending field (`[]` for the record itself). */
  readonly path: readonly PropertyKey[];

  constructor(what: string, issues: readonly z.core.$ZodIssue[], options?: { cause?: unknown }) {
    const first = issues[0];
    const path = first?.path ?? [];
    super(
      'invalid_record',
      `Invalid ${what} at ${formatPath(path)}: ${first?.message ?? 'invalid'}`,
      options,
    );
    this.issues = issues;
    this.path = path;
  }
}

/**
 * Tells whether a value is a {@link ValidationError}, across realms.
 *
 * @example
 * ```ts
 * isValidationError(new Error('x')); //=> false
 * ```
 */
export function isValidationError(value: unknown): value is ValidationError {
  return isKubetrailError(value) && value.code === 'invalid_record' && value.name === 'ValidationError';
}
