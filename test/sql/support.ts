/**
 * Shared helpers of the SQL tests: the JSON conformance cases as events and
 * options, a comparison of two results in the get-query-results form, and
 * one DuckDB connection per test file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import { type QueryResult, toInsightsResults } from '../../src/query/index.js';
import { type DuckdbConnection, type DuckdbInstance, openDuckdb } from '../../src/sql/duckdb-engine.js';

const casesDir = fileURLToPath(new URL('../cases/', import.meta.url));

/** One conformance case, as the differential tests need it. */
export interface RawCase {
  readonly file: string;
  readonly name: string;
  readonly query: string;
  readonly events: LogEvent[];
  readonly options: Record<string, unknown>;
  readonly expectsError: boolean;
  readonly ordered: boolean;
}

function listCaseFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listCaseFiles(path);
    return entry.name.endsWith('.json') ? [path] : [];
  });
}

function toTime(t: string | number): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

interface RawEvent {
  timestamp: string | number;
  record?: unknown;
  message?: string;
  logStream?: string;
  logGroup?: string;
  ingestionTime?: string | number;
  kind?: LogEvent['kind'];
}

/** Loads every conformance case (events built as test/query/cases.test.ts builds them). */
export function loadCases(): RawCase[] {
  const out: RawCase[] = [];
  for (const file of listCaseFiles(casesDir).sort()) {
    const data = JSON.parse(readFileSync(file, 'utf8')) as {
      cases: {
        name: string;
        query: string;
        events?: RawEvent[];
        options?: Record<string, unknown>;
        expect: Record<string, unknown>;
      }[];
    };
    for (const c of data.cases) {
      const events: LogEvent[] = (c.events ?? []).map((e, i) => {
        const base = {
          timestamp: toTime(e.timestamp),
          ...(e.logStream === undefined ? {} : { logStream: e.logStream }),
          ...(e.logGroup === undefined ? {} : { logGroup: e.logGroup }),
          ...(e.ingestionTime === undefined ? {} : { ingestionTime: toTime(e.ingestionTime) }),
          source: { file: 'events', line: i + 1 },
        };
        if (e.record !== undefined) {
          return {
            ...base,
            kind: e.kind ?? 'json',
            message: e.message ?? JSON.stringify(e.record),
            record: e.record,
          };
        }
        return { ...base, kind: 'text', message: e.message ?? '' };
      });
      out.push({
        file: relative(casesDir, file),
        name: c.name,
        query: c.query,
        events,
        options: { now: Date.parse('2024-01-01T00:00:00Z'), ...(c.options ?? {}) },
        expectsError: 'error' in c.expect,
        ordered: c.expect.ordered !== false,
      });
    }
  }
  return out;
}

/** A result as comparable cells (the get-query-results strings, @ptr included). */
export function cellsOf(result: QueryResult): [string, string][][] {
  return toInsightsResults(result).results.map((row) =>
    row.map((c) => [c.field, c.value] as [string, string]),
  );
}

/** One DuckDB connection for the tests of a file: opened before them (one thread), closed after them. */
export function useDuckdb(): { readonly connection: DuckdbConnection } {
  let db: { instance: DuckdbInstance; connection: DuckdbConnection } | undefined;
  beforeAll(async () => {
    db = await openDuckdb({ threads: 1 });
  });
  afterAll(() => {
    db?.connection.closeSync();
    db?.instance.closeSync();
  });
  return {
    get connection() {
      if (db === undefined) throw new Error('useDuckdb: the connection is open only inside tests');
      return db.connection;
    },
  };
}
