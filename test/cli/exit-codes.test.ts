// The exit-code table (docs/cli.md, docs/errors.md) case by case, in process:
// reading nothing (6), resource limits (7), nothing found (1), usage errors
// with did-you-mean (2). The spawned cases in main.test.ts cover main.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXIT } from '../../src/cli/errors.js';
import { EXIT_CODES_HELP } from '../../src/cli/help.js';
import { reportError } from '../../src/cli/run.js';
import { KubetrailError } from '../../src/errors.js';
import { runCliInProcess } from './run-in-process.js';

let dir = '';
const AUDIT =
  '{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a1","stage":"ResponseComplete","verb":"get","requestURI":"/api/v1/pods","user":{"username":"u"},"requestReceivedTimestamp":"2024-05-14T10:00:00.000000Z","stageTimestamp":"2024-05-14T10:00:00.100000Z"}\n';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubetrail-exit-'));
  mkdirSync(join(dir, 'empty'));
  mkdirSync(join(dir, 'dot-only'));
  writeFileSync(join(dir, 'dot-only', '.hidden.json'), AUDIT);
  mkdirSync(join(dir, 'not-logs'));
  writeFileSync(join(dir, 'not-logs', 'notes.txt'), 'hello\n');
  writeFileSync(join(dir, 'not-logs', 'config.yml'), 'a: 1\n');
  mkdirSync(join(dir, 'mixed'));
  writeFileSync(join(dir, 'mixed', 'audit.log'), AUDIT);
  writeFileSync(join(dir, 'mixed', 'notes.txt'), 'hello\n');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI and puts `<dir>` for the temporary directory in its output. */
async function run(args: readonly string[], input?: string) {
  const r = await runCliInProcess(
    args.map((a) => a.replace('<dir>', dir)),
    input === undefined ? {} : { input },
  );
  return { ...r, stdout: r.stdout.replaceAll(dir, '<dir>'), stderr: r.stderr.replaceAll(dir, '<dir>') };
}

describe('reading nothing is an error with its own exit code (6)', () => {
  const cases = [
    [
      'a glob that matches no file',
      '<dir>/*.gz',
      'glob_matched_nothing',
      'the glob <dir>/*.gz matched no files',
    ],
    ['a missing path with glob characters', '<dir>/nope/*.json', 'glob_matched_nothing', 'matched no files'],
    ['a missing path', '<dir>/nope.json', 'no_such_path', '<dir>/nope.json: no such file or directory'],
    ['an empty directory', '<dir>/empty', 'empty_directory', '<dir>/empty: no files to read'],
    ['a directory of dot-files only', '<dir>/dot-only', 'empty_directory', 'holds only dot-files'],
    [
      'a directory of non-log files',
      '<dir>/not-logs',
      'no_log_files',
      '<dir>/not-logs: 2 files, none of them logs (2 not a log format kubetrail reads)',
    ],
  ] as const;

  test.each(cases)('%s', async (_, path, code, message) => {
    for (const args of [
      ['query', 'stats count(*)', path],
      ['formats', path],
      ['timeline', path, '--principal', 'u'],
      ['insights', path],
      ['pivot', path, '--user', 'u'],
    ]) {
      const r = await run(args);
      expect({ args, code: r.code }).toEqual({ args, code: EXIT.readNothing });
      expect(r.stderr).toContain(`kubetrail: nothing to read [${code}]: `);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('--allow-empty');
    }
  });

  test('the message, exactly', async () => {
    const r = await run(['query', 'stats count(*)', '<dir>/not-logs']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'kubetrail: nothing to read [no_log_files]: <dir>/not-logs: 2 files, none of them logs (2 not a log format kubetrail reads)\n' +
        'Give a path that holds logs, or --allow-empty to go on with a warning.\n',
    );
  });

  test('one path that reads nothing fails the run even when another path has logs', async () => {
    const r = await run(['query', 'stats count(*)', '<dir>/mixed', '<dir>/empty', '--quiet']);
    expect(r.code).toBe(EXIT.readNothing);
  });

  test('a directory with one log among other files is fine', async () => {
    const r = await run(['query', 'stats count(*) as n', '<dir>/mixed', '-f', 'csv', '--quiet']);
    expect(r).toEqual({ code: 0, stdout: 'n\r\n1\r\n', stderr: '' });
  });

  test('--allow-empty: a warning per path, the rest is read, exit 0', async () => {
    const r = await run([
      'query',
      'stats count(*) as n',
      '<dir>/nope.json',
      '<dir>/*.gz',
      '<dir>/not-logs',
      '<dir>/mixed',
      '-f',
      'csv',
      '--allow-empty',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('n\r\n1\r\n');
    expect(r.stderr.split('\n').filter((l) => l.includes('warning'))).toEqual([
      'kubetrail: warning [no_such_path]: <dir>/nope.json: no such file or directory (--allow-empty)',
      'kubetrail: warning [glob_matched_nothing]: the glob <dir>/*.gz matched no files (--allow-empty)',
      'kubetrail: warning [no_log_files]: <dir>/not-logs: 2 files, none of them logs (2 not a log format kubetrail reads) (--allow-empty)',
    ]);
  });

  test('--allow-empty with nothing at all: no rows, exit 0', async () => {
    const r = await run([
      'query',
      'stats count(*)',
      '<dir>/nope.json',
      '-f',
      'csv',
      '--allow-empty',
      '--quiet',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning [no_such_path]');
  });

  test('an empty stdin is a valid input, not "nothing to read"', async () => {
    const r = await run(['query', 'stats count(*)', '-', '-f', 'csv', '--quiet'], '');
    expect(r.code).toBe(0);
  });
});

describe('resource limits (7)', () => {
  test('the timeline entry cap names --limit, and is not an input error', async () => {
    const r = await run([
      'timeline',
      'samples/incident/cloudwatch-export',
      '--principal',
      'ci-legacy',
      '--limit',
      '3',
    ]);
    expect(r.code).toBe(EXIT.resourceLimit);
    expect(r.stderr).toBe(
      'kubetrail: resource limit [resource_limit]: more than 3 timeline entries; narrow the selector or the time window, or raise maxEntries (--limit)\n',
    );
  });

  test('any resource_limit error (a query stage, the memory budget) exits 7', () => {
    const lines: string[] = [];
    const io = {
      stdout: { write: () => true },
      stderr: { write: (t: string) => lines.push(t) > 0 },
      stdin: [],
      now: () => 0,
    };
    const error = new KubetrailError(
      'resource_limit',
      'sort would hold more than 10 rows; raise --max-memory',
    );
    expect(reportError(error, io as never)).toBe(7);
    expect(lines.join('')).toBe(
      'kubetrail: resource limit [resource_limit]: sort would hold more than 10 rows; raise --max-memory\n',
    );
  });
});

describe('nothing found (1)', () => {
  test('pivot --user nobody says so and exits 1', async () => {
    const r = await run(['pivot', 'samples/incident/cloudwatch-export', '--user', 'nobody', '--quiet']);
    expect(r).toEqual({
      code: EXIT.empty,
      stdout:
        'Nothing found for --user nobody: no Kubernetes audit event and no CloudTrail event of that principal.\n',
      stderr: '',
    });
    const json = await run([
      'pivot',
      'samples/incident/cloudwatch-export',
      '--user',
      'nobody',
      '-f',
      'json',
      '--quiet',
    ]);
    expect(json.code).toBe(EXIT.empty);
    expect(JSON.parse(json.stdout)).toMatchObject({ kubernetes: [], aws: [] });
  });

  test('pivot labels a user ARN "user arn", never "role arn"', async () => {
    const r = await run(['pivot', 'samples/incident/', '--user', 'ci-legacy', '--quiet', '--width', '0']);
    expect(r.code).toBe(0);
    const identity = r.stdout.slice(0, r.stdout.indexOf('Kubernetes ('));
    expect(identity).toMatch(/│ user arn +│ arn:aws:iam::111122223333:user\/ci-legacy │/);
    expect(identity).not.toMatch(/role arn +│ arn:aws:iam::\d+:user\//);
  });
});

describe('usage errors (2): clean messages, did-you-mean, one hint', () => {
  test.each([
    [
      ['qurey'],
      "kubetrail: unknown command 'qurey'; did you mean 'query'?\nRun 'kubetrail --help' for usage.\n",
    ],
    [
      ['query', '--fromat', 'json'],
      "kubetrail: query: unknown option --fromat; did you mean --format?\nRun 'kubetrail query --help' for usage.\n",
    ],
    [
      ['query', 'fields verb', '-', '--frobnicate'],
      "kubetrail: query: unknown option --frobnicate\nRun 'kubetrail query --help' for usage.\n",
    ],
    [
      ['query', 'fields verb', '-', '-x'],
      "kubetrail: query: unknown option -x\nRun 'kubetrail query --help' for usage.\n",
    ],
    [
      ['query', 'fields verb', '-', '--format'],
      "kubetrail: query: --format needs a value\nRun 'kubetrail query --help' for usage.\n",
    ],
    [
      ['query', 'fields verb', '-', '--quiet=yes'],
      "kubetrail: query: --quiet takes no value\nRun 'kubetrail query --help' for usage.\n",
    ],
    [
      ['timeline', 'samples/incident', '--principle', 'x'],
      "kubetrail: timeline: unknown option --principle; did you mean --principal?\nRun 'kubetrail timeline --help' for usage.\n",
    ],
    [['--verison'], "kubetrail: unknown option '--verison'\nRun 'kubetrail --help' for usage.\n"],
  ])('%j', async (args, stderr) => {
    const r = await run(args);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toBe(stderr);
    expect(r.stderr.match(/--help/g)).toHaveLength(1);
  });

  test.each([['--version'], ['-v'], ['-V']])('%s prints the version', async (flag) => {
    const r = await run([flag]);
    expect(r).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  test('the main help lists -v/--version and the whole exit-code table', async () => {
    const r = await run(['--help']);
    expect(r.stdout).toContain('-v, --version');
    expect(r.stdout).toContain(EXIT_CODES_HELP);
    for (const code of Object.values(EXIT)) expect(EXIT_CODES_HELP).toMatch(new RegExp(`^  ${code} `, 'm'));
  });
});
