import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  createPatternSummary,
  type MinedPattern,
  minePatterns,
  type PatternSummary,
} from '../../../../src/query/commands/pattern/drain.js';
import { maskText } from '../../../../src/query/commands/pattern/mask.js';
import { MAX_DISTINCT_BINS } from '../../../../src/query/commands/pattern/time-bins.js';
import { createRandom, generateDay, TEMPLATES } from './generate-logs.js';

const day = generateDay(42);

/** A message of the generated day or a short random text (words, numbers, unicode). */
const message = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.integer({ min: 0, max: day.events.length - 1 }).map((i) => day.events[i]?.message ?? ''),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom('GET', 'PUT', 'error', 'user', 'x=1', '10.0.0.1', 'é', '日本', '🙂'),
          fc.nat().map(String),
        ),
        {
          maxLength: 6,
        },
      )
      .map((w) => w.join(' ')),
  },
);
const events = fc.array(fc.record({ text: message, t: fc.integer({ min: 0, max: 3 * 86_400_000 }) }), {
  maxLength: 120,
});

function summarize(items: readonly { text: string; t: number }[], timeBins = true): PatternSummary {
  const s = createPatternSummary({ timeBins });
  for (const e of items) s.add(e.text, e.t);
  return s;
}

function view(patterns: readonly MinedPattern[]) {
  return patterns.map((p) => ({
    pattern: p.pattern,
    count: p.count,
    severity: p.severity,
    kinds: p.kinds,
    n: p.signatures.length,
  }));
}

function binsView(s: PatternSummary) {
  const b = s.bins;
  if (b === undefined) return undefined;
  return {
    width: b.width,
    counts: [...b.counts].map(([k, m]) => [k, [...m].sort((x, y) => x[0] - y[0])]).sort(),
  };
}

describe('the miner', () => {
  test('the documented pattern-analysis example', () => {
    const s = createPatternSummary();
    s.add('2023-01-01 19:00:01 [INFO] Calling DynamoDB to store for resource id 12342342k124-12345');
    s.add('2023-01-01 19:00:02 [INFO] Calling DynamoDB to store for resource id 324892398123-12345');
    s.add('2023-01-01 19:00:03 [INFO] Calling DynamoDB to store for resource id 3ff231242342-12345');
    expect(view(minePatterns(s))).toEqual([
      {
        pattern: '<Time-1> [INFO] Calling DynamoDB to store for resource id <ID-2>',
        count: 3,
        severity: 'Info',
        kinds: ['Time', 'ID'],
        n: 1,
      },
    ]);
  });

  test('varying words become <Token-N>, keeping what the values share', () => {
    const s = createPatternSummary();
    for (const u of ['alice', 'bob', 'carol']) s.add(`user ${u} "verb":"get", ok`);
    s.add('user dave "verb":"list", ok');
    expect(minePatterns(s).map((p) => p.pattern)).toEqual(['user <Token-1> "verb":"<Token-2>", ok']);
  });

  test('JSON messages keep their fields apart and are written back without added spaces', () => {
    const s = createPatternSummary();
    s.add('{"verb":"get","user":"alice","code":200}');
    s.add('{"verb":"list","user":"alice","code":404}');
    expect(minePatterns(s).map((p) => p.pattern)).toEqual([
      '{"verb":"<Token-1>","user":"alice","code":<Number-2>}',
    ]);
  });

  test('severity is the label of most events; ties go to the more severe', () => {
    const s = createPatternSummary();
    s.add('job 1 state info done');
    s.add('job 2 state error done');
    expect(minePatterns(s)[0]?.severity).toBe('Error');
    s.add('job 3 state info done');
    expect(minePatterns(s)[0]?.severity).toBe('Info');
  });

  test('empty and whitespace-only texts are one pattern, the empty string', () => {
    const s = createPatternSummary();
    s.add('');
    s.add('   ');
    expect(view(minePatterns(s))).toEqual([{ pattern: '', count: 2, severity: 'Unknown', kinds: [], n: 1 }]);
  });

  test('an empty summary has no patterns', () => {
    expect(minePatterns(createPatternSummary())).toEqual([]);
  });

  test('the cap on signatures calls onLimit with the cap', () => {
    const s = createPatternSummary({
      maxSignatures: 2,
      onLimit: (max) => {
        throw new RangeError(`cap ${max}`);
      },
    });
    s.add('a b');
    s.add('c d');
    s.add('a b');
    expect(() => s.add('e f')).toThrow('cap 2');
  });

  test('every event is in exactly one pattern', () => {
    const s = summarize(day.events.map((e) => ({ text: e.message, t: e.timestamp })));
    const mined = minePatterns(s);
    expect(mined.reduce((n, p) => n + p.count, 0)).toBe(day.events.length);
    const seen = new Set<string>();
    for (const p of mined)
      for (const k of p.signatures) {
        expect(seen.has(k)).toBe(false);
        seen.add(k);
      }
    expect(seen.size).toBe(s.signatures.size);
  });

  test('any chunking and any merge order give the same patterns and bins (property)', () => {
    fc.assert(
      fc.property(events, fc.array(fc.nat(), { maxLength: 6 }), fc.nat(), (items, cuts, rot) => {
        const whole = summarize(items);
        const points = [...new Set(cuts.map((c) => (items.length === 0 ? 0 : c % (items.length + 1))))].sort(
          (a, b) => a - b,
        );
        const chunks: PatternSummary[] = [];
        let from = 0;
        for (const p of [...points, items.length]) {
          chunks.push(summarize(items.slice(from, p)));
          from = p;
        }
        // Merge in a rotated order, pairwise from the end.
        const order = chunks.map((_, i) => chunks[(i + rot) % chunks.length] as PatternSummary);
        const merged = createPatternSummary({ timeBins: true });
        for (const c of order.reverse()) merged.merge(c);
        expect(view(minePatterns(merged))).toEqual(view(minePatterns(whole)));
        expect(binsView(merged)).toEqual(binsView(whole));
        expect(merged.total).toBe(items.length);
      }),
      { seed: 42, numRuns: 150 },
    );
  });

  test('the input order does not change the patterns (property)', () => {
    fc.assert(
      fc.property(events, fc.nat(), (items, seed) => {
        const r = createRandom(seed + 1);
        const shuffled = [...items];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = r.int(i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as never, shuffled[i] as never];
        }
        expect(view(minePatterns(summarize(shuffled)))).toEqual(view(minePatterns(summarize(items))));
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  test('a template matches each of its texts, dynamic tokens standing for any text (property)', () => {
    const quote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    fc.assert(
      fc.property(events, (items) => {
        const s = createPatternSummary();
        const texts = items.map((e) => e.text);
        for (const t of texts) s.add(t);
        const mined = minePatterns(s);
        for (const text of texts) {
          const normal = text
            .trim()
            .split(/[\s\u3000]+/u)
            .filter((w) => w !== '')
            .join(' ');
          const fits = mined.some((p) => {
            const re = new RegExp(
              `^${p.pattern
                .split(/<[A-Za-z]+-\d+>/)
                .map(quote)
                .join('.*?')}$`,
              'su',
            );
            return re.test(normal);
          });
          expect(fits, text).toBe(true);
        }
      }),
      { seed: 11, numRuns: 100 },
    );
  });

  test('bins widen so that no collector holds more than the cap of distinct bins', () => {
    const s = createPatternSummary({ timeBins: true });
    for (let i = 0; i < 10_000; i++) s.add('tick', i * 1000);
    expect(s.bins?.width).toBe(5000); // 2,000 five-second bins
    expect(s.bins?.counts.get('tick')?.size).toBeLessThanOrEqual(MAX_DISTINCT_BINS);
    expect([...(s.bins?.counts.get('tick')?.values() ?? [])].reduce((a, b) => a + b, 0)).toBe(10_000);
  });
});

describe('ground truth: a generated day of planted templates', () => {
  const seeds = [42, 7, 2026];
  test.each(seeds)('seed %i: purity 1, every planted template recovered with its expected text', (seed) => {
    const { events: evs } = generateDay(seed);
    const s = createPatternSummary();
    for (const e of evs) s.add(e.message);
    const mined = minePatterns(s);
    // Which planted templates the events of each mined pattern came from.
    const patternOf = new Map<string, MinedPattern>();
    for (const p of mined) for (const k of p.signatures) patternOf.set(k, p);
    const tally = new Map<MinedPattern, Map<string, number>>();
    for (const e of evs) {
      const p = patternOf.get(maskText(e.message).join(' ')) as MinedPattern;
      const m = tally.get(p) ?? new Map<string, number>();
      m.set(e.template, (m.get(e.template) ?? 0) + 1);
      tally.set(p, m);
    }
    let majority = 0;
    for (const m of tally.values()) majority += Math.max(...m.values());
    const purity = majority / evs.length;
    expect(purity).toBe(1);
    const planted = [...TEMPLATES.map((t) => t.id), 'panic'];
    const recovered = planted.filter((id) =>
      [...tally].some(
        ([p, m]) => (m.get(id) ?? 0) === evs.filter((e) => e.template === id).length && m.size === 1 && p,
      ),
    );
    expect(recovered.length / planted.length).toBe(1);
    for (const t of TEMPLATES) expect(mined.map((p) => p.pattern)).toContain(t.expected);
    expect(mined).toHaveLength(planted.length);
  });
});
