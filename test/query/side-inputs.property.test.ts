// join, lookup and cidrlookup through compileQuery on random small inputs,
// against plain references: a nested-loop join, a Map of the first row per
// key, a linear longest-prefix scan. Fixed seeds, so the suite cannot flake.
import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import { type CompileOptions, compileQuery } from '../../src/query/index.js';
import { lookupTableFromRecords } from '../../src/query/lookup-table.js';
import { valuesEqual } from '../../src/query/semantics/compare.js';
import type { Value } from '../../src/query/value.js';

const T0 = Date.parse('2024-05-14T10:00:00Z');

function ev(i: number, record: Record<string, unknown>): LogEvent {
  return {
    timestamp: T0 + i * 1000,
    message: JSON.stringify(record),
    kind: 'json',
    record,
    source: { file: 'mem', line: i + 1 },
  };
}

async function rows(text: string, events: readonly LogEvent[], options: CompileOptions) {
  const result = await compileQuery(text, { order: 'input', ...options }).run(events);
  return result.rows.map((r) => {
    const { '@ptr': _ptr, ...rest } = r as Record<string, unknown>;
    return rest;
  });
}

/** Key values that `=` relates across types (numbers and their spellings, booleans), null, and a missing key. */
const MISSING = Symbol('missing');
const key = fc.constantFrom<Value | typeof MISSING>(
  MISSING,
  null,
  'a',
  'A',
  '',
  '1',
  '1.0',
  1,
  401,
  '401',
  true,
  'true',
);

function withKey(record: Record<string, unknown>, name: string, k: Value | typeof MISSING) {
  return k === MISSING ? record : { ...record, [name]: k };
}

describe('join equals a nested-loop join', () => {
  propTest.prop(
    [
      fc.array(key, { maxLength: 12 }),
      fc.array(key, { maxLength: 12 }),
      fc.constantFrom<'inner' | 'left'>('inner', 'left'),
    ],
    { seed: 42, numRuns: 150 },
  )('on random keys, inner and left', async (leftKeys, rightKeys, type) => {
    const left = leftKeys.map((k, i) => ev(i, withKey({ id: `l${i}` }, 'k', k)));
    const right = rightKeys.map((k, i) => ev(i, withKey({ id: `r${i}` }, 'k', k)));
    const text = `join type=${type} left=l right=r where l.k = r.k (SOURCE "s") | display l.id, r.id`;
    const expected: Record<string, unknown>[] = [];
    leftKeys.forEach((lk, i) => {
      let matched = false;
      rightKeys.forEach((rk, j) => {
        if (lk === MISSING || rk === MISSING || !valuesEqual(lk, rk)) return;
        matched = true;
        expected.push({ 'l.id': `l${i}`, 'r.id': `r${j}` });
      });
      if (!matched && type === 'left') expected.push({ 'l.id': `l${i}` });
    });
    expect(await rows(text, left, { sources: { s: right } })).toEqual(expected);
  });
});

describe('lookup equals a Map of the first row per key', () => {
  const cell = fc.constantFrom('a', 'A', '', '1', '01', '401', 'true', 'b');
  const current = fc.constantFrom<Value | typeof MISSING>(MISSING, null, '', 'old');
  propTest.prop(
    [
      fc.array(cell, { minLength: 1, maxLength: 10 }),
      fc.array(fc.tuple(key, current), { maxLength: 12 }),
      fc.constantFrom<'OUTPUT' | 'OUTPUTNEW'>('OUTPUT', 'OUTPUTNEW'),
    ],
    { seed: 42, numRuns: 150 },
  )('on random tables, OUTPUT and OUTPUTNEW', async (cells, probes, mode) => {
    const tableRows = cells.map((c, i) => ({ key: c, val: `t${i}` }));
    const table = lookupTableFromRecords('t', tableRows);
    // the reference: strings look up a Map (the first row of a key wins); a
    // number or boolean matches the first cell that `=` finds equal to it
    const firstByKey = new Map<string, string>();
    for (const r of tableRows) if (!firstByKey.has(r.key)) firstByKey.set(r.key, r.val);
    const found = (k: Value | typeof MISSING): string | undefined => {
      if (k === MISSING || k === null) return undefined;
      if (typeof k === 'string') return firstByKey.get(k);
      return tableRows.find((r) => valuesEqual(k, r.key))?.val;
    };
    const events = probes.map(([k, v], i) => ev(i, withKey(withKey({ id: i }, 'k', k), 'val', v)));
    const expected = probes.map(([k, v], i) => {
      const hit = found(k);
      const before = v === MISSING ? undefined : v;
      const keep = mode === 'OUTPUTNEW' && before !== undefined && before !== null && before !== '';
      const val = hit === undefined || keep ? before : hit;
      // (a result row leaves out fields that are missing or null)
      const out: Record<string, unknown> = { id: i };
      if (k !== MISSING && k !== null) out.k = k;
      if (val !== undefined && val !== null) out.val = val;
      return out;
    });
    const text = `lookup t key as k ${mode} val | fields id, k, val`;
    expect(await rows(text, events, { lookups: { t: table } })).toEqual(expected);
  });
});

describe('cidrlookup equals a linear longest-prefix scan', () => {
  // a small address space, so that random ranges and addresses meet often
  const address = fc.tuple(
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 7 }),
  );
  const dotted = ([b, c, d]: [number, number, number]) => `10.${b}.${c}.${d}`;
  const toInt = ([b, c, d]: [number, number, number]) => ((10 << 24) | (b << 16) | (c << 8) | d) >>> 0;
  const range = fc.tuple(address, fc.integer({ min: 0, max: 32 }), fc.boolean());
  propTest.prop([fc.array(range, { minLength: 1, maxLength: 10 }), fc.array(address, { maxLength: 12 })], {
    seed: 42,
    numRuns: 150,
  })('on random IPv4 ranges (host bits set, bare addresses, overlaps)', async (ranges, addresses) => {
    // a /32 is sometimes written as the bare address; host bits are left in
    const tableRows = ranges.map(([a, bits, bare], i) => ({
      cidr: bare && bits === 32 ? dotted(a) : `${dotted(a)}/${bits}`,
      zone: `z${i}`,
    }));
    const table = lookupTableFromRecords('nets', tableRows);
    const best = (ip: number): string | undefined => {
      let zone: string | undefined;
      let longest = -1;
      ranges.forEach(([a, bits], i) => {
        const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        if ((toInt(a) & mask) >>> 0 === (ip & mask) >>> 0 && bits > longest) {
          longest = bits;
          zone = `z${i}`;
        }
      });
      return zone;
    };
    const events = addresses.map((a, i) => ev(i, { ip: dotted(a) }));
    const expected = addresses.map((a) => {
      const zone = best(toInt(a));
      return zone === undefined ? { ip: dotted(a) } : { ip: dotted(a), zone };
    });
    expect(
      await rows('cidrlookup nets ip OUTPUT zone | fields ip, zone', events, { lookups: { nets: table } }),
    ).toEqual(expected);
  });
});

describe('a lookup inside an inner query equals the same lookup at the top level (issue 16)', () => {
  const cell = fc.constantFrom('a', 'A', '', '1', '401', 'true');
  propTest.prop(
    [
      fc.array(cell, { minLength: 1, maxLength: 8 }),
      fc.array(key, { maxLength: 12 }),
      fc.constantFrom<'OUTPUT' | 'OUTPUTNEW'>('OUTPUT', 'OUTPUTNEW'),
    ],
    { seed: 42, numRuns: 60 },
  )('lookup inside appendcols and inside a subquery', async (cells, keys, mode) => {
    const t = lookupTableFromRecords(
      't',
      cells.map((c, i) => ({ key: c, val: `t${i}` })),
    );
    const events = keys.map((k, i) => ev(i, withKey({ id: i }, 'k', k)));
    const options: CompileOptions = { lookups: { t }, sources: { s: events } };
    const top = await rows(`lookup t key as k ${mode} val | fields id, k, val`, events, options);
    // the outer rows are the source's rows in input order, so appendcols puts inner row i on row i
    const appended = await rows(
      `fields id | appendcols override=true (SOURCE 's' | lookup t key as k ${mode} val | fields id, k, val)`,
      events,
      options,
    );
    expect(appended).toEqual(top);
    const matched = top.filter((r) => r.val !== undefined).map((r) => ({ id: r.id }));
    const viaSubquery = await rows(
      `filter id in (SOURCE 's' | lookup t key as k ${mode} val | filter ispresent(val) | fields id) | fields id`,
      events,
      options,
    );
    expect(viaSubquery).toEqual(matched);
  });
});
