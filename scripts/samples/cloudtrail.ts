/**
 * CloudTrail records for the sample account: a record builder, user-identity
 * shapes, background AWS noise as weighted kinds, and the CloudTrail side of
 * the CI deploys and admin sessions.
 *
 * @module
 */
import type { Cast } from './cast.js';
import type { AgendaItem, App } from './episodes.js';
import type { Rng } from './prng.js';
import {
  CLUSTER,
  DATA,
  IAM,
  IPS,
  IRSA,
  type IrsaServiceAccount,
  type Micros,
  NODES,
  type Node,
  OIDC_PROVIDER_ARN,
  SECOND,
} from './story.js';
import { isoSeconds, stsExpiration } from './time.js';

/** A CloudTrail record (loosely typed: service payloads vary). */
export type CloudTrailRecord = Readonly<Record<string, unknown>>;

/** A record with its event time kept as a number for ordering. */
export interface TimedRecord {
  readonly t: Micros;
  readonly record: CloudTrailRecord;
  /** The region whose trail folder holds it (IAM is global: us-east-1). */
  readonly region: string;
}

/** Everything needed to build one record. */
export interface RecordSpec {
  readonly t: Micros;
  readonly eventVersion?: string;
  readonly userIdentity: object;
  readonly source: string;
  readonly name: string;
  readonly region?: string;
  readonly ip: string;
  readonly userAgent: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly requestParameters: object | null;
  readonly responseElements: object | null;
  readonly additionalEventData?: object;
  readonly readOnly: boolean;
  readonly resources?: readonly object[];
  readonly eventType?: string;
  readonly management?: boolean;
  readonly sharedEventID?: string;
  readonly vpcEndpointId?: string;
  readonly host?: string;
  readonly noTls?: boolean;
}

/**
 * Builds a CloudTrail record in the order CloudTrail writes its fields.
 *
 * @example
 * ```ts
 * record(rng, { t, userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' },
 *   source: 'sts.amazonaws.com', name: 'AssumeRole', ip: 'ec2.amazonaws.com',
 *   userAgent: 'ec2.amazonaws.com', requestParameters: {}, responseElements: null, readOnly: true });
 * ```
 */
export function record(rng: Rng, s: RecordSpec): TimedRecord {
  const region = s.region ?? CLUSTER.region;
  const management = s.management ?? true;
  const host = s.host ?? `${s.source.replace('.amazonaws.com', '')}.${region}.amazonaws.com`;
  const r: Record<string, unknown> = {
    eventVersion: s.eventVersion ?? (management ? '1.09' : '1.10'),
    userIdentity: s.userIdentity,
    eventTime: isoSeconds(s.t),
    eventSource: s.source,
    eventName: s.name,
    awsRegion: region,
    sourceIPAddress: s.ip,
    userAgent: s.userAgent,
  };
  if (s.errorCode) r.errorCode = s.errorCode;
  if (s.errorMessage) r.errorMessage = s.errorMessage;
  r.requestParameters = s.requestParameters;
  r.responseElements = s.responseElements;
  if (s.additionalEventData) r.additionalEventData = s.additionalEventData;
  r.requestID =
    s.source === 's3.amazonaws.com' ? rng.chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') : rng.uuid();
  r.eventID = rng.uuid();
  r.readOnly = s.readOnly;
  if (s.resources) r.resources = s.resources;
  r.eventType = s.eventType ?? 'AwsApiCall';
  r.managementEvent = management;
  r.recipientAccountId = CLUSTER.accountId;
  if (s.sharedEventID) r.sharedEventID = s.sharedEventID;
  if (s.vpcEndpointId) {
    r.vpcEndpointId = s.vpcEndpointId;
    r.vpcEndpointAccountId = CLUSTER.accountId;
  }
  r.eventCategory = management ? 'Management' : 'Data';
  if (!s.noTls) {
    r.tlsDetails = {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: host,
    };
  }
  return { t: s.t, record: r, region };
}

/** An `AssumedRole` identity, optionally a web-identity (IRSA) or EC2 instance session. */
export function assumedRole(o: {
  roleName: string;
  roleArn: string;
  rolePrincipalId: string;
  session: string;
  accessKeyId: string;
  created: Micros;
  accountId?: string;
  webIdProvider?: string;
  ec2?: boolean;
  invokedBy?: string;
}): object {
  const account = o.accountId ?? CLUSTER.accountId;
  return {
    type: 'AssumedRole',
    principalId: `${o.rolePrincipalId}:${o.session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${o.roleName}/${o.session}`,
    accountId: account,
    accessKeyId: o.accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: o.rolePrincipalId,
        arn: o.roleArn,
        accountId: account,
        userName: o.roleName,
      },
      webIdFederationData: o.webIdProvider ? { federatedProvider: o.webIdProvider, attributes: {} } : {},
      attributes: { creationDate: isoSeconds(o.created), mfaAuthenticated: 'false' },
      ...(o.ec2 ? { ec2RoleDelivery: '2.0' } : {}),
    },
    ...(o.invokedBy ? { invokedBy: o.invokedBy } : {}),
  };
}

/** The `WebIdentityUser` identity of an `AssumeRoleWithWebIdentity` call. */
export function webIdentityUser(provider: string, subject: string, audience = 'sts.amazonaws.com'): object {
  return {
    type: 'WebIdentityUser',
    principalId: `${provider}:${audience}:${subject}`,
    userName: subject,
    identityProvider: provider,
  };
}

/** The stolen IAM user's identity. */
export function legacyUserIdentity(): object {
  const u = IAM.legacyUser;
  return {
    type: 'IAMUser',
    principalId: u.principalId,
    arn: u.arn,
    accountId: CLUSTER.accountId,
    accessKeyId: u.accessKeyId,
    userName: u.userName,
  };
}

function sessionToken(rng: Rng): string {
  return `IQoJb3JpZ2luX2VjE${rng.chars(180, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')}==`;
}

/**
 * An IRSA `AssumeRoleWithWebIdentity` record for a service account, and the
 * session it creates.
 */
export function irsaAssume(
  rng: Rng,
  t: Micros,
  sa: IrsaServiceAccount,
  o: { ip: string; userAgent: string; sessionName: string; accessKeyId: string },
): { rec: TimedRecord; identity: object } {
  const subject = `system:serviceaccount:${sa.namespace}:${sa.name}`;
  const rec = record(rng, {
    t,
    eventVersion: '1.08',
    userIdentity: webIdentityUser(OIDC_PROVIDER_ARN, subject),
    source: 'sts.amazonaws.com',
    name: 'AssumeRoleWithWebIdentity',
    ip: o.ip,
    userAgent: o.userAgent,
    requestParameters: { roleArn: sa.roleArn, roleSessionName: o.sessionName, durationSeconds: 3600 },
    responseElements: {
      credentials: {
        accessKeyId: o.accessKeyId,
        sessionToken: sessionToken(rng),
        expiration: stsExpiration(t + 3600 * SECOND),
      },
      subjectFromWebIdentityToken: subject,
      assumedRoleUser: {
        assumedRoleId: `${sa.rolePrincipalId}:${o.sessionName}`,
        arn: `arn:aws:sts::${CLUSTER.accountId}:assumed-role/${sa.roleName}/${o.sessionName}`,
      },
      provider: OIDC_PROVIDER_ARN,
      audience: 'sts.amazonaws.com',
    },
    additionalEventData: { identityProviderConnectionVerificationMethod: 'IAMTrustStore' },
    readOnly: true,
    resources: [{ accountId: CLUSTER.accountId, type: 'AWS::IAM::Role', ARN: sa.roleArn }],
  });
  const identity = assumedRole({
    roleName: sa.roleName,
    roleArn: sa.roleArn,
    rolePrincipalId: sa.rolePrincipalId,
    session: o.sessionName,
    accessKeyId: o.accessKeyId,
    created: t,
    webIdProvider: OIDC_PROVIDER_ARN,
  });
  return { rec, identity };
}

/** What background kinds need. */
export interface TrailWorld {
  readonly rng: Rng;
  readonly cast: Cast;
}

/** One kind of background AWS call. */
export interface TrailKind {
  readonly name: string;
  readonly weight: number;
  emit(world: TrailWorld, t: Micros): TimedRecord[];
}

const VPCE_S3 = 'vpce-0a1b2c3d4e5f60718';
const VPCE_SM = 'vpce-0f9e8d7c6b5a43210';

function irsaSession(
  world: TrailWorld,
  sa: IrsaServiceAccount,
  t: Micros,
): { identity: object; created: Micros } {
  const hour = Math.floor(t / (3600 * SECOND));
  const created = hour * 3600 * SECOND + 7 * SECOND;
  const session = sessionNameFor(sa, created);
  return {
    created,
    identity: assumedRole({
      roleName: sa.roleName,
      roleArn: sa.roleArn,
      rolePrincipalId: sa.rolePrincipalId,
      session,
      accessKeyId: world.cast.sessionKey(`irsa:${sa.name}`, created),
      created,
      webIdProvider: OIDC_PROVIDER_ARN,
    }),
  };
}

/** The SDK-generated role session name of an IRSA session created at `t`. */
export function sessionNameFor(sa: IrsaServiceAccount, t: Micros): string {
  return sa.name === 'payments-api' || sa.name === 'ebs-csi-controller-sa'
    ? String(Math.floor(t / 1000) * 1_000_000 + 123_456)
    : `aws-sdk-go-${Math.floor(t / 1000)}`;
}

function nodeIdentity(world: TrailWorld, i: number, t: Micros): object {
  const node = NODES[i] as Node;
  const created = Math.floor(t / (6 * 3600 * SECOND)) * 6 * 3600 * SECOND + 41 * SECOND;
  return assumedRole({
    roleName: IAM.nodeRole.name,
    roleArn: IAM.nodeRole.arn,
    rolePrincipalId: IAM.nodeRole.principalId,
    session: node.instanceId,
    accessKeyId: world.cast.nodeAccessKey(i, t),
    created,
    ec2: true,
  });
}

const NAT = (rng: Rng): string => rng.pick(IPS.natGateways);

/** Background AWS kinds and their weights. */
export const TRAIL_KINDS: readonly TrailKind[] = [
  {
    name: 'cni-ec2',
    weight: 18,
    emit: (w, t) => {
      const sa = IRSA[1] as IrsaServiceAccount;
      const { identity } = irsaSession(w, sa, t);
      const name = w.rng.weighted([
        ['DescribeNetworkInterfaces', 6],
        ['DescribeInstances', 3],
        ['DescribeSubnets', 1],
        ['AssignPrivateIpAddresses', 0.5],
        ['UnassignPrivateIpAddresses', 0.3],
      ] as const);
      const node = w.rng.pick(NODES);
      const readOnly = name.startsWith('Describe');
      const requestParameters =
        name === 'DescribeNetworkInterfaces'
          ? {
              networkInterfaceIdSet: {},
              filterSet: {
                items: [
                  { name: 'attachment.instance-id', valueSet: { items: [{ value: node.instanceId }] } },
                ],
              },
            }
          : name === 'DescribeInstances'
            ? { instancesSet: { items: [{ instanceId: node.instanceId }] }, filterSet: {} }
            : name === 'DescribeSubnets'
              ? { subnetSet: { items: [{ subnetId: 'subnet-0a1b2c3d4e5f6a7b8' }] }, filterSet: {} }
              : {
                  networkInterfaceId: `eni-0${w.rng.hex(16)}`,
                  privateIpAddressesSet: {},
                  secondaryPrivateIpAddressCount: 1,
                };
      return [
        record(w.rng, {
          t,
          userIdentity: identity,
          source: 'ec2.amazonaws.com',
          name,
          ip: NAT(w.rng),
          userAgent: `${sa.userAgent} amazon-vpc-cni-k8s/v1.18.1`,
          requestParameters,
          responseElements: readOnly ? null : { requestId: w.rng.uuid(), _return: true },
          readOnly,
        }),
      ];
    },
  },
  {
    name: 'ssm-agent',
    weight: 10,
    emit: (w, t) => {
      const i = w.rng.int(NODES.length);
      const node = NODES[i] as Node;
      return [
        record(w.rng, {
          t,
          userIdentity: nodeIdentity(w, i, t),
          source: 'ssm.amazonaws.com',
          name: 'UpdateInstanceInformation',
          ip: NAT(w.rng),
          userAgent: 'aws-sdk-go/1.44.260 (go1.21.8; linux; amd64) amazon-ssm-agent/3.3.380.0',
          requestParameters: {
            instanceId: node.instanceId,
            agentVersion: '3.3.380.0',
            agentStatus: 'Active',
            platformType: 'Linux',
            platformName: 'Amazon Linux',
            platformVersion: '2',
            iPAddress: node.ip,
            computerName: node.name,
            agentName: 'amazon-ssm-agent',
            availabilityZone: 'us-west-2b',
            availabilityZoneId: 'usw2-az1',
          },
          responseElements: null,
          readOnly: false,
        }),
      ];
    },
  },
  {
    name: 'payments-app',
    weight: 10,
    emit: (w, t) => {
      const sa = IRSA[0] as IrsaServiceAccount;
      const { identity } = irsaSession(w, sa, t);
      const ip = `10.0.${w.rng.pick([45, 46, 47])}.${w.rng.between(2, 250)}`;
      const c = w.rng.weighted([
        ['put', 5],
        ['get', 2],
        ['secret', 2],
        ['kms', 1],
      ] as const);
      if (c === 'secret') {
        const secret = w.rng.pick(DATA.secrets);
        return [
          record(w.rng, {
            t,
            userIdentity: identity,
            source: 'secretsmanager.amazonaws.com',
            name: 'GetSecretValue',
            ip,
            userAgent:
              'aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/secretsmanager#1.28.6',
            requestParameters: {
              secretId: `arn:aws:secretsmanager:us-west-2:111122223333:secret:${secret}-${w.rng.fork(`secret-suffix:${secret}`).chars(6, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')}`,
            },
            responseElements: null,
            readOnly: true,
            vpcEndpointId: VPCE_SM,
          }),
        ];
      }
      if (c === 'kms') {
        return [
          record(w.rng, {
            t,
            userIdentity: identity,
            source: 'kms.amazonaws.com',
            name: 'GenerateDataKey',
            ip,
            userAgent:
              'aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/kms#1.30.1',
            requestParameters: {
              keyId: 'alias/payments-exports',
              keySpec: 'AES_256',
              encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${DATA.bucket}` },
            },
            responseElements: null,
            readOnly: true,
            resources: [
              {
                accountId: CLUSTER.accountId,
                type: 'AWS::KMS::Key',
                ARN: 'arn:aws:kms:us-west-2:111122223333:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
              },
            ],
          }),
        ];
      }
      const key = c === 'put' ? `exports/2024/05/14/batch-${w.rng.hex(8)}.json.gz` : w.rng.pick(DATA.objects);
      return [
        record(w.rng, {
          t,
          userIdentity: identity,
          source: 's3.amazonaws.com',
          name: c === 'put' ? 'PutObject' : 'GetObject',
          ip,
          userAgent:
            'aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/s3#1.53.1 ft/s3-transfer',
          requestParameters: {
            bucketName: DATA.bucket,
            Host: `${DATA.bucket}.s3.us-west-2.amazonaws.com`,
            key,
          },
          responseElements: null,
          additionalEventData: {
            SignatureVersion: 'SigV4',
            CipherSuite: 'TLS_AES_128_GCM_SHA256',
            bytesTransferredIn: c === 'put' ? w.rng.between(2000, 90000) : 0,
            AuthenticationMethod: 'AuthHeader',
            'x-amz-id-2': w.rng.chars(76, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
            bytesTransferredOut: c === 'put' ? 0 : w.rng.between(20000, 900000),
          },
          readOnly: c !== 'put',
          resources: [
            { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${DATA.bucket}/${key}` },
            { accountId: CLUSTER.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${DATA.bucket}` },
          ],
          management: false,
          vpcEndpointId: VPCE_S3,
          host: `${DATA.bucket}.s3.us-west-2.amazonaws.com`,
        }),
      ];
    },
  },
  {
    name: 'irsa-refresh',
    weight: 3,
    emit: (w, t) => {
      const sa = w.rng.pick(IRSA);
      const session = sessionNameFor(sa, t);
      return [
        irsaAssume(w.rng, t, sa, {
          ip: NAT(w.rng),
          userAgent: sa.userAgent,
          sessionName: session,
          accessKeyId: w.cast.sessionKey(`irsa:${sa.name}`, t),
        }).rec,
      ];
    },
  },
  {
    name: 'ebs-csi',
    weight: 3,
    emit: (w, t) => {
      const sa = IRSA[2] as IrsaServiceAccount;
      const { identity } = irsaSession(w, sa, t);
      return [
        record(w.rng, {
          t,
          userIdentity: identity,
          source: 'ec2.amazonaws.com',
          name: w.rng.pick(['DescribeVolumes', 'DescribeInstances', 'DescribeAvailabilityZones']),
          ip: NAT(w.rng),
          userAgent:
            'aws-sdk-go-v2/1.25.3 os/linux lang/go#1.21.8 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.149.1 ebs-csi-driver/v1.30.0',
          requestParameters: { filterSet: {}, maxResults: 500 },
          responseElements: null,
          readOnly: true,
        }),
      ];
    },
  },
  {
    name: 'node-instance-profile',
    weight: 2,
    emit: (w, t) => {
      const i = w.rng.int(NODES.length);
      const node = NODES[i] as Node;
      return [
        record(w.rng, {
          t,
          eventVersion: '1.08',
          userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' },
          source: 'sts.amazonaws.com',
          name: 'AssumeRole',
          ip: 'ec2.amazonaws.com',
          userAgent: 'ec2.amazonaws.com',
          requestParameters: { roleArn: IAM.nodeRole.arn, roleSessionName: node.instanceId },
          responseElements: {
            credentials: {
              accessKeyId: w.cast.nodeAccessKey(i, t),
              sessionToken: sessionToken(w.rng),
              expiration: stsExpiration(t + 6 * 3600 * SECOND),
            },
            assumedRoleUser: {
              assumedRoleId: `${IAM.nodeRole.principalId}:${node.instanceId}`,
              arn: `arn:aws:sts::111122223333:assumed-role/${IAM.nodeRole.name}/${node.instanceId}`,
            },
          },
          readOnly: true,
          resources: [{ accountId: CLUSTER.accountId, type: 'AWS::IAM::Role', ARN: IAM.nodeRole.arn }],
          sharedEventID: w.rng.uuid(),
          noTls: true,
        }),
      ];
    },
  },
  {
    name: 'eks-service',
    weight: 4,
    emit: (w, t) => {
      const nodegroup = w.rng.chance(0.5);
      if (nodegroup) {
        return [
          record(w.rng, {
            t,
            userIdentity: assumedRole({
              roleName: 'AWSServiceRoleForAmazonEKSNodegroup',
              roleArn:
                'arn:aws:iam::111122223333:role/aws-service-role/eks-nodegroup.amazonaws.com/AWSServiceRoleForAmazonEKSNodegroup',
              rolePrincipalId: 'AROA3EXAMPLENGSLROL1',
              session: 'EKS',
              accessKeyId: w.cast.sessionKey('eks-ng', t),
              created: Math.floor(t / (3600 * SECOND)) * 3600 * SECOND,
              invokedBy: 'eks-nodegroup.amazonaws.com',
            }),
            source: 'autoscaling.amazonaws.com',
            name: 'DescribeAutoScalingGroups',
            ip: 'eks-nodegroup.amazonaws.com',
            userAgent: 'eks-nodegroup.amazonaws.com',
            requestParameters: {
              autoScalingGroupNames: ['eks-general-2024041-0ac7a1b2-3c4d-5e6f-7a8b-9c0d1e2f3a4b'],
            },
            responseElements: null,
            readOnly: true,
            noTls: true,
          }),
        ];
      }
      return [
        record(w.rng, {
          t,
          userIdentity: assumedRole({
            roleName: IAM.clusterRole.name,
            roleArn: IAM.clusterRole.arn,
            rolePrincipalId: IAM.clusterRole.principalId,
            session: 'EKS',
            accessKeyId: w.cast.sessionKey('eks-cluster', t),
            created: Math.floor(t / (3600 * SECOND)) * 3600 * SECOND,
            invokedBy: 'eks.amazonaws.com',
          }),
          source: 'kms.amazonaws.com',
          name: 'Decrypt',
          ip: 'eks.amazonaws.com',
          userAgent: 'eks.amazonaws.com',
          requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
          responseElements: null,
          readOnly: true,
          resources: [
            {
              accountId: CLUSTER.accountId,
              type: 'AWS::KMS::Key',
              ARN: 'arn:aws:kms:us-west-2:111122223333:key/5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
            },
          ],
          noTls: true,
        }),
      ];
    },
  },
];

/** Draws one background AWS kind. */
export function emitTrailBackground(world: TrailWorld, t: Micros): TimedRecord[] {
  const kind = world.rng.weighted(TRAIL_KINDS.map((k) => [k, k.weight] as const));
  return kind.emit(world, t);
}

const GITHUB_PROVIDER = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';

/** The AWS side of a CI deploy: GitHub OIDC role assumption, ECR push, DescribeCluster, node image pulls. */
export function ciDeployTrail(world: TrailWorld, item: AgendaItem): TimedRecord[] {
  const rng = world.rng.fork(`ci-trail-${item.index}`);
  const app = item.app as App;
  const ip = item.runnerIp as string;
  const t0 = item.t - 95 * SECOND;
  const key = world.cast.sessionKey('ci', item.t);
  const subject = `repo:example-org/${app.name}:ref:refs/heads/main`;
  const out: TimedRecord[] = [];
  out.push(
    record(rng, {
      t: t0,
      eventVersion: '1.08',
      userIdentity: webIdentityUser(GITHUB_PROVIDER, subject),
      source: 'sts.amazonaws.com',
      name: 'AssumeRoleWithWebIdentity',
      ip,
      userAgent:
        'aws-sdk-js/3.540.0 ua/2.0 os/linux#6.5.0-1018-azure lang/js md/nodejs#20.12.0 api/sts#3.540.0 configure-aws-credentials/4.0.2',
      requestParameters: { roleArn: IAM.ci.arn, roleSessionName: IAM.ci.session, durationSeconds: 3600 },
      responseElements: {
        credentials: {
          accessKeyId: key,
          sessionToken: sessionToken(rng),
          expiration: stsExpiration(t0 + 3600 * SECOND),
        },
        subjectFromWebIdentityToken: subject,
        assumedRoleUser: {
          assumedRoleId: `${IAM.ci.principalId}:${IAM.ci.session}`,
          arn: `arn:aws:sts::111122223333:assumed-role/${IAM.ci.role}/${IAM.ci.session}`,
        },
        provider: GITHUB_PROVIDER,
        audience: 'sts.amazonaws.com',
      },
      additionalEventData: { identityProviderConnectionVerificationMethod: 'IAMTrustStore' },
      readOnly: true,
      resources: [{ accountId: CLUSTER.accountId, type: 'AWS::IAM::Role', ARN: IAM.ci.arn }],
    }),
  );
  const ciId = assumedRole({
    roleName: IAM.ci.role,
    roleArn: IAM.ci.arn,
    rolePrincipalId: IAM.ci.principalId,
    session: IAM.ci.session,
    accessKeyId: key,
    created: t0,
  });
  const repo = { repositoryName: app.name, registryId: CLUSTER.accountId };
  const calls: [string, object, boolean][] = [
    ['GetAuthorizationToken', {}, true],
    ['BatchCheckLayerAvailability', { ...repo, layerDigests: [`sha256:${rng.hex(64)}`] }, true],
    ['InitiateLayerUpload', repo, false],
    [
      'CompleteLayerUpload',
      { ...repo, uploadId: rng.uuid(), layerDigests: [`sha256:${rng.hex(64)}`] },
      false,
    ],
    [
      'PutImage',
      {
        ...repo,
        imageTag: `2.14.${item.index + 3}`,
        imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      },
      false,
    ],
  ];
  let t = t0 + 4 * SECOND;
  for (const [name, params, readOnly] of calls) {
    t += rng.between(2, 12) * SECOND;
    out.push(
      record(rng, {
        t,
        userIdentity: ciId,
        source: 'ecr.amazonaws.com',
        name,
        ip,
        userAgent:
          'docker/24.0.9 go/go1.20.13 git-commit/fca702d kernel/6.5.0-1018-azure os/linux arch/amd64 UpstreamClient(Docker-Client/24.0.9 \\(linux\\))',
        requestParameters: params,
        responseElements: null,
        readOnly,
      }),
    );
  }
  out.push(
    record(rng, {
      t: item.t - 9 * SECOND,
      userIdentity: ciId,
      source: 'eks.amazonaws.com',
      name: 'DescribeCluster',
      ip,
      userAgent:
        'aws-cli/2.15.38 Python/3.11.8 Linux/6.5.0-1018-azure exe/x86_64.ubuntu.22 prompt/off command/eks.update-kubeconfig',
      requestParameters: { name: CLUSTER.name },
      responseElements: null,
      readOnly: true,
    }),
  );
  const nodeIndex = rng.int(NODES.length);
  for (const name of ['GetAuthorizationToken', 'BatchGetImage', 'GetDownloadUrlForLayer']) {
    out.push(
      record(rng, {
        t: item.t + rng.between(2, 6) * SECOND,
        userIdentity: nodeIdentity(world, nodeIndex, item.t),
        source: 'ecr.amazonaws.com',
        name,
        ip: NAT(rng),
        userAgent: 'ecr-credential-provider/v1.29.0 aws-sdk-go/1.51.12 (go1.21.9; linux; amd64)',
        requestParameters:
          name === 'GetAuthorizationToken'
            ? { registryIds: [CLUSTER.accountId] }
            : { ...repo, imageIds: [{ imageTag: `2.14.${item.index + 3}` }] },
        responseElements: null,
        readOnly: true,
      }),
    );
  }
  return out;
}

/** The AWS side of an admin session: whoami, DescribeCluster, a Logs Insights query. */
export function adminSessionTrail(world: TrailWorld, item: AgendaItem): TimedRecord[] {
  const rng = world.rng.fork(`admin-trail-${item.index}`);
  const created = item.t - 20 * 60 * SECOND;
  const id = assumedRole({
    roleName: IAM.admin.role,
    roleArn: IAM.admin.arn,
    rolePrincipalId: IAM.admin.principalId,
    session: IAM.admin.session,
    accessKeyId: world.cast.sessionKey('admin', item.t),
    created,
  });
  const ua = (cmd: string): string =>
    `aws-cli/2.15.40 md/awscrt#0.19.19 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#${cmd}`;
  const out: TimedRecord[] = [
    record(rng, {
      t: item.t - 40 * SECOND,
      userIdentity: id,
      source: 'sts.amazonaws.com',
      name: 'GetCallerIdentity',
      ip: IPS.corporateVpn,
      userAgent: ua('sts.get-caller-identity'),
      requestParameters: null,
      responseElements: null,
      readOnly: true,
    }),
    record(rng, {
      t: item.t - 25 * SECOND,
      userIdentity: id,
      source: 'eks.amazonaws.com',
      name: 'DescribeCluster',
      ip: IPS.corporateVpn,
      userAgent: ua('eks.update-kubeconfig'),
      requestParameters: { name: CLUSTER.name },
      responseElements: null,
      readOnly: true,
    }),
  ];
  if (item.index % 2 === 1) {
    out.push(
      record(rng, {
        t: item.t + 4 * 60 * SECOND,
        userIdentity: id,
        source: 'logs.amazonaws.com',
        name: 'StartQuery',
        ip: IPS.corporateVpn,
        userAgent: ua('logs.start-query'),
        requestParameters: {
          logGroupName: CLUSTER.logGroup,
          startTime: Math.floor(item.t / 1e6) - 3600,
          endTime: Math.floor(item.t / 1e6),
          queryString:
            'fields @timestamp, @message | filter @logStream like "kube-apiserver-audit" | sort @timestamp desc | limit 20',
        },
        responseElements: { queryId: rng.uuid() },
        readOnly: true,
      }),
    );
  }
  return out;
}
