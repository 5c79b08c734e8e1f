/**
 * Query text with a lazily built line map, for turning offsets into lines
 * and columns only when an error is reported.
 *
 * @module
 */

/** A 1-based line and column. Columns count UTF-16 code units. */
export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

/** The query text plus offset-to-position lookups. */
export interface SourceText {
  readonly text: string;
  /** Number of lines (a text without a line break has one). */
  readonly lineCount: number;
  /** The 1-based line and column of a 0-based offset (clamped to the text). */
  position(offset: number): LineColumn;
  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string;
  /** The offset at which a 1-based line starts. */
  lineStart(line: number): number;
}

/**
 * The line starts of the text mapped last. Every error and warning of a
 * query wraps the same text in a SourceText of its own, so without this a
 * query with n warnings (say `stats … | filter x = 1` repeated n times)
 * would scan its text n times: quadratic in the query's length.
 */
let lastMapped: { readonly text: string; readonly starts: number[] } | undefined;

/**
 * Wraps query text. Line breaks are `\n`, `\r\n` and `\r`; line starts are
 * computed on the first lookup and found by binary search.
 *
 * @example
 * ```ts
 * createSourceText('fields a\n| limit 1').position(11) //=> { line: 2, column: 3 }
 * ```
 */
export function createSourceText(text: string): SourceText {
  let starts: number[] | undefined;
  const lineStarts = (): number[] => {
    if (starts) return starts;
    if (lastMapped?.text === text) {
      starts = lastMapped.starts;
      return starts;
    }
    const found = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        found.push(i + 1);
      } else if (c === 10 /* \n */) {
        found.push(i + 1);
      }
    }
    starts = found;
    lastMapped = { text, starts: found };
    return found;
  };
  const lineIndex = (offset: number): number => {
    const s = lineStarts();
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((s[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const lineStart = (line: number): number => {
    const s = lineStarts();
    return s[Math.min(Math.max(line, 1), s.length) - 1] ?? 0;
  };
  return {
    text,
    get lineCount() {
      return lineStarts().length;
    },
    position(offset) {
      const clamped = Math.min(Math.max(offset, 0), text.length);
      const index = lineIndex(clamped);
      return { line: index + 1, column: clamped - (lineStarts()[index] ?? 0) + 1 };
    },
    lineStart,
    lineText(line) {
      const s = lineStarts();
      const index = Math.min(Math.max(line, 1), s.length) - 1;
      const start = s[index] ?? 0;
      let end = index + 1 < s.length ? (s[index + 1] ?? text.length) : text.length;
      while (end > start && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
      return text.slice(start, end);
    },
  };
}
