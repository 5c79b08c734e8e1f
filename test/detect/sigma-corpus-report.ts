/**
 * The SigmaHQ corpus report: the load/run status of the 73 vendored SigmaHQ
 * rules, and which of them fire on the labelled events (Stratus Red Team
 * detonations, Panther's rule tests, Falco's traces), with the misses
 * explained. Used by test/detect/sigma-corpus.test.ts and by
 * scripts/generate-detection-docs.ts (the tables in docs/detections.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SigmaCorpusReport } from '../../src/detect/sigma/docs.js';
import { loadSigmaRules, sigmaEventView } from '../../src/detect/sigma/load.js';
import type { SigmaRule } from '../../src/detect/sigma/types.js';
import type { LogEvent } from '../../src/log-event.js';
import { readLogs } from '../../src/read/index.js';

const CORPUS = new URL('../fixtures/corpus/', import.meta.url);

/** The vendored rules, as `loadSigmaRules` sources with paths relative to the repository. */
export function sigmaHqSources(): { file: string; text: string }[] {
  const root = new URL('sigmahq-rules/', CORPUS);
  return ['cloudtrail', 'kubernetes-audit'].flatMap((dir) =>
    readdirSync(new URL(`${dir}/`, root))
      .filter((f) => f.endsWith('.yml'))
      .sort()
      .map((f) => ({
        file: `test/fixtures/corpus/sigmahq-rules/${dir}/${f}`,
        text: readFileSync(new URL(`${dir}/${f}`, root), 'utf8'),
      })),
  );
}

async function events(dir: string): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  for await (const e of readLogs([fileURLToPath(new URL(dir, CORPUS))], {
    onError: 'skip',
    skipUnknownFormats: true,
  }))
    out.push(e);
  return out;
}

/** The eventName / objectRef.resource literals a rule names (what it "targets"). */
function targets(rule: SigmaRule): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown, key: string): void => {
    if (Array.isArray(v)) for (const x of v) visit(x, key);
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) visit(x, k);
    else if ((key === 'eventName' || key === 'objectRef.resource') && typeof v === 'string') out.add(v);
  };
  visit(rule.detection, '');
  return out;
}

function why(rule: SigmaRule, candidates: readonly LogEvent[]): string {
  const failing = new Map<string, number>();
  const passing = new Map<string, number>();
  for (const e of candidates) {
    const view = sigmaEventView(e.record, e.message);
    for (const [name, t] of Object.entries(rule.searches)) {
      const m = t(view) ? passing : failing;
      m.set(name, (m.get(name) ?? 0) + 1);
    }
  }
  const sel = [...failing.keys()].filter((n) => !/^filter/.test(n));
  const filters = [...passing.keys()].filter((n) => /^filter/.test(n));
  const parts: string[] = [];
  const needs = (name: string): string => {
    const block = (rule.detection as Record<string, unknown>)[name];
    if (block === null || typeof block !== 'object' || Array.isArray(block)) return '';
    const extra = Object.entries(block as Record<string, unknown>)
      .filter(([k]) => !/^(eventName|eventSource)(\||$)/.test(k))
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
    return extra.length === 0 ? '' : ` (it needs ${extra.join(', ')})`;
  };
  if (sel.length) parts.push(sel.map((n) => `${n} did not match${needs(n)}`).join('; '));
  if (filters.length) parts.push(`${filters.join(', ')} excluded them`);
  return parts.join('; ') || 'the condition did not hold';
}

/** Computes the report. */
export async function sigmaCorpusReport(): Promise<SigmaCorpusReport> {
  const set = loadSigmaRules(sigmaHqSources());
  const stratusDir = fileURLToPath(new URL('stratus-red-team-detonation-logs/', CORPUS));
  const techniques = readdirSync(stratusDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const labelled: SigmaCorpusReport['labelled'][number][] = [];
  const misses: SigmaCorpusReport['misses'][number][] = [];
  const stratus = new Map<string, LogEvent[]>();
  for (const t of techniques)
    stratus.set(t.replace(/\.json$/, ''), await events(`stratus-red-team-detonation-logs/${t}`));
  const panther = await events('panther-analysis-tests/');
  const falco = await events('falco-k8s-audit-traces/');
  for (const rule of set.rules) {
    const test = (e: LogEvent) => e.kind === rule.kind && rule.test(sigmaEventView(e.record, e.message));
    const fired: string[] = [];
    for (const [technique, list] of stratus) {
      if (rule.kind !== 'cloudtrail') continue;
      if (list.some(test)) fired.push(technique);
      else {
        const names = targets(rule);
        const candidates = list.filter((e) =>
          names.has(String((e.record as { eventName?: unknown }).eventName)),
        );
        if (candidates.length > 0)
          misses.push({
            rule: rule.meta.id ?? rule.meta.title,
            title: rule.meta.title,
            set: `stratus ${technique}`,
            reason: why(rule, candidates),
          });
      }
    }
    const pantherHits = panther.filter(test).length;
    const falcoHits = falco.filter(test).length;
    if (fired.length > 0 || pantherHits > 0 || falcoHits > 0)
      labelled.push({
        rule: rule.meta.id ?? rule.meta.title,
        title: rule.meta.title,
        stratus: fired,
        panther: pantherHits,
        falco: falcoHits,
      });
  }
  return {
    status: set.status.map((s) => {
      const rule = set.rules.find((r) => r.meta.position.file === s.file);
      return {
        file: s.file.replace('test/fixtures/corpus/sigmahq-rules/', ''),
        id: s.id ?? '',
        title: s.title ?? '',
        level: rule?.meta.level ?? '',
        author: rule?.meta.author ?? '',
        state: s.state,
        notes: s.problems.map((p) => `${p.severity} at line ${p.position.line}: ${p.message}`),
      };
    }),
    labelled,
    misses,
  };
}
