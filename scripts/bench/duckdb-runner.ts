/**
 * Child process of the benchmark: runs one SQL query with DuckDB (installed
 * on demand under `bench-data/.duckdb`) and prints the rows as JSON.
 *
 * @module
 */

/** What the parent asks for. */
export interface DuckdbSpec {
  readonly module: string;
  readonly sql: string;
  readonly threads: number;
}

interface DuckdbApi {
  DuckDBInstance: {
    create(
      path: string,
      options: Record<string, string>,
    ): Promise<{
      connect(): Promise<{
        runAndReadAll(sql: string): Promise<{ getRowObjectsJson(): Record<string, unknown>[] }>;
      }>;
    }>;
  };
}

const spec = JSON.parse(process.argv[2] ?? '{}') as DuckdbSpec;
const duckdb = (await import(spec.module)) as DuckdbApi;
const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: String(spec.threads) });
const connection = await instance.connect();
const reader = await connection.runAndReadAll(spec.sql);
process.stdout.write(JSON.stringify({ rows: reader.getRowObjectsJson() }));
