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

/** DuckDB type ids (`duckdb_type`) read here, with their width in a vector. */
const WIDTHS: Readonly<Record<number, number>> = {
  1: 1, // BOOLEAN
  2: 1, // TINYINT
  3: 2, // SMALLINT
  4: 4, // INTEGER
  5: 8, // BIGINT
  6: 1, // UTINYINT
  7: 2, // USMALLINT
  8: 4, // UINTEGER
  9: 8, // UBIGINT
  10: 4, // FLOAT
  11: 8, // DOUBLE
  16: 16, // HUGEINT
  17: 16, // VARCHAR (and JSON)
};

const decoder = new TextDecoder();

/** One cell of a flat vector, as `@duckdb/node-api`'s `getRows` gives it. */
function cell(b: Bindings, type: number, view: DataView, at: number): unknown {
  switch (type) {
    case 1:
      return view.getUint8(at) !== 0;
    case 2:
      return view.getInt8(at);
    case 3:
      return view.getInt16(at, true);
    case 4:
      return view.getInt32(at, true);
    case 5:
      return view.getBigInt64(at, true);
    case 6:
      return view.getUint8(at);
    case 7:
      return view.getUint16(at, true);
    case 8:
      return view.getUint32(at, true);
    case 9:
      return view.getBigUint64(at, true);
    case 10:
      return view.getFloat32(at, true);
    case 11:
      return view.getFloat64(at, true);
    case 16:
      return (view.getBigInt64(at + 8, true) << 64n) + view.getBigUint64(at, true);
    default: {
      // duckdb_string_t: the length, then up to 12 bytes inline or a 4-byte prefix and a pointer
      const length = view.getUint32(at, true);
      const bytes =
        length <= 12
          ? new Uint8Array(view.buffer, view.byteOffset + at + 4, length)
          : b.get_data_from_pointer(view.buffer, view.byteOffset + at + 8, length);
      return decoder.decode(bytes);
    }
  }
}

/** The rows of a result whose column types are all in {@link WIDTHS}; `undefined` otherwise. */
function readRows(b: Bindings, result: unknown): unknown[][] | undefined {
  const columns = b.column_count(result);
  const types: number[] = [];
  for (let c = 0; c < columns; c++) {
    const t = b.column_type(result, c);
    if (WIDTHS[t] === undefined) return undefined;
    types.push(t);
  }
  const rows: unknown[][] = [];
  const chunks = b.result_chunk_count(result);
  for (let k = 0; k < chunks; k++) {
    const chunk = b.result_get_chunk(result, k);
    const size = b.data_chunk_get_size(chunk);
    const start = rows.length;
    for (let r = 0; r < size; r++) rows.push(new Array(columns));
    for (let c = 0; c < columns; c++) {
      const type = types[c] as number;
      const width = WIDTHS[type] as number;
      const vector = b.data_chunk_get_vector(chunk, c);
      const data = b.vector_get_data(vector, size * width);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      const validity = b.vector_get_validity(vector, Math.ceil(size / 64) * 8);
      for (let r = 0; r < size; r++) {
        const valid = validity === null || ((validity[r >> 3] as number) & (1 << (r & 7))) !== 0;
        (rows[start + r] as unknown[])[c] = valid ? cell(b, type, view, r * width) : null;
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
