import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';

const samplesDir = new URL('../../samples/', import.meta.url).pathname;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

interface Audit {
  kind: string;
  apiVersion: string;
  level: string;
  auditID: string;
  stage: string;
  requestURI: string;
  verb: string;
  user: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  sourceIPs: string[];
  userAgent: string;
  objectRef?: {
    resource?: string;
    namespace?: string;
    name?: string;
    subresource?: string;
    apiGroup?: string;
  };
  responseStatus: { code: number; reason?: string };
  requestObject?: Record<string, unknown>;
  responseObject?: Record<string, unknown>;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

interface Step {
  step: string;
  attack: boolean;
  time: string;
  sourceIp: string;
  log: string;
  ids: string[];
  where: string[];
}

const EXPORT_LINE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) (.*)$/;
const MICRO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const KLOG = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [^:\]]+:\d+\] /;
const LOGRUS = /^time="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" level=(info|warning) msg="[^"]+"/;

const audits: { stream: string; cwTime: string; event: Audit }[] = [];
const textLines = new Map<string, string[]>();
const records: { file: string; record: Record<string, unknown> & { eventID: string; eventTime: string } }[] =
  [];
let steps: Step[] = [];

beforeAll(() => {
  for (const path of walk(samplesDir)) {
    const rel = relative(samplesDir, path).split('\\').join('/');
    if (rel.startsWith('incident/cloudwatch-export/') && rel.endsWith('.gz')) {
      const stream = rel.split('/').at(-2) as string;
      const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n');
      expect(lines.pop()).toBe('');
      for (const line of lines) {
        const m = EXPORT_LINE.exec(line);
        expect(m, line).not.toBeNull();
        if (stream.startsWith('kube-apiserver-audit-')) {
          audits.push({ stream, cwTime: m?.[1] as string, event: JSON.parse(m?.[2] as string) as Audit });
        } else {
          const list = textLines.get(stream) ?? [];
          list.push(m?.[2] as string);
          textLines.set(stream, list);
        }
      }
    } else if (rel.startsWith('incident/cloudtrail/')) {
      const doc = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { Records: never[] };
      for (const record of doc.Records) records.push({ file: rel, record });
    }
  }
  steps = (JSON.parse(readFileSync(join(samplesDir, 'ground-truth.json'), 'utf8')) as { steps: Step[] })
    .steps;
});

const byId = (id: string): Audit[] => audits.filter((a) => a.event.auditID === id).map((a) => a.event);

describe('export tree', () => {
  test('all five EKS log types are present with real-looking stream names', () => {
    const streams = [...new Set([...audits.map((a) => a.stream), ...textLines.keys()])];
    for (const prefix of [
      'kube-apiserver-audit-',
      'kube-apiserver-',
      'authenticator-',
      'kube-controller-manager-',
      'kube-scheduler-',
    ]) {
      expect(
        streams.some((s) => s.startsWith(prefix) && /-[0-9a-f]{32}$/.test(s)),
        prefix,
      ).toBe(true);
    }
  });

  test('every audit line is an audit.k8s.io/v1 Event', () => {
    expect(audits.length).toBeGreaterThan(3000);
    for (const { cwTime, event: e } of audits) {
      expect(e.kind).toBe('Event');
      expect(e.apiVersion).toBe('audit.k8s.io/v1');
      expect(['Metadata', 'Request', 'RequestResponse']).toContain(e.level);
      expect(['ResponseStarted', 'ResponseComplete']).toContain(e.stage);
      expect(e.auditID).toMatch(UUID);
      expect(e.requestReceivedTimestamp).toMatch(MICRO);
      expect(e.stageTimestamp).toMatch(MICRO);
      expect(e.stageTimestamp >= e.requestReceivedTimestamp).toBe(true);
      expect(cwTime).toBe(`${e.stageTimestamp.slice(0, 23)}Z`);
      expect(e.sourceIPs.length).toBe(1);
      expect(typeof e.userAgent).toBe('string');
      expect(Number.isInteger(e.responseStatus.code)).toBe(true);
      expect(e.requestURI.startsWith('/')).toBe(true);
      if (e.level === 'Metadata') {
        expect(e.requestObject).toBeUndefined();
        expect(e.responseObject).toBeUndefined();
      }
      if (e.user.extra) for (const v of Object.values(e.user.extra)) expect(Array.isArray(v)).toBe(true);
      if (e.responseStatus.code !== 401)
        expect(e.annotations?.['authorization.k8s.io/decision']).toMatch(/^(allow|forbid)$/);
    }
  });

  test('auditIDs are unique per stage and streams are time-ordered', () => {
    const seen = new Set(audits.map((a) => `${a.event.auditID}/${a.event.stage}`));
    expect(seen.size).toBe(audits.length);
    const perStream = new Map<string, string[]>();
    for (const a of audits) perStream.set(a.stream, [...(perStream.get(a.stream) ?? []), a.cwTime]);
    for (const times of perStream.values()) expect([...times].sort()).toEqual(times);
  });

  test('IAM-authenticated users carry the EKS extra keys', () => {
    const iam = audits.filter((a) => a.event.user.uid?.startsWith('aws-iam-authenticator:'));
    expect(iam.length).toBeGreaterThan(1000);
    for (const { event } of iam) {
      expect(Object.keys(event.user.extra ?? {})).toEqual([
        'accessKeyId',
        'arn',
        'canonicalArn',
        'principalId',
        'sessionName',
        'sigs.k8s.io/aws-iam-authenticator/principalId',
      ]);
    }
  });

  test('text streams hold klog and logrus lines', () => {
    for (const [stream, lines] of textLines) {
      for (const line of lines)
        expect(line, stream).toMatch(stream.startsWith('authenticator-') ? LOGRUS : KLOG);
    }
  });
});

describe('ground truth', () => {
  test('every documented audit event exists at the documented time in the documented stream', () => {
    for (const step of steps.filter((s) => s.log === 'audit')) {
      expect(step.ids.length, step.step).toBeGreaterThan(0);
      const first = byId(step.ids[0] as string)[0];
      expect(first?.requestReceivedTimestamp, step.step).toBe(step.time);
      for (const id of step.ids) {
        const found = audits.filter((a) => a.event.auditID === id);
        expect(found.length, `${step.step} ${id}`).toBeGreaterThan(0);
        for (const f of found) expect(step.where).toContain(f.stream);
      }
    }
  });

  test('every documented CloudTrail event exists in the documented file', () => {
    for (const step of steps.filter((s) => s.log === 'cloudtrail')) {
      const found = step.ids.map((id) => records.find((r) => r.record.eventID === id));
      expect(found.every(Boolean), step.step).toBe(true);
      expect(found[0]?.record.eventTime).toBe(step.time);
      for (const f of found) expect(step.where).toContain(f?.file);
    }
  });

  test('anonymous probing: 403 as system:anonymous and 401 with an empty user, from the scanner only', () => {
    const s403 = steps.find((s) => s.step === '1a') as Step;
    const s401 = steps.find((s) => s.step === '1b') as Step;
    for (const id of s403.ids) {
      const [e] = byId(id);
      expect(e?.user.username).toBe('system:anonymous');
      expect(e?.responseStatus.code).toBe(403);
      expect(e?.annotations?.['authorization.k8s.io/decision']).toBe('forbid');
    }
    for (const id of s401.ids) {
      const [e] = byId(id);
      expect(e?.user).toEqual({});
      expect(e?.responseStatus.code).toBe(401);
    }
    const failures = audits.filter((a) => [401, 403].includes(a.event.responseStatus.code));
    expect(new Set(failures.map((a) => a.event.sourceIPs[0]))).toEqual(
      new Set(['198.51.100.23', '203.0.113.45']),
    );
  });

  test('exec is verb get on pods/exec with code 101 at two stages, and only the attacker execs', () => {
    const execs = audits.filter((a) => a.event.objectRef?.subresource === 'exec').map((a) => a.event);
    expect(execs).toHaveLength(4);
    for (const e of execs) {
      expect(e.verb).toBe('get');
      expect(e.objectRef?.resource).toBe('pods');
      expect(e.responseStatus.code).toBe(101);
      expect(e.sourceIPs).toEqual(['203.0.113.45']);
    }
    expect(execs.map((e) => e.stage).sort()).toEqual([
      'ResponseComplete',
      'ResponseComplete',
      'ResponseStarted',
      'ResponseStarted',
    ]);
    expect(
      execs.some((e) =>
        e.requestURI.includes('%2Fvar%2Frun%2Fsecrets%2Feks.amazonaws.com%2Fserviceaccount%2Ftoken'),
      ),
    ).toBe(true);
  });

  test('RBAC writes: exactly the two bindings to cluster-admin, at RequestResponse', () => {
    const writes = audits.filter(
      (a) =>
        ['rolebindings', 'clusterrolebindings', 'roles', 'clusterroles'].includes(
          a.event.objectRef?.resource ?? '',
        ) && ['create', 'update', 'patch', 'delete'].includes(a.event.verb),
    );
    expect(writes.map((w) => w.event.objectRef?.resource).sort()).toEqual([
      'clusterrolebindings',
      'rolebindings',
    ]);
    for (const { event } of writes) {
      expect(event.level).toBe('RequestResponse');
      expect(event.responseStatus.code).toBe(201);
      expect((event.requestObject?.roleRef as { name?: string } | undefined)?.name).toBe('cluster-admin');
    }
  });

  test('aws-auth: one patch, logged with the new mapRoles', () => {
    const edits = audits.filter(
      (a) =>
        a.event.objectRef?.name === 'aws-auth' &&
        a.event.objectRef.namespace === 'kube-system' &&
        ['update', 'patch'].includes(a.event.verb),
    );
    expect(edits).toHaveLength(1);
    const e = edits[0]?.event as Audit;
    expect(e.level).toBe('RequestResponse');
    expect(JSON.stringify(e.requestObject)).toContain('arn:aws:iam::444455556666:role/support-automation');
    expect(JSON.stringify(e.requestObject)).toContain('system:masters');
  });

  test('5xx: seven errors on instance a, nothing else above 499', () => {
    const errors = audits.filter((a) => a.event.responseStatus.code >= 500);
    expect(errors.map((e) => e.event.responseStatus.code).sort()).toEqual([
      500, 500, 500, 500, 503, 504, 504,
    ]);
    expect(new Set(errors.map((e) => e.stream))).toEqual(
      new Set(['kube-apiserver-audit-96624a2fbc193d5ccd64f9f1ddbebbe3']),
    );
  });

  test('IRSA: the off-cluster AssumeRoleWithWebIdentity and its session', () => {
    const assume = records.filter(
      (r) =>
        r.record.eventName === 'AssumeRoleWithWebIdentity' && r.record.sourceIPAddress === '203.0.113.45',
    );
    expect(assume).toHaveLength(1);
    const rec = assume[0]?.record as Record<string, unknown>;
    const identity = rec.userIdentity as Record<string, string>;
    expect(identity.type).toBe('WebIdentityUser');
    expect(identity.userName).toBe('system:serviceaccount:payments:payments-api');
    expect(identity.identityProvider).toMatch(
      /:oidc-provider\/oidc\.eks\.us-west-2\.amazonaws\.com\/id\/[0-9A-F]{32}$/,
    );
    const key = (rec.responseElements as { credentials: { accessKeyId: string } }).credentials.accessKeyId;
    const used = records
      .filter((r) => (r.record.userIdentity as { accessKeyId?: string }).accessKeyId === key)
      .map((r) => r.record.eventName);
    expect(used.sort()).toEqual([
      'GetCallerIdentity',
      'GetObject',
      'GetObject',
      'GetSecretValue',
      'GetSecretValue',
      'GetSecretValue',
      'ListBuckets',
      'ListObjects',
    ]);
    const legit = records.filter(
      (r) =>
        r.record.eventName === 'AssumeRoleWithWebIdentity' && r.record.sourceIPAddress !== '203.0.113.45',
    );
    expect(legit.length).toBeGreaterThan(10);
    expect(new Set(legit.map((r) => r.record.sourceIPAddress))).not.toContain('203.0.113.45');
  });

  test('the stolen key joins the audit log to CloudTrail', () => {
    const kubectl = audits.filter((a) => a.event.user.extra?.accessKeyId?.[0] === 'AKIA3EXAMPLELEGACY77');
    const aws = records.filter(
      (r) => (r.record.userIdentity as { accessKeyId?: string }).accessKeyId === 'AKIA3EXAMPLELEGACY77',
    );
    expect(kubectl.length).toBeGreaterThan(15);
    expect(aws.map((r) => r.record.eventName).sort()).toEqual([
      'DescribeCluster',
      'GetCallerIdentity',
      'ListAttachedUserPolicies',
    ]);
  });
});
