/**
 * The conformance case runner: every `test/cases/**\/*.json` file is
 * validated with a zod schema and every case in it becomes a test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { isKubetrailError } from '../../src/errors.js';
import type { LogEvent } from '../../src/log-event.js';
import { compileQuery, createMemorySpillStore, toInsightsResults } from '../../src/query/index.js';
import { lookupTableFromRecords } from '../../src/query/lookup-table.js';
import { parseLookupCsv } from '../../src/run/lookup-table-file.js';

const casesDir = fileURLToPath(new URL('../cases/', import.meta.url));

const JsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValue),
    z.record(z.string(), JsonValue),
  ]),
);

const Time = z.union([z.iso.datetime({ offset: true }), z.number().int()]);

const CaseEvent = z
  .object({
    timestamp: Time,
    record: z.record(z.string(), JsonValue).optional(),
    message: z.string().optional(),
    logStream: z.string().optional(),
    logGroup: z.string().optional(),
    ingestionTime: Time.optional(),
    kind: z.enum(['json', 'kubernetes-audit', 'cloudtrail']).optional(),
  })
  .strict()
  .refine((e) => e.record !== undefined || e.message !== undefined, {
    message: 'an event needs a record or a message',
  });

const CaseOptions = z
  .object({
    startTime: z.number().optional(),
    endTime: z.number().optional(),
    limit: z.number().int().positive().optional(),
    now: z.number().optional(),
    order: z.enum(['newest-first', 'input']).optional(),
    maxDiscoveredFields: z.number().int().positive().optional(),
    maxBufferedRows: z.number().int().positive().optional(),
    /** The run's memory budget in estimated bytes (1 makes every buffering stage spill). */
    memoryBudgetBytes: z.number().positive().optional(),
    /** With `memoryBudgetBytes`: give the run an in-memory spill store (default true); false makes the stage stop with resource_limit. */
    spill: z.boolean().optional(),
  })
  .strict();

const ExpectRows = z
  .object({
    rows: z.array(z.record(z.string(), z.string())),
    ordered: z.boolean().optional(),
    fields: z.array(z.string()).optional(),
    /** The compile warnings (`compiled.warnings`, what `checkQuery` reports as severity `warning`), in order. */
    warnings: z
      .array(z.object({ code: z.string(), line: z.number().int(), column: z.number().int() }).strict())
      .optional(),
    statistics: z
      .object({
        recordsMatched: z.number().optional(),
        recordsScanned: z.number().optional(),
        bytesScanned: z.number().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const ExpectError = z
  .object({
    error: z
      .object({ code: z.string(), line: z.number().int().optional(), column: z.number().int().optional() })
      .strict(),
  })
  .strict();

/** A lookup table: CSV text (header row first), or rows as objects. */
const CaseLookup = z.union([
  z.string(),
  z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
]);

const Case = z
  .object({
    name: z.string().min(1),
    source: z.string().min(1),
    query: z.string(),
    events: z.array(CaseEvent).default([]),
    /** Events that `SOURCE '<name>'` selects inside a join or a subquery (the `sources` option). */
    sources: z.record(z.string(), z.array(CaseEvent)).optional(),
    /** Tables of `lookup` and `cidrlookup` (the `lookups` option). */
    lookups: z.record(z.string(), CaseLookup).optional(),
    options: CaseOptions.optional(),
    expect: z.union([ExpectRows, ExpectError]),
  })
  .strict();

const CaseFile = z.object({ cases: z.array(Case).min(1) }).strict();

type CaseT = z.infer<typeof Case>;

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

/**
 * Builds the events. Records are taken from the raw JSON (`JSON.parse` keeps a
 * `__proto__` key as an own property; a validated copy would not).
 */
function toEvents(c: CaseT, raw: unknown): LogEvent[] {
  return buildEvents(c.events, (raw as { events?: { record?: unknown }[] }).events ?? []);
}

function buildEvents(events: CaseT['events'], rawEvents: readonly { record?: unknown }[]): LogEvent[] {
  return events.map((e, i) => {
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
        message: e.message ?? JSON.stringify(rawEvents[i]?.record),
        record: rawEvents[i]?.record,
      };
    }
    return { ...base, kind: 'text', message: e.message ?? '' };
  });
}

function compileOptions(c: CaseT, raw: unknown) {
  const { spill, ...o } = c.options ?? {};
  const store = o.memoryBudgetBytes !== undefined && spill !== false ? { spill: createMemorySpillStore } : {};
  const rawSources = (raw as { sources?: Record<string, { record?: unknown }[]> }).sources ?? {};
  const sources =
    c.sources === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(c.sources).map(([name, events]) => [
            name,
            buildEvents(events, rawSources[name] ?? []),
          ]),
        );
  const lookups =
    c.lookups === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(c.lookups).map(([name, table]) => [
            name,
            typeof table === 'string'
              ? parseLookupCsv(name, table, `${name}.csv`)
              : lookupTableFromRecords(name, table),
          ]),
        );
  return {
    now: Date.parse('2024-01-01T00:00:00Z'),
    ...o,
    ...store,
    ...(sources === undefined ? {} : { sources }),
    ...(lookups === undefined ? {} : { lookups }),
  };
}

type Cells = [string, string][];

function rowCells(row: readonly { field: string; value: string }[], keepPtr: boolean): Cells {
  return row.filter((cell) => keepPtr || cell.field !== '@ptr').map((cell) => [cell.field, cell.value]);
}

const files = listCaseFiles(casesDir).sort();

test('there are conformance case files', () => {
  expect(files.length).toBeGreaterThan(0);
});

for (const file of files) {
  const name = relative(casesDir, file);
  const parsed = CaseFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  describe(name, () => {
    if (!parsed.success) {
      test('is a valid case file', () => {
        throw new Error(z.prettifyError(parsed.error));
      });
      return;
    }
    const rawCases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: unknown[] }).cases;
    test.each(parsed.data.cases.map((c, i) => [c.name, c, rawCases[i]] as const))(
      '%s',
      async (_name, c, raw) => {
        const spec = c.expect;
        if ('error' in spec) {
          let thrown: unknown;
          try {
            const compiled = compileQuery(c.query, compileOptions(c, raw));
            await compiled.run(toEvents(c, raw));
          } catch (error) {
            thrown = error;
          }
          expect(thrown, 'the query should fail').toBeDefined();
          if (!isKubetrailError(thrown)) throw thrown;
          expect(thrown.code).toBe(spec.error.code);
          const located = thrown as unknown as { line?: number; column?: number };
          if (spec.error.line !== undefined) expect(located.line).toBe(spec.error.line);
          if (spec.error.column !== undefined) expect(located.column).toBe(spec.error.column);
          return;
        }
        const compiled = compileQuery(c.query, compileOptions(c, raw));
        if (spec.warnings !== undefined) {
          expect(compiled.warnings.map((w) => ({ code: w.code, line: w.line, column: w.column }))).toEqual(
            spec.warnings,
          );
        }
        const result = await compiled.run(toEvents(c, raw));
        const insights = toInsightsResults(result);
        const keepPtr = spec.rows.some((r) => Object.hasOwn(r, '@ptr'));
        const actual = insights.results.map((row) => rowCells(row, keepPtr));
        const expected: Cells[] = spec.rows.map((r) => Object.entries(r));
        if (spec.ordered === false) {
          const key = (cells: Cells) => JSON.stringify(cells);
          expect(actual.map(key).sort()).toEqual(expected.map(key).sort());
        } else {
          expect(actual).toEqual(expected);
        }
        if (spec.fields !== undefined) expect(result.fields).toEqual(spec.fields);
        if (spec.statistics !== undefined) expect(result.statistics).toMatchObject(spec.statistics);
      },
    );
  });
}
