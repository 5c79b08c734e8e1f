/**
 * Table definitions (`kubetrail ddl`): the `CREATE EXTERNAL TABLE` statements
 * of the table models, for Athena (Trino dialect) and DuckDB. kubetrail makes
 * no AWS call; the user runs the DDL.
 *
 * - `kubetrail`: the Parquet file `kubetrail import` writes (system fields as
 *   columns, every discovered field in the JSON text column `fields`);
 * - `eks-audit`: EKS audit events as NDJSON in S3 (Firehose-extracted or
 *   exported and stripped of the CloudWatch prefix), read with the Hive JSON SerDe;
 * - `cloudtrail-athena` and `cloudtrail-athena-pp`: the documented
 *   `cloudtrail_logs` columns (manual partitions, or partition projection).
 *
 * @module
 */
import { SqlEngineError } from './errors.js';
import { TABLE_MODEL_NAMES, type TableModelName } from './table-models.js';

/**
 * Options of {@link tableDdl}.
 *
 * @example
 * ```ts
 * import { type DdlOptions, tableDdl } from 'kubetrail/sql';
 * const options: DdlOptions = { dialect: 'trino', location: 's3://my-bucket/eks-audit/', tableName: 'eks_audit_prod' };
 * const ddl = tableDdl('eks-audit', options); // CREATE EXTERNAL TABLE eks_audit_prod …, run it in Athena
 * ```
 */
export interface DdlOptions {
  /** `trino` (Athena) or `duckdb`. @defaultValue 'trino' */
  readonly dialect?: 'trino' | 'duckdb';
  /** The S3 (or local, for DuckDB) location of the data. */
  readonly location?: string;
  /** The table name. @defaultValue the model's */
  readonly tableName?: string;
}

const CLOUDTRAIL_COLUMNS = `  eventversion STRING,
  useridentity STRUCT<
    type:STRING, principalid:STRING, arn:STRING, accountid:STRING, invokedby:STRING, accesskeyid:STRING, username:STRING,
    onbehalfof:STRUCT<userid:STRING, identitystorearn:STRING>,
    sessioncontext:STRUCT<
      attributes:STRUCT<mfaauthenticated:STRING, creationdate:STRING>,
      sessionissuer:STRUCT<type:STRING, principalid:STRING, arn:STRING, accountid:STRING, username:STRING>,
      ec2roledelivery:STRING,
      webidfederationdata:STRUCT<federatedprovider:STRING, attributes:MAP<STRING,STRING>>>>,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  resources ARRAY<STRUCT<arn:STRING, accountid:STRING, type:STRING>>,
  eventtype STRING,
  apiversion STRING,
  readonly STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  vpcendpointaccountid STRING,
  eventcategory STRING,
  addendum STRUCT<reason:STRING, updatedfields:STRING, originalrequestid:STRING, originaleventid:STRING>,
  sessioncredentialfromconsole STRING,
  edgedevicedetails STRING,
  tlsdetails STRUCT<tlsversion:STRING, ciphersuite:STRING, clientprovidedhostheader:STRING>`;

const SERDE = `ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'`;

/**
 * The DDL of a table model.
 *
 * @throws {SqlEngineError} `unknown_table_model`, or for a model without a DDL in the dialect.
 * @example
 * ```ts
 * tableDdl('kubetrail', { location: 's3://bucket/kubetrail/' }).startsWith('CREATE EXTERNAL TABLE') //=> true
 * ```
 */
export function tableDdl(model: TableModelName, options: DdlOptions = {}): string {
  if (!TABLE_MODEL_NAMES.includes(model)) {
    throw new SqlEngineError(
      'unknown_table_model',
      `unknown table model "${String(model)}" (${TABLE_MODEL_NAMES.join(', ')})`,
    );
  }
  const dialect = options.dialect ?? 'trino';
  const where = options.location ?? 's3://YOUR-BUCKET/PREFIX/';
  const location = where.replaceAll("'", "''");
  if (dialect === 'duckdb') {
    if (model !== 'kubetrail')
      throw new SqlEngineError(
        'unknown_table_model',
        `DuckDB reads ${model} data with read_json; only the kubetrail model has a DuckDB view`,
      );
    return `CREATE VIEW ${options.tableName ?? 'kubetrail_events'} AS SELECT * FROM read_parquet('${location}');\n`;
  }
  switch (model) {
    case 'kubetrail':
      return `CREATE EXTERNAL TABLE ${options.tableName ?? 'kubetrail_events'} (
  kt_ord BIGINT,
  kt_timestamp BIGINT,
  kt_message STRING,
  kt_log_stream STRING,
  kt_log STRING,
  kt_ingestion_time BIGINT,
  kt_ptr STRING,
  fields STRING
)
STORED AS PARQUET
LOCATION '${location}';
`;
    case 'eks-audit':
      return `CREATE EXTERNAL TABLE ${options.tableName ?? 'eks_audit_logs'} (
  kind STRING,
  apiversion STRING,
  level STRING,
  auditid STRING,
  stage STRING,
  requesturi STRING,
  verb STRING,
  user STRUCT<username:STRING, uid:STRING, groups:ARRAY<STRING>, extra:MAP<STRING,ARRAY<STRING>>>,
  impersonateduser STRUCT<username:STRING, uid:STRING>,
  sourceips ARRAY<STRING>,
  useragent STRING,
  objectref STRUCT<resource:STRING, namespace:STRING, name:STRING, apigroup:STRING, apiversion:STRING, subresource:STRING, uid:STRING, resourceversion:STRING>,
  responsestatus STRUCT<code:INT, status:STRING, reason:STRING, message:STRING>,
  requestobject STRING,
  responseobject STRING,
  requestreceivedtimestamp STRING,
  stagetimestamp STRING,
  annotations MAP<STRING,STRING>
)
PARTITIONED BY (dt STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
LOCATION '${location}';
`;
    case 'cloudtrail-athena':
      return `CREATE EXTERNAL TABLE ${options.tableName ?? 'cloudtrail_logs'} (
${CLOUDTRAIL_COLUMNS}
)
PARTITIONED BY (region STRING, year STRING, month STRING, day STRING)
${SERDE}
LOCATION '${location}';
`;
    case 'cloudtrail-athena-pp':
      return `CREATE EXTERNAL TABLE ${options.tableName ?? 'cloudtrail_logs_pp'} (
${CLOUDTRAIL_COLUMNS}
)
PARTITIONED BY (\`timestamp\` STRING)
${SERDE}
LOCATION '${location}'
TBLPROPERTIES (
  'projection.enabled'='true',
  'projection.timestamp.format'='yyyy/MM/dd',
  'projection.timestamp.interval'='1',
  'projection.timestamp.interval.unit'='DAYS',
  'projection.timestamp.range'='2020/01/01,NOW',
  'projection.timestamp.type'='date',
  'storage.location.template'='${location}\${timestamp}'
);
`;
    default:
      throw new SqlEngineError(
        'unknown_table_model',
        'a CloudTrail Lake event data store is created in the CloudTrail console or API, not with DDL',
      );
  }
}
