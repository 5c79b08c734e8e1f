/**
 * Compares kubetrail's JSON readers with the `ndjson` and `stream-json`
 * packages on large generated files, as recorded in docs/performance.md
 * ("JSON readers: ndjson and stream-json"). Each contender turns the file
 * into parsed records (one `JSON.parse`d object per record) and counts them;
 * the counts must agree. Files are written to a temporary directory and
 * deleted afterwards.
 *
 *   npx tsx scripts/compare-json-readers.ts [--mb 150] [--runs 2]
 *
 * - NDJSON (audit events, one per line): kubetrail's line splitter
 *   (`src/read/line-splitter.ts`, the NDJSON fast path of
 *   `src/read/json-records.ts`) vs `ndjson.parse()` vs stream-json's JSONL
 *   parser; plus `readLogs` end to end (events built, for scale).
 * - One CloudTrail `{"Records":[…]}` document: kubetrail's byte scanner
 *   (`src/read/json-scanner.ts`) vs stream-json's `parser()` → `pick` →
 *   `streamArray()`.
 *
 * Reported per contender: the run with the least CPU time (the machine is
 * shared, so wall time mostly measures the neighbours), its wall time, and
 * throughput in MB of input per CPU second.
 *
 * @module
 */
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import ndjson from 'ndjson';
import { chain } from 'stream-chain';
import { pick } from 'stream-json/filters/pick.js';
import { parser as jsonlParser } from 'stream-json/jsonl/parser.js';
import { parser } from 'stream-json/parser.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { readLogs } from '../src/read/index.js';
import { createJsonScanner } from '../src/read/json-scanner.js';
import { createLineSplitter } from '../src/read/line-splitter.js';
import {
  DEFAULT_SEED,
  generateAuditNdjson,
  generateCloudTrailRecordsFile,
  type LargeOptions,
} from './samples/generate.js';

const { values } = parseArgs({
  options: { mb: { type: 'string', default: '150' }, runs: { type: 'string', default: '2' } },
});
const targetBytes = Math.round(Number(values.mb) * 1024 * 1024);
const runs = Math.max(1, Number(values.runs));
const MAX_LINE = 8 * 1024 * 1024;

function writeFile(path: string, generate: (opts: LargeOptions) => unknown): void {
  const fd = openSync(path, 'w');
  try {
    generate({ seed: DEFAULT_SEED, targetBytes, write: (chunk) => writeSync(fd, chunk) });
  } finally {
    closeSync(fd);
  }
}

const decoder = new TextDecoder();

/** kubetrail's line splitter, each line decoded and parsed. */
async function kubetrailLines(path: string): Promise<number> {
  let n = 0;
  const splitter = createLineSplitter({
    maxLineBytes: MAX_LINE,
    onTooLong: () => {
      throw new Error('line too long');
    },
    onLine: (bytes, start, end) => {
      if (end > start) {
        JSON.parse(decoder.decode(bytes.subarray(start, end)));
        n++;
      }
    },
  });
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }))
    splitter.push(chunk as Buffer);
  splitter.end();
  return n;
}

/** `readLogs` end to end: format detection, events built, prefilter off. */
async function kubetrailReadLogs(path: string): Promise<number> {
  let n = 0;
  for await (const _event of readLogs(path)) n++;
  return n;
}

/** The `ndjson` package (split2 + JSON.parse in a through2 stream). */
async function ndjsonParse(path: string): Promise<number> {
  let n = 0;
  const parse = ndjson.parse();
  parse.on('data', () => {
    n++;
  });
  await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), parse);
  return n;
}

/** stream-json's JSONL parser. */
async function streamJsonLines(path: string): Promise<number> {
  let n = 0;
  const pipe = chain([createReadStream(path, { highWaterMark: 1024 * 1024 }), jsonlParser()]);
  for await (const _item of pipe) n++;
  return n;
}

/** kubetrail's byte scanner: each element of Records cut out and parsed. */
async function kubetrailScanner(path: string): Promise<number> {
  let n = 0;
  const scanner = createJsonScanner({
    maxValueBytes: MAX_LINE,
    handlers: {
      onKey: (key) => (key === 'Records' ? 'elements' : 'continue'),
      onElement: (_key, bytes, start, end) => {
        JSON.parse(decoder.decode(bytes.subarray(start, end)));
        n++;
      },
      onDocument: () => {},
      onError: (code, line, offset) => {
        throw new Error(`${code} at ${line}:${offset}`);
      },
    },
  });
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }))
    scanner.push(chunk as Buffer);
  scanner.end();
  return n;
}

/** stream-json: tokens, picked under Records, assembled per element. */
async function streamJsonRecords(path: string): Promise<number> {
  let n = 0;
  const pipe = chain([
    createReadStream(path, { highWaterMark: 1024 * 1024 }),
    parser(),
    pick({ filter: 'Records' }),
    streamArray(),
  ]);
  for await (const _item of pipe) n++;
  return n;
}

interface Row {
  readonly name: string;
  readonly records: number;
  readonly wallMs: number;
  readonly cpuMs: number;
}

async function measure(name: string, path: string, read: (path: string) => Promise<number>): Promise<Row> {
  let best: Row | undefined;
  for (let i = 0; i < runs; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const records = await read(path);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const row = { name, records, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
    if (best === undefined || row.cpuMs < best.cpuMs) best = row;
  }
  return best as Row;
}

function report(title: string, bytes: number, rows: readonly Row[]): void {
  const mb = bytes / 1024 / 1024;
  process.stdout.write(`\n${title}: ${mb.toFixed(0)} MB, ${rows[0]?.records} records\n`);
  process.stdout.write(
    '| reader | CPU (least of runs) | wall | MB per CPU s | records |\n|---|---:|---:|---:|---:|\n',
  );
  for (const r of rows) {
    process.stdout.write(
      `| ${r.name} | ${(r.cpuMs / 1000).toFixed(2)} s | ${(r.wallMs / 1000).toFixed(2)} s | ${(mb / (r.cpuMs / 1000)).toFixed(0)} | ${r.records} |\n`,
    );
  }
  const counts = new Set(rows.filter((r) => !r.name.startsWith('readLogs')).map((r) => r.records));
  if (counts.size !== 1) {
    process.stderr.write(`record counts disagree: ${[...counts].join(', ')}\n`);
    process.exitCode = 1;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'kubetrail-readers-'));
try {
  const audit = join(dir, 'audit.ndjson');
  const trail = join(dir, 'records.json');
  writeFile(audit, generateAuditNdjson);
  writeFile(trail, generateCloudTrailRecordsFile);
  process.stdout.write(`node ${process.version}, ${runs} run(s) each\n`);
  report('NDJSON audit events', statSync(audit).size, [
    await measure('kubetrail line splitter + JSON.parse', audit, kubetrailLines),
    await measure('ndjson.parse()', audit, ndjsonParse),
    await measure('stream-json jsonl/parser', audit, streamJsonLines),
    await measure('readLogs (whole reader: events built)', audit, kubetrailReadLogs),
  ]);
  report('CloudTrail {"Records":[…]} document', statSync(trail).size, [
    await measure('kubetrail json-scanner + JSON.parse', trail, kubetrailScanner),
    await measure('stream-json parser → pick → streamArray', trail, streamJsonRecords),
    await measure('readLogs (whole reader: events built)', trail, kubetrailReadLogs),
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
