/**
 * The compile steps of `pattern`, `diff` and `anomaly`.
 *
 * `pattern expr` emits one {@link patternStage}, whose mode a `diff` or
 * `anomaly` right after it switches (the three run as one stage: `diff`
 * and `anomaly` need the events' times and texts, which pattern rows no
 * longer have). A `diff` or `anomaly` on its own emits a stage that mines
 * `@message`. Anywhere else, after a `pattern`, `diff` or `anomaly`, they
 * are `misplaced_command`. Like `stats`, each resets the row's fields to
 * its output columns.
 *
 * @module
 */
import type {
  AnomalyCommand,
  Command,
  DiffCommand,
  Expr,
  FieldRef,
  PatternCommand,
  Span,
} from '../../ast.js';
import { QueryError } from '../../errors.js';
import { compileError, compileExpr } from '../../evaluate.js';
import { compileFieldLookup, type Row } from '../../row.js';
import { type CompileState, checkAvailable, scopeOf } from '../../scope.js';
import { formatTimestamp } from '../../semantics/format.js';
import { type DiffBaseline, previousWindow } from '../diff/windows.js';
import type { CompileContext } from '../spec.js';
import { type PatternMode, patternStage } from './stage.js';

/**
 * The output columns of each mode.
 *
 * @example
 * ```ts
 * PATTERN_COLUMNS.pattern; // ['@pattern', '@ratio', '@sampleCount', '@severityLabel']
 * ```
 */
export const PATTERN_COLUMNS = {
  pattern: ['@pattern', '@ratio', '@sampleCount', '@severityLabel'],
  diff: [
    '@pattern',
    '@severityLabel',
    '@sampleCount',
    '@ratio',
    '@previousSampleCount',
    '@previousRatio',
    '@change',
    '@changePercent',
    '@diffType',
  ],
  anomaly: [
    '@timestamp',
    '@pattern',
    '@ratio',
    '@sampleCount',
    '@severityLabel',
    '@anomalyType',
    '@priority',
    '@priorityScore',
    '@observedCount',
    '@expectedCount',
    '@binSize',
    '@description',
  ],
} as const;

/** The mutable mode of a compiled `pattern` stage, switched by a following `diff` or `anomaly`. */
interface Handle {
  mode: PatternMode;
}

const handles = new WeakMap<PatternCommand, Handle>();
/** Compiles that have seen a `pattern`, `diff` or `anomaly` (a later one may only follow `pattern` directly). */
const mined = new WeakSet<CompileState>();

/**
 * Makes a command's output columns the only fields after it, as an
 * aggregating command does (`pattern`, `diff`, `relevantfields`).
 *
 * @example
 * ```ts
 * setColumns(ctx.state, PATTERN_COLUMNS.pattern)
 * ```
 * @internal
 */
export function setColumns(state: CompileState, columns: readonly string[]): void {
  state.available = new Set(columns);
  state.defined.clear();
  state.columns = [...columns];
  state.columnSet = new Set(columns);
  state.explicitColumns = true;
}

function messageRef(span: Span): FieldRef {
  return { kind: 'FieldRef', path: [{ kind: 'name', name: '@message' }], text: '@message', span };
}

function emitStage(expr: Expr, mode: PatternMode, span: Span, word: string, ctx: CompileContext): Handle {
  const { state } = ctx;
  checkAvailable(expr, state, word);
  const value = compileExpr(expr, scopeOf(state));
  state.reads.add('@timestamp');
  const tsLookup = compileFieldLookup('@timestamp', ['@timestamp'], state.fieldOptions);
  const timestamp = (row: Row): number | undefined => {
    if (row.event !== undefined && row.defined?.has('@timestamp') !== true) {
      return row.event.timestampInvalid === true ? undefined : row.event.timestamp;
    }
    const v = tsLookup(row);
    return v instanceof Date ? v.getTime() : typeof v === 'number' ? v : undefined;
  };
  const limit = state.bound(word, 'distinct signatures', span, [
    'filter first, or parse out the varying part and pattern that field',
  ]);
  const handle: Handle = { mode };
  const text = state.text ?? '';
  ctx.emit((next, run) =>
    patternStage({
      value,
      timestamp,
      mode: handle.mode,
      limit,
      signatureLimit: (max) => {
        throw new QueryError({
          code: 'resource_limit',
          message: `${word} would hold more than ${max} distinct message signatures (the cap on templates); narrow the input`,
          phase: 'run',
          span,
          source: text,
          hints: ['filter first, or parse out the varying part and pattern that field'],
        });
      },
    })(next, run),
  );
  mined.add(state);
  return handle;
}

/**
 * Compiles `pattern expr`.
 *
 * @internal
 */
export function compilePattern(c: PatternCommand, ctx: CompileContext): void {
  handles.set(c, emitStage(c.expr, { kind: 'pattern' }, c.span, 'pattern', ctx));
  setColumns(ctx.state, PATTERN_COLUMNS.pattern);
}

/** The mode of a window comparison against `baseline`; `written` names the command in errors (`diff previousDay`). */
function compareMode(baseline: DiffBaseline, written: string, at: Span, ctx: CompileContext): PatternMode {
  const { startTime, endTime } = ctx.window;
  const window =
    startTime !== undefined && endTime !== undefined ? { start: startTime, end: endTime } : undefined;
  const text = ctx.state.text ?? '';
  return {
    kind: 'diff',
    baseline,
    window,
    noWindows: (min, max) => {
      throw new QueryError({
        code: 'diff_no_baseline',
        message: `the data spans ${formatTimestamp(min)} to ${formatTimestamp(max)}, too short for ${written} to compare a window with an earlier one of the same length`,
        phase: 'run',
        span: at,
        source: text,
        hints: [
          'give the query window (startTime/endTime, --start/--end), and input that covers the earlier one too',
        ],
      });
    },
  };
}

/** The `pattern` right before `c`, or `undefined` when `c` stands alone; throws when it is misplaced. */
function patternBefore(c: { readonly span: Span }, word: string, ctx: CompileContext): Handle | undefined {
  const previous: Command | undefined = ctx.previous;
  if (previous?.kind === 'PatternCommand') {
    const handle = handles.get(previous);
    if (handle !== undefined && handle.mode.kind === 'pattern') return handle;
  }
  if (mined.has(ctx.state)) {
    compileError(
      'misplaced_command',
      `${word} must come directly after pattern (or stand alone, where it mines @message)`,
      c.span,
      { text: ctx.state.text },
      [`write … | pattern @message | ${word}`],
    );
  }
  return undefined;
}

/**
 * Compiles `diff [baseline]`.
 *
 * @internal
 */
export function compileDiff(c: DiffCommand, ctx: CompileContext): void {
  const written = c.baseline === undefined ? 'diff' : `diff ${c.baseline}`;
  compileWindowCompare(c, c.baseline ?? 'previousPeriod', 'diff', written, ctx);
}

/**
 * Compiles a window comparison that is not `diff`'s own (`logcompare
 * timeshift 7d`): `diff`'s stage and columns against another baseline.
 * `word` is the command word, `written` the command as errors name it.
 *
 * @internal
 */
export function compileWindowCompare(
  c: { readonly span: Span },
  baseline: DiffBaseline,
  word: string,
  written: string,
  ctx: CompileContext,
): void {
  const mode = compareMode(baseline, written, c.span, ctx);
  const handle = patternBefore(c, word, ctx);
  if (handle !== undefined) handle.mode = mode;
  else emitStage(messageRef(c.span), mode, c.span, word, ctx);
  // The run reads the earlier window too.
  if (mode.kind === 'diff' && mode.window !== undefined)
    ctx.readFrom(previousWindow(mode.baseline, mode.window).start);
  setColumns(ctx.state, PATTERN_COLUMNS.diff);
}

/**
 * Compiles `anomaly`.
 *
 * @internal
 */
export function compileAnomaly(c: AnomalyCommand, ctx: CompileContext): void {
  const mode: PatternMode = { kind: 'anomaly', start: ctx.window.startTime, end: ctx.window.endTime };
  const handle = patternBefore(c, 'anomaly', ctx);
  if (handle !== undefined) handle.mode = mode;
  else emitStage(messageRef(c.span), mode, c.span, 'anomaly', ctx);
  setColumns(ctx.state, PATTERN_COLUMNS.anomaly);
}
