/**
 * `@log` in the service's form, `account-id:log-group-name`.
 *
 * The log group comes from `options.logGroup` or from an envelope that names
 * it (Firehose `owner:logGroup`, an Insights `@log` column, both already in
 * the service's form). The account comes from the envelope (Firehose
 * `owner`) or from an S3 delivery path, `…/AWSLogs/<account-id>/…`
 * (CloudTrail, VPC Flow Logs, Resolver query logs). A CloudWatch
 * export-to-S3 path (`<prefix>/<task id>/<log stream>/000000.gz`) names
 * neither, so an export read with `--log-group` alone shows the bare group name.
 *
 * @module
 */

const AWS_LOGS_ACCOUNT = /(?:^|[/\\])AWSLogs[/\\](?:o-[a-z0-9]{10,32}[/\\])?(\d{12})(?:[/\\]|$)/;

/**
 * The account id an S3 delivery path carries (`AWSLogs/<account-id>/…`), if any.
 *
 * @example
 * ```ts
 * pathAccountId('trail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/x.json.gz') //=> '111122223333'
 * pathAccountId('exportedlogs/0a1b/kube-apiserver-audit-0/000000.gz') //=> undefined
 * ```
 */
export function pathAccountId(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  return AWS_LOGS_ACCOUNT.exec(file)?.[1];
}

/**
 * A log group name in the service's `@log` form: `account:group` when the
 * account is known and the name is not already qualified (log group names
 * cannot contain `:`), else the name as given.
 *
 * @example
 * ```ts
 * qualifiedLogGroup('/aws/eks/prod/cluster', '111122223333') //=> '111122223333:/aws/eks/prod/cluster'
 * qualifiedLogGroup('111122223333:/aws/eks/prod/cluster', '444455556666') //=> '111122223333:/aws/eks/prod/cluster'
 * qualifiedLogGroup('/aws/eks/prod/cluster', undefined) //=> '/aws/eks/prod/cluster'
 * ```
 */
export function qualifiedLogGroup(
  group: string | undefined,
  account: string | undefined,
): string | undefined {
  if (group === undefined || account === undefined || group.includes(':')) return group;
  return `${account}:${group}`;
}
