/**
 * `compileToSql`: a Logs Insights query to one SQL `SELECT`, on the same
 * parse and plan as the streaming engine (`compileQuery` validates the query
 * and `planCommands` lays out the steps: hoisted filters, the implicit
 * newest-first order, the match point, the default 10,000-row cap).
 *
 * Each plan step becomes one common table expression. Every relation keeps
 * an order column (the row order the engine would have at that point: input
 * order, then each `sort`, stable on the previous order), so `limit`,
 * `dedup` (a window function) and the output order are exactly the engine's.
 * Query-defined names (`fields … as`, `parse`, stats columns) become fresh
 * columns with a static kind (see `values.ts`); event fields are read through
 * the table model. What is not translated throws `sql_unsupported` with the
 * construct's span; nothing is translated approximately.
 *
 * @module
 */
import type {
  AutoregressCommand,
  Command,
  Expr,
  FieldRef,
  FilldownCommand,
  Item,
  ParseCommand,
  PathSegment,
  QueryAst,
  SessionizeCommand,
  Span,
  StatsCommand,
  UnnestCommand,
} from '../query/ast.js';
import { fieldRefName } from '../query/ast.js';
import { autoregressNames, lagsOf } from '../query/commands/autoregress.js';
import { APPROX_COUNT, countFrequentStats } from '../query/commands/count-frequent.js';
import { matchesFieldPattern } from '../query/commands/filldown.js';
import { globToRegex } from '../query/commands/parse.js';
import { compileQuery } from '../query/compile.js';
import type { CompileOptions } from '../query/compile-options.js';
import { squeeze } from '../query/evaluate.js';
import { fixedPeriodMs } from '../query/functions/datetime.js';
import { parseIpv4 } from '../query/functions/ip.js';
import { lookupFunction } from '../query/functions/registry.js';
import type { PlanStep } from '../query/plan.js';
import { planCommands } from '../query/plan-commands.js';
import { printQuery } from '../query/print.js';
import { compileUserRegex } from '../query/regex.js';
import { itemName } from '../query/scope.js';
import { applyStatsRules } from '../query/stats-rules.js';
import { type Dialect, dialectOf, type SqlDialectName, sqlString } from './dialect.js';
import { SqlEngineError, unreachable, unsupported } from './errors.js';
import {
  isStructureSql,
  jsonParseValue,
  MAX_PATH_SEGMENTS,
  splitValue,
  structured,
  unnestItems,
  walkSql,
} from './json-values.js';
import {
  jsonPointer,
  kubetrailModel,
  TABLE_MODEL_NAMES,
  type TableModel,
  type TableModelName,
  type TypedColumn,
  tableModelOf,
} from './table-models.js';
import {
  JS_WHITESPACE,
  literalValue,
  notTranslated,
  Semantics,
  type SqlKind,
  type SqlValue,
  sameKind,
  total,
  whereCondition,
} from './values.js';

/**
 * Options of {@link compileToSql}.
 *
 * @example
 * ```ts
 * import { compileToSql, type SqlCompileOptions } from 'kubetrail/sql';
 * const options: SqlCompileOptions = {
 *   dialect: 'trino',
 *   table: 'cloudtrail-athena-pp',
 *   tableName: 'cloudtrail_logs_pp',
 *   startTime: Date.parse('2024-05-14T00:00:00Z'),
 *   endTime: Date.parse('2024-05-14T23:59:59Z'),
 * };
 * const { sql } = compileToSql('fields @timestamp, eventName, sourceIPAddress | limit 20', options);
 * ```
 */
export interface SqlCompileOptions {
  /** @defaultValue 'duckdb' */
  readonly dialect?: SqlDialectName | undefined;
  /** The table model. @defaultValue 'kubetrail' */
  readonly table?: TableModelName | undefined;
  /** The table (or event data store) name in FROM. @defaultValue the model's default */
  readonly tableName?: string | undefined;
  /** As `CompileOptions.limit`. */
  readonly limit?: number | undefined;
  /** As `CompileOptions.startTime` (inclusive epoch ms). */
  readonly startTime?: number | undefined;
  /** As `CompileOptions.endTime` (inclusive epoch ms). */
  readonly endTime?: number | undefined;
  /** As `CompileOptions.now`. */
  readonly now?: number | undefined;
  /** As `CompileOptions.order`. */
  readonly order?: 'newest-first' | 'input' | undefined;
  /**
   * The typed columns of an imported copy (`kubetrail` model only; field name →
   * column), read instead of the JSON column `fields`. @defaultValue none
   */
  readonly columns?: ReadonlyMap<string, TypedColumn> | undefined;
}

/**
 * One output column of a compiled SQL query.
 *
 * @example
 * ```ts
 * import { compileToSql, type SqlColumn } from 'kubetrail/sql';
 * const columns: readonly SqlColumn[] = compileToSql('stats count(*) as n by verb').columns;
 * columns.map((c) => `${c.alias} is ${c.name} (${c.kind})`); //=> ['c0 is verb (json)', 'c1 is n (num)']
 * ```
 */
export interface SqlColumn {
  /** The query's column name (`@timestamp`, `count(*)`, an alias). */
  readonly name: string;
  /** The SQL alias in the SELECT list (`c0`, `c1`, …). */
  readonly alias: string;
  /** How to read the cell back: JSON text, string, number, boolean or epoch ms. */
  readonly kind: SqlKind;
}

/**
 * The result of {@link compileToSql}.
 *
 * @example
 * ```ts
 * import { type CompiledSql, compileToSql } from 'kubetrail/sql';
 * const compiled: CompiledSql = compileToSql('filter verb = "delete" | stats count(*) as n by user.username');
 * compiled.sql; // the SELECT statement, for DuckDB over the `kubetrail` table model
 * compiled.matchedSql; // counts the events the filter matched
 * compiled.columns.map((c) => c.name); //=> ['user.username', 'n']
 * ```
 */
export interface CompiledSql {
  /** The SELECT statement. */
  readonly sql: string;
  /** A statement that counts the rows at the engine's match point (`recordsMatched`). */
  readonly matchedSql: string;
  readonly columns: readonly SqlColumn[];
  /** The alias of the `@ptr` column added to rows made from events, if any. */
  readonly ptrAlias: string | undefined;
  /**
   * The system columns the statements read besides `kt_ord` and `kt_timestamp`
   * (`kt_message`, `kt_ptr`, …): a caller loading events may leave the others NULL.
   */
  readonly systemColumns: ReadonlySet<string>;
  readonly dialect: SqlDialectName;
  readonly table: TableModelName;
}

interface Rel {
  /** The CTE name. */
  name: string;
  /** The order column. */
  ord: string;
  /** Rows still come from events (before the first stats). */
  hasEvent: boolean;
  /** Query-defined names: their column and kind. */
  defined: Map<string, SqlValue>;
  /** Output columns so far (without display). */
  columns: string[];
  explicitColumns: boolean;
  /** The stats output names (after a stats). */
  available: Set<string> | undefined;
  /**
   * The rows' input position (the engine's `row.ordinal`): the event's, or
   * a stats row's place in the order the stats emitted it. `sessionize`
   * breaks time ties with it.
   */
  pos: string;
}

interface Ctx {
  readonly text: string;
  readonly d: Dialect;
  readonly sem: Semantics;
  readonly model: TableModel;
  readonly ctes: string[];
  /** Event fields read (kubetrail model on DuckDB): their base column. */
  readonly baseFields: Map<string, string>;
  /** Typed columns read (kubetrail model): kept through the base relation. */
  readonly baseColumns: Set<string>;
  /** System columns read (kubetrail model), see {@link CompiledSql.systemColumns}. */
  readonly systemColumns: Set<string>;
  readonly now: number | undefined;
  readonly window: { readonly startTime: number | undefined; readonly endTime: number | undefined };
  counter: number;
}

const EVENT_ORDINAL = 'kt_ord';

/**
 * Compiles a Logs Insights query to SQL for a dialect and table model.
 *
 * @throws {QueryError} every error `compileQuery` throws; `sql_unsupported`
 *   for a construct that is not translated (named, with its span);
 *   `sql_unreachable_field` for a field the table model cannot reach.
 * @throws {SqlEngineError} `unknown_dialect`, `unknown_table_model`.
 * @example
 * ```ts
 * const { sql } = compileToSql('filter eventName = "ConsoleLogin" | stats count(*) by sourceIPAddress', {
 *   dialect: 'trino',
 *   table: 'cloudtrail-athena',
 * });
 * ```
 */
export function compileToSql(query: string | QueryAst, options: SqlCompileOptions = {}): CompiledSql {
  const dialectName = options.dialect ?? 'duckdb';
  if (dialectName !== 'duckdb' && dialectName !== 'trino') {
    throw new SqlEngineError(
      'unknown_dialect',
      `unknown SQL dialect "${String(dialectName)}" (duckdb or trino)`,
    );
  }
  const tableName = options.table ?? 'kubetrail';
  if (!TABLE_MODEL_NAMES.includes(tableName)) {
    throw new SqlEngineError(
      'unknown_table_model',
      `unknown table model "${String(tableName)}" (${TABLE_MODEL_NAMES.join(', ')})`,
    );
  }
  const text = typeof query === 'string' ? query : printQuery(query);
  const compileOptions: CompileOptions = {
    limit: options.limit,
    startTime: options.startTime,
    endTime: options.endTime,
    now: options.now ?? 0,
    order: options.order,
  };
  // The engine's own compile: every check it makes (functions, arity, regexes, placement) happens first.
  const engine = compileQuery(text, compileOptions);
  const d = dialectOf(dialectName);
  const model =
    tableName === 'kubetrail' && options.columns !== undefined
      ? kubetrailModel(options.columns)
      : tableModelOf(tableName);
  const ctx: Ctx = {
    text,
    d,
    sem: new Semantics(d),
    model,
    ctes: [],
    baseFields: new Map(),
    baseColumns: new Set(),
    systemColumns: new Set(),
    now: options.now,
    window: engine.window,
    counter: 0,
  };
  for (const c of engine.ast.commands) checkCommand(c, ctx);
  const steps = planCommands(applyStatsRules(engine.ast.commands, text), compileOptions, text);
  const from = options.tableName ?? model.defaultTable;
  const where = model.window(engine.window.startTime, engine.window.endTime, d);
  const first = engine.ast.commands[0];
  if (first?.kind === 'SourceCommand') {
    const groups = sourceGroupsCondition(first);
    if (groups !== undefined) ctx.systemColumns.add('kt_log');
    if (groups !== undefined) where.push(groups);
  }
  const ordinal = model.ordinal;
  const base = `SELECT *, ${ordinal === EVENT_ORDINAL ? EVENT_ORDINAL : `row_number() OVER (ORDER BY ${ordinal})`} AS o0 FROM ${from}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`;
  ctx.ctes.push(''); // s0, made at the end, once the fields the query reads are known
  let rel: Rel = {
    name: 's0',
    ord: 'o0',
    hasEvent: true,
    defined: new Map(),
    columns: [],
    explicitColumns: false,
    available: undefined,
    pos: 'o0',
  };
  let display: readonly Item[] | undefined;
  let matchRel = 's0';
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as PlanStep;
    switch (step.kind) {
      case 'match-point':
        matchRel = rel.name;
        continue;
      case 'cap':
        rel = limitRel(rel, step.count, ctx);
        continue;
      case 'implicit-sort':
        rel = sortRel(rel, [{ expr: timestampRef(), desc: true }], ctx, limitAfter(steps[i + 1]));
        continue;
      default:
        break;
    }
    const c = step.command;
    switch (c.kind) {
      case 'FilterCommand':
        rel = derive(
          rel,
          ctx,
          (r) => `SELECT * FROM ${r.name} WHERE ${whereCondition(ctx.sem.truthy(expr(c.expr, r, ctx)))}`,
        );
        break;
      case 'FieldsCommand': {
        const adds: [string, SqlValue][] = [];
        for (const item of c.items) {
          const name = itemName(item, text);
          if (item.expr.kind === 'FieldRef' && fieldRefName(item.expr) === name) continue;
          adds.push([name, expr(item.expr, rel, ctx)]);
        }
        rel = defineColumns(rel, adds, ctx);
        addColumns(
          rel,
          c.items.map((item) => itemName(item, text)),
        );
        rel.explicitColumns = true;
        break;
      }
      case 'DisplayCommand':
        display = c.items;
        break;
      case 'FilterIndexCommand':
        rel = derive(rel, ctx, (r) => {
          const v = expr(c.field, r, ctx);
          const any = c.values.map((x) => ctx.sem.equal(v, expr(x, r, ctx))).join(' OR ');
          return `SELECT * FROM ${r.name} WHERE ${whereCondition(total(`(${ctx.sem.present(v) ?? 'FALSE'} AND (${any || 'FALSE'}))`))}`;
        });
        break;
      case 'StatsCommand':
        rel = statsRel(rel, c, ctx);
        break;
      case 'CountFrequentCommand': {
        // The stats it is planned as, then the stable sort by the count.
        const count: FieldRef = {
          kind: 'FieldRef',
          path: [{ kind: 'name', name: APPROX_COUNT }],
          text: APPROX_COUNT,
          span: c.span,
        };
        rel = sortRel(statsRel(rel, countFrequentStats(c), ctx), [{ expr: count, desc: true }], ctx);
        break;
      }
      case 'SortCommand':
        rel = sortRel(
          rel,
          c.keys.map((k) => ({ expr: k.expr, desc: k.direction === 'desc' })),
          ctx,
          limitAfter(steps[i + 1]),
        );
        break;
      case 'LimitCommand':
        rel = limitRel(rel, c.count, ctx);
        break;
      case 'DedupCommand':
        rel = dedupRel(rel, c.fields, ctx);
        break;
      case 'ParseCommand':
        rel = parseRel(rel, c, ctx);
        break;
      case 'SourceCommand':
        break;
      case 'FilldownCommand':
        rel = filldownRel(rel, c, ctx);
        break;
      case 'AutoregressCommand':
        rel = autoregressRel(rel, c, ctx);
        break;
      case 'SessionizeCommand':
        rel = sessionizeRel(rel, c, ctx);
        break;
      case 'UnnestCommand':
        rel = unnestRel(rel, c, ctx);
        break;
      default:
        unsupported(commandWord(c), c.span, text);
    }
  }
  // The projection.
  const outputs: { name: string; value: SqlValue }[] = [];
  if (display !== undefined) {
    for (const item of display)
      outputs.push({ name: itemName(item, text), value: expr(item.expr, rel, ctx) });
  } else {
    const names = rel.explicitColumns ? rel.columns : ['@timestamp', '@message', ...rel.columns];
    for (const name of names) outputs.push({ name, value: readName(name, rel, ctx, { start: 0, end: 0 }) });
  }
  const columns: SqlColumn[] = [];
  const select: string[] = [];
  outputs.forEach((o, i) => {
    const alias = `c${i}`;
    columns.push({ name: o.name, alias, kind: o.value.kind });
    select.push(`${o.value.kind === 'json' ? d.jsonText(o.value.sql) : o.value.sql} AS ${alias}`);
  });
  let ptrAlias: string | undefined;
  if (rel.hasEvent && model.hasPtr && !outputs.some((o) => o.name === '@ptr')) {
    ptrAlias = 'cptr';
    select.push(`kt_ptr AS cptr`);
    ctx.systemColumns.add('kt_ptr');
  }
  ctx.ctes[0] = baseCte(base, ctx);
  const withClause = `WITH\n  ${ctx.ctes.join(',\n  ')}\n`;
  const sql = `${withClause}SELECT ${select.length > 0 ? select.join(', ') : '1 AS c_'} FROM ${rel.name} ORDER BY ${rel.ord}`;
  const matchedSql = `${withClause}SELECT count(*) AS n FROM ${matchRel}`;
  return {
    sql,
    matchedSql,
    columns,
    ptrAlias,
    systemColumns: ctx.systemColumns,
    dialect: dialectName,
    table: tableName,
  };
}

function commandWord(c: Command): string {
  switch (c.kind) {
    case 'JsonCommand':
      return 'the json command';
    case 'UnnestCommand':
      return 'unnest';
    case 'FilterIndexCommand':
      return 'filterIndex';
    case 'UnmaskCommand':
      return 'unmask';
    default:
      return c.kind.replace(/Command$/, '').toLowerCase();
  }
}

/** Rejects, before any SQL is made, the commands and modes the compiler does not translate. */
function checkCommand(c: Command, ctx: Ctx): void {
  switch (c.kind) {
    case 'JsonCommand':
    case 'UnmaskCommand':
      unsupported(commandWord(c), c.span, ctx.text);
      break;
    case 'UnnestCommand':
      if (ctx.d.name !== 'duckdb') unsupported(`unnest in the ${ctx.d.name} dialect`, c.span, ctx.text);
      break;
    case 'ParseCommand':
      if (c.mode.kind === 'ParseLogfmt' || c.mode.kind === 'ParseCsv')
        unsupported(`parse … ${c.mode.kind === 'ParseLogfmt' ? 'logfmt' : 'csv'}`, c.mode.span, ctx.text);
      if (c.mode.kind === 'ParseRegex' && c.mode.multi) unsupported('parse … multi', c.mode.span, ctx.text);
      break;
    case 'SourceCommand':
      if (c.selectors.length > 0 && ctx.model.name !== 'kubetrail')
        unsupported('SOURCE log-group selection outside the kubetrail table model', c.span, ctx.text);
      break;
    default:
      break;
  }
}

/** Path segments as the engine's lookup reads them (an index as its digits). */
function segmentParts(path: readonly PathSegment[]): string[] {
  return path.map((s) => (s.kind === 'name' ? s.name : String(s.index)));
}

function timestampRef(): FieldRef {
  return {
    kind: 'FieldRef',
    path: [{ kind: 'name', name: '@timestamp' }],
    text: '@timestamp',
    span: { start: 0, end: 0 },
  };
}

function fresh(ctx: Ctx, prefix: string): string {
  ctx.counter++;
  return `${prefix}${ctx.counter}`;
}

/** Adds a CTE made from the previous relation; the new relation keeps everything else. */
function derive(rel: Rel, ctx: Ctx, body: (r: Rel) => string, changes: Partial<Rel> = {}): Rel {
  const name = fresh(ctx, 's');
  ctx.ctes.push(`${name} AS (${body(rel)})`);
  return { ...rel, defined: new Map(rel.defined), columns: [...rel.columns], ...changes, name };
}

function addColumns(rel: Rel, names: readonly string[]): void {
  for (const n of names) if (!rel.columns.includes(n)) rel.columns.push(n);
}

function defineColumns(rel: Rel, adds: readonly (readonly [string, SqlValue])[], ctx: Ctx): Rel {
  if (adds.length === 0) return rel;
  const cols: string[] = [];
  const defined = new Map(rel.defined);
  for (const [name, value] of adds) {
    const col = fresh(ctx, 'd');
    cols.push(`${value.sql} AS ${col}`);
    defined.set(name, sameKind(value, col));
  }
  return derive(rel, ctx, (r) => `SELECT *, ${cols.join(', ')} FROM ${r.name}`, { defined });
}

function limitRel(rel: Rel, count: number, ctx: Ctx): Rel {
  return derive(
    rel,
    ctx,
    (r) => `SELECT * FROM ${r.name} ORDER BY ${r.ord} LIMIT ${Math.max(0, Math.trunc(count))}`,
  );
}

/** SQL that is a literal: a number, a string, NULL or a boolean. */
const CONSTANT_SQL = /^(?:-?[0-9]+(?:\.[0-9]+)?|'(?:[^']|'')*'|NULL|TRUE|FALSE)$/i;

function sortKeysSql(keys: readonly { expr: Expr; desc: boolean }[], rel: Rel, ctx: Ctx): string[] {
  const out: string[] = [];
  for (const k of keys) {
    const v = expr(k.expr, rel, ctx);
    for (const part of ctx.sem.sortKeys(v)) {
      // A constant key orders nothing, and in a SELECT's ORDER BY an integer is a column position.
      if (CONSTANT_SQL.test(part)) continue;
      out.push(k.desc ? `${part} DESC NULLS LAST` : `${part} ASC NULLS FIRST`);
    }
  }
  return out;
}

/** The row count of a limit (or the default cap) that is the very next step, if it is one. */
function limitAfter(next: PlanStep | undefined): number | undefined {
  if (next?.kind === 'cap') return next.count;
  if (next?.kind === 'command' && next.command.kind === 'LimitCommand') return next.command.count;
  return undefined;
}

/**
 * A sort: the new order column numbers the rows in key order (ties in the
 * previous order). When a limit follows at once (`limit`), only its rows are
 * numbered: `ORDER BY … LIMIT n` is a top-N that DuckDB keeps in a heap,
 * where a window over every row is a full sort. The order ends in the
 * previous order column, so it is total and the top N are the same rows.
 */
function sortRel(
  rel: Rel,
  keys: readonly { expr: Expr; desc: boolean }[],
  ctx: Ctx,
  limit?: number | undefined,
): Rel {
  const order = [...sortKeysSql(keys, rel, ctx), rel.ord].join(', ');
  const ord = fresh(ctx, 'o');
  const from = (r: Rel) =>
    limit === undefined
      ? r.name
      : `(SELECT * FROM ${r.name} ORDER BY ${order} LIMIT ${Math.max(0, Math.trunc(limit))})`;
  return derive(
    rel,
    ctx,
    (r) => `SELECT *, row_number() OVER (ORDER BY ${order}) AS ${ord} FROM ${from(r)}`,
    {
      ord,
    },
  );
}

function dedupRel(rel: Rel, fields: readonly FieldRef[], ctx: Ctx): Rel {
  const parts = fields.map((f) => {
    const s = ctx.sem.resultString(expr(f, rel, ctx));
    return s ?? 'CAST(NULL AS VARCHAR)';
  });
  const anyMissing = parts.map((p) => `${p} IS NULL`).join(' OR ');
  const rn = fresh(ctx, 'r');
  const inner = derive(
    rel,
    ctx,
    (r) =>
      `SELECT *, row_number() OVER (PARTITION BY ${parts.join(', ')} ORDER BY ${r.ord}) AS ${rn}, (${anyMissing}) AS ${rn}m FROM ${r.name}`,
  );
  return derive(inner, ctx, (r) => `SELECT * FROM ${r.name} WHERE ${rn} = 1 OR ${rn}m`);
}

/**
 * `unnest expr into name`: a row per element of a list, in list order within
 * the row's place (`unnest` over the elements, numbered by
 * `generate_subscripts`); any other present value is one row; a missing
 * value, null or an empty list gives none. Every copy keeps the row's
 * fields, input position and `@ptr`.
 */
function unnestRel(rel: Rel, c: UnnestCommand, ctx: Ctx): Rel {
  const v = expr(c.expr, rel, ctx);
  const name = c.into.name;
  if (v.kind !== 'json') {
    const kept = derive(rel, ctx, (r) => `SELECT * FROM ${r.name} WHERE ${ctx.sem.present(v) ?? 'FALSE'}`);
    return defineAfterStats(defineColumns(kept, [[name, v]], ctx), [name]);
  }
  const list = fresh(ctx, 'u');
  const listed = derive(rel, ctx, (r) => `SELECT *, ${unnestItems(v, ctx.sem)} AS ${list} FROM ${r.name}`);
  const item = fresh(ctx, 'd');
  const ord = fresh(ctx, 'o');
  const spread = derive(
    listed,
    ctx,
    (r) => `SELECT *, unnest(${list}) AS ${item}, generate_subscripts(${list}, 1) AS ${list}i FROM ${r.name}`,
  );
  const defined = new Map(spread.defined);
  defined.set(name, structured(item));
  const out = derive(
    spread,
    ctx,
    (r) => `SELECT *, row_number() OVER (ORDER BY ${r.ord}, ${list}i) AS ${ord} FROM ${r.name}`,
    { ord, defined },
  );
  return defineAfterStats(out, [name]);
}

// ---------------------------------------------------------------------------
// Scans in row order: filldown, autoregress, sessionize (window functions)

/** The window frame from the first row to the current one, in the relation's order. */
function runningFrame(order: string, partition?: string): string {
  return `${partition === undefined ? '' : `PARTITION BY ${partition} `}ORDER BY ${order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`;
}

/** Marks names as defined after a stats (the engine's `defineNames`), as `parse` does. */
function defineAfterStats(rel: Rel, names: readonly string[]): Rel {
  addColumns(rel, names);
  if (rel.available !== undefined) {
    const available = new Set(rel.available);
    for (const n of names) available.add(n);
    rel.available = available;
  }
  return rel;
}

/**
 * `filldown`: a missing or null value takes the last value of the field,
 * in row order, that was neither (`last_value(… IGNORE NULLS)` over the rows
 * so far); without one, the row keeps what it had (missing or null). Patterns
 * and the empty list resolve against the result columns at this step, as
 * the engine resolves them.
 */
function filldownRel(rel: Rel, c: FilldownCommand, ctx: Ctx): Rel {
  const names: string[] = [];
  const refs = new Map<string, Expr>();
  const add = (name: string, ref: Expr): void => {
    if (refs.has(name)) return;
    refs.set(name, ref);
    names.push(name);
  };
  const column = (name: string): FieldRef => ({
    kind: 'FieldRef',
    path: [{ kind: 'name', name }],
    text: name,
    span: c.span,
  });
  if (c.fields.length === 0) for (const name of rel.columns) add(name, column(name));
  for (const f of c.fields) {
    if (f.kind === 'FieldRef') add(fieldRefName(f), f);
    else for (const name of rel.columns) if (matchesFieldPattern(f.pattern, name)) add(name, column(name));
  }
  const frame = runningFrame(rel.ord);
  const adds: [string, SqlValue][] = names.map((name) => {
    const v = expr(refs.get(name) as Expr, rel, ctx);
    const p = ctx.sem.present(v) ?? 'FALSE';
    const held = ctx.d.lastValueIgnoreNulls(`CASE WHEN ${p} THEN ${v.sql} END`, frame);
    return [name, sameKind(v, `CASE WHEN ${p} THEN ${v.sql} ELSE COALESCE(${held}, ${v.sql}) END`)];
  });
  return defineAfterStats(defineColumns(rel, adds, ctx), names);
}

/** `autoregress`: the field's value `k` rows before, in row order (`lag`), missing before the first `k` rows. */
function autoregressRel(rel: Rel, c: AutoregressCommand, ctx: Ctx): Rel {
  const v = expr(c.field, rel, ctx);
  const { start } = lagsOf(c);
  const names = autoregressNames(c);
  const adds: [string, SqlValue][] = names.map((name, i) => [
    name,
    sameKind(v, `lag(${v.sql}, ${start + i}) OVER (ORDER BY ${rel.ord})`),
  ]);
  return defineAfterStats(defineColumns(rel, adds, ctx), names);
}

/**
 * `sessionize`: the rows of one identity (the result strings of its fields,
 * as stats groups them) in time order, ties by input position, then row
 * order; a session starts at an identity's first row and after a gap longer
 * than maxspan. Sessions are numbered by where they start in that order
 * across identities (a running count of starts), and each row takes its
 * session's number. A row without a time or with an identity field missing
 * or null keeps what it had under the output name. Row order is unchanged.
 */
function sessionizeRel(rel: Rel, c: SessionizeCommand, ctx: Ctx): Rel {
  const { sem, d } = ctx;
  const out = c.alias?.name ?? 'session_id';
  const maxspan =
    c.maxspan === undefined
      ? 30 * 60_000
      : (fixedPeriodMs({ kind: 'Period', amount: c.maxspan.amount, unit: c.maxspan.unit }) as number);
  // The time: the event's, or a @timestamp column that holds a timestamp.
  const t = readName('@timestamp', rel, ctx, c.span);
  const time = sem.ts(t) ?? 'CAST(NULL AS DOUBLE)';
  const ids = c.fields.map((f) => expr(f, rel, ctx));
  const keys = ids.map((v) => sem.resultString(v) ?? 'CAST(NULL AS VARCHAR)');
  const eligible = [
    `${time} IS NOT NULL`,
    ...ids.map((v) => sem.present(v) ?? 'FALSE'),
    ...keys.map((k) => `${k} IS NOT NULL`),
  ].join(' AND ');
  const tc = fresh(ctx, 't');
  const ec = `${tc}e`;
  const kc = keys.map((_, i) => `${tc}k${i}`);
  const order = `${tc}, ${rel.pos}, ${rel.ord}`;
  const partition = [ec, ...kc].join(', ');
  const keyed = derive(
    rel,
    ctx,
    (r) =>
      `SELECT *, ${time} AS ${tc}, COALESCE(${eligible}, FALSE) AS ${ec}, ${keys.map((k, i) => `${k} AS ${kc[i]}`).join(', ')} FROM ${r.name}`,
  );
  const gap = `${tc}g`;
  const starts = derive(
    keyed,
    ctx,
    (r) =>
      `SELECT *, (${ec} AND (lag(${tc}) OVER (PARTITION BY ${partition} ORDER BY ${order}) IS NULL OR ${tc} - lag(${tc}) OVER (PARTITION BY ${partition} ORDER BY ${order}) > ${maxspan})) AS ${gap} FROM ${r.name}`,
  );
  const first = `${tc}n`;
  const numbered = derive(
    starts,
    ctx,
    (r) =>
      `SELECT *, CASE WHEN ${gap} THEN sum(CASE WHEN ${gap} THEN 1 ELSE 0 END) OVER (${runningFrame(`${ec} DESC, ${order}`)}) END AS ${first} FROM ${r.name}`,
  );
  const session = `CAST(${d.lastValueIgnoreNulls(first, runningFrame(order, partition))} AS DOUBLE)`;
  const before = readName(out, numbered, ctx, c.span);
  let value: SqlValue;
  if (before.sql === 'CAST(NULL AS VARCHAR)' || before.kind === 'num')
    value = {
      kind: 'num',
      sql: `CASE WHEN ${ec} THEN ${session} ELSE ${before.kind === 'num' ? before.sql : 'NULL'} END`,
    };
  else {
    const json = sem.toJson(before);
    if (json === undefined)
      return unsupported(`sessionize into ${out}, which holds a timestamp`, c.span, ctx.text);
    value = { kind: 'json', sql: `CASE WHEN ${ec} THEN ${d.toJson(session)} ELSE ${json.sql} END` };
  }
  return defineAfterStats(defineColumns(numbered, [[out, value]], ctx), [out]);
}

// ---------------------------------------------------------------------------
// parse

function toRe2(pattern: string): string {
  let body = pattern;
  if (body.startsWith('^(?i)')) body = `(?i)^${body.slice(5)}`;
  return body;
}

/** A user regex as the dialect's pattern text; rejects what the dialect does not read the same way. */
function dialectRegex(pattern: string, span: Span, ctx: Ctx): string {
  let body = toRe2(pattern);
  if (ctx.d.name === 'duckdb')
    body = body.replaceAll('(?<', '(?P<').replaceAll('(?P<=', '(?<=').replaceAll('(?P<!', '(?<!');
  else {
    body = body.replaceAll('(?P<', '(?<');
    if (body.includes('[[:') || body.includes('\\C') || body.includes('\\pN') || /\\[pP][A-Z]/.test(body))
      unsupported(
        'a regex with POSIX classes, \\C or one-letter Unicode classes (RE2 and Java read them differently)',
        span,
        ctx.text,
      );
  }
  return body;
}

function parseRel(rel: Rel, c: ParseCommand, ctx: Ctx): Rel {
  const sourceRef: Expr =
    c.field ??
    ({
      kind: 'FieldRef',
      path: [{ kind: 'name', name: '@message' }],
      text: '@message',
      span: c.span,
    } as FieldRef);
  const source = expr(sourceRef, rel, ctx);
  const textOf = ctx.sem.resultString(source, 'none');
  let names: string[];
  let pattern: string;
  let groups: number[];
  const mode = c.mode;
  if (mode.kind === 'ParseGlob') {
    names = mode.names.map((n) => n.name);
    pattern = globToRegex(mode.pattern);
    groups = names.map((_, i) => i + 1);
  } else if (mode.kind === 'ParseRegex') {
    const p = mode.regex.pattern;
    if (p.includes('|') || /\)[?*]|\)\{0/.test(p) || /\(\?[^:<P]/.test(p.replace(/\(\?i\)/g, ''))) {
      unsupported(
        'a parse regex with alternation, an optional group or inline flags other than (?i) (a group that does not take part reads as missing in the engine but as an empty string in SQL)',
        mode.regex.span,
        ctx.text,
      );
    }
    const re = compileUserRegex(p);
    if (mode.names.length > 0) {
      names = mode.names.map((n) => n.name);
      groups = names.map((_, i) => i + 1);
    } else {
      names = [...re.groupNames];
      groups = names.map((n) => groupIndexOf(p, n));
    }
    pattern = p;
  } else {
    return unsupported('this parse mode', mode.span, ctx.text);
  }
  const sqlPattern = sqlString(dialectRegex(pattern, c.mode.span, ctx));
  const adds: [string, SqlValue][] = names.map((name, i) => {
    const sql =
      textOf === undefined
        ? 'CAST(NULL AS VARCHAR)'
        : `CASE WHEN ${ctx.d.regexSearch(textOf, sqlPattern)} THEN ${ctx.d.regexExtract(textOf, sqlPattern, groups[i] as number)} END`;
    return [name, { kind: 'str', sql }];
  });
  const out = defineColumns(rel, adds, ctx);
  addColumns(out, names);
  if (out.available !== undefined) for (const n of names) out.available.add(n);
  return out;
}

/** The 1-based capture index of a named group, counting groups left to right. */
function groupIndexOf(pattern: string, name: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') {
      if (pattern[i + 1] !== '?') n++;
      else if (pattern.startsWith('(?<', i) || pattern.startsWith('(?P<', i)) {
        n++;
        const start = pattern.indexOf('<', i) + 1;
        if (pattern.slice(start, pattern.indexOf('>', start)) === name) return n;
      }
    }
  }
  return 1;
}

// ---------------------------------------------------------------------------
// stats

interface AggCollector {
  readonly aggs: string[];
}

function statsRel(rel: Rel, c: StatsCommand, ctx: Ctx): Rel {
  const text = ctx.text;
  const groupKeys: string[] = [];
  const groupSelect: string[] = [];
  const outDefined = new Map<string, SqlValue>();
  const names: string[] = [];
  c.groups.forEach((g) => {
    const v = expr(g.expr, rel, ctx);
    const key = ctx.sem.resultString(v) ?? 'CAST(NULL AS VARCHAR)';
    const k = fresh(ctx, 'k');
    const col = fresh(ctx, 'g');
    groupKeys.push(k);
    groupSelect.push(`${key} AS ${k}`, `${v.sql} AS ${col}v`);
    const name = itemName(g, text);
    outDefined.set(name, sameKind(v, col));
    names.push(name);
  });
  // Stage 1: the group keys and first values, per input row.
  const keyed = derive(
    rel,
    ctx,
    (r) => `SELECT *${groupSelect.length > 0 ? `, ${groupSelect.join(', ')}` : ''} FROM ${r.name}`,
  );
  // Stage 2: the aggregates.
  const collector: AggCollector = { aggs: [] };
  const items: { name: string; value: SqlValue }[] = [];
  const itemScope = new Map<string, SqlValue>(outDefined);
  const aggValues: SqlValue[] = [];
  for (const item of c.items) {
    const v = aggExpr(item.expr, keyed, ctx, collector, aggValues, itemScope);
    const name = itemName(item, text);
    items.push({ name, value: v });
    itemScope.set(name, v);
    names.push(name);
  }
  const firstValues = [...outDefined.values()].map(
    (v) => `${ctx.d.argMin(`${v.sql}v`, keyed.ord)} AS ${v.sql}`,
  );
  const aggName = fresh(ctx, 's');
  const m = fresh(ctx, 'm');
  ctx.ctes.push(
    `${aggName} AS (SELECT ${[...firstValues, ...collector.aggs, `min(${keyed.ord}) AS ${m}`].join(', ')} FROM ${keyed.name}${groupKeys.length > 0 ? ` GROUP BY ${groupKeys.join(', ')}` : ' HAVING count(*) > 0'})`,
  );
  // Stage 3: the items (arithmetic over aggregates), in first-appearance order of the groups.
  const ord = fresh(ctx, 'o');
  const itemCols: string[] = [];
  const defined = new Map(outDefined);
  for (const it of items) {
    const col = fresh(ctx, 'd');
    itemCols.push(`${it.value.sql} AS ${col}`);
    defined.set(it.name, sameKind(it.value, col));
  }
  const groupCols = [...outDefined.values()].map((v) => v.sql);
  const outName = fresh(ctx, 's');
  ctx.ctes.push(
    `${outName} AS (SELECT ${[...groupCols, ...itemCols, `row_number() OVER (ORDER BY ${m}) AS ${ord}`].join(', ')} FROM ${aggName})`,
  );
  const out: Rel = {
    name: outName,
    ord,
    hasEvent: false,
    defined,
    columns: [...new Set(names)],
    explicitColumns: true,
    available: new Set(names),
    pos: ord,
  };
  // stats … by bin(…): groups come out oldest bin first (stable), as the engine orders them.
  const bin = c.groups.findIndex((g) => g.expr.kind === 'CallExpr' && g.expr.name.toLowerCase() === 'bin');
  if (bin === -1) return out;
  const binName = itemName(c.groups[bin] as Item, text);
  const ref: FieldRef = {
    kind: 'FieldRef',
    path: [{ kind: 'name', name: binName }],
    text: binName,
    span: c.span,
  };
  return sortRel(out, [{ expr: ref, desc: false }], ctx);
}

/** A stats item: aggregate calls become columns of the aggregate stage; the rest is arithmetic over them. */
function aggExpr(
  e: Expr,
  rel: Rel,
  ctx: Ctx,
  collector: AggCollector,
  aggValues: SqlValue[],
  itemScope: Map<string, SqlValue>,
): SqlValue {
  if (e.kind === 'CallExpr') {
    const def = lookupFunction(e.name);
    if (def?.kind === 'aggregate') {
      const v = aggregateCall(e, def.name, rel, ctx);
      const col = fresh(ctx, 'a');
      collector.aggs.push(`${v.sql} AS ${col}`);
      const out = sameKind(v, col);
      aggValues.push(out);
      return out;
    }
  }
  if (e.kind === 'FieldRef') {
    const known = itemScope.get(fieldRefName(e));
    if (known !== undefined) return known;
  }
  // Scalar structure around aggregates: compile with the aggregate results as the leaves.
  return scalarOver(e, ctx, (sub) => aggExpr(sub, rel, ctx, collector, aggValues, itemScope));
}

function aggregateCall(e: Extract<Expr, { kind: 'CallExpr' }>, name: string, rel: Rel, ctx: Ctx): SqlValue {
  const { sem, d } = ctx;
  const arg = (): SqlValue => expr(e.args[0] as Expr, rel, ctx);
  const ts = (): string => {
    const t = readName('@timestamp', rel, ctx, e.span);
    const ms = sem.ts(t) ?? sem.num(t);
    if (ms === undefined)
      return unsupported(`${name} over rows whose @timestamp is not a timestamp`, e.span, ctx.text);
    return ms;
  };
  switch (name) {
    case 'count':
    case 'count_over_time': {
      if (e.star || e.args.length === 0) return { kind: 'num', sql: 'CAST(count(*) AS DOUBLE)' };
      const p = sem.present(arg()) ?? 'FALSE';
      return { kind: 'num', sql: `CAST(count(CASE WHEN ${p} THEN 1 END) AS DOUBLE)` };
    }
    case 'count_distinct': {
      const s = sem.resultString(arg());
      return {
        kind: 'num',
        sql: s === undefined ? 'CAST(0 AS DOUBLE)' : `CAST(count(DISTINCT ${s}) AS DOUBLE)`,
      };
    }
    case 'sum':
    case 'sum_over_time':
    case 'avg': {
      const n = numericArg(arg(), ctx);
      if (n === undefined) return { kind: 'num', sql: 'CAST(NULL AS DOUBLE)' };
      return name !== 'avg'
        ? { kind: 'num', sql: `${d.sum(n)}` }
        : { kind: 'num', sql: `(${d.sum(n)} / count(${n}))` };
    }
    case 'stddev': {
      const n = numericArg(arg(), ctx);
      if (n === undefined) return { kind: 'num', sql: 'CAST(NULL AS DOUBLE)' };
      if (d.name !== 'duckdb') return { kind: 'num', sql: `stddev_samp(${n})` };
      // Integers: the engine's exact formula, (n·S2 − S1²) / (n(n−1)), over HUGEINT sums.
      const h = `CAST(${n} AS HUGEINT)`;
      const exact = `sqrt(greatest(CAST(count(${n}) * sum(${h} * ${h}) - sum(${h}) * sum(${h}) AS DOUBLE), 0) / (CAST(count(${n}) AS DOUBLE) * (count(${n}) - 1)))`;
      return {
        kind: 'num',
        sql: `CASE WHEN count(${n}) < 2 THEN NULL WHEN bool_and(${n} = trunc(${n}) AND abs(${n}) < 1e9) THEN ${exact} ELSE stddev_samp(${n}) END`,
      };
    }
    case 'pct': {
      const n = numericArg(arg(), ctx);
      const p = (e.args[1] as Expr).kind === 'NumberLit' ? (e.args[1] as { value: number }).value : undefined;
      if (p === undefined)
        return unsupported('pct with a percent that is not a plain number', e.span, ctx.text);
      if (n === undefined) return { kind: 'num', sql: 'CAST(NULL AS DOUBLE)' };
      return { kind: 'num', sql: d.percentile(n, p) };
    }
    case 'min':
    case 'max': {
      const v = arg();
      const keys = sem.sortKeys(v);
      const c = sem.comparableNumber(v);
      const isNumber = c === undefined ? 'FALSE' : `${c} IS NOT NULL`;
      // A value whose number is not finite (the string 1e999) is skipped, as if missing.
      const p = `${sem.present(v) ?? 'FALSE'}${c === undefined ? '' : ` AND NOT (${c} IS NOT NULL AND NOT ${d.isFinite(c)})`}`;
      const isBoolOnly = sem.bool(v);
      const numberClass = isBoolOnly === undefined ? isNumber : `(${isNumber} AND ${isBoolOnly} IS NULL)`;
      const pick = (filter: string) => {
        // Ties keep the first row: for max, the smaller ordinal wins, so negate it.
        const key = d.row([...keys, name === 'max' ? `-${rel.ord}` : rel.ord]);
        const fn = name === 'max' ? d.argMax : d.argMin;
        return `${fn(v.sql, key)} FILTER (WHERE ${filter})`;
      };
      return sameKind(
        v,
        `COALESCE(${pick(`${p} AND ${numberClass}`)}, ${pick(`${p} AND NOT (${numberClass})`)})`,
      );
    }
    case 'sortsFirst':
    case 'sortsLast': {
      const v = arg();
      const last = name === 'sortsLast';
      const key = d.row([...sem.sortKeys(v), last ? `-${rel.ord}` : rel.ord]);
      const p = sem.present(v) ?? 'FALSE';
      return sameKind(v, `${(last ? d.argMax : d.argMin)(v.sql, key)} FILTER (WHERE ${p})`);
    }
    case 'earliest':
    case 'latest': {
      const v = arg();
      const late = name === 'latest';
      const t = ts();
      const key = d.row([t, ...sem.sortKeys(v), late ? `-${rel.ord}` : rel.ord]);
      const p = sem.present(v) ?? 'FALSE';
      return sameKind(
        v,
        `${(late ? d.argMax : d.argMin)(v.sql, key)} FILTER (WHERE ${p} AND ${t} IS NOT NULL)`,
      );
    }
    case 'rate': {
      // (last − first) / (t_last − t_first) × interval over the rows with a numeric value and a
      // finite @timestamp; first and last by (time, value), as the engine's rate state keeps them.
      const intervalArg = e.args[1] as Expr;
      const interval =
        intervalArg.kind === 'PeriodLit'
          ? fixedPeriodMs({ kind: 'Period', amount: intervalArg.amount, unit: intervalArg.unit })
          : undefined;
      if (interval === undefined)
        return unsupported('rate with an interval that is not a fixed period', e.span, ctx.text);
      const n = numericArg(arg(), ctx);
      if (n === undefined) return { kind: 'num', sql: 'CAST(NULL AS DOUBLE)' };
      const t = ts();
      const where = `FILTER (WHERE ${n} IS NOT NULL AND ${t} IS NOT NULL AND ${d.isFinite(t)})`;
      const key = d.row([t, n]);
      const firstV = `${d.argMin(n, key)} ${where}`;
      const lastV = `${d.argMax(n, key)} ${where}`;
      const firstT = `min(${t}) ${where}`;
      const lastT = `max(${t}) ${where}`;
      const r = `((${lastV} - ${firstV}) / (${lastT} - ${firstT}) * ${interval})`;
      return {
        kind: 'num',
        sql: `CASE WHEN ${lastT} > ${firstT} AND ${d.isFinite(r)} THEN ${r} END`,
      };
    }
    default:
      return unsupported(`the aggregate ${name}`, e.span, ctx.text);
  }
}

/** The number an aggregate takes from a value (`numericArg`: finite numbers, numeric strings, booleans, timestamps). */
function numericArg(v: SqlValue, ctx: Ctx): string | undefined {
  const n = ctx.sem.toNumber(v);
  if (n === undefined) return undefined;
  return `CASE WHEN ${ctx.d.isFinite(n)} THEN ${n} END`;
}

// ---------------------------------------------------------------------------
// Expressions

function readName(name: string, rel: Rel, ctx: Ctx, span: Span, segments?: readonly string[]): SqlValue {
  const own = rel.defined.get(name);
  if (own !== undefined) return own;
  // A defined map or list at a prefix (`j` of `j.items.0`) is walked; a defined scalar hides nothing below its
  // name (`user.username` after `… as user` reads the event), as in the engine's lookup.
  const parts = segments ?? name.split('.');
  const walks: string[] = [];
  for (let i = parts.length - 1; i >= 1; i--) {
    const at = rel.defined.get(parts.slice(0, i).join('.'));
    if (at?.structured !== true) continue;
    if (parts.length - i > MAX_PATH_SEGMENTS) unsupported(`a path this deep (${name})`, span, ctx.text);
    walks.push(`WHEN ${isStructureSql(at.sql)} THEN ${walkSql(at.sql, parts.slice(i))}`);
  }
  if (walks.length > 0) {
    // Without a map or list there, the event's field: a bracket name is no key of the table's fields.
    const event = name.includes('[') ? undefined : ctx.sem.toJson(readEvent(name, rel, ctx, span));
    const fallback = !rel.hasEvent
      ? 'NULL'
      : (event?.sql ?? notTranslated(`reading ${name} from the event beside a defined map`));
    return structured(`CASE ${walks.join(' ')} ELSE ${fallback} END`);
  }
  if (name.includes('[')) unsupported('a bracket index into an event field', span, ctx.text);
  return readEvent(name, rel, ctx, span);
}

/** An event field as the table model reads it (missing after stats). */
function readEvent(name: string, rel: Rel, ctx: Ctx, span: Span): SqlValue {
  if (!rel.hasEvent) return { kind: 'str', sql: 'CAST(NULL AS VARCHAR)' };
  const r = ctx.model.field(name, ctx.d);
  if ('unreachable' in r) return unreachable(name, ctx.model.name, span, ctx.text, r.unreachable);
  if (ctx.model.name === 'kubetrail' && ctx.d.name === 'duckdb' && r.value.kind === 'json') {
    // Each field is extracted once, in the base relation, from one parse of the JSON column.
    let col = ctx.baseFields.get(name);
    if (col === undefined) {
      col = `f${ctx.baseFields.size + 1}`;
      ctx.baseFields.set(name, col);
    }
    return { kind: 'json', sql: col };
  }
  if (ctx.model.name === 'kubetrail' && r.value.kind !== 'json' && /^kc_[a-z0-9_]+$/.test(r.value.sql))
    ctx.baseColumns.add(r.value.sql);
  if (/^kt_[a-z_]+$/.test(r.value.sql)) ctx.systemColumns.add(r.value.sql);
  return r.value;
}

/** The system columns the base relation carries along (and the order column `o0`). @internal */
export const BASE_SYSTEM_COLUMNS =
  'kt_ord, kt_timestamp, kt_message, kt_log_stream, kt_log, kt_ingestion_time, kt_ptr, o0';

/** The base relation: the table (window applied), the order column, and on DuckDB the read fields as columns. */
function baseCte(base: string, ctx: Ctx): string {
  if (ctx.baseFields.size === 0) return `s0 AS (${base})`;
  const pointers = [...ctx.baseFields.keys()].map((n) => sqlString(jsonPointer(n)));
  const cols = [...ctx.baseFields.values()].map((c, i) => `fx[${i + 1}] AS ${c}`);
  const keep = [BASE_SYSTEM_COLUMNS, ...ctx.baseColumns].join(', ');
  return `s0x AS (SELECT *, json_extract(fields, [${pointers.join(', ')}]) AS fx FROM (${base})),
  s0 AS (SELECT ${keep}, ${cols.join(', ')} FROM s0x)`;
}

function expr(e: Expr, rel: Rel, ctx: Ctx): SqlValue {
  if (e.kind === 'FieldRef') {
    const indexed = e.path.some((s) => s.kind === 'index');
    return readName(fieldRefName(e), rel, ctx, e.span, indexed ? segmentParts(e.path) : undefined);
  }
  if (e.kind === 'CallExpr' && rel.available !== undefined) {
    // After stats, a call spelled like a stats column reads that column.
    const wanted = squeeze(ctx.text.slice(e.span.start, e.span.end).trim());
    for (const column of rel.available) {
      if (squeeze(column) === wanted) {
        const v = rel.defined.get(column);
        if (v !== undefined) return v;
      }
    }
  }
  return scalarOver(e, ctx, (sub) => expr(sub, rel, ctx), rel);
}

/** Compiles one expression node whose children compile with `child`. */
function scalarOver(e: Expr, ctx: Ctx, child: (e: Expr) => SqlValue, rel?: Rel): SqlValue {
  const { sem, d, text } = ctx;
  switch (e.kind) {
    case 'StringLit':
    case 'NumberLit':
    case 'BoolLit':
      return literalValue(e.value);
    case 'FieldRef':
      return child(e);
    case 'UnaryExpr': {
      const v = child(e.operand);
      if (e.op === 'not') return bool(`NOT ${sem.truthy(v)}`);
      const n = sem.toNumber(v);
      if (n === undefined) return nullNum();
      return { kind: 'num', sql: `CASE WHEN ${n} = 0 THEN CAST(0 AS DOUBLE) ELSE -(${n}) END` };
    }
    case 'BinaryExpr': {
      const a = child(e.left);
      const b = child(e.right);
      switch (e.op) {
        case 'and':
          return bool(`(${sem.truthy(a)} AND ${sem.truthy(b)})`);
        case 'or':
          return bool(`(${sem.truthy(a)} OR ${sem.truthy(b)})`);
        case '=':
        case '==':
          return bool(sem.equal(a, b));
        case '!=':
          return bool(
            total(
              `(${sem.present(a) ?? 'FALSE'} AND ${sem.present(b) ?? 'FALSE'} AND NOT ${sem.equal(a, b)})`,
            ),
          );
        case '<':
        case '<=':
        case '>':
        case '>=': {
          // Two numbers: the comparison itself (what `compare` reduces to for them, DuckDB's DOUBLE
          // order being total), so that a filter on a typed column reaches the Parquet scan.
          if (a.kind === 'num' && b.kind === 'num') return bool(total(`(${a.sql} ${e.op} ${b.sql})`));
          const c = sem.compare(a, b);
          return bool(c === undefined ? 'FALSE' : total(`(${c}) ${e.op} 0`));
        }
        default: {
          const x = sem.toNumber(a);
          const y = sem.toNumber(b);
          if (x === undefined || y === undefined) return nullNum();
          let r: string;
          switch (e.op) {
            case '+':
            case '-':
            case '*':
              r = `(${x} ${e.op} ${y})`;
              break;
            case '/':
              r = `CASE WHEN ${y} <> 0 THEN ${x} / ${y} END`;
              break;
            case '%':
              r = `CASE WHEN ${y} <> 0 THEN ${d.name === 'duckdb' ? `(${x} % ${y})` : `mod(${x}, ${y})`} END`;
              break;
            default:
              r = d.power(x, y);
          }
          return { kind: 'num', sql: `CASE WHEN ${d.isFinite(r)} THEN ${r} END` };
        }
      }
    }
    case 'LikeExpr': {
      const s = sem.matchText(child(e.subject));
      if (s === undefined) return bool('FALSE');
      const test =
        e.pattern.kind === 'StringLit'
          ? d.contains(s, sqlString(e.pattern.value))
          : d.regexSearch(s, sqlString(dialectRegex(e.pattern.pattern, e.pattern.span, ctx)));
      return bool(total(`(${s} IS NOT NULL AND ${e.negated ? `NOT ${test}` : test})`));
    }
    case 'RegexMatchExpr': {
      const s = sem.matchText(child(e.subject));
      if (s === undefined) return bool('FALSE');
      const test = d.regexSearch(s, sqlString(dialectRegex(e.pattern.pattern, e.pattern.span, ctx)));
      return bool(total(`(${s} IS NOT NULL AND ${test})`));
    }
    case 'InExpr': {
      const v = child(e.subject);
      const p = sem.present(v) ?? 'FALSE';
      const found = e.list.items.map((item) => sem.equal(v, child(item)));
      const any = found.length === 0 ? 'FALSE' : `(${found.join(' OR ')})`;
      return bool(total(`(${p} AND ${e.negated ? `NOT ${any}` : any})`));
    }
    case 'CallExpr':
      return callExpr(e, ctx, child, rel);
    case 'ListLit':
      return unsupported('a list outside in [...]', e.span, text);
    case 'AccessExpr': {
      const v = child(e.object);
      if (v.structured !== true || d.name !== 'duckdb')
        return unsupported('a path into a computed value other than a map or list on DuckDB', e.span, text);
      const parts = segmentParts(e.path);
      if (parts.length > MAX_PATH_SEGMENTS) return unsupported('a path this deep', e.span, text);
      return structured(`CASE WHEN ${isStructureSql(v.sql)} THEN ${walkSql(v.sql, parts)} END`);
    }
    case 'InSubqueryExpr':
      return unsupported('a subquery (in (…))', e.span, text);
    case 'RegexLit':
    case 'PeriodLit':
      return unsupported('this literal here', e.span, text);
    default:
      return e satisfies never;
  }
}

function bool(sql: string): SqlValue {
  return { kind: 'bool', sql };
}

function nullNum(): SqlValue {
  return { kind: 'num', sql: 'CAST(NULL AS DOUBLE)' };
}

function flag(cond: string): SqlValue {
  return { kind: 'num', sql: `CASE WHEN ${cond} THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END` };
}

const PERIOD_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const PERIOD_CAPS: Readonly<Record<string, number>> = { ms: 1000, s: 60, m: 60, h: 24 };

function callExpr(
  e: Extract<Expr, { kind: 'CallExpr' }>,
  ctx: Ctx,
  child: (e: Expr) => SqlValue,
  rel: Rel | undefined,
): SqlValue {
  const { sem, d, text } = ctx;
  const def = lookupFunction(e.name);
  const name = def?.name ?? e.name;
  const args = (): SqlValue[] => e.args.map((a) => child(a));
  const str1 = (): string | undefined => sem.resultString(child(e.args[0] as Expr), 'none');
  switch (name) {
    case 'ispresent':
      return bool(total(sem.present(child(e.args[0] as Expr))));
    case 'isempty': {
      const s = str1();
      return flag(s === undefined ? 'TRUE' : `(${s} IS NULL OR ${s} = '')`);
    }
    case 'isblank': {
      const s = str1();
      return flag(
        s === undefined ? 'TRUE' : `(${s} IS NULL OR ${d.regexFull(s, sqlString(`[${JS_WHITESPACE}]*`))})`,
      );
    }
    case 'coalesce': {
      const vs = args();
      const kind = vs[0]?.kind;
      let values = vs;
      if (!vs.every((v) => v.kind === kind)) {
        const json = vs.map((v) => sem.toJson(v));
        if (json.some((j) => j === undefined))
          return unsupported('coalesce over a timestamp and other kinds', e.span, text);
        values = json as SqlValue[];
      }
      const k = values[0]?.kind ?? 'str';
      const whens = values.map((v) => `WHEN ${sem.present(v) ?? 'FALSE'} THEN ${v.sql}`).join(' ');
      return { kind: k, sql: `CASE ${whens} END` };
    }
    case 'strlen': {
      const s = str1();
      return s === undefined ? nullNum() : { kind: 'num', sql: `CAST(length(${s}) AS DOUBLE)` };
    }
    case 'toupper':
    case 'tolower': {
      const s = str1();
      if (s === undefined) return { kind: 'str', sql: 'CAST(NULL AS VARCHAR)' };
      // Exact where DuckDB's case mapping is JavaScript's; the code points where they differ (measured
      // over every code point: ß, ligatures, Greek with iota, final sigma, …) stop the query instead.
      const differ = name === 'toupper' ? UPPER_DIFFERS : LOWER_DIFFERS;
      const fn = name === 'toupper' ? 'upper' : 'lower';
      if (d.name !== 'duckdb') return { kind: 'str', sql: `${fn}(${s})` };
      return {
        kind: 'str',
        sql: `CASE WHEN regexp_matches(${s}, ${sqlString(`[${differ}]`)}) THEN error('kubetrail: ${name} of a character whose case mapping differs in DuckDB is not translated to SQL (sql_unsupported)') ELSE ${fn}(${s}) END`,
      };
    }
    case 'concat': {
      const parts = e.args
        .map((a) => sem.resultString(child(a), 'none'))
        .filter((s): s is string => s !== undefined);
      if (parts.length === 0) return { kind: 'str', sql: 'CAST(NULL AS VARCHAR)' };
      const anyPresent = parts.map((p) => `${p} IS NOT NULL`).join(' OR ');
      return {
        kind: 'str',
        sql: `CASE WHEN ${anyPresent} THEN ${parts.map((p) => `COALESCE(${p}, '')`).join(' || ')} END`,
      };
    }
    case 'substr': {
      const s = str1();
      const start = sem.toNumber(child(e.args[1] as Expr));
      if (s === undefined || start === undefined) return { kind: 'str', sql: 'CAST(NULL AS VARCHAR)' };
      const from = `CAST(least(greatest(trunc(${start}), 0), length(${s})) AS BIGINT)`;
      if (e.args.length < 3)
        return { kind: 'str', sql: `CASE WHEN ${start} IS NOT NULL THEN substr(${s}, ${from} + 1) END` };
      const len = sem.toNumber(child(e.args[2] as Expr));
      if (len === undefined) return { kind: 'str', sql: 'CAST(NULL AS VARCHAR)' };
      return {
        kind: 'str',
        sql: `CASE WHEN ${start} IS NOT NULL AND ${len} IS NOT NULL THEN CASE WHEN trunc(${len}) <= 0 THEN '' ELSE substr(${s}, ${from} + 1, CAST(trunc(${len}) AS BIGINT)) END END`,
      };
    }
    case 'replace': {
      const [s, a, b] = e.args.map((x) => sem.resultString(child(x), 'none'));
      if (s === undefined || a === undefined || b === undefined)
        return { kind: 'str', sql: 'CAST(NULL AS VARCHAR)' };
      return { kind: 'str', sql: `CASE WHEN ${a} = '' THEN ${s} ELSE replace(${s}, ${a}, ${b}) END` };
    }
    case 'strcontains': {
      const [s, x] = e.args.map((a) => sem.resultString(child(a), 'none'));
      if (s === undefined || x === undefined) return flag('FALSE');
      if (e.args.length > 2) {
        const fold = sem.truthy(child(e.args[2] as Expr));
        return flag(
          total(
            `CASE WHEN ${fold} THEN ${d.contains(`lower(${s})`, `lower(${x})`)} ELSE ${d.contains(s, x)} END`,
          ),
        );
      }
      return flag(total(d.contains(s, x)));
    }
    case 'startsWith':
    case 'endsWith': {
      const [s, x] = e.args.map((a) => sem.resultString(child(a), 'none'));
      if (s === undefined || x === undefined) return flag('FALSE');
      return flag(total(name === 'startsWith' ? d.startsWith(s, x) : d.endsWith(s, x)));
    }
    case 'abs':
    case 'ceil':
    case 'floor':
    case 'sqrt':
    case 'log': {
      const v = child(e.args[0] as Expr);
      const x = sem.toNumber(v);
      if (x === undefined) return nullNum();
      const fn = name === 'log' ? 'ln' : name;
      const r =
        name === 'log'
          ? `CASE WHEN ${x} > 0 THEN ln(${x}) END`
          : name === 'sqrt'
            ? `CASE WHEN ${x} >= 0 THEN sqrt(${x}) END`
            : `${fn}(${x})`;
      return { kind: 'num', sql: `CASE WHEN ${d.isFinite(r)} THEN ${r} END` };
    }
    case 'bin':
    case 'datefloor':
    case 'dateceil': {
      const periodArg = (name === 'bin' ? e.args[0] : e.args[1]) as Expr;
      if (periodArg.kind !== 'PeriodLit')
        return unsupported(`${name} without a period literal`, e.span, text);
      let ms: string | undefined;
      if (name === 'bin') {
        const t = rel === undefined ? undefined : readName('@timestamp', rel, ctx, e.span);
        ms = t === undefined ? undefined : epochMs(t, d, sem);
      } else ms = epochMs(child(e.args[0] as Expr), d, sem);
      if (ms === undefined)
        return unsupported(
          `${name} over a value that may be an ISO date string (only timestamps and numbers are translated)`,
          e.span,
          text,
        );
      const floor = periodBoundary(ms, periodArg.amount, periodArg.unit, name === 'dateceil', e.span, ctx);
      // `bin(5m) offset 1h` (also written bin(5m, 1h)): the bin label moved by a fixed-length offset
      const shiftArg = name === 'bin' ? e.args[1] : undefined;
      if (shiftArg === undefined) return { kind: 'ts', sql: floor };
      const offset =
        shiftArg.kind === 'PeriodLit'
          ? fixedPeriodMs({ kind: 'Period', amount: shiftArg.amount, unit: shiftArg.unit })
          : undefined;
      if (offset === undefined)
        return unsupported('bin with an offset that is not a fixed period', e.span, text);
      const shifted = `((${floor}) + ${offset})`;
      return { kind: 'ts', sql: `CASE WHEN abs(${shifted}) <= 8.64e15 THEN ${shifted} END` };
    }
    case 'toMillis': {
      const ms = epochMs(child(e.args[0] as Expr), d, sem);
      if (ms === undefined)
        return unsupported('toMillis over a value that may be an ISO date string', e.span, text);
      return { kind: 'num', sql: ms };
    }
    case 'fromMillis': {
      const n = sem.toNumber(child(e.args[0] as Expr));
      if (n === undefined) return { kind: 'ts', sql: 'CAST(NULL AS DOUBLE)' };
      return { kind: 'ts', sql: `CASE WHEN abs(trunc(${n})) <= 8.64e15 THEN trunc(${n}) END` };
    }
    case 'isValidIpV4': {
      const s = str1();
      return bool(s === undefined ? 'FALSE' : total(d.regexFull(s, sqlString(IPV4))));
    }
    case 'ipv4ToNumber': {
      const s = str1();
      if (s === undefined || d.name !== 'duckdb')
        return s === undefined ? nullNum() : unsupported(`${name} in the ${d.name} dialect`, e.span, text);
      return { kind: 'num', sql: `CASE WHEN ${d.regexFull(s, sqlString(IPV4))} THEN ${ipv4Number(s)} END` };
    }
    case 'isIpv4InSubnet':
    case 'isIpInSubnet': {
      const cidrArg = e.args[1] as Expr;
      const cidr = cidrArg.kind === 'StringLit' ? parseV4Cidr(cidrArg.value) : undefined;
      if (cidr === undefined || d.name !== 'duckdb')
        return unsupported(
          `${name} with a subnet that is not an IPv4 CIDR string literal, or in the ${d.name} dialect`,
          cidrArg.span,
          text,
        );
      const s = str1();
      if (s === undefined) return bool('FALSE');
      const scale = 2 ** (32 - cidr.prefix);
      return bool(
        total(
          `(${d.regexFull(s, sqlString(IPV4))} AND floor(${ipv4Number(s)} / ${scale}) = ${Math.floor(cidr.network / scale)})`,
        ),
      );
    }
    case 'decToHex': {
      const n = sem.toNumber(child(e.args[0] as Expr));
      if (n === undefined || d.name !== 'duckdb')
        return n === undefined
          ? { kind: 'str', sql: 'CAST(NULL AS VARCHAR)' }
          : unsupported(`${name} in the ${d.name} dialect`, e.span, text);
      return {
        kind: 'str',
        sql: `CASE WHEN ${d.isFinite(n)} AND abs(${n}) < 1e38 THEN CASE WHEN trunc(${n}) < 0 THEN '-0x' ELSE '0x' END || lower(hex(CAST(abs(trunc(${n})) AS HUGEINT))) END`,
      };
    }
    case 'queryStartTime':
    case 'queryEndTime':
    case 'queryTimeRange': {
      const startTime = ctx.window.startTime ?? 0;
      const endTime = ctx.window.endTime ?? ctx.now;
      if (name !== 'queryStartTime' && endTime === undefined)
        return unsupported(`${name}() without a fixed end time or now option`, e.span, text);
      const v =
        name === 'queryStartTime'
          ? startTime
          : name === 'queryEndTime'
            ? (endTime as number)
            : (endTime as number) - startTime;
      return literalValue(v);
    }
    case 'messageSize': {
      const s = str1();
      if (s === undefined) return nullNum();
      return {
        kind: 'num',
        sql:
          d.name === 'duckdb'
            ? `CAST(octet_length(encode(${s})) AS DOUBLE)`
            : `CAST(length(to_utf8(${s})) AS DOUBLE)`,
      };
    }
    case 'regexReplace': {
      const s = str1();
      const patternArg = e.args[1] as Expr;
      const repl = e.args[2] as Expr;
      if (repl.kind !== 'StringLit')
        return unsupported('regexReplace with a replacement that is not a string literal', repl.span, text);
      const pattern =
        patternArg.kind === 'RegexLit'
          ? patternArg.pattern
          : patternArg.kind === 'StringLit'
            ? patternArg.value
            : undefined;
      if (pattern === undefined) return unsupported('regexReplace with this pattern', patternArg.span, text);
      const re = compileUserRegex(pattern);
      const groupCount = countCaptures(pattern);
      let bad = false;
      const replacement = repl.value
        .replaceAll('\\', '\\\\')
        .replace(/\$(\$|\d+|\{([A-Za-z_][A-Za-z0-9_]*)\})/g, (_whole, token: string, gname?: string) => {
          if (token === '$') return '$';
          if (gname !== undefined) {
            const i = re.groupNames.indexOf(gname);
            if (i < 0) bad = true;
            return `\\${groupIndexOf(pattern, gname)}`;
          }
          const index = Number(token);
          if (index > groupCount || index > 9) bad = true;
          return `\\${index}`;
        });
      if (bad || d.name !== 'duckdb')
        return unsupported('regexReplace with this replacement in this dialect', repl.span, text);
      if (s === undefined) return { kind: 'str', sql: 'CAST(NULL AS VARCHAR)' };
      return {
        kind: 'str',
        sql: `regexp_replace(${s}, ${sqlString(dialectRegex(pattern, patternArg.span, ctx))}, ${sqlString(replacement)}, 'g')`,
      };
    }
    case 'trim':
    case 'ltrim':
    case 'rtrim': {
      const s = str1();
      if (s === undefined) return { kind: 'str', sql: 'CAST(NULL AS VARCHAR)' };
      let set = JS_WHITESPACE;
      if (e.args.length > 1) {
        const chars = e.args[1] as Expr;
        if (chars.kind !== 'StringLit')
          return unsupported(`${name} with a character set that is not a string literal`, chars.span, text);
        set = [...chars.value].map((c) => (/[\\\]^-]/.test(c) ? `\\${c}` : c)).join('');
        if (set === '') return { kind: 'str', sql: s };
      }
      const left = name !== 'rtrim' ? `^[${set}]+` : '';
      const right = name !== 'ltrim' ? `[${set}]+$` : '';
      const pattern = [left, right].filter((x) => x !== '').join('|');
      if (d.name !== 'duckdb') return unsupported(`${name} in the ${d.name} dialect`, e.span, text);
      return { kind: 'str', sql: `regexp_replace(${s}, ${sqlString(`(?s)${pattern}`)}, '', 'g')` };
    }
    case 'if':
    case 'case': {
      const pairs: [string, SqlValue][] = [];
      let fallback: SqlValue | undefined;
      if (name === 'if') {
        pairs.push([sem.truthy(child(e.args[0] as Expr)), child(e.args[1] as Expr)]);
        fallback = child(e.args[2] as Expr);
      } else {
        const n = Math.floor(e.args.length / 2);
        for (let i = 0; i < n; i++)
          pairs.push([sem.truthy(child(e.args[2 * i] as Expr)), child(e.args[2 * i + 1] as Expr)]);
        if (e.args.length % 2 === 1) fallback = child(e.args[e.args.length - 1] as Expr);
      }
      const values = [...pairs.map((p) => p[1]), ...(fallback === undefined ? [] : [fallback])];
      const kind = values[0]?.kind ?? 'str';
      let conv = (v: SqlValue): SqlValue => v;
      if (!values.every((v) => v.kind === kind)) {
        if (values.some((v) => v.kind === 'ts'))
          return unsupported(`${name} over a timestamp and other kinds`, e.span, text);
        conv = (v) => sem.toJson(v) as SqlValue;
      }
      const whens = pairs.map(([c, v]) => `WHEN ${c} THEN ${conv(v).sql}`).join(' ');
      const outKind = values.every((v) => v.kind === kind) ? kind : 'json';
      return {
        kind: outKind,
        sql: `CASE ${whens}${fallback === undefined ? '' : ` ELSE ${conv(fallback).sql}`} END`,
      };
    }
    case 'isNumeric': {
      const v = child(e.args[0] as Expr);
      const n = sem.num(v);
      const s = sem.str(v);
      const parts = [
        n === undefined ? undefined : `${d.isFinite(n)}`,
        s === undefined ? undefined : `${sem.numericString(s)} IS NOT NULL`,
      ];
      const real = parts.filter((p): p is string => p !== undefined);
      return bool(real.length === 0 ? 'FALSE' : total(`(${real.join(' OR ')})`));
    }
    case 'greatest':
    case 'least': {
      const ns = e.args.map((a) => sem.toNumber(child(a))).filter((n): n is string => n !== undefined);
      if (ns.length === 0) return nullNum();
      if (d.name === 'duckdb') return { kind: 'num', sql: `${name}(${ns.join(', ')})` };
      return {
        kind: 'num',
        sql: `array_${name === 'greatest' ? 'max' : 'min'}(filter(ARRAY[${ns.join(', ')}], x -> x IS NOT NULL))`,
      };
    }
    case 'round': {
      const x = sem.toNumber(child(e.args[0] as Expr));
      if (e.args.length > 1) {
        const digits = e.args[1] as Expr;
        const places = digits.kind === 'NumberLit' ? Math.trunc(digits.value) : undefined;
        if (places === undefined || places < 0 || places > 15 || d.name !== 'duckdb')
          return unsupported(
            'round to decimal places other than a literal 0–15 on DuckDB',
            digits.span,
            text,
          );
        if (x === undefined) return nullNum();
        if (places > 0) {
          // The engine rounds the shortest decimal text of the number, half away from zero: so does DECIMAL rounding.
          const dec = `round(CAST(CAST(${x} AS VARCHAR) AS DECIMAL(38, 18)), ${places})`;
          return {
            kind: 'num',
            sql: `CASE WHEN ${x} = 0 THEN CAST(0 AS DOUBLE) WHEN abs(${x}) >= 1e-6 AND abs(${x}) < 1e15 THEN CAST(${dec} AS DOUBLE) WHEN ${x} IS NOT NULL THEN error('kubetrail: round of a number this large or small is not translated to SQL (sql_unsupported)') END`,
          };
        }
      }
      if (x === undefined) return nullNum();
      return {
        kind: 'num',
        sql: `CASE WHEN ${x} < 0 THEN -floor(abs(${x}) + 0.5) WHEN ${x} > 0 THEN floor(${x} + 0.5) WHEN ${x} = 0 THEN CAST(0 AS DOUBLE) END`,
      };
    }
    case 'toNumber':
    case 'toDouble':
    case 'toInt':
    case 'toLong': {
      const v = child(e.args[0] as Expr);
      const parts: string[] = [];
      const n = sem.num(v);
      if (n !== undefined) parts.push(`CASE WHEN ${d.isFinite(n)} THEN ${n} END`);
      const b = sem.bool(v);
      if (b !== undefined)
        parts.push(`CASE WHEN ${b} THEN CAST(1 AS DOUBLE) WHEN NOT ${b} THEN CAST(0 AS DOUBLE) END`);
      const s = sem.str(v);
      if (s !== undefined) {
        const t = `regexp_replace(${s}, ${sqlString(`^[${JS_WHITESPACE}]+|[${JS_WHITESPACE}]+$`)}, '', 'g')`;
        parts.push(`CASE WHEN ${d.isFinite(sem.numericString(t))} THEN ${sem.numericString(t)} END`);
      }
      if (parts.length === 0 || d.name !== 'duckdb')
        return parts.length === 0 ? nullNum() : unsupported(`${name} in the ${d.name} dialect`, e.span, text);
      const x = parts.length === 1 ? (parts[0] as string) : `COALESCE(${parts.join(', ')})`;
      if (name === 'toNumber' || name === 'toDouble') return { kind: 'num', sql: x };
      const limit = name === 'toInt' ? [-(2 ** 31), 2 ** 31 - 1] : [-(2 ** 63), 2 ** 63];
      const t = `trunc(${x})`;
      const inRange =
        name === 'toInt'
          ? `${t} >= ${limit[0]} AND ${t} <= ${limit[1]}`
          : `${t} >= -9223372036854775808.0 AND ${t} < 9223372036854775808.0`;
      return {
        kind: 'num',
        sql: `CASE WHEN ${inRange} THEN CASE WHEN ${t} = 0 THEN CAST(0 AS DOUBLE) ELSE ${t} END END`,
      };
    }
    case 'base64encode': {
      const s = str1();
      if (s === undefined || d.name !== 'duckdb')
        return s === undefined
          ? { kind: 'str', sql: 'CAST(NULL AS VARCHAR)' }
          : unsupported(`${name} in the ${d.name} dialect`, e.span, text);
      return { kind: 'str', sql: `to_base64(encode(${s}))` };
    }
    case 'md5':
    case 'sha256': {
      const s = str1();
      if (s === undefined) return { kind: 'str', sql: 'CAST(NULL AS VARCHAR)' };
      if (d.name === 'duckdb') return { kind: 'str', sql: `${name}(${s})` };
      return { kind: 'str', sql: `lower(to_hex(${name}(to_utf8(${s}))))` };
    }
    case 'unmask':
      return child(e.args[0] as Expr);
    case 'jsonArraySize':
    case 'jsonArrayContains': {
      if (d.name !== 'duckdb') return unsupported(`${name} in the ${d.name} dialect`, e.span, text);
      // The engine's list argument: a list, or a string that jsonParse reads as one.
      const list = jsonParseValue(child(e.args[0] as Expr), sem).sql;
      if (name === 'jsonArraySize')
        return {
          kind: 'num',
          sql: `list_transform([${list}], kt_l -> CASE WHEN json_type(kt_l) = 'ARRAY' THEN CAST(json_array_length(kt_l) AS DOUBLE) END)[1]`,
        };
      const found = sem.equal({ kind: 'json', sql: 'kt_e' }, child(e.args[1] as Expr));
      return bool(
        `COALESCE(list_transform([${list}], kt_l -> CASE WHEN json_type(kt_l) = 'ARRAY' THEN len(list_filter(json_extract(kt_l, '$[*]'), kt_e -> ${found})) > 0 END)[1], FALSE)`,
      );
    }
    case 'jsonParse':
    case 'split': {
      if (d.name !== 'duckdb') return unsupported(`${name} in the ${d.name} dialect`, e.span, text);
      if (name === 'jsonParse') return jsonParseValue(child(e.args[0] as Expr), sem);
      const [s, delimiter] = e.args.map((a) => sem.resultString(child(a), 'none'));
      if (s === undefined || delimiter === undefined) return { kind: 'json', sql: 'CAST(NULL AS JSON)' };
      return splitValue(s, delimiter);
    }
    case 'now':
      if (ctx.now === undefined) return unsupported('now() without a fixed now option', e.span, text);
      return literalValue(Math.floor(ctx.now / 1000));
    default:
      return unsupported(`the function ${name}`, e.span, text);
  }
}

/** Code points whose upper-casing differs between JavaScript and DuckDB. */
const UPPER_DIFFERS =
  '\\x{df}\\x{149}\\x{19b}\\x{1f0}\\x{264}\\x{390}\\x{3b0}\\x{587}\\x{1c8a}\\x{1e96}-\\x{1e9a}\\x{1f50}\\x{1f52}\\x{1f54}\\x{1f56}\\x{1f80}-\\x{1faf}\\x{1fb2}-\\x{1fb4}\\x{1fb6}-\\x{1fb7}\\x{1fbc}\\x{1fc2}-\\x{1fc4}\\x{1fc6}-\\x{1fc7}\\x{1fcc}\\x{1fd2}-\\x{1fd3}\\x{1fd6}-\\x{1fd7}\\x{1fe2}-\\x{1fe4}\\x{1fe6}-\\x{1fe7}\\x{1ff2}-\\x{1ff4}\\x{1ff6}-\\x{1ff7}\\x{1ffc}\\x{a7cd}\\x{a7cf}\\x{a7d3}\\x{a7d5}\\x{a7db}\\x{fb00}-\\x{fb06}\\x{fb13}-\\x{fb17}\\x{feff}\\x{10d70}-\\x{10d85}\\x{16ebb}-\\x{16ed3}';
/** Code points whose lower-casing differs (U+03A3 for JavaScript's final-sigma rule). */
const LOWER_DIFFERS =
  '\\x{130}\\x{3a3}\\x{1c89}\\x{a7cb}-\\x{a7cc}\\x{a7ce}\\x{a7d2}\\x{a7d4}\\x{a7da}\\x{a7dc}\\x{feff}\\x{10d50}-\\x{10d65}\\x{16ea0}-\\x{16eb8}';

/** A valid IPv4 address as `parseIpv4` reads it: four decimal octets up to 255, no leading zeros. */
const IPV4 =
  '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}';

function ipv4Number(s: string): string {
  const part = (i: number) => `CAST(split_part(${s}, '.', ${i}) AS DOUBLE)`;
  return `(${part(1)} * 16777216 + ${part(2)} * 65536 + ${part(3)} * 256 + ${part(4)})`;
}

/** An IPv4 CIDR as `parseCidr` reads it (a bare address is a /32); undefined for anything else. */
function parseV4Cidr(text: string): { network: number; prefix: number } | undefined {
  const slash = text.indexOf('/');
  const addr = (slash < 0 ? text : text.slice(0, slash)).trim();
  const bytes = parseIpv4(addr);
  if (bytes === undefined) return undefined;
  let prefix = 32;
  if (slash >= 0) {
    const p = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(p) || Number(p) > 32) return undefined;
    prefix = Number(p);
  }
  const network =
    (bytes[0] ?? 0) * 16777216 + (bytes[1] ?? 0) * 65536 + (bytes[2] ?? 0) * 256 + (bytes[3] ?? 0);
  return { network, prefix };
}

/** `argEpochMs` where SQL can match it exactly: timestamps, numbers and numeric strings (not ISO strings). */
function epochMs(v: SqlValue, d: Dialect, sem: Semantics): string | undefined {
  if (v.kind === 'ts') return `CAST(${v.sql} AS DOUBLE)`;
  if (v.kind === 'num') return `CASE WHEN ${d.isFinite(v.sql)} THEN ${v.sql} END`;
  if (v.kind !== 'json' || d.name !== 'duckdb') return undefined;
  // JSON: numbers and numeric strings; an ISO date string stops the query (not translated) rather than read wrong.
  const n = sem.num(v) as string;
  const s = sem.str(v) as string;
  const ns = sem.numericString(s);
  return `CASE WHEN ${n} IS NOT NULL THEN CASE WHEN ${d.isFinite(n)} THEN ${n} END WHEN ${s} IS NOT NULL THEN CASE WHEN ${ns} IS NOT NULL THEN CASE WHEN ${d.isFinite(ns)} THEN ${ns} END ELSE error('kubetrail: a date string argument is not translated to SQL (sql_unsupported); run the query on the streaming engine') END END`;
}

/** The capture groups of a pattern (plain and named). */
function countCaptures(pattern: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (
      ch === '(' &&
      (pattern[i + 1] !== '?' || pattern.startsWith('(?<', i) || pattern.startsWith('(?P<', i))
    )
      n++;
  }
  return n;
}

/** `floorTimestamp` / `ceilTimestamp` of epoch ms as SQL (UTC; periods capped as the engine caps them). */
function periodBoundary(
  ms: string,
  rawAmount: number,
  unit: string,
  up: boolean,
  span: Span,
  ctx: Ctx,
): string {
  let amount = rawAmount;
  const cap = PERIOD_CAPS[unit];
  if (cap !== undefined && amount > cap) amount = cap;
  const unitMs = PERIOD_MS[unit];
  let out: string;
  if (unitMs === undefined) {
    if (ctx.d.name !== 'duckdb')
      return unsupported(`a calendar period (${unit}) in the ${ctx.d.name} dialect`, span, ctx.text);
    const size = Math.max(1, Math.trunc(amount)) * (unit === 'mo' ? 1 : unit === 'q' ? 3 : 12);
    const ts = `epoch_ms(CAST(${ms} AS BIGINT))`;
    const index = `(year(${ts}) * 12 + month(${ts}) - 1)`;
    const start = `(floor(${index} / ${size}) * ${size})`;
    const startMs = (i: string) =>
      `epoch_ms(make_timestamp(CAST(floor(${i} / 12) AS BIGINT), CAST(${i} - floor(${i} / 12) * 12 + 1 AS BIGINT), 1, 0, 0, 0))`;
    out = up
      ? `CASE WHEN ${startMs(start)} = ${ms} THEN ${startMs(start)} ELSE ${startMs(`(${start} + ${size})`)} END`
      : startMs(start);
    out = `CAST(${out} AS DOUBLE)`;
  } else {
    const size = amount * unitMs;
    const anchor = unit === 'w' ? -3 * 86_400_000 : 0;
    const floor = `(floor((${ms} - ${anchor}) / ${size}) * ${size} + ${anchor})`;
    out = up ? `CASE WHEN ${floor} = ${ms} THEN ${floor} ELSE ${floor} + ${size} END` : floor;
  }
  return `CASE WHEN abs(${out}) <= 8.64e15 THEN ${out} END`;
}

/** SOURCE's log-group selectors on `@log` (events without `@log` pass, as in the engine). */
function sourceGroupsCondition(source: Extract<Command, { kind: 'SourceCommand' }>): string | undefined {
  const exact: string[] = [];
  const prefixes: string[] = [];
  for (const sel of source.selectors) {
    if (sel.kind === 'StringLit') exact.push(sel.value);
    else
      for (const arg of sel.args)
        if (arg.name.toLowerCase() === 'nameprefix') for (const v of arg.values) prefixes.push(v.value);
  }
  if (exact.length === 0 && prefixes.length === 0) return undefined;
  const name = `CASE WHEN regexp_matches(kt_log, '^[0-9]{12}:') THEN substr(kt_log, 14) ELSE kt_log END`;
  const tests = [
    ...exact.map((x) => `${name} = ${sqlString(x)}`),
    ...prefixes.map((p) => `starts_with(${name}, ${sqlString(p)})`),
  ];
  return `(kt_log IS NULL OR ${tests.join(' OR ')})`;
}
