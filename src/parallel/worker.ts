/**
 * The worker thread of {@link workerExecutor}: runs the partition tasks it
 * is sent, one at a time, and replies with their outcomes.
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import type { PartitionOutcome, PartitionTask } from './partition-task.js';
import { runPartition } from './run-partition.js';

parentPort?.on('message', async ({ id, task }: { id: number; task: PartitionTask }) => {
  let outcome: PartitionOutcome;
  try {
    outcome = { ok: true, result: await runPartition(task) };
  } catch (e) {
    outcome = { ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  parentPort?.postMessage({ id, outcome });
});
