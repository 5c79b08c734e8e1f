/**
 * `join type=inner|left left=<a> right=<b> where a.f = b.f [and …] (SOURCE '<name>' …)`:
 * an equi-join of the rows of the query (the left side) with the rows of
 * another input (the right side, a query of its own over a source the
 * caller supplies). It is a hash join: the right side is read whole first
 * and built into a hash table on its key, charged to the run's byte budget;
 * the left side then streams through it.
 *
 * Semantics (decided where the documentation is silent; docs/query-language.md):
 * - Keys match as `=` does (`401` equals `"401"`, strings exactly and
 *   case-sensitively; see `join-keys.ts`); a missing or null key matches
 *   nothing. Several `and`-ed equalities make a composite key.
 * - Each left row gives one output row per matching right row, in the right
 *   side's order; `type=inner` (the default) drops left rows without a
 *   match, `type=left` keeps them once with the right alias empty.
 * - An output row is the left row (its event, so `@timestamp`, `@message`,
 *   `@ptr` and unprefixed fields read the left side) plus two maps: the
 *   left alias (`api.status`) holds the left row's fields, the right alias
 *   (`lambda.duration`) the right row's.
 *
 * @module
 */
import type { FieldRef, JoinCommand } from '../ast.js';
import { fieldRefName } from '../ast.js';
import { compileExpr, type Evaluator } from '../evaluate.js';
import type { EvalContext } from '../functions/types.js';
import { indexKeys, probeKeys, tupleKeys } from '../join-keys.js';
import { parseJoin } from '../parse/side-commands.js';
import type { BufferLimit, RunState, StageFactory } from '../plan.js';
import { printName, printSubquery } from '../print-expression.js';
import { compileFieldLookup, copyRow, defineField, type Row } from '../row.js';
import { sideContext } from '../scope.js';
import { checkSourceNames, runInner, type SideCompileContext } from '../side-inputs.js';
import { sideCharge } from '../side-memory.js';
import { estimateRowBytes, type RunMemory } from '../spill.js';
import type { Value, ValueMap } from '../value.js';
import type { CommandSpec } from './spec.js';

/** The two join types of the documentation. */
export type JoinType = 'inner' | 'left';

/**
 * The right side of a join, built: one field map per right row, and the
 * rows' positions by key.
 *
 * @internal
 */
export interface JoinTable {
  readonly views: readonly ValueMap[];
  /** Index key → positions in `views`, ascending. */
  readonly index: ReadonlyMap<string, readonly number[]>;
}

const EMPTY_VIEW: ValueMap = Object.freeze(Object.create(null) as ValueMap);

function setView(out: Record<string, Value>, name: string, value: Value): void {
  if (value !== undefined) out[name] = value;
}

/**
 * The fields of a row as one map, for an alias: the top-level keys of the
 * event's record, its system fields (`@timestamp`, `@message`, `@log`,
 * `@logStream`, `@ingestionTime`), then the fields the query defined, which
 * win. Nested objects are shared, not copied.
 *
 * @example
 * ```ts
 * rowView(eventRow({ timestamp: 0, message: '{"a":1}', kind: 'json', record: { a: 1 }, source: {} }, 0)).a //=> 1
 * ```
 * @internal
 */
export function rowView(row: Row): ValueMap {
  const out: Record<string, Value> = Object.create(null);
  const event = row.event;
  if (event !== undefined) {
    const record = event.kind === 'text' ? undefined : event.record;
    if (typeof record === 'object' && record !== null && !Array.isArray(record)) {
      const r = record as Record<string, unknown>;
      for (const key of Object.keys(r)) out[key] = r[key] as Value;
    }
    setView(out, '@timestamp', event.timestampInvalid === true ? undefined : new Date(event.timestamp));
    setView(out, '@message', event.message);
    setView(out, '@log', event.logGroup);
    setView(out, '@logStream', event.logStream);
    setView(
      out,
      '@ingestionTime',
      event.ingestionTime === undefined ? undefined : new Date(event.ingestionTime),
    );
  }
  if (row.defined !== undefined) for (const [name, value] of row.defined) out[name] = value;
  return out;
}

/**
 * Builds the hash table of a join's right side, row by row, charging each
 * row to the run's byte budget (`limit.overBudget()` past it: a right side
 * cannot spill) and counting rows against `limit.max`.
 *
 * @example
 * ```ts
 * const build = createJoinTableBuilder([keyOfRight], ctx, memory, limit);
 * for (const row of rightRows) build.add(row);
 * const table = build.finish();
 * ```
 * @internal
 */
export function createJoinTableBuilder(
  keys: readonly Evaluator[],
  ctx: EvalContext,
  memory: RunMemory,
  limit: BufferLimit,
): { add(row: Row): void; finish(): JoinTable } {
  const views: ValueMap[] = [];
  const index = new Map<string, number[]>();
  const charge = sideCharge(memory, limit);
  return {
    add(row) {
      const values = keys.map((k) => k(row, ctx));
      const ks = tupleKeys(values, indexKeys);
      charge.add(estimateRowBytes(row) + 64 * ks.length);
      const at = views.length;
      views.push(rowView(row));
      for (const k of ks) {
        const bucket = index.get(k);
        if (bucket === undefined) index.set(k, [at]);
        else bucket.push(at);
      }
    },
    finish() {
      return { views, index };
    },
  };
}

/**
 * The positions of the right rows whose key equals `values`, ascending.
 *
 * @example
 * ```ts
 * matchesOf(table, ['req-1']) //=> [0, 3]
 * ```
 * @internal
 */
export function matchesOf(table: JoinTable, values: readonly Value[]): readonly number[] {
  const found: (readonly number[])[] = [];
  for (const k of tupleKeys(values, probeKeys)) {
    const bucket = table.index.get(k);
    if (bucket !== undefined) found.push(bucket);
  }
  if (found.length <= 1) return found[0] ?? [];
  // (each right row is in at most one of the probed buckets: see join-keys.ts)
  return found.flat().sort((a, b) => a - b);
}

/** What a join stage needs besides its right side. @internal */
export interface JoinStageSpec {
  readonly type: JoinType;
  readonly leftAlias: string;
  readonly rightAlias: string;
  /** The left side's key values, in the order of the right side's. */
  readonly leftKeys: readonly Evaluator[];
}

/**
 * The `join` stage: probes the right side's table (built for the run by
 * `tableOf`) with each left row. One left row matching more right rows than
 * `limit.max` is a `resource_limit` error.
 *
 * @internal
 */
export function joinStage(
  spec: JoinStageSpec,
  tableOf: (state: RunState) => JoinTable,
  limit: BufferLimit,
): StageFactory {
  return (next, state) => {
    const table = tableOf(state);
    const emit = (row: Row, left: ValueMap, right: ValueMap): boolean => {
      const out = copyRow(row);
      defineField(out, spec.leftAlias, left);
      defineField(out, spec.rightAlias, right);
      return next.push(out);
    };
    return {
      push(row) {
        const values = spec.leftKeys.map((k) => k(row, state.ctx));
        const matches = matchesOf(table, values);
        if (matches.length === 0) return spec.type === 'left' ? emit(row, rowView(row), EMPTY_VIEW) : true;
        if (matches.length > limit.max) limit.exceeded();
        const left = rowView(row);
        for (const i of matches) if (!emit(row, left, table.views[i] as ValueMap)) return false;
        return true;
      },
      end() {
        next.end();
      },
    };
  };
}

/** A field reference without its first segment (the alias): `api.requestId` → `requestId`. */
function withoutAlias(ref: FieldRef): FieldRef {
  const path = ref.path.slice(1);
  const text = ref.text.slice(ref.text.indexOf('.') + 1);
  return { ...ref, path, text };
}

/**
 * Compiles a `join`: registers the build of its right side for each run and
 * returns its stage.
 *
 * @internal
 */
export function compileJoinStage(c: JoinCommand, ctx: SideCompileContext): StageFactory {
  const inner = ctx.compileInner(c.query);
  checkSourceNames(inner.source, ctx);
  const leftKeys = c.conditions.map((cond) => {
    const ref = withoutAlias(cond.left);
    ctx.check(ref, 'join');
    return compileExpr(ref, ctx.scope);
  });
  const rightKeys = c.conditions.map((cond) =>
    compileFieldLookup(fieldRefName(withoutAlias(cond.right)), undefined, ctx.fieldOptions),
  );
  const tableLimit = ctx.bound('the right side of the join', 'rows', c.query.span, [
    'narrow the right side with a filter inside the parentheses',
    'swap the sides so that the smaller input is on the right',
  ]);
  const fanLimit = ctx.bound('join', 'rows from one row', c.span, ['join on a more selective key']);
  const tables = new WeakMap<RunState, JoinTable>();
  ctx.prepares.push(async (run) => {
    const build = createJoinTableBuilder(rightKeys, run.state.ctx, run.state.memory, tableLimit);
    await runInner(inner, run, c.query.span, (row) => build.add(row));
    tables.set(run.state, build.finish());
  });
  // the aliases are maps to read fields from (api.status), not columns of their own
  ctx.define([c.leftAlias.name, c.rightAlias.name], false);
  return joinStage(
    { type: c.type ?? 'inner', leftAlias: c.leftAlias.name, rightAlias: c.rightAlias.name, leftKeys },
    (state) => tables.get(state) as JoinTable,
    fanLimit,
  );
}

/**
 * The `join` command: one thread (its right side lives on the calling
 * thread), no filter moves across it, the prefilter continues past it
 * (unprefixed names read the left row's own event).
 *
 * @example
 * ```ts
 * joinCommand.defines(parseQuery("join left=a right=b where a.x = b.x (SOURCE 's')").commands[0], undefined) //=> ['a', 'b']
 * ```
 * @internal
 */
export const joinCommand: CommandSpec<JoinCommand> = {
  kind: 'JoinCommand',
  keywords: ['join'],
  parse: (p, start) => parseJoin(p, start),
  print(c) {
    const where = c.conditions.map((cond) => `${cond.left.text} = ${cond.right.text}`).join(' and ');
    const type = c.type === undefined ? '' : ` type=${c.type}`;
    return `join${type} left=${printName(c.leftAlias.name)} right=${printName(c.rightAlias.name)} where ${where} (${printSubquery(c.query)})`;
  },
  defines: (c) => [c.leftAlias.name, c.rightAlias.name],
  hoist: 'never',
  barrier: false,
  order: () => undefined,
  oneToOne: () => false,
  split: 'one-thread',
  compile(c, { state, emit }) {
    emit(compileJoinStage(c, sideContext(state)));
  },
};
