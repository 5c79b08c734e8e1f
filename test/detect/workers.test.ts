/**
 * Detection across partitions equals detection on one thread: the same
 * findings (counts, samples, first/last seen, suppression counts, order),
 * the same statistics, and the same error. The partitions run on the calling
 * thread (`inProcessExecutor`: the `runPartition` a worker thread runs, its
 * results passed through `structuredClone` as a thread hand-over does), over
 * NDJSON files cut into whole-file and byte-range partitions. The events are
 * drawn from the bundled incident (samples/incident), audit and CloudTrail.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { inProcessExecutor } from '../../src/parallel/executor.js';
import { readLogs } from '../../src/read/index.js';
import { type DetectLogsOptions, detectLogsWith } from '../../src/run/detect-logs.js';

const dir = mkdtempSync(join(tmpdir(), 'kubetrail-detect-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let runNo = 0;

const NOW = Date.UTC(2024, 4, 15);
const audit: string[] = [];
const trail: string[] = [];

beforeAll(async () => {
  for await (const e of readLogs(['samples/incident/'], { onError: 'skip' })) {
    if (e.kind === 'kubernetes-audit') audit.push(e.message);
    else if (e.kind === 'cloudtrail') trail.push(e.message);
  }
});

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

async function settle(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string };
    return { ok: false, error: { name: err.name, code: err.code, message: err.message } };
  }
}

/** Draws: which incident events (by index, taken modulo the set), a broken line or not, and where to cut. */
const pick = fc.array(
  fc.tuple(fc.nat(), fc.nat({ max: 40 }).map((n) => (n === 0 ? '{"broken' : undefined))),
  { minLength: 1, maxLength: 150 },
);

function write(name: string, source: readonly string[], picks: readonly [number, string | undefined][]): string {
  const file = join(dir, `${name}-${runNo}.ndjson`);
  const lines = picks.map(([i, noise]) => noise ?? (source[i % source.length] as string));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('detection across partitions equals one thread', () => {
  test.prop(
    [
      pick,
      pick,
      fc.integer({ min: 4_000, max: 60_000 }),
      fc.constantFrom<'skip' | 'throw'>('skip', 'skip', 'throw'),
      fc.boolean(),
      fc.constantFrom(1, 3, 1000),
    ],
    { numRuns: 6, seed: 42, endOnFailure: true },
  )('findings, statistics and errors', async (auditPicks, trailPicks, rangeBytes, onError, allow, samples) => {
    runNo++;
    const files = [write('audit', audit, auditPicks), write('trail', trail, trailPicks)];
    const options: DetectLogsOptions = {
      now: NOW,
      onError,
      sampleLimit: samples,
      ...(allow ? { allowLists: { cidrs: ['10.0.0.0/8', '192.168.0.0/16'], userAgents: ['kubectl/*'] } } : {}),
    };
    const one = await settle(detectLogsWith(files, options, undefined));
    const fallbacks: string[] = [];
    const many = await settle(
      detectLogsWith(files, options, {
        executor: inProcessExecutor(),
        rangeBytes,
        onFallback: (r) => fallbacks.push(r),
      }),
    );
    expect(many).toEqual(one);
    // only a run that fails on one thread goes there with workers (a broken line under onError 'throw')
    if (one.ok) expect(fallbacks).toEqual([]);
  });
});
