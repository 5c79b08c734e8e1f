/**
 * `kubetrail detect`: run the detection catalogue (and the user's own rules)
 * over logs; findings grouped by severity with counts and first/last seen.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { type AllowLists, loadAllowLists, mergeAllowLists } from '../../detect/allow-lists.js';
import { BUILT_IN_DETECTIONS, listDetections } from '../../detect/catalogue/index.js';
import { loadDetections } from '../../detect/schema.js';
import {
  type Detection,
  type DetectionFilter,
  type Finding,
  SEVERITIES,
  type Severity,
} from '../../detect/types.js';
import { InternalError } from '../../errors.js';
import type { ReadSummary } from '../../read/read-summary.js';
import { type DetectLogsResult, detectLogs } from '../../run/detect-logs.js';
import {
  choiceOption,
  flag,
  integerOption,
  listOption,
  type ParsedOptions,
  parseCommand,
  stringOption,
} from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { formatInsightsTime } from '../format-value.js';
import { findCommand } from '../help.js';
import { type CliIo, write } from '../io.js';
import { createProgress } from '../progress.js';
import { formatCount } from '../render/histogram.js';
import { rowToJson } from '../render/json.js';
import { renderTable, truncationNote } from '../render/table.js';
import type { Row } from '../render/types.js';
import { escapeJsonText } from '../sanitize.js';
import { checkReadSomething, readSummaryOf } from './input-check.js';
import { checkPaths, fileSizes, resolveInputs, resolveTimes, resolveWidth } from './shared.js';
import { loadSigmaForCli, placeholdersOf } from './sigma-files.js';

async function userDetections(file: string | undefined): Promise<readonly Detection[]> {
  if (file === undefined) return [];
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as { code?: unknown }).code ?? (error as Error).message;
    throw new UsageError(
      'bad_rules_file',
      `detect: cannot read --rules ${file}: ${String(reason)}`,
      'detect',
    );
  }
  return loadDetections(text, { format: file.endsWith('.json') ? 'json' : 'yaml', file });
}

/** `--allow-list` files and the `--trusted-*` values, joined; `undefined` when none are given. */
async function allowListsOf(options: ParsedOptions): Promise<AllowLists | undefined> {
  const lists: AllowLists[] = [];
  for (const file of listOption(options, 'allow-list')) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const reason = (error as { code?: unknown }).code ?? (error as Error).message;
      throw new UsageError(
        'bad_rules_file',
        `detect: cannot read --allow-list ${file}: ${String(reason)}`,
        'detect',
      );
    }
    lists.push(loadAllowLists(text, { format: file.endsWith('.json') ? 'json' : 'yaml', file }));
  }
  const given: Record<string, readonly string[]> = {
    cidrs: listOption(options, 'trusted-cidr'),
    users: listOption(options, 'trusted-user'),
    serviceAccounts: listOption(options, 'trusted-service-account'),
    namespaces: listOption(options, 'trusted-namespace'),
    userAgents: listOption(options, 'trusted-user-agent'),
  };
  const flags = Object.fromEntries(Object.entries(given).filter(([, v]) => v.length > 0));
  // validated as a file would be (a bad CIDR names the list and the value)
  if (Object.keys(flags).length > 0)
    lists.push(loadAllowLists(JSON.stringify(flags), { format: 'json', file: 'the command line' }));
  return lists.length === 0 ? undefined : mergeAllowLists(...lists);
}

function detectionFilter(
  severity: Severity | undefined,
  tags: readonly string[],
  ids: readonly string[],
): DetectionFilter {
  return {
    ...(severity === undefined ? {} : { minSeverity: severity }),
    ...(tags.length === 0 ? {} : { tags }),
    ...(ids.length === 0 ? {} : { ids }),
  };
}

/**
 * Runs `kubetrail detect`. Resolves to the exit code (1 with findings under
 * `--fail-on-findings`).
 *
 * @example
 * ```ts
 * await detectCommand(['samples/incident/', '--severity', 'high'], io); //=> 0
 * ```
 */
export async function detectCommand(args: readonly string[], io: CliIo): Promise<number> {
  const help = findCommand('detect');
  if (help === undefined) throw new InternalError('internal_error', 'detect help missing');
  const { options, positionals } = parseCommand(help, args);
  const format = choiceOption(options, 'format', ['table', 'json'] as const, 'detect') ?? 'table';
  const severity = choiceOption(options, 'severity', SEVERITIES, 'detect');
  const width = resolveWidth(options, io, 'detect');
  const quiet = flag(options, 'quiet');
  const showRows = flag(options, 'rows');
  const rowLimit = integerOption(options, 'row-limit', 'detect') ?? DEFAULT_ROW_LIMIT;
  const own = await userDetections(stringOption(options, 'rules'));
  const ids = listOption(options, 'id');
  const sigmaPaths = listOption(options, 'sigma');
  const sigmaOnly = flag(options, 'sigma-only');
  if (sigmaOnly && sigmaPaths.length === 0)
    throw new UsageError('bad_arguments', 'detect: --sigma-only needs --sigma <files|dirs>', 'detect');
  const sigma =
    sigmaPaths.length === 0
      ? undefined
      : await loadSigmaForCli(
          sigmaPaths,
          'detect',
          { placeholders: placeholdersOf(listOption(options, 'sigma-placeholder'), 'detect') },
          (line) => {
            if (!quiet) io.stderr.write(`${line}\n`);
          },
        );
  const allowLists = await allowListsOf(options);
  const detections = sigmaOnly ? own : [...BUILT_IN_DETECTIONS, ...own];
  const known = new Set(detections.map((d) => d.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new UsageError('unknown_detection', `detect: no detection with id ${unknown.join(', ')}`, 'detect');
  const filter = detectionFilter(severity, listOption(options, 'tag'), ids);

  if (flag(options, 'list')) {
    const selected = listDetections(filter, detections);
    if (format === 'json') {
      await write(io.stdout, escapeJsonText(JSON.stringify(selected, null, 2)) + '\n');
    } else {
      const rows: Row[] = selected.map((d) => ({
        id: d.id,
        severity: d.severity,
        kind: d.kind,
        mitre: d.mitre.join(' '),
        title: d.title,
      }));
      const t = renderTable(
        { fields: ['id', 'severity', 'kind', 'mitre', 'title'], rows },
        { width, keep: ['id'] },
      );
      await write(
        io.stdout,
        t.text + truncationNote(t.truncatedCells, width) + `${selected.length} detections\n`,
      );
    }
    return EXIT.ok;
  }

  const times = resolveTimes(options, io, 'detect');
  resolveInputs(positionals, io, 'detect');
  // reading nothing is not "no findings": exit 6 unless --allow-empty, as for query
  const check = await checkPaths(positionals, { allowEmpty: flag(options, 'allow-empty'), io });
  const inputs = check.paths.length === 0 ? [] : resolveInputs(check.paths, io, 'detect');
  const workers = integerOption(options, 'workers', 'detect') ?? 1;
  const showProgress = io.stderr.isTTY === true && !quiet;
  const sizes = showProgress ? await fileSizes(positionals) : undefined;
  const progress = createProgress({
    sink: io.stderr,
    enabled: showProgress,
    now: io.now,
    ...(sizes === undefined ? {} : { fileSizes: sizes }),
  });
  const started = io.now();
  const signal = io.signal === undefined ? {} : { signal: io.signal };
  let summary: ReadSummary | undefined;
  let result: DetectLogsResult;
  // One path for one thread and --workers: the library reads and runs the detections, and its
  // hooks feed the progress line and the check that something was read.
  try {
    result = await detectLogs(inputs, {
      detections,
      // the table shows counts only, unless --rows; JSON lists every row up to the cap
      sampleLimit: format === 'json' || showRows ? rowLimit : 5,
      filter: sigmaOnly && own.length === 0 ? { ids: [] } : filter,
      ...(sigma === undefined ? {} : { sigma }),
      ...(allowLists === undefined ? {} : { allowLists }),
      now: times.now,
      ...(times.startTime === undefined ? {} : { startTime: times.startTime }),
      ...(times.endTime === undefined ? {} : { endTime: times.endTime }),
      ...signal,
      onError: flag(options, 'strict') ? 'throw' : 'skip',
      workers,
      onEvent: (e) => progress.tick(e),
      onReadSummary: (s) => {
        summary = s;
      },
    });
  } finally {
    progress.done();
  }
  const { findings, statistics } = result;
  // a run split across threads reports no file list: look when it read nothing
  const read = summary ?? (statistics.recordsScanned === 0 ? await readSummaryOf(inputs) : undefined);
  if (read !== undefined) checkReadSomething(check, read, io);
  const ran =
    (sigmaOnly && own.length === 0 ? 0 : listDetections(filter, detections).length) +
    (sigma === undefined ? 0 : sigma.rules.filter((r) => r.generate).length + sigma.correlations.length);
  if (format === 'json') {
    const out = {
      detectionsRun: ran,
      rowLimit,
      findings: findings.map(({ samples, ...f }) => ({
        ...f,
        ...(f.firstSeen === undefined ? {} : { firstSeen: new Date(f.firstSeen).toISOString() }),
        ...(f.lastSeen === undefined ? {} : { lastSeen: new Date(f.lastSeen).toISOString() }),
        rows: samples.map((row) => rowToJson(row, Object.keys(row))),
        rowsOmitted: f.count - samples.length,
      })),
    };
    await write(io.stdout, escapeJsonText(JSON.stringify(out, null, 2)) + '\n');
  } else {
    await write(io.stdout, findingsTables(findings, ran, width));
    if (showRows) await write(io.stdout, findingRows(findings, width, rowLimit));
  }
  if (!quiet) {
    io.stderr.write(
      `kubetrail: ${ran} detections run; ${formatCount(findings.length)} fired; ${formatCount(statistics.recordsScanned)} events read, ` +
        `${formatCount(statistics.recordsSkipped)} skipped in ${((io.now() - started) / 1000).toFixed(2)}s\n`,
    );
  }
  return flag(options, 'fail-on-findings') && findings.length > 0 ? EXIT.empty : EXIT.ok;
}

/** Rows kept per finding for `--rows` and JSON output, unless `--row-limit` says otherwise. */
export const DEFAULT_ROW_LIMIT = 1000;

/** Every finding's rows as a table under a heading, with the rows left out by the cap counted. */
export function findingRows(findings: readonly Finding[], width: number, rowLimit: number): string {
  let out = '';
  for (const f of findings) {
    const fields: string[] = [];
    for (const row of f.samples) for (const k of Object.keys(row)) if (!fields.includes(k)) fields.push(k);
    const rows = [...f.samples];
    const t = renderTable({ fields, rows }, { width });
    const omitted = f.count - f.samples.length;
    out +=
      `\n${f.detectionId}: ${f.title} (${formatCount(f.count)} row${f.count === 1 ? '' : 's'})\n${t.text}${truncationNote(t.truncatedCells, width)}` +
      (omitted > 0
        ? `(${formatCount(omitted)} more rows not shown: --row-limit ${rowLimit}; raise it to see them)\n`
        : '');
  }
  return out;
}

function seen(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : formatInsightsTime(ms);
}

/** Findings as one table per severity, most severe first, after a count line. */
export function findingsTables(findings: readonly Finding[], ran: number, width: number): string {
  const bySeverity = [...SEVERITIES]
    .reverse()
    .map((s) => [s, findings.filter((f) => f.severity === s)] as const);
  const counts = bySeverity.map(([s, list]) => `${list.length} ${s}`).join(', ');
  let out = `${findings.length} of ${ran} detections fired: ${counts}\n`;
  for (const [severity, list] of bySeverity) {
    if (list.length === 0) continue;
    const rows: Row[] = list.map((f) => {
      const first = seen(f.firstSeen);
      const last = seen(f.lastSeen);
      return {
        id: f.detectionId,
        title: f.title,
        rows: f.count,
        ...(first === undefined ? {} : { 'first seen': first }),
        ...(last === undefined ? {} : { 'last seen': last }),
        mitre: f.mitre.join(' '),
        ...(f.suppressed === undefined ? {} : { suppressed: f.suppressed.records }),
      };
    });
    const suppressed = list.some((f) => f.suppressed !== undefined) ? ['suppressed'] : [];
    const t = renderTable(
      { fields: ['id', 'title', 'rows', 'first seen', 'last seen', 'mitre', ...suppressed], rows },
      { width, keep: ['id'] },
    );
    out += `\n${severity.toUpperCase()} (${list.length})\n${t.text}${truncationNote(t.truncatedCells, width)}`;
  }
  return out;
}
