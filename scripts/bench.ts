/**
 * `npm run bench`: generates deterministic data (cached in `bench-data/`),
 * runs the fixed query set with kubetrail (the built `dist/`), jq and DuckDB
 * (installed on demand; skipped if that fails) side by side, checks that every
 * tool returns the same result, and prints MB/s, events/s, peak RSS and the
 * ratios against jq and DuckDB, the goals met or not, and a memory check at a
 * second size.
 *
 * Options: `--size 1GiB` (audit NDJSON size; `--size 64MiB` for a quick run),
 * `--trail-size 200MB`, `--seed N`, `--second-size SIZE` (memory check;
 * default a quarter of `--size`), `--only id,id`, `--no-jq`, `--no-duckdb`,
 * `--runs N` (rounds per query, default 3: every tool runs once per round,
 * and the table shows each tool's median-time run).
 *
 * @module
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { type BenchData, ensureData, parseSize, sizeLabel } from './bench/data.js';
import { type Measured, measure } from './bench/measure.js';
import { BENCH_QUERIES, type BenchQuery } from './bench/queries.js';
import { DEFAULT_SEED } from './samples/generate.js';

const ROOT = resolve(import.meta.dirname, '..');
const DATA = join(ROOT, 'bench-data');
const MB = 1e6;

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '1GiB' },
    'trail-size': { type: 'string' },
    'second-size': { type: 'string' },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
    only: { type: 'string' },
    'no-jq': { type: 'boolean', default: false },
    'no-duckdb': { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  process.stdout.write(`Usage: npm run bench -- [options]

Generates deterministic data in bench-data/ (cached) and runs the query set with
kubetrail, jq and DuckDB side by side; see docs/performance.md.

Options:
  --size <size>          audit NDJSON size (default 1GiB; e.g. 64MiB for a quick run)
  --trail-size <size>    CloudTrail Records file size (default 200 MB, or --size if smaller)
  --second-size <size>   size of the memory-check run (default a quarter of --size)
  --seed <n>             data seed
  --only <ids>           comma-separated query ids (detect, rolebindings, 5xx, by-user, sort-limit,
                         parse-stats, cloudtrail, gz)
  --no-jq, --no-duckdb   skip a comparison tool
  --runs <n>             rounds per query (default 3); each round runs every tool once,
                         and each tool's run with the median wall time is reported
  -h, --help             this text
`);
  process.exit(0);
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Transpiles a runner to plain JavaScript, so that the measured child is node and the code under test only. */
function buildRunner(name: string): string {
  const dir = join(DATA, '.runners');
  mkdirSync(dir, { recursive: true });
  const source = readFileSync(join(import.meta.dirname, 'bench', `${name}.ts`), 'utf8');
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, out.outputText);
  return file;
}

/** The Parquet copy of a bench input (`kubetrail import`, made once next to it); `undefined` if it cannot be made. */
function parquetCopy(file: string): string | undefined {
  const out = `${file}.parquet`;
  if (existsSync(out)) return out;
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'dist', 'cli', 'main.js'), 'import', file, '--to', out, '--quiet'],
    {
      stdio: 'inherit',
    },
  );
  return r.status === 0 ? out : undefined;
}

/** Installs DuckDB's Node API under bench-data/.duckdb if needed; `undefined` when unavailable. */
function duckdbModule(): string | undefined {
  const prefix = join(DATA, '.duckdb');
  const entry = join(prefix, 'node_modules', '@duckdb', 'node-api', 'lib', 'index.js');
  if (!existsSync(entry)) {
    log('installing @duckdb/node-api under bench-data/.duckdb (not a project dependency) …');
    mkdirSync(prefix, { recursive: true });
    const pkg = join(prefix, 'package.json');
    if (!existsSync(pkg)) writeFileSync(pkg, '{"name":"kubetrail-bench-duckdb","private":true}\n');
    const r = spawnSync('npm', ['install', '--no-save', '--prefix', prefix, '@duckdb/node-api'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 600_000,
    });
    if (r.status !== 0 || !existsSync(entry)) {
      log('DuckDB could not be installed: skipping it');
      return undefined;
    }
  }
  return pathToFileURL(entry).href;
}

function hasJq(): boolean {
  return spawnSync('jq', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** One measured tool run of a query. */
interface Run {
  readonly query: BenchQuery;
  readonly tool: string;
  readonly bytes: number;
  readonly events: number;
  readonly m: Measured;
  readonly result: string | undefined;
  readonly error: string | undefined;
}

function inputOf(q: BenchQuery, data: BenchData): { file: string; bytes: number; events: number } {
  switch (q.input) {
    case 'audit':
      return { file: data.audit, bytes: data.auditBytes, events: data.auditEvents };
    case 'auditGz':
      return { file: data.auditGz, bytes: data.auditBytes, events: data.auditEvents };
    default:
      return { file: data.trail, bytes: data.trailBytes, events: data.trailEvents };
  }
}

function safely(fn: () => string): { result?: string; error?: string } {
  try {
    return { result: fn() };
  } catch (e) {
    return { error: (e as Error).message.slice(0, 200) };
  }
}

async function runKubetrail(
  runner: string,
  q: BenchQuery,
  file: string,
  workers: number,
  engine?: 'duckdb',
): Promise<{ m: Measured; result?: string; error?: string }> {
  const spec = {
    dist: pathToFileURL(join(ROOT, 'dist', 'index.js')).href,
    files: [file],
    query: q.kubetrail,
    workers,
    ...(engine === undefined ? {} : { engine }),
    ...(q.detect === true ? { detect: true } : {}),
  };
  const m = await measure(process.execPath, [runner, JSON.stringify(spec)]);
  if (m.exitCode !== 0) return { m, error: m.stderr.trim().split('\n').slice(-3).join(' ') };
  return {
    m,
    ...safely(() =>
      q.normalize.kubetrail((JSON.parse(m.stdout) as { rows: Record<string, unknown>[] }).rows),
    ),
  };
}

async function runJq(q: BenchQuery, file: string): Promise<{ m: Measured; result?: string; error?: string }> {
  const m =
    q.input === 'auditGz'
      ? await measure('sh', ['-c', 'gzip -dc "$0" | jq "$@"', file, ...q.jq])
      : await measure('jq', [...q.jq, file]);
  if (m.exitCode !== 0) return { m, error: m.stderr.trim().slice(0, 200) };
  return { m, ...safely(() => q.normalize.jq(m.stdout)) };
}

async function runDuckdb(
  runner: string,
  module: string,
  q: BenchQuery,
  file: string,
  parquet?: string,
): Promise<{ m: Measured; result?: string; error?: string }> {
  const threads = Math.min(2, cpus().length);
  const sql =
    parquet === undefined
      ? q.duckdb.replaceAll('$FILE', file.replaceAll("'", "''"))
      : (q.parquet ?? '').replaceAll('$PARQUET', parquet.replaceAll("'", "''"));
  const spec = { module, sql, threads };
  const m = await measure(process.execPath, [runner, JSON.stringify(spec)]);
  if (m.exitCode !== 0) return { m, error: m.stderr.trim().split('\n').slice(-3).join(' ') };
  return {
    m,
    ...safely(() => q.normalize.duckdb((JSON.parse(m.stdout) as { rows: Record<string, unknown>[] }).rows)),
  };
}

const fmt = (n: number | undefined, digits = 1): string =>
  n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits);

function machine(): string[] {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const jq = hasJq() ? execFileSync('jq', ['--version'], { encoding: 'utf8' }).trim() : 'not installed';
  return [
    `- nproc: ${cpus().length}; CPU: ${model}`,
    `- Node ${process.version}; ${jq}`,
    `- load average at start: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  ];
}

async function main(): Promise<void> {
  const size = parseSize(args.size);
  const trailSize =
    args['trail-size'] === undefined ? Math.min(200 * MB, size) : parseSize(args['trail-size']);
  const secondSize =
    args['second-size'] === undefined
      ? Math.round(size / 4 / 1024 ** 2) * 1024 ** 2
      : parseSize(args['second-size']);
  const seed = Number(args.seed);
  const only = args.only?.split(',');
  const queries = BENCH_QUERIES.filter((q) => only === undefined || only.includes(q.id));
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run npm run build');
  const data = await ensureData(DATA, seed, size, trailSize, log);
  const kubetrailRunner = buildRunner('kubetrail-runner');
  const duckRunner = buildRunner('duckdb-runner');
  const duck = args['no-duckdb'] ? undefined : duckdbModule();
  const jq = !args['no-jq'] && hasJq();
  const rounds = Math.max(1, Number.parseInt(args.runs, 10) || 1);
  const lines: string[] = [
    `## kubetrail benchmark (audit ${sizeLabel(size)}, CloudTrail ${sizeLabel(trailSize)}, seed ${seed})`,
    '',
  ];
  lines.push(...machine(), '');
  const runs: Run[] = [];
  for (const q of queries) {
    const input = inputOf(q, data);
    const add = (tool: string, r: { m: Measured; result?: string; error?: string }): void => {
      runs.push({
        query: q,
        tool,
        bytes: input.bytes,
        events: input.events,
        m: r.m,
        result: r.result,
        error: r.error,
      });
      log(
        `  ${q.id} · ${tool}: ${r.m.wallSeconds.toFixed(2)} s, ${fmt((r.m.peakRss ?? Number.NaN) / MB, 0)} MB${r.error ? ` ERROR ${r.error}` : ''}`,
      );
    };
    log(`${q.id}: ${q.title}`);
    // Rounds interleave the tools, so that a slow spell of the machine hits them alike.
    const byTool = new Map<string, Outcome[]>();
    const keep = (tool: string, r: Outcome): void => {
      const list = byTool.get(tool) ?? [];
      byTool.set(tool, list);
      list.push(r);
      log(`    round ${list.length} · ${tool}: ${r.m.wallSeconds.toFixed(2)} s`);
    };
    for (let round = 0; round < rounds; round++) {
      for (const v of q.variants)
        keep(v.label, await runKubetrail(kubetrailRunner, q, input.file, v.workers));
      if (duck !== undefined && q.detect !== true) {
        // The DuckDB engine on the raw file, and on a Parquet copy made once by `kubetrail import` (not timed).
        keep('kubetrail --engine duckdb', await runKubetrail(kubetrailRunner, q, input.file, 1, 'duckdb'));
        const parquet = parquetCopy(input.file);
        if (parquet !== undefined) {
          keep(
            'kubetrail --engine duckdb (Parquet)',
            await runKubetrail(kubetrailRunner, q, parquet, 1, 'duckdb'),
          );
          if (q.parquet !== undefined)
            keep('DuckDB (Parquet)', await runDuckdb(duckRunner, duck, q, input.file, parquet));
        }
      }
      if (jq && q.detect !== true) keep('jq', await runJq(q, input.file));
      if (duck !== undefined && q.detect !== true)
        keep('DuckDB', await runDuckdb(duckRunner, duck, q, input.file));
    }
    for (const [tool, list] of byTool) add(tool, medianRun(list));
  }
  lines.push(
    '| query | tool | wall s | CPU s | MB/s | events/s | peak RSS MB | × jq | × DuckDB | same result |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const r of runs) {
    const peers = runs.filter((p) => p.query === r.query);
    const jqRun = peers.find((p) => p.tool === 'jq');
    const duckRun = peers.find((p) => p.tool === 'DuckDB');
    const reference = peers.find((p) => p.result !== undefined)?.result;
    const same = r.error !== undefined ? `error: ${r.error}` : r.result === reference ? 'yes' : 'NO';
    const w = r.m.wallSeconds;
    lines.push(
      `| ${r.query.id} | ${r.tool} | ${fmt(w, 2)} | ${fmt(r.m.cpuSeconds, 2)} | ${fmt(r.bytes / MB / w, 0)} | ${fmt(r.events / w, 0)} | ${fmt((r.m.peakRss ?? Number.NaN) / MB, 0)} | ${r.tool === 'jq' || !jqRun ? '' : fmt(jqRun.m.wallSeconds / w, 2)} | ${r.tool === 'DuckDB' || !duckRun ? '' : fmt(duckRun.m.wallSeconds / w, 2)} | ${same} |`,
    );
  }
  lines.push(
    '',
    "× jq and × DuckDB: that tool's wall time divided by this row's (higher is faster).",
    `Each query ran ${rounds} round(s), every tool once per round; wall and CPU are each tool's median-time run, peak RSS the highest of its runs, and "same result" holds only if every run agreed.`,
    '',
  );
  lines.push(...goals(runs));
  lines.push('', ...duckdbEngineRatios(runs));
  lines.push('', ...(await memoryCheck(kubetrailRunner, queries, seed, secondSize, trailSize, runs)));
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  writeFileSync(join(DATA, `bench-${sizeLabel(size)}.md`), text);
}

type Outcome = { m: Measured; result?: string; error?: string };

/**
 * A tool's reported run: the one with the median wall time, with the highest
 * peak RSS of all runs, an error if any run failed, and a result only if every
 * run gave the same one.
 */
function medianRun(list: readonly Outcome[]): Outcome {
  const failed = list.find((r) => r.error !== undefined);
  if (failed !== undefined) return failed;
  const sorted = [...list].sort((a, b) => a.m.wallSeconds - b.m.wallSeconds);
  const median = sorted[(sorted.length - 1) >> 1] as Outcome;
  const rss = list.map((r) => r.m.peakRss).filter((x): x is number => x !== undefined);
  const results = new Set(list.map((r) => r.result));
  return {
    m: { ...median.m, peakRss: rss.length === 0 ? undefined : Math.max(...rss) },
    ...(results.size !== 1
      ? { error: 'the runs gave different results' }
      : median.result === undefined
        ? {}
        : { result: median.result }),
  };
}

function find(runs: readonly Run[], id: string, tool: string): Run | undefined {
  return runs.find((r) => r.query.id === id && r.tool === tool);
}

function ratio(runs: readonly Run[], id: string, tool: string, against: string): number | undefined {
  const a = find(runs, id, tool);
  const b = find(runs, id, against);
  return a && b ? b.m.wallSeconds / a.m.wallSeconds : undefined;
}

function goals(all: readonly Run[]): string[] {
  // A run that failed measured nothing: its time and peak RSS are left out of every goal.
  const runs = all.filter((r) => r.error === undefined);
  const failed = all.filter((r) => r.error !== undefined);
  const out = ['| goal | measured | met |', '|---|---:|---|'];
  out.push(
    `| every run finished without error | ${failed.length} failed${failed.length ? `: ${failed.map((r) => `${r.query.id} · ${r.tool}`).join(', ')}` : ''} | ${failed.length ? 'NOT met' : 'met'} |`,
  );
  const goal = (name: string, value: number | undefined, ok: (v: number) => boolean, unit = '×'): void => {
    out.push(
      `| ${name} | ${value === undefined ? 'not run' : `${fmt(value, 2)}${unit}`} | ${value === undefined ? '–' : ok(value) ? 'met' : 'NOT met'} |`,
    );
  };
  goal('rolebindings ≥ 15× jq', ratio(runs, 'rolebindings', 'kubetrail', 'jq'), (v) => v >= 15);
  goal('rolebindings ≥ 1.0× DuckDB', ratio(runs, 'rolebindings', 'kubetrail', 'DuckDB'), (v) => v >= 1);
  goal('by user.username, one core ≥ 3× jq', ratio(runs, 'by-user', 'kubetrail', 'jq'), (v) => v >= 3);
  goal(
    'by user.username, 2 workers ≥ 4.5× jq',
    ratio(runs, 'by-user', 'kubetrail 2 workers', 'jq'),
    (v) => v >= 4.5,
  );
  goal('CloudTrail Records ≥ 2× jq', ratio(runs, 'cloudtrail', 'kubetrail', 'jq'), (v) => v >= 2);
  const trail = find(runs, 'cloudtrail', 'kubetrail')?.m.peakRss;
  goal('CloudTrail peak RSS < 256 MB', trail === undefined ? undefined : trail / MB, (v) => v < 256, ' MB');
  const gz = find(runs, 'gz', 'kubetrail');
  const plain = find(runs, 'by-user', 'kubetrail');
  goal(
    '.gz time ≤ 1.3× plain (same query)',
    gz && plain ? gz.m.wallSeconds / plain.m.wallSeconds : undefined,
    (v) => v <= 1.3,
  );
  for (const [tool, label] of [
    ['kubetrail', 'detect (all built-ins)'],
    ['kubetrail 2 workers', 'detect on 2 workers'],
  ] as const) {
    const detect = find(runs, 'detect', tool);
    goal(
      `${label} ≤ 2× by user.username (one thread)`,
      detect && plain ? detect.m.wallSeconds / plain.m.wallSeconds : undefined,
      (v) => v <= 2,
    );
    goal(
      `${label} peak RSS < 256 MB`,
      detect?.m.peakRss === undefined ? undefined : detect.m.peakRss / MB,
      (v) => v < 256,
      ' MB',
    );
  }
  // The DuckDB engine (issue 13): the worst query of each goal.
  const worst = (tool: string, against: string): number | undefined => {
    const list = runs
      .filter((r) => r.tool === tool)
      .map((r) => ratio(runs, r.query.id, tool, against))
      .filter((v): v is number => v !== undefined);
    return list.length === 0 ? undefined : Math.min(...list);
  };
  goal(
    '--engine duckdb on raw files ≥ 0.8× DuckDB (worst query)',
    worst('kubetrail --engine duckdb', 'DuckDB'),
    (v) => v >= 0.8,
  );
  goal(
    '--engine duckdb on the Parquet copy ≥ 1.0× DuckDB on it (worst query)',
    worst('kubetrail --engine duckdb (Parquet)', 'DuckDB (Parquet)'),
    (v) => v >= 1,
  );
  goal(
    '--engine duckdb on the Parquet copy ≥ 10× streaming (worst query)',
    worst('kubetrail --engine duckdb (Parquet)', 'kubetrail'),
    (v) => v >= 10,
  );
  const duckRss = runs
    .filter((r) => r.tool.startsWith('kubetrail --engine duckdb'))
    .map((r) => r.m.peakRss ?? 0);
  goal(
    '--engine duckdb peak RSS < 256 MB (max)',
    duckRss.length ? Math.max(...duckRss) / MB : undefined,
    (v) => v < 256,
    ' MB',
  );
  const rss = runs
    .filter((r) => r.tool.startsWith('kubetrail') && r.query.streaming)
    .map((r) => r.m.peakRss ?? 0);
  goal(
    'every kubetrail query peak RSS < 256 MB (max)',
    rss.length ? Math.max(...rss) / MB : undefined,
    (v) => v < 256,
    ' MB',
  );
  return out;
}

/** Per query: the DuckDB engine's speed against its baselines (× = baseline wall time ÷ its wall time). */
function duckdbEngineRatios(runs: readonly Run[]): string[] {
  const out = [
    "The DuckDB engine per query (× = the baseline's wall time divided by the engine's; higher is faster):",
    '',
    '| query | raw × DuckDB | Parquet × DuckDB (Parquet) | Parquet × streaming |',
    '|---|---:|---:|---:|',
  ];
  const ids = [
    ...new Set(runs.filter((r) => r.tool.startsWith('kubetrail --engine duckdb')).map((r) => r.query.id)),
  ];
  for (const id of ids) {
    out.push(
      `| ${id} | ${fmt(ratio(runs, id, 'kubetrail --engine duckdb', 'DuckDB'), 2)} | ${fmt(ratio(runs, id, 'kubetrail --engine duckdb (Parquet)', 'DuckDB (Parquet)'), 2)} | ${fmt(ratio(runs, id, 'kubetrail --engine duckdb (Parquet)', 'kubetrail'), 2)} |`,
    );
  }
  return out;
}

async function memoryCheck(
  runner: string,
  queries: readonly BenchQuery[],
  seed: number,
  secondSize: number,
  trailSize: number,
  runs: readonly Run[],
): Promise<string[]> {
  const small = await ensureData(DATA, seed, secondSize, trailSize, log);
  const out = [
    `Memory at two sizes (kubetrail peak RSS, audit ${sizeLabel(secondSize)} vs the full size):`,
    '',
    '| query | tool | RSS MB small | RSS MB full | growth |',
    '|---|---|---:|---:|---:|',
  ];
  for (const q of queries.filter((x) => x.input !== 'trail')) {
    for (const v of q.variants) {
      const big = find(runs, q.id, v.label);
      if (big?.m.peakRss === undefined) continue;
      const r = await runKubetrail(runner, q, q.input === 'auditGz' ? small.auditGz : small.audit, v.workers);
      const s = r.m.peakRss;
      if (s === undefined) continue;
      out.push(
        `| ${q.id} | ${v.label} | ${fmt(s / MB, 0)} | ${fmt(big.m.peakRss / MB, 0)} | ${fmt(((big.m.peakRss - s) / s) * 100, 0)}% |`,
      );
    }
  }
  return out;
}

await main();
