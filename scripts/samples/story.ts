/**
 * The fixed cast of the sample incident: one EKS cluster, its nodes, control
 * plane instances, IAM principals and the day the story happens on.
 *
 * All identifiers are documentation-safe: account 111122223333 (and
 * 444455556666 for the attacker's foreign account), outside IPs from
 * 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24, and 10.0.0.0/16 for the VPC.
 *
 * @module
 */

/** Microseconds since the Unix epoch. */
export type Micros = number;

/** The cluster and account. */
export const CLUSTER = {
  name: 'payments-prod',
  accountId: '111122223333',
  region: 'us-west-2',
  version: 'v1.29.3-eks-adc7111',
  gitCommit: '5f3c2d1e',
  oidcId: '5E1A9C0B7D3F2E4A6B8C0D1E2F3A4B5C',
  logGroup: '/aws/eks/payments-prod/cluster',
  arn: 'arn:aws:eks:us-west-2:111122223333:cluster/payments-prod',
} as const;

/** The OIDC issuer host path and provider ARN IRSA tokens come from. */
export const OIDC_ISSUER = `oidc.eks.${CLUSTER.region}.amazonaws.com/id/${CLUSTER.oidcId}`;
/** The cluster's IAM OIDC provider ARN. */
export const OIDC_PROVIDER_ARN = `arn:aws:iam::${CLUSTER.accountId}:oidc-provider/${OIDC_ISSUER}`;

/** 2024-05-14T00:00:00Z, the start of the story, in microseconds. */
export const DAY_START: Micros = Date.UTC(2024, 4, 14) * 1000;
/** One hour in microseconds. */
export const HOUR: Micros = 3_600_000_000;
/** One minute in microseconds. */
export const MINUTE: Micros = 60_000_000;
/** One second in microseconds. */
export const SECOND: Micros = 1_000_000;
/** The end of the story (24 hours later). */
export const DAY_END: Micros = DAY_START + 24 * HOUR;

/**
 * Converts a time of day on the story's day to microseconds.
 *
 * @example
 * ```ts
 * at('13:41:07.123456'); // 2024-05-14T13:41:07.123456Z in µs
 * ```
 */
export function at(clock: string): Micros {
  const [hms = '', frac = ''] = clock.split('.');
  const [h = 0, m = 0, s = 0] = hms.split(':').map(Number);
  const micros = Number(frac.padEnd(6, '0').slice(0, 6));
  return DAY_START + ((h * 60 + m) * 60 + s) * SECOND + micros;
}

/** A worker node. */
export interface Node {
  readonly name: string;
  readonly ip: string;
  readonly instanceId: string;
  readonly uid: string;
}

/** The managed node group's four nodes. */
export const NODES: readonly Node[] = [
  {
    name: 'ip-10-0-12-77.us-west-2.compute.internal',
    ip: '10.0.12.77',
    instanceId: 'i-0a3f9c2b7d1e84f56',
    uid: '6f1c0e52-3b7a-4d8e-9a41-0c5d2e7f8a13',
  },
  {
    name: 'ip-10-0-45-191.us-west-2.compute.internal',
    ip: '10.0.45.191',
    instanceId: 'i-0b7e1d4c9a2f63e08',
    uid: '8a2d4f61-5c9e-4b30-b7d2-1e6f3a9c0d45',
  },
  {
    name: 'ip-10-0-78-23.us-west-2.compute.internal',
    ip: '10.0.78.23',
    instanceId: 'i-0c5d8a1f3b9e27c41',
    uid: 'b3e5a7c9-1d2f-4e6a-8b0c-2d4f6a8c0e21',
  },
  {
    name: 'ip-10-0-101-6.us-west-2.compute.internal',
    ip: '10.0.101.6',
    instanceId: 'i-0d2c6b9e4f1a85d37',
    uid: 'c4f6b8d0-2e3a-4f7b-9c1d-3e5a7b9d1f32',
  },
];

/** A control-plane instance: one API server with its log streams. */
export interface ControlPlaneInstance {
  readonly id: 'a' | 'b' | 'c';
  /** The 32-hex suffix shared by nothing else: each stream has its own. */
  readonly auditStream: string;
  readonly apiStream: string;
  readonly authenticatorStream: string;
  /** When this instance served requests. */
  readonly from: Micros;
  readonly to: Micros;
  /** The instance's address as seen by its clients in the control-plane VPC. */
  readonly ip: string;
}

/**
 * Three API server instances: `a` is replaced at 06:33 after the etcd
 * hiccup that causes the 5xx errors, `c` takes over from it, `b` serves all day.
 */
export const CONTROL_PLANE: readonly ControlPlaneInstance[] = [
  {
    id: 'a',
    auditStream: 'kube-apiserver-audit-96624a2fbc193d5ccd64f9f1ddbebbe3',
    apiStream: 'kube-apiserver-1c7f3e9a2b4d6f8e0a1c3e5f7b9d2a4c',
    authenticatorStream: 'authenticator-4e2a8c6f0b1d3e5a7c9f2b4d6e8a0c1e',
    from: DAY_START,
    to: DAY_START + 6 * HOUR + 33 * MINUTE,
    ip: '172.16.41.12',
  },
  {
    id: 'b',
    auditStream: 'kube-apiserver-audit-d83b5f1e7a9c2e4b6d8f0a2c4e6b8d1f',
    apiStream: 'kube-apiserver-7a9c1e3f5b7d9f2a4c6e8b0d2f4a6c8e',
    authenticatorStream: 'authenticator-9b1d3f5a7c9e2b4d6f8a0c2e4b6d8f1a',
    from: DAY_START,
    to: DAY_END,
    ip: '172.16.87.205',
  },
  {
    id: 'c',
    auditStream: 'kube-apiserver-audit-0f4e8d2c6b1a5e9d3c7b2a6f0e4d8c1b',
    apiStream: 'kube-apiserver-e5d1c9b3a7f2e6d0c4b8a3f7e1d5c9b2',
    authenticatorStream: 'authenticator-2c8e4a0f6d2b8e4a1c7f3d9b5e1a7c3f',
    from: DAY_START + 6 * HOUR + 33 * MINUTE,
    to: DAY_END,
    ip: '172.16.52.98',
  },
];

/** The controller-manager and scheduler streams (leaders run on instance `b`). */
export const COMPONENT_STREAMS = {
  controllerManager: 'kube-controller-manager-3a7e1c5f9b2d6e0a4c8f2b6d0e4a8c2f',
  controllerManagerStandby: 'kube-controller-manager-b8d2f6a0c4e8b2d6f0a4c8e2b6d0f4a8',
  scheduler: 'kube-scheduler-6c0e4a8d2f6b0e4c8a2d6f0b4e8c2a6d',
} as const;

/** The CloudWatch Logs export task that produced the tree. */
export const EXPORT_TASK_ID = '7f3e9c1a-5b2d-4e8f-a6c0-d4b2e8f1a3c5';

/** Well-known addresses in the story. */
export const IPS = {
  /** The cluster's NAT gateway elastic IPs (its egress to public AWS endpoints). */
  natGateways: ['192.0.2.10', '192.0.2.11'],
  /** The company VPN egress, where the admin works from. */
  corporateVpn: '192.0.2.200',
  /** GitHub-hosted runners running the CI deploys. */
  ciRunners: ['198.51.100.130', '198.51.100.147', '198.51.100.162', '198.51.100.171'],
  /** The anonymous scanner. */
  scanner: '198.51.100.23',
  /** The attacker's workstation: stolen kubeconfig, IRSA token use, S3/Secrets Manager reads. */
  attacker: '203.0.113.45',
} as const;

/** IAM principals. */
export const IAM = {
  nodeRole: {
    name: 'eks-node-group-role',
    arn: 'arn:aws:iam::111122223333:role/eks-node-group-role',
    principalId: 'AROA3EXAMPLENODEROLE1',
  },
  clusterRole: {
    name: 'eks-cluster-role',
    arn: 'arn:aws:iam::111122223333:role/eks-cluster-role',
    principalId: 'AROA3EXAMPLECLUSTERR1',
  },
  admin: {
    role: 'AWSReservedSSO_EKSClusterAdmin_5f3e2a1b0c9d8e7f',
    arn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_EKSClusterAdmin_5f3e2a1b0c9d8e7f',
    canonicalArn: 'arn:aws:iam::111122223333:role/AWSReservedSSO_EKSClusterAdmin_5f3e2a1b0c9d8e7f',
    principalId: 'AROA3EXAMPLEADMINROL1',
    session: 'alice',
    username: 'alice',
  },
  ci: {
    role: 'github-actions-deployer',
    arn: 'arn:aws:iam::111122223333:role/github-actions-deployer',
    principalId: 'AROA3EXAMPLECIDEPLOY1',
    session: 'GitHubActions',
    username: 'ci-deployer',
  },
  /** The legacy CI IAM user whose access key was stolen. */
  legacyUser: {
    userName: 'ci-legacy',
    arn: 'arn:aws:iam::111122223333:user/ci-legacy',
    principalId: 'AIDA3EXAMPLECILEGACY1',
    accessKeyId: 'AKIA3EXAMPLELEGACY77',
    username: 'ci-legacy',
  },
  /** The foreign role the attacker maps into aws-auth for persistence. */
  backdoorRole: {
    arn: 'arn:aws:iam::444455556666:role/support-automation',
    principalId: 'AROA5EXAMPLEBACKDOOR1',
    accountId: '444455556666',
    session: 'maint',
    username: 'support-automation',
  },
} as const;

/** An IRSA-enabled service account and the role it assumes. */
export interface IrsaServiceAccount {
  readonly namespace: string;
  readonly name: string;
  readonly roleName: string;
  readonly roleArn: string;
  readonly rolePrincipalId: string;
  readonly userAgent: string;
}

/** The cluster's IRSA service accounts. */
export const IRSA: readonly IrsaServiceAccount[] = [
  {
    namespace: 'payments',
    name: 'payments-api',
    roleName: 'payments-api-irsa',
    roleArn: 'arn:aws:iam::111122223333:role/payments-api-irsa',
    rolePrincipalId: 'AROA3EXAMPLEPAYAPIRL1',
    userAgent: 'aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/sts#1.28.6',
  },
  {
    namespace: 'kube-system',
    name: 'aws-node',
    roleName: 'AmazonEKS_CNI_Role',
    roleArn: 'arn:aws:iam::111122223333:role/AmazonEKS_CNI_Role',
    rolePrincipalId: 'AROA3EXAMPLECNIROLE01',
    userAgent: 'aws-sdk-go/1.51.12 (go1.21.9; linux; amd64)',
  },
  {
    namespace: 'kube-system',
    name: 'ebs-csi-controller-sa',
    roleName: 'AmazonEKS_EBS_CSI_DriverRole',
    roleArn: 'arn:aws:iam::111122223333:role/AmazonEKS_EBS_CSI_DriverRole',
    rolePrincipalId: 'AROA3EXAMPLEEBSCSIRL1',
    userAgent: 'aws-sdk-go-v2/1.25.3 os/linux lang/go#1.21.8 md/GOOS#linux md/GOARCH#amd64 api/sts#1.28.4',
  },
];

/** The payments workload the attacker executes into. */
export const TARGET_POD = {
  namespace: 'payments',
  name: 'payments-api-7c9d8f6b5-x2x9k',
  container: 'payments-api',
  uid: 'e2a4c6e8-0b1d-4f3a-8c5e-7a9b1d3f5e70',
  node: NODES[1] as Node,
  ip: '10.0.47.18',
} as const;

/** The S3 bucket and secrets the IRSA role can read. */
export const DATA = {
  bucket: 'payments-prod-exports-111122223333',
  objects: ['exports/2024/05/13/customers.csv.gz', 'exports/2024/05/13/settlements.csv.gz'],
  secrets: ['prod/payments/stripe-api-key', 'prod/payments/db-credentials'],
  deniedSecret: 'prod/platform/github-app-key',
} as const;

/** Kubernetes versions as they appear in user agents. */
export const UA = {
  kubectlAdmin: 'kubectl/v1.29.2 (darwin/arm64) kubernetes/4b8e819',
  kubectlCi: 'kubectl/v1.29.3 (linux/amd64) kubernetes/6813625',
  kubectlAttacker: 'kubectl/v1.30.1 (linux/amd64) kubernetes/6911225',
  kubelet: 'kubelet/v1.29.3 (linux/amd64) kubernetes/5f3c2d1',
  kcm: 'kube-controller-manager/v1.29.3 (linux/amd64) kubernetes/5f3c2d1',
  scheduler: 'kube-scheduler/v1.29.3 (linux/amd64) kubernetes/5f3c2d1',
  kubeProxy: 'kube-proxy/v1.29.3 (linux/amd64) kubernetes/5f3c2d1',
  coredns: 'coredns/v0.0.0 (linux/amd64) kubernetes/$Format',
  awsNode: 'aws-node/v1.18.1 (linux/amd64) kubernetes/$Format',
  metrics: 'eks-k8s-metrics/v0.0.0 (linux/amd64) kubernetes/$Format',
  certController: 'eks-certificate-controller/v0.0.0 (linux/amd64) kubernetes/$Format',
  helm: 'Helm/3.14.4',
  awsCliAttacker:
    'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-35-generic exe/x86_64.ubuntu.22 prompt/off command/sts.assume-role-with-web-identity',
} as const;

/**
 * Chooses the API server instance that served a request at time `t`, by a
 * hash of `key` (the auditID), among the instances alive then.
 *
 * @example
 * ```ts
 * instanceFor(at('12:00'), 'some-audit-id'); // 'b' or 'c'
 * ```
 */
export function instanceFor(t: Micros, key: string): 'a' | 'b' | 'c' {
  const alive = aliveAt(t);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const chosen = alive[h % Math.max(1, alive.length)] ?? (CONTROL_PLANE[1] as ControlPlaneInstance);
  return chosen.id;
}

/** The API server instances serving at `t` (after the story's day, those alive at its end). */
export function aliveAt(t: Micros): readonly ControlPlaneInstance[] {
  return CONTROL_PLANE.filter((c) => c.from <= t && (t < c.to || c.to === DAY_END));
}
