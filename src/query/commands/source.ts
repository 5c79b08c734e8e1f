/**
 * `SOURCE selector … [START=t] [END=t]`: the query header of the API and
 * CLI form, selecting log groups (by name or `logGroups(namePrefix: …)`)
 * and a time window. Only the first command; compile reads it for the
 * window and the log-group test, and it is never a plan step.
 *
 * @module
 */

import type { NumberLit, SourceArgument, SourceCommand, SourceSelector, StringLit } from '../ast.js';
import { compileError } from '../evaluate.js';
import {
  advance,
  expected,
  expectKind,
  fail,
  isWord,
  kindOf,
  peek,
  type State,
  span,
  stringLit,
} from '../parse/state.js';
import { printString } from '../print-expression.js';
import { RESERVED_WORDS } from '../tokens.js';
import type { CommandSpec } from './spec.js';

function parseSource(p: State, start: number): SourceCommand {
  advance(p);
  const selectors: SourceSelector[] = [];
  for (;;) {
    if (p.tok.kind === 'String') {
      selectors.push(stringLit(p));
    } else if (isWord(p.tok, 'loggroups')) {
      const selStart = p.tok.start;
      advance(p);
      expectKind(p, 'LParen', '"(" after logGroups');
      const args: SourceArgument[] = [];
      while (p.tok.kind !== 'RParen') {
        if (args.length > 0) expectKind(p, 'Comma', '"," or ")"');
        const argStart = p.tok.start;
        if (p.tok.kind !== 'Name' || p.tok.word === undefined)
          fail(p, 'expected_name', expected(p, 'an argument name'));
        const name = p.text.slice(p.tok.start, p.tok.end);
        advance(p);
        expectKind(p, 'Colon', '":" after the argument name');
        expectKind(p, 'LBracket', '"["');
        const values: StringLit[] = [];
        while (kindOf(p) !== 'RBracket') {
          if (values.length > 0) expectKind(p, 'Comma', '"," or "]"');
          if (kindOf(p) !== 'String') fail(p, 'unexpected_token', expected(p, 'a quoted string'));
          values.push(stringLit(p));
        }
        advance(p);
        args.push({ kind: 'SourceArgument', name, values, span: span(p, argStart) });
      }
      advance(p);
      selectors.push({ kind: 'LogGroupsSelector', args, span: span(p, selStart) });
    } else if (
      p.tok.kind === 'Name' &&
      p.tok.word !== undefined &&
      !isWord(p.tok, 'start') &&
      !isWord(p.tok, 'end') &&
      !RESERVED_WORDS.has(p.tok.word)
    ) {
      // A bare log-group name (`SOURCE lg start=-1d end=now`, the logcompare page): the name as a string.
      const tok = p.tok;
      advance(p);
      selectors.push({
        kind: 'StringLit',
        value: p.text.slice(tok.start, tok.end),
        span: { start: tok.start, end: tok.end },
      });
    } else break;
  }
  if (selectors.length === 0)
    fail(p, 'unexpected_token', expected(p, 'logGroups(...) or a quoted log group name'));
  let cmd: SourceCommand = { kind: 'SourceCommand', selectors, span: span(p, start) };
  for (const bound of ['start', 'end'] as const) {
    if (!isWord(p.tok, bound)) continue;
    advance(p);
    expectKind(p, 'Eq', `"=" after ${bound.toUpperCase()}`);
    const tok = p.tok;
    let value: NumberLit | StringLit;
    if (tok.kind === 'Minus' && (peek(p).kind === 'Period' || peek(p).kind === 'Number')) {
      // `start=-1d`: a time relative to now, kept as the string the quoted form would hold.
      advance(p);
      const amount = p.tok;
      advance(p);
      value = {
        kind: 'StringLit',
        value: `-${p.text.slice(amount.start, amount.end)}`,
        span: { start: tok.start, end: amount.end },
      };
    } else if (isWord(tok, 'now')) {
      advance(p);
      value = { kind: 'StringLit', value: 'now', span: { start: tok.start, end: tok.end } };
    } else if (tok.kind !== 'Number' && tok.kind !== 'String') {
      fail(
        p,
        'unexpected_token',
        expected(p, `a number, a string, now or -1d after ${bound.toUpperCase()}=`),
      );
    } else if (tok.kind === 'String') value = stringLit(p);
    else {
      advance(p);
      value = {
        kind: 'NumberLit',
        value: tok.number ?? 0,
        text: p.text.slice(tok.start, tok.end),
        span: { start: tok.start, end: tok.end },
      };
    }
    cmd = { ...cmd, [bound]: value, span: span(p, start) };
  }
  return cmd;
}

function printSource(c: SourceCommand): string {
  const selectors = c.selectors.map((s) =>
    s.kind === 'StringLit'
      ? printString(s.value)
      : `logGroups(${s.args.map((a) => `${a.name}: [${a.values.map((v) => printString(v.value)).join(', ')}]`).join(', ')})`,
  );
  const bound = (word: string, v: SourceCommand['start']): string =>
    v === undefined ? '' : ` ${word}=${v.kind === 'StringLit' ? printString(v.value) : v.text}`;
  return `SOURCE ${selectors.join(' ')}${bound('START', c.start)}${bound('END', c.end)}`;
}

/**
 * The time window of a `SOURCE … START=… END=…` prefix: epoch ms, an ISO
 * timestamp, or a time relative to `now` (`-3600s`).
 *
 * @example
 * ```ts
 * sourceWindow(parseQuery('SOURCE "g" START=0 END=10').commands[0], undefined, undefined) //=> { start: 0, end: 10 }
 * ```
 * @internal
 */
export function sourceWindow(
  source: SourceCommand | undefined,
  text: string | undefined,
  now: number | undefined,
): { start?: number; end?: number } {
  if (source === undefined) return {};
  const read = (lit: SourceCommand['start']): number | undefined => {
    if (lit === undefined) return undefined;
    if (lit.kind === 'NumberLit') return lit.value;
    if (lit.value.toLowerCase() === 'now' && now !== undefined) return now;
    const iso = Date.parse(lit.value);
    if (!Number.isNaN(iso)) return iso;
    const rel = /^(-?\d{1,12})(ms|s|m|h|d)$/.exec(lit.value);
    if (rel !== null && now !== undefined) {
      const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 'ms'];
      return now + Number(rel[1]) * unit;
    }
    return compileError(
      'invalid_argument',
      `cannot read "${lit.value}" as a time (epoch ms, an ISO timestamp, now, or -3600s relative to the now option)`,
      lit.span,
      { text },
    );
  };
  const out: { start?: number; end?: number } = {};
  const start = read(source.start);
  const end = read(source.end);
  if (start !== undefined) out.start = start;
  if (end !== undefined) out.end = end;
  return out;
}

/**
 * The log-group test of `SOURCE`'s selectors (exact names and name
 * prefixes), or `undefined` when it selects every group.
 *
 * @example
 * ```ts
 * sourceGroups(parseQuery('SOURCE "eks"').commands[0])?.('123456789012:eks') //=> true
 * ```
 * @internal
 */
export function sourceGroups(source: SourceCommand | undefined): ((group: string) => boolean) | undefined {
  if (source === undefined) return undefined;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const sel of source.selectors) {
    if (sel.kind === 'StringLit') exact.add(sel.value);
    else
      for (const arg of sel.args)
        if (arg.name.toLowerCase() === 'nameprefix') for (const v of arg.values) prefixes.push(v.value);
  }
  if (exact.size === 0 && prefixes.length === 0) return undefined;
  return (group) => {
    // The service's @log is "account-id:log-group-name": match the name part.
    const colon = group.indexOf(':');
    const name = colon >= 0 && /^\d{12}:/.test(group) ? group.slice(colon + 1) : group;
    return exact.has(name) || prefixes.some((p) => name.startsWith(p));
  };
}

/**
 * The `SOURCE` command.
 *
 * @example
 * ```ts
 * sourceCommand.print(parseQuery('source "a" start=1').commands[0]) //=> 'SOURCE "a" START=1'
 * ```
 * @internal
 */
export const sourceCommand: CommandSpec<SourceCommand> = {
  kind: 'SourceCommand',
  keywords: ['SOURCE'],
  parse(p, start, stage) {
    if (stage !== 0) {
      fail(p, 'misplaced_source', 'SOURCE can only be the first command of a query', {
        start: p.tok.start,
        end: p.tok.end,
      });
    }
    return parseSource(p, start);
  },
  print: printSource,
  defines: () => [],
  hoist: 'never',
  barrier: false,
  order: () => undefined,
  oneToOne: () => false,
  split: 'one-thread',
  header: true,
  // (never reached: a header is not a plan step; compile reads it with sourceWindow and sourceGroups)
  compile() {},
};
