#!/usr/bin/env node
/**
 * The `kubetrail` command: wires the real process to {@link runCli}.
 *
 * @module
 */
import { limitHeapGrowth } from './heap.js';
import { runCli } from './run.js';

// before any work: V8 collects the garbage of spilled stages sooner (see heap.ts)
limitHeapGrowth(process.execArgv);

const controller = new AbortController();
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  controller.abort();
});

// `kubetrail … | head` closes stdout early: stop quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  now: Date.now,
  signal: controller.signal,
});
process.exitCode = interrupted ? 130 : code;
