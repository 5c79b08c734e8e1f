/**
 * Runs detections over events: compile every query up front, read the input
 * once, feed every compiled query, and group result rows into findings.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import type { Command, QueryAst } from '../query/ast.js';
import type { Row } from '../query/row.js';
import { type AllowLists, allowListTest, applicableLists } from './allow-lists.js';
import { broadcast } from './broadcast.js';
import { BUILT_IN_DETECTIONS, listDetections, severityRank } from './catalogue/index.js';
import { buildRouter, type IndexKey, indexKeyOf } from './detection-index.js';
import { DetectError } from './errors.js';
import { type EventGate, type GateSetOptions, gateSetFor } from './event-gate.js';
import { batchesOf, EventChannel } from './lockstep.js';
import type { ResultRowLike } from './result-row.js';
import { createSigmaRunner, type SigmaRunner } from './sigma/run.js';
import type { SigmaRuleSet } from './sigma/types.js';
import type { Detection, DetectionFilter, DetectionSourceRule, Finding } from './types.js';

/** The part of a compiled query that detections use (the engine's `CompiledQuery`). @internal */
export interface DetectionCompiledQuery {
  /** The parsed query, when the compiler gives it: detections are then indexed (see `detection-index.ts`). */
  readonly ast?: QueryAst;
  run(
    events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
    options?: { signal?: AbortSignal },
  ): Promise<{
    readonly rows: readonly ResultRowLike[];
    readonly statistics: { readonly recordsMatched: number };
  }>;
}

/**
 * Compiles one query: the engine's `compileQuery`. When it also carries
 * `parse` (the engine's `parseQuery`), the indexed run parses every query up
 * front (syntax errors still throw before any input is read) and compiles a
 * query only when the index first routes an event to it, or at the end when
 * its result on no events is not known to be empty (see
 * {@link emptyInputGivesNoRows}). @internal
 */
export type DetectionCompiler = ((
  query: string,
  options: DetectionCompileOptions,
  /** Where the query sits among the run's queries (see {@link DetectionSlot}). */
  slot: number,
) => DetectionCompiledQuery) & { readonly parse?: (query: string) => QueryAst };

/** The compile options a detection run gives every query. @internal */
export interface DetectionCompileOptions {
  limit?: number;
  startTime?: number;
  endTime?: number;
  now?: number;
}

/**
 * One query of a detection run, numbered in the order the run plans them
 * (`slot`): every query of every selected detection in catalogue order, each
 * followed by its allow-list shadow when an allow-list applies. Two runs with
 * the same detections, filter and allow-lists number their queries alike,
 * which is how a run split over worker threads is finished (see
 * {@link DetectionRunHooks}). @internal
 */
export interface DetectionSlot {
  readonly slot: number;
  readonly query: string;
  readonly options: DetectionCompileOptions;
}

/** The result of one query of a detection run. @internal */
export type DetectionQueryResult = Awaited<ReturnType<DetectionCompiledQuery['run']>>;

/** Hooks of {@link runDetectionsWith}. @internal */
export interface DetectionRunHooks {
  /**
   * Gives every slot's result instead of reading the input: the calling
   * thread of a run split over worker threads finishes each query from the
   * parts the threads handed back; the findings are then made as usual.
   */
  readonly results?: (
    slots: readonly DetectionSlot[],
    runOptions: { signal?: AbortSignal },
  ) => Promise<DetectionQueryResult[]>;
}

/**
 * Options of `runDetections`.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { type RunDetectionsOptions, runDetections } from 'kubetrail/detect';
 * const options: RunDetectionsOptions = {
 *   filter: { minSeverity: 'medium' },
 *   allowLists: { cidrs: ['192.0.2.200/32'], users: ['ci-deployer'] },
 *   sampleLimit: 3,
 *   now: Date.parse('2024-05-15T00:00:00Z'),
 * };
 * const findings = await runDetections(readLogs('samples/incident/'), options);
 * ```
 */
export interface RunDetectionsOptions {
  /** The detection set; the built-ins by default. */
  readonly detections?: readonly Detection[];
  /** Which of them to run (see {@link listDetections}); all enabled ones by default. */
  readonly filter?: DetectionFilter;
  /** Sample rows kept per finding. @defaultValue 5 */
  readonly sampleLimit?: number;
  /** Row cap per query, passed to the engine. @defaultValue 10000 */
  readonly limit?: number;
  /** Inclusive time window on `@timestamp` (epoch ms). */
  readonly startTime?: number;
  readonly endTime?: number;
  /** Epoch ms for `now()`; pass it for reproducible runs. */
  readonly now?: number;
  readonly signal?: AbortSignal;
  /** Include detections with zero rows in the result. @defaultValue false */
  readonly includeEmpty?: boolean;
  /**
   * `'indexed'` feeds each query only the events its required literals let
   * through (see `detection-index.ts`); `'naive'` feeds every query every
   * event of its kind. Both give the same findings (property-tested).
   * @defaultValue 'indexed'
   * @internal
   */
  readonly strategy?: 'indexed' | 'naive';
  /**
   * The indexed run's event gates (see `event-gate.ts`): on, with one field
   * read per event, by default; tests turn the cache or the gates off to
   * check that both give the same findings.
   * @internal
   */
  readonly gates?: GateSetOptions;
  /**
   * Sigma rules to run in the same pass (see `loadSigmaRules`); their
   * findings join the others', with `sigma` metadata.
   */
  readonly sigma?: SigmaRuleSet;
  /**
   * Trusted CIDRs, users, service accounts, namespaces and user agents.
   * Each applies only to detections that declare it (`Detection.allowLists`);
   * the events it matches are withheld from those detections and counted in
   * `Finding.suppressed`.
   */
  readonly allowLists?: AllowLists;
  /** The most matches of correlated Sigma rules kept (see `SigmaRunOptions`). @defaultValue 1,000,000 */
  readonly maxCorrelationEvents?: number;
}

interface Planned {
  readonly detection: Detection;
  readonly index: number;
  /** The compiled query, compiled on first call (errors wrapped as `invalid_detection_query`). */
  readonly compiled: () => DetectionCompiledQuery;
  /** The parsed query when known without compiling (lazy runs). */
  readonly ast: QueryAst | undefined;
  readonly key: IndexKey | undefined;
  /** Only events passing this reach the query (allow-lists); none when undefined. */
  readonly gate?: (event: LogEvent) => boolean;
  /** A shadow copy that sees only the events the allow-lists withheld. */
  readonly shadow?: true;
}

/**
 * Runs detections with a given compiler (the engine's `compileQuery`).
 * Every query is compiled before any input is read (a bad query throws
 * `DetectError` `invalid_detection_query`); the input is then read once and
 * each event is fed to the queries of detections of its kind. Findings come
 * back most severe first, then by catalogue order. This is the seam that
 * `runDetections` binds to the engine and tests drive with a stub compiler;
 * it is not exported from the package.
 *
 * @internal
 * @example
 * ```ts
 * import { compileQuery } from '../query/index.js';
 * const findings = await runDetectionsWith(compileQuery, events, { filter: { minSeverity: 'high' } });
 * ```
 */
export async function runDetectionsWith(
  compile: DetectionCompiler,
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  options: RunDetectionsOptions = {},
  hooks: DetectionRunHooks = {},
): Promise<Finding[]> {
  const selected = listDetections(options.filter ?? {}, options.detections ?? BUILT_IN_DETECTIONS);
  const compileOptions: DetectionCompileOptions = {
    limit: options.limit ?? 10_000,
    ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
    ...(options.endTime === undefined ? {} : { endTime: options.endTime }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  const lazy = compile.parse !== undefined && options.strategy !== 'naive';
  const planned: Planned[] = [];
  for (const detection of selected) {
    const withheld = allowListTest(detection, options.allowLists);
    detection.queries.forEach((q, index) => {
      const wrap = (cause: unknown): DetectError => {
        const message = cause instanceof Error ? cause.message : String(cause);
        return new DetectError('invalid_detection_query', `${detection.id} query ${index + 1}: ${message}`, {
          cause,
        });
      };
      // the query's slot, and its shadow's right after it
      const slot = planned.length;
      const compileOne = (at: number): DetectionCompiledQuery => {
        try {
          return compile(q.query, compileOptions, at);
        } catch (cause) {
          throw wrap(cause);
        }
      };
      const lazily = (at: number): (() => DetectionCompiledQuery) => {
        let compiled: DetectionCompiledQuery | undefined;
        return () => {
          compiled ??= compileOne(at);
          return compiled;
        };
      };
      let ast: QueryAst | undefined;
      let compiled: () => DetectionCompiledQuery;
      let shadowCompiled: () => DetectionCompiledQuery = lazily(slot + 1);
      if (lazy) {
        try {
          ast = compile.parse!(q.query);
        } catch (cause) {
          throw wrap(cause);
        }
        compiled = lazily(slot);
      } else {
        const now = compileOne(slot);
        ast = now.ast;
        compiled = () => now;
        if (withheld !== undefined) {
          const shadow = compileOne(slot + 1);
          shadowCompiled = () => shadow;
        }
      }
      const key = ast === undefined ? undefined : indexKeyOf(ast, q.query, detection.kind);
      if (withheld === undefined) planned.push({ detection, index, compiled, ast, key });
      else {
        planned.push({ detection, index, compiled, ast, key, gate: (e) => !withheld(e) });
        planned.push({
          detection,
          index,
          compiled: shadowCompiled,
          ast,
          key,
          gate: withheld,
          shadow: true,
        });
      }
    });
  }
  const sigma =
    options.sigma === undefined
      ? undefined
      : createSigmaRunner(options.sigma, {
          sampleLimit: options.sampleLimit ?? 5,
          ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
          ...(options.endTime === undefined ? {} : { endTime: options.endTime }),
          ...(options.maxCorrelationEvents === undefined
            ? {}
            : { maxCorrelationEvents: options.maxCorrelationEvents }),
        });
  const source = sigma === undefined ? events : tapped(events, sigma);
  if (planned.length === 0 && sigma === undefined) return [];
  const runOptions = options.signal === undefined ? {} : { signal: options.signal };
  let results: RunResult[] = [];
  if (hooks.results !== undefined)
    results = await hooks.results(
      planned.map((p, slot) => ({
        slot,
        query: p.detection.queries[p.index]!.query,
        options: compileOptions,
      })),
      runOptions,
    );
  else if (planned.length === 0) {
    for await (const _ of batchesOf(source)) {
      // the tap feeds the Sigma rules
    }
  } else if (options.strategy === 'naive') results = await runNaive(planned, source, runOptions);
  else results = await runIndexed(planned, source, runOptions, sigma !== undefined, options.gates);
  const sampleLimit = options.sampleLimit ?? 5;
  const byDetection = new Map<
    string,
    {
      detection: Detection;
      parts: { index: number; rows: readonly ResultRowLike[]; recordsMatched: number }[];
    }
  >();
  const suppressed = new Map<string, { records: number; rows: number }>();
  planned.forEach((p, i) => {
    const r = results[i]!;
    if (p.shadow === true) {
      const s = suppressed.get(p.detection.id) ?? { records: 0, rows: 0 };
      s.records += r.statistics.recordsMatched;
      s.rows += r.rows.length;
      suppressed.set(p.detection.id, s);
      return;
    }
    let entry = byDetection.get(p.detection.id);
    if (entry === undefined) {
      entry = { detection: p.detection, parts: [] };
      byDetection.set(p.detection.id, entry);
    }
    entry.parts.push({ index: p.index, rows: r.rows, recordsMatched: r.statistics.recordsMatched });
  });
  const findings: Finding[] = [];
  for (const { detection, parts } of byDetection.values()) {
    const base = toFinding(detection, parts, sampleLimit);
    const s = suppressed.get(detection.id);
    const finding =
      s === undefined
        ? base
        : { ...base, suppressed: { ...s, lists: applicableLists(detection, options.allowLists) } };
    if (finding.count > 0 || (s?.records ?? 0) > 0 || options.includeEmpty === true) findings.push(finding);
  }
  const sigmaFindings = sigma?.findings() ?? [];
  findings.push(...sigmaFindings);
  const order = new Map(
    [...selected.map((d) => d.id), ...sigmaFindings.map((f) => f.detectionId)].map((id, i) => [id, i]),
  );
  return findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      order.get(a.detectionId)! - order.get(b.detectionId)!,
  );
}

/**
 * Groups one detection's result rows into a finding: row count, matched
 * records, first/last seen (the earliest and latest timestamp cell in any
 * row — `@timestamp`, `bin(...)`, `first_seen`, `last_seen`) and samples.
 *
 * @example
 * ```ts
 * toFinding(detection, [{ index: 0, rows: [{ '@timestamp': new Date(0) }], recordsMatched: 1 }], 5).count; //=> 1
 * ```
 */
export function toFinding(
  detection: Detection,
  parts: readonly {
    readonly index: number;
    readonly rows: readonly ResultRowLike[];
    readonly recordsMatched: number;
  }[],
  sampleLimit: number,
): Finding {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let count = 0;
  let recordsMatched = 0;
  const samples: ResultRowLike[] = [];
  for (const part of parts) {
    count += part.rows.length;
    recordsMatched += part.recordsMatched;
    for (const row of part.rows) {
      if (samples.length < sampleLimit) samples.push(row);
      for (const key of Object.keys(row)) {
        const v = row[key];
        if (v instanceof Date) {
          const t = v.getTime();
          if (Number.isFinite(t)) {
            if (t < first) first = t;
            if (t > last) last = t;
          }
        }
      }
    }
  }
  const source = sourceRuleOf(detection);
  return {
    detectionId: detection.id,
    title: detection.title,
    severity: detection.severity,
    mitre: detection.mitre,
    kind: detection.kind,
    ...(source === undefined ? {} : { source }),
    count,
    recordsMatched,
    ...(Number.isFinite(first) ? { firstSeen: first, lastSeen: last } : {}),
    samples,
    queries: parts.map((p) => ({ index: p.index, rows: p.rows.length, recordsMatched: p.recordsMatched })),
  };
}

/**
 * The rule a detection mirrors, named as its rule set names it: Falco's rule
 * name (with its priority and earlier names), Panther's RuleID or
 * GuardDuty's finding type; `undefined` for kubetrail's own detections.
 *
 * @example
 * ```ts
 * sourceRuleOf(BUILT_IN_DETECTIONS.find((d) => d.id === 'falco.attach-exec-pod')!);
 * //=> { ruleSet: 'falco', rule: 'Attach/Exec Pod', priority: 'NOTICE' }
 * ```
 */
export function sourceRuleOf(detection: Detection): DetectionSourceRule | undefined {
  if (detection.falcoRule !== undefined)
    return {
      ruleSet: 'falco',
      rule: detection.falcoRule,
      ...(detection.falcoPriority === undefined ? {} : { priority: detection.falcoPriority }),
      ...(detection.falcoFormerRules === undefined ? {} : { formerly: detection.falcoFormerRules }),
    };
  if (detection.pantherRule !== undefined) return { ruleSet: 'panther', rule: detection.pantherRule };
  if (detection.guardDutyFinding !== undefined)
    return { ruleSet: 'guardduty', rule: detection.guardDutyFinding };
  return undefined;
}

/** The events, with every batch also pushed through the Sigma rules as it passes. */
function tapped(
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  sigma: SigmaRunner,
): AsyncIterable<LogEvent> & { batches(): AsyncIterable<readonly LogEvent[]> } {
  async function* batches(): AsyncGenerator<readonly LogEvent[]> {
    for await (const batch of batchesOf(events)) {
      for (const e of batch) sigma.push(e);
      yield batch;
    }
  }
  return {
    batches,
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches()) yield* batch;
    },
  };
}

type RunResult = DetectionQueryResult;

/** Every query sees every event of its kind (the reference the index is tested against). */
function runNaive(
  planned: readonly Planned[],
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  runOptions: { signal?: AbortSignal },
): Promise<RunResult[]> {
  const streams = broadcast(events, planned.length);
  return Promise.all(
    planned.map((p, i) => p.compiled().run(ofKind(streams[i]!, p.detection.kind, p.gate), runOptions)),
  );
}

/**
 * Reads the input once in batches; routes each event to the queries its
 * literals can reach; hands every query its share of the batch, and reads
 * the next batch when all have taken theirs.
 */
async function runIndexed(
  planned: readonly Planned[],
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  runOptions: { signal?: AbortSignal },
  readAll = false,
  gateOptions: GateSetOptions = {},
): Promise<RunResult[]> {
  const router = buildRouter(planned.map((p) => ({ kind: p.detection.kind, key: p.key })));
  // each query's leading filter, run here once per routed event (compiled on first use, shared by
  // a query and its allow-list shadow): most routed events fail it and are never handed over
  const gateSet = gateSetFor(gateOptions);
  const gates: (EventGate | undefined | null)[] = planned.map(() => null);
  const gateAt = (q: number): EventGate | undefined => {
    let gate = gates[q];
    if (gate !== null) return gate;
    const p = planned[q]!;
    gate = p.ast === undefined ? undefined : gateSet.compile(p.ast, p.detection.queries[p.index]!.query);
    gates[q] = gate;
    return gate;
  };
  const channels = planned.map(() => new EventChannel());
  const runs: (Promise<RunResult> | undefined)[] = planned.map(() => undefined);
  // a query starts when its first share arrives; one that gets none may never compile
  const start = (q: number): Promise<RunResult> => {
    const channel = channels[q]!;
    const run = planned[q]!.compiled().run(channel, runOptions);
    run.then(
      () => channel.abandon(),
      () => channel.abandon(),
    );
    runs[q] = run;
    return run;
  };
  const drive = async (): Promise<RunResult[]> => {
    const shares: LogEvent[][] = planned.map(() => []);
    const settled: Promise<RunResult>[] = [];
    try {
      for await (const batch of batchesOf(events)) {
        for (const event of batch) {
          const targets = router.route(event);
          if (targets.length === 0) continue;
          let row: Row | undefined;
          for (const q of targets) {
            const passes = gateAt(q);
            if (passes !== undefined) {
              row ??= gateSet.rowFor(event);
              if (!passes(row)) continue;
            }
            const gate = planned[q]!.gate;
            if (gate === undefined || gate(event)) shares[q]!.push(event);
          }
        }
        const waits: Promise<void>[] = [];
        for (let q = 0; q < shares.length; q++) {
          const share = shares[q]!;
          if (share.length === 0) continue;
          shares[q] = [];
          const channel = channels[q]!;
          if (runs[q] === undefined) settled.push(start(q));
          if (!channel.closed) waits.push(channel.deliver(share));
        }
        await Promise.all(waits);
        if (!readAll && channels.every((c) => c.closed)) break;
      }
      for (let q = 0; q < planned.length; q++) {
        const ast = planned[q]!.ast;
        if (runs[q] === undefined && (ast === undefined || !emptyInputGivesNoRows(ast)))
          settled.push(start(q));
      }
    } catch (error) {
      for (const c of channels) c.end({ error });
      await Promise.allSettled(settled);
      throw error;
    }
    for (const c of channels) c.end();
    await Promise.all(settled);
    return Promise.all(runs.map((run) => run ?? Promise.resolve(NO_ROWS)));
  };
  return drive();
}

const NO_ROWS: RunResult = { rows: [], statistics: { recordsMatched: 0 } };

/** Commands that pass no rows on when they get none (a `stats` without `by` makes one row from nothing). */
const EMPTY_STAYS_EMPTY: ReadonlySet<Command['kind']> = new Set<Command['kind']>([
  'FilterCommand',
  'FilterIndexCommand',
  'FieldsCommand',
  'DisplayCommand',
  'ParseCommand',
  'JsonCommand',
  'UnnestCommand',
  'SortCommand',
  'LimitCommand',
  'DedupCommand',
]);

/**
 * Whether a query gives no rows and matches no records on no events, so a
 * query the index never fed need not be compiled. Only commands known to
 * pass nothing on from nothing count; any other (a `stats` without `by`,
 * `addtotals`, `fillmissing`, …) means the query is compiled and run on the
 * empty input instead.
 *
 * @example
 * ```ts
 * emptyInputGivesNoRows(parseQuery('filter verb = "get" | stats count(*) by user.username')); //=> true
 * emptyInputGivesNoRows(parseQuery('stats count(*)')); //=> false
 * ```
 */
export function emptyInputGivesNoRows(ast: QueryAst): boolean {
  return ast.commands.every(
    (c) => EMPTY_STAYS_EMPTY.has(c.kind) || (c.kind === 'StatsCommand' && c.groups.length > 0),
  );
}

async function* ofKind(
  events: AsyncIterable<LogEvent>,
  kind: Detection['kind'],
  gate: ((event: LogEvent) => boolean) | undefined,
): AsyncGenerator<LogEvent> {
  for await (const e of events) if (e.kind === kind && (gate === undefined || gate(e))) yield e;
}
