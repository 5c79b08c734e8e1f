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
 * import { isKubetrailError } from 'kubetrail';
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

  constructor(code: string, message: string, options?: { cause?: unknown }) {
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
