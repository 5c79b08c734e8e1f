/**
 * Memory budgets and spilling to disk for the buffering stages.
 *
 * The engine runs in a browser bundle too, so it never touches the file
 * system itself: a run gets a {@link SpillStore} from its caller (the
 * one-call API and the CLI inject one that writes temporary files), and
 * without one a stage that reaches the budget stops with `resource_limit`.
 *
 * This module holds:
 * - the per-run {@link RunMemory}: one byte budget shared by every buffering
 *   stage of a run, and the deterministic size estimates they charge to it
 *   ({@link estimateValueBytes}, {@link estimateRowBytes});
 * - the spill codec: rows, values and accumulator snapshots as JSON lines
 *   that read back exactly (`-0`, `NaN`, `±Infinity`, timestamps, missing
 *   values, `__proto__` keys, lone surrogates);
 * - {@link createExternalSorter}: sorted runs and a k-way merge, the one
 *   mechanism behind spilled `sort`, `dedup` and the ordering of spilled
 *   `stats` output.
 *
 * @module
 */
import { InternalError } from '../errors.js';
import type { LogEvent } from '../log-event.js';
import { eventRow, type Row } from './row.js';
import type { Value } from './value.js';

/**
 * One finished spill file: its lines can be read back in order, once or more.
 *
 * @example
 * ```ts
 * import { createMemorySpillStore, type SpillRun } from 'kubetrail/engine';
 * const store = createMemorySpillStore();
 * const writer = store.createRun();
 * writer.write('{"verb":"get"}');
 * const run: SpillRun = writer.finish();
 * run.count; //=> 1
 * run.read().next().value; //=> '{"verb":"get"}'
 * store.dispose();
 * ```
 */
export interface SpillRun {
  /** The number of lines written. */
  readonly count: number;
  /** Reads the lines back in the order written. */
  read(): Iterator<string>;
  /** Deletes the run (reading it afterwards is an error). */
  remove(): void;
}

/**
 * A spill file being written.
 *
 * @example
 * ```ts
 * import { compileQuery, createMemorySpillStore, readLogs, type SpillRunWriter, type SpillStore } from 'kubetrail/engine';
 * let linesSpilled = 0;
 * function countingStore(): SpillStore {
 *   const inner = createMemorySpillStore();
 *   return {
 *     createRun(): SpillRunWriter {
 *       const writer = inner.createRun();
 *       return { write: (line) => (linesSpilled++, writer.write(line)), finish: () => writer.finish() };
 *     },
 *     dispose: () => inner.dispose(),
 *   };
 * }
 * await compileQuery('sort @message', { memoryBudgetBytes: 1 << 20, spill: countingStore }).run(readLogs('samples/incident/'));
 * ```
 */
export interface SpillRunWriter {
  /** Appends one line (it must not contain `\n`). */
  write(line: string): void;
  /** Closes the file for writing and hands it over for reading. */
  finish(): SpillRun;
}

/**
 * Where buffering stages spill: synchronous, line-oriented temporary storage
 * that one run owns. The run calls `dispose` when it ends, fails or is
 * cancelled; `dispose` removes everything the store made.
 *
 * @example
 * ```ts
 * const store = createMemorySpillStore();
 * const w = store.createRun();
 * w.write('a');
 * w.finish().read().next().value; //=> 'a'
 * store.dispose();
 * ```
 */
export interface SpillStore {
  createRun(): SpillRunWriter;
  dispose(): void;
}

/**
 * A spill store that keeps its "files" as arrays of strings: for tests and
 * for embedders without a file system (it bounds nothing by itself, but it
 * runs the same encode, sort and merge paths as a file store).
 *
 * @example
 * ```ts
 * compileQuery('sort x', { memoryBudgetBytes: 1, spill: createMemorySpillStore });
 * ```
 */
export function createMemorySpillStore(): SpillStore & { readonly runsMade: number } {
  let runsMade = 0;
  let live = new Set<string[]>();
  return {
    get runsMade() {
      return runsMade;
    },
    createRun() {
      const lines: string[] = [];
      live.add(lines);
      runsMade++;
      return {
        write(line) {
          lines.push(line);
        },
        finish() {
          let removed = false;
          return {
            count: lines.length,
            read() {
              if (removed) throw new InternalError('internal_error', 'spill run read after removal');
              return lines[Symbol.iterator]();
            },
            remove() {
              removed = true;
              live.delete(lines);
            },
          };
        },
      };
    },
    dispose() {
      live = new Set();
    },
  };
}

/** Iterates an iterator (a spill run's lines) with `for … of`. @internal */
export function* iterate(run: SpillRun): Generator<string> {
  const it = run.read();
  for (let n = it.next(); n.done !== true; n = it.next()) yield n.value;
}

// ---------------------------------------------------------------------------
// The run's memory

/**
 * The default of `CompileOptions.memoryBudgetBytes`: 64 MiB of estimated
 * buffered data for all the buffering stages of a run together. With the
 * estimates below (which run above V8's real sizes for typical events), the
 * whole process stays under 256 MB RSS on the 1M-distinct-key stress cases
 * (`npm run stress`, docs/performance.md).
 *
 * @example
 * ```ts
 * compileQuery('stats count(*) by auditID', { memoryBudgetBytes: DEFAULT_MEMORY_BUDGET_BYTES * 2 });
 * ```
 */
export const DEFAULT_MEMORY_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * What the buffering stages of one run share: the byte budget, what they
 * hold now (by the estimates of this module), and the spill store.
 *
 * @internal
 */
export interface RunMemory {
  /** The budget in estimated bytes. */
  readonly budget: number;
  /** Estimated bytes held now by all stages of the run. */
  used: number;
  /** The run's spill store, made on first use; `undefined` when the run has none. */
  store(): SpillStore | undefined;
  /** Removes whatever was spilled (the run calls it when it ends, fails or is cancelled). */
  dispose(): void;
}

/**
 * Makes the memory of one run.
 *
 * @example
 * ```ts
 * const memory = createRunMemory(1024, createMemorySpillStore);
 * memory.used += 2048;
 * mustSpill(memory, 2048) //=> true
 * ```
 * @internal
 */
export function createRunMemory(budget: number, makeStore: (() => SpillStore) | undefined): RunMemory {
  let store: SpillStore | undefined;
  return {
    budget,
    used: 0,
    store() {
      if (store === undefined && makeStore !== undefined) store = makeStore();
      return store;
    },
    dispose() {
      store?.dispose();
      store = undefined;
    },
  };
}

/**
 * Whether a stage that holds `own` estimated bytes must spill (or fail) now:
 * the run is over its budget and the stage holds a real share of it (at
 * least 1/16), or the stage alone is over it. The share rule keeps a stage
 * that holds almost nothing from writing a run per row because another
 * stage fills the budget.
 *
 * @example
 * ```ts
 * mustSpill({ budget: 100, used: 150 } as RunMemory, 50) //=> true
 * ```
 * @internal
 */
export function mustSpill(memory: RunMemory, own: number): boolean {
  if (memory.used <= memory.budget) return false;
  return own >= memory.budget / 16 || own > memory.budget;
}

/**
 * A copy of a string that does not keep a bigger string alive. V8 makes
 * strings of 13 units or more that `JSON.parse` or `slice` cut out of a
 * bigger one as views into it, so a stats group keyed by an auditID would
 * keep its whole event's text in memory. Concatenating and slicing makes a
 * flat copy (only for long strings: short ones are always copies).
 *
 * @example
 * ```ts
 * detachString('abc') //=> 'abc'
 * ```
 * @internal
 */
export function detachString(s: string): string {
  return s.length < 13 ? s : `${s} `.slice(0, -1);
}

/**
 * Returns `s`, made flat: V8 keeps a string built by concatenation as a
 * tree of its pieces, and flattens it in place when a character is read
 * (the collector then drops the tree). A stats group key made from a
 * formatted timestamp took 208 bytes as a tree and 49 flat (measured with
 * `process.memoryUsage()` over 500,000 keys), against the 78 it is
 * estimated at. Use it on a string a buffering stage keeps as a map key.
 *
 * @example
 * ```ts
 * flattenString(`${'2024-05-01 '}${'00:00:00.000'}`) //=> '2024-05-01 00:00:00.000'
 * ```
 * @internal
 */
export function flattenString(s: string): string {
  if (s.length >= 13) s.charCodeAt(0);
  return s;
}

/**
 * {@link detachString} for a value kept by a buffering stage (strings only;
 * other values are kept as they are).
 *
 * @internal
 */
export function detachValue<V>(v: V): V {
  return (typeof v === 'string' ? detachString(v) : v) as V;
}

// ---------------------------------------------------------------------------
// Size estimates (deterministic, cheap, documented in docs/performance.md)

/** Fixed cost of a string, a number, a boxed slot. */
const STRING_BASE = 24;
const SLOT = 16;
const OBJECT_BASE = 56;
const DATE_BYTES = 112;

/**
 * The estimated heap size of a value: strings 24 + 2 bytes a UTF-16 unit,
 * numbers/booleans/`null`/missing 16, timestamps 112 (a V8 `Date` with its
 * cached fields), lists 56 + 16 an item plus the items, maps 56 + per entry
 * 16 plus key and value. Deep values are walked with an explicit stack.
 *
 * @example
 * ```ts
 * estimateValueBytes('abc') //=> 30
 * ```
 * @internal
 */
export function estimateValueBytes(v: unknown): number {
  if (typeof v === 'string') return STRING_BASE + 2 * v.length;
  if (typeof v !== 'object' || v === null) return SLOT;
  let total = 0;
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === 'string') total += STRING_BASE + 2 * x.length;
    else if (typeof x !== 'object' || x === null) total += SLOT;
    else if (x instanceof Date) total += DATE_BYTES;
    else if (Array.isArray(x)) {
      total += OBJECT_BASE + SLOT * x.length;
      for (const item of x) stack.push(item);
    } else {
      const o = x as Record<string, unknown>;
      total += OBJECT_BASE;
      for (const key of Object.keys(o)) {
        total += SLOT + STRING_BASE + 2 * key.length;
        stack.push(o[key]);
      }
    }
  }
  return total;
}

/**
 * The estimated bytes of the table of a `Map` (`slots` 2: key and value) or
 * `Set` (`slots` 1) of `entries` entries, without what the keys and values
 * point to. V8's ordered hash tables have room for a power of two of
 * entries (at least 4) and double when full; each entry has its slots and a
 * chain link, and there is a bucket for every two entries, all 8 bytes (a
 * 64-bit build without pointer compression, as Node ships). Just after a
 * doubling the table is twice what its entries need, which a flat
 * per-entry estimate misses: a `Map` of 530,000 numbers took 55 bytes an
 * entry there, 29 at 1,000,000 (measured with `process.memoryUsage()`).
 *
 * @example
 * ```ts
 * hashTableBytes(3, 2) //=> 112
 * hashTableBytes(5, 1) //=> 160
 * ```
 * @internal
 */
export function hashTableBytes(entries: number, slots: 1 | 2): number {
  // the smallest power of two ≥ entries (an O(1) size: accumulators report it for every row)
  const capacity = entries <= 4 ? 4 : 2 ** (32 - Math.clz32(entries - 1));
  return capacity * (8 * (slots + 1) + 4);
}

/**
 * The estimated size of a row: 200 bytes of row and event objects, the
 * message at 2 bytes a unit, the parsed record at 4 bytes a unit of the
 * message (for every kind but `text`; a parsed JSON object takes several
 * times its text), and the defined fields by {@link estimateValueBytes}.
 *
 * @example
 * ```ts
 * estimateRowBytes(eventRow({ timestamp: 0, message: 'ab', kind: 'text', source: {} }, 0)) //=> 204
 * ```
 * @internal
 */
export function estimateRowBytes(row: Row): number {
  let total = 200;
  const event = row.event;
  if (event !== undefined) {
    const n = event.message.length;
    total += 2 * n;
    if (event.kind !== 'text') total += 4 * n;
  }
  if (row.defined !== undefined) {
    for (const [name, value] of row.defined)
      total += SLOT + STRING_BASE + 2 * name.length + estimateValueBytes(value);
  }
  return total;
}

/**
 * The estimated size of a result row: 64 bytes, plus per cell 40 and its
 * name and value by {@link estimateValueBytes}.
 *
 * @example
 * ```ts
 * estimateResultRowBytes({ a: 'xy' }) //=> 134
 * ```
 */
export function estimateResultRowBytes(row: Readonly<Record<string, unknown>>): number {
  let n = 64;
  for (const key of Object.keys(row)) n += 40 + 2 * key.length + estimateValueBytes(row[key]);
  return n;
}

// ---------------------------------------------------------------------------
// The spill codec

/** Tags of the encoded arrays: every JSON array in an encoding starts with one. */
const LIST = 0;
const MISSING = 1;
const DATE = 2;
const SPECIAL_NUMBER = 3;
const BIGINT = 4;
const PLAIN = 5;

/**
 * Encodes a value (or an accumulator snapshot) as JSON-compatible data.
 * Strings, booleans, `null`, plain objects and ordinary numbers stay as they
 * are; everything else is a tagged array: `[0, …items]` a list, `[1]`
 * missing, `[2, ms]` a timestamp, `[3, "NaN" | "Infinity" | "-Infinity" |
 * "-0"]`, `[4, "digits"]` a bigint; and `[5, json]` a list or map that
 * JSON carries exactly as it is (the common case of a parsed record: checked
 * by one walk, not copied).
 *
 * @example
 * ```ts
 * JSON.stringify(encodeValue([1, undefined, -0])) //=> '[0,1,[1],[3,"-0"]]'
 * JSON.stringify(encodeValue({ a: [1] })) //=> '[5,{"a":[1]}]'
 * ```
 * @internal
 */
export function encodeValue(v: unknown): unknown {
  // The common case, a record as JSON.parse made it, goes as it is: one walk to check, no copy.
  if (typeof v === 'object' && v !== null && !(v instanceof Date) && isPlainJson(v)) return [PLAIN, v];
  return encodeTagged(v);
}

/** Whether JSON.stringify then JSON.parse gives `v` back exactly (finite numbers but -0, no missing, no timestamps). */
function isPlainJson(v: object): boolean {
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    switch (typeof x) {
      case 'string':
      case 'boolean':
        continue;
      case 'number':
        if (!Number.isFinite(x) || Object.is(x, -0)) return false;
        continue;
      case 'object':
        break;
      default:
        return false;
    }
    if (x === null) continue;
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) stack.push(x[i]);
      continue;
    }
    if (Object.getPrototypeOf(x) !== Object.prototype) return false;
    const o = x as Record<string, unknown>;
    for (const key of Object.keys(o)) stack.push(o[key]);
  }
  return true;
}

function encodeTagged(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      if (Number.isFinite(v) && !Object.is(v, -0)) return v;
      return [SPECIAL_NUMBER, Object.is(v, -0) ? '-0' : String(v)];
    case 'undefined':
      return [MISSING];
    case 'bigint':
      return [BIGINT, v.toString()];
    default:
      break;
  }
  if (v === null) return null;
  if (v instanceof Date) {
    const t = v.getTime();
    return [DATE, Number.isNaN(t) ? null : t];
  }
  if (Array.isArray(v)) {
    const out: unknown[] = new Array(v.length + 1);
    out[0] = LIST;
    for (let i = 0; i < v.length; i++) out[i + 1] = encodeTagged(v[i]);
    return out;
  }
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o)) {
    const value = encodeTagged(o[key]);
    // a key named __proto__ must stay an own field, as JSON.parse makes it (plain assignment would set the prototype)
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    } else out[key] = value;
  }
  return out;
}

/**
 * Decodes what {@link encodeValue} made (after a JSON round trip).
 *
 * @example
 * ```ts
 * decodeValue(JSON.parse('[0,1,[1],[3,"-0"]]')) //=> [1, undefined, -0]
 * ```
 * @internal
 */
export function decodeValue(x: unknown): unknown {
  if (typeof x !== 'object' || x === null) return x;
  if (Array.isArray(x)) {
    switch (x[0]) {
      case LIST: {
        const out: unknown[] = new Array(x.length - 1);
        for (let i = 1; i < x.length; i++) out[i - 1] = decodeValue(x[i]);
        return out;
      }
      case MISSING:
        return undefined;
      case DATE:
        return new Date(x[1] === null ? Number.NaN : (x[1] as number));
      case SPECIAL_NUMBER:
        return x[1] === '-0' ? -0 : Number(x[1]);
      case BIGINT:
        return BigInt(x[1] as string);
      case PLAIN:
        return x[1];
      default:
        throw new InternalError('spill_corrupt', 'corrupt spill record');
    }
  }
  const o = x as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    const value = o[key];
    // an own data property (JSON.parse made it) shadows Object.prototype.__proto__, so assignment stays own
    if (typeof value === 'object' && value !== null) o[key] = decodeValue(value);
  }
  return o;
}

/**
 * Whether `JSON.parse(message)` gives `record` back exactly: the record is
 * plain JSON ({@link encodeValue}'s `PLAIN` case) and its JSON text is the
 * message. Then a spilled row need not carry the record beside its message.
 */
function isRecordOfMessage(record: unknown, message: string): boolean {
  if (typeof record !== 'object' || record === null || record instanceof Date) return false;
  // the first character first: a message that is not this record's JSON mostly fails here, without a stringify
  if (message.length === 0 || message.charCodeAt(0) !== (Array.isArray(record) ? 0x5b : 0x7b)) return false;
  return isPlainJson(record) && JSON.stringify(record) === message;
}

/**
 * Encodes a row: its ordinal, its event (every field, the record encoded)
 * and its defined fields in order.
 *
 * @internal
 */
export function encodeRow(row: Row): unknown {
  const e = row.event;
  let event: unknown = null;
  if (e !== undefined) {
    const o: Record<string, unknown> = { t: encodeValue(e.timestamp), m: e.message, k: e.kind, s: e.source };
    if (e.timestampInvalid === true) o.ti = 1;
    const record = e.record;
    if (record !== undefined) {
      // A record that is its message's JSON (the common case) is parsed back from the message, not written twice.
      if (isRecordOfMessage(record, e.message)) o.rm = 1;
      else o.r = encodeValue(record);
    }
    if (e.logStream !== undefined) o.ls = e.logStream;
    if (e.logGroup !== undefined) o.lg = e.logGroup;
    if (e.ingestionTime !== undefined) o.it = encodeValue(e.ingestionTime);
    if (e.messageBytes !== undefined) o.mb = e.messageBytes;
    event = o;
  }
  let defined: unknown = null;
  if (row.defined !== undefined) {
    const entries: unknown[] = [];
    for (const [name, value] of row.defined) entries.push(name, encodeValue(value));
    defined = entries;
  }
  return [row.ordinal, event, defined];
}

/**
 * Decodes what {@link encodeRow} made.
 *
 * @internal
 */
export function decodeRow(x: unknown): Row {
  const [ordinal, event, defined] = x as [number, Record<string, unknown> | null, unknown[] | null];
  let row: Row;
  if (event === null) {
    row = { event: undefined, ordinal, defined: undefined, record: undefined, discovered: undefined };
  } else {
    const e: { -readonly [K in keyof LogEvent]: LogEvent[K] } = {
      timestamp: decodeValue(event.t) as number,
      message: event.m as string,
      kind: event.k as LogEvent['kind'],
      source: event.s as LogEvent['source'],
    };
    if (Object.hasOwn(event, 'ti')) e.timestampInvalid = true;
    if (Object.hasOwn(event, 'r')) e.record = decodeValue(event.r);
    else if (Object.hasOwn(event, 'rm')) e.record = JSON.parse(e.message);
    if (Object.hasOwn(event, 'ls')) e.logStream = event.ls as string;
    if (Object.hasOwn(event, 'lg')) e.logGroup = event.lg as string;
    if (Object.hasOwn(event, 'it')) e.ingestionTime = decodeValue(event.it) as number;
    if (Object.hasOwn(event, 'mb')) e.messageBytes = event.mb as number;
    row = eventRow(e, ordinal);
  }
  if (defined !== null) {
    const map = new Map<string, Value>();
    for (let i = 0; i < defined.length; i += 2)
      map.set(defined[i] as string, decodeValue(defined[i + 1]) as Value);
    row.defined = map;
  }
  return row;
}

// ---------------------------------------------------------------------------
// External sort

/** How an {@link ExternalSorter} handles its entries. @internal */
export interface ExternalSortSpec<E> {
  readonly memory: RunMemory;
  /** A total order (ties broken, e.g. by arrival), so that merged runs equal one in-memory sort. */
  readonly compare: (a: E, b: E) => number;
  readonly encode: (e: E) => unknown;
  readonly decode: (x: unknown) => E;
  readonly size: (e: E) => number;
  /** Only the first `keep` entries of the sorted order are wanted (top K). */
  readonly keep?: number | undefined;
  /** Called when the budget is reached and the run has no spill store; must throw. */
  readonly overBudget: () => never;
}

/** Sorted runs plus a k-way merge; see {@link createExternalSorter}. @internal */
export interface ExternalSorter<E> {
  /** Adds an entry. */
  add(e: E): void;
  /** Whether an entry can still make the first `keep` (always true without `keep`). */
  admits(e: E): boolean;
  /** The entries in sorted order (the first `keep` of them); releases the memory as it goes. */
  finish(): Iterable<E>;
  /** Whether any run went to the store. */
  readonly spilled: boolean;
  /** Estimated bytes held in memory now. */
  readonly bytes: number;
}

/** Runs merged at once (more are merged in passes, so few files are open together). */
const MERGE_FAN_IN = 64;

/**
 * An external sort within the run's memory budget: entries are buffered;
 * when the budget is reached, the buffer is sorted and written out as a
 * run; `finish` merges the runs (and what is left in memory) with a heap.
 * With `keep`, each run holds only its first `keep` entries, and an entry
 * that sorts after the `keep`-th entry of a full run is not added at all.
 *
 * @example
 * ```ts
 * const s = createExternalSorter({ memory, compare: (a, b) => a - b, encode: (n) => n, decode: (x) => x as number, size: () => 8, overBudget });
 * for (const n of [3, 1, 2]) s.add(n);
 * [...s.finish()] //=> [1, 2, 3]
 * ```
 * @internal
 */
export function createExternalSorter<E>(spec: ExternalSortSpec<E>): ExternalSorter<E> {
  const { memory, compare, keep } = spec;
  let buffer: E[] = [];
  let bytes = 0;
  let runs: SpillRun[] = [];
  /** With `keep`: the `keep`-th entry of the best full run so far; nothing after it can make the cut. */
  let cutoff: E | undefined;
  const flush = (): void => {
    const store = memory.store();
    if (store === undefined) spec.overBudget();
    buffer.sort(compare);
    const n = keep === undefined ? buffer.length : Math.min(keep, buffer.length);
    const writer = store.createRun();
    for (let i = 0; i < n; i++) writer.write(JSON.stringify(spec.encode(buffer[i] as E)));
    runs.push(writer.finish());
    if (keep !== undefined && n === keep) {
      const last = buffer[n - 1] as E;
      if (cutoff === undefined || compare(last, cutoff) < 0) cutoff = last;
    }
    buffer = [];
    memory.used -= bytes;
    bytes = 0;
  };
  const readRun = (run: SpillRun): Iterator<E> => {
    const lines = run.read();
    return {
      next() {
        const n = lines.next();
        return n.done === true
          ? { done: true, value: undefined }
          : { done: false, value: spec.decode(JSON.parse(n.value)) };
      },
      return() {
        lines.return?.();
        return { done: true, value: undefined };
      },
    };
  };
  const close = (readers: readonly Iterator<E>[], group: readonly SpillRun[]): void => {
    for (const r of readers) r.return?.();
    for (const r of group) r.remove();
  };
  const writeMerged = (group: readonly SpillRun[]): SpillRun => {
    const store = memory.store() as SpillStore;
    const writer = store.createRun();
    let n = 0;
    const readers = group.map(readRun);
    try {
      for (const e of mergeIterators(readers, compare)) {
        if (keep !== undefined && n >= keep) break;
        writer.write(JSON.stringify(spec.encode(e)));
        n++;
      }
    } finally {
      close(readers, group);
    }
    return writer.finish();
  };
  return {
    get spilled() {
      return runs.length > 0;
    },
    get bytes() {
      return bytes;
    },
    admits(e) {
      return cutoff === undefined || compare(e, cutoff) < 0;
    },
    add(e) {
      if (cutoff !== undefined && compare(e, cutoff) >= 0) return;
      buffer.push(e);
      const size = spec.size(e);
      bytes += size;
      memory.used += size;
      if (mustSpill(memory, bytes)) flush();
    },
    *finish() {
      if (runs.length === 0) {
        buffer.sort(compare);
        const n = keep === undefined ? buffer.length : Math.min(keep, buffer.length);
        const sorted = buffer;
        buffer = [];
        try {
          for (let i = 0; i < n; i++) yield sorted[i] as E;
        } finally {
          memory.used -= bytes;
          bytes = 0;
        }
        return;
      }
      if (buffer.length > 0) flush();
      while (runs.length > MERGE_FAN_IN) {
        const next: SpillRun[] = [];
        for (let i = 0; i < runs.length; i += MERGE_FAN_IN)
          next.push(writeMerged(runs.slice(i, i + MERGE_FAN_IN)));
        runs = next;
      }
      const open = runs;
      runs = [];
      const readers = open.map(readRun);
      try {
        let n = 0;
        for (const e of mergeIterators(readers, compare)) {
          if (keep !== undefined && n >= keep) break;
          n++;
          yield e;
        }
      } finally {
        close(readers, open);
      }
    },
  };
}

/**
 * Merges sorted iterators into one sorted sequence with a binary heap; on
 * equal entries the earlier iterator goes first.
 *
 * @example
 * ```ts
 * [...mergeIterators([[1, 4][Symbol.iterator](), [2, 3][Symbol.iterator]()], (a, b) => a - b)] //=> [1, 2, 3, 4]
 * ```
 * @internal
 */
export function* mergeIterators<E>(
  sources: readonly Iterator<E>[],
  compare: (a: E, b: E) => number,
): Generator<E> {
  const heap: { value: E; source: number }[] = [];
  const less = (a: { value: E; source: number }, b: { value: E; source: number }): boolean => {
    const c = compare(a.value, b.value);
    return c < 0 || (c === 0 && a.source < b.source);
  };
  const down = (start: number): void => {
    let i = start;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      let c = l;
      if (r < n && less(heap[r] as { value: E; source: number }, heap[l] as { value: E; source: number }))
        c = r;
      if (!less(heap[c] as { value: E; source: number }, heap[i] as { value: E; source: number })) return;
      const t = heap[i] as { value: E; source: number };
      heap[i] = heap[c] as { value: E; source: number };
      heap[c] = t;
      i = c;
    }
  };
  sources.forEach((it, source) => {
    const n = it.next();
    if (n.done !== true) heap.push({ value: n.value, source });
  });
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  while (heap.length > 0) {
    const top = heap[0] as { value: E; source: number };
    yield top.value;
    const n = (sources[top.source] as Iterator<E>).next();
    if (n.done !== true) {
      top.value = n.value;
    } else {
      const last = heap.pop() as { value: E; source: number };
      if (heap.length === 0) break;
      heap[0] = last;
    }
    down(0);
  }
}
