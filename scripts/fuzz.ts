// `npm run fuzz -- --minutes N`: issue 16's fuzz campaign (test/fuzz/campaign.ts)
// for N minutes (default 1): fuzzed queries, the readers over the mutated
// fixture corpus, and mutated rules files, in turn. The cases run in a child
// process; when one gives no answer within `--hang-seconds` (default 30) the
// child is killed, the case is counted as a hang, and a new child goes on
// with the next case (a child that dies in a case, e.g. out of memory, counts
// that case as failed). Prints a summary table and the failures with the
// arguments that replay them; exits 1 when a case threw an untyped exception,
// broke an invariant or hung.
//
//   --seed S           campaign seed (default 1); a case is (seed, target, index)
//   --targets a,b      some of query, reader, rules (default all)
//   --replay t:i       run one case and print its result
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type CaseResult,
  createFuzzContext,
  emptySummary,
  FUZZ_TARGETS,
  type FuzzTarget,
  formatSummary,
  runCase,
  tally,
} from '../test/fuzz/campaign.js';

interface Job {
  readonly seed: number;
  readonly targets: readonly FuzzTarget[];
  /** Next index per target. */
  readonly start: Record<FuzzTarget, number>;
}

type Message = { kind: 'start'; target: FuzzTarget; index: number } | { kind: 'done'; result: CaseResult };

function argOf(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

async function workerMain(job: Job): Promise<void> {
  const ctx = await createFuzzContext();
  const next = { ...job.start };
  try {
    for (;;) {
      for (const target of job.targets) {
        const index = next[target]++;
        process.send?.({ kind: 'start', target, index } satisfies Message);
        const result = await runCase(ctx, job.seed, target, index);
        process.send?.({ kind: 'done', result } satisfies Message);
      }
    }
  } finally {
    ctx.dispose();
  }
}

async function main(): Promise<void> {
  const minutes = Number(argOf('minutes') ?? '1');
  const seed = Number(argOf('seed') ?? '1');
  const hangMs = Number(argOf('hang-seconds') ?? '30') * 1000;
  const targets = (argOf('targets')?.split(',') ?? [...FUZZ_TARGETS]) as FuzzTarget[];
  for (const t of targets) if (!FUZZ_TARGETS.includes(t)) throw new Error(`unknown target ${t}`);
  const replay = argOf('replay');
  if (replay !== undefined) {
    const [target, index] = replay.split(':') as [FuzzTarget, string];
    const ctx = await createFuzzContext();
    try {
      const r = await runCase(ctx, seed, target, Number(index));
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      process.exitCode = r.outcome === 'untyped' || r.outcome === 'violation' ? 1 : 0;
    } finally {
      ctx.dispose();
    }
    return;
  }

  const summary = emptySummary();
  const start = { query: 0, reader: 0, rules: 0 } as Record<FuzzTarget, number>;
  const deadline = Date.now() + minutes * 60_000;
  const began = Date.now();
  let lastReport = began;
  while (Date.now() < deadline) {
    // a child process of this script (with tsx's loader, inherited in execArgv) runs the cases
    const worker = fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, KUBETRAIL_FUZZ_JOB: JSON.stringify({ seed, targets, start } satisfies Job) },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let current: { target: FuzzTarget; index: number } | undefined;
    let timer: NodeJS.Timeout | undefined;
    let answered = false;
    const ended = await new Promise<'hang' | 'deadline' | 'exit'>((resolve) => {
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => resolve('hang'), hangMs);
      };
      arm();
      const stop = setTimeout(() => resolve('deadline'), Math.max(0, deadline - Date.now()));
      worker.on('message', (m: Message) => {
        answered = true;
        if (m.kind === 'start') {
          current = { target: m.target, index: m.index };
          start[m.target] = m.index + 1;
          arm();
        } else {
          current = undefined;
          tally(summary, m.result);
          if (Date.now() - lastReport > 60_000) {
            lastReport = Date.now();
            const n = FUZZ_TARGETS.reduce((k, t) => k + summary[t].cases, 0);
            process.stderr.write(`${((Date.now() - began) / 60_000).toFixed(1)} min: ${n} cases\n`);
          }
        }
      });
      worker.on('error', (e) => {
        process.stderr.write(`worker error: ${e instanceof Error ? e.stack : String(e)}\n`);
        resolve('exit');
      });
      worker.on('exit', () => {
        clearTimeout(stop);
        resolve('exit');
      });
    });
    clearTimeout(timer);
    if (worker.exitCode === null && worker.signalCode === null) {
      worker.kill('SIGKILL');
      await new Promise((resolve) => worker.once('exit', resolve));
    }
    if (ended === 'hang' && current !== undefined) {
      const s = summary[current.target];
      s.cases++;
      s.hangs++;
      if (s.failures.length < 20)
        s.failures.push({
          target: current.target,
          index: current.index,
          outcome: 'untyped',
          codes: [],
          detail: `no answer within ${hangMs / 1000} s (hang)`,
          ms: hangMs,
        });
    } else if (ended === 'exit' && current !== undefined) {
      // the worker died inside a case (out of memory, a native crash): that case failed
      tally(summary, {
        target: current.target,
        index: current.index,
        outcome: 'untyped',
        codes: [],
        detail: 'the worker died in this case',
        ms: 0,
      });
    }
    if (ended === 'deadline') break;
    if (!answered) throw new Error('the fuzz worker did not start');
  }
  const seconds = (Date.now() - began) / 1000;
  process.stdout.write(
    `fuzz campaign: seed ${seed}, ${(seconds / 60).toFixed(1)} min, targets ${targets.join(', ')}\n\n${formatSummary(summary, seed)}\n`,
  );
  const bad = FUZZ_TARGETS.some((t) => summary[t].untyped + summary[t].violations + summary[t].hangs > 0);
  process.exitCode = bad ? 1 : 0;
}

const job = process.env.KUBETRAIL_FUZZ_JOB;
if (job === undefined) await main();
else {
  await workerMain(JSON.parse(job) as Job);
}
