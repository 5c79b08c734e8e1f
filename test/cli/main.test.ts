// Golden tests: the CLI on samples/, stdout and exit code per command and
// output format, run in process through `runCli` with in-memory stdio. A few
// cases spawn the built CLI (exit codes, stdin, the summary line, SIGINT).
// Update the files with `npx vitest run test/cli/main.test.ts -u` after an
// intended change, and review the diff.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundleOnce, runBuiltCli, spawnBuiltCli } from './built-cli.js';
import { runCliInProcess } from './run-in-process.js';

beforeAll(() => bundleOnce());

const inProcess = (args: readonly string[], input?: string) =>
  runCliInProcess(args, input === undefined ? {} : { input });

const NOW = ['--now', '2024-05-14T14:00:00Z'];
const WIDE = ['--width', '160'];
const ROLEBINDINGS =
  'fields @timestamp, @message | sort @timestamp desc | limit 100 | filter objectRef.resource="rolebindings" and verb in ["create", "update", "patch", "delete"]';
const FIVE_XX_SEED =
  'fields @logStream, @timestamp, responseStatus.code, @message | filter @logStream like /^kube-apiserver-audit/ | filter responseStatus.code >= 500 | limit 50';
const FIVE_XX =
  'fields @timestamp, @logStream, responseStatus.code, verb, requestURI | filter responseStatus.code >= 500 | sort @timestamp asc';
const LEGACY =
  'filter user.username = "ci-legacy" | fields @timestamp, verb, objectRef.resource, objectRef.name, responseStatus.code | sort @timestamp asc';

const cases: readonly { name: string; args: readonly string[]; code: number }[] = [
  { name: 'help', args: ['--help'], code: 0 },
  { name: 'query-help', args: ['query', '--help'], code: 0 },
  {
    name: 'query-table-rolebindings',
    args: ['query', ROLEBINDINGS, 'samples/incident', '--format', 'table', ...WIDE],
    code: 0,
  },
  { name: 'query-ndjson-5xx-seed', args: ['query', FIVE_XX_SEED, 'samples/incident'], code: 0 },
  {
    name: 'query-json-5xx',
    args: ['query', FIVE_XX, 'samples/incident/cloudwatch-export', '--format', 'json'],
    code: 0,
  },
  {
    name: 'query-csv-5xx',
    args: ['query', FIVE_XX, 'samples/incident/cloudwatch-export', '--format', 'csv'],
    code: 0,
  },
  {
    name: 'query-insights-5xx',
    args: ['query', FIVE_XX, 'samples/incident/cloudwatch-export', '--format', 'insights'],
    code: 0,
  },
  {
    name: 'query-table-bin-histogram',
    args: [
      'query',
      'filter ispresent(verb) | stats count(*) as events by bin(1h)',
      'samples/incident/cloudwatch-export',
      '-f',
      'table',
      ...WIDE,
    ],
    code: 0,
  },
  {
    name: 'query-table-relative-window',
    args: [
      'query',
      LEGACY,
      'samples/incident/cloudwatch-export',
      '-f',
      'table',
      ...NOW,
      '--start',
      '-20m',
      '--end',
      '-10m',
      ...WIDE,
    ],
    code: 0,
  },
  {
    name: 'query-table-histogram-option',
    args: [
      'query',
      'filter responseStatus.code in [401, 403] | fields @timestamp, user.username, sourceIPs.0, responseStatus.code | limit 5',
      'samples/incident/cloudwatch-export',
      '--histogram',
      '-f',
      'table',
      ...WIDE,
    ],
    code: 0,
  },
  { name: 'check-ok', args: ['check', 'filter verb = "get" | stats count(*) by user.username'], code: 0 },
  {
    name: 'formats-table',
    args: ['formats', 'test/fixtures/edge-cases', 'samples/incident/cloudwatch-export', ...WIDE],
    code: 0,
  },
  { name: 'formats-json', args: ['formats', 'test/fixtures/edge-cases', '--format', 'json'], code: 0 },
  { name: 'schema-audit', args: ['schema', 'audit'], code: 0 },
  { name: 'schema-cloudtrail', args: ['schema', 'cloudtrail'], code: 0 },
  {
    name: 'detect-table',
    args: ['detect', 'samples/incident', '--severity', 'high', ...NOW, ...WIDE],
    code: 0,
  },
  {
    name: 'detect-json',
    args: [
      'detect',
      'samples/incident/cloudwatch-export',
      '--id',
      'kube.exec-into-pod',
      '--id',
      'kube.aws-auth-modified',
      '--format',
      'json',
      ...NOW,
    ],
    code: 0,
  },
  { name: 'detect-list', args: ['detect', '--list', '--severity', 'critical', ...WIDE], code: 0 },
  {
    name: 'detect-fail-on-findings',
    args: [
      'detect',
      'samples/incident/cloudwatch-export',
      '--id',
      'kube.exec-into-pod',
      '--fail-on-findings',
      ...NOW,
      ...WIDE,
    ],
    code: 1,
  },
  {
    name: 'timeline-table',
    args: ['timeline', 'samples/incident', '--principal', 'ci-legacy', ...WIDE],
    code: 0,
  },
  {
    name: 'timeline-ndjson',
    args: ['timeline', 'samples/incident', '--ip', '203.0.113.45', '--format', 'ndjson'],
    code: 0,
  },
  {
    name: 'pivot-json',
    args: ['pivot', 'samples/incident', '--user', 'ci-legacy', '--format', 'json'],
    code: 0,
  },
  { name: 'insights-table', args: ['insights', 'samples/incident/cloudtrail', ...WIDE], code: 0 },
  // Narrow terminals: free text is cut first, timestamps and detection ids never (rows become records).
  ...[80, 100, 120].flatMap((w) => [
    {
      name: `timeline-width-${w}`,
      args: [
        'timeline',
        'samples/incident',
        '--principal',
        'ci-legacy',
        '--end',
        '2024-05-14T13:42:00Z',
        '--width',
        `${w}`,
      ],
      code: 0,
    },
    {
      name: `detect-width-${w}`,
      args: ['detect', 'samples/incident', '--severity', 'critical', ...NOW, '--width', `${w}`],
      code: 0,
    },
  ]),
];

describe('golden: the CLI on samples/', { timeout: 180_000 }, () => {
  test.each(cases)('$name', async ({ name, args, code }) => {
    const run = await inProcess(args);
    expect({ code: run.code, stderr: run.code === code ? '' : run.stderr }).toEqual({ code, stderr: '' });
    await expect(run.stdout).toMatchFileSnapshot(`golden/${name}.txt`);
  });

  test('check: a query error prints a code frame with a caret on stderr and exits 3', async () => {
    const run = await inProcess(['check', 'filter verb = "get" | stats cuont(*)']);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    await expect(run.stderr).toMatchFileSnapshot('golden/check-error.stderr.txt');
  });

  // The summary line of the real binary is spawned; --quiet is an option of runCli, run in process
  // (the same output, compared with the spawned run's).
  test('every query run ends with a one-line summary on stderr; --quiet removes it (spawned)', async () => {
    const loud = await runBuiltCli(['query', FIVE_XX, 'samples/incident/cloudwatch-export', '-f', 'csv']);
    expect(loud.stderr).toMatch(
      /^kubetrail: 7 rows; [\d,]+ records scanned \([\d.]+ [kM]?B\), 7 matched, \d+ skipped(; \d+ files? skipped \([^)]*\))? in [\d.]+s\n$/,
    );
    const quiet = await inProcess([
      'query',
      FIVE_XX,
      'samples/incident/cloudwatch-export',
      '-f',
      'csv',
      '--quiet',
    ]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(loud.stdout);
  });
});

// Two audit events carrying attacker-controlled text: an ANSI escape sequence
// (clear screen, red) and a spreadsheet formula.
const HOSTILE = [
  {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    auditID: 'a1',
    stage: 'ResponseComplete',
    verb: 'get',
    requestURI: '/api/v1/namespaces/default/pods',
    user: { username: '\u001b[2J\u001b[31mevil\u001b[0m' },
    objectRef: { resource: 'pods', name: "=cmd|' /C calc'!A0" },
    requestReceivedTimestamp: '2024-05-14T10:00:00.000000Z',
    stageTimestamp: '2024-05-14T10:00:00.100000Z',
  },
  {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    auditID: 'a2',
    stage: 'ResponseComplete',
    verb: 'get',
    requestURI: '/api/v1/namespaces/default/pods',
    user: { username: 'csi\u009b31m\u0007bell' },
    objectRef: { resource: 'pods', name: '+SUM(1,2)' },
    requestReceivedTimestamp: '2024-05-14T10:00:01.000000Z',
    stageTimestamp: '2024-05-14T10:00:01.100000Z',
  },
]
  .map((e) => JSON.stringify(e))
  .join('\n');
const HOSTILE_QUERY = 'fields user.username, objectRef.name | sort @timestamp asc';
// C0 and C1 controls and DEL, as a terminal would interpret them (CSV's CRLF line ends aside).
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/;

describe('safe output of hostile log data', { timeout: 60_000 }, () => {
  test('table: escape sequences print as visible text', async () => {
    const run = await inProcess(['query', HOSTILE_QUERY, '-', '--format', 'table', '--quiet'], HOSTILE);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(CONTROL);
    expect(run.stdout).toContain('\\x1b[2J\\x1b[31mevil\\x1b[0m');
    expect(run.stdout).toContain('csi\\x9b31m\\x07bell');
  });

  test('csv: formulas are neutralised, escapes visible, RFC 4180 quoting', async () => {
    const run = await inProcess(['query', HOSTILE_QUERY, '-', '--format', 'csv', '--quiet'], HOSTILE);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(CONTROL);
    expect(run.stdout).toBe(
      'user.username,objectRef.name\r\n' +
        "\\x1b[2J\\x1b[31mevil\\x1b[0m,'=cmd|' /C calc'!A0\r\n" +
        'csi\\x9b31m\\x07bell,"\'+SUM(1,2)"\r\n',
    );
  });

  test.each(['json', 'ndjson', 'insights'])('%s: still valid JSON, nothing raw', async (format) => {
    const run = await inProcess(['query', HOSTILE_QUERY, '-', '--format', format, '--quiet'], HOSTILE);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(CONTROL);
    const text = format === 'ndjson' ? `[${run.stdout.trim().split('\n').join(',')}]` : run.stdout;
    expect(JSON.stringify(JSON.parse(text))).toContain('\\u001b[2J');
  });

  test('error messages escape what the user typed', async () => {
    const run = await inProcess(['bogus\u001b[2J']);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toMatch(CONTROL);
    expect(run.stderr).toContain('bogus\\x1b[2J');
  });
});

describe('exit codes', { timeout: 60_000 }, () => {
  const AUDIT = HOSTILE.split('\n')[0] ?? '';
  test.each([
    ['no command', [], 2],
    ['unknown command', ['frobnicate'], 2],
    ['unknown option', ['query', 'fields verb', '-', '--frobnicate'], 2],
    ['missing query', ['query'], 2],
    ['missing paths', ['query', 'fields verb'], 2],
    ['bad --format', ['query', 'fields verb', '-', '--format', 'xml'], 2],
    ['bad --start', ['query', 'fields verb', '-', '--start', 'yesterday'], 2],
    ['bad --limit', ['query', 'fields verb', '-', '--limit', 'ten'], 2],
    ['bad schema name', ['schema', 'pods'], 2],
    ['query syntax error', ['query', 'fields verb | filter (', '-'], 3],
    ['unknown function', ['query', 'stats cuont(*)', '-'], 3],
    ['bad regex', ['query', 'filter verb like /(/', '-'], 3],
    ['check: syntax error', ['check', 'fields verb |'], 3],
    ['missing file', ['query', 'fields verb', 'samples/incident/no-such-file.ndjson'], 6],
    ['bad record under --strict', ['query', 'fields verb', '-', '--strict'], 4],
    ['nothing matched under --fail-on-empty', ['query', 'filter verb = "delete"', '-', '--fail-on-empty'], 1],
    ['matches under --fail-on-empty', ['query', 'filter verb = "get"', '-', '--fail-on-empty'], 0],
    ['help', ['query', '--help'], 0],
  ] as const)('%s -> exit %2$s', async (_, args, code) => {
    const input = (args as readonly string[]).includes('--strict')
      ? `${AUDIT}\n{"kind":"Event", broken\n`
      : `${AUDIT}\n`;
    const run = await inProcess(args, input);
    expect(run.code).toBe(code);
    if (code >= 2) {
      expect(run.stderr).toMatch(/\S/);
      expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // never a stack trace
    }
  });

  test('an input error names the file and the line', async () => {
    const run = await inProcess([
      'query',
      'fields verb',
      'test/fixtures/edge-cases/truncated.ndjson.gz',
      '--strict',
    ]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(
      /^kubetrail: input error \[truncated_gzip\]: .*test\/fixtures\/edge-cases\/truncated\.ndjson\.gz/,
    );
  });

  test('a query error prints a code frame with a caret', async () => {
    const run = await inProcess(['query', 'fields verb | filter (', '-'], `${AUDIT}\n`);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('^');
    expect(run.stderr).toContain('fields verb | filter (');
  });

  // The process wiring (main.ts): exit codes, stdin and signals of the real binary.
  test.each([
    ['unknown command', ['frobnicate'], 2],
    ['query syntax error', ['query', 'fields verb | filter (', '-'], 3],
    ['bad record under --strict', ['query', 'fields verb', '-', '--strict'], 4],
    ['nothing matched under --fail-on-empty', ['query', 'filter verb = "delete"', '-', '--fail-on-empty'], 1],
  ] as const)('spawned: %s -> exit %2$s', async (_, args, code) => {
    const input = (args as readonly string[]).includes('--strict')
      ? `${AUDIT}\n{"kind":"Event", broken\n`
      : `${AUDIT}\n`;
    const run = await runBuiltCli(args, input);
    expect(run.code).toBe(code);
  });

  test('spawned: SIGINT stops a run with exit 130', async () => {
    const child = spawnBuiltCli(['query', 'stats count(*)', '-', '--quiet']);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    child.stdin?.on('error', () => {}); // EPIPE once it has exited
    // Far more than a pipe holds: once it is all written, the CLI is reading stdin, so
    // main.ts (which installs the SIGINT handler before it reads) is running.
    const lines = `${AUDIT}\n`.repeat(Math.ceil((4 * 1024 * 1024) / (AUDIT.length + 1)));
    await new Promise<void>((resolve, reject) => {
      child.stdin?.write(lines, (error) => (error ? reject(error) : resolve()));
    });
    child.kill('SIGINT');
    // Keep feeding it: the reader notices the abort at its next chunk.
    let done = false;
    void exited.then(() => {
      done = true;
    });
    const chunk = `${AUDIT}\n`.repeat(100);
    while (!done) {
      await new Promise<void>((resolve) => {
        if (child.stdin?.write(chunk, () => resolve()) !== true) child.stdin?.once('drain', resolve);
      }).catch(() => {});
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await exited).toBe(130);
  });
});

describe('reading nothing is not "nothing found"', () => {
  const empty = mkdtempSync(join(tmpdir(), 'kubetrail-empty-'));
  const notLogs = mkdtempSync(join(tmpdir(), 'kubetrail-not-logs-'));
  writeFileSync(join(notLogs, 'README.txt'), 'not a log\n');
  afterAll(() => {
    rmSync(empty, { recursive: true, force: true });
    rmSync(notLogs, { recursive: true, force: true });
  });

  test.each([
    ['an empty directory', (): string => empty, 'empty_directory'],
    ['a directory of non-log files', (): string => notLogs, 'no_log_files'],
    ['a glob matching no file', (): string => 'samples/incident/*.nothing', 'glob_matched_nothing'],
  ] as const)(
    'detect on %s exits 6 naming the reason; --allow-empty makes it a warning',
    async (_, path, code) => {
      const run = await inProcess(['detect', path(), '--id', 'kube.exec-into-pod', ...NOW]);
      expect(run.code).toBe(6);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(code);
      const allowed = await inProcess([
        'detect',
        path(),
        '--id',
        'kube.exec-into-pod',
        '--allow-empty',
        ...NOW,
      ]);
      expect(allowed.code).toBe(0);
      expect(allowed.stderr).toContain(`warning [${code}]`);
      expect(allowed.stdout).toContain('0 of 1 detections fired');
    },
  );
});

describe('the default row cap', () => {
  const AUDIT = HOSTILE.split('\n')[0] ?? '';
  const lines = (n: number) => `${AUDIT}\n`.repeat(n);

  test('an output cut at 10,000 rows says so on stderr and names --limit', async () => {
    const run = await inProcess(['query', 'fields verb', '-'], lines(10_001));
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter((l) => l !== '')).toHaveLength(10_000);
    expect(run.stderr).toMatch(/^kubetrail: 10,000 rows;/);
    expect(run.stderr).toContain(
      'kubetrail: the output stopped at 10,000 rows, the default cap; more rows matched. Use --limit <n> (up to 100,000) or end the query with | limit <n> to see more\n',
    );
  });

  test.each([
    ['exactly 10,000 rows', ['query', 'fields verb', '-'], 10_000, 10_000],
    ['a limit command', ['query', 'fields verb | limit 10000', '-'], 10_001, 10_000],
    ['--limit', ['query', 'fields verb', '-', '--limit', '10000'], 10_001, 10_000],
  ] as const)('no note with %s', async (_, args, n, rows) => {
    const run = await inProcess(args, lines(n));
    expect(run.stdout.split('\n').filter((l) => l !== '')).toHaveLength(rows);
    expect(run.stderr).not.toContain('default cap');
  });
});

test('insights that find nothing say why and name --min-count', async () => {
  const run = await inProcess(['insights', 'samples/incident/cloudtrail']);
  expect(run.code).toBe(0);
  expect(run.stderr).toContain(
    'kubetrail: no minute reached 10 calls and 5× its baseline; on a short trail (a day or two) try a lower --min-count, e.g. --min-count 3\n',
  );
  const found = await inProcess(['insights', 'samples/incident/cloudtrail', '--min-count', '3', '--quiet']);
  expect(found.stdout).toMatch(/^16 insight events/);
  expect(found.stderr).toBe('');
});
