/**
 * Loads the files of a {@link RawReadPlan} into the DuckDB engine's table
 * with DuckDB's own reader: each line as one VARCHAR (`read_csv` with no
 * quote and no delimiter), the JSON paths the query reads extracted in one
 * `json_extract`, and a per-line check that proves the readers would give
 * the same event (see `duckdb-raw-read.ts` for the conditions). A file that
 * fails the check loads nothing: the caller falls back to the readers.
 *
 * @module
 */
import type { ReadSummary } from '../read/read-summary.js';
import { sqlString } from './dialect.js';
import type { RawFile, RawReadPlan } from './duckdb-raw-read.js';

/** The connection calls the loader needs. */
export interface RawLoadConnection {
  run(sql: string): Promise<unknown>;
  runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }>;
}

/** What the loader needs to know of the query and the engine table. */
export interface RawLoadTarget {
  /** The engine table (`kubetrail_events`), already created and empty. */
  readonly table: string;
  /** Record fields the query reads. */
  readonly fields: readonly string[];
  /** Whether the query reads `@message` / `@ptr` (`kt_message` / `kt_ptr`). */
  readonly message: boolean;
  readonly ptr: boolean;
  /** The query's time window (events outside it are counted, not loaded). */
  readonly window: { readonly startTime: number | undefined; readonly endTime: number | undefined };
}

const STAGING = 'kt_raw_lines';

/**
 * `read_csv`'s line limit (its default, 2 MiB). DuckDB sizes its read buffers
 * from it (16 times), so it stays small: a longer line fails the read, and the
 * file falls back to the readers.
 */
const MAX_LINE_SIZE = 2 * 1024 * 1024;

/** JSON types DuckDB gives numbers. */
const NON_NUMBER_TYPES = "('VARCHAR', 'BOOLEAN', 'NULL', 'OBJECT', 'ARRAY')";

/** Keys whose presence makes `classifyRecord`/`jsonRecordEvent` treat a line as something other than a plain audit event. */
const FOREIGN_KEYS = ['eventVersion', 'Records', 'digestS3Object', 'logFiles', 'detail-type', 'detail'];

/** DuckDB's JSON extensions `JSON.parse` rejects: a trailing comma, `NaN`, `Infinity`/`Inf` (may also match inside a string: then the file only falls back). */
const EXTENSIONS = String.raw`,[ \t]*[}\]]|[:,\[][ \t]*[-+]?(?i:nan|inf)`;

/** An integer `JSON.parse` reads exactly and `JSON.stringify` writes back with the same text. */
const PLAIN_INTEGER = '-?(0|[1-9][0-9]{0,14})';

const ISO_TIME = String.raw`[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z`;

function pointerOf(parts: readonly string[]): string {
  return `/${parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}

/** The paths extracted from each line, and the checks on the objects along the query's paths. */
interface Extraction {
  readonly pointers: string[];
  /** Pointer index (1-based) of each query field. */
  readonly fieldIndex: Map<string, number>;
  /** For each object along a path (pointer index, 0 for the line itself): the next parts the walk takes there. */
  readonly prefixes: Map<number, Set<string>>;
}

export function extraction(fields: readonly string[]): Extraction {
  const pointers: string[] = ['/kind', '/apiVersion', '/auditID', '/requestReceivedTimestamp'];
  const indexOf = (parts: readonly string[]): number => {
    const p = pointerOf(parts);
    let i = pointers.indexOf(p);
    if (i < 0) i = pointers.push(p) - 1;
    return i + 1;
  };
  const fieldIndex = new Map<string, number>();
  const prefixes = new Map<number, Set<string>>();
  for (const name of fields) {
    const parts = name.split('.');
    fieldIndex.set(name, indexOf(parts));
    for (let i = 0; i < parts.length; i++) {
      const at = i === 0 ? 0 : indexOf(parts.slice(0, i));
      const next = prefixes.get(at) ?? new Set<string>();
      prefixes.set(at, next);
      next.add(parts[i] as string);
    }
  }
  return { pointers, fieldIndex, prefixes };
}

/** The checks of one object along the query's paths: the keys walked are unique and no dotted key could match instead. */
function objectCheck(keys: string, next: ReadonlySet<string>): string {
  const out: string[] = [];
  for (const part of next) {
    out.push(`len(list_filter(${keys}, lambda k: k = ${sqlString(part)})) <= 1`);
    out.push(`len(list_filter(${keys}, lambda k: starts_with(k, ${sqlString(`${part}.`)}))) = 0`);
  }
  return out.join(' AND ');
}

/** The SQL value of one field for the `fields` JSON object, or NULL when the engine's lookup finds nothing. */
function fieldJson(name: string, v: string): string {
  const key = sqlString(`${JSON.stringify(name)}:`);
  return `CASE WHEN ${v} IS NULL THEN NULL WHEN json_type(${v}) IN ('OBJECT', 'ARRAY') THEN NULL WHEN json_type(${v}) = 'VARCHAR' AND contains(${v}, '\\') THEN ${key} || CAST(to_json(${v} ->> '$') AS VARCHAR) ELSE ${key} || ${v} END`;
}

/**
 * The checks of the line's own keys, in two passes over its key list (a
 * `list_distinct` of every key costs more): each top-level key read
 * (`kind`, …, the first part of each field) is there at most once — as many
 * times as `json_extract` found it — and no foreign key, nor a dotted key
 * the flattened-name lookup could take, is there.
 */
function topLevelChecks(x: Extraction): string[] {
  const read = new Map<string, number>();
  x.pointers.forEach((p, i) => {
    const key = p.slice(1);
    if (!key.includes('/') && !key.includes('~')) read.set(key, i + 1);
  });
  const names = [...read.keys()].map(sqlString).join(', ');
  const present = [...read.values()].map((i) => `CAST(fx[${i}] IS NOT NULL AS INTEGER)`).join(' + ');
  const dotted = [...(x.prefixes.get(0) ?? [])].map((part) => `starts_with(k, ${sqlString(`${part}.`)})`);
  const foreign = [`k IN (${FOREIGN_KEYS.map(sqlString).join(', ')})`, ...dotted].join(' OR ');
  return [
    `len(list_filter(keys, lambda k: k IN (${names}))) = ${present}`,
    `len(list_filter(keys, lambda k: ${foreign})) = 0`,
  ];
}

/** The line check: true when the readers would give this line's event exactly as the fast path does. */
function lineCheck(x: Extraction, plan: RawReadPlan): string {
  const fx = (i: number): string => `fx[${i}]`;
  const ts = `(${fx(4)} ->> '$')`;
  const checks = [
    'keys IS NOT NULL',
    'fx IS NOT NULL',
    `NOT regexp_matches(line, ${sqlString(EXTENSIONS)})`,
    `${fx(1)} = '"Event"'`,
    `json_type(${fx(2)}) = 'VARCHAR' AND starts_with(${fx(2)} ->> '$', 'audit.k8s.io/')`,
    `json_type(${fx(3)}) = 'VARCHAR'`,
    `json_type(${fx(4)}) = 'VARCHAR' AND regexp_full_match(${ts}, ${sqlString(ISO_TIME)})`,
    `strftime(TRY_CAST(substr(${ts}, 1, 19) AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S') = substr(${ts}, 1, 19)`,
    `strlen(line) <= ${plan.maxLineBytes}`,
    `strlen(line) < ${2 * plan.maxRecordValues}`,
  ];
  checks.push(...topLevelChecks(x));
  for (const [at, next] of x.prefixes) {
    if (at === 0) continue;
    const check = objectCheck(`json_keys(${fx(at)})`, next);
    checks.push(`(${fx(at)} IS NULL OR json_type(${fx(at)}) <> 'OBJECT' OR (${check}))`);
  }
  for (const i of new Set(x.fieldIndex.values())) {
    const v = fx(i);
    checks.push(
      `(${v} IS NULL OR json_type(${v}) IN ${NON_NUMBER_TYPES} OR (regexp_full_match(${v}, ${sqlString(PLAIN_INTEGER)}) AND ${v} <> '-0'))`,
    );
  }
  return checks.map((c) => `COALESCE(${c}, FALSE)`).join(' AND ');
}

/** `read_csv` of one file, one VARCHAR per line. */
function linesOf(file: RawFile): string {
  const options = [
    "columns = {'line': 'VARCHAR'}",
    'header = false',
    'delim = chr(1)',
    "quote = ''",
    "escape = ''",
    "new_line = '\\n'",
    'auto_detect = false',
    'strict_mode = true',
    `max_line_size = ${MAX_LINE_SIZE}`,
    `compression = '${file.gzip ? 'gzip' : 'none'}'`,
  ];
  return `read_csv(${sqlString(file.path)}, ${options.join(', ')}) WITH ORDINALITY`;
}

/** The statement that stages one file's lines: line number, blank flag, check, byte length, and the event's columns. */
export function stageSql(file: RawFile, plan: RawReadPlan, target: RawLoadTarget, x: Extraction): string {
  const blank = `(line IS NULL OR regexp_full_match(line, '[ \\t]*'))`;
  const keys = `CASE WHEN ${blank} THEN NULL ELSE try(json_keys(line)) END`;
  const list = `[${x.pointers.map(sqlString).join(', ')}]`;
  const ts = `(fx[4] ->> '$')`;
  const frac = `rpad(substr(regexp_extract(${ts}, '\\.([0-9]+)', 1), 1, 3), 3, '0')`;
  const time = `epoch_ms(TRY_CAST(substr(${ts}, 1, 19) AS TIMESTAMP)) + COALESCE(TRY_CAST(NULLIF(${frac}, '000') AS BIGINT), 0)`;
  const fieldsJson =
    x.fieldIndex.size === 0
      ? "'{}'"
      : `'{' || concat_ws(',', ${[...x.fieldIndex].map(([name, i]) => fieldJson(name, `fx[${i}]`)).join(', ')}) || '}'`;
  return `CREATE TEMP TABLE ${STAGING} AS
SELECT kt_line, kt_blank, kt_len, kt_blank OR (${lineCheck(x, plan)}) AS kt_ok,
  CASE WHEN NOT kt_blank THEN ${time} END AS kt_timestamp,
  ${target.message ? 'line' : 'NULL::VARCHAR'} AS kt_message,
  CASE WHEN NOT kt_blank THEN ${fieldsJson} END AS fields
FROM (
  SELECT kt_line, kt_blank, kt_len, line, keys, CASE WHEN keys IS NOT NULL THEN try(json_extract(line, ${list})) END AS fx
  FROM (
    SELECT ordinality AS kt_line, ${blank} AS kt_blank, strlen(COALESCE(line, '')) AS kt_len, line, ${keys} AS keys
    FROM ${linesOf(file)}
  )
)`;
}

/**
 * Loads every file of the plan, in order, or none: returns the reason the
 * first file that fails its check gives (the table is then left empty).
 * On success it fills `summary` as the readers would have.
 *
 * @example
 * ```ts
 * const why = await loadRawFiles(connection, plan, target, reader.summary);
 * if (why !== undefined) console.error(`falling back to the readers: ${why}`);
 * ```
 */
export async function loadRawFiles(
  connection: RawLoadConnection,
  plan: RawReadPlan,
  target: RawLoadTarget,
  summary: ReadSummary,
): Promise<string | undefined> {
  // Staged messages are a second copy of the input in memory: over DuckDB's limit on large files.
  if (target.message) return 'the query reads @message (the readers keep it out of DuckDB until needed)';
  const x = extraction(target.fields);
  const files: { file: RawFile; records: number; bytes: number }[] = [];
  let reason: string | undefined;
  try {
    reason = await loadEach(connection, plan, target, x, files);
  } catch (error) {
    // (a memory-limit hit or any other DuckDB failure while loading: the readers read the files instead)
    reason = `DuckDB failed while loading: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${STAGING}`);
  }
  if (reason !== undefined) {
    await connection.run(`DELETE FROM ${target.table}`);
    return reason;
  }
  for (const { file, records, bytes } of files) {
    summary.recordsRead += records;
    summary.eventsEmitted += records;
    summary.bytesRead += file.size;
    summary.bytesDecompressed += bytes;
    summary.files.push({
      file: file.path,
      format: 'kubernetes-audit-ndjson',
      compression: file.gzip ? 'gzip' : 'none',
      records,
      events: records,
      rejected: 0,
      bytesRead: file.size,
      bytesDecompressed: bytes,
    });
  }
  return undefined;
}

/** Stages, checks and inserts the files in order; the reason of the first that fails. */
async function loadEach(
  connection: RawLoadConnection,
  plan: RawReadPlan,
  target: RawLoadTarget,
  x: Extraction,
  files: { file: RawFile; records: number; bytes: number }[],
): Promise<string | undefined> {
  let ordinalBase = 0;
  for (const file of plan.files) {
    await connection.run(`DROP TABLE IF EXISTS ${STAGING}`);
    try {
      await connection.run(stageSql(file, plan, target, x));
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return `${file.path}: DuckDB cannot read it as lines (${message})`;
    }
    const counts = (
      await connection.runAndReadAll(
        `SELECT count(*) FILTER (WHERE NOT kt_ok), count(*) FILTER (WHERE NOT kt_blank), COALESCE(sum(kt_len), 0), count(*), min(kt_line) FILTER (WHERE NOT kt_ok) FROM ${STAGING}`,
      )
    ).getRows()[0] as unknown[];
    const bad = Number(counts[0]);
    if (bad > 0) return `${file.path}: line ${String(counts[4])} needs the readers (${bad} such lines)`;
    const records = Number(counts[1]);
    const lines = Number(counts[3]);
    const chars = Number(counts[2]);
    // the size on disk (or the gzip trailer) is the lines plus their newlines: the last one may lack its own
    const bytes = [chars + lines, chars + lines - 1].find(
      (n) => n >= 0 && n % 2 ** 32 === file.decompressedSize % 2 ** 32,
    );
    if (bytes === undefined || (!file.gzip && bytes !== file.size)) {
      return `${file.path}: the decompressed size does not match its lines`;
    }
    const where = ['NOT kt_blank'];
    if (target.window.startTime !== undefined) where.push(`kt_timestamp >= ${target.window.startTime}`);
    if (target.window.endTime !== undefined) where.push(`kt_timestamp <= ${target.window.endTime}`);
    const ptr = target.ptr ? `${sqlString(`${file.path}:`)} || kt_line` : 'NULL';
    await connection.run(
      `INSERT INTO ${target.table} SELECT ${ordinalBase} + kt_line, kt_timestamp, kt_message, ${sqlString(file.logStream)}, ${file.logGroup === undefined ? 'NULL' : sqlString(file.logGroup)}, NULL, ${ptr}, fields FROM ${STAGING} WHERE ${where.join(' AND ')} ORDER BY kt_line`,
    );
    ordinalBase += lines;
    files.push({ file, records, bytes });
  }
  return undefined;
}
