/**
 * Runs loaded Sigma rules over events as they stream by: each event is
 * tested once against the rules of its kind (field values shared between
 * rules), matches become findings, and the matches of correlated rules are
 * kept (bounded) until the end, when the correlations are evaluated.
 *
 * Correlation windows are anchored at each event of a group: the window of
 * event `e` holds the group's events from `e` through `e.time + timespan`.
 * A group matches when the condition holds for some window; the finding row
 * shows the first such window. So `gte` conditions find the densest
 * window, and `lt`/`lte` ones a window with few events.
 *
 * @module
 */
import type { LogEvent } from '../../log-event.js';
import { eventPointer } from '../../query/row.js';
import type { Value } from '../../query/value.js';
import { DetectError } from '../errors.js';
import type { ResultRowLike } from '../result-row.js';
import type { Finding } from '../types.js';
import { sigmaEventView } from './load.js';
import type {
  CorrelationCondition,
  SigmaCorrelation,
  SigmaEventView,
  SigmaMeta,
  SigmaRule,
  SigmaRuleSet,
} from './types.js';

/** Options of {@link createSigmaRunner}. */
export interface SigmaRunOptions {
  /** Sample rows kept per finding. @defaultValue 5 */
  readonly sampleLimit?: number;
  /** Inclusive window on `@timestamp` (epoch ms). */
  readonly startTime?: number;
  readonly endTime?: number;
  /**
   * The most matches of correlated rules kept for correlation; more stops
   * the run with `DetectError` `sigma_correlation_limit` rather than drop any.
   * @defaultValue 1,000,000
   */
  readonly maxCorrelationEvents?: number;
}

/** Pushes events through Sigma rules; `findings()` once the input ends. */
export interface SigmaRunner {
  push(event: LogEvent): void;
  findings(): Finding[];
}

interface Kept {
  readonly t: number;
  readonly rule: number;
  readonly group: string;
  readonly groupValues: readonly Value[];
  readonly values: readonly unknown[];
  readonly ptr: string;
}

function cell(values: readonly unknown[]): Value {
  const v = values.find((x) => x !== undefined);
  if (v === undefined) return undefined;
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** The detection id a Sigma rule's findings carry: `sigma.` and the rule id (or a slug of its title). */
export function sigmaDetectionId(meta: SigmaMeta): string {
  const base = meta.id ?? meta.name ?? meta.title;
  return `sigma.${base
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '')}`;
}

function sigmaSource(meta: SigmaMeta): NonNullable<Finding['sigma']> {
  return {
    ...(meta.id === undefined ? {} : { id: meta.id }),
    title: meta.title,
    level: meta.level,
    ...(meta.author === undefined ? {} : { author: meta.author }),
    references: meta.references,
    ...(meta.status === undefined ? {} : { status: meta.status }),
    file: meta.position.file,
    line: meta.position.line,
  };
}

function holds(c: CorrelationCondition, n: number): boolean {
  if (c.gt !== undefined && !(n > c.gt)) return false;
  if (c.gte !== undefined && !(n >= c.gte)) return false;
  if (c.lt !== undefined && !(n < c.lt)) return false;
  if (c.lte !== undefined && !(n <= c.lte)) return false;
  if (c.eq !== undefined && n !== c.eq) return false;
  if (c.neq !== undefined && n === c.neq) return false;
  return true;
}

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** One correlation's answer for one window, or `undefined` when it does not hold. */
function evaluateWindow(c: SigmaCorrelation, win: readonly Kept[]): Record<string, Value> | undefined {
  switch (c.type) {
    case 'event_count':
      return holds(c.condition, win.length) ? { events: win.length } : undefined;
    case 'value_count': {
      const distinct = new Set(win.map((k) => JSON.stringify(k.values)));
      return holds(c.condition, distinct.size)
        ? { events: win.length, distinct_values: distinct.size }
        : undefined;
    }
    case 'value_sum':
    case 'value_avg': {
      const nums = win.map((k) => numeric(k.values[0])).filter((n): n is number => n !== undefined);
      if (nums.length === 0) return undefined;
      const sum = nums.reduce((a, b) => a + b, 0);
      const v = c.type === 'value_sum' ? sum : sum / nums.length;
      return holds(c.condition, v)
        ? { events: win.length, [c.type === 'value_sum' ? 'sum' : 'avg']: v }
        : undefined;
    }
    case 'value_percentile': {
      const counts = new Map<string, number>();
      for (const k of win) {
        const key = JSON.stringify(k.values);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      for (const [key, n] of counts) {
        const pct = (100 * n) / win.length;
        if (holds(c.condition, pct)) return { events: win.length, value: key, percent: pct };
      }
      return undefined;
    }
    case 'temporal': {
      const seen = new Set(win.map((k) => k.rule));
      const ok =
        Object.keys(c.condition).length === 0 ? seen.size === c.rules.length : holds(c.condition, seen.size);
      return ok ? { events: win.length, rules: seen.size } : undefined;
    }
    default:
      return undefined;
  }
}

/** Whether the window's events hold the correlated rules in order (greedy, earliest first). */
function inOrder(c: SigmaCorrelation, win: readonly Kept[]): boolean {
  let want = 0;
  for (const k of win) {
    if (k.rule === want) want++;
    if (want === c.rules.length) return true;
  }
  return false;
}

/**
 * Makes a runner for a loaded rule set.
 *
 * @example
 * ```ts
 * const runner = createSigmaRunner(loadSigmaRules([{ file: 'r.yml', text }]));
 * for (const e of events) runner.push(e);
 * runner.findings();
 * ```
 */
export function createSigmaRunner(set: SigmaRuleSet, options: SigmaRunOptions = {}): SigmaRunner {
  const sampleLimit = options.sampleLimit ?? 5;
  const maxKept = options.maxCorrelationEvents ?? 1_000_000;
  const byKind = new Map<string, number[]>();
  set.rules.forEach((r, i) => {
    const list = byKind.get(r.kind) ?? [];
    list.push(i);
    byKind.set(r.kind, list);
  });
  const stats = set.rules.map(() => ({
    count: 0,
    first: Infinity,
    last: -Infinity,
    samples: [] as ResultRowLike[],
  }));
  const corrOf = set.rules.map((_, i) =>
    set.correlations.flatMap((c, ci) => (c.rules.includes(i) ? [ci] : [])),
  );
  const kept: Kept[][] = set.correlations.map(() => []);
  let keptTotal = 0;
  let ordinal = 0;

  const sampleRow = (rule: SigmaRule, event: LogEvent, view: SigmaEventView, ptr: string): ResultRowLike => {
    const row: Record<string, Value> = { '@timestamp': new Date(event.timestamp) };
    for (const f of rule.fields) row[f] = cell(view.values(f));
    row['@ptr'] = ptr;
    return row;
  };

  return {
    push(event) {
      const n = ordinal++;
      const rules = byKind.get(event.kind);
      if (rules === undefined) return;
      const t = event.timestamp;
      if (options.startTime !== undefined && !(t >= options.startTime)) return;
      if (options.endTime !== undefined && !(t <= options.endTime)) return;
      const view = sigmaEventView(event.record, event.message);
      for (const i of rules) {
        const rule = set.rules[i] as SigmaRule;
        if (!rule.test(view)) continue;
        const s = stats[i] as (typeof stats)[number];
        const ptr = eventPointer(event, n);
        s.count++;
        if (t < s.first) s.first = t;
        if (t > s.last) s.last = t;
        if (s.samples.length < sampleLimit) s.samples.push(sampleRow(rule, event, view, ptr));
        for (const ci of corrOf[i] as number[]) {
          const c = set.correlations[ci] as SigmaCorrelation;
          const pos = c.rules.indexOf(i);
          const fields = c.groupBy[pos] ?? [];
          const groupValues = fields.map((f) => cell(view.values(f)) ?? null);
          if (++keptTotal > maxKept)
            throw new DetectError(
              'sigma_correlation_limit',
              `correlation "${c.meta.title}": more than ${maxKept} matching events kept for correlation (raise maxCorrelationEvents)`,
            );
          const values = (c.condition.field ?? []).map((f) => cell(view.values(f)) ?? null);
          (kept[ci] as Kept[]).push({
            t,
            rule: pos,
            group: JSON.stringify(groupValues),
            groupValues,
            values,
            ptr,
          });
        }
      }
    },
    findings() {
      const out: Finding[] = [];
      set.rules.forEach((rule, i) => {
        const s = stats[i] as (typeof stats)[number];
        if (!rule.generate || s.count === 0) return;
        out.push({
          detectionId: sigmaDetectionId(rule.meta),
          title: rule.meta.title,
          severity: rule.severity,
          mitre: rule.mitre,
          kind: rule.kind,
          count: s.count,
          recordsMatched: s.count,
          firstSeen: s.first,
          lastSeen: s.last,
          samples: s.samples,
          queries: [{ index: 0, rows: s.count, recordsMatched: s.count }],
          sigma: sigmaSource(rule.meta),
        });
      });
      set.correlations.forEach((c, ci) => {
        const groups = new Map<string, Kept[]>();
        for (const k of kept[ci] as Kept[]) {
          const g = groups.get(k.group);
          if (g === undefined) groups.set(k.group, [k]);
          else g.push(k);
        }
        const rows: ResultRowLike[] = [];
        let first = Infinity;
        let last = -Infinity;
        let matched = 0;
        for (const list of groups.values()) {
          list.sort((a, b) => a.t - b.t);
          let end = 0;
          for (let start = 0; start < list.length; start++) {
            const s0 = list[start] as Kept;
            if (end < start) end = start;
            while (end + 1 < list.length && (list[end + 1] as Kept).t - s0.t <= c.timespanMs) end++;
            const win = list.slice(start, end + 1);
            const answer =
              c.type === 'temporal_ordered'
                ? inOrder(c, win)
                  ? { events: win.length }
                  : undefined
                : evaluateWindow(c, win);
            if (answer === undefined) continue;
            const row: Record<string, Value> = {};
            c.groupNames.forEach((g, gi) => {
              row[g] = s0.groupValues[gi];
            });
            row.first_seen = new Date(s0.t);
            row.last_seen = new Date((win.at(-1) as Kept).t);
            Object.assign(row, answer);
            row['@ptr'] = s0.ptr;
            rows.push(row);
            matched += win.length;
            if (s0.t < first) first = s0.t;
            if ((win.at(-1) as Kept).t > last) last = (win.at(-1) as Kept).t;
            break;
          }
        }
        if (rows.length === 0) return;
        out.push({
          detectionId: sigmaDetectionId(c.meta),
          title: c.meta.title,
          severity: c.severity,
          mitre: c.mitre,
          kind: (set.rules[c.rules[0] as number] as SigmaRule).kind,
          count: rows.length,
          recordsMatched: matched,
          firstSeen: first,
          lastSeen: last,
          samples: rows.slice(0, sampleLimit),
          queries: [{ index: 0, rows: rows.length, recordsMatched: matched }],
          sigma: { ...sigmaSource(c.meta), correlation: c.type },
        });
      });
      return out;
    },
  };
}
