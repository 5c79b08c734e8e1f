/**
 * The reader's raw-bytes test from the engine's prefilter: records whose
 * bytes lack a literal the query's filters require are skipped before
 * `JSON.parse`.
 *
 * @module
 */
import type { Prefilter } from '../query/prefilter.js';
import { type ChunkSearchPrefilter, createMultiSearch } from '../read/chunk-search.js';
import type { RawPrefilter } from '../read/read-options.js';

const SPACE = 0x20;
const OPEN_BRACE = 0x7b;
/** Literals the raw bytes cannot be trusted to contain verbatim (JSON structure, quoting, whitespace). */
const UNSAFE_LITERAL = /["\\\s:,{}[\]]|[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const encoder = new TextEncoder();
/** `\u`: a JSON escape that can spell any character. */
const ESCAPE_U = Buffer.from('\\u');
/** `\/`: the JSON escape of `/`. */
const ESCAPE_SLASH = Buffer.from('\\/');

/** Tells whether raw record bytes are JSON (`{…}`) or a CloudWatch export line carrying JSON (`<time> {…}`). */
function isJsonRecord(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end && (bytes[i] === SPACE || bytes[i] === 0x09)) i++;
  if (bytes[i] === OPEN_BRACE) return true;
  const limit = Math.min(end, i + 40);
  for (let j = i; j < limit; j++) if (bytes[j] === SPACE) return bytes[j + 1] === OPEN_BRACE;
  return false;
}

interface RawClause {
  readonly needles: readonly Buffer[];
  /** Whether a needle contains `/` (which JSON may write as `\/`). */
  readonly slash: boolean;
}

/** Shortest needle first is the most likely to occur: a clause with few, long needles is searched first. */
function clauseOrder(a: RawClause, b: RawClause): number {
  if (a.needles.length !== b.needles.length) return a.needles.length - b.needles.length;
  const shortest = (c: RawClause): number => Math.min(...c.needles.map((n) => n.length));
  return shortest(b) - shortest(a);
}

/**
 * Turns the engine's prefilter description into the reader's raw-bytes test.
 * It only ever rejects a record it can prove cannot match: it accepts every
 * record that is not JSON (text lines may carry derived fields) and ignores
 * literals that JSON could spell differently (quotes, backslashes,
 * whitespace, control characters). The literals it keeps can be hidden in
 * raw JSON only by a `\uXXXX` escape, or by `\/` for a `/`; so a record is
 * rejected only when it has no `\u` and some clause has none of its
 * literals (nor a `\/`, when a literal has a `/`). `\"`, `\\` and `\n`
 * cannot hide them. Returns `undefined` when nothing can be said.
 *
 * The test it returns can also search a whole chunk for the clause most
 * likely to be rare (fewest, longest literals) and its escapes, so that the
 * NDJSON reader rejects the JSON lines before the next hit without testing
 * them one by one (`query(…, { prefilter: false })` turns both off).
 *
 * @example
 * ```ts
 * const raw = toRawPrefilter(compileQuery('filter verb = "delete"').prefilter);
 * raw?.test(new TextEncoder().encode('{"verb":"get"}'), 0, 14) //=> false
 * ```
 */
export function toRawPrefilter(prefilter: Prefilter): RawPrefilter | undefined {
  const clauses: RawClause[] = [];
  for (const clause of prefilter.clauses) {
    if (clause.some((term) => UNSAFE_LITERAL.test(term.text))) continue; // the clause could hold anyway
    clauses.push({
      needles: clause.map((term) => Buffer.from(encoder.encode(term.text))),
      slash: clause.some((term) => term.text.includes('/')),
    });
  }
  if (clauses.length === 0) return undefined;
  clauses.sort(clauseOrder);
  const lead = clauses[0] as RawClause;
  const prefilterWithSearch: ChunkSearchPrefilter = {
    test(bytes, start, end) {
      if (!isJsonRecord(bytes, start, end)) return true;
      const view = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
      let uEscape: boolean | undefined;
      let slashEscape: boolean | undefined;
      for (const clause of clauses) {
        let found = false;
        for (const needle of clause.needles) {
          if (view.indexOf(needle) !== -1) {
            found = true;
            break;
          }
        }
        if (found) continue;
        // an escape could spell the literal: let the exact predicate decide
        uEscape ??= view.indexOf(ESCAPE_U) !== -1;
        if (uEscape) return true;
        if (clause.slash) {
          slashEscape ??= view.indexOf(ESCAPE_SLASH) !== -1;
          if (slashEscape) continue;
        }
        return false;
      }
      return true;
    },
    // a line without the lead clause's literals and escapes fails the test above
    searchChunk: createMultiSearch([...lead.needles, ESCAPE_U, ...(lead.slash ? [ESCAPE_SLASH] : [])]),
  };
  return prefilterWithSearch;
}
