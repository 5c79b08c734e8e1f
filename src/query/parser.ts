/**
 * The recursive-descent parser: query text to {@link QueryAst}.
 *
 * One function per command (`parse/commands.ts`); expressions by precedence
 * climbing over the single table in `tokens.ts` (`parse/expression.ts`).
 * Errors are collected: after an error the parser skips to the next
 * top-level `|` and goes on, so `checkQuery` can report every broken stage
 * at once.
 *
 * @module
 */
import type { Command, QueryAst } from './ast.js';
import { QueryError } from './errors.js';
import { parseStage } from './parse/commands.js';
import { advance, createState, expected, fail, kindOf, recover } from './parse/state.js';
import type { SourceText } from './source-text.js';

export { COMMAND_NAMES } from './parse/commands.js';
export { MAX_EXPRESSION_DEPTH } from './parse/state.js';

/**
 * The result of {@link parseQueryWithDiagnostics}.
 *
 * @example
 * ```ts
 * const { ast, errors } = parseQueryWithDiagnostics('fields a');
 * ```
 */
export interface ParseResult {
  /** The tree, when there were no errors. */
  readonly ast: QueryAst | undefined;
  /** Every syntax error found, in source order of discovery. */
  readonly errors: readonly QueryError[];
  readonly source: SourceText;
}

/**
 * Parses a query, throwing the first syntax error.
 *
 * @throws {QueryError} with a code such as `unexpected_token` or `unknown_command`.
 * @example
 * ```ts
 * parseQuery('fields @timestamp | limit 5').commands.map((c) => c.kind)
 * //=> ['FieldsCommand', 'LimitCommand']
 * ```
 */
export function parseQuery(text: string): QueryAst {
  const result = parseQueryWithDiagnostics(text);
  const first = result.errors[0];
  if (first !== undefined || result.ast === undefined) throw first;
  return result.ast;
}

/**
 * Parses a query and returns the tree or every syntax error; never throws
 * for any input string.
 *
 * @example
 * ```ts
 * parseQueryWithDiagnostics('fitler x | limit').errors.map((e) => e.code)
 * //=> ['unknown_command', 'expected_integer']
 * ```
 */
export function parseQueryWithDiagnostics(text: string): ParseResult {
  const p = createState(String(text));
  const commands: Command[] = [];
  advance(p);
  if (p.tok.kind === 'EOF') {
    p.errors.push(
      new QueryError({
        code: 'empty_query',
        message: 'the query is empty',
        phase: 'parse',
        span: { start: p.tok.start, end: p.tok.start },
        source: p.source,
      }),
    );
  } else {
    for (let stage = 0; ; stage++) {
      try {
        commands.push(parseStage(p, stage));
        if (kindOf(p) !== 'Pipe' && kindOf(p) !== 'EOF')
          fail(p, 'unexpected_token', expected(p, '"|" or end of query'));
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
        p.errors.push(error);
        p.depth = 0;
        recover(p);
      }
      if (kindOf(p) === 'EOF') break;
      advance(p); // the pipe
    }
  }
  const ast: QueryAst | undefined =
    p.errors.length === 0 ? { kind: 'Query', commands, span: { start: 0, end: p.text.length } } : undefined;
  return { ast, errors: p.errors, source: p.source };
}
