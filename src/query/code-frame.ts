/**
 * Renders a span of query text as a code frame:
 *
 * ```text
 * error[unknown_command]: unknown command "fitler"
 *  --> query:2:3
 *   |
 * 1 | fields a
 * 2 | | fitler x
 *   |   ^^^^^^
 *   = help: did you mean filter?
 * ```
 *
 * @module
 */
import type { Span } from './ast.js';
import type { SourceText } from './source-text.js';

/** What {@link formatCodeFrame} renders. */
export interface CodeFrameInput {
  readonly source: SourceText;
  readonly span: Span;
  /** The header line, e.g. `error[unexpected_token]: expected ")"`. */
  readonly title: string;
  readonly hints?: readonly string[];
  /** ANSI colours. Default false. */
  readonly color?: boolean;
  /** The name shown after `-->`. Default `query`. */
  readonly name?: string;
}

const MAX_SPAN_LINES = 3;

/**
 * Renders a code frame: the header, ` --> query:LINE:COL`, the line before the
 * span for context, the spanned lines (at most three) with a line-number
 * gutter, carets under the span, and one `= help:` line per hint.
 *
 * @example
 * ```ts
 * formatCodeFrame({ source: createSourceText('limit x'), span: { start: 6, end: 7 }, title: 'error[expected_integer]: expected a number' })
 * ```
 */
export function formatCodeFrame(input: CodeFrameInput): string {
  const { source, span } = input;
  const paint = (code: string, text: string): string =>
    input.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  const start = source.position(span.start);
  const endOffset = Math.max(span.end, span.start);
  let end = source.position(endOffset);
  // A span that ends right after a line break ends on the previous line.
  if (endOffset > span.start && end.column === 1 && end.line > start.line) {
    const prev = end.line - 1;
    end = { line: prev, column: source.lineText(prev).length + 1 };
  }
  const lastLine = Math.min(end.line, start.line + MAX_SPAN_LINES - 1);
  const firstLine = Math.max(1, start.line - 1);
  const gutterWidth = String(Math.max(lastLine, firstLine)).length;
  const pad = ' '.repeat(gutterWidth);
  const bar = paint('34;1', '|');
  const out: string[] = [
    paint('31;1', input.title),
    `${pad}${paint('34;1', '-->')} ${input.name ?? 'query'}:${start.line}:${start.column}`,
    `${pad} ${bar}`,
  ];
  for (let line = firstLine; line <= lastLine; line++) {
    const text = source.lineText(line);
    out.push(`${paint('34;1', String(line).padStart(gutterWidth))} ${bar}${text === '' ? '' : ` ${text}`}`);
    if (line < start.line) continue;
    const from = line === start.line ? start.column : 1;
    const to = line === end.line ? end.column : text.length + 1;
    const width = Math.max(to - from, line === start.line ? 1 : 0);
    if (width === 0) continue;
    let indent = '';
    for (let i = 0; i < from - 1; i++) indent += text[i] === '\t' ? '\t' : ' ';
    out.push(`${pad} ${bar} ${indent}${paint('31;1', '^'.repeat(width))}`);
  }
  if (end.line > lastLine) out.push(`${pad} ${bar} ...`);
  for (const hint of input.hints ?? []) out.push(`${pad} = help: ${hint}`);
  return out.join('\n');
}
