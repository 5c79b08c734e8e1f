/**
 * The spill store of temporary files that `query()` and the CLI give the
 * engine (which does no I/O itself; see `SpillStore`).
 *
 * Each store makes one directory, `kubetrail-spill-XXXXXX`, under
 * `os.tmpdir()` or the `tempDir` option, on its first run; `dispose`
 * removes it. A run disposes its store when it ends, fails or is cancelled,
 * and every directory still present when the process exits (also after
 * SIGINT, which the CLI turns into a cancel) is removed by an `exit`
 * handler.
 *
 * @module
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { SpillRun, SpillRunWriter, SpillStore } from './query/spill.js';

/**
 * Options of {@link createFileSpillStore}.
 *
 * @example
 * ```ts
 * import { compileQuery, createFileSpillStore, type FileSpillStoreOptions, readLogs } from 'kubetrail/engine';
 * const options: FileSpillStoreOptions = { tempDir: '/var/tmp' }; // a disk with room rather than a small tmpfs
 * const q = compileQuery('sort @message', { memoryBudgetBytes: 1 << 20, spill: () => createFileSpillStore(options) });
 * const { rows } = await q.run(readLogs('samples/incident/'));
 * ```
 */
export interface FileSpillStoreOptions {
  /** The directory for temporary files. @defaultValue `os.tmpdir()` */
  readonly tempDir?: string | undefined;
}

const live = new Set<string>();
let exitHookInstalled = false;

function removeAll(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

/**
 * Pending text is written once it reaches this many UTF-16 units. A stats
 * spill writes 16 partitions at once (32 when a partition is split again),
 * so this is per run times 16: at 1 Mi units the pending lines of a spill
 * were as big as the groups being spilled (13 MB of 128 in a heap snapshot).
 */
const WRITE_UNITS = 1 << 16;
/** Bytes read at a time (a merge reads up to 64 runs at once). */
const READ_BYTES = 1 << 16;

/**
 * Makes a spill store of temporary files.
 *
 * @example
 * ```ts
 * const q = compileQuery('stats count(*) by auditID', { spill: () => createFileSpillStore({ tempDir: '/var/tmp' }) });
 * ```
 */
export function createFileSpillStore(options: FileSpillStoreOptions = {}): SpillStore {
  let dir: string | undefined;
  let next = 0;
  const directory = (): string => {
    if (dir === undefined) {
      if (!exitHookInstalled) {
        process.once('exit', removeAll);
        exitHookInstalled = true;
      }
      dir = mkdtempSync(join(options.tempDir ?? tmpdir(), 'kubetrail-spill-'));
      live.add(dir);
    }
    return dir;
  };
  return {
    createRun(): SpillRunWriter {
      const path = join(directory(), `run-${next++}`);
      const fd = openSync(path, 'w');
      let pending: string[] = [];
      let units = 0;
      let count = 0;
      const flush = (): void => {
        if (pending.length === 0) return;
        writeSync(fd, pending.join(''));
        pending = [];
        units = 0;
      };
      return {
        write(line) {
          pending.push(line, '\n');
          units += line.length + 1;
          count++;
          if (units >= WRITE_UNITS) flush();
        },
        finish(): SpillRun {
          flush();
          closeSync(fd);
          return {
            count,
            read: () => readLines(path),
            remove: () => rmSync(path, { force: true }),
          };
        },
      };
    },
    dispose() {
      if (dir === undefined) return;
      rmSync(dir, { recursive: true, force: true });
      live.delete(dir);
      dir = undefined;
    },
  };
}

function* readLines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, READ_BYTES, null);
      if (n === 0) break;
      const text = carry + decoder.write(buffer.subarray(0, n));
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        yield text.slice(start, nl);
        start = nl + 1;
      }
      carry = text.slice(start);
    }
    carry += decoder.end();
    if (carry.length > 0) yield carry;
  } finally {
    closeSync(fd);
  }
}
