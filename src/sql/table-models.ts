/**
 * Table models: how the fields of a query map to the columns of a SQL table.
 *
 * - `kubetrail`: kubetrail's own normalised table (what `kubetrail import`
 *   writes and what `engine: 'duckdb'` loads): the system fields as columns
 *   and every discovered field, by its flattened name, in one JSON object
 *   column `fields`. Every query field is reachable, with its JSON type.
 * - `cloudtrail-athena`: the `cloudtrail_logs` table of the Athena docs
 *   (lower-cased columns, `useridentity` a struct, `requestparameters` and
 *   `responseelements` JSON strings read with `json_extract_scalar`).
 * - `cloudtrail-athena-pp`: the partition-projection variant
 *   (`cloudtrail_logs_pp`, partition column `timestamp` as `yyyy/MM/dd`); a
 *   query time window is pushed into the partition predicate.
 * - `cloudtrail-lake`: a CloudTrail Lake event data store (`eventtime` a
 *   timestamp, `requestparameters` a map read with `element_at`).
 * - `eks-audit`: EKS audit events in S3 under the DDL kubetrail ships
 *   (`kubetrail ddl --table eks-audit`).
 *
 * A field a model cannot reach is a compile error naming the field and the model.
 *
 * @module
 */
import { type Dialect, sqlString } from './dialect.js';
import type { SqlValue } from './values.js';

/**
 * The table models `compileToSql` knows.
 *
 * @example
 * ```ts
 * import { compileToSql, type TableModelName, tableDdl } from 'kubetrail/sql';
 * const table: TableModelName = 'cloudtrail-athena';
 * const ddl = tableDdl(table, { location: 's3://my-trail-bucket/AWSLogs/111122223333/CloudTrail/' });
 * const { sql } = compileToSql('filter errorCode = "AccessDenied" | stats count(*) by eventName', { dialect: 'trino', table });
 * ```
 */
export type TableModelName =
  | 'kubetrail'
  | 'cloudtrail-athena'
  | 'cloudtrail-athena-pp'
  | 'cloudtrail-lake'
  | 'eks-audit';

/**
 * The table model names `compileToSql` and `kubetrail sql --table` accept.
 *
 * @example
 * ```ts
 * TABLE_MODEL_NAMES.includes('cloudtrail-athena') //=> true
 * ```
 */
export const TABLE_MODEL_NAMES: readonly TableModelName[] = Object.freeze([
  'kubetrail',
  'cloudtrail-athena',
  'cloudtrail-athena-pp',
  'cloudtrail-lake',
  'eks-audit',
]);

/** The outcome of resolving one field in a model. @internal */
export type FieldResolution = { readonly value: SqlValue } | { readonly unreachable: string };

/** A table model. @internal */
export interface TableModel {
  readonly name: TableModelName;
  /** The table name used when the caller names none. */
  readonly defaultTable: string;
  /** The SQL of an event field (flattened name), or why it cannot be reached. */
  field(name: string, d: Dialect): FieldResolution;
  /** A deterministic input order for ties. */
  readonly ordinal: string;
  /** A WHERE condition for an inclusive window on `@timestamp` (epoch ms). */
  window(start: number | undefined, end: number | undefined, d: Dialect): string[];
  /** Whether rows carry a `@ptr` column. */
  readonly hasPtr: boolean;
}

/**
 * The JSON pointer of a flattened field name, a key of the `fields` column (`~` and `/` escaped).
 *
 * @example
 * ```ts
 * jsonPointer('objectRef.resource') //=> '/objectRef.resource'
 * ```
 * @internal
 */
export function jsonPointer(name: string): string {
  return `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

function trinoJsonPath(name: string): string {
  return `$[${JSON.stringify(name)}]`;
}

const SYSTEM_COLUMNS: Readonly<Record<string, string>> = {
  '@message': 'kt_message',
  '@logStream': 'kt_log_stream',
  '@log': 'kt_log',
  '@ptr': 'kt_ptr',
};

/**
 * The frequent scalar fields `kubetrail import` also writes as typed columns
 * (field name → column name), beside the JSON column `fields` that still
 * holds every field. A column is written only when every value of the field
 * in the data has one JSON type (string → VARCHAR, number → DOUBLE, boolean →
 * BOOLEAN) and none is JSON null; otherwise the field is read from `fields`.
 *
 * @example
 * ```ts
 * KUBETRAIL_TYPED_COLUMNS.find(([field]) => field === 'verb') //=> ['verb', 'kc_verb']
 * ```
 */
export const KUBETRAIL_TYPED_COLUMNS: readonly (readonly [string, string])[] = Object.freeze(
  [
    // EKS audit
    'verb',
    'user.username',
    'objectRef.resource',
    'objectRef.namespace',
    'objectRef.name',
    'objectRef.subresource',
    'objectRef.apiGroup',
    'responseStatus.code',
    'sourceIPs.0',
    'userAgent',
    'requestURI',
    'stage',
    'auditID',
    'level',
    'requestReceivedTimestamp',
    'stageTimestamp',
    // CloudTrail
    'eventSource',
    'eventName',
    'eventType',
    'eventTime',
    'eventID',
    'awsRegion',
    'sourceIPAddress',
    'userIdentity.arn',
    'userIdentity.type',
    'userIdentity.principalId',
    'userIdentity.accountId',
    'errorCode',
    'recipientAccountId',
    'readOnly',
  ].map((field) =>
    Object.freeze([field, `kc_${field.toLowerCase().replaceAll(/[^a-z0-9]/g, '_')}`] as const),
  ),
);

/** A typed column of an imported copy: its name and kind. @internal */
export interface TypedColumn {
  readonly column: string;
  readonly kind: 'str' | 'num' | 'bool';
  /**
   * A `str` column whose values all have one chunk shape and none is a
   * numeric string (recorded by the import): the service's sort order over
   * it is the plain code-point order (see `SqlSemantics.sortKeys`).
   */
  readonly plainOrder?: boolean | undefined;
}

/**
 * The `kubetrail` model over a copy with typed columns (field name → column):
 * a field with a column reads it, every other field its JSON in `fields`.
 *
 * @internal
 */
export function kubetrailModel(columns: ReadonlyMap<string, TypedColumn>): TableModel {
  if (columns.size === 0) return KUBETRAIL;
  return {
    ...KUBETRAIL,
    field(name, d) {
      const c = columns.get(name);
      if (c === undefined) return KUBETRAIL.field(name, d);
      return {
        value:
          c.plainOrder === true
            ? { kind: c.kind, sql: c.column, plainOrder: true }
            : { kind: c.kind, sql: c.column },
      };
    },
  };
}

const KUBETRAIL: TableModel = {
  name: 'kubetrail',
  defaultTable: 'kubetrail_events',
  ordinal: 'kt_ord',
  hasPtr: true,
  field(name, d) {
    switch (name) {
      case '@timestamp':
        return { value: { kind: 'ts', sql: 'kt_timestamp' } };
      case '@ingestionTime':
        return { value: { kind: 'ts', sql: 'kt_ingestion_time' } };
      case '@message':
      case '@logStream':
      case '@log':
      case '@ptr':
        return { value: { kind: 'str', sql: SYSTEM_COLUMNS[name] as string } };
      default:
        break;
    }
    if (name.startsWith('@') && !name.startsWith('@@'))
      return { value: { kind: 'str', sql: 'CAST(NULL AS VARCHAR)' } };
    if (d.name === 'duckdb')
      return { value: { kind: 'json', sql: `json_extract(fields, ${sqlString(jsonPointer(name))})` } };
    return { value: { kind: 'json', sql: `json_extract(fields, ${sqlString(trinoJsonPath(name))})` } };
  },
  window(start, end) {
    const out: string[] = [];
    if (start !== undefined) out.push(`kt_timestamp >= ${Math.ceil(start)}`);
    if (end !== undefined) out.push(`kt_timestamp <= ${Math.floor(end)}`);
    return out;
  },
};

/** CloudTrail top-level string columns, by their event-field spelling. */
const CLOUDTRAIL_COLUMNS = [
  'eventVersion',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestID',
  'eventID',
  'eventType',
  'apiVersion',
  'readOnly',
  'recipientAccountId',
  'sharedEventID',
  'vpcEndpointId',
  'eventCategory',
];

const USER_IDENTITY = [
  'type',
  'principalId',
  'arn',
  'accountId',
  'invokedBy',
  'accessKeyId',
  'userName',
  'sessionContext.attributes.mfaAuthenticated',
  'sessionContext.attributes.creationDate',
  'sessionContext.sessionIssuer.type',
  'sessionContext.sessionIssuer.principalId',
  'sessionContext.sessionIssuer.arn',
  'sessionContext.sessionIssuer.accountId',
  'sessionContext.sessionIssuer.userName',
];

const JSON_STRING_COLUMNS = [
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'serviceEventDetails',
];

function cloudTrailModel(name: 'cloudtrail-athena' | 'cloudtrail-athena-pp' | 'cloudtrail-lake'): TableModel {
  const lake = name === 'cloudtrail-lake';
  const timestamp = lake
    ? 'CAST(to_unixtime(eventtime) * 1000 AS BIGINT)'
    : 'CAST(to_unixtime(from_iso8601_timestamp(eventtime)) * 1000 AS BIGINT)';
  return {
    name,
    defaultTable: lake
      ? '$EDS_ID'
      : name === 'cloudtrail-athena-pp'
        ? 'cloudtrail_logs_pp'
        : 'cloudtrail_logs',
    ordinal: 'eventid',
    hasPtr: false,
    field(field) {
      if (field === '@timestamp') return { value: { kind: 'ts', sql: timestamp } };
      if (field.startsWith('@')) {
        return {
          unreachable: `${field} is a CloudWatch Logs system field; ${lake ? 'a CloudTrail Lake event data store' : 'the CloudTrail SerDe'} has no column for it (only @timestamp maps, to eventtime)`,
        };
      }
      const col = CLOUDTRAIL_COLUMNS.find((c) => c === field);
      if (col !== undefined) {
        if (lake && col === 'eventTime') return { value: { kind: 'str', sql: `CAST(eventtime AS VARCHAR)` } };
        if (lake && col === 'readOnly') return { value: { kind: 'str', sql: 'CAST(readonly AS VARCHAR)' } };
        return { value: { kind: 'str', sql: col.toLowerCase() } };
      }
      if (field.startsWith('userIdentity.')) {
        const rest = field.slice('userIdentity.'.length);
        if (USER_IDENTITY.includes(rest)) {
          return { value: { kind: 'str', sql: `useridentity.${rest.toLowerCase()}` } };
        }
        return { unreachable: `useridentity has no member ${rest} in the documented struct` };
      }
      for (const c of JSON_STRING_COLUMNS) {
        if (field.startsWith(`${c}.`)) {
          const key = field.slice(c.length + 1);
          if (lake) {
            const [head, ...tail] = key.split('.');
            const base = `element_at(${c.toLowerCase()}, ${sqlString(head as string)})`;
            if (tail.length === 0) return { value: { kind: 'str', sql: base } };
            return {
              value: {
                kind: 'str',
                sql: `json_extract_scalar(${base}, ${sqlString(`$.${tail.join('.')}`)})`,
              },
            };
          }
          const path = `$.${key
            .split('.')
            .map((k) =>
              /^\d+$/.test(k) ? `[${k}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : `[${JSON.stringify(k)}]`,
            )
            .join('.')
            .replaceAll('.[', '[')}`;
          return {
            value: { kind: 'str', sql: `json_extract_scalar(${c.toLowerCase()}, ${sqlString(path)})` },
          };
        }
      }
      const res = /^resources\.(\d+)\.(ARN|accountId|type)$/.exec(field);
      if (res !== null) {
        return {
          value: {
            kind: 'str',
            sql: `element_at(resources, ${Number(res[1]) + 1}).${(res[2] as string).toLowerCase()}`,
          },
        };
      }
      return {
        unreachable: `no column or JSON path of the documented ${lake ? 'event data store' : 'cloudtrail_logs'} schema holds it`,
      };
    },
    window(start, end) {
      const out: string[] = [];
      const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '/');
      if (name === 'cloudtrail-athena-pp') {
        if (start !== undefined && end !== undefined)
          out.push(`"timestamp" BETWEEN ${sqlString(day(start))} AND ${sqlString(day(end))}`);
        else if (start !== undefined) out.push(`"timestamp" >= ${sqlString(day(start))}`);
        else if (end !== undefined) out.push(`"timestamp" <= ${sqlString(day(end))}`);
      }
      if (lake) {
        if (start !== undefined) out.push(`eventtime >= from_unixtime(${start / 1000})`);
        if (end !== undefined) out.push(`eventtime <= from_unixtime(${end / 1000})`);
      } else {
        if (start !== undefined) out.push(`eventtime >= ${sqlString(iso(start))}`);
        if (end !== undefined) out.push(`eventtime <= ${sqlString(iso(end))}`);
      }
      return out;
    },
  };
}

/** Top-level string members of the EKS audit DDL. */
const EKS_STRING = ['auditID', 'stage', 'requestURI', 'verb', 'userAgent', 'level', 'kind', 'apiVersion'];
const EKS_STRUCTS: Record<string, readonly string[]> = {
  user: ['username', 'uid'],
  impersonatedUser: ['username', 'uid'],
  objectRef: [
    'resource',
    'namespace',
    'name',
    'apiGroup',
    'apiVersion',
    'subresource',
    'uid',
    'resourceVersion',
  ],
  responseStatus: ['status', 'reason', 'message'],
};

const EKS_AUDIT: TableModel = {
  name: 'eks-audit',
  defaultTable: 'eks_audit_logs',
  ordinal: 'auditid',
  hasPtr: false,
  field(field) {
    if (field === '@timestamp')
      return {
        value: {
          kind: 'ts',
          sql: 'CAST(to_unixtime(from_iso8601_timestamp(requestreceivedtimestamp)) * 1000 AS BIGINT)',
        },
      };
    if (field.startsWith('@')) {
      return {
        unreachable: `${field} is a CloudWatch Logs system field; the eks-audit table has only the audit event's own fields`,
      };
    }
    if (EKS_STRING.includes(field)) return { value: { kind: 'str', sql: field.toLowerCase() } };
    if (field === 'requestReceivedTimestamp' || field === 'stageTimestamp')
      return { value: { kind: 'str', sql: field.toLowerCase() } };
    if (field === 'responseStatus.code')
      return { value: { kind: 'num', sql: 'CAST(responsestatus.code AS DOUBLE)' } };
    const src = /^sourceIPs\.(\d+)$/.exec(field);
    if (src !== null) return { value: { kind: 'str', sql: `element_at(sourceips, ${Number(src[1]) + 1})` } };
    const groups = /^user\.groups\.(\d+)$/.exec(field);
    if (groups !== null)
      return { value: { kind: 'str', sql: `element_at(user.groups, ${Number(groups[1]) + 1})` } };
    if (field.startsWith('annotations.')) {
      return {
        value: {
          kind: 'str',
          sql: `element_at(annotations, ${sqlString(field.slice('annotations.'.length))})`,
        },
      };
    }
    if (field.startsWith('user.extra.')) {
      const [key, index] = splitIndex(field.slice('user.extra.'.length));
      return {
        value: { kind: 'str', sql: `element_at(element_at(user.extra, ${sqlString(key)}), ${index + 1})` },
      };
    }
    for (const [struct, members] of Object.entries(EKS_STRUCTS)) {
      if (field.startsWith(`${struct}.`)) {
        const m = field.slice(struct.length + 1);
        if (members.includes(m))
          return { value: { kind: 'str', sql: `${struct.toLowerCase()}.${m.toLowerCase()}` } };
      }
    }
    for (const c of ['requestObject', 'responseObject']) {
      if (field.startsWith(`${c}.`)) {
        const path = `$.${field.slice(c.length + 1)}`;
        return { value: { kind: 'str', sql: `json_extract_scalar(${c.toLowerCase()}, ${sqlString(path)})` } };
      }
    }
    return { unreachable: 'no column of the eks-audit DDL holds it' };
  },
  window(start, end) {
    const out: string[] = [];
    const iso = (ms: number) => new Date(ms).toISOString();
    if (start !== undefined)
      out.push(
        `from_iso8601_timestamp(requestreceivedtimestamp) >= from_iso8601_timestamp(${sqlString(iso(start))})`,
      );
    if (end !== undefined)
      out.push(
        `from_iso8601_timestamp(requestreceivedtimestamp) <= from_iso8601_timestamp(${sqlString(iso(end))})`,
      );
    return out;
  },
};

function splitIndex(s: string): [string, number] {
  const m = /^(.*)\.(\d+)$/.exec(s);
  return m === null ? [s, 0] : [m[1] as string, Number(m[2])];
}

/**
 * The model of a name.
 *
 * @internal
 */
export function tableModelOf(name: TableModelName): TableModel {
  switch (name) {
    case 'kubetrail':
      return KUBETRAIL;
    case 'eks-audit':
      return EKS_AUDIT;
    default:
      return cloudTrailModel(name);
  }
}
