/**
 * Lone surrogates in what the DuckDB engine would append. A JSON `\ud800`
 * escape without its pair is valid input for `JSON.parse` (and so for the
 * streaming engine) but DuckDB's VARCHAR and JSON hold only valid UTF-8:
 * its JSON parser rejects the escape, and a JavaScript string with a lone
 * surrogate reaches it as U+FFFD. The engine does not append such an event;
 * it fails with `lone_surrogate`, and `queryStream` runs the query on the
 * streaming engine instead when it can read the input again.
 *
 * @module
 */
import { SqlEngineError } from './errors.js';

/** A surrogate escape as `JSON.stringify` writes it (it writes only lone ones as escapes). */
const SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/g;

/**
 * Whether text written by `JSON.stringify` holds an escaped lone surrogate
 * (`\udXXX` whose backslash is not itself escaped).
 *
 * @example
 * ```ts
 * escapesLoneSurrogate(JSON.stringify({ u: '\ud800x' })); //=> true
 * escapesLoneSurrogate(JSON.stringify({ u: '\\ud800' })); //=> false
 * ```
 */
export function escapesLoneSurrogate(json: string): boolean {
  if (!json.includes('\\ud')) return false;
  SURROGATE_ESCAPE.lastIndex = 0;
  for (let m = SURROGATE_ESCAPE.exec(json); m !== null; m = SURROGATE_ESCAPE.exec(json)) {
    let backslashes = 0;
    for (let i = m.index; i >= 0 && json.charCodeAt(i) === 0x5c; i--) backslashes++;
    if (backslashes % 2 === 1) return true;
    SURROGATE_ESCAPE.lastIndex = m.index + 1;
  }
  return false;
}

const wellFormed = (String.prototype as unknown as { isWellFormed: (this: string) => boolean }).isWellFormed;

/**
 * Whether a string holds a lone surrogate (`String.prototype.isWellFormed`,
 * constant time on one-byte strings).
 *
 * @example
 * ```ts
 * holdsLoneSurrogate('\udc00'); //=> true
 * holdsLoneSurrogate('😀'); //=> false
 * ```
 */
export function holdsLoneSurrogate(s: string): boolean {
  return !wellFormed.call(s);
}

/**
 * The error the engine throws instead of appending an event with a lone surrogate.
 *
 * @example
 * ```ts
 * throw loneSurrogateError('user.username');
 * ```
 */
export function loneSurrogateError(where: string): SqlEngineError {
  return new SqlEngineError('lone_surrogate', `${loneSurrogateReason(where)}${ADVICE}`);
}

/** What {@link loneSurrogateError} advises, after its reason. */
const ADVICE = '; run the query on the streaming engine';

function loneSurrogateReason(where: string): string {
  return `an event holds a lone surrogate (${where}), which DuckDB cannot store`;
}

/**
 * The reason of a {@link loneSurrogateError} without its advice: what the
 * statistics say when the streaming engine took the query over.
 *
 * @example
 * ```ts
 * loneSurrogateReasonOf(loneSurrogateError('@message')); //=> 'an event holds a lone surrogate (@message), which DuckDB cannot store'
 * ```
 */
export function loneSurrogateReasonOf(error: SqlEngineError): string {
  return error.message.endsWith(ADVICE) ? error.message.slice(0, -ADVICE.length) : error.message;
}
