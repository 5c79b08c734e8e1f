/**
 * Loads the files of a {@link RawReadPlan} into the DuckDB engine's table
 * with DuckDB's own NDJSON reader (`read_ndjson` with only the keys the
 * query reads, as hand-written DuckDB SQL would), while a byte scan of the
 * same file runs on the main thread (`duckdb-raw-scan.ts`). A line that
 * DuckDB cannot prove equal to the readers' event stops the load at once
 * (`error()` in the loading statement); so does anything DuckDB's reader
 * rejects (malformed JSON, invalid UTF-8, a lone surrogate escape, a
 * duplicate key it reads, a line longer than its object size). The caller
 * then falls back to the readers. See `duckdb-raw-read.ts` for the conditions.
 *
 * @module
 */
import { closeSync, openSync } from 'node:fs';
import type { ReadSummary } from '../read/read-summary.js';
import { sqlIdent, sqlString } from './dialect.js';
import type { RawFile, RawReadPlan } from './duckdb-raw-read.js';
import { type RawScan, type RawScanKeys, readScannedLine, scanRawFile } from './duckdb-raw-scan.js';

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
  /**
   * How the query reads `@message` (`kt_message`): not at all, or only to
   * show it (`late`: the column holds a handle, read back with {@link RawMessages}).
   */
  readonly message: 'none' | 'late';
  /** Whether the query reads `@ptr` (`kt_ptr`). */
  readonly ptr: boolean;
}

/** The messages of loaded lines, by the handle the table holds in `kt_message`. */
export interface RawMessages {
  get(handle: string): string;
  dispose(): void;
}

/** The outcome of {@link loadRawFiles}: the reason the readers must read the files, or the loaded files' messages. */
export type RawLoadOutcome = { readonly reason: string } | { readonly messages: RawMessages };

/** Keys whose presence makes `classifyRecord`/`jsonRecordEvent` treat a line as something other than a plain audit event (a JSON null counts as absent there). */
const FOREIGN_KEYS = ['eventVersion', 'Records', 'digestS3Object', 'logFiles', 'detail-type', 'detail'];

/** The keys every line must have as an audit event. */
const EVENT_KEYS = ['kind', 'apiVersion', 'auditID', 'requestReceivedTimestamp'];

/** An integer `JSON.parse` reads exactly and `JSON.stringify` writes back with the same text. */
const PLAIN_INTEGER = '-?(0|[1-9][0-9]{0,14})';

const ISO_TIME = String.raw`[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z`;

/** The marker of a failed line check in DuckDB's error message. */
const CHECK_MARKER = 'kubetrail raw check failed at line ';

/** The first character of a JSON column's text (DuckDB writes it without leading spaces). */
function firstChar(json: string): string {
  return `left(CAST(${json} AS VARCHAR), 1)`;
}

/** The keys DuckDB reads, each field's value, and what the scan must rule out. */
interface Reading {
  /** Top-level key → DuckDB type: `JSON` for a leaf the query reads, a `STRUCT` of the keys below for a parent, `VARCHAR` for an event key only checked. */
  readonly columns: Map<string, string>;
  /** Field → SQL of its JSON value (NULL when missing; a JSON null is ruled out by the scan). */
  readonly values: Map<string, string>;
  /** SQL of the dotted keys the engine's lookup could take instead of a field's path: each must be NULL. */
  readonly dotted: readonly string[];
  readonly scan: RawScanKeys;
}

/** A key the query walks: a leaf it reads, a dotted key that must be absent, or the keys below it. */
type KeyTree = Map<string, KeyTree | 'leaf' | 'dotted'>;

function structType(tree: KeyTree): string {
  const members = [...tree].map(
    ([k, t]) => `${sqlIdent(k)} ${typeof t === 'string' ? 'JSON' : structType(t)}`,
  );
  return `STRUCT(${members.join(', ')})`;
}

/**
 * How the fields are read, or why they cannot be. A field `a.b.c` is the
 * leaf `c` of the struct column `a` (DuckDB's struct reader fails on a
 * duplicate key there, and on a value that is not an object). The dotted
 * keys that the engine's flattened-name lookup could take instead (`a.b`
 * and `a.b.c` at the top, `b.c` in `a`) are read too and must be missing.
 * Both a JSON null and a missing key read as NULL, so the scan rules out a
 * `null` after any of these keys.
 *
 * @example
 * ```ts
 * const reading = readingOf(['verb', 'user.username']);
 * if (typeof reading !== 'string') console.log(reading.columns.get('user')); // 'STRUCT("username" JSON)'
 * ```
 */
export function readingOf(fields: readonly string[]): Reading | string {
  const tree: KeyTree = new Map();
  const values = new Map<string, string>();
  const notNull = new Set<string>();
  const dotted = new Set<string>();
  for (const name of fields) {
    const parts = name.split('.');
    if (parts[0] === 'ordinality') return `field ${name}`;
    let node = tree;
    for (const [i, part] of parts.entries()) {
      const at = node.get(part);
      // the longer keys the lookup tries in this object when the path below `part` finds nothing
      for (let j = i + 2; j <= parts.length; j++) {
        const key = parts.slice(i, j).join('.');
        node.set(key, 'dotted');
        notNull.add(key);
        dotted.add([...parts.slice(0, i), key].map(sqlIdent).join('.'));
      }
      if (i === parts.length - 1) {
        if (at !== undefined && at !== 'leaf') return `field ${name} is also a parent`;
        node.set(part, 'leaf');
      } else {
        if (at === 'leaf') return `field ${name} is below a field the query reads`;
        const below: KeyTree = at === undefined || at === 'dotted' ? new Map() : at;
        node.set(part, below);
        node = below;
      }
    }
    values.set(name, parts.map(sqlIdent).join('.'));
    notNull.add(parts[parts.length - 1] as string);
  }
  const columns = new Map<string, string>();
  // (auditID must be a string: only a JSON column tells)
  for (const k of EVENT_KEYS) columns.set(k, k === 'auditID' ? 'JSON' : 'VARCHAR');
  for (const k of FOREIGN_KEYS) columns.set(k, 'JSON');
  for (const [k, t] of tree) {
    if (typeof t !== 'string' && (EVENT_KEYS.includes(k) || FOREIGN_KEYS.includes(k)))
      return `field ${k}.… below an event key`;
    columns.set(k, typeof t === 'string' ? 'JSON' : structType(t));
  }
  return { columns, values, dotted: [...dotted], scan: { notNull: [...notNull] } };
}

/** The SQL value of one field for the `fields` JSON object, or NULL when the engine's lookup finds nothing (a missing key, an object or an array). */
function fieldJson(name: string, v: string): string {
  const key = sqlString(`${JSON.stringify(name)}:`);
  return `CASE WHEN ${v} IS NULL OR ${firstChar(v)} IN ('{', '[') THEN NULL ELSE ${key} || ${v} END`;
}

/** The text of an event key: VARCHAR as read, or the string inside a JSON column (NULL for another type). */
function textOf(r: Reading, key: string): string {
  return r.columns.get(key) === 'JSON' ? `(${sqlIdent(key)} ->> '$')` : sqlIdent(key);
}

/** A test of an event key's text, and that it is a string (a VARCHAR column takes any value as its JSON text, which the test itself rules out). */
function stringTest(r: Reading, key: string, test: string): string {
  return r.columns.get(key) === 'JSON' ? `${firstChar(sqlIdent(key))} = '"' AND ${test}` : test;
}

/** The line check: true when the readers would give this line's event exactly as the table row says. */
function lineCheck(r: Reading, time: string): string {
  const ts = textOf(r, 'requestReceivedTimestamp');
  const checks = [
    // (a non-string read as VARCHAR is its JSON text: never `Event`, never `audit.k8s.io/…`, never an ISO time)
    stringTest(r, 'kind', `${textOf(r, 'kind')} = 'Event'`),
    stringTest(r, 'apiVersion', `starts_with(${textOf(r, 'apiVersion')}, 'audit.k8s.io/')`),
    `${firstChar(sqlIdent('auditID'))} = '"'`,
    stringTest(r, 'requestReceivedTimestamp', `regexp_full_match(${ts}, ${sqlString(ISO_TIME)})`),
    `${time} IS NOT NULL`,
    ...FOREIGN_KEYS.map((k) => `${sqlIdent(k)} IS NULL`),
    ...r.dotted.map((d) => `${d} IS NULL`),
  ];
  for (const v of r.values.values()) {
    // a number must keep its text through JSON.parse and JSON.stringify
    checks.push(
      `(${v} IS NULL OR NOT (${firstChar(v)} BETWEEN '0' AND '9' OR ${firstChar(v)} = '-') OR regexp_full_match(${v}, ${sqlString(PLAIN_INTEGER)}))`,
    );
  }
  return checks.map((c) => `COALESCE(${c}, FALSE)`).join(' AND ');
}

/**
 * The statement that loads one file into the engine table: every line with
 * its check (a failing line raises an error that names it), time, handles
 * and the `fields` JSON object of the fields the query reads.
 *
 * @example
 * ```ts
 * const reading = readingOf(['verb']);
 * if (typeof reading !== 'string') await connection.run(loadSql(file, 0, 0, 2_000_000, target, reading));
 * ```
 */
export function loadSql(
  file: RawFile,
  fileIndex: number,
  ordinalBase: number,
  maxLine: number,
  target: RawLoadTarget,
  r: Reading,
): string {
  const ts = textOf(r, 'requestReceivedTimestamp');
  const frac = `rpad(substr(regexp_extract(${ts}, '\\.([0-9]+)', 1), 1, 3), 3, '0')`;
  // the seconds as DuckDB reads them, NULL for a date that does not exist (TRY_CAST) or does not print back the same
  const seconds = `TRY_CAST(substr(${ts}, 1, 19) AS TIMESTAMP)`;
  const time = `epoch_ms(${seconds}) + COALESCE(TRY_CAST(NULLIF(${frac}, '000') AS BIGINT), 0)`;
  const checked = `CASE WHEN ${lineCheck(r, `CASE WHEN strftime(${seconds}, '%Y-%m-%dT%H:%M:%S') = substr(${ts}, 1, 19) THEN 1 END`)} THEN ${time} ELSE error(${sqlString(CHECK_MARKER)} || ordinality) END`;
  const fieldsJson =
    r.values.size === 0
      ? "'{}'"
      : `'{' || concat_ws(',', ${[...r.values].map(([name, v]) => fieldJson(name, v)).join(', ')}) || '}'`;
  const columns = [...r.columns].map(([k, t]) => `${sqlString(k)}: ${sqlString(t)}`).join(', ');
  const message = target.message === 'late' ? `${sqlString(`${fileIndex}:`)} || ordinality` : 'NULL';
  const ptr = target.ptr ? `${sqlString(`${file.path}:`)} || ordinality` : 'NULL';
  const group = file.logGroup === undefined ? 'NULL' : sqlString(file.logGroup);
  return `INSERT INTO ${target.table}
SELECT ${ordinalBase} + ordinality, ${checked}, ${message}, ${sqlString(file.logStream)}, ${group}, NULL, ${ptr}, ${fieldsJson}
FROM read_ndjson(${sqlString(file.path)}, columns = {${columns}}, format = 'newline_delimited', maximum_object_size = ${maxLine + 1}) WITH ORDINALITY`;
}

/**
 * Loads every file of the plan, in order, or none: returns the reason the
 * first file that cannot be taken gives (the table is then left empty).
 * On success it fills `summary` as the readers would have, and returns the
 * messages of the loaded lines.
 *
 * @example
 * ```ts
 * const outcome = await loadRawFiles(connection, plan, target, reader.summary);
 * if ('reason' in outcome) console.error(`falling back to the readers: ${outcome.reason}`);
 * ```
 */
export async function loadRawFiles(
  connection: RawLoadConnection,
  plan: RawReadPlan,
  target: RawLoadTarget,
  summary: ReadSummary,
): Promise<RawLoadOutcome> {
  const reading = readingOf(target.fields);
  if (typeof reading === 'string') return { reason: reading };
  const scans: RawScan[] = [];
  let reason: string | undefined;
  try {
    reason = await loadEach(connection, plan, target, reading, scans);
  } catch (error) {
    reason = `DuckDB failed while loading: ${firstLine(error)}`;
  }
  if (reason !== undefined) {
    await connection.run(`DELETE FROM ${target.table}`);
    return { reason };
  }
  plan.files.forEach((file, i) => {
    const records = (scans[i] as RawScan).records;
    summary.recordsRead += records;
    summary.eventsEmitted += records;
    summary.bytesRead += file.size;
    summary.bytesDecompressed += file.size;
    summary.files.push({
      file: file.path,
      format: 'kubernetes-audit-ndjson',
      compression: 'none',
      records,
      events: records,
      rejected: 0,
      bytesRead: file.size,
      bytesDecompressed: file.size,
    });
  });
  return { messages: messagesOf(plan, scans) };
}

function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] as string) : String(error);
}

/** Loads the files in order, each while its scan runs; the reason of the first that cannot be taken. */
async function loadEach(
  connection: RawLoadConnection,
  plan: RawReadPlan,
  target: RawLoadTarget,
  reading: Reading,
  scans: RawScan[],
): Promise<string | undefined> {
  let ordinalBase = 0;
  let bytesBefore = 0;
  const maxLine = Math.min(plan.maxLineBytes, 2 * plan.maxRecordValues - 1);
  for (const [index, file] of plan.files.entries()) {
    // DuckDB reads the file on its threads while the scan reads it here.
    const loading = connection.run(loadSql(file, index, ordinalBase, maxLine, target, reading)).then(
      () => undefined,
      (error: unknown) => firstLine(error),
    );
    let scan: RawScan;
    try {
      const progress = plan.onProgress;
      const before = { records: ordinalBase, bytes: bytesBefore };
      scan = scanRawFile(
        file.path,
        maxLine,
        reading.scan,
        progress === undefined
          ? undefined
          : (records, bytes) =>
              progress({
                records: before.records + records,
                bytes: before.bytes + bytes,
                file: file.path,
                offset: bytes,
              }),
      );
    } catch (error) {
      await loading;
      return `${file.path}: ${firstLine(error)}`;
    }
    const failed = await loading;
    if (failed !== undefined) {
      const at = failed.indexOf(CHECK_MARKER);
      if (at >= 0)
        return `${file.path}: line ${failed.slice(at + CHECK_MARKER.length).split(/\D/)[0]} needs the readers`;
      return `${file.path}: DuckDB cannot read it as audit events (${failed})`;
    }
    if (scan.obstacle !== undefined) return `${file.path}: ${scan.obstacle}`;
    if (target.ptr && scan.blankLinesBetween > 0)
      return `${file.path}: blank lines shift @ptr's line numbers`;
    const loaded = Number(
      (
        await connection.runAndReadAll(`SELECT count(*) FROM ${target.table} WHERE kt_ord > ${ordinalBase}`)
      ).getRows()[0]?.[0] ?? 0,
    );
    if (loaded !== scan.records) return `${file.path}: DuckDB read ${loaded} lines, the scan ${scan.records}`;
    scans.push(scan);
    ordinalBase += scan.records;
    bytesBefore += file.size;
  }
  return undefined;
}

/** The messages of the loaded lines, read from the files by handle (`file index:line ordinal`). */
function messagesOf(plan: RawReadPlan, scans: readonly RawScan[]): RawMessages {
  const fds = new Map<number, number>();
  return {
    get(handle) {
      const colon = handle.indexOf(':');
      const index = Number(handle.slice(0, colon));
      let fd = fds.get(index);
      if (fd === undefined) {
        fd = openSync((plan.files[index] as RawFile).path, 'r');
        fds.set(index, fd);
      }
      return readScannedLine(fd, scans[index] as RawScan, Number(handle.slice(colon + 1)) - 1);
    },
    dispose() {
      for (const fd of fds.values()) closeSync(fd);
      fds.clear();
    },
  };
}
