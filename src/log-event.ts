/**
 * The uniform log event that every reader produces and the query engine consumes.
 *
 * This module imports nothing from `node:` so that the query engine can run in
 * a browser bundle or a notebook.
 *
 * @module
 */

/**
 * What a record is. `kubernetes-audit` and `cloudtrail` are the two JSON record
 * kinds with schemas; `authenticator` and `klog` are the EKS control-plane text
 * lines; `vpc-flow` (VPC Flow Logs records), `route53` (Route 53 public DNS and
 * Resolver query logs) and `lambda` (Lambda `START`/`END`/`REPORT` lines) are the
 * service logs read beside them, with the fields the service discovers;
 * `json` is any other JSON object; `text` is an unparsed line.
 *
 * @example
 * ```ts
 * import { type LogKind, readLogs } from 'kubetrail/engine';
 * const counts = new Map<LogKind, number>();
 * for await (const event of readLogs('samples/incident/')) counts.set(event.kind, (counts.get(event.kind) ?? 0) + 1);
 * counts.get('kubernetes-audit'); // the sample's audit events
 * ```
 */
export type LogKind =
  | 'kubernetes-audit'
  | 'cloudtrail'
  | 'authenticator'
  | 'klog'
  | 'vpc-flow'
  | 'route53'
  | 'lambda'
  | 'json'
  | 'text';

/**
 * Where a record came from. Lines are 1-based, byte offsets 0-based and counted
 * in the decompressed stream.
 *
 * @example
 * ```ts
 * import { type LogSource, readLogs } from 'kubetrail/engine';
 * for await (const event of readLogs('samples/incident/')) {
 *   const at: LogSource = event.source;
 *   if (event.timestampInvalid) console.log(`${at.file}:${at.line ?? `Records[${at.index}]`}: time is not a date`);
 * }
 * ```
 */
export interface LogSource {
  /** File path as given or found by the walk; `undefined` for in-memory input and stdin. */
  readonly file?: string;
  /** 1-based line number of the record's first line, where the format is line-based. */
  readonly line?: number;
  /** 0-based byte offset of the record in the (decompressed) input. */
  readonly offset?: number;
  /** 0-based index of the record within an array or envelope (`Records[i]`, `events[i]`). */
  readonly index?: number;
}

/**
 * One log event, shaped like a CloudWatch Logs event: the system fields the
 * query language exposes as `@timestamp`, `@message`, `@logStream`, `@log` and
 * `@ingestionTime`, plus the parsed record.
 *
 * Readers may compute `record` lazily (a getter that parses `message` on first
 * access), so that the engine can reject events on the raw text first.
 *
 * @example
 * ```ts
 * const event: LogEvent = {
 *   timestamp: Date.parse('2024-05-01T10:00:00Z'),
 *   message: '{"kind":"Event","verb":"get"}',
 *   logStream: 'kube-apiserver-audit-0123456789abcdef0123456789abcdef',
 *   logGroup: '/aws/eks/prod/cluster',
 *   kind: 'kubernetes-audit',
 *   record: { kind: 'Event', verb: 'get' },
 *   source: { file: 'audit.log', line: 1 },
 * };
 * ```
 */
export interface LogEvent {
  /**
   * `@timestamp`: epoch milliseconds (UTC); `0` when the record has no time
   * (counted in `summary.eventsWithoutTimestamp`) or an invalid one (see
   * {@link LogEvent.timestampInvalid}).
   */
  readonly timestamp: number;
  /**
   * Set when the record carries a time that is not a valid date (a 31st of
   * February, hour 25, year +275760, a number beyond ±8.64e15 ms): the query
   * engine sees a null `@timestamp`, and `startTime`/`endTime` windows never
   * include the event. `timestamp` is then `0`.
   */
  readonly timestampInvalid?: true;
  /** `@message`: the record's JSON text, or the raw line. */
  readonly message: string;
  /** `@logStream`, from the envelope or export path, else inferred from the kind. */
  readonly logStream?: string;
  /** `@log`: the log group name (the service shows `account-id:log-group-name` where the account is known). */
  readonly logGroup?: string;
  /** `@ingestionTime`: epoch milliseconds, where the export carries it. */
  readonly ingestionTime?: number;
  /** What the record is. */
  readonly kind: LogKind;
  /**
   * The parsed record: a JSON value for JSON kinds, a typed line object for
   * `authenticator` and `klog`, and `undefined` for `text`.
   */
  readonly record?: unknown;
  /** Where the record came from. */
  readonly source: LogSource;
  /**
   * The UTF-8 length of `message` in bytes, where the reader knows it without
   * measuring (the raw record it decoded). The query engine's `bytesScanned`
   * uses it instead of re-encoding the message; when set it must equal
   * `Buffer.byteLength(message)`.
   */
  readonly messageBytes?: number;
}
