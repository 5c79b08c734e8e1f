/**
 * `autoregress field [as alias] [p=start[-end]]`: each row gets copies of
 * `field` from the rows `start` to `end` places before it, in row order (the
 * order the rows reach it: newest first unless sorted), the Logs Insights
 * form of lag. The copies are named `field_pK` (`bytes_p1` … `bytes_p4` for
 * `p=1-4`); with `as` and one lag the copy is named `alias`, with a range
 * `alias_pK`. Rows with fewer than K rows before them have `field_pK`
 * missing. Streams, holding the last `end` values (at most
 * {@link MAX_AUTOREGRESS_LAG}); one thread, since every earlier row feeds it.
 *
 * @module
 */
import type { AutoregressCommand } from '../ast.js';
import { fieldRefName } from '../ast.js';
import { compileExpr, type Evaluator } from '../evaluate.js';
import {
  advance,
  expected,
  fail,
  isWord,
  parseFieldName,
  parseIdentifier,
  peek,
  type State,
  span,
} from '../parse/state.js';
import type { BufferLimit, StageFactory } from '../plan.js';
import { printName } from '../print-expression.js';
import { defineField } from '../row.js';
import { checkAvailable, defineNames, scopeOf } from '../scope.js';
import { detachValue, estimateValueBytes, mustSpill } from '../spill.js';
import type { Value } from '../value.js';
import type { CommandSpec } from './spec.js';

/**
 * The deepest lag `p=` may ask for: each lag is a column, and a hundred
 * columns of copies is already more than a result can show.
 *
 * @example
 * ```ts
 * MAX_AUTOREGRESS_LAG //=> 100
 * ```
 */
export const MAX_AUTOREGRESS_LAG = 100;

/** The lags of a command: `p=` or the default 1. @internal */
export function lagsOf(c: AutoregressCommand): { start: number; end: number } {
  const start = c.lags?.start ?? 1;
  return { start, end: c.lags?.end ?? start };
}

/** The output names, lag `start` first. @internal */
export function autoregressNames(c: AutoregressCommand): string[] {
  const { start, end } = lagsOf(c);
  const base = c.alias?.name ?? fieldRefName(c.field);
  if (c.alias !== undefined && start === end) return [c.alias.name];
  const out: string[] = [];
  for (let k = start; k <= end; k++) out.push(`${base}_p${k}`);
  return out;
}

/**
 * The `autoregress` stage: a ring of the last `end` values, charged to the run's byte budget.
 *
 * @internal
 */
export function autoregressStage(
  value: Evaluator,
  names: readonly string[],
  start: number,
  limit: BufferLimit,
): StageFactory {
  const depth = start + names.length - 1;
  return (next, state) => {
    const ring: Value[] = new Array(depth).fill(undefined);
    const sizes: number[] = new Array(depth).fill(0);
    let seen = 0;
    let own = 0;
    return {
      push(row) {
        const v = value(row, state.ctx);
        for (let i = 0; i < names.length; i++) {
          const k = start + i;
          // (the value k rows back sits at seen - k in the ring)
          const back = k <= seen ? ring[(seen - k) % depth] : undefined;
          defineField(row, names[i] as string, back);
        }
        const slot = seen % depth;
        const held = detachValue(v);
        const size = estimateValueBytes(held);
        own += size - (sizes[slot] as number);
        state.memory.used += size - (sizes[slot] as number);
        ring[slot] = held;
        sizes[slot] = size;
        seen++;
        if (mustSpill(state.memory, own)) limit.overBudget();
        return next.push(row);
      },
      end() {
        state.memory.used -= own;
        own = 0;
        next.end();
      },
    };
  };
}

function parseLag(p: State): number {
  const tok = p.tok;
  const text = p.text.slice(tok.start, tok.end);
  if (tok.kind !== 'Number' || !/^\d+$/.test(text))
    return fail(p, 'expected_integer', expected(p, 'a whole number of rows'));
  const n = Number(text);
  if (n < 1 || n > MAX_AUTOREGRESS_LAG) {
    fail(p, 'invalid_argument', `a lag must be from 1 to ${MAX_AUTOREGRESS_LAG} rows, not ${text}`);
  }
  advance(p);
  return n;
}

/**
 * The `autoregress` command.
 *
 * @example
 * ```ts
 * autoregressCommand.print(parseQuery('autoregress bytes p=1-4').commands[0]) //=> 'autoregress bytes p=1-4'
 * ```
 * @internal
 */
export const autoregressCommand: CommandSpec<AutoregressCommand> = {
  kind: 'AutoregressCommand',
  keywords: ['autoregress'],
  parse(p, start) {
    advance(p);
    const field = parseFieldName(p, 'a field after autoregress');
    let alias: AutoregressCommand['alias'];
    if (isWord(p.tok, 'as')) {
      advance(p);
      alias = parseIdentifier(p, 'a name after "as"');
    }
    let lags: AutoregressCommand['lags'];
    if (isWord(p.tok, 'p') && peek(p).kind === 'Eq') {
      advance(p);
      advance(p);
      const from = parseLag(p);
      if (p.tok.kind === 'Minus') {
        advance(p);
        const at = p.tok;
        const to = parseLag(p);
        if (to < from) {
          fail(p, 'invalid_argument', `the lag range ${from}-${to} ends before it starts`, {
            start: at.start,
            end: at.end,
          });
        }
        lags = { start: from, end: to };
      } else lags = { start: from };
    }
    return {
      kind: 'AutoregressCommand',
      field,
      ...(alias === undefined ? {} : { alias }),
      ...(lags === undefined ? {} : { lags }),
      span: span(p, start),
    };
  },
  print: (c) =>
    `autoregress ${c.field.text}${c.alias === undefined ? '' : ` as ${printName(c.alias.name)}`}${
      c.lags === undefined ? '' : ` p=${c.lags.start}${c.lags.end === undefined ? '' : `-${c.lags.end}`}`
    }`,
  defines: (c) => autoregressNames(c),
  hoist: 'never',
  // (a later filter cannot skip rows: the rows it keeps copy values from the rows it drops)
  barrier: true,
  order: () => 'takes',
  oneToOne: () => true,
  split: 'one-thread',
  compile(c, { state, emit }) {
    checkAvailable(c.field, state, 'autoregress');
    const value = compileExpr(c.field, scopeOf(state));
    const names = autoregressNames(c);
    defineNames(state, names);
    const limit = state.bound('autoregress', 'values', c.span, ['ask for fewer lags']);
    emit(autoregressStage(value, names, lagsOf(c).start, limit));
  },
};
