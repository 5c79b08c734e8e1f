/**
 * Compares date-fns with kubetrail's own `parseDate` (Java DateTimeFormatter
 * patterns) and `formatDate` (strftime directives) in
 * `src/query/functions/datetime.ts`, as recorded in docs/performance.md
 * ("Date parsing and formatting: date-fns").
 *
 * Correctness: every `parseDate`, `formatDate` and `strftime` row of the
 * table in `test/query/functions/datetime.test.ts` (read from that file, so
 * the two cannot drift) is run through both implementations. date-fns parses
 * and formats in the process's local time zone and has no zone names, so the
 * adapter below runs with `TZ=UTC`, maps the Java pattern letters and the
 * strftime directives to date-fns tokens, and applies a time-zone argument
 * with kubetrail's own zone offset (date-fns alone cannot).
 *
 * Speed: a micro-benchmark of the common shapes, CPU time per call, best of
 * 5 rounds (CPU time, because the machine is shared).
 *
 *   npx tsx scripts/compare-date-fns.ts [--n 200000]
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { format, isValid, parse } from 'date-fns';
import { parseJavaDate, strftime, zoneOffsetMinutes } from '../src/query/functions/datetime.js';

process.env.TZ = 'UTC';

const { values } = parseArgs({ options: { n: { type: 'string', default: '200000' } } });
const N = Number(values.n);

/** Java pattern letters and their date-fns tokens (same letter unless listed); `undefined`: unsupported. */
const JAVA_TO_DATE_FNS: Readonly<Record<string, string | undefined>> = {
  y: 'y',
  u: 'y',
  M: 'M',
  L: 'L',
  d: 'd',
  D: 'D',
  H: 'H',
  k: 'k',
  h: 'h',
  K: 'K',
  a: 'a',
  m: 'm',
  s: 's',
  S: 'S',
  E: 'E',
  X: 'X',
  x: 'x',
  Z: 'xx',
  z: undefined,
  V: undefined,
};

/** A Java pattern as a date-fns pattern, or `undefined` when a letter has no date-fns parser. */
function dateFnsPattern(java: string): string | undefined {
  let out = '';
  for (let i = 0; i < java.length; ) {
    const c = java[i] ?? '';
    if (c === "'") {
      const close = java.indexOf("'", i + 1);
      if (close < 0) return undefined;
      out += java.slice(i, close + 1);
      i = close + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out += c;
      i++;
      continue;
    }
    let j = i;
    while (java[j] === c) j++;
    const token = JAVA_TO_DATE_FNS[c];
    if (token === undefined) return undefined;
    out += token.length > 1 ? token : token.repeat(j - i);
    i = j;
  }
  return out;
}

const HAS_OFFSET = /[XxZ]/;

/** `parseDate` with date-fns: the Java pattern mapped, the time zone applied with kubetrail's offsets. */
function dateFnsParseDate(input: string, java: string, tz = 'UTC'): number | undefined {
  const pattern = dateFnsPattern(java);
  if (pattern === undefined) return undefined;
  const d = parse(input, pattern, new Date(0), { useAdditionalDayOfYearTokens: true });
  if (!isValid(d)) return undefined;
  const wall = d.getTime();
  if (HAS_OFFSET.test(pattern.replace(/'[^']*'/g, ''))) return wall;
  const first = zoneOffsetMinutes(tz, wall);
  if (first === undefined) return undefined;
  const second = zoneOffsetMinutes(tz, wall - first * 60_000) ?? first;
  return wall - second * 60_000;
}

/** strftime directives and their date-fns tokens; `undefined`: no equivalent. */
const STRFTIME_TO_DATE_FNS: Readonly<Record<string, string | undefined>> = {
  Y: 'yyyy',
  m: 'MM',
  d: 'dd',
  e: 'd',
  H: 'HH',
  I: 'hh',
  M: 'mm',
  S: 'ss',
  L: 'SSS',
  F: 'yyyy-MM-dd',
  T: 'HH:mm:ss',
  D: 'MM/dd/yy',
  R: 'HH:mm',
  a: 'EEE',
  A: 'EEEE',
  b: 'MMM',
  B: 'MMMM',
  j: 'DDD',
  u: 'i',
  y: 'yy',
  p: 'a',
  s: 't',
  z: 'xx',
  w: undefined,
  C: undefined,
  Z: undefined,
};

/** `formatDate` with date-fns: directives mapped, the instant shifted into the zone (the offset printed is the process's, UTC). */
function dateFnsFormatDate(ms: number | undefined, strf: string, tz = 'UTC'): string | undefined {
  if (ms === undefined) return undefined;
  const offset = zoneOffsetMinutes(tz, ms);
  if (offset === undefined) return undefined;
  let pattern = '';
  for (let i = 0; i < strf.length; i++) {
    const c = strf[i];
    if (c === '%' && i + 1 < strf.length) {
      const directive = strf[++i] ?? '';
      if (directive === '%') pattern += "'%'";
      else {
        const token = STRFTIME_TO_DATE_FNS[directive];
        pattern += token === undefined ? `'%${directive}'` : token;
      }
    } else pattern += c === "'" ? "''" : /[A-Za-z]/.test(c ?? '') ? `'${c}'` : c;
  }
  return format(new Date(ms + offset * 60_000), pattern, { useAdditionalDayOfYearTokens: true });
}

// --- correctness: the rows of the datetime test table

const T = Date.UTC(2024, 4, 15, 10, 7, 30, 250);
const table = readFileSync(new URL('../test/query/functions/datetime.test.ts', import.meta.url), 'utf8');
const rows: [string, unknown[], unknown][] = [];
for (const m of table.matchAll(
  /\[\s*'(parseDate|formatDate|strftime)',\s*(\[[\s\S]*?\]),\s*([^\]\n]*?)\s*,?\s*\],?\n/g,
)) {
  const args = new Function('T', `return ${m[2]};`)(T) as unknown[];
  const expected = new Function('T', `return ${m[3]};`)(T) as unknown;
  rows.push([m[1] ?? '', args, expected]);
}

const toMs = (v: unknown): number | undefined =>
  v instanceof Date ? v.getTime() : typeof v === 'number' ? v : undefined;

let ours = 0;
let theirs = 0;
const misses: string[] = [];
for (const [name, args, expected] of rows) {
  const [a, b, c] = args as [unknown, string, string | undefined];
  const mine =
    name === 'parseDate'
      ? parseJavaDate(String(a), b, c)
      : (() => {
          const ms = toMs(a);
          return ms === undefined ? undefined : strftime(ms, b, c);
        })();
  const other = name === 'parseDate' ? dateFnsParseDate(String(a), b, c) : dateFnsFormatDate(toMs(a), b, c);
  if (mine === expected) ours++;
  if (other === expected) theirs++;
  else
    misses.push(
      `  ${name}(${JSON.stringify(args)}): expected ${JSON.stringify(expected)}, date-fns ${JSON.stringify(other)}`,
    );
}
process.stdout.write(
  `node ${process.version}; correctness on ${rows.length} rows of test/query/functions/datetime.test.ts\n`,
);
process.stdout.write(`  kubetrail: ${ours}/${rows.length}   date-fns adapter: ${theirs}/${rows.length}\n`);
process.stdout.write(`date-fns misses:\n${misses.join('\n')}\n`);

// --- speed

function bench(name: string, fn: (i: number) => unknown): void {
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let round = 0; round < 5; round++) {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < N; i++) if (fn(i) !== undefined) sink++;
    const cpu = process.cpuUsage(cpu0);
    best = Math.min(best, (cpu.user + cpu.system) / 1000);
  }
  if (sink === 0) throw new Error(`${name}: every call returned undefined`);
  process.stdout.write(`| ${name} | ${((best * 1e6) / N).toFixed(0)} ns |\n`);
}

const inputs = Array.from({ length: 1000 }, (_, i) => {
  const d = new Date(T + i * 3_600_123);
  return {
    plain: `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)}`,
    iso: d.toISOString(),
    clf: `${String(d.getUTCDate()).padStart(2, '0')}/${format(d, 'MMM')}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`,
    ms: d.getTime(),
  };
});
const at = (i: number) => inputs[i % inputs.length] as (typeof inputs)[number];

process.stdout.write(`\nCPU per call, best of 5 rounds of ${N}:\n| operation | CPU per call |\n|---|---:|\n`);
bench('kubetrail parseDate "yyyy-MM-dd HH:mm:ss"', (i) => parseJavaDate(at(i).plain, 'yyyy-MM-dd HH:mm:ss'));
bench('date-fns parse "yyyy-MM-dd HH:mm:ss"', (i) => dateFnsParseDate(at(i).plain, 'yyyy-MM-dd HH:mm:ss'));
bench(`kubetrail parseDate "yyyy-MM-dd'T'HH:mm:ss.SSSX"`, (i) =>
  parseJavaDate(at(i).iso, "yyyy-MM-dd'T'HH:mm:ss.SSSX"),
);
bench(`date-fns parse "yyyy-MM-dd'T'HH:mm:ss.SSSX"`, (i) =>
  dateFnsParseDate(at(i).iso, "yyyy-MM-dd'T'HH:mm:ss.SSSX"),
);
bench('kubetrail parseDate "dd/MMM/yyyy:HH:mm:ss Z"', (i) =>
  parseJavaDate(at(i).clf, 'dd/MMM/yyyy:HH:mm:ss Z'),
);
bench('date-fns parse "dd/MMM/yyyy:HH:mm:ss Z"', (i) =>
  dateFnsParseDate(at(i).clf, 'dd/MMM/yyyy:HH:mm:ss Z'),
);
bench('kubetrail formatDate "%Y-%m-%d %H:%M:%S.%L"', (i) => strftime(at(i).ms, '%Y-%m-%d %H:%M:%S.%L'));
bench('date-fns format "yyyy-MM-dd HH:mm:ss.SSS"', (i) =>
  dateFnsFormatDate(at(i).ms, '%Y-%m-%d %H:%M:%S.%L'),
);
bench('date-fns format, pattern given directly', (i) =>
  format(new Date(at(i).ms), 'yyyy-MM-dd HH:mm:ss.SSS'),
);
