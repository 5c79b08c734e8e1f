// The F1 reproducers of issue 16: audit events with distinct auditIDs, and a
// child-process run of the CLI that reports its peak RSS. Shared by
// test/hostile/memory-*.test.ts (small, scaled by KUBETRAIL_HOSTILE_SCALE)
// and scripts/stress.ts (full size).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';

/** The source IP every reproducer event carries (for `timeline --ip`). */
export const HOSTILE_IP = '203.0.113.7';

/** Events per case at scale 1; `KUBETRAIL_HOSTILE_SCALE=50` gives the 1M. */
export const BASE_EVENTS = 20_000;

/** The scale factor from `KUBETRAIL_HOSTILE_SCALE` (default 1). */
export function hostileScale(): number {
  const n = Number(process.env.KUBETRAIL_HOSTILE_SCALE ?? '1');
  return Number.isFinite(n) && n > 0 ? n : 1;
}

/** A 32-hex auditID, distinct for every i. */
export function auditId(i: number): string {
  const hex = i.toString(16).padStart(8, '0');
  return `${hex}${'a1b2c3d4e5f60718293a4b5c'}`.slice(0, 32);
}

/** One audit event line (the same event, a distinct auditID and a second of its own). */
export function auditLine(i: number): string {
  const t = new Date(Date.UTC(2024, 4, 1) + i * 1000).toISOString().replace('Z', '000Z');
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: auditId(i),
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/prod/secrets/db',
    verb: 'get',
    user: { username: 'system:serviceaccount:prod:app', groups: ['system:serviceaccounts'] },
    sourceIPs: [HOSTILE_IP],
    userAgent: 'kubectl/v1.29.3',
    objectRef: { resource: 'secrets', namespace: 'prod', name: 'db', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: t,
    stageTimestamp: t,
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
  });
}

/** Writes `n` reproducer events to `<dir>/audit.ndjson.gz`; resolves to the path. */
export async function writeDistinctAudit(dir: string, n: number): Promise<string> {
  const path = join(dir, 'audit.ndjson.gz');
  const gzip = createGzip({ level: 1 });
  const out = createWriteStream(path);
  gzip.pipe(out);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  let chunk: string[] = [];
  for (let i = 0; i < n; i++) {
    chunk.push(auditLine(i), '\n');
    if (chunk.length >= 2000) {
      if (!gzip.write(chunk.join(''))) await new Promise((r) => gzip.once('drain', r));
      chunk = [];
    }
  }
  gzip.end(chunk.join(''));
  await done;
  return path;
}

/** A fresh temporary directory (remove it with `rmSync(dir, { recursive: true })`). */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** What a measured child run produced. */
export interface MeasuredRun {
  readonly code: number;
  /** Lines on stdout (the rows of an ndjson run). */
  readonly stdoutLines: number;
  /** The first 64 KiB of stdout. */
  readonly stdoutHead: string;
  readonly stderr: string;
  /** Peak resident set size of the child, in MB (getrusage, threads included). */
  readonly peakRssMb: number;
  /** User plus system CPU time of the child, in seconds (threads included). */
  readonly cpuSeconds: number;
  /** The child's `process.execArgv` (the node flags it was started with). */
  readonly execArgv: readonly string[];
  /** What the CLI recorded about V8's heap growth flag (`HEAP_GROWTH_KEY` in src/cli/heap.ts), if anything. */
  readonly heapGrowth: { readonly setBy: string; readonly flag: string } | undefined;
}

/**
 * Runs `node ...nodeArgs <main> ...args` in a child process with a hook that
 * reports its peak RSS, node flags and the CLI's heap growth record at exit;
 * stdout is counted, not kept. `signal` sends it SIGINT.
 */
export function runMeasured(
  main: string,
  args: readonly string[],
  cwd: string,
  signal?: AbortSignal,
  nodeArgs: readonly string[] = [],
): Promise<MeasuredRun> {
  const dir = scratchDir('kubetrail-rss-');
  const hook = join(dir, 'rss-hook.mjs');
  const report = join(dir, 'rss.json');
  writeFileSync(
    hook,
    "import { writeFileSync } from 'node:fs';\n" +
      "process.on('exit', () => writeFileSync(process.env.KUBETRAIL_RSS_FILE, JSON.stringify({\n" +
      '  maxRssKb: process.resourceUsage().maxRSS,\n' +
      '  cpuMicros: process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime,\n' +
      '  execArgv: process.execArgv,\n' +
      "  heapGrowth: globalThis[Symbol.for('kubetrail.heapGrowth')],\n" +
      '})));\n',
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', hook, main, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', KUBETRAIL_RSS_FILE: report },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // a stop is a Ctrl-C: the CLI cancels the run, removes its spill files and exits 130
    signal?.addEventListener('abort', () => child.kill('SIGINT'), { once: true });
    let lines = 0;
    let head = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) lines++;
      if (head.length < 65536) head += s.slice(0, 65536 - head.length);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      if (stderr.length < 65536) stderr += s;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const { maxRssKb, cpuMicros, execArgv, heapGrowth } = JSON.parse(readFileSync(report, 'utf8')) as {
          maxRssKb: number;
          cpuMicros: number;
          execArgv: string[];
          heapGrowth?: MeasuredRun['heapGrowth'];
        };
        resolve({
          code: code ?? -1,
          stdoutLines: lines,
          stdoutHead: head,
          stderr,
          peakRssMb: maxRssKb / 1024,
          cpuSeconds: cpuMicros / 1e6,
          execArgv,
          heapGrowth,
        });
      } catch (error) {
        reject(new Error(`no RSS report (exit ${code}): ${stderr}`, { cause: error }));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** A reproducer case: CLI arguments (the input path is appended) and what it must produce. */
export interface HostileCase {
  readonly name: string;
  /** The arguments for `n` events in the file `input` (which is appended after them). */
  readonly args: (n: number, input: string) => string[];
  /** Checks the run; returns a problem, or undefined when the result is right. */
  readonly check: (run: MeasuredRun, n: number) => string | undefined;
}

const rows =
  (expected: (n: number) => number) =>
  (run: MeasuredRun, n: number): string | undefined => {
    if (run.code !== 0) return `exit ${run.code}: ${run.stderr.slice(0, 400)}`;
    if (run.stdoutLines !== expected(n)) return `${run.stdoutLines} rows, expected ${expected(n)}`;
    return undefined;
  };

/** A run with exit 0 and exactly one row, whose ndjson text `ok` accepts. */
const oneRow =
  (ok: (row: Record<string, unknown>, n: number) => boolean) =>
  (run: MeasuredRun, n: number): string | undefined => {
    const problem = rows(() => 1)(run, n);
    if (problem !== undefined) return problem;
    return ok(JSON.parse(run.stdoutHead) as Record<string, unknown>, n)
      ? undefined
      : `unexpected row ${run.stdoutHead.slice(0, 200)}`;
  };

/** A typed `resource_limit` stop (exit 7). */
const resourceLimit = (run: MeasuredRun): string | undefined =>
  run.code === 7 && /resource_limit/.test(run.stderr)
    ? undefined
    : `expected a resource_limit error (exit 7), got exit ${run.code}: ${run.stderr.slice(0, 400)}`;

/** The first event's time in {@link auditLine}: event i is this plus i seconds. */
const FIRST_EVENT_MS = Date.UTC(2024, 4, 1);

const DAY_MS = 86_400_000;

/** One UTC day of the {@link auditLine} events: its first event's time and how many events it has. */
interface Day {
  readonly firstMs: number;
  readonly events: number;
}

/**
 * A run with one row per UTC day of the `n` events (event i is at second i,
 * the first at midnight), oldest first, each of which `ok` accepts.
 */
const perDay =
  (ok: (row: Record<string, unknown>, day: Day) => boolean) =>
  (run: MeasuredRun, n: number): string | undefined => {
    const days = Math.ceil(n / 86_400);
    const problem = rows(() => days)(run, n);
    if (problem !== undefined) return problem;
    const lines = run.stdoutHead.split('\n').filter((l) => l.length > 0);
    if (lines.length !== days) return `only ${lines.length} of ${days} rows in the first 64 KiB`;
    for (let d = 0; d < days; d++) {
      const row = JSON.parse(lines[d] as string) as Record<string, unknown>;
      const day = { firstMs: FIRST_EVENT_MS + d * DAY_MS, events: Math.min(86_400, n - d * 86_400) };
      if (row['bin(1d)'] !== new Date(day.firstMs).toISOString() || !ok(row, day))
        return `unexpected row ${d}: ${lines[d]?.slice(0, 200)}`;
    }
    return undefined;
  };

/** The buffering commands of issue 16's F1, each over `n` distinct auditIDs. */
export const HOSTILE_CASES: readonly HostileCase[] = [
  { name: 'dedup auditID | limit 5', args: () => ['query', 'dedup auditID | limit 5'], check: rows(() => 5) },
  {
    name: 'sort auditID | dedup auditID | limit 5',
    args: () => ['query', 'sort auditID | dedup auditID | limit 5'],
    check: rows(() => 5),
  },
  {
    name: 'stats count(*) by auditID | limit 5',
    args: () => ['query', 'stats count(*) by auditID | limit 5'],
    check: rows(() => 5),
  },
  {
    name: 'stats count(*) by auditID --limit n',
    args: (n) => ['query', 'stats count(*) by auditID', '--limit', String(n)],
    check: rows((n) => n),
  },
  {
    name: 'fields @message --limit n',
    args: (n) => ['query', 'fields @message', '--limit', String(n)],
    check: rows((n) => n),
  },
  {
    name: 'sort auditID desc | fields auditID --limit n',
    args: (n) => ['query', 'sort auditID desc | fields auditID', '--limit', String(n)],
    check: rows((n) => n),
  },
  {
    name: 'stats count_distinct(auditID), pct(@timestamp, 50)',
    args: () => ['query', 'stats count_distinct(auditID) as d, pct(@timestamp, 50) as p'],
    // every auditID is distinct; the median second lies in the events' span. One group cannot be partitioned, so
    // past the budget its typed stop is the expected result (docs/performance.md, Stress)
    check: (run, n) =>
      run.code === 7
        ? resourceLimit(run)
        : oneRow(
            (r) =>
              r.d === n &&
              typeof r.p === 'number' &&
              r.p >= FIRST_EVENT_MS &&
              r.p <= FIRST_EVENT_MS + 1000 * (n - 1),
          )(run, n),
  },
  {
    name: 'stats count_distinct(auditID) by bin(1d)',
    args: () => ['query', 'stats count_distinct(auditID) as d by bin(1d)'],
    // a day's distinct set is 86,400 auditIDs: the groups must spill (or stop) at the budget, not grow
    check: perDay((r, day) => r.d === day.events),
  },
  {
    name: 'stats pct(@timestamp, 50) by bin(1d)',
    args: () => ['query', 'stats pct(@timestamp, 50) as p by bin(1d)'],
    // nearest rank: the ceil(m / 2)-th of the day's m seconds
    check: perDay((r, day) => r.p === day.firstMs + 1000 * (Math.ceil(day.events / 2) - 1)),
  },
  {
    name: 'countFrequent auditID | limit 5',
    args: () => ['query', 'countFrequent auditID | limit 5'],
    check: rows(() => 5),
  },
  {
    name: 'pattern @message',
    args: () => ['query', 'pattern @message'],
    // the events differ only in auditID and time, which the miner masks: one template
    check: oneRow((r, n) => r['@sampleCount'] === n),
  },
  {
    name: 'stats count(*) by bin(1s) | fillmissing --limit n',
    args: (n) => ['query', 'stats count(*) by bin(1s) | fillmissing', '--limit', String(n)],
    check: rows((n) => n),
  },
  {
    name: 'sessionize auditID | stats max(session_id)',
    args: () => ['query', 'sessionize auditID | stats max(session_id) as m'],
    // one identity per event, so one session each; sessionize keeps every identity in memory (its documented
    // choice), so past the budget its typed stop is the expected result
    check: (run, n) => (run.code === 7 ? resourceLimit(run) : oneRow((r) => r.m === n)(run, n)),
  },
  {
    name: 'stats count(*) as c by auditID | outlier c | limit 5',
    args: () => ['query', 'stats count(*) as c by auditID | outlier c | limit 5'],
    check: rows(() => 5),
  },
  {
    name: 'join right side (typed resource_limit past the budget)',
    // the right side reads the input too: n distinct keys on each side
    args: (_n, input) => [
      'query',
      "join left=a right=b where a.auditID = b.auditID (SOURCE 's') | stats count(*) as c",
      '--source',
      `s=${input}`,
    ],
    // a right side cannot spill: under the budget the join is exact, past it a typed stop
    check: (run, n) => (run.code === 7 ? resourceLimit(run) : oneRow((r) => r.c === n)(run, n)),
  },
  {
    name: 'timeline --ip (typed resource_limit)',
    args: () => ['timeline', '--ip', HOSTILE_IP, '--format', 'ndjson', '--limit', '100000000'],
    check: (run) =>
      run.code !== 0 && /resource_limit|memory budget/.test(run.stderr)
        ? undefined
        : `expected a resource_limit error, got exit ${run.code}: ${run.stderr.slice(0, 400)}`,
  },
  {
    name: 'detect',
    args: () => ['detect', '--format', 'json'],
    check: (run) =>
      run.code === 0 || run.code === 1 ? undefined : `exit ${run.code}: ${run.stderr.slice(0, 400)}`,
  },
];

/** The process-wide bound every case must stay under. */
export const RSS_BOUND_MB = 256;
