/**
 * The detection index: which detection queries an event can reach, found
 * from the literals each query requires, as Falco indexes its rules by
 * event type.
 *
 * A query is indexed on one field when a filter that runs before anything
 * counts, reorders or aggregates rows requires that field to equal one of a
 * few string literals (`verb = "create"`, `eventName in ["A", "B"]`,
 * `objectRef.resource = "pods" or objectRef.resource = "pods/exec"`,
 * `filterIndex eventSource = "…"`). An event whose value of that field is
 * none of the literals fails that filter, so skipping it cannot change the
 * query's rows or `recordsMatched`. The fields are the discriminating ones:
 * `objectRef.resource` and `verb` for Kubernetes audit events, `eventName`
 * and `eventSource` for CloudTrail. Literals that spell a number or a
 * boolean are never used (`"401"` equals the JSON number 401, `"true"` the
 * boolean); every other literal equals only the identical string.
 *
 * @module
 */

import type { LogEvent } from '../log-event.js';
import type { Expr, QueryAst } from '../query/ast.js';
import { fieldRefName } from '../query/ast.js';
import { specOf } from '../query/commands/registry.js';
import { planCommands } from '../query/plan-commands.js';
import { compileFieldLookup, eventRow, type FieldLookup } from '../query/row.js';
import { isNumericString } from '../query/semantics/compare.js';
import type { DetectionKind } from './types.js';

/**
 * The fields detections are indexed on, per kind, most selective first.
 *
 * @example
 * ```ts
 * INDEX_FIELDS.cloudtrail; //=> ['eventName', 'eventSource']
 * ```
 */
export const INDEX_FIELDS: Readonly<Record<DetectionKind, readonly string[]>> = {
  'kubernetes-audit': ['objectRef.resource', 'verb'],
  cloudtrail: ['eventName', 'eventSource'],
  authenticator: [],
};

/** The field and literals a query requires. */
export interface IndexKey {
  readonly field: string;
  readonly values: readonly string[];
}

function usable(text: string): boolean {
  return !isNumericString(text) && text !== 'true' && text !== 'false';
}

/** The key one condition gives: an equality, an `in` list, or an `or` of them on one field. */
function keyOfExpr(
  expr: Expr,
  fields: readonly string[],
  defined: ReadonlySet<string>,
): IndexKey | undefined {
  const ok = (field: string): boolean => fields.includes(field) && !isDefined(field, defined);
  switch (expr.kind) {
    case 'BinaryExpr': {
      if (expr.op === 'or') {
        const a = keyOfExpr(expr.left, fields, defined);
        const b = keyOfExpr(expr.right, fields, defined);
        if (a === undefined || b === undefined || a.field !== b.field) return undefined;
        return { field: a.field, values: [...a.values, ...b.values] };
      }
      if (expr.op !== '=' && expr.op !== '==') return undefined;
      const [ref, lit] = expr.left.kind === 'FieldRef' ? [expr.left, expr.right] : [expr.right, expr.left];
      if (ref.kind !== 'FieldRef' || lit.kind !== 'StringLit' || !usable(lit.value)) return undefined;
      const field = fieldRefName(ref);
      return ok(field) ? { field, values: [lit.value] } : undefined;
    }
    case 'InExpr': {
      if (expr.negated || expr.subject.kind !== 'FieldRef') return undefined;
      const field = fieldRefName(expr.subject);
      if (!ok(field)) return undefined;
      const values: string[] = [];
      for (const item of expr.list.items) {
        if (item.kind !== 'StringLit' || !usable(item.value)) return undefined;
        values.push(item.value);
      }
      return values.length === 0 ? undefined : { field, values };
    }
    default:
      return undefined;
  }
}

/**
 * The conjuncts of a filter expression: the operands of its top-level `and`s, in order.
 *
 * @example
 * ```ts
 * conjuncts(parseQuery('filter a = 1 and (b = 2 or c = 3)').commands[0].expr).length; //=> 2
 * ```
 * @internal
 */
export function conjuncts(expr: Expr, out: Expr[] = []): Expr[] {
  if (expr.kind === 'BinaryExpr' && expr.op === 'and') {
    conjuncts(expr.left, out);
    conjuncts(expr.right, out);
  } else out.push(expr);
  return out;
}

function isDefined(field: string, defined: ReadonlySet<string>): boolean {
  const parts = field.split('.');
  for (let i = parts.length; i >= 1; i--) if (defined.has(parts.slice(0, i).join('.'))) return true;
  return false;
}

/**
 * The index key of a compiled query, or `undefined` when every event of
 * its kind must reach it. Reads the plan as the engine lays it out
 * (filters hoisted), up to the first step that counts, reorders or
 * aggregates (a `CommandSpec.barrier`), as the prefilter does; a filter on
 * a field that an earlier command defines (`CommandSpec.defines`) gives no
 * key, since it does not test the event's own field.
 *
 * @example
 * ```ts
 * const q = 'filter verb = "create" and objectRef.resource in ["roles", "clusterroles"]';
 * indexKeyOf(parseQuery(q), q, 'kubernetes-audit');
 * //=> { field: 'objectRef.resource', values: ['roles', 'clusterroles'] }
 * ```
 */
export function indexKeyOf(ast: QueryAst, text: string, kind: DetectionKind): IndexKey | undefined {
  if (INDEX_FIELDS[kind].length === 0) return undefined;
  // a thread that parses a query once (a worker's partitions) plans its key once
  let byKind = KEYS.get(ast);
  if (byKind === undefined) {
    byKind = new Map();
    KEYS.set(ast, byKind);
  }
  const cacheKey = `${kind}\u0000${text}`;
  if (byKind.has(cacheKey)) return byKind.get(cacheKey);
  const key = planKey(ast, text, kind);
  byKind.set(cacheKey, key);
  return key;
}

const KEYS = new WeakMap<QueryAst, Map<string, IndexKey | undefined>>();

function planKey(ast: QueryAst, text: string, kind: DetectionKind): IndexKey | undefined {
  const fields = INDEX_FIELDS[kind];
  const steps = planCommands(ast.commands, {}, text);
  const defined = new Set<string>();
  const keys: IndexKey[] = [];
  scan: for (const step of steps) {
    if (step.kind === 'match-point') continue;
    if (step.kind !== 'command') break;
    const c = step.command;
    switch (c.kind) {
      case 'FilterCommand':
        for (const e of conjuncts(c.expr)) {
          const k = keyOfExpr(e, fields, defined);
          if (k !== undefined) keys.push(k);
        }
        break;
      case 'FilterIndexCommand': {
        const field = fieldRefName(c.field);
        if (!fields.includes(field) || isDefined(field, defined)) break;
        const values = c.values.flatMap((v) => (v.kind === 'StringLit' && usable(v.value) ? [v.value] : []));
        if (values.length === c.values.length && values.length > 0) keys.push({ field, values });
        break;
      }
      default: {
        const spec = specOf(c);
        if (spec.barrier) break scan;
        for (const n of spec.defines(c, text)) defined.add(n);
      }
    }
  }
  let best: IndexKey | undefined;
  for (const k of keys) {
    if (
      best === undefined ||
      fields.indexOf(k.field) < fields.indexOf(best.field) ||
      (k.field === best.field && k.values.length < best.values.length)
    )
      best = k;
  }
  return best === undefined ? undefined : { field: best.field, values: [...new Set(best.values)] };
}

/** Routes events to the queries (by position) that they can reach. */
export interface DetectionRouter {
  /** Positions of the queries `event` can reach, in ascending order; shared arrays, do not modify. */
  route(event: LogEvent): readonly number[];
  /** How many queries of each kind are indexed and how many see every event of their kind. */
  readonly summary: Readonly<Record<string, { indexed: number; unindexed: number }>>;
}

interface Posting {
  /** A number for this list within its kind, for the cache of merged lists. */
  readonly id: number;
  readonly queries: number[];
}

interface KindIndex {
  readonly unindexed: number[];
  readonly fields: {
    readonly name: string;
    readonly lookup: FieldLookup;
    readonly byValue: Map<string, Posting>;
  }[];
  /** Merged candidate lists, by the postings hit. */
  readonly merged: Map<string, readonly number[]>;
  postings: number;
}

/**
 * Builds the router over queries given as `(kind, key)` in run order.
 *
 * @example
 * ```ts
 * const router = buildRouter([{ kind: 'cloudtrail', key: { field: 'eventName', values: ['StopLogging'] } }]);
 * router.route(ctEvent('StopLogging')); //=> [0]
 * ```
 */
export function buildRouter(
  queries: readonly { readonly kind: DetectionKind; readonly key: IndexKey | undefined }[],
): DetectionRouter {
  const kinds = new Map<string, KindIndex>();
  const summary: Record<string, { indexed: number; unindexed: number }> = {};
  queries.forEach((q, i) => {
    let k = kinds.get(q.kind);
    if (k === undefined) {
      k = { unindexed: [], fields: [], merged: new Map(), postings: 0 };
      kinds.set(q.kind, k);
      summary[q.kind] = { indexed: 0, unindexed: 0 };
    }
    const s = summary[q.kind] as { indexed: number; unindexed: number };
    if (q.key === undefined) {
      k.unindexed.push(i);
      s.unindexed++;
      return;
    }
    s.indexed++;
    const name = q.key.field;
    let f = k.fields.find((x) => x.name === name);
    if (f === undefined) {
      f = { name, lookup: compileFieldLookup(name), byValue: new Map() };
      k.fields.push(f);
    }
    for (const v of q.key.values) {
      let posting = f.byValue.get(v);
      if (posting === undefined) {
        posting = { id: k.postings++, queries: [] };
        f.byValue.set(v, posting);
      }
      posting.queries.push(i);
    }
  });
  const none: readonly number[] = [];
  return {
    summary,
    route(event) {
      const k = kinds.get(event.kind);
      if (k === undefined) return none;
      if (k.fields.length === 0) return k.unindexed;
      const row = eventRow(event, 0);
      let cacheKey = '';
      let hits: Posting[] | undefined;
      for (const f of k.fields) {
        const v = f.lookup(row);
        const posting = typeof v === 'string' ? f.byValue.get(v) : undefined;
        if (posting === undefined) continue;
        cacheKey += `${posting.id},`;
        if (hits === undefined) hits = [posting];
        else hits.push(posting);
      }
      if (hits === undefined) return k.unindexed;
      let merged = k.merged.get(cacheKey);
      if (merged === undefined) {
        merged = [...k.unindexed, ...hits.flatMap((h) => h.queries)].sort((a, b) => a - b);
        // bounded by the combinations of catalogue literals that occur together
        if (k.merged.size < 100_000) k.merged.set(cacheKey, merged);
      }
      return merged;
    },
  };
}
