/**
 * The `sources` and `lookups` options of `query()`/`queryStream()`: the
 * data a `join`, a subquery, `lookup` and `cidrlookup` bring in, given by
 * the caller as files (read with the reader, or loaded as CSV) or as
 * values, and mapped to the engine's `CompileOptions.sources`/`lookups`.
 * Nothing is fetched: a name the query uses and the caller did not supply
 * is an `unknown_source` or `unknown_lookup_table` error.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import type { QueryAst } from '../query/ast.js';
import type { CompileOptions } from '../query/compile-options.js';
import { type LookupTable, lookupTableFromRecords } from '../query/lookup-table.js';
import { parseQuery } from '../query/parser.js';
import { printQuery } from '../query/print.js';
import type { LookupSupply, SourceEvents, SourceSupply } from '../query/side-inputs.js';
import { readLogs } from '../read/read-logs.js';
import type { ReadLogsOptions } from '../read/read-options.js';
import type { LogInput } from '../read/sources.js';
import { loadLookupTable } from './lookup-table-file.js';

/**
 * A source that `SOURCE '<name>'` selects inside a `join` or a subquery:
 * a path, `file:` URL, directory or glob (or a list of them), read like the
 * query's own input; or log events (an array, which can be read on every
 * run, or any iterable or async iterable, read once).
 *
 * @example
 * ```ts
 * import { query, type SourceInput } from 'kubetrail/engine';
 * const sources: Record<string, SourceInput> = { cloudtrail: 'samples/incident/cloudtrail/' };
 * const text =
 *   'filter sourceIPs.0 in (SOURCE "cloudtrail" | filter errorCode = "AccessDenied" | fields sourceIPAddress) | stats count(*) by user.username';
 * const { rows } = await query('samples/incident/cloudwatch-export/', text, { sources });
 * ```
 */
export type SourceInput =
  | string
  | URL
  | readonly (string | URL)[]
  | readonly LogEvent[]
  | Iterable<LogEvent>
  | AsyncIterable<LogEvent>;

/**
 * A lookup table for `lookup` and `cidrlookup`: the path (or `file:` URL)
 * of a CSV file whose header row names the columns, rows as objects (the
 * columns are their keys), or a table.
 *
 * @example
 * ```ts
 * import { type LookupInput, query } from 'kubetrail/engine';
 * const lookups: Record<string, LookupInput> = {
 *   networks: 'test/fixtures/lookups/networks.csv', // a CSV file with a header row
 *   owners: [{ user: 'alice', team: 'platform' }], // rows as objects
 * };
 * const text =
 *   'filter ispresent(sourceIPs.0) | cidrlookup networks sourceIPs.0 OUTPUT zone | lookup owners user as user.username OUTPUT team | stats count(*) by zone, team';
 * const { rows } = await query('samples/incident/cloudwatch-export/', text, { lookups });
 * ```
 */
export type LookupInput = string | URL | readonly Readonly<Record<string, unknown>>[] | LookupTable;

function isPathList(v: SourceInput): v is readonly (string | URL)[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' || x instanceof URL);
}

/**
 * The engine's sources for `options.sources`: paths are read with the
 * reader (a record without a log group gets the source's name as `@log`),
 * events are passed through.
 *
 * @example
 * ```ts
 * compileQuery(text, { sources: toSourceSupplies({ cloudtrail: 'samples/incident/cloudtrail/' }, { onError: 'skip' }) });
 * ```
 * @internal
 */
export function toSourceSupplies(
  sources: Readonly<Record<string, SourceInput>>,
  readOptions: ReadLogsOptions,
): Record<string, SourceSupply> {
  const out: Record<string, SourceSupply> = Object.create(null);
  for (const name of Object.keys(sources)) {
    const input = sources[name] as SourceInput;
    if (typeof input === 'string' || input instanceof URL || isPathList(input)) {
      const paths = typeof input === 'string' || input instanceof URL ? [input] : [...input];
      out[name] = () => readLogs(paths, { ...readOptions, logGroup: name });
    } else out[name] = input as SourceEvents;
  }
  return out;
}

function isTable(v: LookupInput): v is LookupTable {
  return typeof v === 'object' && !Array.isArray(v) && !(v instanceof URL) && 'columns' in v && 'rows' in v;
}

/**
 * The engine's lookup tables for `options.lookups`: a path is loaded (at
 * most once a run) as a CSV table; rows become a table.
 *
 * @example
 * ```ts
 * compileQuery(text, { lookups: toLookupSupplies({ owners: 'samples/incident/lookups/cidr-owners.csv' }) });
 * ```
 * @internal
 */
export function toLookupSupplies(
  lookups: Readonly<Record<string, LookupInput>>,
): Record<string, LookupSupply> {
  const out: Record<string, LookupSupply> = Object.create(null);
  for (const name of Object.keys(lookups)) {
    const input = lookups[name] as LookupInput;
    if (typeof input === 'string' || input instanceof URL) out[name] = () => loadLookupTable(name, input);
    else if (isTable(input)) out[name] = input;
    else out[name] = lookupTableFromRecords(name, input);
  }
  return out;
}

/**
 * The `sources`/`lookups` compile options of a run on this thread.
 *
 * @example
 * ```ts
 * compileQuery(text, { ...sideOptions({ lookups: { owners: 'owners.csv' } }, readOptions) });
 * ```
 * @internal
 */
export function sideOptions(
  options: {
    readonly sources?: Readonly<Record<string, SourceInput>> | undefined;
    readonly lookups?: Readonly<Record<string, LookupInput>> | undefined;
  },
  readOptions: ReadLogsOptions,
): Pick<CompileOptions, 'sources' | 'lookups'> {
  return {
    ...(options.sources === undefined ? {} : { sources: toSourceSupplies(options.sources, readOptions) }),
    ...(options.lookups === undefined ? {} : { lookups: toLookupSupplies(options.lookups) }),
  };
}

/**
 * The run's own input once more, for inner queries without `SOURCE`: only
 * inputs that can be read twice ({@link canReadAgain}).
 *
 * @example
 * ```ts
 * rereadOf(['samples/incident/'], {})?.() // the events again
 * ```
 * @internal
 */
export function rereadOf(
  inputs: readonly LogInput[],
  readOptions: ReadLogsOptions,
): (() => AsyncIterable<LogEvent>) | undefined {
  return canReadAgain(inputs) ? () => readLogs([...inputs], readOptions) : undefined;
}

/**
 * Whether every input can be read a second time: paths (not stdin), URLs,
 * bytes and arrays of lines; not streams or iterators.
 *
 * @example
 * ```ts
 * canReadAgain(['audit.ndjson']) //=> true
 * canReadAgain(['-']) //=> false
 * ```
 * @internal
 */
export function canReadAgain(inputs: readonly LogInput[]): boolean {
  return inputs.every(
    (i) =>
      (typeof i === 'string' && i !== '-') || i instanceof URL || i instanceof Uint8Array || Array.isArray(i),
  );
}

/** Whether a node tree holds a subquery or a command that brings in other data. */
function holdsSideInput(node: unknown): boolean {
  if (typeof node !== 'object' || node === null) return false;
  if (Array.isArray(node)) return node.some(holdsSideInput);
  const kind = (node as { kind?: unknown }).kind;
  if (
    kind === 'InSubqueryExpr' ||
    kind === 'JoinCommand' ||
    kind === 'LookupCommand' ||
    kind === 'CidrlookupCommand' ||
    kind === 'AppendcolsCommand'
  )
    return true;
  for (const key of Object.keys(node)) {
    if (key === 'span') continue;
    if (holdsSideInput((node as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * Whether a query uses data besides its input (`join`, a subquery,
 * `appendcols`, `lookup`, `cidrlookup`); such queries run on the calling thread, where
 * that data is. A query that does not parse says no (its run reports the error).
 *
 * @example
 * ```ts
 * usesSideInputs('lookup owners ip OUTPUT team') //=> true
 * usesSideInputs('stats count(*)') //=> false
 * ```
 */
export function usesSideInputs(query: string | QueryAst): boolean {
  try {
    return holdsSideInput(parseQuery(typeof query === 'string' ? query : printQuery(query)).commands);
  } catch {
    return false;
  }
}
