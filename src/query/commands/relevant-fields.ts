/**
 * `relevantfields [field, …] where condition`: ranks fields by how much
 * their values differ between the rows where `condition` holds and the
 * rest (the baseline). One output row per analysed field, most relevant
 * first (then by name):
 *
 * - a numeric field (every present value a number or numeric string) scores
 *   the Kolmogorov–Smirnov statistic between the two sets' values, and
 *   shows both medians;
 * - any other field scores the total-variation distance between the two
 *   sets' value distributions, a missing value counting as a value of its
 *   own, and lists the (up to three) values most over-represented in the
 *   condition set.
 *
 * Both scores lie in [0, 1]. Without a field list every field of the rows
 * is analysed except `@timestamp`, `@message`, `@ingestionTime`, `@ptr` and
 * the fields the condition reads. Each field's values are held in an
 * external sorter charged to the run's byte budget (they spill at it); at
 * most {@link MAX_RELEVANT_FIELDS} fields are analysed. One thread.
 *
 * @module
 */
import type { FieldRef, RelevantFieldsCommand } from '../ast.js';
import { fieldRefName } from '../ast.js';
import { QueryError } from '../errors.js';
import { compileExpr, type Evaluator, fieldRefsOf } from '../evaluate.js';
import { parseExpr } from '../parse/expression.js';
import { advance, expectWord, isWord, parseFieldName, span } from '../parse/state.js';
import type { BufferLimit, RunState, StageFactory } from '../plan.js';
import { printExpression } from '../print-expression.js';
import {
  compileFieldLookup,
  discoverFields,
  type FieldLookup,
  type FieldLookupOptions,
  fieldsRow,
  type Row,
} from '../row.js';
import { checkAvailable, scopeOf } from '../scope.js';
import { isTruthy } from '../semantics/compare.js';
import { valueToResultString } from '../semantics/format.js';
import { createExternalSorter, decodeValue, type ExternalSorter, encodeValue } from '../spill.js';
import type { Value } from '../value.js';
import { outlierNumber } from './outlier.js';
import { setColumns } from './pattern/compile-step.js';
import type { CommandSpec } from './spec.js';

/**
 * The output columns (documented).
 *
 * @example
 * ```ts
 * RELEVANT_FIELDS_COLUMNS[0] //=> '@fieldName'
 * ```
 * @internal
 */
export const RELEVANT_FIELDS_COLUMNS = [
  '@fieldName',
  '@relevanceScore',
  '@topRelevanceContributors',
  '@conditionalMedian',
  '@baselineMedian',
] as const;

/**
 * The most fields one `relevantfields` analyses; beyond it the run stops
 * with `resource_limit` (the field names come from the data, and each
 * field holds a sorter).
 *
 * @example
 * ```ts
 * MAX_RELEVANT_FIELDS //=> 1000
 * ```
 */
export const MAX_RELEVANT_FIELDS = 1000;

/** Fields never analysed when no list is given: the time, the raw text and the pointers. */
const SKIPPED = new Set(['@timestamp', '@message', '@ingestionTime', '@ptr']);

/** How many contributors a categorical field lists. */
const TOP_CONTRIBUTORS = 3;

/** A field's state: one value per entry (numeric key, text, side). */
interface Entry {
  readonly num: number | undefined;
  readonly str: string;
  /** 1 for the condition set, 0 for the baseline. */
  readonly side: 0 | 1;
}

interface FieldState {
  readonly name: string;
  readonly lookup: FieldLookup;
  readonly values: ExternalSorter<Entry>;
  /** Present values per side. */
  readonly present: [number, number];
  numeric: boolean;
}

/** Numbers first in numeric order, then text; equal texts stay together either way. */
function compareEntries(a: Entry, b: Entry): number {
  if (a.num !== undefined || b.num !== undefined) {
    if (a.num === undefined) return 1;
    if (b.num === undefined) return -1;
    if (a.num !== b.num) return a.num < b.num ? -1 : 1;
  }
  if (a.str !== b.str) return a.str < b.str ? -1 : 1;
  return a.side - b.side;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** The median of one side, by its two middle ranks. */
function createMedian(n: number): { see(v: number): void; readonly value: number | undefined } {
  const lo = Math.floor((n - 1) / 2);
  const hi = Math.ceil((n - 1) / 2);
  let i = 0;
  let a: number | undefined;
  let b: number | undefined;
  return {
    see(v) {
      if (i === lo) a = v;
      if (i === hi) b = v;
      i++;
    },
    get value() {
      return a === undefined || b === undefined ? undefined : a + (b - a) / 2;
    },
  };
}

/** Scores one field over its sorted entries; `rows` are the rows per side. */
function scoreField(f: FieldState, rows: readonly [number, number]): Map<string, Value> {
  const [n0, n1] = f.present;
  const [r0, r1] = rows;
  const out = new Map<string, Value>([['@fieldName', f.name]]);
  const sorted = f.values.finish();
  if (f.numeric && n0 > 0 && n1 > 0) {
    // Kolmogorov–Smirnov: the largest gap between the two empirical distribution functions.
    const medians = [createMedian(n0), createMedian(n1)] as const;
    let c0 = 0;
    let c1 = 0;
    let d = 0;
    let current: number | undefined;
    for (const e of sorted) {
      const v = e.num as number;
      if (current !== undefined && v !== current) d = Math.max(d, Math.abs(c1 / n1 - c0 / n0));
      current = v;
      medians[e.side].see(v);
      if (e.side === 1) c1++;
      else c0++;
    }
    d = Math.max(d, Math.abs(c1 / n1 - c0 / n0));
    out.set('@relevanceScore', round6(d));
    out.set('@conditionalMedian', medians[1].value);
    out.set('@baselineMedian', medians[0].value);
    return out;
  }
  if (f.numeric) {
    // One side has no value: only presence differs.
    for (const _ of sorted); // (drains the sorter, releasing what it holds)
    out.set('@relevanceScore', round6(Math.abs(n1 / r1 - n0 / r0)));
    return out;
  }
  // Total variation over the values, missing counted as a value of its own.
  let tv = Math.abs((r1 - n1) / r1 - (r0 - n0) / r0);
  const top: { str: string; shift: number }[] = [];
  let group: string | undefined;
  let c0 = 0;
  let c1 = 0;
  const close = (): void => {
    if (group === undefined) return;
    const shift = c1 / r1 - c0 / r0;
    tv += Math.abs(shift);
    if (shift > 0) {
      top.push({ str: group, shift });
      top.sort((a, b) => b.shift - a.shift || (a.str < b.str ? -1 : a.str > b.str ? 1 : 0));
      if (top.length > TOP_CONTRIBUTORS) top.pop();
    }
  };
  for (const e of sorted) {
    if (e.str !== group) {
      close();
      group = e.str;
      c0 = 0;
      c1 = 0;
    }
    if (e.side === 1) c1++;
    else c0++;
  }
  close();
  out.set('@relevanceScore', round6(tv / 2));
  out.set(
    '@topRelevanceContributors',
    top.map((t) => t.str),
  );
  return out;
}

/** The per-field bookkeeping outside the sorters (map entry, lookup, counters). */
const FIELD_BYTES = 400;

/**
 * The `relevantfields` stage.
 *
 * @internal
 */
export function relevantFieldsStage(spec: {
  readonly condition: Evaluator;
  /** The fields to analyse; `undefined` for every field of the rows except `skip`. */
  readonly fields: readonly string[] | undefined;
  readonly skip: ReadonlySet<string>;
  readonly fieldOptions: FieldLookupOptions;
  readonly limit: BufferLimit;
  readonly tooManyFields: () => never;
}): StageFactory {
  return (next, state: RunState) => {
    const { memory } = state;
    const fields = new Map<string, FieldState>();
    const rows: [number, number] = [0, 0];
    let own = 0;
    const fieldOf = (name: string): FieldState => {
      let f = fields.get(name);
      if (f === undefined) {
        if (fields.size >= MAX_RELEVANT_FIELDS) spec.tooManyFields();
        f = {
          name,
          lookup: compileFieldLookup(name, undefined, spec.fieldOptions),
          values: createExternalSorter<Entry>({
            memory,
            compare: compareEntries,
            encode: (e) => [encodeValue(e.num), e.str, e.side],
            decode: (x) => {
              const [num, str, side] = x as [unknown, string, 0 | 1];
              return { num: decodeValue(num) as number | undefined, str, side };
            },
            size: (e) => 64 + 2 * e.str.length,
            overBudget: spec.limit.overBudget,
          }),
          present: [0, 0],
          numeric: true,
        };
        fields.set(name, f);
        // (charged, so that other stages spill sooner; bounded by MAX_RELEVANT_FIELDS, it cannot spill itself)
        own += FIELD_BYTES;
        memory.used += FIELD_BYTES;
      }
      return f;
    };
    if (spec.fields !== undefined) for (const name of spec.fields) fieldOf(name);
    const namesOf = (row: Row): Iterable<string> => {
      if (spec.fields !== undefined) return spec.fields;
      const names = new Set<string>(row.defined?.keys() ?? []);
      const event = row.event;
      if (event !== undefined) {
        if (event.logStream !== undefined) names.add('@logStream');
        if (event.logGroup !== undefined) names.add('@log');
        const record = event.kind === 'text' ? undefined : event.record;
        const cap = spec.fieldOptions.maxDiscoveredFields ?? Number.POSITIVE_INFINITY;
        for (const n of discoverFields(record, cap, event.kind === 'lambda')) names.add(n);
      }
      return names;
    };
    return {
      push(row) {
        const side: 0 | 1 = isTruthy(spec.condition(row, state.ctx)) ? 1 : 0;
        rows[side]++;
        for (const name of namesOf(row)) {
          if (spec.fields === undefined && spec.skip.has(name)) continue;
          const f = fieldOf(name);
          const v = f.lookup(row);
          const str = valueToResultString(v);
          if (str === undefined) continue;
          const num = outlierNumber(v);
          if (num === undefined) f.numeric = false;
          f.present[side]++;
          f.values.add({ num, str, side });
        }
        return true;
      },
      end() {
        const out: Map<string, Value>[] = [];
        try {
          for (const f of fields.values()) {
            if (rows[0] === 0 || rows[1] === 0) {
              for (const _ of f.values.finish()); // (nothing to compare: release the values)
              continue;
            }
            out.push(scoreField(f, rows));
          }
        } finally {
          memory.used -= own;
          own = 0;
        }
        out.sort((a, b) => {
          const d = (b.get('@relevanceScore') as number) - (a.get('@relevanceScore') as number);
          if (d !== 0) return d;
          const x = a.get('@fieldName') as string;
          const y = b.get('@fieldName') as string;
          return x < y ? -1 : x > y ? 1 : 0;
        });
        for (const cells of out) if (!next.push(fieldsRow(cells, state.nextOrdinal++))) break;
        next.end();
      },
    };
  };
}

/**
 * The `relevantfields` command.
 *
 * @example
 * ```ts
 * relevantFieldsCommand.print(parseQuery('relevantfields Path,Service where Time>400').commands[0]) //=> 'relevantfields Path, Service where Time > 400'
 * ```
 * @internal
 */
export const relevantFieldsCommand: CommandSpec<RelevantFieldsCommand> = {
  kind: 'RelevantFieldsCommand',
  keywords: ['relevantfields'],
  parse(p, start) {
    advance(p);
    const fields: FieldRef[] = [];
    if (!isWord(p.tok, 'where')) {
      fields.push(parseFieldName(p, 'a field or "where" after relevantfields'));
      while (p.tok.kind === 'Comma') {
        advance(p);
        fields.push(parseFieldName(p, 'a field'));
      }
    }
    expectWord(p, 'where');
    const condition = parseExpr(p);
    return { kind: 'RelevantFieldsCommand', fields, condition, span: span(p, start) };
  },
  print: (c) =>
    `relevantfields ${c.fields.length > 0 ? `${c.fields.map((f) => f.text).join(', ')} ` : ''}where ${printExpression(c.condition)}`,
  defines: () => RELEVANT_FIELDS_COLUMNS,
  hoist: 'never',
  barrier: true,
  order: () => 'sets',
  oneToOne: () => false,
  split: 'one-thread',
  compile(c, ctx) {
    const { state } = ctx;
    checkAvailable(c.condition, state, 'relevantfields');
    for (const f of c.fields) checkAvailable(f, state, 'relevantfields');
    const condition = compileExpr(c.condition, scopeOf(state));
    const fields = c.fields.length > 0 ? [...new Set(c.fields.map(fieldRefName))] : undefined;
    for (const name of fields ?? []) state.reads.add(name);
    const skip = new Set([...SKIPPED, ...fieldRefsOf(c.condition)]);
    const limit = state.bound('relevantfields', 'fields', c.span, [
      'name the fields to analyse, or filter first',
    ]);
    const text = state.text ?? '';
    ctx.emit(
      relevantFieldsStage({
        condition,
        fields,
        skip,
        fieldOptions: state.fieldOptions,
        limit,
        tooManyFields: () => {
          throw new QueryError({
            code: 'resource_limit',
            message: `relevantfields would analyse more than ${MAX_RELEVANT_FIELDS} fields; name the fields to analyse`,
            phase: 'run',
            span: c.span,
            source: text,
            hints: ['name the fields to analyse: relevantfields a, b where …'],
          });
        },
      }),
    );
    setColumns(state, RELEVANT_FIELDS_COLUMNS);
  },
};
