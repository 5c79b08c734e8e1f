/**
 * Runs a tool as a child process and measures it: wall time, CPU time and
 * peak RSS (from `/usr/bin/time -v`; without it only wall time).
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** One measured child run. */
export interface Measured {
  readonly stdout: string;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  /** Peak resident set size in bytes; `undefined` when it could not be read. */
  readonly peakRss: number | undefined;
  readonly exitCode: number;
  readonly stderr: string;
}

const TIME = '/usr/bin/time';

function field(text: string, name: string): number | undefined {
  const at = text.lastIndexOf(name);
  if (at < 0) return undefined;
  const m = /:\s*([\d.:]+)/.exec(text.slice(at + name.length, at + name.length + 40));
  return m === null ? undefined : Number(m[1]);
}

/**
 * Runs `command args…` and measures it.
 *
 * @example
 * ```ts
 * const m = await measure('jq', ['-c', '.', 'file.ndjson']);
 * ```
 */
export function measure(command: string, args: readonly string[]): Promise<Measured> {
  const timed = existsSync(TIME);
  const argv = timed ? ['-v', command, ...args] : [...args];
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(timed ? TIME : command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const stderr = Buffer.concat(err).toString('utf8');
      let cpuSeconds: number;
      let peakRss: number | undefined;
      if (timed) {
        cpuSeconds =
          (field(stderr, 'User time (seconds)') ?? 0) + (field(stderr, 'System time (seconds)') ?? 0);
        const kb = field(stderr, 'Maximum resident set size (kbytes)');
        peakRss = kb === undefined ? undefined : kb * 1024;
      } else {
        // without /usr/bin/time a child's CPU time and peak RSS cannot be read portably
        cpuSeconds = Number.NaN;
        peakRss = undefined;
      }
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        wallSeconds,
        cpuSeconds,
        peakRss,
        exitCode: code ?? -1,
        stderr: timed ? stderr.slice(0, stderr.indexOf('\tCommand being timed')) : stderr,
      });
    });
  });
}
