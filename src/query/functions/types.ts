/**
 * The contract between the evaluator and the function library.
 *
 * Each function family file (`string.ts`, `numeric.ts`, `datetime.ts`,
 * `ip.ts`, `json.ts`, `general.ts`, `aggregate.ts`) exports a readonly array
 * of definitions; `registry.ts` merges them into one case-insensitive map.
 *
 * @module
 */
import type { UserRegex } from '../regex.js';
import type { Period, Value } from '../value.js';

/** What the evaluator passes for a compile-time constant argument that is not a plain value. */
export type SpecialArg =
  | Period
  | { readonly kind: 'Regex'; readonly regex: UserRegex }
  | { readonly kind: 'Star' };

/** An evaluated argument. */
export type Arg = Value | SpecialArg;

/** Facts about the query run that some functions need. */
export interface EvalContext {
  /** Epoch ms of the query window start (`queryStartTime()`). */
  readonly startTime: number;
  /** Epoch ms of the query window end (`queryEndTime()`), inclusive. */
  readonly endTime: number;
  /** Epoch ms at which the query started (`now()` returns this in seconds). Passed in, never read from the clock in tests. */
  readonly now: number;
}

/** The row-level facts an aggregate may use besides its arguments. */
export interface AggregateRow {
  /** `@timestamp` of the row (for `earliest` and `latest`), if it has one. */
  readonly timestamp: number | undefined;
}

interface FunctionDefBase {
  /** Canonical spelling, as documented (`strlen`, `count_distinct`, `sortsFirst`). Lookup ignores case. */
  readonly name: string;
  /** Other accepted spellings (`countOverTime` for `count_over_time`); lookup ignores case for these too. */
  readonly aliases?: readonly string[];
  /** The argument signature shown in the docs, e.g. `substr(s, start [, length])`. */
  readonly signature: string;
  /** Fewest arguments accepted. */
  readonly minArgs: number;
  /** Most arguments accepted; `Infinity` for variadic functions. */
  readonly maxArgs: number;
  /**
   * Indexes of arguments that must be compile-time constants (a literal, a
   * period or a regex), e.g. the period of `bin` or the percent of `pct`.
   */
  readonly constantArgs?: readonly number[];
  /** One-sentence description for docs and `--help`. */
  readonly summary: string;
  /** A runnable example: a query fragment and its result, e.g. `strlen("abc") => 3`. */
  readonly example: string;
  /** Documentation group (`numeric`, `general`, `string`, `datetime`, `ip`, `json`, `aggregate`). */
  readonly family?: string;
  /** What the function returns, for the docs (`number`, `string`, `boolean`, `timestamp`, `1/0`, …). */
  readonly returns?: string;
  /**
   * Checks the compile-time constant arguments (same layout as `create`'s
   * `constants`: values at the `constantArgs` indexes). Returns an error
   * message for a bad constant (the evaluator reports it as a `QueryError`
   * with code `invalid_argument`), or `undefined` when they are fine.
   */
  readonly validate?: (constants: readonly Arg[]) => string | undefined;
  /**
   * Set on `bin`: the evaluator appends the row's `@timestamp` (a `Date`, or
   * `undefined`) as one extra trailing argument when calling it. The user
   * writes `bin(5m)`; `call` receives `[period, timestamp]`.
   */
  readonly implicitTimestamp?: boolean;
}

/**
 * A scalar function: evaluated per row.
 *
 * @example
 * ```ts
 * import { FUNCTIONS, type ScalarFunctionDef } from 'kubetrail/engine';
 * const strlen = FUNCTIONS.find((f): f is ScalarFunctionDef => f.kind === 'scalar' && f.name === 'strlen');
 * strlen?.call(['abc'], { startTime: 0, endTime: 0, now: 0 }); //=> 3
 * ```
 */
export interface ScalarFunctionDef extends FunctionDefBase {
  readonly kind: 'scalar';
  /** Evaluates the call. Must not throw on bad data: return `undefined` (missing) or `null` instead. */
  readonly call: (args: readonly Arg[], ctx: EvalContext) => Value;
}

/**
 * An aggregate's running state. States are mergeable so that partial
 * aggregates from workers combine exactly.
 */
export interface Accumulator {
  /** Adds one row's evaluated arguments. */
  add(args: readonly Arg[], row: AggregateRow): void;
  /** Folds another accumulator of the same function (and constant args) into this one. */
  merge(other: Accumulator): void;
  /** The aggregate's value for the rows added so far. */
  result(): Value;
  /** A structured-clone-able snapshot of the state, for moving between threads. */
  snapshot(): unknown;
  /**
   * The estimated bytes of state that grows with the rows added (the
   * distinct values of `count_distinct` and `pct`), in O(1); absent for
   * accumulators of constant size.
   */
  size?(): number;
}

/**
 * An aggregate function, usable in `stats`.
 *
 * @example
 * ```ts
 * import { AGGREGATE_FUNCTIONS, type AggregateFunctionDef } from 'kubetrail/engine';
 * const pct: AggregateFunctionDef | undefined = AGGREGATE_FUNCTIONS.find((f) => f.name === 'pct');
 * pct?.constantArgs; //=> [1] (the percentile must be a literal)
 * ```
 */
export interface AggregateFunctionDef extends FunctionDefBase {
  readonly kind: 'aggregate';
  /** Creates an empty accumulator; `constants` holds the values of `constantArgs`, by index. */
  readonly create: (constants: readonly Arg[]) => Accumulator;
  /** Rebuilds an accumulator from {@link Accumulator.snapshot}. */
  readonly restore: (snapshot: unknown, constants: readonly Arg[]) => Accumulator;
}

/**
 * Any function definition.
 *
 * @example
 * ```ts
 * import { type FunctionDef, lookupFunction } from 'kubetrail/engine';
 * const substr: FunctionDef | undefined = lookupFunction('substr');
 * console.log(substr?.kind, substr?.signature, substr?.summary, substr?.example);
 * ```
 */
export type FunctionDef = ScalarFunctionDef | AggregateFunctionDef;
