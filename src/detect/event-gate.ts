/**
 * Event gates: the leading filter of each detection query, evaluated once
 * per event in the detection loop, before the event is handed to the
 * query.
 *
 * The index (`detection-index.ts`) routes an event to the queries whose
 * required literals it carries; most of them then reject it in their first
 * filter. A gate runs that filter on the calling side, on one row per event
 * shared by every query the event is routed to, with every field read once
 * per event however many filters read it (see {@link EventFieldCache}). An
 * event the gate rejects would fail the same filter inside the query before
 * its match point, so skipping it cannot change the query's rows or
 * `recordsMatched`; an event it passes is handed over as before and the
 * query runs its whole filter again.
 *
 * A gate is made of the conjuncts of the filters that the engine's plan runs
 * before anything counts, reorders or aggregates (the same scan as the
 * index), that read only the event's own fields (nothing an earlier command
 * defines, not `@ptr`, which depends on the event's position), and that
 * call nothing that reads the run's context (`now()`, `queryStartTime()`,
 * …) or a subquery. Any error while a gate evaluates lets the event through,
 * so the query itself reports it as it would without the gate.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import { type Expr, type FieldRef, fieldRefName, type QueryAst } from '../query/ast.js';
import { specOf } from '../query/commands/registry.js';
import { compileExpr, type Evaluator, type ExprScope } from '../query/evaluate.js';
import { lookupFunction } from '../query/functions/registry.js';
import type { EvalContext } from '../query/functions/types.js';
import { planCommands } from '../query/plan-commands.js';
import { eventRow, type FieldLookup, type Row } from '../query/row.js';
import { isTruthy } from '../query/semantics/compare.js';
import type { Value } from '../query/value.js';
import { someExpr } from '../query/walk.js';

/** Functions whose result depends on the run's context rather than the row. */
const CONTEXT_FUNCTIONS: ReadonlySet<string> = new Set([
  'now',
  'querystarttime',
  'queryendtime',
  'querytimerange',
]);

/** A context that no gate may read: reading it throws, and the event is let through. */
const NO_CONTEXT: EvalContext = Object.freeze(
  Object.defineProperties({} as EvalContext, {
    startTime: { get: noContext },
    endTime: { get: noContext },
    now: { get: noContext },
  }),
);

function noContext(): never {
  throw new Error('an event gate read the run context');
}

function conjuncts(expr: Expr, out: Expr[] = []): Expr[] {
  if (expr.kind === 'BinaryExpr' && expr.op === 'and') {
    conjuncts(expr.left, out);
    conjuncts(expr.right, out);
  } else out.push(expr);
  return out;
}

function coveredBy(field: string, defined: ReadonlySet<string>): boolean {
  for (const d of defined) {
    if (d === field || field.startsWith(`${d}.`) || d.startsWith(`${field}.`)) return true;
  }
  return false;
}

/** Whether a conjunct reads only the event's own fields and nothing of the run. */
function gateable(expr: Expr, defined: ReadonlySet<string>): boolean {
  return !someExpr(expr, (e) => {
    switch (e.kind) {
      case 'FieldRef': {
        const name = fieldRefName(e);
        return name === '@ptr' || coveredBy(name, defined);
      }
      case 'CallExpr': {
        const def = lookupFunction(e.name);
        return def === undefined || def.kind !== 'scalar' || CONTEXT_FUNCTIONS.has(def.name.toLowerCase());
      }
      case 'InSubqueryExpr':
        return true;
      default:
        return false;
    }
  });
}

/**
 * The conjuncts of a query's leading filters that a gate may evaluate on the
 * event alone (see the module comment), in plan order; empty when none.
 *
 * @example
 * ```ts
 * const q = 'filter verb = "create" and isIpv4InSubnet(sourceIPs.0, "10.0.0.0/8") | stats count(*) by user.username';
 * gateConjuncts(parseQuery(q), q).length; //=> 2
 * gateConjuncts(parseQuery('fields "x" as verb | filter verb = "x"'), 'fields "x" as verb | filter verb = "x"'); //=> []
 * ```
 */
export function gateConjuncts(ast: QueryAst, text: string): Expr[] {
  const steps = planCommands(ast.commands, {}, text);
  const defined = new Set<string>();
  const out: Expr[] = [];
  for (const step of steps) {
    if (step.kind === 'match-point') continue;
    if (step.kind !== 'command') break;
    const c = step.command;
    if (c.kind === 'FilterCommand') {
      for (const e of conjuncts(c.expr)) if (gateable(e, defined)) out.push(e);
      continue;
    }
    const spec = specOf(c);
    if (spec.barrier) break;
    for (const n of spec.defines(c, text)) defined.add(n);
  }
  return out;
}

/** A row that carries its event's field values as the gates read them (see {@link EventFieldCache}). */
interface GateRow extends Row {
  /** By field slot: the value read, {@link NONE} for a missing one, a hole when not read yet. */
  readonly fields: unknown[];
}

/** A missing value in {@link GateRow.fields} (a hole means "not read yet"). */
const NONE: unique symbol = Symbol('none');

/**
 * Field values read once per event, shared by every gate of a run: each
 * distinct field (name and path) gets a slot, and the row made for an
 * event ({@link EventFieldCache.row}) carries the values read so far, so
 * that the first gate that reads a field reads it from the record and the
 * others take the value. The values live on the row, so gates shared by
 * runs that interleave (two partitions on one thread) never see another
 * event's values. System fields (`@timestamp`, …) are not cached: they are
 * read directly and some make a fresh value per read.
 *
 * @example
 * ```ts
 * const cache = new EventFieldCache();
 * const lookup = cache.wrap('verb', ['verb'], (row) => readVerb(row));
 * const row = cache.row(event);
 * lookup(row); lookup(row); // readVerb ran once
 * ```
 */
export class EventFieldCache {
  readonly #slots = new Map<string, number>();

  /** The row for `event`, with no field read yet. */
  row(event: LogEvent): Row {
    const row = eventRow(event, 0) as Row & { fields: unknown[] };
    row.fields = [];
    return row;
  }

  /** The number of distinct fields cached. */
  get size(): number {
    return this.#slots.size;
  }

  /** A lookup that reads `lookup` once per row made by {@link EventFieldCache.row} (any other row: every time). */
  wrap(name: string, parts: readonly string[], lookup: FieldLookup): FieldLookup {
    if (name.startsWith('@')) return lookup;
    const key = `${name}\u0000${parts.join('\u0000')}`;
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = this.#slots.size;
      this.#slots.set(key, slot);
    }
    const i = slot;
    return (row) => {
      const fields = (row as Partial<GateRow>).fields;
      if (fields === undefined) return lookup(row);
      const known = fields[i];
      if (known !== undefined) return known === NONE ? undefined : (known as Value);
      const v = lookup(row);
      fields[i] = v === undefined ? NONE : v;
      return v;
    };
  }
}

/** The longest string value a memo keys on; longer ones are evaluated each time. */
const MEMO_KEY_CHARS = 256;

/**
 * The one event field a conjunct reads, when it reads exactly one (not a
 * system field, and no function that reads `@timestamp` on its own): its
 * result is then a function of that field's value, and is memoized by it.
 */
function soleField(expr: Expr): FieldRef | undefined {
  let sole: FieldRef | undefined;
  let key: string | undefined;
  const other = someExpr(expr, (e) => {
    if (e.kind === 'CallExpr') return lookupFunction(e.name)?.implicitTimestamp === true;
    if (e.kind !== 'FieldRef') return false;
    const name = fieldRefName(e);
    if (name.startsWith('@')) return true;
    const k = `${name}\u0000${e.path.map((p) => (p.kind === 'name' ? p.name : `#${p.index}`)).join('\u0000')}`;
    if (key === undefined) {
      key = k;
      sole = e;
      return false;
    }
    return k !== key;
  });
  return other ? undefined : sole;
}

/**
 * The memos of a gate set, bounded together: each entry counts its key's
 * length and a fixed overhead, and when the total reaches the budget every
 * memo starts over (a hostile input of distinct values costs a re-evaluation,
 * never memory).
 */
class MemoBudget {
  readonly #memos: Map<string, boolean>[] = [];
  #used = 0;
  constructor(readonly budget: number) {}

  create(): Map<string, boolean> {
    const memo = new Map<string, boolean>();
    this.#memos.push(memo);
    return memo;
  }

  charge(chars: number): void {
    this.#used += chars + MEMO_ENTRY_OVERHEAD;
    if (this.#used <= this.budget) return;
    for (const m of this.#memos) m.clear();
    this.#used = chars + MEMO_ENTRY_OVERHEAD;
  }
}

/** What one memo entry costs beyond its key, in the units of {@link MEMO_BUDGET} (about characters). */
const MEMO_ENTRY_OVERHEAD = 40;
/** The memo budget of a gate set: about 2 M characters (a few MB), whatever the input. */
const MEMO_BUDGET = 2_000_000;

/** `test`, remembered by the string value of the conjunct's one field. */
function memoized(read: Evaluator, test: (row: Row) => boolean, budget: MemoBudget): (row: Row) => boolean {
  const memo = budget.create();
  return (row) => {
    const v = read(row, NO_CONTEXT);
    if (typeof v !== 'string' || v.length > MEMO_KEY_CHARS) return test(row);
    let r = memo.get(v);
    if (r === undefined) {
      r = test(row);
      budget.charge(v.length);
      memo.set(v, r);
    }
    return r;
  };
}

/** Tells whether an event can pass a query's leading filter. */
export type EventGate = (row: Row) => boolean;

/** The gates of one detection run, over one shared row and field cache per event. */
export interface GateSet {
  /** The gate of a query, or `undefined` when it has none (every routed event goes to it). */
  compile(ast: QueryAst, text: string): EventGate | undefined;
  /** Moves to `event`: the row every gate reads until the next call. */
  rowFor(event: LogEvent): Row;
}

/** Options of {@link createGateSet}. */
export interface GateSetOptions {
  /** `false` reads every field at each reference (no {@link EventFieldCache}). @defaultValue true */
  readonly cache?: boolean;
  /** `false` evaluates every conjunct on every event (no memo by its one field's value). @defaultValue true */
  readonly memo?: boolean;
  /** The memos' shared budget, in characters of the values kept (see {@link MemoBudget}). @defaultValue 2,000,000 */
  readonly memoBudget?: number;
  /** `false` makes no gates: every routed event goes to its query. @defaultValue true */
  readonly gates?: boolean;
}

/**
 * Makes the gates of a run; `cache: false` reads every field at each
 * reference (the reference the cache is tested against).
 *
 * @example
 * ```ts
 * const gates = createGateSet();
 * const gate = gates.compile(parseQuery(q), q);
 * if (gate === undefined || gate(gates.rowFor(event))) deliver(event);
 * ```
 */
export function createGateSet(options: GateSetOptions = {}): GateSet {
  const cache = options.cache === false ? undefined : new EventFieldCache();
  const memo = new MemoBudget(options.memoBudget ?? MEMO_BUDGET);
  const gates = new Map<string, EventGate | undefined>();
  const scope: ExprScope = {
    text: undefined,
    fieldOptions: {},
    defined: new Set(),
    onFieldRead: () => {},
    ...(cache === undefined
      ? {}
      : { wrapFieldLookup: (name, parts, lookup) => cache.wrap(name, parts, lookup) }),
  };
  return {
    compile(ast, text) {
      if (options.gates === false) return undefined;
      if (gates.has(text)) return gates.get(text);
      const gate = compileGate(ast, text);
      if (gates.size >= GATE_TEXTS) gates.clear();
      gates.set(text, gate);
      return gate;
    },
    rowFor(event) {
      return cache === undefined ? eventRow(event, 0) : cache.row(event);
    },
  };
  function compileGate(ast: QueryAst, text: string): EventGate | undefined {
    const tests: ((row: Row) => boolean)[] = [];
    for (const e of gateConjuncts(ast, text)) {
      try {
        const full = compileExpr(e, { ...scope, text });
        const test = (row: Row): boolean => isTruthy(full(row, NO_CONTEXT));
        const field = options.memo === false ? undefined : soleField(e);
        tests.push(field === undefined ? test : memoized(compileExpr(field, { ...scope, text }), test, memo));
      } catch {
        // the query's own compile reports it
      }
    }
    if (tests.length === 0) return undefined;
    return (row) => {
      try {
        for (const t of tests) if (!t(row)) return false;
      } catch {
        return true;
      }
      return true;
    };
  }
}

/** The most query texts a gate set keeps gates for; beyond it it starts over. */
const GATE_TEXTS = 4096;

let shared: GateSet | undefined;

/**
 * The gate set of a detection run: one per thread for the default options,
 * so that runs on one thread (a worker's partitions) compile each gate once
 * and share its memo; a fresh one for any other options. A gate depends
 * only on its query's text (it reads neither the run's options nor its
 * context), and the field values live on each event's row, so runs may
 * share gates even when they interleave.
 *
 * @example
 * ```ts
 * gateSetFor({}) === gateSetFor({}); //=> true
 * ```
 */
export function gateSetFor(options: GateSetOptions = {}): GateSet {
  if (Object.values(options).every((v) => v === undefined)) {
    shared ??= createGateSet();
    return shared;
  }
  return createGateSet(options);
}
