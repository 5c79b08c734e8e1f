/**
 * Parsers for the EKS control-plane text log types: the aws-iam-authenticator
 * stream (logrus `key=value` text) and the klog-headed streams (kube-apiserver,
 * kube-controller-manager, kube-scheduler, cloud-controller-manager).
 *
 * Both parsers are single forward scans with no regular expressions; keyed
 * data goes into null-prototype objects, so keys such as `__proto__` in a log
 * line are ordinary keys. Neither reads the clock.
 *
 * @module
 */

import { parsePairs, readQuoted, skipSpaces } from './go-quoted.js';

/**
 * One aws-iam-authenticator log line, e.g.
 * `time="2023-03-23T15:00:41Z" level=info msg="STS response" accesskeyid=ASIA… arn="arn:aws:sts::…" …`.
 *
 * The well-known keys are lifted to typed properties when present; every
 * key except `time`, `level` and `msg` is also in {@link AuthenticatorLine.fields}.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import type { AuthenticatorLine } from 'kubetrail/schema';
 * for await (const event of readLogs('samples/incident/')) {
 *   if (event.kind !== 'authenticator') continue;
 *   const line = event.record as AuthenticatorLine;
 *   if (line.msg === 'access granted') console.log(line.time, line.username, line.arn, line.groups);
 * }
 * ```
 */
export interface AuthenticatorLine {
  /** The raw `time` value (RFC 3339, second precision on EKS). */
  readonly time: string;
  /** `time` as epoch milliseconds, or `undefined` when it does not parse. */
  readonly timestamp: number | undefined;
  /** logrus level: `info`, `warning`, `error`, … (kept as written). */
  readonly level: string;
  /** The message, e.g. `STS response`, `access granted`, `access denied`. */
  readonly msg: string;
  /** Every other key/value pair, in a null-prototype object. */
  readonly fields: Readonly<Record<string, string>>;
  /** `arn`: the STS session ARN (`STS response`) or canonical ARN (`access granted`). */
  readonly arn?: string;
  /** `client`: `ip:port` of the caller (the API server). */
  readonly client?: string;
  /** HTTP method of the authenticator request (`POST`). */
  readonly method?: string;
  /** HTTP path of the authenticator request (`/authenticate`). */
  readonly path?: string;
  /** `uid`: the Kubernetes UID given to the identity (`aws-iam-authenticator:<acct>:<principalId>`). */
  readonly uid?: string;
  /** `username`: the mapped Kubernetes user name. */
  readonly username?: string;
  /** `groups`, split from Go's `[a b c]` rendering. */
  readonly groups?: readonly string[];
  /** `accesskeyid`: the access key the caller signed with. */
  readonly accesskeyid?: string;
  /** `accountid`: the caller's AWS account. */
  readonly accountid?: string;
  /** `session`: the STS session name. */
  readonly session?: string;
  /** `userid`: the caller's principal id (`AROA…`). */
  readonly userid?: string;
  /** `stsendpoint` (older versions: `sts`): the STS endpoint used. */
  readonly stsendpoint?: string;
  /** `error`: the failure reason on `access denied`. */
  readonly error?: string;
}

const AUTHENTICATOR_STRING_KEYS = [
  'arn',
  'client',
  'method',
  'path',
  'uid',
  'username',
  'accesskeyid',
  'accountid',
  'session',
  'userid',
  'error',
] as const;

function splitGoSlice(value: string): readonly string[] {
  const inner = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  return inner.split(' ').filter((part) => part.length > 0);
}

/**
 * Parses one aws-iam-authenticator (logrus text format) line. Returns
 * `undefined` when the line does not start with `time="…"` or lacks `level`
 * or `msg`. Strip any CloudWatch export prefix before calling.
 *
 * @example
 * ```ts
 * const line = parseAuthenticatorLine(
 *   'time="2021-08-11T10:09:43Z" level=info msg="access granted" arn="arn:aws:iam::111122223333:user/awscli" ' +
 *     'client="127.0.0.1:51326" groups="[system:masters]" method=POST path=/authenticate username=kubernetes-admin',
 * );
 * line?.username; //=> 'kubernetes-admin'
 * line?.groups; //=> ['system:masters']
 * ```
 */
export function parseAuthenticatorLine(line: string): AuthenticatorLine | undefined {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (!text.startsWith('time="')) return undefined;
  const { pairs } = parsePairs(text, 0);
  const time = pairs.time;
  const level = pairs.level;
  const msg = pairs.msg;
  if (time === undefined || level === undefined || msg === undefined) return undefined;
  const fields = Object.create(null) as Record<string, string>;
  for (const key of Object.keys(pairs)) {
    if (key !== 'time' && key !== 'level' && key !== 'msg') fields[key] = pairs[key] as string;
  }
  const parsedTime = Date.parse(time);
  const result: { -readonly [K in keyof AuthenticatorLine]: AuthenticatorLine[K] } = {
    time,
    timestamp: Number.isNaN(parsedTime) ? undefined : parsedTime,
    level,
    msg,
    fields,
  };
  for (const key of AUTHENTICATOR_STRING_KEYS) {
    const value = fields[key];
    if (value !== undefined) result[key] = value;
  }
  const sts = fields.stsendpoint ?? fields.sts;
  if (sts !== undefined) result.stsendpoint = sts;
  if (fields.groups !== undefined) result.groups = splitGoSlice(fields.groups);
  return result;
}

/** klog severity letters and their names. */
export type KlogSeverity = 'info' | 'warning' | 'error' | 'fatal';

const SEVERITIES: Readonly<Record<string, KlogSeverity>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, KlogSeverity>, {
    I: 'info',
    W: 'warning',
    E: 'error',
    F: 'fatal',
  }),
);

/**
 * One klog-headed line: `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`.
 * Structured (`InfoS`/`ErrorS`) messages, `"message" key="value" key2=value`,
 * are split into {@link KlogLine.msg} and {@link KlogLine.keyValues}.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import type { KlogLine } from 'kubetrail/schema';
 * for await (const event of readLogs('samples/incident/')) {
 *   if (event.kind !== 'klog') continue;
 *   const line = event.record as KlogLine;
 *   if (line.severity !== 'info') console.log(line.severityCode, `${line.file}:${line.line}`, line.msg, line.keyValues);
 * }
 * ```
 */
export interface KlogLine {
  /** Severity name. */
  readonly severity: KlogSeverity;
  /** Severity letter as written: `I`, `W`, `E` or `F`. */
  readonly severityCode: 'I' | 'W' | 'E' | 'F';
  /** Month, 1–12. */
  readonly month: number;
  /** Day of month, 1–31. */
  readonly day: number;
  /** Hour, minute, second and microsecond as written (UTC on EKS). */
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  /**
   * Epoch milliseconds, when a year could be fixed from the options; klog
   * lines carry no year, so without `year` or `referenceTime` this is `undefined`.
   */
  readonly timestamp: number | undefined;
  /** Thread (process) id. */
  readonly pid: number;
  /** Source file name, e.g. `scheduler.go`. */
  readonly file: string;
  /** Source line number. */
  readonly line: number;
  /** Everything after `] `, unchanged. */
  readonly message: string;
  /** For structured lines, the unquoted leading message; otherwise the same as `message`. */
  readonly msg: string;
  /** Structured key/value pairs (null-prototype; empty for unstructured lines). */
  readonly keyValues: Readonly<Record<string, string>>;
  /** Whether the message was in klog structured form. */
  readonly structured: boolean;
}

/**
 * Options for {@link parseKlogLine}.
 *
 * @example
 * ```ts
 * import { type KlogParseOptions, parseKlogLine } from 'kubetrail/schema';
 * // klog lines carry no year: take the one nearest the CloudWatch event time.
 * const options: KlogParseOptions = { referenceTime: Date.parse('2024-01-01T00:00:05Z') };
 * const line = parseKlogLine('I1231 23:59:58.000001       1 leaderelection.go:258] successfully acquired lease', options);
 * new Date(line?.timestamp ?? 0).toISOString(); //=> '2023-12-31T23:59:58.000Z'
 * ```
 */
export interface KlogParseOptions {
  /** Calendar year to place the line in (UTC). Wins over `referenceTime`. */
  readonly year?: number;
  /**
   * Epoch milliseconds of a nearby known time (e.g. the CloudWatch event
   * timestamp); the year closest to it is chosen, which handles New Year.
   */
  readonly referenceTime?: number;
}

function digitsAt(text: string, start: number, count: number): number | undefined {
  if (start + count > text.length) return undefined;
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  return n;
}

function utc(
  year: number,
  month: number,
  day: number,
  h: number,
  m: number,
  s: number,
  us: number,
): number | undefined {
  const ms = Date.UTC(year, month - 1, day, h, m, s, Math.floor(us / 1000));
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day)
    return undefined;
  return ms;
}

function resolveTimestamp(
  fields: { month: number; day: number; hour: number; minute: number; second: number; microsecond: number },
  options: KlogParseOptions,
): number | undefined {
  const at = (year: number) =>
    utc(year, fields.month, fields.day, fields.hour, fields.minute, fields.second, fields.microsecond);
  if (options.year !== undefined) return at(options.year);
  const ref = options.referenceTime;
  if (ref === undefined || !Number.isFinite(ref)) return undefined;
  const refYear = new Date(ref).getUTCFullYear();
  let best: number | undefined;
  for (const year of [refYear - 1, refYear, refYear + 1]) {
    const t = at(year);
    if (t !== undefined && (best === undefined || Math.abs(t - ref) < Math.abs(best - ref))) best = t;
  }
  return best;
}

/**
 * Parses one klog-headed line. Returns `undefined` when the header does not
 * match. The fractional seconds must have 6 digits; the thread id may be
 * space-padded. Continuation lines of multi-line messages do not match.
 *
 * @example
 * ```ts
 * const line = parseKlogLine(
 *   'I0915 12:19:43.933124       1 scheduler.go:604] "Successfully bound pod to node" pod="kube-system/aws-6799fc88d8-jqc2r" evaluatedNodes=3',
 *   { year: 2023 },
 * );
 * line?.file; //=> 'scheduler.go'
 * line?.keyValues.pod; //=> 'kube-system/aws-6799fc88d8-jqc2r'
 * new Date(line!.timestamp!).toISOString(); //=> '2023-09-15T12:19:43.933Z'
 * ```
 */
export function parseKlogLine(line: string, options: KlogParseOptions = {}): KlogLine | undefined {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  const severityCode = text[0];
  if (severityCode === undefined) return undefined;
  const severity = SEVERITIES[severityCode];
  if (severity === undefined) return undefined;
  const month = digitsAt(text, 1, 2);
  const day = digitsAt(text, 3, 2);
  if (month === undefined || day === undefined || text[5] !== ' ') return undefined;
  const hour = digitsAt(text, 6, 2);
  const minute = digitsAt(text, 9, 2);
  const second = digitsAt(text, 12, 2);
  const microsecond = digitsAt(text, 15, 6);
  if (
    hour === undefined ||
    minute === undefined ||
    second === undefined ||
    microsecond === undefined ||
    text[8] !== ':' ||
    text[11] !== ':' ||
    text[14] !== '.' ||
    text[21] !== ' '
  ) {
    return undefined;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return undefined;
  }
  let i = skipSpaces(text, 21);
  const pidStart = i;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i === pidStart || i - pidStart > 15 || text[i] !== ' ') return undefined;
  const pid = Number(text.slice(pidStart, i));
  i++;
  // file:line] — the file may not contain ':' or ']'.
  const fileStart = i;
  while (i < text.length && text[i] !== ':' && text[i] !== ']' && text[i] !== ' ') i++;
  if (i === fileStart || text[i] !== ':') return undefined;
  const file = text.slice(fileStart, i);
  i++;
  const lineStart = i;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i === lineStart || i - lineStart > 10 || text[i] !== ']') return undefined;
  const sourceLine = Number(text.slice(lineStart, i));
  i++;
  if (i < text.length && text[i] !== ' ') return undefined;
  const message = text.slice(i + 1);

  let msg = message;
  let keyValues = Object.create(null) as Record<string, string>;
  let structured = false;
  if (message.startsWith('"')) {
    const quoted = readQuoted(message, 0);
    if (quoted !== undefined && (quoted.end === message.length || message[quoted.end] === ' ')) {
      const parsed = parsePairs(message, quoted.end);
      msg = quoted.value;
      keyValues = parsed.pairs;
      structured = true;
    }
  }
  const timestamp = resolveTimestamp({ month, day, hour, minute, second, microsecond }, options);
  return {
    severity,
    severityCode: severityCode as KlogLine['severityCode'],
    month,
    day,
    hour,
    minute,
    second,
    microsecond,
    timestamp,
    pid,
    file,
    line: sourceLine,
    message,
    msg,
    keyValues,
    structured,
  };
}
