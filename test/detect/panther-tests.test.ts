/**
 * Panther's embedded rule-test events (../shared/corpus/panther-analysis-tests/)
 * give the expected result for every ported rule: each test event, with
 * Panther's p_* enrichment fields stripped, must produce a row exactly when
 * Panther's ExpectedResult is True.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BUILT_IN_DETECTIONS } from '../../src/detect/catalogue/index.js';
import { runDetections } from '../../src/detect/run.js';
import type { LogEvent } from '../../src/log-event.js';

const corpus = new URL('../../../shared/corpus/panther-analysis-tests/', import.meta.url);
const files: Record<string, string[]> = {};
const lineOf = (file: string, n: number): string => {
  files[file] ??= readFileSync(new URL(file, corpus), 'utf8').split('\n');
  return files[file][n - 1] ?? '';
};

function strip(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (!k.startsWith('p_')) out[k] = v;
  return out;
}

function toEvent(file: string, line: number): LogEvent {
  const record = strip(JSON.parse(lineOf(file, line)) as Record<string, unknown>);
  const time = record.eventTime ?? record.stageTimestamp ?? record.requestReceivedTimestamp;
  const ts =
    typeof time === 'string' ? Date.parse(time.includes('T') ? time : `${time.replace(' ', 'T')}Z`) : 0;
  return {
    timestamp: Number.isFinite(ts) ? ts : 0,
    message: JSON.stringify(record),
    kind: file.startsWith('cloudtrail') ? 'cloudtrail' : 'kubernetes-audit',
    record,
    source: { file, line },
  };
}

const manifest = readFileSync(new URL('manifest.csv', corpus), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((row) => {
    // corpus_file,line,source_path,rule_id,test_name,expected_result (test names may contain commas)
    const cells = row.trimEnd().split(',');
    return {
      file: cells[0]!,
      line: Number(cells[1]),
      rule: cells[3]!,
      name: cells.slice(4, -1).join(','),
      expected: cells.at(-1) === 'True',
    };
  });

const ported = BUILT_IN_DETECTIONS.filter((d) => d.pantherRule !== undefined);
const cases = ported.flatMap((d) =>
  manifest.filter((m) => m.rule === d.pantherRule).map((m) => [d.pantherRule!, m.name, d, m] as const),
);

describe('Panther rule tests for ported rules', () => {
  test('every ported rule has test events', () => {
    for (const d of ported)
      expect(
        manifest.some((m) => m.rule === d.pantherRule),
        d.id,
      ).toBe(true);
  });

  test.each(cases)('%s: %s', async (_rule, _name, detection, m) => {
    const findings = await runDetections([toEvent(m.file, m.line)], { detections: [detection], now: 0 });
    expect(findings.length > 0).toBe(m.expected);
  });
});
