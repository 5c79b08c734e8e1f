import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import {
  buildSampleTree,
  DEFAULT_SEED,
  generateAuditNdjson,
  generateCloudTrailRecordsFile,
} from '../../scripts/samples/generate.js';

const samplesDir = new URL('../../samples/', import.meta.url).pathname;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * The content hash of a file: gzip files are compared by their decompressed
 * bytes plus their header, because the deflate stream itself may legitimately
 * differ between zlib builds (the committed files were written by one build;
 * CI may run another). Truncated gzip fixtures are compared raw.
 */
function contentHash(path: string, data: Buffer): string {
  if (path.endsWith('.gz') && !path.includes('truncated')) {
    return `gz:${sha(data.subarray(0, 10))}:${sha(gunzipSync(data))}`;
  }
  return sha(data);
}

describe('sample generator', () => {
  const first = buildSampleTree(DEFAULT_SEED);

  test('the same seed gives the same bytes', () => {
    const second = buildSampleTree(DEFAULT_SEED);
    expect([...second.files.keys()]).toEqual([...first.files.keys()]);
    for (const [path, data] of first.files)
      expect(sha(second.files.get(path) as Buffer), path).toBe(sha(data));
  });

  test('a different seed gives different data', () => {
    const other = buildSampleTree(DEFAULT_SEED + 1);
    expect(sha(other.files.get('ground-truth.json') as Buffer)).not.toBe(
      sha(first.files.get('ground-truth.json') as Buffer),
    );
  });

  test('the committed samples equal the generator output', () => {
    const committed = new Map(
      walk(samplesDir).map((p) => [relative(samplesDir, p).split('\\').join('/'), readFileSync(p)]),
    );
    expect([...committed.keys()].sort()).toEqual([...first.files.keys()].sort());
    for (const [path, data] of first.files) {
      expect(contentHash(path, committed.get(path) as Buffer), path).toBe(contentHash(path, data));
    }
  });

  test('gzip headers are pinned (no mtime, Unix OS byte)', () => {
    for (const [path, data] of first.files) {
      if (!path.endsWith('.gz')) continue;
      expect([...data.subarray(0, 4)], path).toEqual([0x1f, 0x8b, 8, 0]);
      expect(data.readUInt32LE(4), path).toBe(0);
      expect(data[9], path).toBe(3);
    }
  });

  test('the committed tree stays under 5 MB', () => {
    const total = [...first.files.values()].reduce((sum, b) => sum + b.length, 0);
    expect(total).toBeLessThan(5 * 1024 * 1024);
  });
});

describe('large generators', () => {
  test.each([200_000, 2_000_000])(
    'audit NDJSON of about %i bytes is deterministic and holds the attack',
    (target) => {
      const run = (): { text: string; bytes: number; records: number } => {
        const parts: string[] = [];
        const r = generateAuditNdjson({ seed: 7, targetBytes: target, write: (c) => parts.push(c) });
        return { text: parts.join(''), ...r };
      };
      const a = run();
      const b = run();
      expect(sha(Buffer.from(a.text))).toBe(sha(Buffer.from(b.text)));
      expect(a.bytes).toBe(Buffer.byteLength(a.text));
      expect(a.bytes).toBeGreaterThanOrEqual(target);
      expect(a.bytes).toBeLessThan(target * 1.5 + 400_000);
      const lines = a.text.trimEnd().split('\n');
      expect(lines).toHaveLength(a.records);
      const events = lines.map(
        (l) =>
          JSON.parse(l) as {
            verb: string;
            objectRef?: { resource?: string; subresource?: string };
            stageTimestamp: string;
          },
      );
      expect(
        events.filter((e) => e.objectRef?.resource === 'rolebindings' && e.verb === 'create'),
      ).toHaveLength(1);
      expect(events.filter((e) => e.objectRef?.subresource === 'exec').length).toBe(4);
      const times = events.map((e) => e.stageTimestamp);
      expect([...times].sort()).toEqual(times);
    },
  );

  test('CloudTrail Records file is one JSON document with the IRSA misuse in it', () => {
    const parts: string[] = [];
    const r = generateCloudTrailRecordsFile({ seed: 7, targetBytes: 1_000_000, write: (c) => parts.push(c) });
    const text = parts.join('');
    expect(Buffer.byteLength(text)).toBe(r.bytes);
    const doc = JSON.parse(text) as { Records: { eventName: string; sourceIPAddress: string }[] };
    expect(doc.Records).toHaveLength(r.records);
    expect(
      doc.Records.filter(
        (x) => x.eventName === 'AssumeRoleWithWebIdentity' && x.sourceIPAddress === '203.0.113.45',
      ),
    ).toHaveLength(1);
  });
});
