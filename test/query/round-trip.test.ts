import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type {
  Command,
  Expr,
  FieldRef,
  Identifier,
  Item,
  ListLit,
  ParseMode,
  PathSegment,
  QueryAst,
  RegexLit,
  SortKey,
  SourceSelector,
  StringLit,
} from '../../src/query/ast.js';
import { parseQuery } from '../../src/query/parser.js';
import { formatFieldPath, printQuery } from '../../src/query/print.js';
import { BINARY_PRECEDENCE, PERIOD_UNITS, RESERVED_WORDS } from '../../src/query/tokens.js';
import { stripSpans } from './support/strip-spans.js';

const span = { start: 0, end: 0 };

// ---------------------------------------------------------------------------
// Leaves

/** Any text a name can hold: backtick names cannot contain line breaks. */
const anyName = fc.oneof(
  fc.constantFrom(
    'a',
    'verb',
    'count',
    'desc',
    'and',
    'TRUE',
    'filter',
    'logfmt',
    'csv',
    'into',
    'multi',
    'any',
  ),
  fc.constantFrom(
    '@timestamp',
    '@@key',
    '@',
    '',
    'foo-bar',
    'a.b',
    '0',
    '007',
    '1e5',
    'a`b',
    'x\\',
    '\\"',
    'é',
  ),
  fc.stringMatching(/^@?[A-Za-z_][A-Za-z0-9_]{0,6}$/),
  fc.string({ maxLength: 6 }).filter((s) => !/[\r\n]/.test(s)),
);

const plainWord = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/)
  .filter((w) => !RESERVED_WORDS.has(w.toLowerCase()));

const identifier: fc.Arbitrary<Identifier> = anyName.map((name) => ({ kind: 'Identifier', name, span }));

const segment: fc.Arbitrary<PathSegment> = fc.oneof(
  { weight: 4, arbitrary: anyName.map((name) => ({ kind: 'name' as const, name })) },
  { weight: 1, arbitrary: fc.nat({ max: 20 }).map((index) => ({ kind: 'index' as const, index })) },
);

const fieldRef: fc.Arbitrary<FieldRef> = fc
  .tuple(anyName, fc.array(segment, { maxLength: 3 }))
  .map(([head, tail]) => {
    const path: PathSegment[] = [{ kind: 'name', name: head }, ...tail];
    return { kind: 'FieldRef', path, text: formatFieldPath(path), span };
  });

const stringLit: fc.Arbitrary<StringLit> = fc
  .oneof(
    fc.string({ maxLength: 8 }),
    fc.string({ maxLength: 6, unit: 'binary' }),
    fc.constantFrom('', '"', "'", '\\', 'a\\', '\\d+', '#', '|', '\n', '*', '/x/'),
  )
  .map((value) => ({ kind: 'StringLit', value, span }));

const regexLit: fc.Arbitrary<RegexLit> = fc
  .oneof(
    fc.string({ maxLength: 8 }).filter((s) => !/[/\\[\]]/.test(s)),
    fc.constantFrom(
      '\\/api\\/v1',
      '[/]x',
      '[]/]',
      '(?i)err',
      '^(?i)x',
      '\\d+',
      'a#b',
      'a|b',
      'line\nbreak',
      '',
    ),
  )
  .map((pattern) => ({
    kind: 'RegexLit',
    pattern,
    caseInsensitive: pattern.startsWith('(?i)') || pattern.startsWith('^(?i)'),
    span,
  }));

const numberLit: fc.Arbitrary<Expr> = fc
  .oneof(
    fc.nat().map(String),
    fc.constantFrom('0.5', '1e3', '2.50', '123456789012', '1E-2', '007', '9007199254740993'),
  )
  .map((text) => ({ kind: 'NumberLit', value: Number(text), text, span }));

const periodLit: fc.Arbitrary<Expr> = fc
  .tuple(fc.nat({ max: 400 }), fc.constantFrom(...PERIOD_UNITS.keys()))
  .map(([amount, spelling]) => ({
    kind: 'PeriodLit',
    amount,
    unit: PERIOD_UNITS.get(spelling) ?? 'ms',
    text: `${amount}${spelling}`,
    span,
  }));

const boolLit: fc.Arbitrary<Expr> = fc.boolean().map((value) => ({ kind: 'BoolLit', value, span }));

const binaryOps = Object.keys(BINARY_PRECEDENCE) as (keyof typeof BINARY_PRECEDENCE)[];

// ---------------------------------------------------------------------------
// Expressions and commands

const { expr } = fc.letrec<{ expr: Expr; list: ListLit }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fieldRef,
    stringLit,
    numberLit,
    periodLit,
    boolLit,
    regexLit,
    tie('list'),
    fc
      .record({ op: fc.constantFrom(...binaryOps), left: tie('expr'), right: tie('expr') })
      .map((r) => ({ kind: 'BinaryExpr' as const, ...r, span })),
    fc
      .record({ op: fc.constantFrom('not' as const, '-' as const), operand: tie('expr') })
      .map((r) => ({ kind: 'UnaryExpr' as const, ...r, span })),
    fc
      .record({ subject: tie('expr'), pattern: fc.oneof(stringLit, regexLit), negated: fc.boolean() })
      .map((r) => ({ kind: 'LikeExpr' as const, ...r, span })),
    fc
      .record({ subject: tie('expr'), pattern: regexLit })
      .map((r) => ({ kind: 'RegexMatchExpr' as const, ...r, span })),
    fc
      .record({ subject: tie('expr'), list: tie('list') as fc.Arbitrary<ListLit>, negated: fc.boolean() })
      .map((r) => ({ kind: 'InExpr' as const, ...r, span })),
    fc
      .record({ name: plainWord, star: fc.boolean(), args: fc.array(tie('expr'), { maxLength: 3 }) })
      .map((r) => ({ kind: 'CallExpr' as const, ...r, args: r.star ? [] : r.args, span })),
    fc
      .record({ object: tie('expr'), path: fc.array(segment, { minLength: 1, maxLength: 3 }) })
      .map((r) => ({ kind: 'AccessExpr' as const, ...r, span })),
  ),
  list: fc.array(tie('expr'), { maxLength: 3 }).map((items) => ({ kind: 'ListLit' as const, items, span })),
}));

const item: fc.Arbitrary<Item> = fc
  .tuple(expr, fc.option(identifier, { nil: undefined }))
  .map(([e, alias]) => (alias ? { kind: 'Item', expr: e, alias, span } : { kind: 'Item', expr: e, span }));
const items = fc.array(item, { minLength: 1, maxLength: 3 });
const names = fc.array(identifier, { minLength: 1, maxLength: 3 });

const sortKey: fc.Arbitrary<SortKey> = fc
  .tuple(expr, fc.constantFrom(undefined, 'asc' as const, 'desc' as const))
  .map(([e, direction]) =>
    direction ? { kind: 'SortKey', expr: e, direction, span } : { kind: 'SortKey', expr: e, span },
  );

const globChunk = fc.string({ maxLength: 5 }).filter((s) => !s.includes('*'));
const parseMode: fc.Arbitrary<ParseMode> = fc.oneof(
  names.chain((ns) =>
    fc
      .array(globChunk, { minLength: ns.length + 1, maxLength: ns.length + 1 })
      .map((chunks): ParseMode => ({ kind: 'ParseGlob', pattern: chunks.join('*'), names: ns, span })),
  ),
  fc
    .record({ regex: regexLit, names: fc.array(identifier, { maxLength: 2 }), multi: fc.boolean() })
    .map((r): ParseMode => ({ kind: 'ParseRegex', ...r, span })),
  identifier.map((name): ParseMode => ({ kind: 'ParseLogfmt', name, span })),
  names.map((ns): ParseMode => ({ kind: 'ParseCsv', names: ns, span })),
);

const selector: fc.Arbitrary<SourceSelector> = fc.oneof(
  stringLit,
  fc
    .array(
      fc.record({ name: plainWord, values: fc.array(stringLit, { maxLength: 2 }) }).map((a) => ({
        kind: 'SourceArgument' as const,
        ...a,
        span,
      })),
      { maxLength: 2 },
    )
    .map((args) => ({ kind: 'LogGroupsSelector' as const, args, span })),
);
const bound = fc.option(
  fc.oneof(
    stringLit,
    fc.nat().map((n) => ({ kind: 'NumberLit' as const, value: n, text: String(n), span })),
  ),
  { nil: undefined },
);
const sourceCommand: fc.Arbitrary<Command> = fc
  .record({ selectors: fc.array(selector, { minLength: 1, maxLength: 2 }), start: bound, end: bound })
  .map(({ selectors, start, end }) => ({
    kind: 'SourceCommand',
    selectors,
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
    span,
  }));

const command: fc.Arbitrary<Command> = fc.oneof(
  items.map((i): Command => ({ kind: 'FieldsCommand', items: i, span })),
  items.map((i): Command => ({ kind: 'DisplayCommand', items: i, span })),
  expr.map((e): Command => ({ kind: 'FilterCommand', expr: e, span })),
  fc
    .tuple(items, fc.array(item, { maxLength: 2 }))
    .map(([i, groups]): Command => ({ kind: 'StatsCommand', items: i, groups, span })),
  fc
    .array(sortKey, { minLength: 1, maxLength: 3 })
    .map((keys): Command => ({ kind: 'SortCommand', keys, span })),
  fc
    .record({
      count: fc.nat({ max: 100_000 }),
      any: fc.boolean(),
      keyword: fc.constantFrom('limit' as const, 'head' as const, 'tail' as const),
    })
    .map((r): Command => ({ kind: 'LimitCommand', ...r, span })),
  fc
    .tuple(fc.option(fieldRef, { nil: undefined }), parseMode)
    .map(
      ([field, mode]): Command =>
        field ? { kind: 'ParseCommand', field, mode, span } : { kind: 'ParseCommand', mode, span },
    ),
  fc
    .record({ field: fieldRef, path: fc.string({ maxLength: 8 }), alias: identifier })
    .map((r): Command => ({ kind: 'JsonCommand', ...r, span })),
  fc
    .array(fieldRef, { minLength: 1, maxLength: 3 })
    .map((fields): Command => ({ kind: 'DedupCommand', fields, span })),
  fc.record({ expr, into: identifier }).map((r): Command => ({ kind: 'UnnestCommand', ...r, span })),
  fc
    .tuple(fieldRef, fc.boolean(), fc.array(expr, { minLength: 1, maxLength: 3 }))
    .map(
      ([field, isIn, values]): Command =>
        isIn
          ? { kind: 'FilterIndexCommand', field, operator: 'in', values, span }
          : { kind: 'FilterIndexCommand', field, operator: '=', values: values.slice(0, 1), span },
    ),
  fc
    .option(expr, { nil: undefined })
    .map((e): Command => (e ? { kind: 'UnmaskCommand', expr: e, span } : { kind: 'UnmaskCommand', span })),
  expr.map((e): Command => ({ kind: 'PatternCommand', expr: e, span })),
  fc
    .constantFrom(undefined, 'previousDay' as const, 'previousWeek' as const, 'previousMonth' as const)
    .map(
      (baseline): Command =>
        baseline ? { kind: 'DiffCommand', baseline, span } : { kind: 'DiffCommand', span },
    ),
  fc.constant<Command>({ kind: 'AnomalyCommand', span }),
);

const query: fc.Arbitrary<QueryAst> = fc
  .tuple(fc.option(sourceCommand, { nil: undefined }), fc.array(command, { minLength: 1, maxLength: 4 }))
  .map(([source, rest]) => ({ kind: 'Query', commands: source ? [source, ...rest] : rest, span }));

describe('printQuery inverts parseQuery', () => {
  test.prop([query], { numRuns: 1500 })('parseQuery(printQuery(ast)) equals ast modulo spans', (ast) => {
    const text = printQuery(ast);
    const reparsed = parseQuery(text);
    expect(stripSpans(reparsed)).toEqual(stripSpans(ast));
    expect(printQuery(reparsed)).toBe(text);
  });

  test.prop([expr], { numRuns: 1500 })('every expression survives a filter round trip', (e) => {
    const ast: QueryAst = { kind: 'Query', commands: [{ kind: 'FilterCommand', expr: e, span }], span };
    expect(stripSpans(parseQuery(printQuery(ast)))).toEqual(stripSpans(ast));
  });
});
