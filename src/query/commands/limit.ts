/**
 * `limit N` (also `head N` and `tail N`, deprecated aliases): passes on the
 * first N rows, then refuses more, which stops the reading of input.
 *
 * @module
 */
import type { LimitCommand } from '../ast.js';
import { advance, expected, fail, isWord, peek, span } from '../parse/state.js';
import type { StageFactory } from '../plan.js';
import type { CommandSpec } from './spec.js';

/**
 * The largest `limit N` (the Limit page: "a limit value of up to 100,000").
 *
 * @example
 * ```ts
 * parseQuery(`limit ${MAX_LIMIT + 1}`) // throws QueryError limit_too_large
 * ```
 */
export const MAX_LIMIT = 100_000;

/**
 * The `limit` stage.
 *
 * @internal
 */
export function limitStage(n: number): StageFactory {
  return (next) => {
    let count = 0;
    let open = n > 0;
    return {
      push(row) {
        if (!open) return false;
        count++;
        const more = next.push(row);
        if (count >= n) open = false;
        return more && open;
      },
      end() {
        next.end();
      },
    };
  };
}

/**
 * The `limit` command (also `head` and `tail`).
 *
 * @example
 * ```ts
 * limitCommand.print(parseQuery('HEAD 5').commands[0]) //=> 'head 5'
 * ```
 * @internal
 */
export const limitCommand: CommandSpec<LimitCommand> = {
  kind: 'LimitCommand',
  keywords: ['limit', 'head', 'tail'],
  parse(p, start) {
    const keyword = p.tok.word as LimitCommand['keyword'];
    advance(p);
    let any = false;
    if (isWord(p.tok, 'any') && peek(p).kind === 'Number') {
      any = true;
      advance(p);
    }
    const tok = p.tok;
    const text = p.text.slice(tok.start, tok.end);
    if (tok.kind !== 'Number' || !/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      fail(p, 'expected_integer', expected(p, `a whole number after ${keyword}`));
    }
    if (Number(text) > MAX_LIMIT) {
      fail(
        p,
        'limit_too_large',
        `${keyword} can be at most ${MAX_LIMIT.toLocaleString('en-US')} (the Limit page's maximum), not ${text}`,
        undefined,
        ['aggregate with stats, or narrow the time range, for more rows than that'],
      );
    }
    advance(p);
    return { kind: 'LimitCommand', count: Number(text), any, keyword, span: span(p, start) };
  },
  print: (c) => `${c.keyword}${c.any ? ' any' : ''} ${c.count}`,
  defines: () => [],
  hoist: 'always',
  barrier: true,
  // `limit any N` takes rows in any order; `limit N` takes the newest first.
  order: (c) => (c.any ? undefined : 'takes'),
  oneToOne: () => false,
  rowCap: (c) => c.count,
  split: 'one-thread',
  compile(c, { emit }) {
    emit(limitStage(c.count));
  },
};
