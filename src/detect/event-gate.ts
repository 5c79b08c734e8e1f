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
import { InternalError } from '../errors.js';
import type { LogEvent } from '../log-event.js';
import { type Expr, type FieldRef, fieldRefName, type QueryAst } from '../query/ast.js';
import { specOf } from '../query/commands/registry.js';
import { compileExpr, type ExprScope } from '../query/evaluate.js';
import { lookupFunction } from '../query/functions/registry.js';
import type { EvalContext } from '../query/functions/types.js';
import { planCommands } from '../query/plan-commands.js';
import { compileFieldLookup, eventRow, type FieldLookup, type Row } from '../query/row.js';
import { isTruthy } from '../query/semantics/compare.js';
import type { Value } from '../query/value.js';
import { someExpr } from '../query/walk.js';
import { conjuncts } from './detection-index.js';

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
  throw new InternalError('internal_error', 'an event gate read the run context');
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

/** A row made by {@link EventFieldCache.row}: its number tells whose values a slot holds. */
interface GateRow extends Row {
  readonly gateEvent: number;
}

/**
 * Values kept per event in numbered slots, without allocating per event:
 * each slot holds the value and the number of the row it was computed for,
 * so a slot written for another row (the next event, or another run's row
 * when runs interleave) is simply stale.
 */
class EventSlots<T> {
  readonly #values: T[] = [];
  readonly #owners: number[] = [];

  /** Whether the slot holds `row`'s value. */
  has(slot: number, row: GateRow): boolean {
    return this.#owners[slot] === row.gateEvent;
  }

  /** The slot's value (for the row {@link EventSlots.has} said). */
  value(slot: number): T {
    return this.#values[slot] as T;
  }

  /** Keeps `value` as `row`'s; returns it. */
  set(slot: number, row: GateRow, value: T): T {
    this.#values[slot] = value;
    this.#owners[slot] = row.gateEvent;
    return value;
  }

  /** Adds a slot; returns its number. */
  add(): number {
    this.#values.push(undefined as T);
    this.#owners.push(-1);
    return this.#owners.length - 1;
  }
}

/**
 * Field values read once per event, shared by every gate of a run: each
 * distinct field (name and path) gets a slot, filled by the first gate that
 * reads the field for the row made for an event ({@link EventFieldCache.row})
 * and reused by the others. Each row carries a number and each slot the
 * number of the row it was read for, so gates shared by runs that
 * interleave (two partitions on one thread) never see another event's
 * values, and nothing is allocated per event. System fields (`@timestamp`,
 * …) are not cached: they are read directly and some make a fresh value per
 * read.
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
  readonly #fields = new EventSlots<Value>();
  /** Results of shared conjuncts (see `createGateSet`), by their own slots. */
  readonly results = new EventSlots<boolean>();
  #events = 0;

  /** The row for `event`, with no field read yet. */
  row(event: LogEvent): Row {
    const row = eventRow(event, 0) as Row & { gateEvent: number };
    row.gateEvent = ++this.#events;
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
      slot = this.#fields.add();
      this.#slots.set(key, slot);
    }
    const i = slot;
    const fields = this.#fields;
    return (row) => {
      const r = row as GateRow;
      if (r.gateEvent === undefined) return lookup(row);
      return fields.has(i, r) ? fields.value(i) : fields.set(i, r, lookup(row));
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
  readonly #memos: Map<unknown, boolean>[] = [];
  #used = 0;
  constructor(readonly budget: number) {}

  create(): Map<unknown, boolean> {
    const memo = new Map<unknown, boolean>();
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

/**
 * `test`, remembered by the value of the conjunct's one field: a string of
 * at most {@link MEMO_KEY_CHARS} characters, a number (not `-0`, which a map
 * does not tell from `0`), a boolean, `null` or a missing field.
 */
function memoized(read: FieldLookup, test: (row: Row) => boolean, budget: MemoBudget): (row: Row) => boolean {
  const memo = budget.create();
  return (row) => {
    const v = read(row);
    let chars: number;
    if (typeof v === 'string') {
      if (v.length > MEMO_KEY_CHARS) return test(row);
      chars = v.length;
    } else if (typeof v === 'number') {
      if (Object.is(v, -0)) return test(row);
      chars = 8;
    } else if (v === undefined || v === null || typeof v === 'boolean') chars = 1;
    else return test(row);
    let r = memo.get(v);
    if (r === undefined) {
      r = test(row);
      budget.charge(chars);
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
  const conjuncts = new Map<string, { readonly slot: number; readonly test: (row: Row) => boolean }>();
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
      const test = conjunctOf(e, text);
      if (test !== undefined) tests.push(test);
    }
    if (tests.length === 0) return undefined;
    if (tests.length === 1) {
      const only = tests[0]!;
      return (row) => {
        try {
          return only(row);
        } catch {
          return true;
        }
      };
    }
    return adaptive(tests);
  }
  /** A conjunct's test, shared by every gate that has the same conjunct (its result read once per event). */
  function conjunctOf(e: Expr, text: string): ((row: Row) => boolean) | undefined {
    const key = JSON.stringify(e, (k, v: unknown) => (k === 'span' ? undefined : v));
    let known = conjuncts.get(key);
    if (known === undefined) {
      let test: (row: Row) => boolean;
      let memoed = false;
      try {
        const full = compileExpr(e, { ...scope, text });
        const plain = (row: Row): boolean => isTruthy(full(row, NO_CONTEXT));
        const field = options.memo === false ? undefined : soleField(e);
        memoed = field !== undefined;
        test = field === undefined ? plain : memoized(fieldReader(field), plain, memo);
      } catch {
        return undefined; // the query's own compile reports it
      }
      if (cache === undefined || conjuncts.size >= CONJUNCTS) return test;
      // a memo hit costs what a per-event result would: only other conjuncts keep theirs per event
      known = memoed ? { slot: -1, test } : { slot: cache.results.add(), test };
      conjuncts.set(key, known);
    }
    return cache === undefined || known.slot < 0
      ? known.test
      : sharedResult(cache.results, known.slot, known.test);
  }
  /** Reads one field as a field reference does, through the cache. */
  function fieldReader(ref: FieldRef): FieldLookup {
    const name = fieldRefName(ref);
    const parts = ref.path.map((p) => (p.kind === 'name' ? p.name : String(p.index)));
    const lookup = compileFieldLookup(name, parts, scope.fieldOptions);
    return cache === undefined ? lookup : cache.wrap(name, parts, lookup);
  }
}

/** The most distinct conjuncts a gate set shares; beyond it new ones are evaluated per gate. */
const CONJUNCTS = 16_384;

/** `test`, evaluated once per row made by an {@link EventFieldCache} (its result kept in a slot). */
function sharedResult(
  results: EventSlots<boolean>,
  slot: number,
  test: (row: Row) => boolean,
): (row: Row) => boolean {
  return (row) => {
    const r = row as GateRow;
    if (r.gateEvent === undefined) return test(row);
    return results.has(slot, r) ? results.value(slot) : results.set(slot, r, test(row));
  };
}

/** How often a gate evaluates every conjunct to count which ones reject, and how often it reorders. */
const SAMPLE_EVERY = 64;
const REORDER_EVERY = 4096;

/**
 * The conjunction of `tests`, the ones that reject most tried first. Every
 * {@link SAMPLE_EVERY}th event evaluates all of them and counts the
 * rejections; every {@link REORDER_EVERY}th reorders by those counts. The
 * tests read only the event and never fail, so their order cannot change
 * the answer, only how soon a rejection is found.
 */
function adaptive(tests: readonly ((row: Row) => boolean)[]): EventGate {
  const order = tests.map((test) => ({ test, rejects: 0 }));
  let calls = 0;
  return (row) => {
    try {
      calls++;
      if (calls % SAMPLE_EVERY === 0) {
        let pass = true;
        for (const o of order)
          if (!o.test(row)) {
            o.rejects++;
            pass = false;
          }
        if (calls >= REORDER_EVERY) {
          calls = 0;
          order.sort((a, b) => b.rejects - a.rejects);
          for (const o of order) o.rejects >>= 1;
        }
        return pass;
      }
      for (const o of order) if (!o.test(row)) return false;
    } catch {
      return true;
    }
    return true;
  };
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
