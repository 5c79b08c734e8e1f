/**
 * The raw-text prefilter description of a compiled query: literals that
 * must occur in an event's text for the event to reach the output.
 *
 * It is computed from the filters that run before anything that counts,
 * reorders or aggregates rows (so skipping an event that fails it cannot
 * change which other events are kept), from `=`/`==`, `in`, `like "text"`
 * and `filterIndex` predicates on event fields, and from `like /re/` and
 * `=~ /re/` when the regex is one plain literal without `(?i)` (a
 * case-insensitive regex or `like` gives nothing: its literal may occur in
 * any case). `and` adds clauses; `a or b`
 * gives one clause with the alternatives of both sides; `not` and anything
 * else give nothing. Numeric-looking literals are left out, because `"401"`
 * also equals the JSON number `401.0`; so are substring literals made only
 * of characters a number prints with (`like "e+"` matches `1E+21`).
 *
 * The engine does not apply the prefilter itself: a reader may, before
 * parsing a line, as long as it accounts for JSON escaping (a record may
 * spell `rolebindings` as `\u0072olebindings`, or `/` as `\/`) — for
 * `where: 'json-value'` terms the literal is the decoded string value.
 *
 * @module
 */
import type { Command, Expr } from './ast.js';
import { fieldRefName } from './ast.js';
import type { PlanStep } from './compile.js';
import { isNumericString } from './semantics.js';

/** One literal that may satisfy a clause. */
export interface PrefilterTerm {
  /** The field the literal is compared with (`objectRef.resource`, `@message`). */
  readonly field: string;
  /** The literal, decoded (as the query means it). */
  readonly text: string;
  /**
   * `'message'`: the literal occurs verbatim in `@message`. `'json-value'`:
   * the literal is (part of) a JSON string or literal value in the record,
   * so in raw JSON text it may appear escaped.
   */
  readonly where: 'message' | 'json-value';
}

/**
 * A conjunction of clauses; each clause is satisfied when any of its terms
 * occurs. An event whose text satisfies every clause may match; any other
 * event cannot reach the output.
 */
export interface Prefilter {
  readonly clauses: readonly (readonly PrefilterTerm[])[];
}

type Clauses = PrefilterTerm[][];

/**
 * Characters `String(number)` can produce. A `like` literal made only of them
 * could match a JSON number whose raw spelling differs (`1E+21` reads as
 * `1e+21`, `1e400` as `Infinity`), so it gives no term.
 */
const NUMBER_TEXT = /^[0-9.eE+\-Infinity]+$/;

/** A regex that is one plain literal (no metacharacters, no flags) matches exactly where the literal occurs. */
const PLAIN_REGEX = /^[A-Za-z0-9_:/@%=,'<>!#&~-]+$/;

function termFor(
  field: string,
  text: string,
  defined: ReadonlySet<string>,
  substring = false,
): PrefilterTerm | undefined {
  if (text === '' || isNumericString(text)) return undefined;
  if (substring && NUMBER_TEXT.test(text)) return undefined;
  const parts = field.split('.');
  for (let i = parts.length; i >= 1; i--) if (defined.has(parts.slice(0, i).join('.'))) return undefined;
  if (field === '@message') return { field, text, where: 'message' };
  if (field.startsWith('@') && !field.startsWith('@@')) return undefined;
  return { field, text, where: 'json-value' };
}

function clausesOf(expr: Expr, defined: ReadonlySet<string>): Clauses {
  switch (expr.kind) {
    case 'BinaryExpr': {
      if (expr.op === 'and') return [...clausesOf(expr.left, defined), ...clausesOf(expr.right, defined)];
      if (expr.op === 'or') {
        const a = clausesOf(expr.left, defined);
        const b = clausesOf(expr.right, defined);
        if (a.length === 0 || b.length === 0) return [];
        return [[...(a[0] ?? []), ...(b[0] ?? [])]];
      }
      if (expr.op === '=' || expr.op === '==') {
        const [ref, lit] = expr.left.kind === 'FieldRef' ? [expr.left, expr.right] : [expr.right, expr.left];
        if (ref.kind !== 'FieldRef' || lit.kind !== 'StringLit') return [];
        const t = termFor(fieldRefName(ref), lit.value, defined);
        return t === undefined ? [] : [[t]];
      }
      return [];
    }
    case 'InExpr': {
      if (expr.negated || expr.subject.kind !== 'FieldRef') return [];
      const field = fieldRefName(expr.subject);
      const terms: PrefilterTerm[] = [];
      for (const item of expr.list.items) {
        if (item.kind !== 'StringLit') return [];
        const t = termFor(field, item.value, defined);
        if (t === undefined) return [];
        terms.push(t);
      }
      return terms.length === 0 ? [] : [terms];
    }
    case 'LikeExpr':
    case 'RegexMatchExpr': {
      if (expr.kind === 'LikeExpr' && expr.negated) return [];
      if (expr.subject.kind !== 'FieldRef') return [];
      const p = expr.pattern;
      let text: string;
      if (p.kind === 'StringLit') text = p.value;
      else if (p.kind === 'RegexLit' && !p.caseInsensitive && PLAIN_REGEX.test(p.pattern)) text = p.pattern;
      else return [];
      const t = termFor(fieldRefName(expr.subject), text, defined, true);
      return t === undefined ? [] : [[t]];
    }
    default:
      return [];
  }
}

function definedBy(c: Command): string[] {
  switch (c.kind) {
    case 'FieldsCommand':
      return c.items.flatMap((i) => (i.alias === undefined ? [] : [i.alias.name]));
    case 'ParseCommand':
      switch (c.mode.kind) {
        case 'ParseLogfmt':
          return [c.mode.name.name];
        case 'ParseRegex':
          // Named groups are not known here without compiling; be conservative.
          return c.mode.names.length > 0 ? c.mode.names.map((n) => n.name) : ['\u0000regex'];
        default:
          return c.mode.names.map((n) => n.name);
      }
    case 'UnnestCommand':
      return [c.into.name];
    case 'JsonCommand':
      return [c.alias.name];
    default:
      return [];
  }
}

/**
 * Computes the prefilter of a laid-out plan.
 *
 * @internal
 */
export function computePrefilter(steps: readonly PlanStep[], _text: string | undefined): Prefilter {
  const clauses: Clauses = [];
  const defined = new Set<string>();
  let conservative = false;
  for (const step of steps) {
    if (step.kind === 'match-point') continue;
    if (step.kind !== 'command') break;
    const c = step.command;
    if (c.kind === 'FilterCommand') {
      if (!conservative) clauses.push(...clausesOf(c.expr, defined));
      continue;
    }
    if (c.kind === 'FilterIndexCommand') {
      const field = fieldRefName(c.field);
      const terms: PrefilterTerm[] = [];
      let ok = !conservative;
      for (const v of c.values) {
        const t = v.kind === 'StringLit' ? termFor(field, v.value, defined) : undefined;
        if (t === undefined) ok = false;
        else terms.push(t);
      }
      if (ok && terms.length > 0) clauses.push(terms);
      continue;
    }
    if (
      c.kind === 'SortCommand' ||
      c.kind === 'LimitCommand' ||
      c.kind === 'DedupCommand' ||
      c.kind === 'StatsCommand'
    ) {
      break;
    }
    const names = definedBy(c);
    // A parse regex with unknown group names could define any field: stop trusting field names.
    if (names.includes('\u0000regex')) conservative = true;
    for (const n of names) defined.add(n);
  }
  return { clauses };
}
