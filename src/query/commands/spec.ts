/**
 * The shape of a command kind: one {@link CommandSpec} per kind of the AST's
 * `Command` union, declared in the command's own file and listed in
 * `registry.ts`. The parser, the printer, the planner, the prefilter, the
 * worker splitter and the compiler read a command's facts from its spec and
 * never switch on `kind`.
 *
 * @module
 */
import type { Command, Expr, Item } from '../ast.js';
import type { State } from '../parse/state.js';
import type { BufferLimit, CompiledSortKey, CompiledStats, StageFactory } from '../plan.js';
import type { Clauses } from '../prefilter-terms.js';
import type { CompileState } from '../scope.js';

/**
 * The `kind` of a command node.
 *
 * @internal
 */
export type CommandKind = Command['kind'];

/**
 * The command node of one kind.
 *
 * @internal
 */
export type CommandOfKind<K extends CommandKind> = Extract<Command, { readonly kind: K }>;

/**
 * What compile gives a command's compile step besides the scope: where its
 * stages go and the seams that belong to the plan as a whole.
 *
 * @internal
 */
export interface CompileContext {
  /** The compile scope at this step (defined names, columns, reads). */
  readonly state: CompileState;
  /** Appends a stage to the plan. */
  emit(stage: StageFactory): void;
  /**
   * Appends a sort by `keys` at this step: fused with a `dedup` right after
   * it, else a top-K sort when a limit bounds it (the first sort of a plan
   * goes through `CompileOptions.firstSortStage`). `limit` makes the sort's
   * own row bound and is called only when the sort is not fused.
   */
  sort(keys: readonly CompiledSortKey[], limit: () => BufferLimit): void;
  /** The stage of a compiled `stats` (the first one goes through `CompileOptions.firstStatsStage`). */
  statsStage(stats: CompiledStats, limit: BufferLimit): StageFactory;
  /** Sets the items of the final projection (the last `display` wins). */
  display(items: readonly Item[]): void;
  /** The command of the plan step right before this one, when that step is a command. */
  readonly previous: Command | undefined;
  /** The command of the plan step right after this one, when that step is a command. */
  readonly next: Command | undefined;
  /** The run's window on `@timestamp` (options and `SOURCE START=/END=`), inclusive epoch ms. */
  readonly window: { readonly startTime: number | undefined; readonly endTime: number | undefined };
  /** Asks the run to read events from `t` on, before the window (`diff`'s earlier window). */
  readFrom(t: number): void;
}

/**
 * How a filter that comes after a command may move ahead of it (filters
 * run as early as they can, see `hoistFilters`):
 * - `'always'`: the command neither defines nor drops by count
 *   (`sort`, `limit`, `display`, `unmask`);
 * - `'never'`: the filter stays after it;
 * - `'unless-defined'`: unless the filter reads a name the command defines
 *   ({@link CommandSpec.defines});
 * - a function: unless the filter reads one of the names it returns.
 *
 * @internal
 */
export type HoistRule<C extends Command> =
  | 'always'
  | 'never'
  | 'unless-defined'
  | ((c: C, text: string | undefined) => Iterable<string>);

/**
 * How a command runs when the input is split across worker threads
 * (`src/parallel/plan-split.ts`):
 * - `'per-row'`: it maps each row to zero or more rows on its own (no
 *   ordering, counting or memory across rows), so it runs in each partition;
 * - `'partial-stats'`: partitions return accumulator snapshots, merged exactly;
 * - `'top-k'`: partitions return their own top K rows when a limit bounds it;
 * - `'one-thread'`: a query with it before its first stats or sort runs on one thread.
 *
 * @internal
 */
export type SplitRole = 'per-row' | 'partial-stats' | 'top-k' | 'one-thread';

/**
 * A command that drops rows by a predicate on each row: it moves ahead of
 * the commands it commutes with and gives the prefilter its terms.
 *
 * @internal
 */
export interface Predicate<C extends Command> {
  /** The flattened names of the fields it reads. */
  reads(c: C): string[];
  /** Its expressions (checked where it was written when the planner moves it, see `PlanStep`). */
  exprs(c: C): readonly Expr[];
  /** Its prefilter clauses, leaving out fields in `defined` (see `prefilter.ts`). */
  clauses(c: C, defined: ReadonlySet<string>): Clauses;
}

/**
 * Everything the engine knows about one command kind.
 *
 * @example
 * ```ts
 * export const limitCommand: CommandSpec<LimitCommand> = { kind: 'LimitCommand', keywords: ['limit', 'head', 'tail'], … };
 * ```
 * @internal
 */
export interface CommandSpec<C extends Command> {
  readonly kind: C['kind'];
  /** The command words as documented (`filterIndex`, `SOURCE`); matched case-insensitively. The first is canonical. */
  readonly keywords: readonly string[];
  /**
   * Parses the command; the current token is its command word. `stage` is
   * the command's position in the query (0 for the first).
   */
  parse(p: State, start: number, stage: number): C;
  /** Prints the command in canonical form (`parse(print(c))` equals `c` except for spans). */
  print(c: C): string;
  /**
   * The names the command defines on rows, as later commands read them. An
   * item that is a field under its own name (`fields verb`) defines
   * nothing: it leaves the field as it was.
   */
  defines(c: C, text: string | undefined): readonly string[];
  /** Set on filters (see {@link Predicate}). */
  readonly predicate?: Predicate<C>;
  /** Whether a later filter may move ahead of it (see {@link HoistRule}). */
  readonly hoist: HoistRule<C>;
  /**
   * True when it counts, reorders or aggregates rows: rows count as matched
   * before the first such step, and the prefilter stops there.
   */
  readonly barrier: boolean;
  /**
   * `'sets'` when it decides the row order itself (no implicit newest-first
   * order is added before it), `'takes'` when it depends on the order it
   * receives (the implicit order goes right before it), else `undefined`.
   */
  order(c: C): 'sets' | 'takes' | undefined;
  /** True when it passes every row on exactly once, so a later limit bounds an earlier sort. */
  oneToOne(c: C): boolean;
  /** The most rows it passes on (`limit N`), when it caps them. */
  readonly rowCap?: (c: C) => number;
  /** True when a sort right before it fuses with it into one stage (`dedup`). */
  readonly fusesWithSort?: boolean;
  /** How it runs across worker threads (see {@link SplitRole}). */
  readonly split: SplitRole;
  /** Set when it cannot run offline: the message and hints of its `unsupported_command` error. */
  readonly unsupported?: { readonly message: string; readonly hints: readonly string[] };
  /** True for a query header (`SOURCE`): first only, read by compile for the window, never a plan step. */
  readonly header?: boolean;
  /** Compiles the command at its plan step. */
  compile(c: C, ctx: CompileContext): void;
}
