/**
 * `kubetrail query`: run a Logs Insights query over files, directories or stdin.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { InternalError } from '../../errors.js';
import type { LogEvent } from '../../log-event.js';
import { MAX_LIMIT } from '../../query/commands/limit.js';
import {
  budgetError,
  compileQuery,
  DEFAULT_LIMIT,
  DEFAULT_MEMORY_BUDGET_BYTES,
  estimateResultRowBytes,
  toInsightsResults,
} from '../../query/index.js';
import { orderColumns, type QueryResult, type ResultRow } from '../../query/results.js';
import type { ReadSummary } from '../../read/read-summary.js';
import { type QueryLogsStatistics, queryStream, sideOptions } from '../../run/index.js';
import type { RawReadReport, ReadProgress } from '../../sql/duckdb-raw-read.js';
import { choiceOption, flag, integerOption, parseCommand, stringOption } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { findCommand } from '../help.js';
import { type CliIo, write } from '../io.js';
import { createProgress } from '../progress.js';
import { renderCsv } from '../render/csv.js';
import { drawHistogram, type Histogram, histogramFromRows } from '../render/histogram.js';
import { renderJson } from '../render/json.js';
import { renderNdjsonRow } from '../render/ndjson.js';
import { renderTable, truncationNote } from '../render/table.js';
import { escapeJsonText } from '../sanitize.js';
import { formatSummary } from '../summary.js';
import { tee } from '../tee.js';
import { histogramFromCounts, histogramQuery } from './histogram-pass.js';
import { checkReadSomething, readSummaryOf } from './input-check.js';
import { checkPaths, fileSizes, resolveInputs, resolveTimes, resolveWidth } from './shared.js';
import { sideOptionsOf } from './side-options.js';

/** The output formats of `query`. */
export const QUERY_FORMATS = ['table', 'json', 'ndjson', 'csv', 'insights'] as const;

/** One of {@link QUERY_FORMATS}. */
export type QueryFormat = (typeof QUERY_FORMATS)[number];

async function readQueryText(
  positionals: readonly string[],
  file: string | undefined,
): Promise<[string, string[]]> {
  if (file !== undefined) {
    try {
      return [await readFile(file, 'utf8'), [...positionals]];
    } catch (error) {
      const reason = (error as { code?: unknown }).code ?? (error as Error).message;
      throw new UsageError(
        'bad_query_file',
        `query: cannot read --query-file ${file}: ${String(reason)}`,
        'query',
      );
    }
  }
  const [text, ...paths] = positionals;
  if (text === undefined)
    throw new UsageError(
      'missing_query',
      "query: give a query, e.g. kubetrail query 'fields @message' samples/incident/",
      'query',
    );
  return [text, paths];
}

/** `--memory-budget <MiB>` in bytes. */
function memoryBudgetOption(options: Parameters<typeof integerOption>[0]): number | undefined {
  const mib = integerOption(options, 'memory-budget', 'query');
  if (mib === undefined) return undefined;
  if (mib < 1) throw new UsageError('bad_number', '--memory-budget: expected at least 1 (MiB)', 'query');
  return mib * 1024 * 1024;
}

/** `--duckdb-read-raw on`: the run stops, before the readers read anything, when DuckDB cannot read the files itself. */
function insistOnRawRead(report: RawReadReport): void {
  if (report.path === 'readers')
    throw new UsageError(
      'bad_option',
      `query: --duckdb-read-raw on, but kubetrail's readers must read these inputs: ${report.reason}`,
      'query',
    );
}

/**
 * Runs `kubetrail query`. Resolves to the exit code.
 *
 * @example
 * ```ts
 * await queryCommand(["stats count(*) by bin(1h)", 'samples/incident/', '--format', 'json'], io); //=> 0
 * ```
 */
export async function queryCommand(args: readonly string[], io: CliIo): Promise<number> {
  const help = findCommand('query');
  if (help === undefined) throw new InternalError('internal_error', 'query help missing');
  const { options, positionals } = parseCommand(help, args);
  const [text, paths] = await readQueryText(positionals, stringOption(options, 'query-file'));
  const format: QueryFormat =
    choiceOption(options, 'format', QUERY_FORMATS, 'query') ??
    (io.stdout.isTTY === true ? 'table' : 'ndjson');
  const times = resolveTimes(options, io, 'query');
  const limit = integerOption(options, 'limit', 'query');
  const width = resolveWidth(options, io, 'query');
  const quiet = flag(options, 'quiet');
  resolveInputs(paths, io, 'query');
  const check = await checkPaths(paths, { allowEmpty: flag(options, 'allow-empty'), io });
  const inputs = check.paths.length === 0 ? [] : resolveInputs(check.paths, io, 'query');
  const logStream = stringOption(options, 'log-stream');
  const logGroup = stringOption(options, 'log-group');
  const workers = integerOption(options, 'workers', 'query') ?? 1;
  const engine = choiceOption(options, 'engine', ['streaming', 'duckdb'] as const, 'query') ?? 'streaming';

  const brought = await sideOptionsOf(options, 'query');
  const memoryBudget = memoryBudgetOption(options);
  const tempDir = stringOption(options, 'temp-dir');
  const timeOptions = {
    now: times.now,
    ...(times.startTime === undefined ? {} : { startTime: times.startTime }),
    ...(times.endTime === undefined ? {} : { endTime: times.endTime }),
  };
  // compiled first, so that a bad query fails before anything else is checked or read
  const { ast } = compileQuery(text, {
    ...timeOptions,
    ...(limit === undefined ? {} : { limit }),
    ...(memoryBudget === undefined ? {} : { memoryBudgetBytes: memoryBudget }),
  });
  const hasStats = ast.commands.some((c) => c.kind === 'StatsCommand');
  // Without a limit the output stops at the service's 10,000 rows: the run asks for one
  // more, so that a cut output can say so (the extra row is not shown).
  const capped = limit === undefined && !ast.commands.some((c) => c.kind === 'LimitCommand');
  const runLimit = capped ? DEFAULT_LIMIT + 1 : limit;
  let cut = false;
  const histogramAsked = flag(options, 'histogram');
  const readRaw = choiceOption(options, 'duckdb-read-raw', ['auto', 'on', 'off'] as const, 'query');
  if (readRaw !== undefined && engine !== 'duckdb')
    throw new UsageError('bad_option', 'query: --duckdb-read-raw needs --engine duckdb', 'query');
  if (histogramAsked && engine === 'duckdb')
    throw new UsageError('bad_option', 'query: --histogram runs on the streaming engine only', 'query');
  // (the counting query keeps the commands before stats, joins and lookups included: they need the same data)
  const countingQuery = histogramAsked
    ? compileQuery(histogramQuery(ast), { ...timeOptions, ...sideOptions(brought, { onError: 'skip' }) })
    : undefined;

  const showProgress = io.stderr.isTTY === true && !quiet;
  const sizes = showProgress ? await fileSizes(paths) : undefined;
  const progress = createProgress({
    sink: io.stderr,
    enabled: showProgress,
    now: io.now,
    ...(sizes === undefined ? {} : { fileSizes: sizes }),
  });
  const started = io.now();
  const signal = io.signal === undefined ? {} : { signal: io.signal };
  const side: { summary?: ReadSummary; counting?: Promise<QueryResult> } = {};
  // One path for one thread, --workers and --engine duckdb: the library runs the query, and its
  // hooks feed the progress line, the histogram's counting query (a tee of the events, which keeps
  // the run on this thread) and the check that something was read.
  const stream = queryStream(inputs, text, {
    ...timeOptions,
    ...(runLimit === undefined ? {} : { limit: runLimit }),
    onError: flag(options, 'strict') ? 'throw' : 'skip',
    ...(logStream === undefined ? {} : { logStream }),
    ...(logGroup === undefined ? {} : { logGroup }),
    ...signal,
    ...(engine === 'duckdb'
      ? {
          engine,
          duckdb: {
            ...(tempDir === undefined ? {} : { tempDirectory: tempDir }),
            ...(readRaw === 'off' ? { readRaw: false } : {}),
            ...(readRaw === 'on' ? { onRawRead: insistOnRawRead } : {}),
            // (a progress hook that keeps DuckDB reading raw files itself, where onEvent would not)
            ...(showProgress ? { onProgress: (p: ReadProgress) => progress.advance(p) } : {}),
          },
        }
      : { workers }),
    ...(memoryBudget === undefined ? {} : { memoryBudgetBytes: memoryBudget }),
    ...(tempDir === undefined ? {} : { tempDir }),
    ...brought,
    ...(engine === 'duckdb' || !showProgress ? {} : { onEvent: (e: LogEvent) => progress.tick(e) }),
    onReadSummary: (summary) => {
      side.summary = summary;
    },
    ...(countingQuery === undefined
      ? {}
      : {
          tapEvents: (events: AsyncIterable<LogEvent>): AsyncIterable<LogEvent> => {
            const [mainEvents, countEvents] = tee(events, 2) as [
              AsyncIterable<LogEvent>,
              AsyncIterable<LogEvent>,
            ];
            side.counting = countingQuery.run(countEvents, signal);
            side.counting.catch(() => {});
            return mainEvents;
          },
        }),
  });

  const rows: ResultRow[] = [];
  // ndjson streams its rows; the other formats lay out all rows at the end, within the memory budget
  const keepRows = format !== 'ndjson' || histogramAsked;
  const budget = memoryBudget ?? DEFAULT_MEMORY_BUDGET_BYTES;
  let keptBytes = 0;
  let rowCount = 0;
  const seen = new Set<string>();
  try {
    for await (const row of stream) {
      if (capped && rowCount === DEFAULT_LIMIT) {
        cut = true;
        continue;
      }
      rowCount++;
      if (keepRows) {
        keptBytes += estimateResultRowBytes(row);
        if (keptBytes > budget) {
          throw budgetError(
            `the ${format} output, which lays out all rows at the end,`,
            budget,
            { start: 0, end: 0 },
            text,
            ['use --format ndjson, which writes each row as it comes', 'raise --memory-budget'],
          );
        }
        rows.push(row);
      }
      for (const key of Object.keys(row)) seen.add(key);
      if (format === 'ndjson') {
        progress.done();
        await write(io.stdout, renderNdjsonRow(row, Object.keys(row)));
      }
    }
  } finally {
    progress.done();
  }
  const countResult = side.counting === undefined ? undefined : await side.counting;
  // a run split across threads reports no file list: look when it scanned nothing
  const summary =
    side.summary ?? (stream.statistics.recordsScanned === 0 ? await readSummaryOf(inputs) : undefined);
  if (summary !== undefined) checkReadSomething(check, summary, io);
  const statistics = stream.statistics;
  const result: QueryResult = { rows, fields: orderColumns(seen, stream.columns), statistics };

  let histogram: Histogram | undefined;
  if (countResult !== undefined && !(hasStats && histogramFromRows(result) !== undefined)) {
    histogram = histogramFromCounts(countResult.rows);
  } else if (hasStats) {
    histogram = histogramFromRows(result, histogramAsked);
  }

  await writeResult(format, result, statistics, histogram, histogramAsked, width, quiet, io);
  if (!quiet && statistics.engineFallback !== undefined)
    io.stderr.write(`kubetrail: note: ${statistics.engineFallback}\n`);
  if (!quiet) {
    io.stderr.write(
      formatSummary({
        recordsScanned: statistics.recordsScanned,
        recordsMatched: statistics.recordsMatched,
        recordsSkipped: statistics.recordsSkipped,
        skippedByReason: statistics.skippedByReason,
        ...(statistics.filesSkipped === undefined
          ? {}
          : {
              filesSkipped: statistics.filesSkipped,
              filesSkippedByReason: statistics.filesSkippedByReason ?? {},
            }),
        ...(statistics.firstSkips === undefined ? {} : { firstSkips: statistics.firstSkips }),
        ...(statistics.invalidTimestamps === undefined
          ? {}
          : {
              invalidTimestamps: statistics.invalidTimestamps,
              invalidTimestampSamples: statistics.invalidTimestampSamples ?? [],
            }),
        bytesScanned: statistics.bytesScanned,
        rows: rowCount,
        elapsedMs: Math.max(0, io.now() - started),
      }),
    );
  }
  if (cut) io.stderr.write(rowCapNote());
  return flag(options, 'fail-on-empty') && rowCount === 0 ? EXIT.empty : EXIT.ok;
}

/**
 * The note for an output cut at the default row cap.
 *
 * @example
 * ```ts
 * rowCapNote(); //=> 'kubetrail: the output stopped at 10,000 rows, the default cap; …'
 * ```
 */
export function rowCapNote(): string {
  return `kubetrail: the output stopped at ${DEFAULT_LIMIT.toLocaleString('en-US')} rows, the default cap; more rows matched. Use --limit <n> (up to ${MAX_LIMIT.toLocaleString('en-US')}) or end the query with | limit <n> to see more\n`;
}

/** What a read of the inputs finds (after a parallel run that scanned nothing). */
async function writeResult(
  format: QueryFormat,
  result: QueryResult,
  statistics: QueryLogsStatistics,
  histogram: Histogram | undefined,
  histogramAsked: boolean,
  width: number,
  quiet: boolean,
  io: CliIo,
): Promise<void> {
  switch (format) {
    case 'table': {
      if (histogram !== undefined) await write(io.stdout, drawHistogram(histogram, width) + '\n');
      const { text, truncatedCells } = renderTable(withoutPointer(result), { width });
      await write(io.stdout, text + truncationNote(truncatedCells, width));
      return;
    }
    case 'ndjson':
      break;
    case 'json':
      await write(io.stdout, renderJson(result));
      break;
    case 'csv':
      await write(io.stdout, renderCsv(withoutPointer(result)));
      break;
    case 'insights': {
      const { recordsMatched, recordsScanned, bytesScanned } = statistics;
      const insights = toInsightsResults({
        ...result,
        statistics: { recordsMatched, recordsScanned, bytesScanned },
      });
      await write(io.stdout, escapeJsonText(JSON.stringify(insights, null, 2)) + '\n');
      break;
    }
  }
  // Machine formats keep stdout clean: an asked-for histogram goes to stderr.
  if (histogram !== undefined && histogramAsked && !quiet) io.stderr.write(drawHistogram(histogram, width));
}

/** The console does not show `@ptr`; neither do the table and CSV (JSON formats keep it for pivots). */
function withoutPointer(result: QueryResult): QueryResult {
  return result.fields.includes('@ptr')
    ? { ...result, fields: result.fields.filter((f) => f !== '@ptr') }
    : result;
}
