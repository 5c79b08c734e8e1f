/**
 * `kubetrail timeline`: one time-ordered view of audit, authenticator and
 * CloudTrail events for a principal, an IP or a namespace.
 *
 * @module
 */

import { buildTimeline, type TimelineEntry } from '../../detect/index.js';
import { InternalError } from '../../errors.js';
import { choiceOption, integerOption, parseCommand, stringOption } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { formatInsightsTime } from '../format-value.js';
import { findCommand } from '../help.js';
import { type CliIo, write } from '../io.js';
import { renderTable, truncationNote } from '../render/table.js';
import type { Row } from '../render/types.js';
import { escapeJsonText } from '../sanitize.js';
import { openEvents } from './read-events.js';
import { resolveTimes, resolveWidth } from './shared.js';

/** A timeline entry as plain JSON, with where the event came from. */
export function timelineEntryJson(e: TimelineEntry): Record<string, unknown> {
  return {
    timestamp: new Date(e.timestamp).toISOString(),
    kind: e.kind,
    ...(e.actor === undefined ? {} : { actor: e.actor }),
    action: e.action,
    ...(e.target === undefined ? {} : { target: e.target }),
    ...(e.sourceIp === undefined ? {} : { sourceIp: e.sourceIp }),
    ...(e.outcome === undefined ? {} : { outcome: e.outcome }),
    source: e.event.source,
  };
}

/** Timeline entries as table rows. */
export function timelineRows(entries: readonly TimelineEntry[]): Row[] {
  return entries.map((e) => ({
    time: formatInsightsTime(e.timestamp),
    kind: e.kind,
    ...(e.actor === undefined ? {} : { actor: e.actor }),
    action: e.action,
    ...(e.target === undefined ? {} : { target: e.target }),
    ...(e.sourceIp === undefined ? {} : { 'source ip': e.sourceIp }),
    ...(e.outcome === undefined ? {} : { outcome: e.outcome }),
  }));
}

/** The columns of {@link timelineRows}. */
export const TIMELINE_FIELDS = ['time', 'kind', 'actor', 'action', 'target', 'source ip', 'outcome'] as const;

/**
 * Runs `kubetrail timeline`. Resolves to the exit code.
 *
 * @example
 * ```ts
 * await timelineCommand(['samples/incident/', '--principal', 'ci-legacy'], io); //=> 0
 * ```
 */
export async function timelineCommand(args: readonly string[], io: CliIo): Promise<number> {
  const help = findCommand('timeline');
  if (help === undefined) throw new InternalError('internal_error', 'timeline help missing');
  const { options, positionals } = parseCommand(help, args);
  const format = choiceOption(options, 'format', ['table', 'json', 'ndjson'] as const, 'timeline') ?? 'table';
  const principal = stringOption(options, 'principal');
  const ip = stringOption(options, 'ip');
  const namespace = stringOption(options, 'namespace');
  if (principal === undefined && ip === undefined && namespace === undefined) {
    throw new UsageError('missing_selector', 'timeline: give --principal, --ip or --namespace', 'timeline');
  }
  const times = resolveTimes(options, io, 'timeline');
  const limit = integerOption(options, 'limit', 'timeline');
  const width = resolveWidth(options, io, 'timeline');
  const opened = await openEvents(positionals, options, io, 'timeline');
  const entries = await buildTimeline(
    opened.events,
    {
      ...(principal === undefined ? {} : { principal }),
      ...(ip === undefined ? {} : { ip }),
      ...(namespace === undefined ? {} : { namespace }),
    },
    {
      ...(times.startTime === undefined ? {} : { startTime: times.startTime }),
      ...(times.endTime === undefined ? {} : { endTime: times.endTime }),
      ...(limit === undefined ? {} : { maxEntries: limit }),
    },
  );
  opened.finish(`${entries.length} timeline entries`);
  if (format === 'json') {
    await write(io.stdout, escapeJsonText(JSON.stringify(entries.map(timelineEntryJson), null, 2)) + '\n');
  } else if (format === 'ndjson') {
    for (const e of entries)
      await write(io.stdout, escapeJsonText(JSON.stringify(timelineEntryJson(e))) + '\n');
  } else {
    const t = renderTable({ fields: [...TIMELINE_FIELDS], rows: timelineRows(entries) }, { width });
    await write(io.stdout, t.text + truncationNote(t.truncatedCells, width));
  }
  return EXIT.ok;
}
