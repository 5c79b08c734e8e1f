/**
 * The fuzz campaign of issue 16: fuzzed queries (parse, check, print,
 * compile, run over a small event set, spilling at a tiny budget), the
 * readers over a mutated corpus (test/fixtures files truncated, flipped,
 * gzip-damaged, with huge lines), and mutated rules files (detections YAML,
 * Sigma YAML, allow-lists). A case passes when kubetrail either works or
 * throws a `KubetrailError`; any other exception is a failure, and so is a
 * broken invariant (reader counts that do not add up, a prefilter that
 * changes the statistics, a printed query that does not parse back).
 *
 * `scripts/fuzz.ts` runs it for minutes with a hang watchdog;
 * `test/fuzz/fuzz.test.ts` runs a short fixed-seed campaign.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { loadAllowLists } from '../../src/detect/allow-lists.js';
import { BUILT_IN_DETECTIONS } from '../../src/detect/catalogue/index.js';
import {
  createSigmaRunner,
  loadDetections,
  loadSigmaRules,
  runDetections,
  sigmaToInsights,
} from '../../src/detect/index.js';
import { isKubetrailError } from '../../src/errors.js';
import type { LogEvent } from '../../src/log-event.js';
import {
  checkQuery,
  compileQuery,
  createMemorySpillStore,
  type LookupTable,
  lookupTableFromRecords,
  parseQuery,
  printQuery,
} from '../../src/query/index.js';
import { LOG_FORMATS, type ReadSummary, readLogs } from '../../src/read/index.js';
import { query } from '../../src/run/index.js';
import { vendoredExamples } from '../query/support/example-queries.js';
import { FUZZ_LOOKUP_TABLES, fuzzedQuery, mutateBytes, mutateYaml } from './generate.js';
import { caseRng, type Rng } from './random.js';

/** The three things the campaign fuzzes. */
export const FUZZ_TARGETS = ['query', 'reader', 'rules'] as const;
export type FuzzTarget = (typeof FUZZ_TARGETS)[number];

/** What one case came to. */
export interface CaseResult {
  readonly target: FuzzTarget;
  readonly index: number;
  /** `ok`: it worked; `typed`: a KubetrailError; `untyped`: any other exception; `violation`: an invariant broke. */
  readonly outcome: 'ok' | 'typed' | 'untyped' | 'violation';
  /** The error codes of typed errors the case met. */
  readonly codes: readonly string[];
  /** What went wrong, for `untyped` and `violation`. */
  readonly detail?: string;
  /** The input that did it (cut to 400 characters). */
  readonly input?: string;
  readonly ms: number;
}

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const NOW = Date.parse('2024-06-01T00:00:00Z');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? listFiles(path) : [path];
  });
}

/** The corpus and seeds a campaign mutates, loaded once. */
export interface FuzzContext {
  readonly seedQueries: readonly string[];
  readonly events: readonly LogEvent[];
  /** What `SOURCE 'audit'` and `SOURCE 'trail'` select in fuzzed joins, appendcols and subqueries. */
  readonly sources: Readonly<Record<string, readonly LogEvent[]>>;
  /** The lookup tables `users` and `nets` (columns as in `FUZZ_LOOKUP_TABLES`), with a duplicate key, an empty cell, IPv4 and IPv6 ranges. */
  readonly lookups: Readonly<Record<string, LookupTable>>;
  /** Reader corpus: fixture files (name relative to test/fixtures, bytes). */
  readonly corpus: readonly { readonly name: string; readonly bytes: Buffer }[];
  readonly detectionYaml: readonly string[];
  readonly sigmaYaml: readonly { readonly file: string; readonly text: string }[];
  readonly allowListYaml: readonly string[];
  /** Where reader cases write their mutated files. */
  readonly scratch: string;
  dispose(): void;
}

const NOT_LOGS =
  /(^|\/)(SOURCE\.md|README\.md|NOTICE|LICENSE[^/]*)$|\.(ya?ml)$|corpus-jq-counts\.json$|example-queries\//;

/** Loads the seeds: example and detection queries, fixture files, rules files, and a small event set. */
export async function createFuzzContext(): Promise<FuzzContext> {
  const seedQueries = [
    ...vendoredExamples().map((e) => e.query),
    ...BUILT_IN_DETECTIONS.flatMap((d) => d.queries.map((q) => q.query)),
  ];
  const corpus = listFiles(FIXTURES)
    .map((path) => ({ name: relative(FIXTURES, path), path }))
    .filter((f) => !NOT_LOGS.test(f.name))
    .map((f) => ({ name: f.name, bytes: readFileSync(f.path) }))
    .filter((f) => f.bytes.length <= 256 * 1024);
  const events: LogEvent[] = [];
  for (const name of [
    'formats/audit.ndjson',
    'formats/cloudtrail-records.json',
    'formats/klog.log',
    'formats/authenticator.log',
    'formats/cwl-export.txt',
  ]) {
    let n = 0;
    for await (const e of readLogs(join(FIXTURES, name), { onError: 'skip' })) {
      events.push(e);
      if (++n >= 12) break;
    }
  }
  const sources = {
    audit: events.filter((e) => e.kind === 'kubernetes-audit'),
    trail: events.filter((e) => e.kind === 'cloudtrail'),
  };
  const [userCols, netCols] = [FUZZ_LOOKUP_TABLES.users, FUZZ_LOOKUP_TABLES.nets];
  const usernames = [
    ...new Set(sources.audit.map((e) => (e.record as { user?: { username?: unknown } }).user?.username)),
  ].filter((u): u is string => typeof u === 'string');
  const lookups = {
    users: lookupTableFromRecords('users', [
      ...usernames.map((u, i) => ({ [userCols[0]]: u, [userCols[1]]: `team-${i % 3}`, [userCols[2]]: i })),
      { [userCols[0]]: usernames[0] ?? 'admin', [userCols[1]]: 'duplicate', [userCols[2]]: null },
      { [userCols[0]]: '', [userCols[1]]: 'ünïcode 😀' },
    ]),
    nets: lookupTableFromRecords('nets', [
      { [netCols[0]]: '10.0.0.0/8', [netCols[1]]: 'vpc', [netCols[2]]: 'net' },
      { [netCols[0]]: '10.0.0.0/16', [netCols[1]]: 'subnet', [netCols[2]]: 'net' },
      { [netCols[0]]: '0.0.0.0/0', [netCols[1]]: 'internet', [netCols[2]]: 'nobody' },
      { [netCols[0]]: '::/0', [netCols[1]]: 'internet6', [netCols[2]]: 'nobody' },
      { [netCols[0]]: '192.0.2.1', [netCols[1]]: 'host', [netCols[2]]: 42 },
    ]),
  };
  const sigmaDir = join(FIXTURES, 'corpus/sigmahq-rules');
  const sigmaYaml = listFiles(sigmaDir).map((p) => ({ file: basename(p), text: readFileSync(p, 'utf8') }));
  const detectFixtures = fileURLToPath(new URL('../detect/fixtures/', import.meta.url));
  const detectionYaml = [
    readFileSync(join(detectFixtures, 'my-rules.yaml'), 'utf8'),
    ...BUILT_IN_DETECTIONS.slice(0, 40).map((d) => stringify({ detections: [d] })),
  ];
  const allowListYaml = [readFileSync(join(detectFixtures, 'incident-allow-lists.yaml'), 'utf8')];
  const scratch = mkdtempSync(join(tmpdir(), 'kubetrail-fuzz-'));
  return {
    seedQueries,
    events,
    sources,
    lookups,
    corpus,
    detectionYaml,
    sigmaYaml,
    allowListYaml,
    scratch,
    dispose: () => rmSync(scratch, { recursive: true, force: true }),
  };
}

/** Raised inside a case when an invariant breaks (it is not an exception of kubetrail's). */
class Violation {
  constructor(readonly detail: string) {}
}

/** Runs a step: a KubetrailError is noted and returned as undefined; anything else is rethrown. */
async function step<T>(codes: string[], fn: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (isKubetrailError(error)) {
      codes.push(error.code);
      return undefined;
    }
    throw error;
  }
}

async function queryCase(ctx: FuzzContext, rng: Rng, codes: string[]): Promise<string> {
  const text = fuzzedQuery(rng, ctx.seedQueries);
  const ast = await step(codes, () => parseQuery(text));
  await step(codes, () => checkQuery(text));
  if (ast !== undefined) {
    // what prints must parse back to what prints the same
    const printed = printQuery(ast);
    const again = await step(codes, () => printQuery(parseQuery(printed)));
    if (again === undefined)
      throw new Violation(`the printed query does not parse: ${printed.slice(0, 300)}`);
    if (again !== printed)
      throw new Violation(`print is not stable: ${printed.slice(0, 200)} -> ${again.slice(0, 200)}`);
  }
  const spill = rng.chance(0.3);
  const options = {
    now: NOW,
    ...(rng.chance(0.3) ? { limit: rng.pick([1, 5, 100, 10_000]) } : {}),
    ...(rng.chance(0.2) ? { order: rng.pick(['input', 'newest-first'] as const) } : {}),
    ...(rng.chance(0.2) ? { startTime: NOW - 365 * 86_400_000, endTime: NOW } : {}),
    ...(spill ? { memoryBudgetBytes: rng.pick([1, 2048, 65_536]), spill: createMemorySpillStore } : {}),
    // the side inputs of join, appendcols, subqueries, lookup and cidrlookup (sometimes none: unknown at run time)
    ...(rng.chance(0.85) ? { sources: ctx.sources, lookups: ctx.lookups } : {}),
  };
  const compiled = await step(codes, () => compileQuery(text, options));
  if (compiled !== undefined) {
    const events = rng.chance(0.2) ? ctx.events.slice(0, rng.int(ctx.events.length)) : ctx.events;
    const result = await step(codes, () => compiled.run(events));
    if (result !== undefined && spill) {
      // spilled equals in memory
      const {
        spill: _s,
        memoryBudgetBytes: _m,
        ...plain
      } = options as typeof options & {
        spill?: unknown;
        memoryBudgetBytes?: unknown;
      };
      const unlimited = await step([], () =>
        compileQuery(text, { ...plain, memoryBudgetBytes: Number.POSITIVE_INFINITY }).run(events),
      );
      if (unlimited !== undefined && JSON.stringify(unlimited.rows) !== JSON.stringify(result.rows))
        throw new Violation('rows differ with a tiny memory budget (spilled) and an unlimited one');
    }
  }
  return text;
}

/** Where two texts first differ, with some context. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 80);
  return `at ${i}: …${a.slice(from, i + 120)} / …${b.slice(from, i + 120)}`;
}

/** The conservation identity of docs/formats.md; returns what is off, or undefined. */
export function conservationProblem(s: ReadSummary): string | undefined {
  const sum = (o: Readonly<Record<string, number | undefined>>) =>
    Object.values(o).reduce<number>((n, v) => n + (v ?? 0), 0);
  const parts = s.eventsEmitted + s.prefiltered + s.filteredByKind + s.skipped + s.rejected;
  if (s.recordsRead !== parts) return `recordsRead ${s.recordsRead} != ${parts}`;
  if (sum(s.rejectedByCode) !== s.rejected) return 'rejectedByCode does not add up to rejected';
  if (sum(s.fileFaultsByCode) !== s.fileFaults) return 'fileFaultsByCode does not add up to fileFaults';
  if (s.files.reduce((n, f) => n + f.records, 0) !== s.recordsRead) return 'file records do not add up';
  if (s.files.reduce((n, f) => n + f.events, 0) !== s.eventsEmitted) return 'file events do not add up';
  if (!s.rejectionsTruncated && s.rejections.length !== s.rejected + s.fileFaults)
    return `${s.rejections.length} located rejections for ${s.rejected} rejected + ${s.fileFaults} file faults`;
  return undefined;
}

async function readerCase(ctx: FuzzContext, rng: Rng, codes: string[], index: number): Promise<string> {
  const seed = rng.pick(ctx.corpus);
  let bytes = seed.bytes;
  const mutations: string[] = [];
  const n = rng.range(1, 3);
  for (let i = 0; i < n; i++) {
    const m = mutateBytes(bytes, rng, rng.chance(0.1) ? 2 * 1024 * 1024 : 64 * 1024);
    bytes = m.bytes;
    mutations.push(m.mutation);
  }
  const dir = join(ctx.scratch, String(index));
  const path = join(dir, seed.name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
  try {
    const options = {
      onError: 'skip' as const,
      ...(rng.chance(0.3) ? { maxLineBytes: rng.pick([256, 4096, 65_536]) } : {}),
      ...(rng.chance(0.3) ? { maxRecordValues: rng.pick([4, 64, 1000]) } : {}),
      ...(rng.chance(0.15) ? { format: rng.pick(LOG_FORMATS) } : {}),
    };
    const target = rng.chance(0.2) ? dir : path;
    const reader = readLogs(target, options);
    const done = await step(codes, async () => {
      let count = 0;
      for await (const _ of reader) count++;
      return count;
    });
    if (done !== undefined) {
      const problem = conservationProblem(reader.summary);
      if (problem !== undefined) throw new Violation(`counts do not add up: ${problem}`);
    }
    // strict: stops with a typed error or reads the same
    await step(codes, async () => {
      for await (const _ of readLogs(target, { ...options, onError: 'throw' })) {
        // read to the end
      }
    });
    // the prefilter does not change the statistics or the strict outcome
    const q = rng.pick([
      'filter verb = "delete" | stats count(*)',
      'filter eventName = "AssumeRole" | fields eventName',
    ]);
    const onError = rng.pick(['skip', 'throw'] as const);
    const outcome = async (prefilter: boolean) => {
      try {
        const r = await query(target, q, { onError, now: NOW, prefilter });
        // (invalidTimestamps included: it counts the events the prefilter keeps, with it on or off)
        return JSON.stringify({ rows: r.rows, statistics: r.statistics });
      } catch (error) {
        if (!isKubetrailError(error)) throw error;
        codes.push(error.code);
        return JSON.stringify({ code: error.code, message: error.message });
      }
    };
    const on = await outcome(true);
    const off = await outcome(false);
    if (on !== off) throw new Violation(`prefilter on and off differ: ${firstDifference(on, off)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return `${seed.name} (${mutations.join(', ')}, ${bytes.length} bytes)`;
}

async function rulesCase(ctx: FuzzContext, rng: Rng, codes: string[]): Promise<string> {
  const kind = rng.pick(['detections', 'sigma', 'allow-lists'] as const);
  const base =
    kind === 'detections'
      ? rng.pick(ctx.detectionYaml)
      : kind === 'sigma'
        ? rng.pick(ctx.sigmaYaml).text
        : rng.pick(ctx.allowListYaml);
  let text = base;
  const n = rng.range(1, 4);
  for (let i = 0; i < n; i++) text = mutateYaml(text, rng);
  if (kind === 'detections') {
    const detections = await step(codes, () => loadDetections(text, { format: 'yaml', file: 'fuzz.yaml' }));
    if (detections !== undefined)
      await step(codes, () => runDetections(ctx.events, { detections, now: NOW, includeEmpty: true }));
  } else if (kind === 'sigma') {
    const set = await step(codes, () => loadSigmaRules([{ file: 'fuzz.yml', text }]));
    if (set !== undefined) {
      for (const rule of set.rules) await step(codes, () => sigmaToInsights(rule));
      await step(codes, () => {
        const runner = createSigmaRunner(set);
        for (const e of ctx.events) runner.push(e);
        return runner.findings();
      });
    }
  } else {
    await step(codes, () => loadAllowLists(text, { format: 'yaml', file: 'fuzz.yaml' }));
  }
  return `${kind}: ${text}`;
}

/**
 * Runs one case; never throws. `clock` measures it (tests pass one that
 * reads no clock: they assert no timing).
 */
export async function runCase(
  ctx: FuzzContext,
  seed: number,
  target: FuzzTarget,
  index: number,
  clock: () => number = () => performance.now(),
): Promise<CaseResult> {
  const rng = caseRng(seed, target, index);
  const codes: string[] = [];
  const t0 = clock();
  let input: string | undefined;
  try {
    if (target === 'query') input = await queryCase(ctx, rng, codes);
    else if (target === 'reader') input = await readerCase(ctx, rng, codes, index);
    else input = await rulesCase(ctx, rng, codes);
    const ms = clock() - t0;
    return { target, index, outcome: codes.length > 0 ? 'typed' : 'ok', codes, ms };
  } catch (error) {
    const ms = clock() - t0;
    // regenerate the input for the report (the case's rng is deterministic)
    const shown = input ?? describeInput(ctx, seed, target, index);
    if (error instanceof Violation)
      return { target, index, outcome: 'violation', codes, detail: error.detail, input: shown, ms };
    const detail =
      error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
    return { target, index, outcome: 'untyped', codes, detail: detail.slice(0, 2000), input: shown, ms };
  }
}

/** The generated input of a case (queries only; the others name their seed), for reports. */
function describeInput(ctx: FuzzContext, seed: number, target: FuzzTarget, index: number): string {
  if (target !== 'query') return `${target} case ${index} of seed ${seed}`;
  return fuzzedQuery(caseRng(seed, target, index), ctx.seedQueries).slice(0, 400);
}

/** Per-target tallies of a campaign. */
export interface TargetSummary {
  cases: number;
  ok: number;
  typed: number;
  untyped: number;
  violations: number;
  hangs: number;
  maxMs: number;
  totalMs: number;
  readonly codes: Map<string, number>;
  readonly failures: CaseResult[];
}

/** An empty tally per target. */
export function emptySummary(): Record<FuzzTarget, TargetSummary> {
  const make = (): TargetSummary => ({
    cases: 0,
    ok: 0,
    typed: 0,
    untyped: 0,
    violations: 0,
    hangs: 0,
    maxMs: 0,
    totalMs: 0,
    codes: new Map(),
    failures: [],
  });
  return { query: make(), reader: make(), rules: make() };
}

/** Adds a case to the tallies. */
export function tally(summary: Record<FuzzTarget, TargetSummary>, r: CaseResult): void {
  const s = summary[r.target];
  s.cases++;
  s.totalMs += r.ms;
  if (r.ms > s.maxMs) s.maxMs = r.ms;
  if (r.outcome === 'ok') s.ok++;
  else if (r.outcome === 'typed') s.typed++;
  else if (r.outcome === 'untyped') s.untyped++;
  else s.violations++;
  for (const c of new Set(r.codes)) s.codes.set(c, (s.codes.get(c) ?? 0) + 1);
  if ((r.outcome === 'untyped' || r.outcome === 'violation') && s.failures.length < 20) s.failures.push(r);
}

/** The summary as a Markdown table, with the most frequent error codes and the first failures. */
export function formatSummary(summary: Record<FuzzTarget, TargetSummary>, seed: number): string {
  const lines = [
    '| target | cases | ok | typed error | untyped | invariant broken | hang | mean ms | max ms | distinct codes |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const t of FUZZ_TARGETS) {
    const s = summary[t];
    const mean = s.cases === 0 ? 0 : s.totalMs / s.cases;
    lines.push(
      `| ${t} | ${s.cases} | ${s.ok} | ${s.typed} | ${s.untyped} | ${s.violations} | ${s.hangs} | ${mean.toFixed(1)} | ${s.maxMs.toFixed(0)} | ${s.codes.size} |`,
    );
  }
  for (const t of FUZZ_TARGETS) {
    const top = [...summary[t].codes].sort((a, b) => b[1] - a[1]).slice(0, 8);
    if (top.length > 0) lines.push('', `${t}: ${top.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  }
  for (const t of FUZZ_TARGETS) {
    for (const f of summary[t].failures) {
      lines.push(
        '',
        `FAIL ${f.outcome} ${t}#${f.index} (replay: --seed ${seed} --replay ${t}:${f.index})`,
        `  input: ${JSON.stringify((f.input ?? '').slice(0, 400))}`,
        `  ${(f.detail ?? '').split('\n').slice(0, 6).join('\n  ')}`,
      );
    }
  }
  return lines.join('\n');
}
