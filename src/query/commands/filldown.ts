/**
 * `filldown [field …]`: in row order (the order the rows reach it: newest
 * first unless sorted), a field whose value is missing or `null` takes the
 * last value of that field that was neither. Rows before the first such
 * value keep what they had. The fields are space-separated names or
 * patterns with `*` wildcards (`cpu*`); patterns, and the empty list ("every
 * field"), are matched against the result columns known at this step (the
 * names `fields`, `parse`, `stats`, … defined), so they resolve at compile.
 * Streams, holding one value per field; one thread, since every earlier row
 * feeds it.
 *
 * @module
 */
import type { FieldPattern, FieldRef, FilldownCommand } from '../ast.js';
import { fieldRefName } from '../ast.js';
import { compileExpr, type Evaluator } from '../evaluate.js';
import { advance, fail, fieldRef, parseFieldName, peek, type State, span } from '../parse/state.js';
import type { StageFactory } from '../plan.js';
import { compileFieldLookup, defineField, type Row } from '../row.js';
import { type CompileState, checkAvailable, defineNames, scopeOf } from '../scope.js';
import { detachValue } from '../spill.js';
import type { Token } from '../tokens.js';
import type { Value } from '../value.js';
import type { CommandSpec } from './spec.js';

/** One field `filldown` fills: its name and how to read it. @internal */
export interface FillField {
  readonly name: string;
  readonly value: Evaluator;
}

/**
 * The `filldown` stage: one remembered value per field.
 *
 * @internal
 */
export function filldownStage(fields: readonly FillField[]): StageFactory {
  return (next, state) => {
    const last: Value[] = fields.map(() => undefined);
    return {
      push(row) {
        for (let i = 0; i < fields.length; i++) {
          const f = fields[i] as FillField;
          const v = f.value(row, state.ctx);
          if (v === undefined || v === null) {
            const held = last[i];
            if (held !== undefined) defineField(row, f.name, held);
          } else last[i] = detachValue(v);
        }
        return next.push(row);
      },
      end() {
        next.end();
      },
    };
  };
}

/**
 * Whether `name` matches a pattern where `*` stands for any run of
 * characters: iterative, one backtrack point per star, O(name × pattern).
 *
 * @example
 * ```ts
 * matchesFieldPattern('cpu*', 'cpu_user') //=> true
 * ```
 * @internal
 */
export function matchesFieldPattern(pattern: string, name: string): boolean {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < name.length) {
    const t = pattern[pi];
    if (t === '*') {
      starP = pi++;
      starS = si;
      continue;
    }
    if (t !== undefined && t === name[si]) {
      pi++;
      si++;
      continue;
    }
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (pattern[pi] === '*') pi++;
  return pi === pattern.length;
}

/** A run of name, `.` and `*` tokens written without spaces (`cpu*`, `*_total`, `a.*`), or a plain field. */
function parseFillField(p: State): FieldRef | FieldPattern {
  const start = p.tok.start;
  let pattern = '';
  let end = start;
  if (p.tok.kind === 'Name') {
    const next = peek(p);
    if ((next.kind !== 'Star' && next.kind !== 'Dot') || next.start !== p.tok.end) {
      return parseFieldName(p, 'a field name or pattern after filldown');
    }
  }
  // (a piece next to a `*` may be any name, a keyword too: `as*`)
  while (isPatternPiece(p.tok) && p.tok.start === end) {
    pattern +=
      p.tok.kind === 'Name' ? fieldRefName(fieldRef(p, p.tok)) : p.text.slice(p.tok.start, p.tok.end);
    end = p.tok.end;
    advance(p);
  }
  if (!pattern.includes('*')) {
    fail(
      p,
      'expected_name',
      `expected a field name or a pattern with *, found "${p.text.slice(start, end)}"`,
      {
        start,
        end,
      },
    );
  }
  return { kind: 'FieldPattern', pattern, text: p.text.slice(start, end), span: { start, end } };
}

function isPatternPiece(tok: Token): boolean {
  return tok.kind === 'Star' || tok.kind === 'Name' || tok.kind === 'Dot';
}

/** The names a field list stands for at this step. */
function resolveFields(c: FilldownCommand, state: CompileState): FillField[] {
  const out: FillField[] = [];
  const seen = new Set<string>();
  const add = (name: string, value: () => Evaluator): void => {
    if (seen.has(name)) return;
    seen.add(name);
    out.push({ name, value: value() });
  };
  const column = (name: string) => () => {
    const lookup = compileFieldLookup(name, undefined, state.fieldOptions);
    return (row: Row) => lookup(row);
  };
  if (c.fields.length === 0) {
    for (const name of state.columns) add(name, column(name));
  }
  for (const f of c.fields) {
    if (f.kind === 'FieldRef') {
      checkAvailable(f, state, 'filldown');
      add(fieldRefName(f), () => compileExpr(f, scopeOf(state)));
    } else {
      for (const name of state.columns) if (matchesFieldPattern(f.pattern, name)) add(name, column(name));
    }
  }
  return out;
}

/**
 * The `filldown` command.
 *
 * @example
 * ```ts
 * filldownCommand.print(parseQuery('filldown host cpu*').commands[0]) //=> 'filldown host cpu*'
 * ```
 * @internal
 */
export const filldownCommand: CommandSpec<FilldownCommand> = {
  kind: 'FilldownCommand',
  keywords: ['filldown'],
  parse(p, start) {
    advance(p);
    const fields: (FieldRef | FieldPattern)[] = [];
    while (p.tok.kind === 'Name' || p.tok.kind === 'Star') fields.push(parseFillField(p));
    return { kind: 'FilldownCommand', fields, span: span(p, start) };
  },
  print: (c) => ['filldown', ...c.fields.map((f) => f.text)].join(' '),
  // (patterns and the empty list resolve against the columns at compile; the plain names are known here)
  defines: (c) => c.fields.flatMap((f) => (f.kind === 'FieldRef' ? [fieldRefName(f)] : [])),
  hoist: 'never',
  // (a later filter cannot skip rows: they carry the values the rows it keeps are filled with)
  barrier: true,
  order: () => 'takes',
  oneToOne: () => true,
  split: 'one-thread',
  compile(c, { state, emit }) {
    const fields = resolveFields(c, state);
    defineNames(
      state,
      fields.map((f) => f.name),
    );
    emit(filldownStage(fields));
  },
};
