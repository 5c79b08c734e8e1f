/**
 * The typed syntax tree of a Logs Insights query.
 *
 * Every node is a readonly plain object discriminated on `kind`, which equals
 * the interface name, and carries a `span` of UTF-16 offsets into the query
 * text. `printQuery` inverts `parseQuery`: `parseQuery(printQuery(ast))`
 * equals `ast` except for spans.
 *
 * What the parser checks and what it leaves to compile:
 * - The parser checks syntax only: token shapes, the command grammar, that
 *   `SOURCE` comes first, and nesting depth.
 * - Compile checks everything that needs names or pipeline context: function
 *   names and arity, regex validity, aggregate placement, at most two `stats`
 *   (`too_many_stats`), only `limit` after `dedup` (`command_after_dedup`),
 *   fields referenced after `stats` (`unknown_field_after_stats`), that
 *   `diff` and `anomaly` follow `pattern` directly or stand alone
 *   (`misplaced_command`), and whether commands that need the service
 *   (`SOURCE`) run, are ignored or are rejected (`unsupported_command`).
 *
 * Source fidelity: `FieldRef.text`, `NumberLit.text` and `PeriodLit.text` are
 * the exact source slices and are printed verbatim, so `printQuery` never
 * changes how a field, number or period was spelled. Nodes built by hand
 * should use the canonical spellings from `formatFieldPath` (print.ts),
 * `String(n)` and `${amount}${unit}`.
 *
 * @module
 */
import { KubetrailError } from '../errors.js';
import type { PeriodUnit } from './value.js';

/** A half-open range `[start, end)` of UTF-16 offsets into the query text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

// ---------------------------------------------------------------------------
// Names and paths

/**
 * One segment of a field path.
 * - `name`: a plain or backticked segment, without backticks. A leading `@`
 *   stays part of the first segment's name (`@timestamp`, `@@key`), also when
 *   the rest is backticked (`` @`a:b` `` has the name `@a:b`). A dotted
 *   numeric segment (`sourceIPs.0`) is a name made of digits, kept as written
 *   so that `items.007` stays `007`.
 * - `index`: a bracket index (`users[1]`), for lists from `jsonParse`.
 */
export type PathSegment =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number };

/**
 * A field reference: `@message`, `objectRef.resource`, `sourceIPs.0`,
 * `` annotations.`authorization.k8s.io/decision` ``, `json.users[1].action`.
 *
 * The flattened lookup name of a path without bracket indexes is its segment
 * names joined with `.` (see {@link fieldRefName}).
 */
export interface FieldRef {
  readonly kind: 'FieldRef';
  readonly path: readonly PathSegment[];
  /** The reference exactly as written (backticks included); printed verbatim. */
  readonly text: string;
  readonly span: Span;
}

/** A bare name that a command defines: an alias, a `parse ... as` name, an `unnest ... into` name. */
export interface Identifier {
  readonly kind: 'Identifier';
  /** The name without backticks (`@t`, `foo-bar`, `a.b` for `` `a.b` `` or `a.b`). */
  readonly name: string;
  readonly span: Span;
}

// ---------------------------------------------------------------------------
// Expressions

/** A quoted string literal; `value` is decoded (escapes resolved). */
export interface StringLit {
  readonly kind: 'StringLit';
  readonly value: string;
  readonly span: Span;
}

/**
 * A number literal. `value` is `Number(text)`; `text` keeps every digit (a
 * 12-digit account id, or more digits than a double holds).
 */
export interface NumberLit {
  readonly kind: 'NumberLit';
  readonly value: number;
  /** As written: `200`, `0.5`, `1e3`, `123456789012`. Printed verbatim. */
  readonly text: string;
  readonly span: Span;
}

/** `true` or `false` (any case). */
export interface BoolLit {
  readonly kind: 'BoolLit';
  readonly value: boolean;
  readonly span: Span;
}

/**
 * A regex literal `/.../`. `pattern` is the text between the slashes exactly
 * as written (so `\/` stays `\/`, which RE2 reads as `/`); it never contains
 * an unescaped `/` outside a character class.
 */
export interface RegexLit {
  readonly kind: 'RegexLit';
  readonly pattern: string;
  /** True when the pattern starts with `(?i)` or `^(?i)`; the flag stays in `pattern` too. */
  readonly caseInsensitive: boolean;
  readonly span: Span;
}

/** A time period such as `5m`, `1h`, `300s`, `2hrs`; uncapped (caps are applied by the functions). */
export interface PeriodLit {
  readonly kind: 'PeriodLit';
  readonly amount: number;
  readonly unit: PeriodUnit;
  /** As written, e.g. `2hrs`. Printed verbatim. */
  readonly text: string;
  readonly span: Span;
}

/** A list `[a, b, ...]`, used after `in` / `not in`. Items are usually literals. */
export interface ListLit {
  readonly kind: 'ListLit';
  readonly items: readonly Expr[];
  readonly span: Span;
}

/** Arithmetic, comparison and logical binary operators. `==` is kept apart from `=` only for printing. */
export type BinaryOperator =
  | 'or'
  | 'and'
  | '='
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^';

/** `left op right`. */
export interface BinaryExpr {
  readonly kind: 'BinaryExpr';
  readonly op: BinaryOperator;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

/** `not x` or `-x`. */
export interface UnaryExpr {
  readonly kind: 'UnaryExpr';
  readonly op: 'not' | '-';
  readonly operand: Expr;
  readonly span: Span;
}

/** `subject like "text"`, `subject like /re/`, and their `not like` forms. */
export interface LikeExpr {
  readonly kind: 'LikeExpr';
  readonly subject: Expr;
  readonly pattern: StringLit | RegexLit;
  readonly negated: boolean;
  readonly span: Span;
}

/** `subject =~ /re/`. */
export interface RegexMatchExpr {
  readonly kind: 'RegexMatchExpr';
  readonly subject: Expr;
  readonly pattern: RegexLit;
  readonly span: Span;
}

/** `subject in [..]` and `subject not in [..]`. */
export interface InExpr {
  readonly kind: 'InExpr';
  readonly subject: Expr;
  readonly list: ListLit;
  readonly negated: boolean;
  readonly span: Span;
}

/** A function call. `count(*)` has `star: true` and no args. */
export interface CallExpr {
  readonly kind: 'CallExpr';
  /** The name as written (`strlen`, `SUM`, `BIN`); look it up case-insensitively. */
  readonly name: string;
  readonly args: readonly Expr[];
  readonly star: boolean;
  readonly span: Span;
}

/**
 * A path applied to a computed value: `jsonParse(x).startTime`,
 * `split(s, ",")[0]`. Written directly after `)` without spaces.
 */
export interface AccessExpr {
  readonly kind: 'AccessExpr';
  readonly object: Expr;
  readonly path: readonly PathSegment[];
  readonly span: Span;
}

/** Any expression. */
export type Expr =
  | FieldRef
  | StringLit
  | NumberLit
  | BoolLit
  | RegexLit
  | PeriodLit
  | ListLit
  | BinaryExpr
  | UnaryExpr
  | LikeExpr
  | RegexMatchExpr
  | InExpr
  | CallExpr
  | AccessExpr
  | InSubqueryExpr;

/**
 * `subject in (query)` and `subject not in (query)`: the inner query runs
 * first, over the query's own input or a `SOURCE` the caller supplies, and
 * its values for the compared field are the set.
 */
export interface InSubqueryExpr {
  readonly kind: 'InSubqueryExpr';
  readonly subject: Expr;
  /** The inner query; its spans are offsets into the whole query text. */
  readonly query: QueryAst;
  readonly negated: boolean;
  readonly span: Span;
}

// ---------------------------------------------------------------------------
// Commands

/** `expr [as alias]` in `fields`, `display` and `stats`. */
export interface Item {
  readonly kind: 'Item';
  readonly expr: Expr;
  readonly alias?: Identifier;
  readonly span: Span;
}

/** `fields item, ...` */
export interface FieldsCommand {
  readonly kind: 'FieldsCommand';
  readonly items: readonly Item[];
  readonly span: Span;
}

/** `display item, ...` */
export interface DisplayCommand {
  readonly kind: 'DisplayCommand';
  readonly items: readonly Item[];
  readonly span: Span;
}

/** `filter expr` or its alias `where expr`. */
export interface FilterCommand {
  readonly kind: 'FilterCommand';
  readonly expr: Expr;
  readonly span: Span;
}

/** `stats item, ... [by item, ...]` */
export interface StatsCommand {
  readonly kind: 'StatsCommand';
  readonly items: readonly Item[];
  /** The `by` items; empty without `by`. */
  readonly groups: readonly Item[];
  readonly span: Span;
}

/** One `sort` key. */
export interface SortKey {
  readonly kind: 'SortKey';
  readonly expr: Expr;
  /** As written; absent when the query gives no direction (the default is compile's decision). */
  readonly direction?: 'asc' | 'desc';
  readonly span: Span;
}

/** `sort [by] key [asc|desc], ...` */
export interface SortCommand {
  readonly kind: 'SortCommand';
  readonly keys: readonly SortKey[];
  readonly span: Span;
}

/** `limit N`, `limit any N`, and the deprecated aliases `head N` and `tail N`. */
export interface LimitCommand {
  readonly kind: 'LimitCommand';
  readonly count: number;
  /** `limit any N`: stop at N matches, order not guaranteed. */
  readonly any: boolean;
  /** The command word used (lower case). */
  readonly keyword: 'limit' | 'head' | 'tail';
  readonly span: Span;
}

/** `parse [field] "glob * pattern" as a, b` — one name per `*`. */
export interface ParseGlob {
  readonly kind: 'ParseGlob';
  /** The decoded glob text; `*` is the wildcard. */
  readonly pattern: string;
  readonly names: readonly Identifier[];
  readonly span: Span;
}

/** `parse [field] /re/ [as name] [multi]` — named groups, or one name for the first group. */
export interface ParseRegex {
  readonly kind: 'ParseRegex';
  readonly regex: RegexLit;
  readonly names: readonly Identifier[];
  /** `multi`: one output row per match. */
  readonly multi: boolean;
  readonly span: Span;
}

/** `parse [field] logfmt as name` — a map of key=value pairs. */
export interface ParseLogfmt {
  readonly kind: 'ParseLogfmt';
  readonly name: Identifier;
  readonly span: Span;
}

/** `parse [field] csv as a, b, c` */
export interface ParseCsv {
  readonly kind: 'ParseCsv';
  readonly names: readonly Identifier[];
  readonly span: Span;
}

/** The mode of a `parse` command. */
export type ParseMode = ParseGlob | ParseRegex | ParseLogfmt | ParseCsv;

/** `parse [field] <mode>`; without a field the service parses `@message`. */
export interface ParseCommand {
  readonly kind: 'ParseCommand';
  readonly field?: FieldRef;
  readonly mode: ParseMode;
  readonly span: Span;
}

/** `json field=name "key.path" as alias` (newest revision). */
export interface JsonCommand {
  readonly kind: 'JsonCommand';
  readonly field: FieldRef;
  /** The decoded key path, e.g. `user.name`. */
  readonly path: string;
  readonly alias: Identifier;
  readonly span: Span;
}

/** `dedup field, ...` */
export interface DedupCommand {
  readonly kind: 'DedupCommand';
  readonly fields: readonly FieldRef[];
  readonly span: Span;
}

/** `unnest expr into name` */
export interface UnnestCommand {
  readonly kind: 'UnnestCommand';
  readonly expr: Expr;
  readonly into: Identifier;
  readonly span: Span;
}

/** `filterIndex field = value` or `filterIndex field in [values]`. */
export interface FilterIndexCommand {
  readonly kind: 'FilterIndexCommand';
  readonly field: FieldRef;
  /** `=` (also written `==`) or `in`. */
  readonly operator: '=' | 'in';
  /** One value for `=`, the list items for `in`. */
  readonly values: readonly Expr[];
  readonly span: Span;
}

/** `unmask [expr]` */
export interface UnmaskCommand {
  readonly kind: 'UnmaskCommand';
  readonly expr?: Expr;
  readonly span: Span;
}

/** `pattern expr` */
export interface PatternCommand {
  readonly kind: 'PatternCommand';
  readonly expr: Expr;
  readonly span: Span;
}

/** `diff [previousDay|previousWeek|previousMonth]` */
export interface DiffCommand {
  readonly kind: 'DiffCommand';
  /** Normalised spelling; absent when omitted. */
  readonly baseline?: 'previousDay' | 'previousWeek' | 'previousMonth';
  readonly span: Span;
}

/** `anomaly` */
export interface AnomalyCommand {
  readonly kind: 'AnomalyCommand';
  readonly span: Span;
}

/** One `name: [values]` argument of `logGroups(...)` in `SOURCE`. */
export interface SourceArgument {
  readonly kind: 'SourceArgument';
  /** e.g. `namePrefix`, `accountIdentifiers`, `class`. */
  readonly name: string;
  readonly values: readonly StringLit[];
  readonly span: Span;
}

/** A log-group selector of `SOURCE`: a quoted group name, or `logGroups(...)`. */
export type SourceSelector =
  | StringLit
  | { readonly kind: 'LogGroupsSelector'; readonly args: readonly SourceArgument[]; readonly span: Span };

/**
 * `SOURCE selector ... [START=t] [END=t]` — only as the first command (the API
 * and CLI form; `START`/`END` appear in the service's stored rewrite).
 */
export interface SourceCommand {
  readonly kind: 'SourceCommand';
  readonly selectors: readonly SourceSelector[];
  readonly start?: NumberLit | StringLit;
  readonly end?: NumberLit | StringLit;
  readonly span: Span;
}

/** `accum field [as out]`: a running sum in row order. */
export interface AccumCommand {
  readonly kind: 'AccumCommand';
  readonly field: FieldRef;
  /** The output name; without it the field itself is overwritten. */
  readonly alias?: Identifier;
  readonly span: Span;
}

/**
 * A field-name pattern with `*` wildcards, as `filldown` takes them (`cpu*`):
 * adjacent name and `*` tokens written without spaces.
 */
export interface FieldPattern {
  readonly kind: 'FieldPattern';
  /** The flattened pattern: the pieces' names, `*` for each wildcard. */
  readonly pattern: string;
  /** As written; printed verbatim. */
  readonly text: string;
  readonly span: Span;
}

/** `filldown [field …]`: carries the last non-null value of each field forward, in row order. */
export interface FilldownCommand {
  readonly kind: 'FilldownCommand';
  /** Space-separated; empty for every column. */
  readonly fields: readonly (FieldRef | FieldPattern)[];
  readonly span: Span;
}

/** One `value for field` pair of `fillmissing … with`. */
export interface FillmissingValue {
  readonly kind: 'FillmissingValue';
  /** A literal: a number (`0`, `-1`), a string or a boolean. */
  readonly value: NumberLit | StringLit | BoolLit | UnaryExpr;
  readonly field: FieldRef;
  readonly span: Span;
}

/** `fillmissing [with value for field, …]`: rows for the empty time bins after `stats … by bin(…)`. */
export interface FillmissingCommand {
  readonly kind: 'FillmissingCommand';
  readonly fills: readonly FillmissingValue[];
  readonly span: Span;
}

/** `autoregress field [as alias] [p=start[-end]]`: copies of `field` from earlier rows. */
export interface AutoregressCommand {
  readonly kind: 'AutoregressCommand';
  readonly field: FieldRef;
  readonly alias?: Identifier;
  /** `p=start` or `p=start-end` as written; absent means lag 1. */
  readonly lags?: { readonly start: number; readonly end?: number };
  readonly span: Span;
}

/** `expand field`: one row per element of the JSON array the field holds. */
export interface ExpandCommand {
  readonly kind: 'ExpandCommand';
  readonly field: FieldRef;
  readonly span: Span;
}

/** `addtotals [fieldname=Name] [row=bool] [col=bool] [field, …]`: row totals and a column-totals row. */
export interface AddtotalsCommand {
  readonly kind: 'AddtotalsCommand';
  /** The row-total column (default `Total`). */
  readonly fieldname?: Identifier;
  /** Whether each row gets its total (default true). */
  readonly row?: boolean;
  /** Whether a summary row of column totals is added at the end (default false). */
  readonly col?: boolean;
  /** The fields summed; empty for every column. */
  readonly fields: readonly FieldRef[];
  readonly span: Span;
}

/** `sessionize field, … [maxspan duration] [as out]`: session numbers by inactivity gap per identity. */
export interface SessionizeCommand {
  readonly kind: 'SessionizeCommand';
  /** The identity fields (at least one). */
  readonly fields: readonly FieldRef[];
  /** The longest gap inside a session (default 30m). */
  readonly maxspan?: PeriodLit;
  /** The output column (default `session_id`). */
  readonly alias?: Identifier;
  readonly span: Span;
}

/** `countFrequent field, ...` (also `count_frequent`): a count per value tuple, most frequent first. */
export interface CountFrequentCommand {
  readonly kind: 'CountFrequentCommand';
  readonly fields: readonly FieldRef[];
  readonly span: Span;
}

/** `outlier [action=…] [param=n] [uselower=…] [mark=…] field …`: interquartile-range outliers. */
export interface OutlierCommand {
  readonly kind: 'OutlierCommand';
  /** Absent when not written (the default is `transform`). */
  readonly action?: 'remove' | 'transform';
  /** The IQR multiplier as written; absent for the default 2.5. */
  readonly param?: NumberLit;
  readonly uselower?: boolean;
  readonly mark?: boolean;
  readonly fields: readonly FieldRef[];
  readonly span: Span;
}

/** `logcompare timeshift <duration>`: the query window against the one `duration` earlier. */
export interface LogcompareCommand {
  readonly kind: 'LogcompareCommand';
  readonly shift: PeriodLit;
  readonly span: Span;
}

/** `relevantfields [field, …] where condition`: fields ranked by how their values differ under the condition. */
export interface RelevantFieldsCommand {
  readonly kind: 'RelevantFieldsCommand';
  /** The fields to analyse; empty for every field. */
  readonly fields: readonly FieldRef[];
  readonly condition: Expr;
  readonly span: Span;
}

/** Any command. */
export type Command =
  | FieldsCommand
  | DisplayCommand
  | FilterCommand
  | StatsCommand
  | SortCommand
  | LimitCommand
  | ParseCommand
  | JsonCommand
  | DedupCommand
  | UnnestCommand
  | FilterIndexCommand
  | UnmaskCommand
  | PatternCommand
  | DiffCommand
  | AnomalyCommand
  | SourceCommand
  | AccumCommand
  | FilldownCommand
  | FillmissingCommand
  | AutoregressCommand
  | ExpandCommand
  | AddtotalsCommand
  | SessionizeCommand
  | CountFrequentCommand
  | OutlierCommand
  | LogcompareCommand
  | RelevantFieldsCommand
  | JoinCommand
  | LookupCommand
  | CidrlookupCommand
  | AppendcolsCommand;

/** `left.field = right.field` in the `where` of a `join` (either side may come first). */
export interface JoinCondition {
  readonly kind: 'JoinCondition';
  readonly left: FieldRef;
  readonly right: FieldRef;
  readonly span: Span;
}

/**
 * `join [type=inner|left] left=<alias> right=<alias> where a.f = b.f [and …] (query)`.
 * The right side is a query of its own in parentheses, usually
 * `SOURCE '<name>' [| …]`.
 */
export interface JoinCommand {
  readonly kind: 'JoinCommand';
  /** As written; absent means `inner`. */
  readonly type?: 'inner' | 'left';
  readonly leftAlias: Identifier;
  readonly rightAlias: Identifier;
  readonly conditions: readonly JoinCondition[];
  /** The right side; its spans are offsets into the whole query text. */
  readonly query: QueryAst;
  readonly span: Span;
}

/** `column [as field]`: a key of `lookup` (table column matched with a field) or an output column (written to a field). */
export interface LookupColumn {
  readonly kind: 'LookupColumn';
  readonly column: Identifier;
  /** The field; absent means the column's own name. */
  readonly field?: FieldRef;
  readonly span: Span;
}

/** `lookup <table> <column> [as <field>], … OUTPUT|OUTPUTNEW <column> [as <field>], …` */
export interface LookupCommand {
  readonly kind: 'LookupCommand';
  readonly table: Identifier;
  readonly keys: readonly LookupColumn[];
  readonly mode: 'OUTPUT' | 'OUTPUTNEW';
  readonly outputs: readonly LookupColumn[];
  readonly span: Span;
}

/** `cidrlookup <table> <ipField> [AS <cidrColumn>] OUTPUT|OUTPUTNEW <column> [AS <field>], …` */
export interface CidrlookupCommand {
  readonly kind: 'CidrlookupCommand';
  readonly table: Identifier;
  readonly field: FieldRef;
  readonly cidrColumn?: Identifier;
  readonly mode: 'OUTPUT' | 'OUTPUTNEW';
  readonly outputs: readonly LookupColumn[];
  readonly span: Span;
}

/**
 * `appendcols [override=true|false] [max=n] (query)`: merges row i of the
 * inner query's result into row i of the current result, by position.
 */
export interface AppendcolsCommand {
  readonly kind: 'AppendcolsCommand';
  /** As written; absent means `false` (existing fields are kept). */
  readonly override?: boolean;
  /** As written (1 to 100,000); absent means 10,000. */
  readonly max?: number;
  /** The inner query; its spans are offsets into the whole query text. */
  readonly query: QueryAst;
  readonly span: Span;
}

/**
 * A whole query: commands in pipeline order (at least one).
 *
 * @example
 * ```ts
 * import { compileQuery, parseQuery, printQuery, type QueryAst } from 'kubetrail/engine';
 * const ast: QueryAst = parseQuery('filter verb="delete"|stats count(*) by user.username');
 * ast.commands.map((c) => c.kind); //=> ['FilterCommand', 'StatsCommand']
 * printQuery(ast); //=> 'filter verb = "delete"\n| stats count(*) by user.username'
 * const compiled = compileQuery(ast);
 * ```
 */
export interface QueryAst {
  readonly kind: 'Query';
  readonly commands: readonly Command[];
  readonly span: Span;
}

/** Any node of the tree. */
export type Node =
  | QueryAst
  | Command
  | Expr
  | Item
  | SortKey
  | ParseMode
  | Identifier
  | SourceArgument
  | SourceSelector
  | JoinCondition
  | LookupColumn;

/**
 * The flattened name of a field reference: its segment names joined with
 * `.`, bracket indexes written `[n]`. This is the key under which discovered
 * JSON fields are found (`objectRef.resource`, `sourceIPs.0`).
 *
 * @example
 * ```ts
 * fieldRefName(parseQuery('fields a.`b.c`.0').commands[0].items[0].expr) //=> 'a.b.c.0'
 * ```
 */
export function fieldRefName(ref: Pick<FieldRef, 'path'>): string {
  let out = '';
  for (const segment of ref.path) {
    if (segment.kind === 'index') out += `[${segment.index}]`;
    else out += out === '' ? segment.name : `.${segment.name}`;
  }
  return out;
}

/**
 * Compile-time exhaustiveness check for `switch (node.kind)`.
 *
 * @example
 * ```ts
 * switch (cmd.kind) { case 'FilterCommand': ...; default: assertNever(cmd); }
 * ```
 */
export function assertNever(value: never): never {
  throw new KubetrailError(
    'internal_error',
    `unexpected node ${JSON.stringify((value as { kind?: unknown }).kind)}`,
  );
}
