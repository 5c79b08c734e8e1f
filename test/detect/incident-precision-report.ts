/**
 * Precision and recall of the built-in detections on samples/incident,
 * measured against samples/ground-truth.json. Used by
 * test/detect/incident-precision.test.ts (which checks the numbers and that
 * docs/detections.md shows them) and by scripts/generate-detection-docs.ts
 * and scripts/detection-precision.ts (which print the table).
 *
 * Method (also printed above the table):
 * - An event is an attack event when its auditID (audit) or eventID
 *   (CloudTrail) is listed under an attack step; authenticator lines, which
 *   carry no id, are labelled by what they name (the forged-token
 *   `access denied` lines are step 1b, the stolen key's mapping 2-auth, the
 *   foreign account's 7). Everything else is background.
 * - Every detection runs over the background alone (B), over the whole
 *   incident (F) and over the background plus one attack step at a time.
 * - TP: result rows of F that B does not have (rows the attack made or
 *   changed). FP: rows of F that B has too (background traffic alone raises
 *   them). Counted as multisets of whole rows.
 * - A detection finds a step when background + that step gives a row the
 *   background alone does not. FN: the steps the detection is meant to find
 *   ({@link EXPECTED_STEPS}) that it does not. Recall: found / meant.
 * - The allow-listed columns repeat F and B with
 *   test/detect/fixtures/incident-allow-lists.yaml.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type AllowLists, loadAllowLists } from '../../src/detect/allow-lists.js';
import { BUILT_IN_DETECTIONS, listDetections, severityRank } from '../../src/detect/catalogue/index.js';
import type { ResultRowLike } from '../../src/detect/result-row.js';
import { runDetections } from '../../src/detect/run.js';
import type { Finding, Severity } from '../../src/detect/types.js';
import type { LogEvent } from '../../src/log-event.js';
import { readLogs } from '../../src/read/index.js';

const samples = new URL('../../samples/', import.meta.url);

interface TruthStep {
  readonly step: string;
  readonly attack: boolean;
  readonly title: string;
  readonly ids: readonly string[];
}

/**
 * The attack steps each detection is meant to find (its purpose, read from
 * its description), for recall and FN. A detection not listed here is not
 * aimed at any step of this incident: its recall is shown as "—".
 */
export const EXPECTED_STEPS: Readonly<Record<string, readonly string[]>> = {
  'eks-bp.failed-anonymous-requests': ['1a'],
  'panther.k8s-anonymous-api-access': ['1a'],
  'panther.eks-anonymous-api-access': ['1a'],
  'kube.auth-failure-burst': ['1b'],
  'authenticator.access-denied': ['1b'],
  'kube.secret-access-denied': ['2'],
  'eks-bp.unauthorized-secret-reads': ['1b'],
  'falco.secret-get-successfully': ['2'],
  'falco.disallowed-k8s-user': ['2', '7'],
  'kube.privileged-role-binding': ['3a', '3b'],
  'falco.attach-to-cluster-admin-role': ['3a'],
  'panther.k8s-clusterrolebinding-privileged': ['3a'],
  'guardduty.admin-access-to-default-service-account': ['3b'],
  'eks-bp.clusterrolebinding-changes': ['3a'],
  'eks-bp.rolebinding-changes': ['3b'],
  'falco.clusterrolebinding-created': ['3a'],
  'falco.rolebinding-created': ['3b'],
  'kube.rbac-changes': ['3a', '3b'],
  'kube.secrets-listed-cluster-wide': ['2', '3c'],
  'panther.k8s-secrets-dump-all-namespaces': ['3c'],
  'kube.exec-into-pod': ['4'],
  'falco.attach-exec-pod': ['4'],
  'kube.sa-token-theft-or-cp': ['4'],
  'kube.aws-auth-modified': ['5'],
  'eks-bp.aws-auth-updates': ['5'],
  'irsa.session-used-outside-aws': ['6b', '6c'],
  'irsa.web-identity-token-used-outside': ['6a'],
  'kube.system-masters-iam-identity': ['7'],
};

/**
 * The attack steps no detection finds at high or critical, and why: each is
 * an act that a legitimate client does too, told apart only by who and from
 * where, which the later steps of the same actor show at high. The
 * precision test checks that this is exactly the set below high.
 */
export const BELOW_HIGH: Readonly<Record<string, string>> = {
  '1a': 'anonymous 403s from one address are the background noise of any public API endpoint (scanners); found at medium as a burst',
  '1b': 'forged-token 401s carry no identity to judge; found at medium as a burst',
  '2-aws':
    'GetCallerIdentity and DescribeCluster with a valid key are what `aws eks update-kubeconfig` always does; only the address is foreign, and no allow-list of trusted addresses for IAM users applies',
  '2-auth': "the authenticator's mapping line is the same for every kubectl call with that key",
};

/**
 * Background rows above low that remain with the incident allow-lists, and
 * why they are not false alarms.
 */
export const BACKGROUND_ABOVE_LOW: Readonly<Record<string, { rows: number; why: string }>> = {
  'falco.disallowed-k8s-user': {
    rows: 2,
    why: "two reads by the attacker's ci-legacy (GET aws-auth before the patch, GET the pod before the exec) that ground-truth.json does not list under a step",
  },
};

/** One detection's line of the table. */
export interface PrecisionLine {
  readonly id: string;
  readonly severity: Severity;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly found: readonly string[];
  readonly expected: readonly string[];
  readonly precision: number | undefined;
  readonly recall: number | undefined;
  /** FP with the incident allow-lists. */
  readonly fpAllowListed: number;
  /** TP with the incident allow-lists. */
  readonly tpAllowListed: number;
  /** Records the allow-lists withheld over the whole incident. */
  readonly suppressedRecords: number;
}

/** One attack step and what found it. */
export interface StepLine {
  readonly step: string;
  readonly title: string;
  readonly detections: readonly string[];
  readonly topSeverity: Severity | undefined;
}

/** The whole report. */
export interface PrecisionReport {
  readonly events: { readonly attack: number; readonly background: number };
  readonly lines: readonly PrecisionLine[];
  readonly steps: readonly StepLine[];
}

function rowKey(row: ResultRowLike): string {
  return JSON.stringify(Object.keys(row).map((k) => [k, row[k]]));
}

function rowKeys(findings: readonly Finding[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const f of findings) {
    const m = new Map<string, number>();
    for (const r of f.samples) {
      const k = rowKey(r);
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    out.set(f.detectionId, m);
  }
  return out;
}

/** Rows of `full` that `background` also has (multiset intersection) and the rest. */
function split(
  full: Map<string, number> | undefined,
  background: Map<string, number> | undefined,
): { shared: number; added: number } {
  let shared = 0;
  let added = 0;
  for (const [k, n] of full ?? []) {
    const b = Math.min(n, background?.get(k) ?? 0);
    shared += b;
    added += n - b;
  }
  return { shared, added };
}

function authenticatorStep(message: string): string | undefined {
  if (message.includes('msg="access denied"')) return '1b';
  if (message.includes('AKIA3EXAMPLELEGACY77') || message.includes(':user/ci-legacy')) return '2-auth';
  if (message.includes('444455556666')) return '7';
  return undefined;
}

function stepOf(event: LogEvent, byId: ReadonlyMap<string, string>): string | undefined {
  const r = event.record as { auditID?: unknown; eventID?: unknown } | undefined;
  if (event.kind === 'kubernetes-audit' && typeof r?.auditID === 'string') return byId.get(r.auditID);
  if (event.kind === 'cloudtrail' && typeof r?.eventID === 'string') return byId.get(r.eventID);
  if (event.kind === 'authenticator') return authenticatorStep(event.message);
  return undefined;
}

/** The incident allow-lists (test/detect/fixtures/incident-allow-lists.yaml). */
export function incidentAllowLists(): AllowLists {
  const file = new URL('fixtures/incident-allow-lists.yaml', import.meta.url);
  return loadAllowLists(readFileSync(file, 'utf8'), { file: 'incident-allow-lists.yaml' });
}

/**
 * Runs every enabled built-in detection over samples/incident as described
 * in the module comment and returns the per-detection and per-step tables.
 */
export async function incidentPrecisionReport(): Promise<PrecisionReport> {
  const truth = JSON.parse(readFileSync(new URL('ground-truth.json', samples), 'utf8')) as {
    steps: TruthStep[];
  };
  const attackSteps = truth.steps.filter((s) => s.attack);
  const byId = new Map<string, string>();
  for (const s of attackSteps) for (const id of s.ids) byId.set(id, s.step);
  const events: LogEvent[] = [];
  for await (const e of readLogs([
    fileURLToPath(new URL('incident/cloudtrail', samples)),
    fileURLToPath(new URL('incident/cloudwatch-export', samples)),
  ])) {
    events.push(e);
  }
  const stepEvents = new Map<string, LogEvent[]>();
  const background: LogEvent[] = [];
  for (const e of events) {
    const s = stepOf(e, byId);
    if (s === undefined) background.push(e);
    else stepEvents.set(s, [...(stepEvents.get(s) ?? []), e]);
  }
  const run = (input: readonly LogEvent[], allowLists?: AllowLists) =>
    runDetections(input, {
      now: Date.parse('2024-05-15T00:00:00Z'),
      sampleLimit: 100_000,
      limit: 100_000,
      ...(allowLists === undefined ? {} : { allowLists }),
    });
  const lists = incidentAllowLists();
  const [bgFindings, fullFindings, bgAllowed, fullAllowed] = await Promise.all([
    run(background),
    run(events),
    run(background, lists),
    run(events, lists),
  ]);
  const bg = rowKeys(bgFindings);
  const full = rowKeys(fullFindings);
  const bgA = rowKeys(bgAllowed);
  const fullA = rowKeys(fullAllowed);
  const found = new Map<string, string[]>();
  const steps: StepLine[] = [];
  for (const s of attackSteps) {
    const own = stepEvents.get(s.step) ?? [];
    const withStep = rowKeys(await run([...background, ...own]));
    const detections: string[] = [];
    for (const [id, rows] of withStep) {
      if (split(rows, bg.get(id)).added > 0) {
        detections.push(id);
        found.set(id, [...(found.get(id) ?? []), s.step]);
      }
    }
    const severities = detections.map((id) => BUILT_IN_DETECTIONS.find((d) => d.id === id)!.severity);
    const top = severities.sort((a, b) => severityRank(b) - severityRank(a))[0];
    steps.push({ step: s.step, title: s.title, detections, topSeverity: top });
  }
  const lines: PrecisionLine[] = [];
  for (const d of listDetections({}, BUILT_IN_DETECTIONS)) {
    const { shared: fp, added: tp } = split(full.get(d.id), bg.get(d.id));
    const { shared: fpA, added: tpA } = split(fullA.get(d.id), bgA.get(d.id));
    const expected = EXPECTED_STEPS[d.id] ?? [];
    const got = found.get(d.id) ?? [];
    const suppressedRecords = fullAllowed.find((f) => f.detectionId === d.id)?.suppressed?.records ?? 0;
    if (tp + fp + fpA + tpA + expected.length + got.length + suppressedRecords === 0) continue;
    const hit = expected.filter((s) => got.includes(s)).length;
    lines.push({
      id: d.id,
      severity: d.severity,
      tp,
      fp,
      fn: expected.length - hit,
      found: got,
      expected,
      precision: tp + fp === 0 ? undefined : tp / (tp + fp),
      recall: expected.length === 0 ? undefined : hit / expected.length,
      fpAllowListed: fpA,
      tpAllowListed: tpA,
      suppressedRecords,
    });
  }
  lines.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id));
  let attack = 0;
  for (const list of stepEvents.values()) attack += list.length;
  return { events: { attack, background: background.length }, lines, steps };
}

function ratio(v: number | undefined): string {
  return v === undefined ? '—' : v.toFixed(2);
}

/** The report as the Markdown section of docs/detections.md. */
export function renderPrecisionDocs(report: PrecisionReport): string {
  const out: string[] = [
    '',
    '## Allow-lists and suppression',
    '',
    "As in Falco's lists and exceptions, `runDetections(events, { allowLists })` takes trusted values: `cidrs` (IPv4 blocks; audit `sourceIPs[0]`, CloudTrail `sourceIPAddress`), `users` (audit `user.username`; CloudTrail `userIdentity.arn`, `userName` or the session issuer ARN), `serviceAccounts` (`system:serviceaccount:<ns>:<name>`), `namespaces` (audit `objectRef.namespace`) and `userAgents`. Values other than CIDRs are exact or use `*` wildcards. `loadAllowLists(text)` reads them from YAML or JSON (errors name the file and line, code `invalid_allow_list`).",
    '',
    'On the command line, `kubetrail detect --allow-list <file>` reads such a file, and `--trusted-cidr`, `--trusted-user`, `--trusted-service-account`, `--trusted-namespace` and `--trusted-user-agent` add single values (all repeatable; the lists are joined). The table output gains a `suppressed` column, and `--format json` shows `suppressed` on each finding.',
    '',
    "A list applies only to the detections that declare it (`allowLists` on the detection, also accepted in your own rules files). Events a list matches are withheld from that detection and run through a shadow copy of its queries: the finding's `suppressed` gives the records those queries would have matched and the rows they would have made, and a finding is still returned when everything it saw was suppressed. Nothing is dropped silently.",
    '',
    '```yaml',
    '# test/detect/fixtures/incident-allow-lists.yaml',
    'cidrs: [192.0.2.10/32, 192.0.2.11/32, 192.0.2.200/32]',
    'users: [alice, ci-deployer]',
    '```',
    '',
    '## Precision and recall on the bundled incident',
    '',
    '<!-- Generated from test/detect/incident-precision-report.ts; test/detect/incident-precision.test.ts checks it. -->',
    '',
    `Every enabled built-in detection over \`samples/incident\` (${report.events.attack} attack events, ${report.events.background} background events), compared with \`samples/ground-truth.json\`. Print it with \`npx tsx scripts/detection-precision.ts\`.`,
    '',
    '- An event is an attack event when its auditID or eventID is listed under an attack step; authenticator lines are labelled by what they name (the forged-token `access denied` lines are 1b, the stolen key 2-auth, the foreign account 7).',
    '- Each detection runs over the background alone, over the whole incident, and over the background plus one attack step at a time.',
    '- **TP** are result rows that the attack made or changed. **FP** are rows the background alone raises too. Both count whole result rows; an aggregating detection gives one row per group.',
    '- A detection **finds** a step when that step adds a row to the background run. **FN** are the steps the detection is meant to find (its purpose; listed in the report module) that it misses. **Recall** is found ÷ meant, "—" for a detection not aimed at any step here.',
    '- **allow-listed** repeats the run with the incident allow-lists (the NAT gateways, the admin VPN, `alice` and `ci-deployer`; see [Allow-lists](#allow-lists-and-suppression)). **suppressed** is the records those lists withheld: they are reported on the finding, not lost.',
    '',
    '| detection | severity | TP | FP | FN | precision | recall | steps found | TP / FP allow-listed | suppressed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const l of report.lines) {
    out.push(
      `| \`${l.id}\` | ${l.severity} | ${l.tp} | ${l.fp} | ${l.fn} | ${ratio(l.precision)} | ${ratio(l.recall)} | ${l.found.join(', ') || '—'} | ${l.tpAllowListed} / ${l.fpAllowListed} | ${l.suppressedRecords} |`,
    );
  }
  out.push('', '### Attack steps and what finds them', '', '| step | what | found by | top severity |');
  out.push('| --- | --- | --- | --- |');
  for (const s of report.steps) {
    out.push(
      `| ${s.step} | ${s.title.replaceAll('|', '\\|')} | ${s.detections.map((d) => `\`${d}\``).join(', ') || '—'} | ${s.topSeverity ?? '—'} |`,
    );
  }
  out.push(
    '',
    `Every attack step but ${Object.keys(BELOW_HIGH).length} is found at high or critical. The others, and why no detection rates them higher:`,
    '',
    ...Object.entries(BELOW_HIGH).map(([step, why]) => `- **${step}**: ${why}.`),
    '',
    'With the incident allow-lists, the background alone raises nothing above low except:',
    '',
    ...Object.entries(BACKGROUND_ABOVE_LOW).map(([id, b]) => `- \`${id}\`: ${b.rows} rows, ${b.why}.`),
    '',
  );
  return out.join('\n');
}
