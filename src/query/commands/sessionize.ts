/**
 * `sessionize field, … [maxspan duration] [as out]`: every row whose
 * identity fields all have a value gets a session number in `session_id`
 * (or `out`). The rows of one identity (one tuple of values, compared as
 * `stats` groups them) are taken in `@timestamp` order; a new session
 * starts at an identity's first row and wherever the gap since its previous
 * row is longer than `maxspan` (default 30m). Sessions are numbered 1, 2, …
 * across all identities in the order they start (ties by the row's input
 * position), so the numbers do not depend on the order the rows arrive in,
 * and the rows leave in the order they came. A row without a `@timestamp`,
 * or with an identity field missing or `null`, gets no session.
 *
 * It needs every row before it can number any: the rows go through an
 * external sort by time and back into arrival order, both charged to the
 * run's byte budget (they spill); the last time and session of each
 * identity stay in memory, charged too. One thread.
 *
 * @module
 */
import type { PeriodLit, SessionizeCommand } from '../ast.js';
import { compileError, compileExpr, type Evaluator } from '../evaluate.js';
import { fixedPeriodMs } from '../functions/datetime.js';
import { parsePrimary } from '../parse/expression.js';
import { advance, fail, isWord, kindOf, parseFieldName, parseIdentifier, span } from '../parse/state.js';
import type { BufferLimit, StageFactory } from '../plan.js';
import { printName } from '../print-expression.js';
import { compileFieldLookup, defineField, type FieldLookupOptions, type Row } from '../row.js';
import { checkAvailable, defineNames, scopeOf } from '../scope.js';
import { createExternalSorter, decodeRow, encodeRow, estimateRowBytes, mustSpill } from '../spill.js';
import type { CommandSpec } from './spec.js';
import { groupKey } from './stats.js';

/** The default `maxspan`, 30 minutes. */
const DEFAULT_MAXSPAN_MS = 30 * 60_000;
/** The default output column. */
const DEFAULT_OUT = 'session_id';

/** A row on its way through the two sorts. */
interface Entry {
  readonly row: Row;
  /** Its time, or `undefined` when it gets no session. */
  readonly t: number | undefined;
  /** Its identity key, or `undefined` when it gets no session. */
  readonly key: string | undefined;
  readonly seq: number;
}

function encodeEntry(e: Entry): unknown {
  return [encodeRow(e.row), e.t ?? null, e.key ?? null, e.seq];
}

function decodeEntry(x: unknown): Entry {
  const [row, t, key, seq] = x as [unknown, number | null, string | null, number];
  return { row: decodeRow(row), t: t ?? undefined, key: key ?? undefined, seq };
}

function entryBytes(e: Entry): number {
  return estimateRowBytes(e.row) + 64 + 2 * (e.key?.length ?? 0);
}

/** What the `sessionize` stage needs. @internal */
export interface SessionizePlan {
  readonly identity: readonly Evaluator[];
  readonly timestamp: (row: Row) => number | undefined;
  readonly maxspanMs: number;
  readonly out: string;
  readonly limit: BufferLimit;
}

/**
 * The `sessionize` stage.
 *
 * @internal
 */
export function sessionizeStage(plan: SessionizePlan): StageFactory {
  const { identity, timestamp, maxspanMs, out, limit } = plan;
  return (next, state) => {
    const memory = state.memory;
    const sorter = (compare: (a: Entry, b: Entry) => number) =>
      createExternalSorter<Entry>({
        memory,
        compare,
        encode: encodeEntry,
        decode: decodeEntry,
        size: entryBytes,
        overBudget: limit.overBudget,
      });
    // by time (rows without a session last), then input position, then arrival
    const byTime = sorter((a, b) => {
      if (a.t !== b.t) {
        if (a.t === undefined || a.key === undefined) return 1;
        if (b.t === undefined || b.key === undefined) return -1;
        return a.t - b.t;
      }
      return a.row.ordinal - b.row.ordinal || a.seq - b.seq;
    });
    let seq = 0;
    return {
      push(row) {
        if (seq >= limit.max) limit.exceeded();
        const t = timestamp(row);
        let key: string | undefined;
        if (t !== undefined) {
          const values = identity.map((f) => f(row, state.ctx));
          if (values.every((v) => v !== undefined && v !== null)) key = groupKey(values);
        }
        byTime.add({ row, t: key === undefined ? undefined : t, key, seq: seq++ });
        return true;
      },
      end() {
        const byArrival = sorter((a, b) => a.seq - b.seq);
        const sessions = new Map<string, { last: number; id: number }>();
        let own = 0;
        let count = 0;
        try {
          for (const e of byTime.finish()) {
            let grown = 0;
            if (e.t !== undefined && e.key !== undefined) {
              let s = sessions.get(e.key);
              if (s === undefined) {
                s = { last: e.t, id: ++count };
                sessions.set(e.key, s);
                grown = 120 + 2 * e.key.length;
              } else {
                if (e.t - s.last > maxspanMs) s.id = ++count;
                s.last = e.t;
              }
              defineField(e.row, out, s.id);
            }
            // (the rows spill first; only then can the identities be over their share)
            byArrival.add(e);
            if (grown > 0) {
              own += grown;
              memory.used += grown;
              if (mustSpill(memory, own)) limit.overBudget();
            }
          }
        } finally {
          sessions.clear();
          memory.used -= own;
        }
        for (const e of byArrival.finish()) if (!next.push(e.row)) break;
        next.end();
      },
    };
  };
}

/** The time of a row for sessions: the event's time, or a `@timestamp` column that holds a time. */
function timestampOf(fieldOptions: FieldLookupOptions): (row: Row) => number | undefined {
  const lookup = compileFieldLookup('@timestamp', ['@timestamp'], fieldOptions);
  return (row) => {
    if (row.event !== undefined && (row.defined === undefined || !row.defined.has('@timestamp'))) {
      return row.event.timestampInvalid === true ? undefined : row.event.timestamp;
    }
    const v = lookup(row);
    if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.getTime() : undefined;
    return undefined;
  };
}

/**
 * The `sessionize` command.
 *
 * @example
 * ```ts
 * sessionizeCommand.print(parseQuery('sessionize userId, deviceId maxspan 1h as s').commands[0])
 * //=> 'sessionize userId, deviceId maxspan 1h as s'
 * ```
 * @internal
 */
export const sessionizeCommand: CommandSpec<SessionizeCommand> = {
  kind: 'SessionizeCommand',
  keywords: ['sessionize'],
  parse(p, start) {
    advance(p);
    const fields = [parseFieldName(p, 'a field after sessionize')];
    while (kindOf(p) === 'Comma') {
      advance(p);
      fields.push(parseFieldName(p, 'a field after ","'));
    }
    let maxspan: PeriodLit | undefined;
    if (isWord(p.tok, 'maxspan')) {
      advance(p);
      if (kindOf(p) !== 'Period') fail(p, 'expected_period', 'expected a duration such as 30m after maxspan');
      maxspan = parsePrimary(p) as PeriodLit;
    }
    let alias: SessionizeCommand['alias'];
    if (isWord(p.tok, 'as')) {
      advance(p);
      alias = parseIdentifier(p, 'a name after "as"');
    }
    return {
      kind: 'SessionizeCommand',
      fields,
      ...(maxspan === undefined ? {} : { maxspan }),
      ...(alias === undefined ? {} : { alias }),
      span: span(p, start),
    };
  },
  print: (c) =>
    `sessionize ${c.fields.map((f) => f.text).join(', ')}${c.maxspan === undefined ? '' : ` maxspan ${c.maxspan.text}`}${
      c.alias === undefined ? '' : ` as ${printName(c.alias.name)}`
    }`,
  defines: (c) => [c.alias?.name ?? DEFAULT_OUT],
  hoist: 'never',
  // (a later filter cannot skip rows: they decide the gaps and the numbering)
  barrier: true,
  order: () => undefined,
  // (a limit after it must not cut the rows before it: later rows renumber nothing, but a top-K sort would drop earlier-in-time ones)
  oneToOne: () => false,
  split: 'one-thread',
  compile(c, { state, emit }) {
    const identity = c.fields.map((f) => {
      checkAvailable(f, state, 'sessionize');
      return compileExpr(f, scopeOf(state));
    });
    if (
      state.available !== undefined &&
      !state.available.has('@timestamp') &&
      !state.defined.has('@timestamp')
    ) {
      compileError(
        'unknown_field_after_stats',
        'sessionize needs @timestamp: name a column @timestamp in the stats before it (… by bin(1m) as @timestamp)',
        c.span,
        { text: state.text },
      );
    }
    if (state.available === undefined) state.reads.add('@timestamp');
    let maxspanMs = DEFAULT_MAXSPAN_MS;
    if (c.maxspan !== undefined) {
      const ms = fixedPeriodMs({ kind: 'Period', amount: c.maxspan.amount, unit: c.maxspan.unit });
      if (ms === undefined) {
        compileError(
          'invalid_argument',
          `maxspan must be a positive fixed-length period (ms, s, m, h, d or w), not ${c.maxspan.text}`,
          c.maxspan.span,
          { text: state.text },
        );
      }
      maxspanMs = ms;
    }
    const out = c.alias?.name ?? DEFAULT_OUT;
    // (a row that gets no session keeps the event's value under that name: it is read)
    if (state.available === undefined && !state.defined.has(out)) state.reads.add(out);
    defineNames(state, [out]);
    const limit = state.bound('sessionize', 'rows', c.span, ['filter the rows before sessionize']);
    emit(sessionizeStage({ identity, timestamp: timestampOf(state.fieldOptions), maxspanMs, out, limit }));
  },
};
