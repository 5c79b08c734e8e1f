/**
 * Detection across partitions equals detection on one thread: the same
 * findings (counts, samples, first/last seen, suppression counts, order),
 * the same statistics, and the same error. The partitions run on the calling
 * thread (`inProcessExecutor`: the `runPartition` a worker thread runs, its
 * results passed through `structuredClone` as a thread hand-over does), over
 * NDJSON files cut into whole-file and byte-range partitions. The events are
 * generated audit and CloudTrail events (values drawn from the catalogue's
 * literals) mixed with events of the bundled incident (samples/incident),
 * with broken lines, over the whole catalogue, disabled detections included.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { inProcessExecutor } from '../../src/parallel/executor.js';
import { readLogs } from '../../src/read/index.js';
import { type DetectLogsOptions, detectLogsWith } from '../../src/run/detect-logs.js';
import { eventArb } from './generated-events.js';

const dir = mkdtempSync(join(tmpdir(), 'kubetrail-detect-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let runNo = 0;

const NOW = Date.UTC(2024, 4, 15);
const incident = { 'kubernetes-audit': [] as string[], cloudtrail: [] as string[] };

beforeAll(async () => {
  for await (const e of readLogs(['samples/incident/'], { onError: 'skip' }))
    if (e.kind === 'kubernetes-audit' || e.kind === 'cloudtrail') incident[e.kind].push(e.message);
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

/** One line: a generated event, an incident event (by index, modulo the set), or now and then a broken line. */
const lineArb = (kind: 'kubernetes-audit' | 'cloudtrail') =>
  fc.oneof(
    { weight: 6, arbitrary: eventArb(kind).map((e) => ({ text: JSON.stringify(e.record) })) },
    { weight: 3, arbitrary: fc.nat().map((i) => ({ incident: i })) },
    { weight: 1, arbitrary: fc.constant({ text: '{"broken' }) },
  );
type Line = { text: string } | { incident: number };

const fileArb = (kind: 'kubernetes-audit' | 'cloudtrail') =>
  fc.record({ kind: fc.constant(kind), lines: fc.array(lineArb(kind), { minLength: 1, maxLength: 120 }) });

function write(n: number, kind: 'kubernetes-audit' | 'cloudtrail', lines: readonly Line[]): string {
  const file = join(dir, `${kind}-${runNo}-${n}.ndjson`);
  const source = incident[kind];
  const text = lines.map((l) => ('text' in l ? l.text : (source[l.incident % source.length] as string)));
  writeFileSync(file, `${text.join('\n')}\n`);
  return file;
}

describe('detection across partitions equals one thread', () => {
  test.prop(
    [
      // several files of each kind, in any order
      fc.array(fc.oneof(fileArb('kubernetes-audit'), fileArb('cloudtrail')), { minLength: 2, maxLength: 4 }),
      fc.integer({ min: 2_000, max: 40_000 }),
      fc.constantFrom<'skip' | 'throw'>('skip', 'skip', 'throw'),
      fc.boolean(),
      fc.constantFrom(1, 3, 1000),
      fc.constantFrom<'none' | 'missing' | 'bad-gzip'>('none', 'missing', 'bad-gzip'),
    ],
    { numRuns: 10, seed: 42, endOnFailure: true },
  )(
    'findings, statistics and errors, whole catalogue',
    async (files, rangeBytes, onError, allow, samples, bad) => {
      runNo++;
      const paths = files.map((f, i) => write(i, f.kind, f.lines));
      // a bad file: one that is not there (the inputs cannot be planned: one thread reports it),
      // or a gzip file that is not gzip (a file fault inside a partition)
      if (bad === 'missing') paths.push(join(dir, `missing-${runNo}.ndjson`));
      if (bad === 'bad-gzip') {
        paths.push(join(dir, `bad-${runNo}.ndjson.gz`));
        writeFileSync(paths.at(-1) as string, 'not gzip\n');
      }
      const options: DetectLogsOptions = {
        now: NOW,
        onError,
        sampleLimit: samples,
        includeEmpty: true,
        filter: { includeDisabled: true },
        ...(allow
          ? { allowLists: { cidrs: ['10.0.0.0/8', '192.168.0.0/16'], userAgents: ['kubectl/*'] } }
          : {}),
      };
      const one = await settle(detectLogsWith(paths, options, undefined));
      const fallbacks: string[] = [];
      const many = await settle(
        detectLogsWith(paths, options, {
          executor: inProcessExecutor(),
          rangeBytes,
          onFallback: (r) => fallbacks.push(r),
        }),
      );
      expect(many).toEqual(one);
      // only a run that fails goes to one thread (a broken line or a bad file under onError 'throw'),
      // and a missing file, which the partition plan cannot list
      if (one.ok && bad !== 'missing') expect(fallbacks).toEqual([]);
    },
  );
});
