/**
 * `kubetrail insights`: offline CloudTrail Insights (API call rate and error
 * rate against a trailing baseline).
 *
 * @module
 */

import { computeInsights, type InsightEvent, type InsightType } from '../../detect/index.js';
import { InternalError } from '../../errors.js';
import { choiceOption, flag, integerOption, listOption, parseCommand, stringOption } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { formatInsightsTime } from '../format-value.js';
import { findCommand } from '../help.js';
import { type CliIo, write } from '../io.js';
import { renderTable, truncationNote } from '../render/table.js';
import type { Row } from '../render/types.js';
import { escapeJsonText } from '../sanitize.js';
import { openEvents } from './read-events.js';
import { resolveWidth } from './shared.js';

const TYPES = ['ApiCallRateInsight', 'ApiErrorRateInsight'] as const;

function positiveNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(
      'bad_number',
      `insights: --${name} must be a positive number, got '${text}'`,
      'insights',
    );
  }
  return n;
}

function topArn(e: InsightEvent): string | undefined {
  const arns = e.insightDetails.insightContext.attributions.find((a) => a.attribute === 'userIdentityArn');
  const top = arns?.insight[0];
  return top === undefined || top.value === null ? undefined : top.value;
}

/** Insight events as table rows. */
export function insightRows(events: readonly InsightEvent[]): Row[] {
  return events.map((e) => {
    const d = e.insightDetails;
    const arn = topArn(e);
    return {
      time: formatInsightsTime(Date.parse(e.eventTime)),
      state: d.state,
      type: d.insightType === 'ApiCallRateInsight' ? 'call rate' : 'error rate',
      api: `${d.eventSource}:${d.eventName}`,
      baseline: Math.round(d.insightContext.statistics.baseline.average * 1000) / 1000,
      insight: Math.round(d.insightContext.statistics.insight.average * 1000) / 1000,
      ...(d.errorCode === undefined ? {} : { 'error code': d.errorCode }),
      ...(arn === undefined ? {} : { 'top caller': arn }),
    };
  });
}

/**
 * Runs `kubetrail insights`. Resolves to the exit code.
 *
 * @example
 * ```ts
 * await insightsCommand(['samples/incident/cloudtrail', '--format', 'json'], io); //=> 0
 * ```
 */
export async function insightsCommand(args: readonly string[], io: CliIo): Promise<number> {
  const help = findCommand('insights');
  if (help === undefined) throw new InternalError('internal_error', 'insights help missing');
  const { options, positionals } = parseCommand(help, args);
  const format = choiceOption(options, 'format', ['table', 'json'] as const, 'insights') ?? 'table';
  const width = resolveWidth(options, io, 'insights');
  const types = listOption(options, 'type').map((t) => {
    const found = TYPES.find((x) => x === t);
    if (found === undefined)
      throw new UsageError('bad_choice', `insights: --type must be one of ${TYPES.join(', ')}`, 'insights');
    return found as InsightType;
  });
  const threshold = positiveNumber(stringOption(options, 'threshold'), 'threshold');
  const minCount = integerOption(options, 'min-count', 'insights');
  const baseline = integerOption(options, 'baseline-minutes', 'insights');
  const opened = await openEvents(positionals, options, io, 'insights');
  const events = await computeInsights(opened.events, {
    ...(types.length === 0 ? {} : { types }),
    ...(threshold === undefined ? {} : { threshold }),
    ...(minCount === undefined ? {} : { minCount }),
    ...(baseline === undefined ? {} : { baselineMinutes: baseline }),
  });
  opened.finish(`${events.length} insight events`);
  if (events.length === 0 && !flag(options, 'quiet')) io.stderr.write(noInsightsHint(minCount, threshold));
  if (format === 'json') {
    await write(io.stdout, escapeJsonText(JSON.stringify(events, null, 2)) + '\n');
  } else {
    const t = renderTable(
      {
        fields: ['time', 'state', 'type', 'api', 'baseline', 'insight', 'error code', 'top caller'],
        rows: insightRows(events),
      },
      { width },
    );
    await write(
      io.stdout,
      `${events.length} insight events (per-minute averages)\n${t.text}${truncationNote(t.truncatedCells, width)}`,
    );
  }
  return EXIT.ok;
}

/**
 * Why a run found no insight: no minute reached both bars. A trail of a day
 * or two rarely has ten calls of one API in a minute, which CloudTrail's
 * defaults need, so the hint names --min-count.
 *
 * @example
 * ```ts
 * noInsightsHint(undefined, undefined); //=> 'kubetrail: no minute reached 10 calls and 5× its baseline; …'
 * ```
 */
export function noInsightsHint(minCount: number | undefined, threshold: number | undefined): string {
  return (
    `kubetrail: no minute reached ${minCount ?? 10} calls and ${threshold ?? 5}× its baseline; ` +
    'on a short trail (a day or two) try a lower --min-count, e.g. --min-count 3\n'
  );
}
