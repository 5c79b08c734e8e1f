/**
 * Expressions to closures: every expression of a query compiles once into a
 * function `(row, ctx) => Value`. Function names, arity, constant arguments
 * and regexes are resolved here, so nothing is looked up per row, and no
 * `eval` or `new Function` is involved.
 *
 * The missing-field rule (one rule, everywhere; see docs/query-language.md):
 * a missing field (and a JSON `null`) is not a value. Every comparison with
 * it is false — `=`, `!=`, `<`, `like`, `not like`, `=~`, `in` and `not in`
 * alike — while `not (…)` negates the false; arithmetic with it gives missing;
 * functions receive it as `undefined`; `sort` puts it first ascending (last
 * descending); aggregates skip it; a `stats` group key that is missing forms
 * its own group whose cell is absent.
 *
 * @module
 */
import type {
  BinaryOperator,
  CallExpr,
  Expr,
  FieldRef,
  InExpr,
  InSubqueryExpr,
  LikeExpr,
  PathSegment,
  RegexLit,
  RegexMatchExpr,
  Span,
} from './ast.js';
import { fieldRefName } from './ast.js';
import { didYouMean, QueryError, type QueryErrorCode } from './errors.js';
import { arithmeticOperator, negate } from './functions/numeric.js';
import { FUNCTIONS, lookupFunction } from './functions/registry.js';
import type {
  AggregateFunctionDef,
  Arg,
  EvalContext,
  FunctionDef,
  ScalarFunctionDef,
  SpecialArg,
} from './functions/types.js';
import { compileUserRegex, type UserRegex, UserRegexSyntaxError } from './regex.js';
import { compileFieldLookup, type FieldLookup, type FieldLookupOptions, type Row, walkValue } from './row.js';
import { compareOrdered, isTruthy, isValueList, isValueMap, valuesEqual } from './semantics/compare.js';
import { valueToResultString } from './semantics/format.js';
import type { Period, Value } from './value.js';
import { someExpr, walkExpr } from './walk.js';

/**
 * A compiled expression.
 *
 * @internal
 */
export type Evaluator = (row: Row, ctx: EvalContext) => Value;

/**
 * One aggregate call found in a `stats` item, to be fed per row.
 *
 * @internal
 */
export interface AggregateSlot {
  readonly def: AggregateFunctionDef;
  readonly constants: readonly Arg[];
  /** Evaluates the call's arguments for one input row. */
  readonly args: (row: Row, ctx: EvalContext) => readonly Arg[];
}

/**
 * What an expression may see while it compiles.
 *
 * @internal
 */
export interface ExprScope {
  /** The query text, for error locations and expression names. */
  readonly text: string | undefined;
  readonly fieldOptions: FieldLookupOptions;
  /** Names the query defined so far (aliases, parse names); reads of them are not event reads. */
  readonly defined: ReadonlySet<string>;
  /** Records the event fields the query reads. */
  readonly onFieldRead: (name: string) => void;
  /**
   * Where aggregate calls go: set inside a `stats` item, where each
   * aggregate call becomes a slot and its value is read from `slotValues`.
   */
  readonly aggregates?:
    | {
        readonly slots: AggregateSlot[];
        /** The current group's aggregate results, by slot index (set while a group's output row is built). */
        readonly slotValues: { current: readonly Value[] };
      }
    | undefined;
  /** Output column names visible after `stats`; a call spelled like one of them reads that column. */
  readonly columns?: ReadonlySet<string> | undefined;
  /**
   * Compiles `subject in (subquery)`, given the subject's evaluator: the
   * compiler registers the inner query to run before the input is read.
   * Absent where subqueries cannot be (inside a subquery).
   */
  readonly subquery?: ((expr: InSubqueryExpr, subject: Evaluator) => Evaluator) | undefined;
  /**
   * Wraps the lookup of each field reference (name and path segments): the
   * seam where detections share one field read per event among the filters
   * of many queries (`src/detect/event-gate.ts`). Absent in queries.
   */
  readonly wrapFieldLookup?:
    | ((name: string, parts: readonly string[], lookup: FieldLookup) => FieldLookup)
    | undefined;
}

/**
 * Throws a compile error located at `span`.
 *
 * @internal
 */
export function compileError(
  code: QueryErrorCode,
  message: string,
  span: Span,
  scope: Pick<ExprScope, 'text'>,
  hints: readonly string[] = [],
): never {
  throw new QueryError({ code, message, phase: 'compile', span, source: scope.text ?? '', hints });
}

/**
 * The source text of a node (whitespace runs outside quotes kept as written).
 *
 * @internal
 */
export function spanText(span: Span, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.slice(span.start, span.end).trim();
}

/**
 * Removes whitespace outside quotes and backticks, for matching an expression to a column name.
 *
 * @internal
 */
export function squeeze(s: string): string {
  let out = '';
  let quote = '';
  for (const ch of s) {
    if (quote !== '') {
      out += ch;
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      out += ch;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') continue;
    out += ch;
  }
  return out.toLowerCase();
}

/**
 * Compiles a regex literal of the query.
 *
 * @internal
 */
export function compileRegexLit(lit: RegexLit, scope: Pick<ExprScope, 'text'>): UserRegex {
  try {
    return compileUserRegex(lit.pattern);
  } catch (error) {
    if (error instanceof UserRegexSyntaxError) {
      compileError(
        'invalid_regex',
        `invalid regular expression /${lit.pattern}/: ${error.reason}`,
        lit.span,
        scope,
      );
    }
    throw error;
  }
}

function segmentParts(path: readonly PathSegment[]): string[] {
  return path.map((s) => (s.kind === 'name' ? s.name : String(s.index)));
}

function isComparable(v: Value): boolean {
  return v !== undefined && v !== null && !isValueMap(v) && !isValueList(v);
}

/** The text a `like` or regex test reads from a value, or `undefined` when it has none. */
function matchText(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (!isComparable(v)) return undefined;
  return valueToResultString(v);
}

/**
 * Compiles an expression into a closure.
 *
 * @throws {QueryError} `unknown_function`, `wrong_arity`, `invalid_regex`,
 *   `invalid_argument`, `constant_required`, `aggregate_not_allowed`.
 * @internal
 */
export function compileExpr(expr: Expr, scope: ExprScope): Evaluator {
  switch (expr.kind) {
    case 'FieldRef':
      return compileFieldRef(expr, scope);
    case 'StringLit': {
      const v = expr.value;
      return () => v;
    }
    case 'NumberLit': {
      const v = expr.value;
      return () => v;
    }
    case 'BoolLit': {
      const v = expr.value;
      return () => v;
    }
    case 'RegexLit':
      return compileError(
        'invalid_argument',
        'a regex can only follow like, not like or =~, or be a function argument',
        expr.span,
        scope,
      );
    case 'PeriodLit':
      return compileError(
        'invalid_argument',
        `a time period such as ${expr.text} can only be an argument of bin, datefloor or dateceil`,
        expr.span,
        scope,
      );
    case 'ListLit': {
      const items = expr.items.map((i) => compileExpr(i, scope));
      return (row, ctx) => items.map((f) => f(row, ctx));
    }
    case 'UnaryExpr': {
      const operand = compileExpr(expr.operand, scope);
      if (expr.op === 'not') return (row, ctx) => !isTruthy(operand(row, ctx));
      return (row, ctx) => negate(operand(row, ctx));
    }
    case 'BinaryExpr':
      return compileBinary(expr.op, compileExpr(expr.left, scope), compileExpr(expr.right, scope));
    case 'LikeExpr':
      return compileLike(expr, scope);
    case 'RegexMatchExpr':
      return compileRegexMatch(expr, scope);
    case 'InExpr':
      return compileIn(expr, scope);
    case 'CallExpr':
      return compileCall(expr, scope);
    case 'AccessExpr': {
      const object = compileExpr(expr.object, scope);
      const parts = segmentParts(expr.path);
      return (row, ctx) => walkValue(object(row, ctx), parts);
    }
    case 'InSubqueryExpr': {
      if (scope.subquery === undefined)
        return compileError('nested_subquery', 'a subquery cannot be used here', expr.span, scope);
      return scope.subquery(expr, compileExpr(expr.subject, scope));
    }
    default:
      return expr satisfies never;
  }
}

function compileFieldRef(ref: FieldRef, scope: ExprScope): Evaluator {
  const name = fieldRefName(ref);
  const parts = segmentParts(ref.path);
  // a name below a defined one (`user.username` after `fields … as user`) may still read the event: the
  // defined value hides it only when it is a map or list (see compileFieldLookup)
  if (!scope.defined.has(name)) scope.onFieldRead(name);
  const plain = compileFieldLookup(name, parts, scope.fieldOptions);
  const lookup = scope.wrapFieldLookup === undefined ? plain : scope.wrapFieldLookup(name, parts, plain);
  return (row) => lookup(row);
}

function compileBinary(op: BinaryOperator, left: Evaluator, right: Evaluator): Evaluator {
  switch (op) {
    case 'and':
      return (row, ctx) => isTruthy(left(row, ctx)) && isTruthy(right(row, ctx));
    case 'or':
      return (row, ctx) => isTruthy(left(row, ctx)) || isTruthy(right(row, ctx));
    case '=':
    case '==':
      return (row, ctx) => valuesEqual(left(row, ctx), right(row, ctx));
    case '!=':
      return (row, ctx) => {
        const a = left(row, ctx);
        const b = right(row, ctx);
        return isComparable(a) && isComparable(b) && !valuesEqual(a, b);
      };
    case '<':
      return (row, ctx) => {
        const c = compareOrdered(left(row, ctx), right(row, ctx));
        return c !== undefined && c < 0;
      };
    case '<=':
      return (row, ctx) => {
        const c = compareOrdered(left(row, ctx), right(row, ctx));
        return c !== undefined && c <= 0;
      };
    case '>':
      return (row, ctx) => {
        const c = compareOrdered(left(row, ctx), right(row, ctx));
        return c !== undefined && c > 0;
      };
    case '>=':
      return (row, ctx) => {
        const c = compareOrdered(left(row, ctx), right(row, ctx));
        return c !== undefined && c >= 0;
      };
    default: {
      // The one arithmetic implementation, shared with the function library.
      const apply = arithmeticOperator(op);
      return (row, ctx) => apply(left(row, ctx), right(row, ctx));
    }
  }
}

function compileLike(expr: LikeExpr, scope: ExprScope): Evaluator {
  const subject = compileExpr(expr.subject, scope);
  const negated = expr.negated;
  let test: (s: string) => boolean;
  if (expr.pattern.kind === 'StringLit') {
    const needle = expr.pattern.value;
    test = (s) => s.includes(needle);
  } else {
    const re = compileRegexLit(expr.pattern, scope);
    test = (s) => re.test(s);
  }
  return (row, ctx) => {
    const s = matchText(subject(row, ctx));
    if (s === undefined) return false;
    return test(s) !== negated;
  };
}

function compileRegexMatch(expr: RegexMatchExpr, scope: ExprScope): Evaluator {
  const subject = compileExpr(expr.subject, scope);
  const re = compileRegexLit(expr.pattern, scope);
  return (row, ctx) => {
    const s = matchText(subject(row, ctx));
    return s !== undefined && re.test(s);
  };
}

function compileIn(expr: InExpr, scope: ExprScope): Evaluator {
  const subject = compileExpr(expr.subject, scope);
  const items = expr.list.items.map((i) => compileExpr(i, scope));
  const negated = expr.negated;
  return (row, ctx) => {
    const v = subject(row, ctx);
    if (!isComparable(v)) return false;
    let found = false;
    for (const item of items) {
      if (valuesEqual(v, item(row, ctx))) {
        found = true;
        break;
      }
    }
    return found !== negated;
  };
}

/**
 * Resolves a call's function definition, with "did you mean" hints.
 *
 * @internal
 */
export function resolveFunction(
  call: CallExpr,
  scope: Pick<ExprScope, 'text'>,
  known: readonly string[],
): FunctionDef {
  const def = lookupFunction(call.name);
  if (def === undefined) {
    const hints = didYouMean(call.name, known).map((s) => `did you mean ${s}?`);
    compileError('unknown_function', `unknown function "${call.name}"`, call.span, scope, hints);
  }
  const count = call.star ? 1 : call.args.length;
  const starOk = def.kind === 'aggregate' && def.name.toLowerCase() === 'count';
  if (call.star && !starOk) {
    compileError('invalid_argument', `${def.name}(*) is not valid: only count(*) takes *`, call.span, scope);
  }
  if (count < def.minArgs || count > def.maxArgs) {
    const expected =
      def.minArgs === def.maxArgs
        ? `${def.minArgs}`
        : def.maxArgs === Number.POSITIVE_INFINITY
          ? `at least ${def.minArgs}`
          : `${def.minArgs} to ${def.maxArgs}`;
    compileError(
      'wrong_arity',
      `${def.name} takes ${expected} argument${expected === '1' ? '' : 's'}, got ${count}`,
      call.span,
      scope,
      [`example: ${def.example}`],
    );
  }
  return def;
}

/** Compiles one argument: regex and period literals become special arguments. */
function compileArg(arg: Expr, scope: ExprScope): (row: Row, ctx: EvalContext) => Arg {
  if (arg.kind === 'RegexLit') {
    const special: SpecialArg = { kind: 'Regex', regex: compileRegexLit(arg, scope) };
    return () => special;
  }
  if (arg.kind === 'PeriodLit') {
    const period: Period = { kind: 'Period', amount: arg.amount, unit: arg.unit };
    return () => period;
  }
  return compileExpr(arg, scope);
}

/** The value of a compile-time constant argument, or `undefined` when the argument is not constant. */
function constantArg(arg: Expr, scope: ExprScope): { value: Arg } | undefined {
  switch (arg.kind) {
    case 'StringLit':
    case 'NumberLit':
    case 'BoolLit':
      return { value: arg.value };
    case 'RegexLit':
    case 'PeriodLit':
      return { value: (compileArg(arg, scope) as () => Arg)() };
    case 'UnaryExpr':
      if (arg.op === '-' && arg.operand.kind === 'NumberLit') return { value: -arg.operand.value };
      return undefined;
    default:
      return undefined;
  }
}

function knownNames(): string[] {
  return FUNCTIONS.map((f) => f.name);
}

/** Checks and collects the constant arguments of a call (by index, as `create` and `validate` expect). */
function constants(call: CallExpr, def: FunctionDef, scope: ExprScope): Arg[] {
  const out: Arg[] = [];
  for (const index of def.constantArgs ?? []) {
    const arg = call.args[index];
    if (arg === undefined) continue;
    const c = constantArg(arg, scope);
    if (c === undefined) {
      compileError(
        'constant_required',
        `argument ${index + 1} of ${def.name} must be a literal (a number, string, period or regex)`,
        arg.span,
        scope,
      );
    }
    out[index] = c.value;
  }
  if (def.validate !== undefined) {
    const problem = def.validate(out);
    if (problem !== undefined) compileError('invalid_argument', problem, call.span, scope);
  }
  return out;
}

function compileCall(call: CallExpr, scope: ExprScope): Evaluator {
  // After stats, `count(*)` in a later command names the column `count(*)`.
  if (scope.columns !== undefined && scope.text !== undefined) {
    const text = spanText(call.span, scope.text);
    if (text !== undefined) {
      const wanted = squeeze(text);
      for (const column of scope.columns) {
        if (squeeze(column) === wanted) {
          const lookup = compileFieldLookup(column, [column], scope.fieldOptions);
          return (row) => lookup(row);
        }
      }
    }
  }
  const def = resolveFunction(call, scope, knownNames());
  const consts = constants(call, def, scope);
  if (def.kind === 'aggregate') return compileAggregateCall(call, def, consts, scope);
  return compileScalarCall(call, def, scope);
}

function compileScalarCall(call: CallExpr, def: ScalarFunctionDef, scope: ExprScope): Evaluator {
  const args = call.args.map((a) => compileArg(a, scope));
  if (def.implicitTimestamp === true) {
    const ts = compileFieldLookup('@timestamp', ['@timestamp'], scope.fieldOptions);
    if (!scope.defined.has('@timestamp')) scope.onFieldRead('@timestamp');
    args.push((row) => ts(row));
  }
  const fn = def.call;
  const n = args.length;
  if (n === 0) return (_row, ctx) => fn([], ctx);
  if (n === 1) {
    const a0 = args[0] as (row: Row, ctx: EvalContext) => Arg;
    return (row, ctx) => fn([a0(row, ctx)], ctx);
  }
  return (row, ctx) => {
    const values: Arg[] = new Array(n);
    for (let i = 0; i < n; i++) values[i] = (args[i] as (row: Row, ctx: EvalContext) => Arg)(row, ctx);
    return fn(values, ctx);
  };
}

function compileAggregateCall(
  call: CallExpr,
  def: AggregateFunctionDef,
  consts: readonly Arg[],
  scope: ExprScope,
): Evaluator {
  const agg = scope.aggregates;
  if (agg === undefined) {
    compileError(
      'aggregate_not_allowed',
      `${def.name} is an aggregate function: it can only be used in stats`,
      call.span,
      scope,
    );
  }
  // Arguments are row expressions: no aggregate inside an aggregate.
  const inner: ExprScope = { ...scope, aggregates: undefined, columns: undefined };
  const star: SpecialArg = { kind: 'Star' };
  const argFns = call.star ? [() => star as Arg] : call.args.map((a) => compileArg(a, inner));
  const slot: AggregateSlot = {
    def,
    constants: consts,
    args: (row, ctx) => argFns.map((f) => f(row, ctx)),
  };
  const index = agg.slots.length;
  agg.slots.push(slot);
  const values = agg.slotValues;
  return () => values.current[index];
}

/**
 * Resolves every call in an expression (unknown names, arity), so that these
 * errors win over placement errors.
 *
 * @internal
 */
export function resolveCalls(expr: Expr, scope: Pick<ExprScope, 'text'>): void {
  walkExpr(expr, (e) => {
    if (e.kind === 'CallExpr') resolveFunction(e, scope, knownNames());
    return true;
  });
}

/**
 * Tells whether an expression contains an aggregate call (resolving names in the registry).
 *
 * @internal
 */
export function containsAggregate(expr: Expr): boolean {
  return someExpr(expr, (e) => e.kind === 'CallExpr' && lookupFunction(e.name)?.kind === 'aggregate');
}

/**
 * Lists the field references of an expression (flattened names).
 *
 * @internal
 */
export function fieldRefsOf(expr: Expr, out: string[] = []): string[] {
  walkExpr(
    expr,
    (e) => {
      if (e.kind === 'FieldRef') out.push(fieldRefName(e));
      return true;
    },
    (e) => {
      // (after the arguments' fields: `bin` reads the row's @timestamp too)
      if (e.kind === 'CallExpr' && lookupFunction(e.name)?.implicitTimestamp === true) out.push('@timestamp');
    },
  );
  return out;
}
