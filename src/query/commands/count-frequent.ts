/**
 * `countFrequent field, …` (also `count_frequent`): one row per distinct
 * tuple of the fields' values with its count in `_approxcount`, most
 * frequent first. The service calls the count approximate and documents no
 * sketch; kubetrail counts exactly. It is planned as the `stats` it equals,
 * `stats count(*) as _approxcount by field, … | sort _approxcount desc`, so
 * it groups (missing values are a group of their own), spills at the byte
 * budget and splits across worker threads exactly as that `stats` does, and
 * ties keep the groups' order of first appearance (the sort is stable).
 *
 * @module
 */
import type { CountFrequentCommand, Item, StatsCommand } from '../ast.js';
import { advance, parseFieldName, span } from '../parse/state.js';
import { compileFieldLookup } from '../row.js';
import { checkAvailable } from '../scope.js';
import type { CommandSpec } from './spec.js';
import { compileStats } from './stats.js';

/**
 * The name of the count column (documented, without `@`).
 *
 * @example
 * ```ts
 * APPROX_COUNT //=> '_approxcount'
 * ```
 * @internal
 */
export const APPROX_COUNT = '_approxcount';

/**
 * The `stats` a `countFrequent` counts with: `stats count(*) as _approxcount
 * by field, …` (the sort by the count comes after it). The SQL back end
 * translates it the same way.
 *
 * @example
 * ```ts
 * printQuery({ kind: 'Query', commands: [countFrequentStats(parseQuery('countFrequent a').commands[0])], span })
 * //=> 'stats count(*) as _approxcount by a'
 * ```
 * @internal
 */
export function countFrequentStats(c: CountFrequentCommand): StatsCommand {
  const at = c.span;
  const count: Item = {
    kind: 'Item',
    expr: { kind: 'CallExpr', name: 'count', args: [], star: true, span: at },
    alias: { kind: 'Identifier', name: APPROX_COUNT, span: at },
    span: at,
  };
  const groups = c.fields.map((f): Item => ({ kind: 'Item', expr: f, span: f.span }));
  return { kind: 'StatsCommand', items: [count], groups, span: at };
}

/**
 * The `countFrequent` command.
 *
 * @example
 * ```ts
 * countFrequentCommand.print(parseQuery('count_frequent method,status').commands[0]) //=> 'countFrequent method, status'
 * ```
 * @internal
 */
export const countFrequentCommand: CommandSpec<CountFrequentCommand> = {
  kind: 'CountFrequentCommand',
  keywords: ['countFrequent', 'count_frequent'],
  parse(p, start) {
    advance(p);
    const fields = [parseFieldName(p, 'a field after countFrequent')];
    while (p.tok.kind === 'Comma') {
      advance(p);
      fields.push(parseFieldName(p, 'a field'));
    }
    return { kind: 'CountFrequentCommand', fields, span: span(p, start) };
  },
  print: (c) => `countFrequent ${c.fields.map((f) => f.text).join(', ')}`,
  // (a field counted under its own name stays that field, as a stats group does)
  defines: () => [APPROX_COUNT],
  hoist: 'unless-defined',
  barrier: true,
  order: () => 'sets',
  oneToOne: () => false,
  split: 'partial-stats',
  compile(c, ctx) {
    const state = ctx.state;
    for (const f of c.fields) checkAvailable(f, state, 'countFrequent');
    const hints = ['count fewer or coarser values'];
    const limit = state.bound('countFrequent', 'groups', c.span, hints);
    const compiled = compileStats(countFrequentStats(c), state);
    ctx.emit(ctx.statsStage(compiled, limit));
    const count = compileFieldLookup(APPROX_COUNT, undefined, state.fieldOptions);
    ctx.sort([{ value: (row) => count(row), descending: true }], () =>
      state.bound('countFrequent', 'rows', c.span, hints),
    );
  },
};
