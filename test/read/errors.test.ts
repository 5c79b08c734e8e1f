import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import {
  INPUT_ERROR_CODES,
  InputError,
  MAX_KEPT_REJECTIONS,
  type ReadLogsOptions,
  readLogs,
} from '../../src/read/index.js';
import { expectConserved } from './conservation.js';

const fixtures = fileURLToPath(new URL('../fixtures/formats/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'kubetrail-errors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const audit = readFileSync(join(fixtures, 'audit.ndjson'), 'utf8').split('\n').filter(Boolean);
const A1 = audit[0]!;
const A2 = audit[1]!;

function file(name: string, content: string | Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

async function readAll(input: Parameters<typeof readLogs>[0], options?: ReadLogsOptions) {
  const reader = readLogs(input, options);
  const events: LogEvent[] = [];
  let error: unknown;
  try {
    for await (const e of reader) events.push(e);
  } catch (e) {
    error = e;
  }
  expectConserved(reader.summary);
  return { events, error, summary: reader.summary };
}

/** Codes of faults of a whole source, counted in `fileFaults` rather than as records. */
const FILE_LEVEL = new Set(['truncated_gzip', 'bad_gzip', 'unreadable_file', 'unknown_format']);

const bigNdjson = Array.from({ length: 2000 }, (_, i) => A1.replace('"a1"', `"id-${i}"`)).join('\n');
const truncatedGz = (() => {
  const gz = gzipSync(bigNdjson);
  return gz.subarray(0, gz.length - 200);
})();

interface ErrorCase {
  readonly name: string;
  readonly code: keyof typeof INPUT_ERROR_CODES;
  readonly input: () => string;
  readonly options?: ReadLogsOptions;
  /** Events read before the fault (emitted under both policies). */
  readonly before: number;
  /** Events after the fault (emitted under 'skip' only). */
  readonly after: number;
  readonly line?: number;
  readonly byteOffset?: number;
}

const cases: readonly ErrorCase[] = [
  {
    name: 'malformed NDJSON line',
    code: 'bad_json_line',
    input: () => file('bad-line.ndjson', `${A1}\n{"kind":"Event",oops}\n${A2}\n`),
    before: 1,
    after: 1,
    line: 2,
    byteOffset: A1.length + 1,
  },
  {
    name: 'invalid UTF-8 in a line',
    code: 'invalid_utf8',
    input: () =>
      file(
        'bad-utf8.ndjson',
        Buffer.concat([Buffer.from(`${A1}\n{"x":"`), Buffer.from([0xff, 0xfe]), Buffer.from(`"}\n${A2}`)]),
      ),
    before: 1,
    after: 1,
    line: 2,
  },
  {
    // fuzz seed 20261207, reader cases 3120, 5408, 6170: the rejected EVENTS line was not counted as read
    name: 'invalid UTF-8 in an EVENTS line of `--output text`',
    code: 'invalid_utf8',
    input: () => {
      const lines = readFileSync(join(fixtures, 'events-text-output.txt'), 'utf8').split('\n');
      const bad = Buffer.from(lines[0]!.replace('"alice"', '"al\u0000ice"'));
      bad[bad.indexOf(0)] = 0xff;
      return file(
        'bad-utf8-text-output.txt',
        Buffer.concat([bad, Buffer.from(`\n${lines.slice(1).join('\n')}`)]),
      );
    },
    before: 0,
    after: 0,
    line: 1,
    byteOffset: 0,
  },
  {
    name: 'invalid UTF-8 in a CSV row',
    code: 'invalid_utf8',
    input: () =>
      file(
        'bad-utf8.csv',
        Buffer.concat([
          Buffer.from('@timestamp,@message\n2024-05-01 10:00:00.000,"ok"\n2024-05-01 10:00:01.000,"b'),
          Buffer.from([0xff]),
          Buffer.from('d"\n2024-05-01 10:00:02.000,"ok too"\n'),
        ]),
      ),
    before: 1,
    after: 1,
    line: 3,
  },
  {
    name: 'a line over maxLineBytes',
    code: 'line_too_long',
    input: () => file('long-line.ndjson', `${A1}\n{"x":"${'y'.repeat(5000)}"}\n${A2}\n`),
    options: { maxLineBytes: 1000 },
    before: 1,
    after: 1,
    line: 2,
  },
  {
    name: 'a Records element over maxLineBytes',
    code: 'line_too_long',
    input: () =>
      file(
        'long-record.json',
        `{"Records":[{"eventVersion":"1.08"},{"eventVersion":"${'y'.repeat(5000)}"},{"eventVersion":"1.09"}]}`,
      ),
    options: { maxLineBytes: 1000 },
    before: 1,
    after: 1,
    line: 1,
    byteOffset: 36,
  },
  {
    name: 'JSON cut off mid-file',
    code: 'truncated_json',
    input: () =>
      file(
        'cut.json',
        '{"Records":[\n{"eventVersion":"1.08"},\n{"eventVersion":"1.09"},\n{"eventVersion":"1.',
      ),
    before: 2,
    after: 0,
    line: 4,
  },
  {
    name: 'JSON cut off inside a pretty single record',
    code: 'truncated_json',
    input: () => file('cut-single.json', '{\n  "eventVersion": "1.08",\n  "eventName": "x'),
    before: 0,
    after: 0,
    line: 1,
    byteOffset: 0,
  },
  {
    name: 'truncated gzip',
    code: 'truncated_gzip',
    input: () => file('cut.ndjson.gz', truncatedGz),
    before: -1, // whatever was decompressed before the cut
    after: 0,
  },
  {
    name: 'corrupt gzip',
    code: 'bad_gzip',
    input: () => {
      const gz = Buffer.from(gzipSync(bigNdjson));
      for (let i = 100; i < 140; i++) gz[i] = 0xff;
      return file('corrupt.ndjson.gz', gz);
    },
    before: -1,
    after: 0,
  },
  {
    name: 'unreadable (missing) file',
    code: 'unreadable_file',
    input: () => join(tmp, 'does-not-exist.log'),
    before: 0,
    after: 0,
  },
  {
    name: 'unknown format',
    code: 'unknown_format',
    input: () => file('notes.txt', 'just some notes\n'),
    before: 0,
    after: 0,
  },
  {
    name: 'unterminated CSV quote',
    code: 'bad_csv_row',
    input: () =>
      file(
        'cut.csv',
        '@timestamp,@message\n2024-05-01 10:00:00.000,"ok"\n2024-05-01 10:00:01.000,"never closed\n',
      ),
    before: 1,
    after: 0,
    line: 3,
  },
];

describe.each(cases)('$name', (c) => {
  test("'throw': a typed, located error after every event before it", async () => {
    const path = c.input();
    const { events, error, summary } = await readAll(path, c.options);
    expect(error).toBeInstanceOf(InputError);
    const e = error as InputError;
    expect(e.code).toBe(c.code);
    expect(e.file).toBe(path);
    if (c.line !== undefined) expect(e.line).toBe(c.line);
    if (c.byteOffset !== undefined) expect(e.byteOffset).toBe(c.byteOffset);
    if (c.before >= 0) expect(events).toHaveLength(c.before);
    const byCode = FILE_LEVEL.has(c.code) ? summary.fileFaultsByCode : summary.rejectedByCode;
    expect(byCode[c.code]).toBe(1);
    expect(summary.eventsEmitted).toBe(events.length);
  });

  test("'skip': counted and located, and reading goes on", async () => {
    const path = c.input();
    const next = join(fixtures, 'audit.ndjson');
    const { events, error, summary } = await readAll([path, next], { ...c.options, onError: 'skip' });
    expect(error).toBeUndefined();
    if (c.before >= 0) expect(events).toHaveLength(c.before + c.after + 2);
    const fileLevel = FILE_LEVEL.has(c.code);
    expect(summary.rejected).toBe(fileLevel ? 0 : 1);
    expect(summary.fileFaults).toBe(fileLevel ? 1 : 0);
    expect((fileLevel ? summary.fileFaultsByCode : summary.rejectedByCode)[c.code]).toBe(1);
    expect(summary.rejections[0]).toMatchObject({ code: c.code, file: path });
    if (c.line !== undefined) expect(summary.rejections[0]?.line).toBe(c.line);
    expect(events.at(-1)?.source.file).toBe(next);
  });
});

describe('nothing read before a fault is lost', () => {
  test('truncated gzip: every complete line before the cut is emitted', async () => {
    const path = file('cut2.ndjson.gz', truncatedGz);
    const { events } = await readAll(path);
    const { gunzipSync, constants } = await import('node:zlib');
    const partial = gunzipSync(truncatedGz, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
    const completeLines = partial.split('\n').length - 1;
    expect(events.length).toBeGreaterThan(1000);
    expect(events).toHaveLength(completeLines);
  });
});

describe('the summary', () => {
  test('counts are exact, the location list is capped', async () => {
    const n = MAX_KEPT_REJECTIONS + 500;
    const path = file(
      'many-bad.ndjson',
      `${A1}\n${Array.from({ length: n }, () => '{bad').join('\n')}\n${A2}\n`,
    );
    const { events, summary } = await readAll(path, { onError: 'skip' });
    expect(events).toHaveLength(2);
    expect(summary.recordsRead).toBe(n + 2);
    expect(summary.rejectedByCode.bad_json_line).toBe(n);
    expect(summary.rejections).toHaveLength(MAX_KEPT_REJECTIONS);
    expect(summary.rejectionsTruncated).toBe(true);
    expect(summary.rejections[MAX_KEPT_REJECTIONS - 1]?.line).toBe(MAX_KEPT_REJECTIONS + 1);
  });

  test('every error code has a description', () => {
    for (const [code, text] of Object.entries(INPUT_ERROR_CODES)) {
      expect(code).toMatch(/^[a-z0-9_]+$/);
      expect(text.length).toBeGreaterThan(10);
    }
  });
});

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('break, abort and filters', () => {
  test('break closes the file and the gunzip stream', async () => {
    const gz = file('big.ndjson.gz', gzipSync(`${bigNdjson}\n${bigNdjson}`));
    const plain = file('big.ndjson', `${bigNdjson}\n${bigNdjson}`);
    const before = openFds();
    for (const path of [gz, plain, fixtures]) {
      let n = 0;
      for await (const _ of readLogs(path)) {
        if (++n === 3) break;
      }
      expect(n).toBe(3);
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(openFds()).toBe(before);
  });

  test('an aborted signal stops the read with an aborted error', async () => {
    const controller = new AbortController();
    const { events, error } = await (async () => {
      const events: LogEvent[] = [];
      try {
        for await (const e of readLogs([join(fixtures, 'audit.ndjson'), join(fixtures, 'audit.ndjson')], {
          signal: controller.signal,
        })) {
          events.push(e);
          controller.abort();
        }
      } catch (e) {
        return { events, error: e };
      }
      return { events, error: undefined };
    })();
    expect((error as InputError).code).toBe('aborted');
    expect(events.length).toBeLessThan(4);
  });

  test('a trivial prefilter sees the raw record bytes and is counted', async () => {
    const needle = Buffer.from('rolebindings');
    const seen: string[] = [];
    const prefilter = {
      test(bytes: Uint8Array, start: number, end: number) {
        const b = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
        seen.push(b.toString('utf8'));
        return b.includes(needle);
      },
    };
    const ndjson = await readAll(join(fixtures, 'audit.ndjson'), { prefilter });
    expect(ndjson.events.map((e) => (e.record as { auditID: string }).auditID)).toEqual(['a2']);
    expect(ndjson.summary).toMatchObject({ recordsRead: 2, prefiltered: 1, eventsEmitted: 1 });
    expect(seen).toEqual([A1, A2]);
    seen.length = 0;
    const exported = await readAll(join(fixtures, 'cwl-export.txt'), { prefilter });
    expect(exported.events).toHaveLength(1);
    expect(seen[0]).toBe(A1); // the message part only, without the timestamp prefix
    expect(exported.summary.prefiltered).toBe(4);
    const records = await readAll(join(fixtures, 'cloudtrail-records.json'), {
      prefilter: { test: () => false },
    });
    expect(records.summary).toMatchObject({ recordsRead: 2, prefiltered: 2, eventsEmitted: 0 });
  });

  test('the kinds filter', async () => {
    const { events, summary } = await readAll(join(fixtures, 'cwl-export.txt'), {
      kinds: ['authenticator', 'klog'],
    });
    expect(events.map((e) => e.kind)).toEqual(['authenticator', 'klog']);
    expect(summary.filteredByKind).toBe(3);
  });

  test('a forced format', async () => {
    // export lines read as plain lines: the ISO prefix stays in the message, so nothing parses
    const { events } = await readAll(join(fixtures, 'cwl-export.txt'), { format: 'authenticator-lines' });
    expect(events).toHaveLength(7);
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(['text']));
  });

  test('iterating again starts the summary over', async () => {
    const reader = readLogs(join(fixtures, 'audit.ndjson'));
    for await (const _ of reader);
    for await (const _ of reader);
    expect(reader.summary.eventsEmitted).toBe(2);
  });
});

describe('F9: an unclosed container is located where the input ends', () => {
  test('{"Records":[… with every element complete', async () => {
    const body = '{"Records":[\n{"eventVersion":"1.08"},\n{"eventVersion":"1.09"}\n';
    const path = file('unclosed.json', body);
    const { events, summary } = await readAll(path, { onError: 'skip' });
    expect(events).toHaveLength(2);
    expect(summary.rejections).toEqual([
      expect.objectContaining({ code: 'truncated_json', line: 4, byteOffset: Buffer.byteLength(body) }),
    ]);
  });
});

describe('containers inside a JSON array', () => {
  // Found by the fuzz campaign (seed 20261209, reader case 28715): after a broken element swallowed the
  // array's closing bracket, the EventList lines that followed were read as elements of that array and
  // counted once as an element and again per item.
  /** An EventList line of `n` copies of the first audit fixture event. */
  const list = (n: number) =>
    JSON.stringify({
      kind: 'EventList',
      apiVersion: 'audit.k8s.io/v1',
      items: Array.from({ length: n }, () => JSON.parse(A1)),
    });

  test('an EventList element is counted by its items, not once more as an element', async () => {
    const path = file('array-of-lists.json', `[${list(1)},${list(2)},${A2}]\n`);
    const { events, summary } = await readAll(path, { onError: 'skip' });
    expect(events).toHaveLength(4);
    expect(summary.recordsRead).toBe(4);
  });

  test('the reduced fuzz case: a broken element, then EventList lines', async () => {
    const body = `${list(1)}\n[{},{,{},{}]\n${list(1)}\n${list(2)}\n`;
    const path = file('broken-then-lists.ndjson', body);
    const { summary } = await readAll(path, { onError: 'skip' });
    expect(summary.rejected).toBeGreaterThan(0);
  });
});
