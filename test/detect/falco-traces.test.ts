/**
 * Falco's historical k8s_audit regression cases, replayed against the Falco
 * rule equivalents in the catalogue. The cases are read from Falco's own
 * test definitions (`falco_k8s_audit_tests.yaml`, vendored with the traces
 * in test/fixtures/corpus/falco-k8s-audit-traces/): `detect_counts` for
 * positive cases, and "no rule fires" for `detect: False` cases. Findings
 * are matched to Falco's rule names through `Finding.source`, never through
 * kubetrail ids: the file predates Falco's May 2024 split of the RBAC
 * activity rules, so "K8s Role/Clusterrole Created" is found as the former
 * name of "K8s ClusterRole Created" (`source.formerly`).
 *
 * Cases that load override rule files are translated: an override that
 * allows a user, a namespace or a trusted image, or disables activity
 * events (`disallow_kactivity.yaml`), switches off the rules it disables;
 * every other Falco equivalent must stay silent.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { listDetections } from '../../src/detect/catalogue/index.js';
import { runDetections } from '../../src/detect/run.js';
import type { Finding } from '../../src/detect/types.js';
import type { LogEvent } from '../../src/log-event.js';
import { isAuditEvent } from '../../src/schema/classify.js';
import { CORPUS } from '../test-data.js';

const traces = new URL('falco-k8s-audit-traces/', CORPUS);

function load(file: string): LogEvent[] {
  return readFileSync(new URL(file, traces), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      const record = JSON.parse(line) as unknown;
      const audit = isAuditEvent(record);
      const ts = audit ? Date.parse(String((record as { stageTimestamp?: string }).stageTimestamp)) : 0;
      return {
        timestamp: Number.isFinite(ts) ? ts : 0,
        message: line,
        logStream: 'kube-apiserver-audit-falco',
        kind: audit ? 'kubernetes-audit' : 'json',
        record,
        source: { file, line: i + 1 },
      } satisfies LogEvent;
    });
}

const FALCO = listDetections({ tags: ['falco'] });
const ACTIVITY = FALCO.filter((d) => d.tags.includes('activity')).map((d) => d.falcoRule!);
const IMAGE_TRUST = ['Create Privileged Pod', 'Create Sensitive Mount Pod', 'Create HostNetwork Pod'];

/** Override rule files → the Falco rules they switch off. */
const OVERRIDES: Readonly<Record<string, readonly string[]>> = {
  'allow_namespace_foo.yaml': ['Create Disallowed Namespace'],
  'allow_user_some-user.yaml': ['Disallowed K8s User'],
  'disallow_kactivity.yaml': ACTIVITY,
  'trust_nginx_container.yaml': IMAGE_TRUST,
  // Only affects "Create Disallowed Pod", which is inexpressible (not in the catalogue).
  'allow_nginx_container.yaml': [],
  // The engine_v4 compatibility cases run an older copy of the default rules.
  'engine_v4_k8s_audit_rules.yaml': [],
};

/**
 * Falco cases not replayed, with the reason. Together with the replayed
 * cases they are all 66 cases of the YAML.
 */
const NOT_REPLAYED: Readonly<Record<string, string>> = {
  compat_engine_v4_create_disallowed_pod:
    '"Create Disallowed Pod" with a custom image allow-list is inexpressible (see INEXPRESSIBLE_RULES)',
  create_disallowed_pod:
    '"Create Disallowed Pod" with a custom image allow-list is inexpressible (see INEXPRESSIBLE_RULES)',
  json_pointer_correct_parse:
    'tests a custom rule (json_pointer_example) from a test-only rules file, not a default rule',
};

interface FalcoCase {
  readonly name: string;
  readonly trace: string;
  /** Falco's detect_counts by Falco rule name; empty for `detect: False`. */
  readonly expect: Readonly<Record<string, number>>;
  /** The override rule files the case loads, by file name. */
  readonly overrides: readonly string[];
}

interface YamlCase {
  readonly detect: boolean;
  readonly detect_counts?: readonly Record<string, number>[];
  readonly rules_file?: readonly string[];
  readonly addl_cmdline_opts: string;
}

const yaml = readFileSync(new URL('falco_k8s_audit_tests.yaml', traces), 'utf8');
const ALL_CASES = Object.entries(
  (parse(yaml, { logLevel: 'silent' }) as { trace_files: Record<string, YamlCase> }).trace_files,
).map(([name, c]): FalcoCase => {
  const trace = /trace_files\/k8s_audit\/([^\s]+)$/.exec(c.addl_cmdline_opts)?.[1];
  if (trace === undefined) throw new TypeError(`${name}: no trace file`);
  return {
    name,
    trace,
    expect: c.detect ? Object.assign({}, ...(c.detect_counts ?? [])) : {},
    overrides: (c.rules_file ?? []).filter((f) => f.startsWith('./rules/')).map((f) => f.split('/').at(-1)!),
  };
});
const CASES = ALL_CASES.filter((c) => !(c.name in NOT_REPLAYED));

/** Rows per Falco rule name, each finding counted under its rule's current and former names. */
function byFalcoRule(findings: readonly Finding[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) {
    if (f.source?.ruleSet !== 'falco') continue;
    for (const name of [f.source.rule, ...(f.source.formerly ?? [])]) out[name] = (out[name] ?? 0) + f.count;
  }
  return out;
}

describe('Falco k8s_audit regression cases', () => {
  test('all 66 cases of falco_k8s_audit_tests.yaml are replayed or listed with a reason', () => {
    const names = [...yaml.matchAll(/^ {2}([a-z0-9_]+):$/gm)].map((m) => m[1]);
    expect(names).toHaveLength(66);
    expect(ALL_CASES.map((c) => c.name).sort()).toEqual([...names].sort());
    for (const name of Object.keys(NOT_REPLAYED)) expect(names).toContain(name);
    for (const c of CASES)
      for (const o of c.overrides) expect(OVERRIDES, `${c.name}: ${o}`).toHaveProperty(o);
  });

  test("Falco's 47 expected firings (42 positive cases) are all under rule names the catalogue carries", () => {
    const positive = CASES.filter((c) => Object.keys(c.expect).length > 0);
    expect(positive).toHaveLength(42);
    expect(positive.reduce((n, c) => n + Object.values(c.expect).reduce((a, b) => a + b, 0), 0)).toBe(47);
    const names = new Set(FALCO.flatMap((d) => [d.falcoRule!, ...(d.falcoFormerRules ?? [])]));
    for (const c of positive) for (const rule of Object.keys(c.expect)) expect(names, rule).toContain(rule);
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const off = new Set(c.overrides.flatMap((o) => OVERRIDES[o] ?? []));
    const detections = FALCO.filter((d) => !off.has(d.falcoRule!));
    const findings = await runDetections(load(c.trace), { detections, now: 0 });
    const got = byFalcoRule(findings);
    for (const [rule, n] of Object.entries(c.expect)) expect(got[rule], rule).toBe(n);
    if (Object.keys(c.expect).length === 0) expect(got).toEqual({});
  });

  test('"K8s Role/Clusterrole Created" is one former name over both of today\'s rules: a Role and a ClusterRole each fire it once', async () => {
    const [created] = load('create_clusterrole.json');
    const record = created!.record as Record<string, unknown>;
    const objectRef = {
      ...(record.objectRef as Record<string, unknown>),
      resource: 'roles',
      namespace: 'default',
    };
    const role = { ...record, objectRef };
    const events = [created!, { ...created!, record: role, message: JSON.stringify(role) }];
    const got = byFalcoRule(await runDetections(events, { detections: FALCO, now: 0 }));
    expect(got['K8s Role/Clusterrole Created']).toBe(2);
    expect([got['K8s Role Created'], got['K8s ClusterRole Created']]).toEqual([1, 1]);
  });

  test('EKS exec (verb get, code 101, ResponseStarted) fires Attach/Exec Pod', async () => {
    const [exec] = load('exec_pod.json');
    const record = { ...(exec!.record as Record<string, unknown>), verb: 'get' };
    const event = { ...exec!, record, message: JSON.stringify(record) };
    const findings = await runDetections([event], { detections: FALCO, now: 0 });
    expect(byFalcoRule(findings)['Attach/Exec Pod']).toBe(1);
  });
});
