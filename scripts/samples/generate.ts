/**
 * The sample generator: the committed incident tree (CloudWatch Logs export of
 * the five EKS log types plus a CloudTrail S3 tree) and large plain files for
 * benchmarks, all deterministic for a seed.
 *
 * @module
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { GroundTruthStep } from './attack.js';
import type { IamPrincipal, TimedAudit } from './audit.js';
import type { TimedRecord } from './cloudtrail.js';
import { authenticatorGranted, klog, structured, type TextLine } from './eks-lines.js';
import { createRng } from './prng.js';
import { renderReadme } from './readme.js';
import {
  CLUSTER,
  COMPONENT_STREAMS,
  CONTROL_PLANE,
  DAY_END,
  DAY_START,
  EXPORT_TASK_ID,
  HOUR,
  IAM,
  instanceFor,
  MINUTE,
  type Micros,
  NODES,
  type Node,
  SECOND,
} from './story.js';
import { isoMillis, isoSeconds } from './time.js';
import { auditTimeline, planAudit, planTrail, trailTimeline } from './timeline.js';

/** The default seed of the committed samples. */
export const DEFAULT_SEED = 20240514;

/**
 * Gzips deterministically: fixed level, zero mtime, and the OS byte pinned to
 * Unix so that the header is the same on every platform.
 */
export function gzipDeterministic(data: Uint8Array): Buffer {
  const out = gzipSync(data, { level: 9 });
  out[9] = 3;
  return out;
}

/** Options for the large-file generators. */
export interface LargeOptions {
  readonly seed: number;
  /** Approximate output size; the output is at least this big (story events are always included). */
  readonly targetBytes: number;
  /** Receives the output in chunks of about 64 KiB. */
  readonly write: (chunk: string) => void;
}

/** What a large-file generator wrote. */
export interface LargeResult {
  readonly records: number;
  readonly bytes: number;
}

const CHUNK = 64 * 1024;

function adaptivePace(
  target: number,
  state: { bytes: number; count: number },
): (t: Micros) => number | undefined {
  return (t) => {
    if (state.bytes >= target) return undefined;
    const avg = state.count > 200 ? state.bytes / state.count : 1100;
    const remaining = Math.max(1, (target - state.bytes) / avg);
    const timeLeft = Math.max(DAY_END - t, HOUR);
    return timeLeft / remaining;
  };
}

/**
 * Writes a plain NDJSON Kubernetes audit log (one `audit.k8s.io/v1` Event per
 * line) of about `targetBytes`, with the same background, episodes and attack
 * as the samples. Memory stays bounded.
 *
 * @example
 * ```ts
 * const parts: string[] = [];
 * generateAuditNdjson({ seed: 1, targetBytes: 1_000_000, write: (c) => parts.push(c) });
 * ```
 */
export function generateAuditNdjson(opts: LargeOptions): LargeResult {
  const state = { bytes: 0, count: 0 };
  let buffer = '';
  for (const { event } of auditTimeline(planAudit(opts.seed), adaptivePace(opts.targetBytes, state))) {
    const line = `${JSON.stringify(event)}\n`;
    buffer += line;
    state.bytes += Buffer.byteLength(line);
    state.count++;
    if (buffer.length >= CHUNK) {
      opts.write(buffer);
      buffer = '';
    }
  }
  if (buffer) opts.write(buffer);
  return { records: state.count, bytes: state.bytes };
}

/**
 * Writes one CloudTrail log file body, `{"Records":[…]}`, of about
 * `targetBytes`, in event-time order. Memory stays bounded.
 *
 * @example
 * ```ts
 * const parts: string[] = [];
 * generateCloudTrailRecordsFile({ seed: 1, targetBytes: 1_000_000, write: (c) => parts.push(c) });
 * ```
 */
export function generateCloudTrailRecordsFile(opts: LargeOptions): LargeResult {
  const state = { bytes: 12, count: 0 };
  let buffer = '{"Records":[';
  for (const { record } of trailTimeline(planTrail(opts.seed), adaptivePace(opts.targetBytes, state))) {
    const text = (state.count > 0 ? ',' : '') + JSON.stringify(record);
    buffer += text;
    state.bytes += Buffer.byteLength(text);
    state.count++;
    if (buffer.length >= CHUNK) {
      opts.write(buffer);
      buffer = '';
    }
  }
  buffer += ']}';
  state.bytes += 2;
  opts.write(buffer);
  return { records: state.count, bytes: state.bytes };
}

/** The committed sample tree: relative path → bytes, plus the ground truth. */
export interface SampleTree {
  readonly files: ReadonlyMap<string, Buffer>;
  readonly truth: readonly GroundTruthStep[];
}

/** Sizes of the committed sample. */
export const SAMPLE_SIZE = { auditDraws: 4200, trailDraws: 2300 } as const;

/**
 * Root folders inside `samples/`. The incident's logs live under `incident/`
 * alone, so a query over `samples/incident/` reads only evidence: the ground
 * truth and the README sit beside it, and the readers' edge cases are test
 * fixtures (`test/fixtures/edge-cases/`, {@link EDGE_CASES_DIR}).
 */
export const SAMPLE_ROOTS = {
  incident: 'incident',
  export: 'incident/cloudwatch-export',
  cloudtrail: 'incident/cloudtrail',
} as const;

/** Where the readers' edge-case files are written, relative to the repository root. */
export const EDGE_CASES_DIR = 'test/fixtures/edge-cases';

function countPace(draws: number): (t: Micros) => number | undefined {
  const mean = (DAY_END - DAY_START) / draws;
  return (t) => (t + mean < DAY_END ? mean : undefined);
}

function nodePrincipal(node: Node, accessKeyId: string): IamPrincipal {
  return {
    username: `system:node:${node.name}`,
    groups: ['system:bootstrappers', 'system:nodes'],
    accountId: CLUSTER.accountId,
    principalId: IAM.nodeRole.principalId,
    arn: `arn:aws:sts::${CLUSTER.accountId}:assumed-role/${IAM.nodeRole.name}/${node.instanceId}`,
    canonicalArn: IAM.nodeRole.arn,
    sessionName: node.instanceId,
    accessKeyId,
  };
}

/** Background control-plane text lines: node token reviews, klog chatter, instance c's start-up. */
function backgroundLines(seed: number, nodeKey: (i: number, t: Micros) => string): TextLine[] {
  const rng = createRng(seed).fork('lines');
  const lines: TextLine[] = [];
  NODES.forEach((node, i) => {
    for (let t = DAY_START + rng.int(14 * MINUTE); t < DAY_END; t += 14 * MINUTE + rng.int(40 * SECOND)) {
      lines.push(
        ...authenticatorGranted(
          t,
          nodePrincipal(node, nodeKey(i, t)),
          rng.between(32768, 60999),
          instanceFor(t, `${node.name}${t}`),
        ),
      );
    }
  });
  const apiMessages = [
    () => [
      'I',
      'controller.go:624',
      `quota admission added evaluator for: ${rng.pick(['leases.coordination.k8s.io', 'endpointslices.discovery.k8s.io', 'replicasets.apps', 'events.events.k8s.io'])}`,
    ],
    () => ['W', 'watcher.go:338', 'watch chan error: etcdserver: mvcc: required revision has been compacted'],
    () => [
      'I',
      'cacher.go:1229',
      structured('Terminating all watchers from cacher', [
        ['resource', rng.pick(['events', 'pods', 'endpointslices.discovery.k8s.io'])],
      ]),
    ],
    (t: Micros) => [
      'I',
      'trace.go:236',
      `Trace[${rng.between(100000000, 999999999)}]: "List" accept:application/json, */*,audit-id:${rng.uuid()},client:10.0.${rng.between(10, 110)}.${rng.between(2, 250)},protocol:HTTP/2.0,resource:pods,scope:cluster,url:/api/v1/pods,user-agent:${'kube-controller-manager/v1.29.3 (linux/amd64) kubernetes/5f3c2d1'},verb:LIST (${new Date(Math.floor(t / 1000)).toUTCString().slice(5, 16).replace(/ /g, '-')} ${isoMillis(t).slice(11, 23)}) (total time: ${rng.between(501, 1900)}ms):`,
    ],
    () => ['I', 'handler.go:275', 'Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager'],
  ] as const;
  for (const cp of CONTROL_PLANE) {
    for (
      let t = cp.from + rng.int(5 * MINUTE);
      t < cp.to;
      t += rng.between(3, 11) * MINUTE + rng.int(SECOND)
    ) {
      const [level, src, msg] = rng.pick(apiMessages)(t);
      lines.push(klog(t, 'api', level as 'I' | 'W', 10, src as string, msg as string, cp.id));
    }
  }
  const cpC = CONTROL_PLANE[2] as (typeof CONTROL_PLANE)[number];
  const flags = [
    '--advertise-address="172.16.52.98"',
    '--allow-privileged="true"',
    '--audit-log-maxage="30"',
    '--audit-log-maxbackup="10"',
    '--audit-log-maxsize="100"',
    '--audit-log-path="/var/log/kubernetes/api-audit.log"',
    '--audit-policy-file="/etc/kubernetes/audit-policy.yaml"',
    '--authentication-token-webhook-config-file="/etc/kubernetes/authenticator/apiserver-webhook-kubeconfig.yaml"',
    '--authorization-mode="[Node,RBAC]"',
    '--enable-admission-plugins="[NodeRestriction,ExtendedResourceToleration]"',
    '--service-account-issuer="[https://oidc.eks.us-west-2.amazonaws.com/id/5E1A9C0B7D3F2E4A6B8C0D1E2F3A4B5C]"',
    '--v="2"',
  ];
  flags.forEach((f, k) => {
    lines.push(klog(cpC.from + 2 * SECOND + k * 37, 'api', 'I', 10, 'flags.go:64', `FLAG: ${f}`, 'c'));
  });
  lines.push(
    klog(cpC.from + 9 * SECOND, 'api', 'I', 10, 'secure_serving.go:213', 'Serving securely on [::]:443', 'c'),
  );
  const kcmMessages = [
    () => ['I', 'garbagecollector.go:818', '"all resource monitors have synced"'],
    () => [
      'I',
      'resource_quota_controller.go:476',
      '"syncing resource quota controller with updated resources from discovery" diff=""',
    ],
    () => [
      'I',
      'node_lifecycle_controller.go:1194',
      structured('Controller detected that zone is now in new state', [
        ['zone', `us-west-2:\u0000:us-west-2${rng.pick(['a', 'b', 'c', 'd'])}`],
        ['newState', 'Normal'],
      ]).replace('\\u0000', '\\x00'),
    ],
    () => [
      'I',
      'horizontal.go:512',
      structured('Horizontal Pod Autoscaler has been deleted', [['HPA', 'storefront/checkout-web-old']]),
    ],
  ] as const;
  for (
    let t = DAY_START + rng.int(10 * MINUTE);
    t < DAY_END;
    t += rng.between(6, 18) * MINUTE + rng.int(SECOND)
  ) {
    const [level, src, msg] = rng.pick(kcmMessages)();
    lines.push(klog(t, 'controllerManager', level as 'I', 11, src as string, msg as string));
  }
  for (let t = cpC.from + 5 * SECOND; t < DAY_END; t += 30 * MINUTE + rng.int(MINUTE)) {
    lines.push(
      klog(
        t,
        'controllerManagerStandby',
        'I',
        11,
        'leaderelection.go:250',
        'attempting to acquire leader lease kube-system/kube-controller-manager...',
      ),
    );
  }
  for (
    let t = DAY_START + rng.int(30 * MINUTE);
    t < DAY_END;
    t += rng.between(25, 70) * MINUTE + rng.int(SECOND)
  ) {
    lines.push(
      klog(
        t,
        'scheduler',
        'W',
        1,
        'reflector.go:539',
        `k8s.io/client-go/informers/factory.go:159: watch of *v1.${rng.pick(['Pod', 'Node', 'PersistentVolume', 'CSINode'])} ended with: an error on the server ("unable to decode an event from the watch stream: http2: client connection lost") has prevented the request from succeeding`,
      ),
    );
  }
  return lines;
}

function streamFor(line: TextLine): string {
  const byId = (id: 'a' | 'b' | 'c') =>
    CONTROL_PLANE.find((c) => c.id === id) as (typeof CONTROL_PLANE)[number];
  const instance = line.instance ?? instanceFor(line.t, line.affinity ?? String(line.t));
  switch (line.stream) {
    case 'authenticator':
      return byId(instance).authenticatorStream;
    case 'api':
      return byId(instance).apiStream;
    case 'controllerManager':
      return COMPONENT_STREAMS.controllerManager;
    case 'controllerManagerStandby':
      return COMPONENT_STREAMS.controllerManagerStandby;
    case 'scheduler':
      return COMPONENT_STREAMS.scheduler;
  }
}

/** Most uncompressed bytes per exported file before the export starts `000001.gz`. */
const EXPORT_FILE_BYTES = 3 * 1024 * 1024;

function exportFiles(stream: string, entries: { t: Micros; text: string }[]): [string, Buffer][] {
  entries.sort((x, y) => x.t - y.t);
  const out: [string, Buffer][] = [];
  let part: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (part.length === 0) return;
    const name = `${SAMPLE_ROOTS.export}/exportedlogs/${EXPORT_TASK_ID}/${stream}/${String(out.length).padStart(6, '0')}.gz`;
    out.push([name, gzipDeterministic(Buffer.from(part.join('')))]);
    part = [];
    size = 0;
  };
  for (const e of entries) {
    const line = `${isoMillis(e.t)} ${e.text}\n`;
    if (size + line.length > EXPORT_FILE_BYTES) flush();
    part.push(line);
    size += line.length;
  }
  flush();
  return out;
}

function cloudTrailFiles(seed: number, records: readonly TimedRecord[]): [string, Buffer][] {
  const rng = createRng(seed).fork('trail-files');
  const windows = new Map<string, { region: string; window: number; records: TimedRecord[] }>();
  for (const r of records) {
    const window = Math.floor((r.t - DAY_START) / (5 * MINUTE));
    const key = `${r.region}:${String(window).padStart(4, '0')}`;
    const w = windows.get(key) ?? { region: r.region, window, records: [] };
    w.records.push(r);
    windows.set(key, w);
  }
  const out: [string, Buffer][] = [];
  for (const key of [...windows.keys()].sort()) {
    const w = windows.get(key) as { region: string; window: number; records: TimedRecord[] };
    const delivered = DAY_START + (w.window + 1) * 5 * MINUTE + rng.between(30, 290) * SECOND;
    const iso = isoSeconds(delivered);
    const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
    const name = `${CLUSTER.accountId}_CloudTrail_${w.region}_${stamp}_${rng.chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}.json.gz`;
    const path = `${SAMPLE_ROOTS.cloudtrail}/AWSLogs/${CLUSTER.accountId}/CloudTrail/${w.region}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${name}`;
    const body = `{"Records":[${w.records.map((r) => JSON.stringify(r.record)).join(',')}]}`;
    out.push([path, gzipDeterministic(Buffer.from(body))]);
  }
  return out;
}

/** Where each ground-truth step's evidence lives, resolved to stream names / files. */
export interface ResolvedStep extends GroundTruthStep {
  readonly where: readonly string[];
}

/**
 * Builds the whole committed sample tree in memory.
 *
 * @example
 * ```ts
 * const { files } = buildSampleTree(DEFAULT_SEED);
 * [...files.keys()].some((p) => p.endsWith('README.md')); // true
 * ```
 */
export function buildSampleTree(seed: number = DEFAULT_SEED): SampleTree {
  const auditPlan = planAudit(seed);
  const audits: TimedAudit[] = [...auditTimeline(auditPlan, countPace(SAMPLE_SIZE.auditDraws))];
  const byStream = new Map<string, { t: Micros; text: string }[]>();
  const add = (stream: string, t: Micros, text: string): void => {
    const list = byStream.get(stream) ?? [];
    list.push({ t, text });
    byStream.set(stream, list);
  };
  const streamOfAudit = new Map<string, string>();
  for (const a of audits) {
    const id = a.instance ?? instanceFor(a.t, a.event.auditID);
    const stream = (CONTROL_PLANE.find((c) => c.id === id) as (typeof CONTROL_PLANE)[number]).auditStream;
    streamOfAudit.set(a.event.auditID, stream);
    add(stream, a.t, JSON.stringify(a.event));
  }
  const lines = [...auditPlan.lines, ...backgroundLines(seed, auditPlan.world.cast.nodeAccessKey)];
  for (const line of lines) add(streamFor(line), line.t, line.text);

  const trailPlan = planTrail(seed);
  const records = [...trailTimeline(trailPlan, countPace(SAMPLE_SIZE.trailDraws))];
  const trailFiles = cloudTrailFiles(seed, records);
  const fileOfEvent = new Map<string, string>();
  for (const [path, gz] of trailFiles) {
    const body = JSON.parse(gunzipText(gz)) as { Records: { eventID: string }[] };
    for (const r of body.Records) fileOfEvent.set(r.eventID, path);
  }

  const truth: ResolvedStep[] = [...auditPlan.truth, ...trailPlan.truth]
    .map((step) => {
      let where: string[];
      if (step.log === 'audit') where = [...new Set(step.ids.map((id) => streamOfAudit.get(id) ?? '?'))];
      else if (step.log === 'cloudtrail')
        where = [...new Set(step.ids.map((id) => fileOfEvent.get(id) ?? '?'))];
      else if (step.log === 'api') where = [(CONTROL_PLANE[0] as (typeof CONTROL_PLANE)[number]).apiStream];
      else where = ['authenticator-* (the instance that served the request)'];
      return { ...step, where };
    })
    .sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0));

  const files = new Map<string, Buffer>();
  for (const stream of [...byStream.keys()].sort()) {
    for (const [path, data] of exportFiles(stream, byStream.get(stream) ?? [])) files.set(path, data);
  }
  files.set(
    `${SAMPLE_ROOTS.export}/exportedlogs/aws-logs-write-test`,
    Buffer.from('Permission Check Successful'),
  );
  for (const [path, data] of trailFiles) files.set(path, data);
  const stats = {
    auditEvents: audits.length,
    cloudTrailRecords: records.length,
    cloudTrailFiles: trailFiles.length,
    textLines: lines.length,
  };
  files.set(
    'ground-truth.json',
    Buffer.from(`${JSON.stringify({ seed, cluster: CLUSTER, stats, steps: truth }, null, 2)}\n`),
  );
  files.set('README.md', Buffer.from(renderReadme({ seed, truth, files, stats })));
  return { files: new Map([...files.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1))), truth };
}

function gunzipText(gz: Buffer): string {
  return gunzipSync(gz).toString('utf8');
}
