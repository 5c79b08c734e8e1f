/**
 * Help text for every command, kept as data: the same strings print for
 * `kubetrail <command> --help` and make the command sections of `docs/cli.md`.
 *
 * @module
 */
import { SQL_COMMANDS_HELP } from './commands/sql-help.js';
import type { CommandHelp, OptionHelp } from './help-types.js';

const FORMAT_OUT: OptionHelp = {
  name: 'format',
  short: 'f',
  type: 'string',
  value: 'table|json|ndjson|csv|insights',
  description:
    'Output format. Default: table when stdout is a terminal, ndjson when piped. insights prints GetQueryResults JSON.',
};
const FORMAT_TABLE_JSON: OptionHelp = {
  name: 'format',
  short: 'f',
  type: 'string',
  value: 'table|json',
  description: 'Output format. Default: table.',
};
const START: OptionHelp = {
  name: 'start',
  type: 'string',
  value: 'time',
  description:
    'Only events at or after this time: ISO (2024-05-01T10:00:00Z), epoch ms, or relative (-24h, -30m, -7d).',
};
const END: OptionHelp = {
  name: 'end',
  type: 'string',
  value: 'time',
  description: 'Only events at or before this time (same forms as --start).',
};
const NOW: OptionHelp = {
  name: 'now',
  type: 'string',
  value: 'time',
  description: 'The time that relative times and now() count from. Default: the wall clock.',
};
const LOG_STREAM: OptionHelp = {
  name: 'log-stream',
  type: 'string',
  value: 'name',
  description: 'Set @logStream on every record, overriding what the file or export path carries.',
};
const LOG_GROUP: OptionHelp = {
  name: 'log-group',
  type: 'string',
  value: 'name',
  description: 'Set @log on every record, overriding what the file or export path carries.',
};
const STRICT: OptionHelp = {
  name: 'strict',
  type: 'boolean',
  description: 'Stop at the first bad record (exit 4) instead of skipping and counting it.',
};
const QUIET: OptionHelp = {
  name: 'quiet',
  short: 'q',
  type: 'boolean',
  description: 'No progress and no summary line on stderr. Errors are still printed.',
};
const WIDTH: OptionHelp = {
  name: 'width',
  type: 'string',
  value: 'columns',
  description:
    'Table width. Free text is cut first (with … and a note), then identifier-like values; timestamps, numbers and detection ids never: when they do not fit, rows print as records. Default: the terminal width, or 200 when not a terminal. 0 = no limit.',
};
const HELP: OptionHelp = { name: 'help', short: 'h', type: 'boolean', description: 'Show this help.' };
const ALLOW_EMPTY: OptionHelp = {
  name: 'allow-empty',
  type: 'boolean',
  description:
    'Go on with a warning when a path reads nothing (missing, a glob matching no file, no log file in a directory) instead of exit 6.',
};

/** Help of the investigation commands (issue 6). */
const DETECT: CommandHelp = {
  name: 'detect',
  summary: 'Run the detection catalogue over logs and report findings by severity',
  usage: ['kubetrail detect <paths...> [options]', 'kubetrail detect --list [options]'],
  description:
    'Reads the logs once and runs every enabled detection (EKS best-practice queries, Falco and GuardDuty equivalents, CloudTrail and IRSA checks, plus your own from --rules). Findings are grouped by severity, most severe first, with the number of result rows and the first and last time seen.',
  options: [
    FORMAT_TABLE_JSON,
    {
      name: 'severity',
      type: 'string',
      value: 'info|low|medium|high|critical',
      description: 'Only run detections at or above this severity.',
    },
    {
      name: 'tag',
      type: 'string',
      value: 'tag',
      multiple: true,
      description: 'Only run detections with this tag (repeatable: any of).',
    },
    {
      name: 'id',
      type: 'string',
      value: 'id',
      multiple: true,
      description: 'Only run this detection (repeatable); also runs disabled ones.',
    },
    {
      name: 'rules',
      type: 'string',
      value: 'file',
      description: 'Add your own detections from a YAML or JSON file (.json is read as JSON).',
    },
    {
      name: 'allow-list',
      type: 'string',
      value: 'file',
      multiple: true,
      description:
        'Trusted values from a YAML or JSON file: cidrs, users, serviceAccounts, namespaces, userAgents (repeatable). Events they match are withheld from the detections that declare that list and counted as suppressed.',
    },
    {
      name: 'trusted-cidr',
      type: 'string',
      value: 'cidr',
      multiple: true,
      description: 'Trust this IPv4 address or block, e.g. a NAT gateway or VPN (repeatable).',
    },
    {
      name: 'trusted-user',
      type: 'string',
      value: 'name',
      multiple: true,
      description: 'Trust this user name or IAM ARN; * is a wildcard (repeatable).',
    },
    {
      name: 'trusted-service-account',
      type: 'string',
      value: 'ns:name',
      multiple: true,
      description: 'Trust this service account; * is a wildcard (repeatable).',
    },
    {
      name: 'trusted-namespace',
      type: 'string',
      value: 'name',
      multiple: true,
      description: 'Trust this namespace (repeatable).',
    },
    {
      name: 'trusted-user-agent',
      type: 'string',
      value: 'agent',
      multiple: true,
      description: 'Trust this user agent; * is a wildcard (repeatable).',
    },
    {
      name: 'sigma',
      type: 'string',
      value: 'path',
      multiple: true,
      description:
        'Also run Sigma rules, correlations and filters from these files or directories (repeatable; directories are walked for .yml/.yaml).',
    },
    {
      name: 'sigma-only',
      type: 'boolean',
      description: 'Run only the --sigma rules, not the built-in catalogue.',
    },
    {
      name: 'sigma-placeholder',
      type: 'string',
      value: 'name=v1,v2',
      multiple: true,
      description:
        'Values of a Sigma placeholder (%name%) for rules that use the expand modifier (repeatable).',
    },
    { name: 'list', type: 'boolean', description: 'List the selected detections instead of running them.' },
    {
      name: 'rows',
      type: 'boolean',
      description:
        'After the summary, print the matching rows of each finding (who did what), up to --row-limit per finding.',
    },
    {
      name: 'row-limit',
      type: 'string',
      value: 'n',
      description:
        'Rows kept per finding for --rows and for --format json, where every row up to this cap is listed (default 1000; the output says how many were left out).',
    },
    { name: 'fail-on-findings', type: 'boolean', description: 'Exit 1 when any detection fired.' },
    {
      name: 'workers',
      type: 'string',
      value: 'n',
      description:
        'Worker threads (default 1). With 2 or more, files and byte ranges of big NDJSON files are read and matched in parallel and the findings merged, the same as on one thread; --sigma rules and stdin run on one thread. No progress line while the threads run.',
    },
    START,
    END,
    NOW,
    STRICT,
    ALLOW_EMPTY,
    WIDTH,
    QUIET,
    HELP,
  ],
  examples: [
    {
      comment: 'Everything the catalogue finds in the sample incident',
      command: 'kubetrail detect samples/incident/',
    },
    {
      comment: 'High and critical only; fail a CI job when anything fires (exit 1: the sample has findings)',
      command: 'kubetrail detect samples/incident/ --severity high --fail-on-findings',
    },
    {
      comment: 'IRSA checks plus your own rules (docs/detections.md), as JSON',
      command:
        'kubetrail detect samples/incident/ --tag irsa --rules test/detect/fixtures/my-rules.yaml --format json',
    },
    { comment: 'What would run?', command: 'kubetrail detect --list --severity critical' },
    {
      comment: 'Who exec-ed into pods: every matching row',
      command: 'kubetrail detect samples/incident --id kube.exec-into-pod --rows',
    },
    {
      comment: 'SigmaHQ rules, unchanged, instead of the catalogue',
      command: 'kubetrail detect samples/incident/ --sigma test/fixtures/corpus/sigmahq-rules/ --sigma-only',
    },
  ],
};

const INVESTIGATIONS: readonly CommandHelp[] = [
  {
    name: 'timeline',
    summary:
      'One time-ordered view of audit, authenticator and CloudTrail events for a principal, IP or namespace',
    usage: [
      'kubetrail timeline <paths...> (--principal <who> | --ip <address> | --namespace <ns>) [options]',
    ],
    description:
      'Reads the logs once and merges the Kubernetes audit, authenticator and CloudTrail events that match every given selector into one list, oldest first: time, kind, actor, action, target, source IP and outcome. A principal may be a Kubernetes username, an IAM ARN, an access key id, a session name or a service account (system:serviceaccount:<ns>:<name>, also matched on its IRSA and Pod Identity calls).',
    options: [
      {
        name: 'principal',
        type: 'string',
        value: 'who',
        description: 'A Kubernetes username, IAM ARN, access key id, session name or service account.',
      },
      { name: 'ip', type: 'string', value: 'address', description: 'A source IP address.' },
      { name: 'namespace', type: 'string', value: 'ns', description: 'A Kubernetes namespace.' },
      {
        name: 'format',
        short: 'f',
        type: 'string',
        value: 'table|json|ndjson',
        description: 'Output format. Default: table.',
      },
      { name: 'limit', type: 'string', value: 'n', description: 'Cap on entries (default 100000).' },
      START,
      END,
      NOW,
      STRICT,
      ALLOW_EMPTY,
      WIDTH,
      QUIET,
      HELP,
    ],
    examples: [
      {
        comment: 'Everything the stolen kubeconfig did',
        command: 'kubetrail timeline samples/incident/ --principal ci-legacy',
      },
      {
        comment: 'Everything from one address, in and out of the cluster',
        command: 'kubetrail timeline samples/incident/ --ip 203.0.113.45',
      },
    ],
  },
  {
    name: 'insights',
    summary: 'Offline CloudTrail Insights: unusual API call and error rates',
    usage: ['kubetrail insights <paths...> [options]'],
    description:
      'Counts CloudTrail calls per minute for each (Region, event source, event name) and flags minutes whose call rate (write management calls) or error rate is at least --threshold times the trailing baseline average, as CloudTrail Insights does. Prints Insights-shaped Start and End events with baseline and insight averages and the top callers; the method is described in docs/detections.md.',
    options: [
      FORMAT_TABLE_JSON,
      {
        name: 'type',
        type: 'string',
        value: 'ApiCallRateInsight|ApiErrorRateInsight',
        multiple: true,
        description: 'Only this insight type (repeatable). Default: both.',
      },
      {
        name: 'threshold',
        type: 'string',
        value: 'factor',
        description: 'How many times the baseline a minute must reach (default 5).',
      },
      {
        name: 'min-count',
        type: 'string',
        value: 'n',
        description: 'Fewest calls in a minute to count as unusual (default 10).',
      },
      {
        name: 'baseline-minutes',
        type: 'string',
        value: 'n',
        description: 'Length of the trailing baseline in minutes (default 10080, a week).',
      },
      STRICT,
      ALLOW_EMPTY,
      WIDTH,
      QUIET,
      HELP,
    ],
    examples: [
      {
        comment: 'Unusual API activity in the sample trail (one day is a thin baseline: fewer calls count)',
        command: 'kubetrail insights samples/incident/cloudtrail --min-count 3',
      },
      {
        comment: 'Call-rate insights only, as CloudTrail-shaped JSON',
        command:
          'kubetrail insights samples/incident/cloudtrail --type ApiCallRateInsight --min-count 3 --format json',
      },
    ],
  },
  {
    name: 'pivot',
    summary: 'From a kubectl user to the same principal in CloudTrail, or back',
    usage: [
      'kubetrail pivot <paths...> --user <username> [options]',
      'kubetrail pivot <paths...> (--access-key <id> | --arn <arn> | --role-arn <arn>) [--from aws] [options]',
    ],
    description:
      'Joins Kubernetes audit events to CloudTrail records through the identity the EKS authenticator recorded (user.extra accessKeyId, arn, sessionName, principalId): "what else did this kubectl user do in AWS?" and "which kubectl requests did this AWS principal make?". Prints the identity learnt, then both sides as timelines. When neither side has an event for the selector, says so and exits 1 (nothing found).',
    options: [
      {
        name: 'user',
        type: 'string',
        value: 'username',
        description: 'A Kubernetes username (pivot from Kubernetes to AWS).',
      },
      {
        name: 'session-name',
        type: 'string',
        value: 'name',
        description: 'An assumed-role session name seen by the authenticator.',
      },
      { name: 'access-key', type: 'string', value: 'id', description: 'An AWS access key id.' },
      {
        name: 'arn',
        type: 'string',
        value: 'arn',
        description: 'An IAM user, role or assumed-role session ARN.',
      },
      {
        name: 'role-arn',
        type: 'string',
        value: 'arn',
        description: 'An IAM role ARN (pivot from AWS to Kubernetes).',
      },
      {
        name: 'principal-id',
        type: 'string',
        value: 'id',
        description: 'An AWS principal id (AROA…:session).',
      },
      {
        name: 'from',
        type: 'string',
        value: 'kubernetes|aws',
        description:
          'Which side the selector names. Default: kubernetes for --user/--session-name, else aws.',
      },
      FORMAT_TABLE_JSON,
      STRICT,
      ALLOW_EMPTY,
      WIDTH,
      QUIET,
      HELP,
    ],
    examples: [
      {
        comment: 'What else did the kubectl user do in AWS?',
        command: 'kubetrail pivot samples/incident/ --user ci-legacy',
      },
      {
        comment: 'Which kubectl requests did this access key make? (exit 1: this placeholder key made none)',
        command: 'kubetrail pivot samples/incident/ --access-key ASIAEXAMPLEKEY --from aws',
      },
    ],
  },
];

/** Every command's help, in the order `kubetrail --help` lists them. */
export const COMMANDS: readonly CommandHelp[] = [
  {
    name: 'query',
    summary: 'Run a Logs Insights query over files, directories or stdin',
    usage: [
      "kubetrail query '<query>' <paths...> [options]",
      'kubetrail query --query-file <file> <paths...> [options]',
    ],
    description:
      'Reads every path (a file, a directory walked recursively, or - for stdin), detects each file format, and runs the query as CloudWatch Logs Insights would. When the query has stats ... by bin(...), or with --histogram, a histogram of the results over time is drawn on stdout (table format) with the numbers next to the bars.',
    options: [
      FORMAT_OUT,
      START,
      END,
      NOW,
      LOG_STREAM,
      LOG_GROUP,
      STRICT,
      ALLOW_EMPTY,
      {
        name: 'limit',
        type: 'string',
        value: 'n',
        description: 'Cap on result rows (default 10000, as the service).',
      },
      {
        name: 'query-file',
        type: 'string',
        value: 'file',
        description: 'Read the query from a file instead of the first argument.',
      },
      {
        name: 'histogram',
        type: 'boolean',
        description: 'Also draw matched events per time bin (like the console) above the results.',
      },
      {
        name: 'workers',
        type: 'string',
        value: 'n',
        description:
          'Worker threads (default 1). With 2 or more, a query whose first stats, or first sort (or newest-first order) bounded by a limit, can be computed per part runs over files and byte ranges of big NDJSON files in parallel, with the same result; other queries, --histogram and stdin run on one thread. No progress line while the threads run.',
      },
      {
        name: 'memory-budget',
        type: 'string',
        value: 'MiB',
        description:
          'Memory for the buffering stages (sort, dedup, stats, the rows of table/csv/json output), default 64. At it sort, dedup and stats spill to temporary files with the same result; the table, csv and json formats stop with resource_limit (ndjson streams).',
      },
      {
        name: 'temp-dir',
        type: 'string',
        value: 'dir',
        description:
          'Directory for spill files (default: the OS temp directory); they are removed on exit, error and Ctrl-C.',
      },
      {
        name: 'engine',
        type: 'string',
        value: 'name',
        description:
          'streaming (default) or duckdb: compile the query to SQL and run it on an embedded DuckDB over the same events, with the same rows (needs npm install @duckdb/node-api; untranslated constructs exit 3 with sql_unsupported). See docs/scale-out.md.',
      },
      {
        name: 'duckdb-read-raw',
        type: 'string',
        value: 'when',
        description:
          'With --engine duckdb: whether DuckDB reads plain audit NDJSON files itself instead of kubetrail’s readers. auto (default): it does when the files are named directly, not gzip, and every line passes a check that the readers would give the same event; otherwise, or when the query reads @message beyond showing it, the readers read them, with the same rows. off: the readers always read them. on: as auto, but a run the readers would have to read stops with a usage error that says why. See docs/performance.md.',
      },
      {
        name: 'source',
        type: 'string',
        value: 'name=path',
        multiple: true,
        description:
          "A source that SOURCE 'name' selects inside a join or a subquery: files, a directory or a glob, read like the inputs (repeatable; records without a log group get the name as @log). Nothing is fetched.",
      },
      {
        name: 'lookup',
        type: 'string',
        value: 'name=file.csv',
        multiple: true,
        description:
          'A lookup table for lookup and cidrlookup: a CSV file whose header row names the columns (UTF-8, at most 10 MB; repeatable).',
      },
      { name: 'fail-on-empty', type: 'boolean', description: 'Exit 1 when the query matched nothing.' },
      WIDTH,
      QUIET,
      HELP,
    ],
    examples: [
      {
        comment: 'Who changed a rolebinding?',
        command:
          'kubetrail query \'fields @timestamp, user.username, verb, objectRef.name | filter objectRef.resource="rolebindings" and verb in ["create", "update", "patch", "delete"]\' samples/incident/',
      },
      {
        comment: 'API-server 5xx errors, as CSV',
        command:
          "kubetrail query 'fields @timestamp, responseStatus.code, requestURI | filter responseStatus.code >= 500' samples/incident/ --format csv",
      },
      {
        comment: 'Requests per hour, drawn as a histogram',
        command: "kubetrail query 'stats count(*) by bin(1h)' samples/incident/",
      },
      {
        comment: 'The last 24 hours before --now only, from stdin',
        command:
          'zcat samples/incident/cloudwatch-export/exportedlogs/7f3e9c1a-5b2d-4e8f-a6c0-d4b2e8f1a3c5/kube-apiserver-audit-d83b5f1e7a9c2e4b6d8f0a2c4e6b8d1f/000000.gz | kubetrail query \'filter verb="delete"\' - --start -24h --now 2024-05-15T00:00:00Z',
      },
    ],
  },
  {
    name: 'check',
    summary: 'Check a query for syntax errors without reading any logs',
    usage: ["kubetrail check '<query>'", 'kubetrail check --query-file <file>'],
    description:
      'Parses and compiles the query. Prints "ok" and exits 0 when it is valid; otherwise prints each error with a code frame and a caret under the culprit, and exits 3.',
    options: [
      { name: 'query-file', type: 'string', value: 'file', description: 'Read the query from a file.' },
      HELP,
    ],
    examples: [
      {
        comment: 'A valid query',
        command: 'kubetrail check \'filter verb = "get" | stats count(*) by user.username\'',
      },
      { comment: 'An unknown function: exit 3 with a caret', command: "kubetrail check 'stats cuont(*)'" },
    ],
  },
  {
    name: 'formats',
    summary: 'Show the detected format of each file, with record counts',
    usage: ['kubetrail formats <paths...> [options]'],
    description:
      'Reads every file and reports what it was detected as, how many records it held, and how many records were skipped or invalid, by reason.',
    options: [FORMAT_TABLE_JSON, ALLOW_EMPTY, WIDTH, QUIET, HELP],
    examples: [{ comment: 'What is in this export?', command: 'kubetrail formats samples/incident/' }],
  },
  {
    name: 'schema',
    summary: 'Print the JSON Schema of a record type',
    usage: ['kubetrail schema audit|cloudtrail'],
    description:
      'Prints the JSON Schema (draft 2020-12) of a Kubernetes audit event (audit) or a CloudTrail record (cloudtrail).',
    options: [HELP],
    examples: [
      {
        comment: 'Validate records with another tool',
        command: 'kubetrail schema audit > audit.schema.json',
      },
    ],
  },
  DETECT,
  {
    name: 'sigma',
    summary: 'Convert Sigma rules to Logs Insights queries (sigma convert)',
    usage: ['kubetrail sigma convert <rule files|dirs...>'],
    description:
      'Prints each Sigma detection rule as the equivalent CloudWatch Logs Insights query, preceded by a comment line with its id, title and author, so that the rule runs in the console. Correlation rules and filters are not converted; a rule that uses a time modifier is reported and skipped.',
    options: [
      {
        name: 'sigma-placeholder',
        type: 'string',
        value: 'name=v1,v2',
        multiple: true,
        description: 'Values of a placeholder (%name%) for rules that use the expand modifier (repeatable).',
      },
      QUIET,
      HELP,
    ],
    examples: [
      {
        comment: 'The SigmaHQ CloudTrail rule for a stopped trail',
        command:
          'kubetrail sigma convert test/fixtures/corpus/sigmahq-rules/cloudtrail/aws_cloudtrail_disable_logging.yml',
      },
    ],
  },
  ...INVESTIGATIONS,
  ...SQL_COMMANDS_HELP,
];

function optionLabel(o: OptionHelp): string {
  const flag = o.short === undefined ? `    --${o.name}` : `-${o.short}, --${o.name}`;
  return o.type === 'string' ? `${flag} <${o.value ?? 'value'}>` : flag;
}

/**
 * Formats one command's help text.
 *
 * @example
 * ```ts
 * formatCommandHelp(COMMANDS[0]!).startsWith('kubetrail query') //=> true
 * ```
 */
export function formatCommandHelp(help: CommandHelp): string {
  const lines = [
    `kubetrail ${help.name}: ${help.summary}`,
    '',
    'Usage:',
    ...help.usage.map((u) => `  ${u}`),
    '',
    ...wrap(help.description, 78),
    '',
    'Options:',
    ...help.options.flatMap((o) => [
      `  ${optionLabel(o)}`,
      ...wrap(o.description, 72).map((l) => `        ${l}`),
    ]),
    '',
    'Examples:',
    ...help.examples.flatMap((e) => [`  # ${e.comment}`, `  ${e.command}`]),
  ];
  return lines.join('\n') + '\n';
}

/** Exit codes as listed in the main help (and in docs/cli.md and docs/errors.md). */
export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    nothing found: nothing matched under --fail-on-empty, findings under
       --fail-on-findings, or pivot found nothing for its selector
  2    usage error (unknown command or option, bad argument)
  3    query error (syntax, unknown function, bad regex)
  4    input error (unreadable file, bad record under --strict, unknown format
       of a file named on the command line)
  5    internal error (a bug; please report it)
  6    nothing to read (missing path, glob matching no file, directory with no
       log file); --allow-empty makes it a warning
  7    resource limit (a memory cap such as the timeline entry cap or a query's
       buffered rows; the message names the option that raises it)
  130  interrupted (Ctrl-C, SIGINT)`;

/**
 * The top-level help: commands, global behaviour, exit codes.
 *
 * @example
 * ```ts
 * formatMainHelp().includes('Exit codes:') //=> true
 * ```
 */
export function formatMainHelp(): string {
  const width = COMMANDS.reduce((m, c) => Math.max(m, c.name.length), 0);
  return `kubetrail: offline log forensics for Amazon EKS

Usage:
  kubetrail <command> [arguments] [options]
  kubetrail <command> --help

Options:
  -h, --help     Show this help (or a command's, after the command).
  -v, --version  Print the version.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Paths may be files, directories (read recursively) or - for stdin. Gzip is
detected from content. Results go to stdout; progress (on a terminal), the
one-line run summary and errors go to stderr.

${EXIT_CODES_HELP}
`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length === 0 ? word : `${line} ${word}`;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/**
 * Finds a command's help by name.
 *
 * @example
 * ```ts
 * findCommand('check')?.name //=> 'check'
 * ```
 */
export function findCommand(name: string): CommandHelp | undefined {
  return COMMANDS.find((c) => c.name === name);
}
