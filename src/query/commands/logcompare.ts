/**
 * `logcompare timeshift <duration>`: compares each pattern's events in the
 * query window with the window of the same length `duration` earlier. It
 * is `diff` with another baseline: the same stage, windows and columns
 * (`diff/windows.ts`, `pattern/compile-step.ts`). A fixed duration (`ms` …
 * `w`) shifts by its length; `mo`, `q` and `y` shift by calendar months in
 * UTC, as `diff previousMonth` does. Directly after `pattern` it compares
 * that command's patterns; alone it mines `@message`. One thread.
 *
 * @module
 */
import type { LogcompareCommand } from '../ast.js';
import { compileError } from '../evaluate.js';
import { fixedPeriodMs } from '../functions/datetime.js';
import { advance, expected, expectWord, fail, span } from '../parse/state.js';
import type { DiffBaseline } from './diff/windows.js';
import { compileWindowCompare, PATTERN_COLUMNS } from './pattern/compile-step.js';
import type { CommandSpec } from './spec.js';

const MONTHS_PER_UNIT = { mo: 1, q: 3, y: 12 } as const;

/**
 * The baseline of a `timeshift` duration, or `undefined` when it is not a
 * positive whole shift (calendar units take whole numbers; fixed ones at
 * most the longest period).
 *
 * @example
 * ```ts
 * timeshiftBaseline({ amount: 7, unit: 'd' }) //=> { shiftMs: 604800000 }
 * timeshiftBaseline({ amount: 1, unit: 'q' }) //=> { months: 3 }
 * ```
 * @internal
 */
export function timeshiftBaseline(
  shift: Pick<LogcompareCommand['shift'], 'amount' | 'unit'>,
): DiffBaseline | undefined {
  if (shift.unit === 'mo' || shift.unit === 'q' || shift.unit === 'y') {
    const months = shift.amount * MONTHS_PER_UNIT[shift.unit];
    return Number.isSafeInteger(months) && months >= 1 && months <= 12_000 ? { months } : undefined;
  }
  const ms = fixedPeriodMs({ kind: 'Period', amount: shift.amount, unit: shift.unit });
  return ms === undefined || ms < 1 ? undefined : { shiftMs: ms };
}

/**
 * The `logcompare` command.
 *
 * @example
 * ```ts
 * logcompareCommand.print(parseQuery('logcompare TIMESHIFT 7d').commands[0]) //=> 'logcompare timeshift 7d'
 * ```
 * @internal
 */
export const logcompareCommand: CommandSpec<LogcompareCommand> = {
  kind: 'LogcompareCommand',
  keywords: ['logcompare'],
  parse(p, start) {
    advance(p);
    expectWord(p, 'timeshift');
    const tok = p.tok;
    if (tok.kind !== 'Period')
      fail(p, 'expected_period', expected(p, 'a duration such as 7d after timeshift'));
    advance(p);
    return {
      kind: 'LogcompareCommand',
      shift: {
        kind: 'PeriodLit',
        amount: tok.number ?? 0,
        unit: tok.unit ?? 'ms',
        text: p.text.slice(tok.start, tok.end),
        span: { start: tok.start, end: tok.end },
      },
      span: span(p, start),
    };
  },
  print: (c) => `logcompare timeshift ${c.shift.text}`,
  defines: () => PATTERN_COLUMNS.diff,
  hoist: 'never',
  barrier: true,
  order: () => 'sets',
  oneToOne: () => false,
  split: 'one-thread',
  compile(c, ctx) {
    const baseline = timeshiftBaseline(c.shift);
    if (baseline === undefined) {
      compileError(
        'invalid_argument',
        `timeshift must be a positive duration (a whole number of mo, q or y), not ${c.shift.text}`,
        c.shift.span,
        { text: ctx.state.text },
      );
    }
    compileWindowCompare(c, baseline, 'logcompare', `logcompare timeshift ${c.shift.text}`, ctx);
  },
};
