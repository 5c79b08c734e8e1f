/**
 * Benchmark data: deterministic generated inputs, cached in `bench-data/` by
 * seed and size (a file is reused when its name matches; generation writes to
 * a temporary name and renames, so an interrupted run leaves no half file).
 *
 * @module
 */
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { generateAuditNdjson, generateCloudTrailRecordsFile } from '../samples/generate.js';

/** The files one benchmark size uses. */
export interface BenchData {
  readonly audit: string;
  readonly auditGz: string;
  readonly trail: string;
  readonly auditBytes: number;
  readonly auditEvents: number;
  readonly trailBytes: number;
  readonly trailEvents: number;
}

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/**
 * Reads a size such as `1GiB`, `64MiB`, `200MB` or `5000000`.
 *
 * @example
 * ```ts
 * parseSize('64MiB') //=> 67108864
 * ```
 */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = UNITS[(m?.[2] ?? '').toLowerCase() || 'b'];
  if (m === null || unit === undefined)
    throw new Error(`cannot read the size "${text}" (try 1GiB, 64MiB, 200MB)`);
  return Math.round(Number(m[1]) * unit);
}

/**
 * Formats a byte count for file names and tables.
 *
 * @example
 * ```ts
 * sizeLabel(67108864) //=> '64MiB'
 * ```
 */
export function sizeLabel(bytes: number): string {
  if (bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3}GiB`;
  if (bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}MiB`;
  if (bytes % 1e6 === 0) return `${bytes / 1e6}MB`;
  return `${bytes}B`;
}

function countLines(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => {
        const b = chunk as Buffer;
        for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
      })
      .on('end', () => resolve(n))
      .on('error', reject);
  });
}

function generate(
  file: string,
  gen: typeof generateAuditNdjson,
  seed: number,
  targetBytes: number,
  log: (line: string) => void,
): void {
  if (existsSync(file)) return;
  log(`generating ${file} …`);
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  const result = gen({ seed, targetBytes, write: (chunk) => writeSync(fd, chunk) });
  closeSync(fd);
  renameSync(tmp, file);
  log(`  ${result.records} records, ${result.bytes} bytes`);
}

/**
 * Makes (or reuses) the audit NDJSON of `auditBytes`, its gzip, and a
 * CloudTrail `{"Records":[…]}` file of `trailBytes`.
 *
 * @example
 * ```ts
 * const data = await ensureData('bench-data', 1, 64 * 1024 ** 2, 64 * 1024 ** 2, () => {});
 * ```
 */
export async function ensureData(
  dir: string,
  seed: number,
  auditBytes: number,
  trailBytes: number,
  log: (line: string) => void,
): Promise<BenchData> {
  mkdirSync(dir, { recursive: true });
  const audit = join(dir, `audit-${seed}-${sizeLabel(auditBytes)}.ndjson`);
  const auditGz = `${audit}.gz`;
  const trail = join(dir, `cloudtrail-${seed}-${sizeLabel(trailBytes)}.json`);
  generate(audit, generateAuditNdjson, seed, auditBytes, log);
  if (!existsSync(auditGz)) {
    log(`compressing ${auditGz} …`);
    await pipeline(createReadStream(audit), createGzip({ level: 6 }), createWriteStream(`${auditGz}.tmp`));
    renameSync(`${auditGz}.tmp`, auditGz);
  }
  generate(trail, generateCloudTrailRecordsFile, seed, trailBytes, log);
  return {
    audit,
    auditGz,
    trail,
    auditBytes: statSync(audit).size,
    auditEvents: await countLines(audit),
    trailBytes: statSync(trail).size,
    // one record per top-level element: the generator writes `},{` only between records
    trailEvents: await countRecords(trail),
  };
}

/** Counts the records of a generated Records file (its records never contain `"eventVersion"` twice). */
function countRecords(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const needle = Buffer.from('"eventVersion"');
    let n = 0;
    let tail = Buffer.alloc(0);
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => {
        const b = Buffer.concat([tail, chunk as Buffer]);
        let at = b.indexOf(needle);
        let last = -1;
        while (at >= 0) {
          n++;
          last = at;
          at = b.indexOf(needle, at + 1);
        }
        const keep = Math.max(last + 1, b.length - needle.length + 1);
        tail = b.subarray(keep);
      })
      .on('end', () => resolve(n))
      .on('error', reject);
  });
}

/** Makes the directory of the benchmark data. */
export function benchDir(root: string): string {
  const dir = join(root, 'bench-data');
  mkdirSync(dir, { recursive: true });
  return dir;
}
