import { describe, expect, it } from 'vitest';
import { detectExecutor } from '../../src/parallel/detect-executor.js';
import type { PartitionExecutor } from '../../src/parallel/executor.js';
import type { PartitionOutcome, PartitionTask } from '../../src/parallel/partition-task.js';

/** An executor that answers each task with its file name as the error text, and records what it ran. */
function recording(ran: string[][], concurrency = 1): PartitionExecutor {
  return {
    concurrency,
    async run(tasks) {
      ran.push(tasks.map((t) => t.source.file));
      return tasks.map((t): PartitionOutcome => ({ ok: false, error: t.source.file }));
    },
  };
}

const tasks = (n: number): PartitionTask[] =>
  Array.from({ length: n }, (_, i) => ({
    query: { text: '', onError: 'throw', prefilter: false, split: 'detect', now: 0 },
    source: { file: `p${i}`, discovered: false },
  }));

describe('detectExecutor', () => {
  it('runs every n-th partition on this thread and the rest on n - 1 threads, outcomes in task order', async () => {
    const here: string[][] = [];
    const away: string[][] = [];
    const sizes: number[] = [];
    const executor = detectExecutor(
      3,
      (n) => {
        sizes.push(n);
        return recording(away, n);
      },
      recording(here),
    );
    expect(executor.concurrency).toBe(3);
    const out = await executor.run(tasks(7));
    expect(out.map((o) => (o.ok ? '' : o.error))).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    expect(here).toEqual([['p0', 'p3', 'p6']]);
    expect(away).toEqual([['p1', 'p2', 'p4', 'p5']]);
    expect(sizes).toEqual([2]);
  });

  it('keeps a single task, or a single thread, on this thread', async () => {
    const here: string[][] = [];
    const away: string[][] = [];
    await detectExecutor(2, () => recording(away), recording(here)).run(tasks(1));
    await detectExecutor(1, () => recording(away), recording(here)).run(tasks(3));
    expect(here).toEqual([['p0'], ['p0', 'p1', 'p2']]);
    expect(away).toEqual([]);
  });
});
