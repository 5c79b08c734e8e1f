/**
 * `kubetrail pivot`: from a Kubernetes user to the same principal's AWS
 * activity, or from an AWS principal to its kubectl requests.
 *
 * @module
 */

import {
  type PivotIdentity,
  type PivotResult,
  pivotFromAwsPrincipal,
  pivotFromKubernetesUser,
  type TimelineEntry,
  toTimelineEntry,
} from '../../detect/index.js';
import { InternalError } from '../../errors.js';
import { choiceOption, parseCommand, stringOption } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { findCommand } from '../help.js';
import { type CliIo, write } from '../io.js';
import { renderTable, truncationNote } from '../render/table.js';
import type { Row } from '../render/types.js';
import { escapeControl, escapeJsonText } from '../sanitize.js';
import { openEvents } from './read-events.js';
import { resolveWidth } from './shared.js';
import { TIMELINE_FIELDS, timelineEntryJson, timelineRows } from './timeline.js';

function entries(result: PivotResult, side: 'kubernetes' | 'aws'): TimelineEntry[] {
  return result[side].flatMap((e) => {
    const entry = toTimelineEntry(e);
    return entry === undefined ? [] : [entry];
  });
}

/** What an IAM ARN names, from its resource part: a user, a role, an assumed-role session. */
function arnLabel(arn: string): string {
  if (/^arn:[^:]*:(iam|sts)::[^:]*:user\//.test(arn)) return 'user arn';
  if (/^arn:[^:]*:(iam|sts)::[^:]*:role\//.test(arn)) return 'role arn';
  if (/^arn:[^:]*:sts::[^:]*:assumed-role\//.test(arn)) return 'session arn';
  return 'arn';
}

function identityRows(identity: PivotIdentity): Row[] {
  const rows: Row[] = [];
  const shown = new Set<string>();
  const add = (what: string | ((v: string) => string), values: readonly string[]): void => {
    for (const v of values) {
      const label = typeof what === 'string' ? what : what(v);
      if (shown.has(`${label}\u0000${v}`)) continue;
      shown.add(`${label}\u0000${v}`);
      rows.push({ identity: label, value: v });
    }
  };
  add('kubernetes user', identity.usernames);
  add('access key id', identity.accessKeyIds);
  // The authenticator's arn and canonicalArn: labelled by what they name (a user's canonical ARN is its user ARN).
  add(arnLabel, identity.arns);
  add(arnLabel, identity.roleArns);
  add('session name', identity.sessionNames);
  add('principal id', identity.principalIds);
  return rows;
}

/** The selector as the user wrote it, for the "nothing found" message. */
function selectorText(options: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(options)
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => `--${name} ${v}`)
    .join(' ');
}

/**
 * Runs `kubetrail pivot`. Resolves to the exit code.
 *
 * @example
 * ```ts
 * await pivotCommand(['samples/incident/', '--user', 'ci-legacy'], io); //=> 0
 * await pivotCommand(['samples/incident/', '--user', 'nobody'], io); //=> 1 (nothing found)
 * ```
 */
export async function pivotCommand(args: readonly string[], io: CliIo): Promise<number> {
  const help = findCommand('pivot');
  if (help === undefined) throw new InternalError('internal_error', 'pivot help missing');
  const { options, positionals } = parseCommand(help, args);
  const format = choiceOption(options, 'format', ['table', 'json'] as const, 'pivot') ?? 'table';
  const width = resolveWidth(options, io, 'pivot');
  const user = stringOption(options, 'user');
  const accessKeyId = stringOption(options, 'access-key');
  const arn = stringOption(options, 'arn');
  const roleArn = stringOption(options, 'role-arn');
  const sessionName = stringOption(options, 'session-name');
  const principalId = stringOption(options, 'principal-id');
  const given = [user, accessKeyId, arn, roleArn, sessionName, principalId].filter((v) => v !== undefined);
  if (given.length === 0) {
    throw new UsageError(
      'missing_selector',
      'pivot: give --user, --access-key, --arn, --role-arn, --session-name or --principal-id',
      'pivot',
    );
  }
  const from =
    choiceOption(options, 'from', ['kubernetes', 'aws'] as const, 'pivot') ??
    (user !== undefined || sessionName !== undefined ? 'kubernetes' : 'aws');
  if (from === 'aws' && (user !== undefined || sessionName !== undefined)) {
    throw new UsageError(
      'bad_selector',
      'pivot: --user and --session-name select Kubernetes users (--from kubernetes)',
      'pivot',
    );
  }
  if (from === 'kubernetes' && roleArn !== undefined) {
    throw new UsageError('bad_selector', 'pivot: --role-arn selects an AWS principal (--from aws)', 'pivot');
  }
  const opened = await openEvents(positionals, options, io, 'pivot');
  const common = {
    ...(accessKeyId === undefined ? {} : { accessKeyId }),
    ...(arn === undefined ? {} : { arn }),
    ...(principalId === undefined ? {} : { principalId }),
  };
  const result =
    from === 'kubernetes'
      ? await pivotFromKubernetesUser(opened.events, {
          ...common,
          ...(user === undefined ? {} : { username: user }),
          ...(sessionName === undefined ? {} : { sessionName }),
        })
      : await pivotFromAwsPrincipal(opened.events, {
          ...common,
          ...(roleArn === undefined ? {} : { roleArn }),
        });
  const k8s = entries(result, 'kubernetes');
  const aws = entries(result, 'aws');
  opened.finish(`${k8s.length} Kubernetes and ${aws.length} AWS events`);
  const id = identityRows(result.identity);
  // Nothing found: no event on either side (the identity then holds only the selector itself).
  const nothing = k8s.length === 0 && aws.length === 0;
  const selector = selectorText({
    user,
    'session-name': sessionName,
    'access-key': accessKeyId,
    arn,
    'role-arn': roleArn,
    'principal-id': principalId,
  });
  if (format === 'json') {
    const out = {
      identity: result.identity,
      kubernetes: k8s.map(timelineEntryJson),
      aws: aws.map(timelineEntryJson),
    };
    await write(io.stdout, escapeJsonText(JSON.stringify(out, null, 2)) + '\n');
    return nothing ? EXIT.empty : EXIT.ok;
  }
  if (nothing) {
    await write(
      io.stdout,
      `Nothing found for ${escapeControl(selector)}: no Kubernetes audit event and no CloudTrail event of that principal.\n`,
    );
    return EXIT.empty;
  }
  const idTable = renderTable({ fields: ['identity', 'value'], rows: id }, { width });
  const kt = renderTable({ fields: [...TIMELINE_FIELDS], rows: timelineRows(k8s) }, { width });
  const at = renderTable({ fields: [...TIMELINE_FIELDS], rows: timelineRows(aws) }, { width });
  await write(
    io.stdout,
    `Identity\n${idTable.text}${truncationNote(idTable.truncatedCells, width)}` +
      `\nKubernetes (${k8s.length} events)\n${kt.text}${truncationNote(kt.truncatedCells, width)}` +
      `\nAWS (${aws.length} events)\n${at.text}${truncationNote(at.truncatedCells, width)}`,
  );
  return EXIT.ok;
}
