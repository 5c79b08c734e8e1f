/**
 * Measures the cost of the reader's input checks on generated audit NDJSON:
 * a prefiltered scan (most lines dropped on their raw bytes, each now checked
 * for well-formedness) and a full-parse query (every line parsed; the
 * record-complexity scan only runs on records of 2 MB and more). Reports the
 * median CPU seconds of `--runs` runs of each query.
 *
 *   npx tsx scripts/bench-read-checks.ts [--size 128MiB] [--runs 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { query } from '../src/run/index.js';
import { ensureData, parseSize } from './bench/data.js';

const { values } = parseArgs({
  options: { size: { type: 'string', default: '128MiB' }, runs: { type: 'string', default: '3' } },
});
const dir = mkdtempSync(join(tmpdir(), 'kubetrail-read-checks-'));
try {
  const data = await ensureData(dir, 1, parseSize(String(values.size)), 1024, () => {});
  const queries = {
    prefiltered: 'filter objectRef.resource = "rolebindings" | stats count(*) as c',
    'full parse': 'stats count(*) as c by verb',
  };
  for (const [name, q] of Object.entries(queries)) {
    const times: number[] = [];
    let rows: unknown;
    for (let i = 0; i < Number(values.runs); i++) {
      const before = process.cpuUsage();
      rows = (await query(data.audit, q, { now: 0 })).rows;
      const used = process.cpuUsage(before);
      times.push((used.user + used.system) / 1e6);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] as number;
    process.stdout.write(
      `${name}: ${median.toFixed(2)} s CPU (runs ${times.map((t) => t.toFixed(2)).join(', ')}) over ${data.auditBytes} bytes; ${JSON.stringify(rows).slice(0, 60)}\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
