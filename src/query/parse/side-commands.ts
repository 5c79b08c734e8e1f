/**
 * The syntax of the commands that bring in other data: `join`, `lookup`,
 * `cidrlookup`, and the parenthesised inner query of `join` and of
 * `field in (…)` subqueries.
 *
 * Internal to the parser; the public entry points are in `parser.ts`.
 *
 * @module
 */

import { KubetrailError } from '../../errors.js';
import type {
  CidrlookupCommand,
  Command,
  FieldRef,
  Identifier,
  JoinCommand,
  JoinCondition,
  LookupColumn,
  LookupCommand,
  QueryAst,
} from '../ast.js';
import { fieldRefName } from '../ast.js';
import {
  advance,
  expected,
  expectKind,
  fail,
  isWord,
  kindOf,
  parseFieldName,
  parseIdentifier,
  type State,
  span,
} from './state.js';

/** Parser states inside a subquery: subqueries do not nest. */
const insideSubquery = new WeakSet<State>();

/**
 * The parser of one pipeline stage (`parse/commands.ts` registers it when it
 * loads: a static import would make the command files and the registry
 * import each other).
 */
let parseStage: (p: State, stage: number) => Command = () => {
  throw new KubetrailError('internal_error', 'the stage parser is not registered');
};

/**
 * Registers the stage parser that inner queries use.
 *
 * @example
 * ```ts
 * registerStageParser(parseStage); // in parse/commands.ts
 * ```
 * @internal
 */
export function registerStageParser(parse: (p: State, stage: number) => Command): void {
  parseStage = parse;
}

/**
 * `( command | command … )`: a whole query in parentheses, whose commands
 * are parsed as at the top level (the first may be `SOURCE`).
 *
 * @internal
 */
export function parseSubquery(p: State, what: string): QueryAst {
  const open = p.tok;
  if (open.kind !== 'LParen') fail(p, 'unexpected_token', expected(p, `"(" and a query for ${what}`));
  if (insideSubquery.has(p)) {
    fail(p, 'nested_subquery', 'subqueries and joins cannot be nested inside a subquery or a join', {
      start: open.start,
      end: open.end,
    });
  }
  advance(p);
  const start = p.tok.start;
  const commands: Command[] = [];
  insideSubquery.add(p);
  try {
    for (let stage = 0; ; stage++) {
      commands.push(parseStage(p, stage));
      if (kindOf(p) === 'Pipe') {
        advance(p);
        continue;
      }
      if (kindOf(p) === 'RParen') break;
      fail(p, 'unexpected_token', expected(p, '"|" or ")" closing the inner query'));
    }
  } finally {
    insideSubquery.delete(p);
  }
  const end = p.prevEnd;
  advance(p); // )
  return { kind: 'Query', commands, span: { start, end } };
}

function aliasOf(ref: FieldRef): string | undefined {
  const first = ref.path[0];
  return ref.path.length >= 2 && first?.kind === 'name' ? first.name : undefined;
}

/** `type=…`, `left=…`, `right=…` in any order, then `where …`, then `( query )`. */
export function parseJoin(p: State, start: number): JoinCommand {
  advance(p);
  let type: 'inner' | 'left' | undefined;
  let leftAlias: Identifier | undefined;
  let rightAlias: Identifier | undefined;
  for (;;) {
    const tok = p.tok;
    const word = tok.kind === 'Name' ? tok.word : undefined;
    if (word !== 'type' && word !== 'left' && word !== 'right') break;
    const seen = word === 'type' ? type : word === 'left' ? leftAlias : rightAlias;
    if (seen !== undefined) fail(p, 'unexpected_token', `join takes ${word}= once`);
    advance(p);
    expectKind(p, 'Eq', `"=" after ${word}`);
    if (word === 'type') {
      const value = p.tok.kind === 'Name' ? p.tok.word : undefined;
      if (value !== 'inner' && value !== 'left')
        fail(p, 'unexpected_token', expected(p, 'inner or left after type='));
      type = value;
      advance(p);
    } else if (word === 'left') leftAlias = parseIdentifier(p, 'an alias after left=');
    else rightAlias = parseIdentifier(p, 'an alias after right=');
  }
  const at = { start, end: p.prevEnd };
  if (leftAlias === undefined || rightAlias === undefined)
    fail(p, 'bad_join_condition', 'join needs left=<alias> and right=<alias>', at);
  if (leftAlias.name === rightAlias.name)
    fail(p, 'bad_join_condition', `the left and right aliases are both "${leftAlias.name}"`, rightAlias.span);
  if (!isWord(p.tok, 'where')) fail(p, 'unexpected_token', expected(p, '"where" and the join condition'));
  advance(p);
  const conditions: JoinCondition[] = [];
  do {
    if (conditions.length > 0) advance(p); // and
    const condStart = p.tok.start;
    const a = parseFieldName(p, `a field ${leftAlias.name}.<name> or ${rightAlias.name}.<name>`);
    if (p.tok.kind !== 'Eq' && p.tok.kind !== 'EqEq')
      fail(p, 'unexpected_token', expected(p, '"=" in the join condition'));
    advance(p);
    const b = parseFieldName(p, `a field ${leftAlias.name}.<name> or ${rightAlias.name}.<name>`);
    const sides = [aliasOf(a), aliasOf(b)];
    let left: FieldRef;
    let right: FieldRef;
    if (sides[0] === leftAlias.name && sides[1] === rightAlias.name) [left, right] = [a, b];
    else if (sides[0] === rightAlias.name && sides[1] === leftAlias.name) [left, right] = [b, a];
    else {
      return fail(
        p,
        'bad_join_condition',
        `a join condition compares ${leftAlias.name}.<field> with ${rightAlias.name}.<field>, not ${fieldRefName(a)} with ${fieldRefName(b)}`,
        { start: condStart, end: p.prevEnd },
      );
    }
    conditions.push({ kind: 'JoinCondition', left, right, span: span(p, condStart) });
  } while (isWord(p.tok, 'and'));
  const query = parseSubquery(p, 'the right side of the join');
  return {
    kind: 'JoinCommand',
    ...(type === undefined ? {} : { type }),
    leftAlias,
    rightAlias,
    conditions,
    query,
    span: span(p, start),
  };
}

function parseLookupColumn(p: State, what: string): LookupColumn {
  const start = p.tok.start;
  const column = parseIdentifier(p, what);
  if (!isWord(p.tok, 'as')) return { kind: 'LookupColumn', column, span: span(p, start) };
  advance(p);
  const field = parseFieldName(p, 'a field name after "as"');
  return { kind: 'LookupColumn', column, field, span: span(p, start) };
}

function modeAt(p: State): 'OUTPUT' | 'OUTPUTNEW' | undefined {
  if (isWord(p.tok, 'output')) return 'OUTPUT';
  if (isWord(p.tok, 'outputnew')) return 'OUTPUTNEW';
  return undefined;
}

function parseOutputs(p: State): LookupColumn[] {
  const outputs = [parseLookupColumn(p, 'a table column after OUTPUT')];
  while (p.tok.kind === 'Comma') {
    advance(p);
    outputs.push(parseLookupColumn(p, 'a table column'));
  }
  return outputs;
}

/** `lookup table column [as field], … OUTPUT|OUTPUTNEW column [as field], …` */
export function parseLookup(p: State, start: number): LookupCommand {
  advance(p);
  const table = parseIdentifier(p, 'a lookup table name after lookup');
  const keys = [parseLookupColumn(p, 'a table column to match')];
  while (p.tok.kind === 'Comma') {
    advance(p);
    keys.push(parseLookupColumn(p, 'a table column to match'));
  }
  const mode = modeAt(p);
  if (mode === undefined)
    return fail(p, 'unexpected_token', expected(p, 'OUTPUT or OUTPUTNEW and the columns to add'));
  advance(p);
  const outputs = parseOutputs(p);
  return { kind: 'LookupCommand', table, keys, mode, outputs, span: span(p, start) };
}

/** `cidrlookup table ipField [AS cidrColumn] OUTPUT|OUTPUTNEW column [AS field], …` */
export function parseCidrlookup(p: State, start: number): CidrlookupCommand {
  advance(p);
  const table = parseIdentifier(p, 'a lookup table name after cidrlookup');
  const field = parseFieldName(p, 'the field holding the IP address');
  let cidrColumn: Identifier | undefined;
  if (isWord(p.tok, 'as')) {
    advance(p);
    cidrColumn = parseIdentifier(p, 'the table column holding the CIDR ranges');
  }
  const mode = modeAt(p);
  if (mode === undefined) return fail(p, 'unexpected_token', expected(p, 'OUTPUT or OUTPUTNEW'));
  advance(p);
  const outputs = parseOutputs(p);
  return {
    kind: 'CidrlookupCommand',
    table,
    field,
    ...(cidrColumn === undefined ? {} : { cidrColumn }),
    mode,
    outputs,
    span: span(p, start),
  };
}
