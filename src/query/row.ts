/**
 * Rows and field lookup: how a query reads `@timestamp`, `@message` and the
 * flattened JSON fields of a log event.
 *
 * A {@link Row} wraps one {@link LogEvent} (or, after `stats`, no event at
 * all) plus the fields the query defined on it (`fields … as x`, `parse`,
 * `unnest`, stats columns). Lookup is lazy: nothing is flattened up front;
 * a compiled {@link FieldLookup} walks the parsed record along the dotted
 * name each time it is asked.
 *
 * Flattening rules (as the service documents them for discovered fields):
 * - nested objects are joined with `.`, arrays use numeric segments
 *   (`sourceIPs.0`); a key that itself contains dots is reachable by the
 *   flattened string (`annotations.authorization.k8s.io/decision`, or with
 *   a backticked segment);
 * - only leaves (strings, numbers, booleans, `null`) are fields: a name that
 *   ends on an object or array is missing, and JSON inside a string is an
 *   opaque string (`jsonParse` reaches inside);
 * - a top-level key starting with `@` is exposed with an extra `@`
 *   (`"@type"` is `@@type`), since `@` names are the system fields;
 * - keys are read with `Object.hasOwn`, so `__proto__` and `constructor`
 *   are ordinary fields.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import type { Value, ValueMap } from './value.js';

/**
 * One row flowing through a query plan.
 *
 * @internal
 */
export interface Row {
  /** The event the row came from; `undefined` for rows made by `stats`. */
  readonly event: LogEvent | undefined;
  /** 0-based position of the event in the scanned input (ties in sorts, `@ptr` fallback). */
  readonly ordinal: number;
  /** Fields the query defined on this row; they shadow event fields of the same name. */
  defined: Map<string, Value> | undefined;
  /** The event's parsed record, read once (`NOT_READ` until first use). */
  record: unknown;
  /** The first-N discovered field names, when a discovery cap is set (computed lazily). */
  discovered: ReadonlySet<string> | undefined;
}

const NOT_READ: unique symbol = Symbol('not-read');

/**
 * Makes the row for an event.
 *
 * @internal
 */
export function eventRow(event: LogEvent, ordinal: number): Row {
  return { event, ordinal, defined: undefined, record: NOT_READ, discovered: undefined };
}

/**
 * Makes a row that has only defined fields (a `stats` output row).
 *
 * @internal
 */
export function fieldsRow(defined: Map<string, Value>, ordinal: number): Row {
  return { event: undefined, ordinal, defined, record: undefined, discovered: undefined };
}

/**
 * Copies a row so that `unnest` and `parse … multi` can give each copy its own fields.
 *
 * @internal
 */
export function copyRow(row: Row): Row {
  return {
    event: row.event,
    ordinal: row.ordinal,
    defined: row.defined === undefined ? undefined : new Map(row.defined),
    record: row.record,
    discovered: row.discovered,
  };
}

/**
 * Sets a defined field on a row.
 *
 * @internal
 */
export function defineField(row: Row, name: string, value: Value): void {
  if (row.defined === undefined) row.defined = new Map();
  row.defined.set(name, value);
}

/** Options of field lookup. */
export interface FieldLookupOptions {
  /**
   * Model the service's cap on discovered JSON fields: only the first N
   * leaves of a record, in document order, are fields.
   * @defaultValue `undefined` (no cap; see docs/query-language.md)
   */
  readonly maxDiscoveredFields?: number | undefined;
}

/** Reads one named field of a row. @internal */
export type FieldLookup = (row: Row) => Value;

/**
 * The system fields every event has.
 *
 * @internal
 */
export const SYSTEM_FIELDS: readonly string[] = Object.freeze([
  '@timestamp',
  '@message',
  '@logStream',
  '@log',
  '@ingestionTime',
  '@ptr',
]);

/**
 * The `@ptr` of an event: a stable identifier built from its source —
 * `file:line`, then `[index]` for a record inside an array or envelope, and
 * `@offset` (byte offset) when no line is known. Events without any source
 * position get `#ordinal` (their 0-based position in the scanned input).
 *
 * @example
 * ```ts
 * eventPointer({ timestamp: 0, message: '', kind: 'text', source: { file: 'a.log', line: 3 } }, 0) //=> 'a.log:3'
 * ```
 */
export function eventPointer(event: LogEvent, ordinal: number): string {
  const { file, line, index, offset } = event.source;
  if (line === undefined && index === undefined && offset === undefined) {
    return file === undefined ? `#${ordinal}` : `${file}#${ordinal}`;
  }
  let out = file ?? '';
  if (line !== undefined) out += `:${line}`;
  else if (offset !== undefined) out += `@${offset}`;
  if (index !== undefined) out += `[${index}]`;
  return out;
}

function recordOf(row: Row): unknown {
  if (row.record === NOT_READ) {
    const event = row.event;
    let record: unknown;
    if (event !== undefined && event.kind !== 'text') record = event.record;
    row.record = record;
  }
  return row.record;
}

function isPlainObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isLeaf(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

const MISSING: unique symbol = Symbol('missing');

function isIndexSegment(s: string): boolean {
  if (s.length === 0 || s.length > 9) return false;
  if (s.length > 1 && s.charCodeAt(0) === 0x30) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * Walks `node` along `parts[from..]`, where several consecutive parts may
 * form one key that contains dots. Shorter keys are tried first. With
 * `leavesOnly`, a walk that ends on an object or array finds nothing.
 */
function walk(node: unknown, parts: readonly string[], from: number, leavesOnly: boolean): unknown {
  if (from === parts.length) {
    if (leavesOnly && !isLeaf(node)) return MISSING;
    return node;
  }
  if (Array.isArray(node)) {
    const seg = parts[from] as string;
    if (!isIndexSegment(seg)) return MISSING;
    const i = Number(seg);
    if (i >= node.length) return MISSING;
    return walk(node[i], parts, from + 1, leavesOnly);
  }
  if (!isPlainObject(node)) return MISSING;
  let key = parts[from] as string;
  for (let j = from + 1; j <= parts.length; j++) {
    if (j > from + 1) key = `${key}.${parts[j - 1]}`;
    if (Object.hasOwn(node, key)) {
      const found = walk(node[key], parts, j, leavesOnly);
      if (found !== MISSING) return found;
    }
  }
  return MISSING;
}

/** Converts a JSON leaf from a record to a Value (JSON leaves already are Values). */
function leafValue(v: unknown): Value {
  return v === MISSING ? undefined : (v as Value);
}

/**
 * Walks into a value the query made (a `jsonParse` map or list): any value
 * may be returned, not only leaves.
 *
 * @internal
 */
export function walkValue(value: Value, parts: readonly string[]): Value {
  if (value instanceof Date) return parts.length === 0 ? value : undefined;
  const found = walk(value, parts, 0, false);
  return found === MISSING ? undefined : (found as Value);
}

/**
 * Lists the flattened names of the first `max` leaves of a record in document order.
 * With `serviceNames` (a Lambda platform record) top-level `@` keys are the field names as they are.
 *
 * @internal
 */
export function discoverFields(record: unknown, max: number, serviceNames = false): Set<string> {
  const out = new Set<string>();
  const visit = (node: unknown, prefix: string, top: boolean): void => {
    if (out.size >= max) return;
    if (isLeaf(node)) {
      out.add(prefix);
      return;
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length && out.size < max; i++) visit(node[i], `${prefix}.${i}`, false);
      return;
    }
    if (!isPlainObject(node)) return;
    for (const key of Object.keys(node)) {
      if (out.size >= max) return;
      const name = top ? (key.startsWith('@') && !serviceNames ? `@${key}` : key) : `${prefix}.${key}`;
      visit(node[key], name, false);
    }
  };
  if (isPlainObject(record)) visit(record, '', true);
  return out;
}

/**
 * Splits a flattened field name into path parts. `segments` (from the parsed
 * name: backticked segments keep their dots) win over splitting on dots.
 */
function partsOf(name: string, segments: readonly string[] | undefined): readonly string[] {
  // Lookup is by the flattened name: `a.b.c` finds {"a":{"b.c":…}} and `a.`b.c`` finds {"a":{"b":{"c":…}}}.
  // Only names with bracket indexes (`users[1]`) need the parsed segments.
  if (segments !== undefined && name.includes('[')) return segments;
  return name.split('.');
}

/** True for the values a path can walk into: a map or a list the query made (`jsonParse`). */
function isStructure(v: Value): v is ValueMap | readonly Value[] {
  return typeof v === 'object' && v !== null && !(v instanceof Date);
}

/**
 * Compiles the lookup of one field name: defined fields first (including a
 * path into a defined map such as `j.items.0` after `fields jsonParse(x) as j`),
 * then system fields, then the event's flattened record. A defined scalar
 * does not hide the flattened fields below its name: after `fields
 * user.username as user`, `user.username` is still the event's field (the
 * service looks flattened fields up by their whole name).
 *
 * @param name - the flattened name as the query writes it, backticks removed (`sourceIPs.0`, `@@type`)
 * @param segments - the name's path segments where the query gave them (a backticked segment keeps its dots)
 * @example
 * ```ts
 * const lookup = compileFieldLookup('user.username');
 * lookup(eventRow({ timestamp: 0, message: '', kind: 'json', record: { user: { username: 'a' } }, source: {} }, 0)) //=> 'a'
 * ```
 */
export function compileFieldLookup(
  name: string,
  segments?: readonly string[],
  options: FieldLookupOptions = {},
): FieldLookup {
  const parts = partsOf(name, segments);
  // Prefixes that a query-defined map may stand at: 'j' for 'j.items.0'.
  const prefixes: { readonly key: string; readonly rest: readonly string[] }[] = [];
  for (let i = parts.length - 1; i >= 1; i--) {
    prefixes.push({ key: parts.slice(0, i).join('.'), rest: parts.slice(i) });
  }
  const fromEvent = compileEventLookup(name, parts, options);
  return (row) => {
    const defined = row.defined;
    if (defined !== undefined) {
      if (defined.has(name)) return defined.get(name);
      for (const p of prefixes) {
        const value = defined.get(p.key);
        if (isStructure(value)) return walkValue(value, p.rest);
      }
    }
    return row.event === undefined ? undefined : fromEvent(row);
  };
}

function compileEventLookup(
  name: string,
  parts: readonly string[],
  options: FieldLookupOptions,
): FieldLookup {
  switch (name) {
    case '@timestamp':
      return (row) => {
        const event = row.event as LogEvent;
        // an invalid time is null, never 1970
        return event.timestampInvalid === true ? undefined : new Date(event.timestamp);
      };
    case '@message':
      return (row) => (row.event as LogEvent).message;
    case '@logStream':
      return (row) => (row.event as LogEvent).logStream;
    case '@log':
      return (row) => (row.event as LogEvent).logGroup;
    case '@ingestionTime':
      return (row) => {
        const t = (row.event as LogEvent).ingestionTime;
        return t === undefined ? undefined : new Date(t);
      };
    case '@ptr':
      return (row) => eventPointer(row.event as LogEvent, row.ordinal);
    default:
      break;
  }
  let recordParts = parts;
  const doubled = name.startsWith('@@');
  if (doubled) {
    // A top-level JSON key "@x" is the field "@@x".
    const first = parts[0] as string;
    recordParts = [first.slice(1), ...parts.slice(1)];
  } else if (name.startsWith('@')) {
    // Not a system field: only Lambda platform lines have other `@` fields (`@type`, `@duration`, …),
    // which their records hold under the `@` name itself.
    return (row) =>
      (row.event as LogEvent).kind === 'lambda' ? leafValue(walk(recordOf(row), parts, 0, true)) : undefined;
  }
  const lookup = compileRecordLookup(name, recordParts, options.maxDiscoveredFields);
  // a Lambda platform record's `@` keys are `@` fields, never `@@` fields
  return doubled ? (row) => ((row.event as LogEvent).kind === 'lambda' ? undefined : lookup(row)) : lookup;
}

function compileRecordLookup(
  name: string,
  recordParts: readonly string[],
  cap: number | undefined,
): FieldLookup {
  if (cap === undefined) {
    return (row) => leafValue(walk(recordOf(row), recordParts, 0, true));
  }
  return (row) => {
    const record = recordOf(row);
    if (row.discovered === undefined) {
      row.discovered = discoverFields(record, cap, (row.event as LogEvent).kind === 'lambda');
    }
    if (!row.discovered.has(name)) return undefined;
    return leafValue(walk(record, recordParts, 0, true));
  };
}

/**
 * As {@link compileFieldLookup}, but where the event's record holds a JSON
 * array or object under the name, that value is returned too (a field
 * lookup finds only leaves). For `expand`, which takes a field that holds a
 * JSON array.
 *
 * @example
 * ```ts
 * const lookup = compileValueLookup('items');
 * lookup(eventRow({ timestamp: 0, message: '', kind: 'json', record: { items: [1, 2] }, source: {} }, 0)) //=> [1, 2]
 * ```
 * @internal
 */
export function compileValueLookup(
  name: string,
  segments?: readonly string[],
  options: FieldLookupOptions = {},
): FieldLookup {
  const leaf = compileFieldLookup(name, segments, options);
  const parts = partsOf(name, segments);
  const doubled = name.startsWith('@@');
  // system fields and Lambda `@` fields are leaves
  if (name.startsWith('@') && !doubled) return leaf;
  const recordParts = doubled ? [(parts[0] as string).slice(1), ...parts.slice(1)] : parts;
  return (row) => {
    const v = leaf(row);
    if (v !== undefined || row.event === undefined || row.defined?.has(name) === true) return v;
    if (doubled && (row.event as LogEvent).kind === 'lambda') return undefined;
    const found = walk(recordOf(row), recordParts, 0, false);
    return found === MISSING ? undefined : (found as Value);
  };
}

/**
 * Reads a field of a plain map by flattened name (used for maps that are
 * rows' values rather than events).
 *
 * @internal
 */
export function mapField(map: ValueMap, name: string): Value {
  return Object.hasOwn(map, name) ? map[name] : undefined;
}
