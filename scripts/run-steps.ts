/**
 * `npm test`: runs package.json scripts in phases, the scripts of a phase at
 * the same time, and exits non-zero when any of them fails.
 *
 * A phase starts once every script of the one before it has passed; a failure
 * stops the run after its phase (like the `&&` chain this replaces, minus the
 * order inside a phase). The output stays grouped by script, in the order
 * given: the first unfinished script of the phase prints as it runs, the
 * others are held back and printed whole when their turn comes. A summary
 * line per script (status and wall seconds) ends the run.
 *
 * Why: the checks before the tests (lint, typecheck, check:architecture,
 * build) are mostly one thread each, so one after another they left one of two
 * cores idle; and test:package needs only the build, not the tests. See
 * docs/performance.md.
 *
 * Usage: `tsx scripts/run-steps.ts lint typecheck then test:unit test:package`
 * (`then` separates the phases; every other word is a script of package.json).
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** The word that separates two phases on the command line. */
const THEN = 'then';

/** One script's run: its output so far and, once it has ended, its exit code and time. */
interface Step {
  readonly name: string;
  readonly chunks: Buffer[];
  code?: number;
  seconds?: number;
}

/** Splits the command line into phases of script names; an unknown name or an empty phase is an error. */
function parsePhases(args: readonly string[], scripts: Readonly<Record<string, unknown>>): string[][] {
  const phases: string[][] = [[]];
  for (const arg of args) {
    if (arg === THEN) phases.push([]);
    else if (typeof scripts[arg] === 'string') phases[phases.length - 1]?.push(arg);
    else throw new Error(`run-steps: package.json has no script "${arg}"`);
  }
  if (phases.some((p) => p.length === 0)) throw new Error(`run-steps: an empty phase in: ${args.join(' ')}`);
  return phases;
}

/** Runs the scripts of one phase at once; resolves when all have ended. */
async function runPhase(names: readonly string[]): Promise<Step[]> {
  const steps: Step[] = names.map((name) => ({ name, chunks: [] }));
  let shown = 0; // the index of the step whose output goes straight to stdout
  const advance = (): void => {
    while (shown < steps.length) {
      const step = steps[shown] as Step;
      for (const chunk of step.chunks.splice(0)) process.stdout.write(chunk);
      if (step.code === undefined) return;
      shown++;
    }
  };
  await Promise.all(
    steps.map(
      (step, i) =>
        new Promise<void>((resolve) => {
          const started = performance.now();
          const child = spawn(NPM, ['run', step.name], {
            cwd: ROOT,
            stdio: ['ignore', 'pipe', 'pipe'],
            shell: process.platform === 'win32',
          });
          const take = (chunk: Buffer): void => {
            if (i === shown) process.stdout.write(chunk);
            else step.chunks.push(chunk);
          };
          child.stdout.on('data', take);
          child.stderr.on('data', take);
          const end = (code: number): void => {
            if (step.code !== undefined) return;
            step.code = code;
            step.seconds = (performance.now() - started) / 1000;
            advance();
            resolve();
          };
          child.on('error', (error) => {
            take(Buffer.from(`run-steps: could not start npm run ${step.name}: ${error.message}\n`));
            end(1);
          });
          child.on('close', (code, signal) => end(code ?? (signal === null ? 1 : 128)));
        }),
    ),
  );
  return steps;
}

async function main(): Promise<number> {
  const manifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
    scripts?: Record<string, unknown>;
  };
  const phases = parsePhases(process.argv.slice(2), manifest.scripts ?? {});
  const done: Step[] = [];
  let failed = false;
  for (const phase of phases) {
    done.push(...(await runPhase(phase)));
    if (done.some((s) => s.code !== 0)) {
      failed = true;
      break;
    }
  }
  const skipped = phases.flat().slice(done.length);
  process.stdout.write('\nrun-steps:\n');
  for (const s of done) {
    process.stdout.write(
      `  ${s.code === 0 ? 'ok  ' : 'FAIL'} ${s.name} (${(s.seconds ?? 0).toFixed(1)} s)\n`,
    );
  }
  for (const name of skipped) process.stdout.write(`  skip ${name} (an earlier step failed)\n`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
