/**
 * F3, F5: a directory walk never stops early. An unreadable directory or
 * file is skipped, counted and located, and the walk goes on; symlinks are
 * followed with a loop guard; dot-files and special files are skipped and
 * counted. `KUBETRAIL_HOSTILE_SCALE` scales the tree.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { InputError, type ReadLogsOptions, readLogs } from '../../src/read/index.js';
import type { WalkFs } from '../../src/read/sources.js';
import { query } from '../../src/run/index.js';
import { expectConserved } from '../read/conservation.js';
import { hostileScale } from './scale.js';

const tmp = mkdtempSync(join(tmpdir(), 'kubetrail-walk-'));
afterAll(() => {
  chmodAll(tmp);
  rmSync(tmp, { recursive: true, force: true });
});

function chmodAll(dir: string): void {
  try {
    chmodSync(dir, 0o755);
  } catch {
    // gone already
  }
}

const line = (id: string): string =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    auditID: id,
    verb: 'get',
    stage: 'ResponseComplete',
  });

/** dir/{a.ndjson, m/ (unreadable), z.ndjson}, with `n` records per file. */
function tree(name: string, n: number): { root: string; bad: string } {
  const root = join(tmp, name);
  mkdirSync(join(root, 'm'), { recursive: true });
  const body = (p: string) => Array.from({ length: n }, (_, i) => line(`${p}-${i}`)).join('\n');
  writeFileSync(join(root, 'a.ndjson'), body('a'));
  writeFileSync(join(root, 'm', 'inside.ndjson'), body('m'));
  writeFileSync(join(root, 'z.ndjson'), body('z'));
  return { root, bad: join(root, 'm') };
}

/** A file system whose `opendir` and `stat` fail with EACCES on the given paths (root ignores chmod). */
function denying(paths: readonly string[]): WalkFs {
  const deny = (p: string) => {
    if (paths.includes(p))
      throw Object.assign(new Error(`EACCES: permission denied, ${p}`), { code: 'EACCES' });
  };
  return {
    async opendir(p) {
      deny(p);
      return opendir(p);
    },
    stat,
  };
}

async function readAll(input: string, options: ReadLogsOptions) {
  const reader = readLogs(input, options);
  let events = 0;
  let error: unknown;
  try {
    for await (const _ of reader) events++;
  } catch (e) {
    error = e;
  }
  expectConserved(reader.summary);
  return { events, error, summary: reader.summary };
}

const n = Math.max(1, hostileScale(10));
const isRoot = process.getuid?.() === 0;

describe('F3: an unreadable directory does not end the walk', () => {
  test('skipped, counted and located (fs seam: works as root too); the files after it are read', async () => {
    const { root, bad } = tree('seam', n);
    const { events, error, summary } = await readAll(root, { onError: 'skip', walkFs: denying([bad]) });
    expect(error).toBeUndefined();
    expect(events).toBe(2 * n); // a.ndjson and z.ndjson
    expect(summary.fileFaults).toBe(1);
    expect(summary.fileFaultsByCode.unreadable_file).toBe(1);
    expect(summary.rejections).toEqual([
      expect.objectContaining({ code: 'unreadable_file', file: bad, level: 'file' }),
    ]);
    expect(summary.files.map((f) => f.file)).toEqual([join(root, 'a.ndjson'), bad, join(root, 'z.ndjson')]);
  });

  test('under onError "throw" (--strict) the walk stops with a typed, located error', async () => {
    const { root, bad } = tree('seam-strict', n);
    const { events, error } = await readAll(root, { walkFs: denying([bad]) });
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: 'unreadable_file', file: bad });
    expect(events).toBe(n);
  });

  test('the query API counts the fault as a file skipped, apart from records', async () => {
    const { root } = tree('query', n);
    const dangling = join(root, 'b-dangling.ndjson');
    symlinkSync(join(tmp, 'nowhere'), dangling);
    const result = await query(root, 'stats count(*) as c', { onError: 'skip' });
    expect(result.statistics.filesSkippedByReason).toEqual({ unreadable_file: 1 });
    expect(result.statistics.firstSkips?.[0]).toMatchObject({ code: 'unreadable_file', file: dangling });
    expect(result.statistics.recordsSkipped).toBe(0);
    expect(result.statistics.recordsScanned).toBe(result.rows[0]?.c);
  });

  test.skipIf(isRoot)(
    'chmod 000 on a real directory (skipped as root: root reads through mode 000)',
    async () => {
      const { root, bad } = tree('chmod', n);
      chmodSync(bad, 0);
      try {
        const { events, summary } = await readAll(root, { onError: 'skip' });
        expect(events).toBe(2 * n);
        expect(summary.fileFaultsByCode.unreadable_file).toBe(1);
      } finally {
        chmodAll(bad);
      }
    },
  );

  test('an unreadable file is skipped, counted and located too', async () => {
    const { root } = tree('file-seam', n);
    const badFile = join(root, 'a.ndjson');
    chmodSync(badFile, 0);
    try {
      const { events, summary } = await readAll(root, { onError: 'skip' });
      // root reads a mode-000 file; anyone else gets one file fault
      expect(events + summary.fileFaults * n).toBe(3 * n);
    } finally {
      chmodSync(badFile, 0o644);
    }
  });
});

describe('F5: symlinks and dot-files', () => {
  test('a symlink to a file or directory is followed; a loop is skipped and counted', async () => {
    const root = join(tmp, 'links');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'sub', 'x.ndjson'), line('x'));
    const outside = join(tmp, 'outside');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'y.ndjson'), line('y'));
    symlinkSync(outside, join(root, 'to-outside'));
    symlinkSync(join(outside, 'y.ndjson'), join(root, 'y-link.ndjson'));
    symlinkSync(root, join(root, 'sub', 'loop')); // back to the root
    symlinkSync(join(tmp, 'nowhere'), join(root, 'dangling.ndjson'));
    const { events, summary } = await readAll(root, { onError: 'skip' });
    expect(events).toBe(3); // sub/x, to-outside/y, y-link
    expect(summary.symlinksSkipped).toBe(1);
    expect(summary.fileFaultsByCode.unreadable_file).toBe(1); // the dangling link, located
    expect(summary.rejections[0]).toMatchObject({
      code: 'unreadable_file',
      file: join(root, 'dangling.ndjson'),
    });
  });

  test('dot-files are skipped and counted by default, read with includeDotFiles', async () => {
    const root = join(tmp, 'dots');
    mkdirSync(join(root, '.hidden'), { recursive: true });
    writeFileSync(join(root, '.a.ndjson'), line('a'));
    writeFileSync(join(root, '.hidden', 'b.ndjson'), line('b'));
    writeFileSync(join(root, 'c.ndjson'), line('c'));
    const skipped = await readAll(root, { onError: 'skip' });
    expect(skipped.events).toBe(1);
    expect(skipped.summary.dotFilesSkipped).toBe(2);
    const read = await readAll(root, { onError: 'skip', includeDotFiles: true });
    expect(read.events).toBe(3);
    expect(read.summary.dotFilesSkipped).toBe(0);
    const stats = await query(root, 'stats count(*) as c', { onError: 'skip' });
    expect(stats.statistics.filesSkippedByReason).toEqual({ dot_file: 2 });
  });
});
