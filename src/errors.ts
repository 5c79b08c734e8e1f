import type { ErrorCode, INTERNAL_ERROR_CODES } from './error-codes.js';

/**
 * The base of every error kubetrail throws.
 *
 * Each layer throws its own subclass (`QueryError`, `InputError`,
 * `ValidationError`), each with a stable snake_case `code` listed in
 * `docs/errors.md`. Use {@link isKubetrailError} rather than `instanceof`
 * when errors may cross realms (workers, vm contexts, duplicated installs).
 *
 * @example
 * ```ts
 * import { isKubetrailError, parseQuery } from 'kubetrail';
 * try {
 *   parseQuery('filter (');
 * } catch (e) {
 *   if (isKubetrailError(e)) console.error(e.code, e.message);
 * }
 * ```
 */
export class KubetrailError extends Error {
  override readonly name: string = 'KubetrailError';
  /** Stable, documented error code, e.g. `unexpected_token` or `bad_json_line`. */
  readonly code: string;

  /** @param code one of the catalogue's codes (`src/error-codes.ts`, docs/errors.md). */
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Realm-independent brand checked by {@link isKubetrailError}. */
  get isKubetrailError(): true {
    return true;
  }
}

/**
 * Tells whether a value is an error thrown by kubetrail, across realms.
 *
 * @example
 * ```ts
 * isKubetrailError(new Error('x')) //=> false
 * ```
 */
export function isKubetrailError(value: unknown): value is KubetrailError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { isKubetrailError?: unknown }).isKubetrailError === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/**
 * A promise kubetrail keeps to itself did not hold: a bug, a spill file
 * changed under the run, or a runtime without what a feature needs. `code`
 * is one of `INTERNAL_ERROR_CODES`; the CLI reports it as a bug (exit 5).
 *
 * @example
 * ```ts
 * throw new InternalError('internal_error', 'query help missing');
 * ```
 */
export class InternalError extends KubetrailError {
  override readonly name = 'InternalError';
  declare readonly code: keyof typeof INTERNAL_ERROR_CODES;

  constructor(code: keyof typeof INTERNAL_ERROR_CODES, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
