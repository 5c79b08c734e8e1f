/**
 * A small DuckDB client over `@duckdb/node-bindings` (the native module
 * under `@duckdb/node-api`), with the parts of the `@duckdb/node-api` API
 * the engine uses (`DuckdbApi`). Loading `@duckdb/node-api` evaluates
 * about 150 JavaScript modules (value classes, converters, every vector
 * type): 58 ms of CPU against 16 ms for the bindings alone, on every
 * `--engine duckdb` run. Results whose columns are all booleans, integers,
 * floats or strings are read here; any other column type hands the result
 * to `@duckdb/node-api` (loaded then), so rows are the same either way.
 *
 * @module
 */
import { createRequire } from 'node:module';

/** The parts of the `@duckdb/node-api` API the engine uses. @internal */
export interface DuckdbApi {
  DuckDBInstance: {
    create(path: string, options?: Record<string, string>): Promise<DuckdbInstance>;
  };
}

/** @internal */
export interface DuckdbInstance {
  connect(): Promise<DuckdbConnection>;
  closeSync(): void;
}

/** @internal */
export interface DuckdbConnection {
  run(sql: string): Promise<unknown>;
  runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }>;
  createAppender(table: string): Promise<DuckdbAppender>;
  closeSync(): void;
}

/** @internal */
export interface DuckdbAppender {
  appendBigInt(value: bigint): void;
  appendVarchar(value: string): void;
  appendNull(): void;
  endRow(): void;
  flushSync(): void;
  closeSync(): void;
}

/** The parts of `@duckdb/node-bindings` used here (opaque handles). */
interface Bindings {
  create_config(): unknown;
  set_config(config: unknown, name: string, value: string): void;
  open(path: string, config: unknown): Promise<unknown>;
  connect(db: unknown): Promise<unknown>;
  close_sync(db: unknown): void;
  disconnect_sync(connection: unknown): void;
  query(connection: unknown, sql: string): Promise<unknown>;
  column_count(result: unknown): number;
  column_type(result: unknown, column: number): number;
  result_chunk_count(result: unknown): number;
  result_get_chunk(result: unknown, index: number): unknown;
  data_chunk_get_size(chunk: unknown): number;
  data_chunk_get_vector(chunk: unknown, column: number): unknown;
  vector_get_data(vector: unknown, bytes: number): Uint8Array;
  vector_get_validity(vector: unknown, bytes: number): Uint8Array | null;
  get_data_from_pointer(buffer: ArrayBufferLike, offset: number, bytes: number): Uint8Array;
  appender_create_ext(connection: unknown, catalog: null, schema: null, table: string): unknown;
  append_int64(appender: unknown, value: bigint): void;
  append_varchar(appender: unknown, value: string): void;
  append_null(appender: unknown): void;
  appender_end_row(appender: unknown): void;
  appender_flush_sync(appender: unknown): void;
  appender_close_sync(appender: unknown): void;
}

/** `@duckdb/node-api`'s wrapper of a materialized result, for the column types read here. */
type NodeApi = { DuckDBMaterializedResult: new (result: unknown) => { getRows(): Promise<unknown[][]> } };

/** A reader of one cell of a flat vector: its width, and the value at a byte offset. */
type CellReader = readonly [width: number, read: (b: Bindings, view: DataView, at: number) => unknown];

const decoder = new TextDecoder();

/** duckdb_string_t: the length, then up to 12 bytes inline or a 4-byte prefix and a pointer. */
function readString(b: Bindings, view: DataView, at: number): string {
  const length = view.getUint32(at, true);
  const bytes =
    length <= 12
      ? new Uint8Array(view.buffer, view.byteOffset + at + 4, length)
      : b.get_data_from_pointer(view.buffer, view.byteOffset + at + 8, length);
  return decoder.decode(bytes);
}

/** The DuckDB type ids (`duckdb_type`) read here, each as `@duckdb/node-api`'s `getRows` gives it. */
const READERS: Readonly<Record<number, CellReader>> = {
  1: [1, (_, v, at) => v.getUint8(at) !== 0], // BOOLEAN
  2: [1, (_, v, at) => v.getInt8(at)], // TINYINT
  3: [2, (_, v, at) => v.getInt16(at, true)], // SMALLINT
  4: [4, (_, v, at) => v.getInt32(at, true)], // INTEGER
  5: [8, (_, v, at) => v.getBigInt64(at, true)], // BIGINT
  6: [1, (_, v, at) => v.getUint8(at)], // UTINYINT
  7: [2, (_, v, at) => v.getUint16(at, true)], // USMALLINT
  8: [4, (_, v, at) => v.getUint32(at, true)], // UINTEGER
  9: [8, (_, v, at) => v.getBigUint64(at, true)], // UBIGINT
  10: [4, (_, v, at) => v.getFloat32(at, true)], // FLOAT
  11: [8, (_, v, at) => v.getFloat64(at, true)], // DOUBLE
  16: [16, (_, v, at) => (v.getBigInt64(at + 8, true) << 64n) + v.getBigUint64(at, true)], // HUGEINT
  17: [16, readString], // VARCHAR (and JSON)
};

/** The rows of a result whose column types are all in {@link READERS}; `undefined` otherwise. */
function readRows(b: Bindings, result: unknown): unknown[][] | undefined {
  const columns = b.column_count(result);
  const readers: CellReader[] = [];
  for (let c = 0; c < columns; c++) {
    const reader = READERS[b.column_type(result, c)];
    if (reader === undefined) return undefined;
    readers.push(reader);
  }
  const rows: unknown[][] = [];
  const chunks = b.result_chunk_count(result);
  for (let k = 0; k < chunks; k++) {
    const chunk = b.result_get_chunk(result, k);
    const size = b.data_chunk_get_size(chunk);
    const start = rows.length;
    for (let r = 0; r < size; r++) rows.push(new Array(columns));
    for (let c = 0; c < columns; c++) {
      const [width, read] = readers[c] as CellReader;
      const vector = b.data_chunk_get_vector(chunk, c);
      const data = b.vector_get_data(vector, size * width);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      const validity = b.vector_get_validity(vector, Math.ceil(size / 64) * 8);
      for (let r = 0; r < size; r++) {
        const valid = validity === null || ((validity[r >> 3] as number) & (1 << (r & 7))) !== 0;
        (rows[start + r] as unknown[])[c] = valid ? read(b, view, r * width) : null;
      }
    }
  }
  return rows;
}

/**
 * The engine's DuckDB API over `@duckdb/node-bindings`, found through
 * `@duckdb/node-api` (its dependency, wherever the package manager put it).
 * Throws when `@duckdb/node-api` is not installed.
 *
 * @example
 * ```ts
 * const duckdb = loadDuckdbClient();
 * const instance = await duckdb.DuckDBInstance.create(':memory:');
 * ```
 *
 * @internal
 */
export function loadDuckdbClient(): DuckdbApi {
  const nodeApi = createRequire(import.meta.url).resolve('@duckdb/node-api');
  const local = createRequire(nodeApi);
  const b = local('@duckdb/node-bindings') as Bindings;
  let api: NodeApi | undefined;
  const connectionOf = (handle: unknown): DuckdbConnection => ({
    async run(sql) {
      return b.query(handle, sql);
    },
    async runAndReadAll(sql) {
      const result = await b.query(handle, sql);
      let rows = readRows(b, result);
      if (rows === undefined) {
        api ??= local('@duckdb/node-api') as NodeApi;
        rows = await new api.DuckDBMaterializedResult(result).getRows();
      }
      const all = rows;
      return { getRows: () => all };
    },
    async createAppender(table) {
      const a = b.appender_create_ext(handle, null, null, table);
      const appender: DuckdbAppender = {
        appendBigInt: (v) => b.append_int64(a, v),
        appendVarchar: (v) => b.append_varchar(a, v),
        appendNull: () => b.append_null(a),
        endRow: () => b.appender_end_row(a),
        flushSync: () => b.appender_flush_sync(a),
        closeSync: () => b.appender_close_sync(a),
      };
      return appender;
    },
    closeSync() {
      b.disconnect_sync(handle);
    },
  });
  return {
    DuckDBInstance: {
      async create(path, options) {
        const config = b.create_config();
        b.set_config(config, 'duckdb_api', 'node-neo-api');
        for (const [name, value] of Object.entries(options ?? {})) b.set_config(config, name, value);
        const db = await b.open(path, config);
        const instance: DuckdbInstance = {
          connect: async () => connectionOf(await b.connect(db)),
          closeSync: () => b.close_sync(db),
        };
        return instance;
      },
    },
  };
}
