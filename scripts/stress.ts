// `npm run stress`: issue 16's F1 reproducers at full size. Writes N audit
// events with distinct auditIDs (default 1,000,000; `--events N`), runs every
// buffering command over them in a child process of the built CLI (dist/),
// and prints a table of peak RSS per case. Every case must give its typed
// result and stay under 256 MB RSS; the exit code is 1 when one does not.
// `--only <substring>` runs the matching cases; `--timeout <s>` caps each (default 600).
// `--cli <path>` runs another build's dist/cli/main.js (for before/after pairs);
// `--data <dir>` keeps the input there (`<dir>/audit-N.ndjson.gz`, made once,
// e.g. bench-data/) instead of a temporary directory. `--help` prints this.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  HOSTILE_CASES,
  RSS_BOUND_MB,
  runMeasured,
  scratchDir,
  writeDistinctAudit,
} from '../test/hostile/memory-harness.js';

function argOf(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

if (process.argv.includes('--help')) {
  process.stdout.write(
    [
      'usage: npx tsx scripts/stress.ts [--events N] [--only SUBSTRING] [--timeout S] [--cli PATH] [--data DIR]',
      '  --events N          distinct auditIDs in the input (default 1000000)',
      '  --only SUBSTRING    run only the cases whose name contains it',
      '  --timeout S         stop a case after S seconds (default 600)',
      '  --cli PATH          the CLI to run (default dist/cli/main.js of this checkout)',
      '  --data DIR          keep the input in DIR/audit-N.ndjson.gz and reuse it (default: a temporary directory)',
      '',
      'cases:',
      ...HOSTILE_CASES.map((c) => `  ${c.name}`),
      '',
    ].join('\n'),
  );
  process.exit(0);
}

const n = Number(argOf('events') ?? '1000000');
const only = argOf('only');
const timeoutS = Number(argOf('timeout') ?? '600');
const root = fileURLToPath(new URL('../', import.meta.url));
const cli = argOf('cli');
const main =
  cli === undefined ? fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)) : resolve(cli);
const dataDir = argOf('data');

/** The input file: made in a temporary directory, or once in `--data`'s directory and reused. */
async function inputFile(dir: string): Promise<string> {
  const started = performance.now();
  let path: string;
  if (dataDir === undefined) path = await writeDistinctAudit(dir, n);
  else {
    path = join(resolve(dataDir), `audit-${n}.ndjson.gz`);
    if (existsSync(path)) {
      process.stdout.write(`reusing ${n} events with distinct auditIDs\n\n`);
      return path;
    }
    mkdirSync(resolve(dataDir), { recursive: true });
    // copied beside the target and renamed, so an interrupted run leaves no partial file to reuse
    copyFileSync(await writeDistinctAudit(dir, n), `${path}.partial`);
    renameSync(`${path}.partial`, path);
  }
  process.stdout.write(
    `wrote ${n} events with distinct auditIDs in ${((performance.now() - started) / 1000).toFixed(1)} s\n\n`,
  );
  return path;
}

const dir = scratchDir('kubetrail-stress-');
try {
  const input = await inputFile(dir);
  process.stdout.write(
    '| case | result | peak RSS (MB) | time (s) | CPU user+sys (s) |\n|---|---|---:|---:|---:|\n',
  );
  let failed = 0;
  for (const c of HOSTILE_CASES) {
    if (only !== undefined && !c.name.includes(only)) continue;
    const t0 = performance.now();
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), timeoutS * 1000);
    const run = await runMeasured(main, [...c.args(n, input), input, '--quiet'], root, timer.signal);
    clearTimeout(timeout);
    const seconds = (performance.now() - t0) / 1000;
    const problem = timer.signal.aborted ? `stopped after ${timeoutS} s` : c.check(run, n);
    const over = run.peakRssMb >= RSS_BOUND_MB;
    if (problem !== undefined || over) failed++;
    // (the first line of a problem: the table stays one row a case)
    const result =
      problem?.split('\n', 1)[0] ??
      (over ? `over ${RSS_BOUND_MB} MB` : `ok (${run.stdoutLines} rows, exit ${run.code})`);
    process.stdout.write(
      `| \`${c.name.replaceAll('|', '\\|')}\` | ${result.replaceAll('|', '\\|')} | ${run.peakRssMb.toFixed(0)} | ${seconds.toFixed(1)} | ${run.cpuSeconds.toFixed(1)} |\n`,
    );
  }
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
