// `npm run stress`: issue 16's F1 reproducers at full size. Writes N audit
// events with distinct auditIDs (default 1,000,000; `--events N`), runs every
// buffering command over them in a child process of the built CLI (dist/),
// and prints a table of peak RSS per case. Every case must give its typed
// result and stay under 256 MB RSS; the exit code is 1 when one does not.
// `--only <substring>` runs the matching cases; `--timeout <s>` caps each (default 600).
import { rmSync } from 'node:fs';
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

const n = Number(argOf('events') ?? '1000000');
const only = argOf('only');
const timeoutS = Number(argOf('timeout') ?? '600');
const root = fileURLToPath(new URL('../', import.meta.url));
const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

const dir = scratchDir('kubetrail-stress-');
try {
  const started = performance.now();
  const input = await writeDistinctAudit(dir, n);
  process.stdout.write(
    `wrote ${n} events with distinct auditIDs in ${((performance.now() - started) / 1000).toFixed(1)} s\n\n`,
  );
  process.stdout.write('| case | result | peak RSS (MB) | time (s) |\n|---|---|---:|---:|\n');
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
      `| \`${c.name.replaceAll('|', '\\|')}\` | ${result.replaceAll('|', '\\|')} | ${run.peakRssMb.toFixed(0)} | ${seconds.toFixed(1)} |\n`,
    );
  }
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
