/**
 * F2: a record whose parsed size would explode (one long line of tiny
 * objects, under the byte cap) is a typed, located `record_too_complex`
 * skip, found by a scan that builds nothing, instead of hundreds of MB.
 * `KUBETRAIL_HOSTILE_SCALE` scales the line (scale 100 ≈ the 63 MB line of
 * 8M objects of the report).
 */
import { describe, expect, test } from 'vitest';
import { InputError, readLogs } from '../../src/read/index.js';
import { expectConserved } from '../read/conservation.js';
import { hostileScale } from './scale.js';

const objects = hostileScale(80_000);
/** `[{},{},…]` on one line, between two ordinary records. */
function bomb(): Buffer {
  const ok = '{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a","verb":"get"}';
  return Buffer.from(`${ok}\n[${'{},'.repeat(objects - 1)}{}]\n${ok}\n`);
}

async function read(input: Buffer, options: Parameters<typeof readLogs>[1]) {
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

describe('F2: parse memory is bounded by a value count, not only by bytes', () => {
  test('skip: counted and located, the records around it read', async () => {
    const input = bomb();
    const { events, summary } = await read(input, { onError: 'skip', maxRecordValues: objects / 4 });
    expect(events).toBe(2);
    expect(summary.rejectedByCode).toEqual({ record_too_complex: 1 });
    expect(summary.rejections[0]).toMatchObject({
      code: 'record_too_complex',
      line: 2,
      byteOffset: input.indexOf('['),
    });
  });

  test('throw: a typed error naming the option', async () => {
    const { error } = await read(bomb(), { maxRecordValues: objects / 4 });
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe('record_too_complex');
    expect((error as InputError).message).toContain('maxRecordValues');
  });

  test('under the limit the same line parses', async () => {
    const { events } = await read(bomb(), { maxRecordValues: objects + 1 });
    expect(events).toBe(2 + objects); // a top-level array line: one event per element
  });

  test('inside a {"Records":[…]} document and inside an envelope message', async () => {
    const inner = `[${'{},'.repeat(objects - 1)}{}]`;
    const records = Buffer.from(`{"Records":[{"eventVersion":"1.08"},${inner},{"eventVersion":"1.09"}]}`);
    const a = await read(records, { onError: 'skip', maxRecordValues: objects / 4 });
    expect(a.events).toBe(2);
    expect(a.summary.rejectedByCode).toEqual({ record_too_complex: 1 });
    const envelope = Buffer.from(
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        logGroup: 'g',
        logStream: 's',
        logEvents: [{ id: '1', timestamp: 1, message: inner }],
      }),
    );
    const b = await read(envelope, { onError: 'skip', maxRecordValues: objects / 4 });
    expect(b.events).toBe(0);
    expect(b.summary.rejectedByCode).toEqual({ record_too_complex: 1 });
  });
});
