/**
 * Help of the SQL commands (`sql`, `ddl`, `import`), spread into the
 * command table of `help.ts`.
 *
 * @module
 */
import type { CommandHelp, OptionHelp } from '../help-types.js';

const HELP: OptionHelp = { name: 'help', short: 'h', type: 'boolean', description: 'Show this help.' };
const DIALECT: OptionHelp = {
  name: 'dialect',
  type: 'string',
  value: 'trino|duckdb',
  description: 'SQL dialect: trino (Athena engine v3, CloudTrail Lake; default) or duckdb.',
};
const TABLE: OptionHelp = {
  name: 'table',
  type: 'string',
  value: 'model',
  description:
    'Table model: kubetrail (a kubetrail import copy; default), cloudtrail-athena, cloudtrail-athena-pp (partition projection), cloudtrail-lake, eks-audit.',
};

/** The help entries of the SQL commands. @internal */
export const SQL_COMMANDS_HELP: readonly CommandHelp[] = [
  {
    name: 'sql',
    summary: 'Print the SQL (Trino/Athena or DuckDB) a Logs Insights query compiles to',
    usage: ["kubetrail sql '<query>' [--dialect trino|duckdb] [--table model] [--table-name name]"],
    description:
      'Compiles the query on the same parse and plan as the engine and prints one SELECT. Constructs that are not translated exit 3 with sql_unsupported and a caret; a field the table model cannot reach exits 3 with sql_unreachable_field. kubetrail makes no AWS call: run the SQL yourself. See docs/scale-out.md.',
    options: [
      DIALECT,
      TABLE,
      {
        name: 'table-name',
        type: 'string',
        value: 'name',
        description: 'The table (or event data store id) in FROM.',
      },
      {
        name: 'start',
        type: 'string',
        value: 'time',
        description: 'Window start (epoch ms or ISO), pushed into the WHERE clause.',
      },
      { name: 'end', type: 'string', value: 'time', description: 'Window end (epoch ms or ISO), inclusive.' },
      HELP,
    ],
    examples: [
      {
        comment: 'EC2 API calls by name and region, for Athena',
        command:
          'kubetrail sql \'filter eventSource="ec2.amazonaws.com" | stats count(*) as eventCount by eventName, awsRegion | sort eventCount desc\' --table cloudtrail-athena',
      },
      {
        comment: 'An EKS Best Practices query over a kubetrail import copy in S3',
        command:
          'kubetrail sql \'filter objectRef.resource = "secrets" and verb = "get" | stats count(*) by user.username\' --table kubetrail',
      },
    ],
  },
  {
    name: 'ddl',
    summary: 'Print the CREATE TABLE statement of a table model',
    usage: ['kubetrail ddl [--table model] [--dialect trino|duckdb] [--location s3://…]'],
    description:
      'Prints the DDL that makes the table a model expects: the kubetrail import Parquet layout, the EKS audit NDJSON layout kubetrail documents, or the cloudtrail_logs table of the Athena docs (with partition projection for cloudtrail-athena-pp).',
    options: [
      TABLE,
      DIALECT,
      {
        name: 'location',
        type: 'string',
        value: 'uri',
        description: 'LOCATION of the data (an S3 prefix, or a local Parquet path for duckdb).',
      },
      { name: 'table-name', type: 'string', value: 'name', description: 'The table name.' },
      HELP,
    ],
    examples: [
      {
        comment: 'Athena table over Parquet written by kubetrail import',
        command: 'kubetrail ddl --table kubetrail --location s3://my-bucket/kubetrail/',
      },
    ],
  },
  {
    name: 'import',
    summary: 'Write a columnar copy (Parquet or DuckDB) of the events in logs',
    usage: ['kubetrail import <paths...> --to out.parquet|out.duckdb'],
    description:
      'Reads the inputs with kubetrail’s readers (every format) and writes the normalised events once: system fields as kt_* columns and every discovered field in the JSON column fields. query --engine duckdb out.parquet then reads the copy directly; uploaded to S3, it is an Athena table (kubetrail ddl --table kubetrail). Needs npm install @duckdb/node-api.',
    options: [
      { name: 'to', type: 'string', value: 'file', description: 'Output file: .parquet or .duckdb.' },
      {
        name: 'strict',
        type: 'boolean',
        description: 'Stop at the first bad record (exit 4) instead of skipping it.',
      },
      {
        name: 'quiet',
        short: 'q',
        type: 'boolean',
        description: 'Print nothing (the summary line goes to stdout otherwise).',
      },
      HELP,
    ],
    examples: [
      {
        comment: 'Copy the samples once, then query the copy',
        command: 'kubetrail import samples/ --to /tmp/events.parquet',
      },
    ],
  },
];
