/**
 * Derived identities of the cast: access keys that rotate, service-account
 * UIDs and token IDs, pods. All are pure functions of the seed and the time.
 *
 * @module
 */
import { type IamPrincipal, nodeUser, serviceAccountUser, type UserInfo } from './audit.js';
import type { Rng } from './prng.js';
import { CLUSTER, DAY_START, HOUR, IAM, type Micros, NODES, type Node } from './story.js';

/** Base-32 alphabet of AWS access key IDs. */
export const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A pod of the story. */
export interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly node: Node;
  readonly serviceAccount: string;
}

/** Identities that depend on the seed, memoised. */
export interface Cast {
  /** The node's instance-profile access key for the 6-hour window holding `t`. */
  nodeAccessKey(nodeIndex: number, t: Micros): string;
  /** The node's UserInfo at time `t`. */
  nodeUser(nodeIndex: number, t: Micros): UserInfo;
  /** A service account's UserInfo (token ID rotating hourly), optionally bound to a pod. */
  saUser(namespace: string, name: string, t: Micros, pod?: Pod): UserInfo;
  /** The temporary access key of an IAM session that starts in the hour holding `t`. */
  sessionKey(label: string, t: Micros): string;
  /** The admin's IAM principal at time `t`. */
  admin(t: Micros): IamPrincipal;
  /** The CI role's IAM principal for the deploy at time `t`. */
  ci(t: Micros): IamPrincipal;
  /** System pods per DaemonSet or Deployment name. */
  readonly pods: ReadonlyMap<string, readonly Pod[]>;
}

/**
 * Creates the cast for a seed.
 *
 * @example
 * ```ts
 * const cast = createCast(createRng(1));
 * cast.nodeUser(0, DAY_START).username; // 'system:node:ip-10-0-12-77.us-west-2.compute.internal'
 * ```
 */
export function createCast(rng: Rng): Cast {
  const memo = new Map<string, string>();
  const once = (key: string, make: (r: Rng) => string): string => {
    let v = memo.get(key);
    if (v === undefined) {
      v = make(rng.fork(key));
      memo.set(key, v);
    }
    return v;
  };
  const hourOf = (t: Micros): number => Math.floor((t - DAY_START) / HOUR);
  const sessionKey = (label: string, t: Micros): string =>
    once(`key:${label}:${hourOf(t)}`, (r) => `ASIA${r.chars(16, KEY_ALPHABET)}`);
  const nodeAccessKey = (i: number, t: Micros): string =>
    once(`node-key:${i}:${Math.floor(hourOf(t) / 6)}`, (r) => `ASIA${r.chars(16, KEY_ALPHABET)}`);

  const podRng = rng.fork('pods');
  const suffix = (n: number): string => podRng.chars(n, 'bcdfghjklmnpqrstvwxz2456789');
  const pods = new Map<string, Pod[]>();
  const add = (key: string, pod: Pod): void => {
    const list = pods.get(key) ?? [];
    list.push(pod);
    pods.set(key, list);
  };
  NODES.forEach((node) => {
    add('aws-node', {
      namespace: 'kube-system',
      name: `aws-node-${suffix(5)}`,
      uid: podRng.uuid(),
      node,
      serviceAccount: 'aws-node',
    });
    add('kube-proxy', {
      namespace: 'kube-system',
      name: `kube-proxy-${suffix(5)}`,
      uid: podRng.uuid(),
      node,
      serviceAccount: 'kube-proxy',
    });
  });
  const corednsRs = suffix(10);
  for (const i of [0, 2]) {
    add('coredns', {
      namespace: 'kube-system',
      name: `coredns-${corednsRs}-${suffix(5)}`,
      uid: podRng.uuid(),
      node: NODES[i] as Node,
      serviceAccount: 'coredns',
    });
  }
  const msRs = suffix(10);
  add('metrics-server', {
    namespace: 'kube-system',
    name: `metrics-server-${msRs}-${suffix(5)}`,
    uid: podRng.uuid(),
    node: NODES[3] as Node,
    serviceAccount: 'metrics-server',
  });
  const ebsRs = suffix(10);
  add('ebs-csi-controller', {
    namespace: 'kube-system',
    name: `ebs-csi-controller-${ebsRs}-${suffix(5)}`,
    uid: podRng.uuid(),
    node: NODES[2] as Node,
    serviceAccount: 'ebs-csi-controller-sa',
  });

  const principal = (
    label: string,
    t: Micros,
    p: {
      username: string;
      groups: readonly string[];
      principalId: string;
      canonicalArn: string;
      role: string;
      session: string;
    },
  ): IamPrincipal => ({
    username: p.username,
    groups: p.groups,
    accountId: CLUSTER.accountId,
    principalId: p.principalId,
    arn: `arn:aws:sts::${CLUSTER.accountId}:assumed-role/${p.role}/${p.session}`,
    canonicalArn: p.canonicalArn,
    sessionName: p.session,
    accessKeyId: sessionKey(label, t),
  });

  return {
    nodeAccessKey,
    nodeUser: (i, t) =>
      nodeUser(NODES[i] as Node, nodeAccessKey(i, t), IAM.nodeRole.principalId, IAM.nodeRole.arn),
    saUser: (namespace, name, t, pod) =>
      serviceAccountUser(
        namespace,
        name,
        once(`sa-uid:${namespace}/${name}`, (r) => r.uuid()),
        once(`jti:${namespace}/${name}/${pod?.name ?? ''}:${hourOf(t)}`, (r) => r.uuid()),
        pod,
      ),
    sessionKey,
    admin: (t) =>
      principal('admin', t, {
        username: IAM.admin.username,
        groups: ['system:masters'],
        principalId: IAM.admin.principalId,
        canonicalArn: IAM.admin.canonicalArn,
        role: IAM.admin.role,
        session: IAM.admin.session,
      }),
    ci: (t) =>
      principal('ci', t, {
        username: IAM.ci.username,
        groups: ['ci-deployers'],
        principalId: IAM.ci.principalId,
        canonicalArn: IAM.ci.arn,
        role: IAM.ci.role,
        session: IAM.ci.session,
      }),
    pods,
  };
}
