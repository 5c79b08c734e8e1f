/**
 * fast-check arbitraries of query ASTs, for the round-trip and registry
 * tests. Nodes carry zero spans; names and field paths use the canonical
 * spellings of print.ts.
 */
import { fc } from '@fast-check/vitest';
import type {
  Command,
  Expr,
  FieldPattern,
  FieldRef,
  Identifier,
  Item,
  ListLit,
  LookupColumn,
  ParseMode,
  PathSegment,
  PeriodLit,
  QueryAst,
  RegexLit,
  SortKey,
  SourceSelector,
  StringLit,
} from '../../../src/query/ast.js';
import { formatFieldPath } from '../../../src/query/print.js';
import { BINARY_PRECEDENCE, PERIOD_UNITS, RESERVED_WORDS } from '../../../src/query/tokens.js';

const span = { start: 0, end: 0 };

/** The command node of one kind. */
type Of<K extends Command['kind']> = Extract<Command, { kind: K }>;

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

export const { expr } = fc.letrec<{ expr: Expr; list: ListLit }>((tie) => ({
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
const sourceCommand: fc.Arbitrary<Of<'SourceCommand'>> = fc
  .record({ selectors: fc.array(selector, { minLength: 1, maxLength: 2 }), start: bound, end: bound })
  .map(({ selectors, start, end }) => ({
    kind: 'SourceCommand',
    selectors,
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
    span,
  }));

/** A `filldown` field pattern: plain words and `*` wildcards written together, with at least one `*`. */
const fieldPattern: fc.Arbitrary<FieldPattern> = fc
  .array(fc.oneof(plainWord, fc.constant('*')), { minLength: 1, maxLength: 4 })
  .filter((pieces) => pieces.includes('*'))
  .map((pieces) => {
    // two words in a row would lex as one name: join them
    const text = pieces.join('');
    return { kind: 'FieldPattern', pattern: text, text, span };
  });

/** A `fillmissing` constant: a number (possibly negated), a string or a boolean. */
const fillLiteral = fc.oneof(
  numberLit,
  stringLit,
  boolLit,
  numberLit.map((operand) => ({ kind: 'UnaryExpr' as const, op: '-' as const, operand, span })),
) as fc.Arbitrary<Of<'FillmissingCommand'>['fills'][number]['value']>;
const lookupColumn: fc.Arbitrary<LookupColumn> = fc
  .tuple(identifier, fc.option(fieldRef, { nil: undefined }))
  .map(([column, field]) =>
    field ? { kind: 'LookupColumn', column, field, span } : { kind: 'LookupColumn', column, span },
  );
const lookupColumns = fc.array(lookupColumn, { minLength: 1, maxLength: 3 });
const lookupMode = fc.constantFrom('OUTPUT' as const, 'OUTPUTNEW' as const);

/** A join alias and a field under it (`api.requestId`). */
const alias = fc.constantFrom('api', 'lambda', 'l', 'r', 'k8s', 'aws');
function aliasedField(name: string): fc.Arbitrary<FieldRef> {
  return fc.array(segment, { minLength: 1, maxLength: 2 }).map((tail) => {
    const path: PathSegment[] = [{ kind: 'name', name }, ...tail];
    return { kind: 'FieldRef', path, text: formatFieldPath(path), span };
  });
}

/**
 * One arbitrary per command kind; typed over the AST's `Command` union, so a
 * new command kind without an arbitrary fails `tsc` (see registry.test.ts).
 */
export const commandArbitraries: {
  readonly [K in Command['kind']]: fc.Arbitrary<Of<K>>;
} = {
  FieldsCommand: items.map((i): Of<'FieldsCommand'> => ({ kind: 'FieldsCommand', items: i, span })),
  DisplayCommand: items.map((i): Of<'DisplayCommand'> => ({ kind: 'DisplayCommand', items: i, span })),
  FilterCommand: expr.map((e): Of<'FilterCommand'> => ({ kind: 'FilterCommand', expr: e, span })),
  StatsCommand: fc.tuple(items, fc.array(item, { maxLength: 2 })).map(
    ([i, groups]): Of<'StatsCommand'> => ({
      kind: 'StatsCommand',
      items: i,
      groups,
      span,
    }),
  ),
  SortCommand: fc
    .array(sortKey, { minLength: 1, maxLength: 3 })
    .map((keys): Of<'SortCommand'> => ({ kind: 'SortCommand', keys, span })),
  LimitCommand: fc
    .record({
      count: fc.nat({ max: 100_000 }),
      any: fc.boolean(),
      keyword: fc.constantFrom('limit' as const, 'head' as const, 'tail' as const),
    })
    .map((r): Of<'LimitCommand'> => ({ kind: 'LimitCommand', ...r, span })),
  ParseCommand: fc
    .tuple(fc.option(fieldRef, { nil: undefined }), parseMode)
    .map(
      ([field, mode]): Of<'ParseCommand'> =>
        field ? { kind: 'ParseCommand', field, mode, span } : { kind: 'ParseCommand', mode, span },
    ),
  JsonCommand: fc
    .record({ field: fieldRef, path: fc.string({ maxLength: 8 }), alias: identifier })
    .map((r): Of<'JsonCommand'> => ({ kind: 'JsonCommand', ...r, span })),
  DedupCommand: fc
    .array(fieldRef, { minLength: 1, maxLength: 3 })
    .map((fields): Of<'DedupCommand'> => ({ kind: 'DedupCommand', fields, span })),
  AccumCommand: fc
    .tuple(fieldRef, fc.option(identifier, { nil: undefined }))
    .map(
      ([field, alias]): Of<'AccumCommand'> =>
        alias === undefined
          ? { kind: 'AccumCommand', field, span }
          : { kind: 'AccumCommand', field, alias, span },
    ),
  CountFrequentCommand: fc
    .array(fieldRef, { minLength: 1, maxLength: 3 })
    .map((fields): Of<'CountFrequentCommand'> => ({ kind: 'CountFrequentCommand', fields, span })),
  OutlierCommand: fc
    .record(
      {
        action: fc.constantFrom('remove' as const, 'transform' as const),
        param: fc
          .constantFrom('3.0', '2.5', '0', '1e1', '4')
          .map((text) => ({ kind: 'NumberLit' as const, value: Number(text), text, span })),
        uselower: fc.boolean(),
        mark: fc.boolean(),
        fields: fc.array(fieldRef, { minLength: 1, maxLength: 3 }),
      },
      { requiredKeys: ['fields'] },
    )
    .map((r): Of<'OutlierCommand'> => ({ kind: 'OutlierCommand', ...r, span })),
  LogcompareCommand: fc.tuple(fc.integer({ min: 1, max: 400 }), fc.constantFrom(...PERIOD_UNITS.keys())).map(
    ([amount, spelling]): Of<'LogcompareCommand'> => ({
      kind: 'LogcompareCommand',
      shift: {
        kind: 'PeriodLit',
        amount,
        unit: PERIOD_UNITS.get(spelling) ?? 'ms',
        text: `${amount}${spelling}`,
        span,
      },
      span,
    }),
  ),
  RelevantFieldsCommand: fc
    .record({ fields: fc.array(fieldRef, { maxLength: 3 }), condition: expr })
    .map((r): Of<'RelevantFieldsCommand'> => ({ kind: 'RelevantFieldsCommand', ...r, span })),
  UnnestCommand: fc
    .record({ expr, into: identifier })
    .map((r): Of<'UnnestCommand'> => ({ kind: 'UnnestCommand', ...r, span })),
  FilterIndexCommand: fc
    .tuple(fieldRef, fc.boolean(), fc.array(expr, { minLength: 1, maxLength: 3 }))
    .map(
      ([field, isIn, values]): Of<'FilterIndexCommand'> =>
        isIn
          ? { kind: 'FilterIndexCommand', field, operator: 'in', values, span }
          : { kind: 'FilterIndexCommand', field, operator: '=', values: values.slice(0, 1), span },
    ),
  UnmaskCommand: fc
    .option(expr, { nil: undefined })
    .map(
      (e): Of<'UnmaskCommand'> =>
        e ? { kind: 'UnmaskCommand', expr: e, span } : { kind: 'UnmaskCommand', span },
    ),
  PatternCommand: expr.map((e): Of<'PatternCommand'> => ({ kind: 'PatternCommand', expr: e, span })),
  DiffCommand: fc
    .constantFrom(undefined, 'previousDay' as const, 'previousWeek' as const, 'previousMonth' as const)
    .map(
      (baseline): Of<'DiffCommand'> =>
        baseline ? { kind: 'DiffCommand', baseline, span } : { kind: 'DiffCommand', span },
    ),
  AnomalyCommand: fc.constant<Of<'AnomalyCommand'>>({ kind: 'AnomalyCommand', span }),
  SourceCommand: sourceCommand,
  FilldownCommand: fc
    .array(fc.oneof(fieldRef, fieldPattern), { maxLength: 3 })
    .map((fields): Of<'FilldownCommand'> => ({ kind: 'FilldownCommand', fields, span })),
  FillmissingCommand: fc
    .array(
      fc
        .record({ value: fillLiteral, field: fieldRef })
        .map((r) => ({ kind: 'FillmissingValue' as const, ...r, span })),
      { maxLength: 3 },
    )
    .map((fills): Of<'FillmissingCommand'> => ({ kind: 'FillmissingCommand', fills, span })),
  AutoregressCommand: fc
    .record({
      field: fieldRef,
      alias: fc.option(identifier, { nil: undefined }),
      lags: fc.option(
        fc
          .tuple(
            fc.integer({ min: 1, max: 100 }),
            fc.option(fc.integer({ min: 0, max: 99 }), { nil: undefined }),
          )
          .map(([start, more]) =>
            more === undefined ? { start } : { start, end: Math.min(100, start + more) },
          ),
        { nil: undefined },
      ),
    })
    .map(
      ({ field, alias, lags }): Of<'AutoregressCommand'> => ({
        kind: 'AutoregressCommand',
        field,
        ...(alias === undefined ? {} : { alias }),
        ...(lags === undefined ? {} : { lags }),
        span,
      }),
    ),
  ExpandCommand: fieldRef.map((field): Of<'ExpandCommand'> => ({ kind: 'ExpandCommand', field, span })),
  AddtotalsCommand: fc
    .record({
      fieldname: fc.option(identifier, { nil: undefined }),
      row: fc.option(fc.boolean(), { nil: undefined }),
      col: fc.option(fc.boolean(), { nil: undefined }),
      fields: fc.array(fieldRef, { maxLength: 3 }),
    })
    .map(
      ({ fieldname, row, col, fields }): Of<'AddtotalsCommand'> => ({
        kind: 'AddtotalsCommand',
        ...(fieldname === undefined ? {} : { fieldname }),
        ...(row === undefined ? {} : { row }),
        ...(col === undefined ? {} : { col }),
        fields,
        span,
      }),
    ),
  SessionizeCommand: fc
    .record({
      fields: fc.array(fieldRef, { minLength: 1, maxLength: 3 }),
      maxspan: fc.option(periodLit as fc.Arbitrary<PeriodLit>, { nil: undefined }),
      alias: fc.option(identifier, { nil: undefined }),
    })
    .map(
      ({ fields, maxspan, alias }): Of<'SessionizeCommand'> => ({
        kind: 'SessionizeCommand',
        fields,
        ...(maxspan === undefined ? {} : { maxspan }),
        ...(alias === undefined ? {} : { alias }),
        span,
      }),
    ),
  // the right side of a join holds no join (subqueries do not nest); its other commands are any command
  JoinCommand: fc
    .tuple(
      fc.uniqueArray(alias, { minLength: 2, maxLength: 2 }),
      fc.constantFrom(undefined, 'inner' as const, 'left' as const),
      fc.integer({ min: 1, max: 2 }),
      fc.boolean(),
    )
    .chain(([[a, b], type, n, withSource]) =>
      fc
        .tuple(
          fc.array(fc.tuple(aliasedField(a as string), aliasedField(b as string)), {
            minLength: n,
            maxLength: n,
          }),
          sourceCommand,
          fc.array(
            fc.constant(null).chain(() => innerCommand()),
            { minLength: withSource ? 0 : 1, maxLength: 2 },
          ),
        )
        .map(
          ([pairs, source, rest]): Of<'JoinCommand'> => ({
            kind: 'JoinCommand',
            ...(type === undefined ? {} : { type }),
            leftAlias: { kind: 'Identifier', name: a as string, span },
            rightAlias: { kind: 'Identifier', name: b as string, span },
            conditions: pairs.map(([left, right]) => ({ kind: 'JoinCondition', left, right, span })),
            query: { kind: 'Query', commands: withSource ? [source, ...rest] : rest, span },
            span,
          }),
        ),
    ),
  LookupCommand: fc
    .record({ table: identifier, keys: lookupColumns, mode: lookupMode, outputs: lookupColumns })
    .map((r): Of<'LookupCommand'> => ({ kind: 'LookupCommand', ...r, span })),
  CidrlookupCommand: fc
    .record({
      table: identifier,
      field: fieldRef,
      cidrColumn: fc.option(identifier, { nil: undefined }),
      mode: lookupMode,
      outputs: lookupColumns,
    })
    .map(
      ({ cidrColumn, ...r }): Of<'CidrlookupCommand'> => ({
        kind: 'CidrlookupCommand',
        ...r,
        ...(cidrColumn === undefined ? {} : { cidrColumn }),
        span,
      }),
    ),
  // the inner query holds no join nor appendcols (subqueries do not nest)
  AppendcolsCommand: fc
    .tuple(
      fc.option(fc.boolean(), { nil: undefined }),
      fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
      fc.boolean(),
      sourceCommand,
    )
    .chain(([override, max, withSource, source]) =>
      fc
        .array(
          fc.constant(null).chain(() => innerCommand()),
          { minLength: withSource ? 0 : 1, maxLength: 2 },
        )
        .map(
          (rest): Of<'AppendcolsCommand'> => ({
            kind: 'AppendcolsCommand',
            ...(override === undefined ? {} : { override }),
            ...(max === undefined ? {} : { max }),
            query: { kind: 'Query', commands: withSource ? [source, ...rest] : rest, span },
            span,
          }),
        ),
    ),
};

/** A command of an inner query: any command but `SOURCE`, `join` and `appendcols`. */
function innerCommand(): fc.Arbitrary<Command> {
  return fc.oneof(
    ...Object.entries(commandArbitraries)
      .filter(([kind]) => kind !== 'SourceCommand' && kind !== 'JoinCommand' && kind !== 'AppendcolsCommand')
      .map(([, a]) => a),
  ) as fc.Arbitrary<Command>;
}

/** Any command but `SOURCE` (which only comes first). */
export const command: fc.Arbitrary<Command> = fc.oneof(
  ...Object.values(commandArbitraries).filter((a) => a !== sourceCommand),
) as fc.Arbitrary<Command>;

/** Any query: an optional `SOURCE`, then one to four commands. */
export const query: fc.Arbitrary<QueryAst> = fc
  .tuple(fc.option(sourceCommand, { nil: undefined }), fc.array(command, { minLength: 1, maxLength: 4 }))
  .map(([source, rest]) => ({ kind: 'Query', commands: source ? [source, ...rest] : rest, span }));
