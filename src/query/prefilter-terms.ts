/**
 * The literal terms of the raw-text prefilter (see `prefilter.ts`): the
 * terms one filter expression or `filterIndex` gives. Filter commands use
 * them in their `CommandSpec.predicate`.
 *
 * @module
 */
import type { Expr } from './ast.js';
import { fieldRefName } from './ast.js';
import { isNumericString } from './semantics/compare.js';

/**
 * One literal that may satisfy a clause.
 *
 * @example
 * ```ts
 * import { compileQuery, type PrefilterTerm } from 'kubetrail/engine';
 * const terms: PrefilterTerm[] = compileQuery('filter @message like "AccessDenied"').prefilter.clauses.flat();
 * terms; //=> [{ field: '@message', text: 'AccessDenied', where: 'message' }]
 * ```
 */
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
 *
 * @example
 * ```ts
 * import { compileQuery, type Prefilter } from 'kubetrail/engine';
 * const prefilter: Prefilter = compileQuery('filter verb = "delete" and objectRef.resource in ["secrets", "configmaps"]').prefilter;
 * prefilter.clauses.map((clause) => clause.map((term) => term.text)); //=> [['delete'], ['secrets', 'configmaps']]
 * ```
 */
export interface Prefilter {
  readonly clauses: readonly (readonly PrefilterTerm[])[];
}

/** Clauses of a prefilter under construction. @internal */
export type Clauses = PrefilterTerm[][];

/**
 * Characters `String(number)` can produce. A `like` literal made only of them
 * could match a JSON number whose raw spelling differs (`1E+21` reads as
 * `1e+21`, `1e400` as `Infinity`), so it gives no term.
 */
const NUMBER_TEXT = /^[0-9.eE+\-Infinity]+$/;

/** A regex that is one plain literal (no metacharacters, no flags) matches exactly where the literal occurs. */
const PLAIN_REGEX = /^[A-Za-z0-9_:/@%=,'<>!#&~-]+$/;

/**
 * The term for `field` holding `text`, or `undefined` when the literal
 * cannot be looked for in raw text: empty or numeric-looking, a field a
 * command before it defined (`defined`), or a system field other than
 * `@message`. `substring` marks `like` literals.
 *
 * @example
 * ```ts
 * termFor('verb', 'delete', new Set()) //=> { field: 'verb', text: 'delete', where: 'json-value' }
 * ```
 * @internal
 */
export function termFor(
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

/**
 * The clauses a filter expression gives (see the module notes of
 * `prefilter.ts`): `and` adds clauses, `or` merges one clause of each side,
 * anything else gives none.
 *
 * @example
 * ```ts
 * clausesOf(parseQuery('filter verb = "get"').commands[0].expr, new Set()).length //=> 1
 * ```
 * @internal
 */
export function clausesOf(expr: Expr, defined: ReadonlySet<string>): Clauses {
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
