/**
 * `kubetrail formats`: what each file was detected as, with record counts,
 * skipped or invalid records by reason, and the faults of whole files
 * (damaged gzip, unreadable) apart from the records.
 *
 * @module
 */
import { InternalError } from '../../errors.js';
import { readLogs } from '../../read/index.js';
import type { ReadSummary, Rejection } from '../../read/read-summary.js';
import { choiceOption, flag, parseCommand } from '../args.js';
import { EXIT } from '../errors.js';
import { findCommand } from '../help.js';
import { type CliIo, write } from '../io.js';
import { formatCount } from '../render/histogram.js';
import { renderTable, truncationNote } from '../render/table.js';
import type { Row } from '../render/types.js';
import { escapeJsonText } from '../sanitize.js';
import { formatBytes } from '../summary.js';
import { checkReadSomething } from './input-check.js';
import { checkPaths, resolveInputs, resolveWidth } from './shared.js';

const STDIN_NAME = '(stdin)';

function kindsText(kinds: ReadonlyMap<string, number> | undefined): string {
  if (kinds === undefined) return '';
  return [...kinds.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([kind, n]) => `${kind} ${formatCount(n)}`)
    .join(', ');
}

/**
 * Runs `kubetrail formats`. Resolves to the exit code.
 *
 * @example
 * ```ts
 * await formatsCommand(['samples/incident/'], io); //=> 0
 * ```
 */
export async function formatsCommand(args: readonly string[], io: CliIo): Promise<number> {
  const help = findCommand('formats');
  if (help === undefined) throw new InternalError('internal_error', 'formats help missing');
  const { options, positionals } = parseCommand(help, args);
  const format = choiceOption(options, 'format', ['table', 'json'] as const, 'formats') ?? 'table';
  const width = resolveWidth(options, io, 'formats');
  resolveInputs(positionals, io, 'formats');
  const check = await checkPaths(positionals, { allowEmpty: flag(options, 'allow-empty'), io });
  const inputs = check.paths.length === 0 ? [] : resolveInputs(check.paths, io, 'formats');
  const reader = readLogs(inputs, {
    onError: 'skip',
    ...(io.signal === undefined ? {} : { signal: io.signal }),
  });
  const kindsByFile = new Map<string, Map<string, number>>();
  for await (const event of reader) {
    const file = event.source.file ?? STDIN_NAME;
    let kinds = kindsByFile.get(file);
    if (kinds === undefined) {
      kinds = new Map();
      kindsByFile.set(file, kinds);
    }
    kinds.set(event.kind, (kinds.get(event.kind) ?? 0) + 1);
  }
  const summary = reader.summary;
  if (format === 'json') {
    await write(io.stdout, escapeJsonText(JSON.stringify(summaryJson(summary, kindsByFile), null, 2)) + '\n');
  } else {
    await write(io.stdout, formatsTable(summary, kindsByFile, width));
  }
  if (!flag(options, 'quiet')) {
    io.stderr.write(
      `kubetrail: ${formatCount(summary.files.length)} files, ${formatCount(summary.recordsRead)} records, ` +
        `${formatCount(summary.eventsEmitted)} events, ${formatCount(summary.rejected)} rejected, ` +
        `${formatBytes(summary.bytesRead)} read\n`,
    );
  }
  checkReadSomething(check, summary, io);
  return EXIT.ok;
}

function summaryJson(
  summary: ReadSummary,
  kindsByFile: ReadonlyMap<string, ReadonlyMap<string, number>>,
): unknown {
  return {
    files: summary.files.map((f) => ({
      file: f.file ?? null,
      format: f.format,
      compression: f.compression,
      records: f.records,
      events: f.events,
      rejected: f.rejected,
      kinds: Object.fromEntries(kindsByFile.get(f.file ?? STDIN_NAME) ?? []),
      bytesRead: f.bytesRead,
      bytesDecompressed: f.bytesDecompressed,
      ...(f.skipped === undefined ? {} : { skipped: f.skipped }),
    })),
    totals: {
      files: summary.files.length,
      recordsRead: summary.recordsRead,
      eventsEmitted: summary.eventsEmitted,
      rejected: summary.rejected,
      fileFaults: summary.fileFaults,
      skipped: summary.skipped,
      digestFilesSkipped: summary.digestFilesSkipped,
      unknownFilesSkipped: summary.unknownFilesSkipped,
      eventsWithoutTimestamp: summary.eventsWithoutTimestamp,
      bytesRead: summary.bytesRead,
      bytesDecompressed: summary.bytesDecompressed,
    },
    rejectedByCode: summary.rejectedByCode,
    fileFaultsByCode: summary.fileFaultsByCode,
    rejections: summary.rejections,
    rejectionsTruncated: summary.rejectionsTruncated,
  };
}

function formatsTable(
  summary: ReadSummary,
  kindsByFile: ReadonlyMap<string, ReadonlyMap<string, number>>,
  width: number,
): string {
  const rows: Row[] = summary.files.map((f) => ({
    file: f.file ?? STDIN_NAME,
    format: f.compression === 'gzip' ? `${f.format} (gzip)` : f.format,
    records: f.records,
    events: f.events,
    rejected: f.rejected,
    kinds: kindsText(kindsByFile.get(f.file ?? STDIN_NAME)),
    ...(f.skipped === undefined ? {} : { skipped: f.skipped }),
  }));
  const files = renderTable(
    { fields: ['file', 'format', 'records', 'events', 'rejected', 'kinds', 'skipped'], rows },
    { width },
  );
  let out = files.text + truncationNote(files.truncatedCells, width);
  out +=
    `\n${formatCount(summary.files.length)} files, ${formatCount(summary.recordsRead)} records, ` +
    `${formatCount(summary.eventsEmitted)} events; ${formatCount(summary.digestFilesSkipped)} digest files and ` +
    `${formatCount(summary.unknownFilesSkipped)} unrecognised files skipped` +
    (summary.fileFaults > 0
      ? `; ${formatCount(summary.fileFaults)} file fault${summary.fileFaults === 1 ? '' : 's'} (${faultCodes(summary)})`
      : '') +
    '\n';
  const reasons = Object.entries(summary.rejectedByCode).filter(([, n]) => n !== undefined && n > 0);
  if (summary.skipped > 0) reasons.push(['skipped (not a record)', summary.skipped]);
  if (reasons.length > 0) {
    const table = renderTable(
      { fields: ['reason', 'records'], rows: reasons.map(([reason, n]) => ({ reason, records: n ?? 0 })) },
      { width },
    );
    out += `\nSkipped or invalid records by reason:\n${table.text}`;
  }
  // faults of a whole file (damaged gzip, unreadable, …) apart from the records rejected
  out += rejectionsTable(
    'File faults',
    summary.rejections.filter((r) => r.level === 'file'),
    summary.rejectionsTruncated,
    width,
  );
  out += rejectionsTable(
    'Rejected records',
    summary.rejections.filter((r) => r.level !== 'file'),
    summary.rejectionsTruncated,
    width,
  );
  return out;
}

/** `truncated_gzip 1, unreadable_file 2`: the file faults by code. */
function faultCodes(summary: ReadSummary): string {
  return Object.entries(summary.fileFaultsByCode)
    .filter(([, n]) => n !== undefined && n > 0)
    .map(([code, n]) => `${code} ${formatCount(n ?? 0)}`)
    .join(', ');
}

/** A titled table of located rejections (the first 20), or `''` without any. */
function rejectionsTable(
  title: string,
  rejections: readonly Rejection[],
  truncated: boolean,
  width: number,
): string {
  if (rejections.length === 0) return '';
  const shown = rejections.slice(0, 20);
  const table = renderTable(
    {
      fields: ['where', 'reason', 'message'],
      rows: shown.map((r) => ({
        where: [
          r.file ?? STDIN_NAME,
          r.line === undefined ? undefined : `line ${r.line}`,
          r.byteOffset === undefined ? undefined : `byte ${r.byteOffset}`,
        ]
          .filter((p) => p !== undefined)
          .join(':'),
        reason: r.code,
        message: r.message,
      })),
    },
    { width },
  );
  const more = rejections.length > shown.length || truncated ? ' (first 20)' : '';
  return `\n${title}${more}:\n${table.text}${truncationNote(table.truncatedCells, width)}`;
}
