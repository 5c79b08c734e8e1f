/**
 * Timestamp formats shared by the schemas.
 *
 * @module
 */

import { z } from 'zod';

/**
 * RFC 3339 date-time with 0–9 fractional digits and a `Z` or `±hh:mm` zone,
 * e.g. `2023-08-19T13:30:53.957200Z` (audit MicroTime) or `2023-12-13T05:13:13Z`
 * (CloudTrail). A simple, linear pattern.
 *
 * @example
 * ```ts
 * RFC3339_PATTERN.test('2023-08-19T13:30:53.957200Z'); //=> true
 * RFC3339_PATTERN.test('2022-11-29 00:09:04.38'); //=> false
 * ```
 */
export const RFC3339_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 timestamp string (strict mode; lenient mode accepts any string).
 *
 * @example
 * ```ts
 * Rfc3339Schema.parse('2018-10-26T14:26:34Z');
 * ```
 */
export const Rfc3339Schema = z
  .string()
  .regex(RFC3339_PATTERN, { error: 'expected an RFC 3339 timestamp such as 2023-08-19T13:30:53.957200Z' });
