/**
 * Ports of Panther rules whose logic is a pure per-event predicate, each
 * checked against Panther's embedded rule tests (see
 * test/detect/panther-tests.test.ts).
 *
 * @module
 */
import type { Detection } from '../types.js';
import { PANTHER_CLOUDTRAIL_DETECTIONS } from './panther-cloudtrail/index.js';
import { PANTHER_KUBERNETES_DETECTIONS } from './panther-kubernetes.js';
import { lines, PANTHER } from './sources.js';

const FIRST_PORTS: readonly Detection[] = [
  {
    id: 'panther.cloudtrail-stopped',
    title: 'CloudTrail stopped or deleted (successful)',
    description: 'A successful StopLogging or DeleteTrail (no errorCode or errorMessage).',
    severity: 'high',
    mitre: ['T1562.008'],
    tags: ['panther', 'cloudtrail', 'defense-evasion', 'logging'],
    kind: 'cloudtrail',
    queries: [
      {
        query: lines(
          'fields @timestamp, eventName, userIdentity.arn, requestParameters.name, recipientAccountId, sourceIPAddress',
          '| filter eventName in ["DeleteTrail", "StopLogging"]',
          '| filter not ispresent(errorCode) and not ispresent(errorMessage)',
        ),
      },
    ],
    source: `${PANTHER} rules/aws_cloudtrail_rules/aws_cloudtrail_stopped.yml`,
    pantherRule: 'AWS.CloudTrail.Stopped',
  },
  {
    id: 'panther.root-activity',
    title: 'Root user write activity (successful)',
    description:
      'A successful, non-read-only call by the root user that is not an AWS service event, not invoked by a service, and not CreateServiceLinkedRole.',
    severity: 'high',
    mitre: ['T1078.004'],
    tags: ['panther', 'cloudtrail', 'identity', 'root'],
    kind: 'cloudtrail',
    queries: [
      {
        query: lines(
          'fields @timestamp, eventSource, eventName, sourceIPAddress, userAgent, recipientAccountId',
          '| filter userIdentity.type = "Root" and not ispresent(userIdentity.invokedBy)',
          '| filter not ispresent(errorCode) and not ispresent(errorMessage)',
          '| filter not (eventType = "AwsServiceEvent") and not (eventName = "CreateServiceLinkedRole")',
          '| filter not (@message like /"readOnly":\\s*true/)',
        ),
      },
    ],
    source: `${PANTHER} rules/aws_cloudtrail_rules/aws_root_activity.yml`,
    pantherRule: 'AWS.Root.Activity',
  },
  {
    id: 'panther.k8s-nodeport-service',
    title: 'NodePort Service deployed',
    description: 'A create of a Service of type NodePort that did not fail (no 4xx/5xx code).',
    severity: 'medium',
    mitre: ['T1133'],
    tags: ['panther', 'exposure', 'services'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, objectRef.namespace, objectRef.name, requestObject.spec.type as service_type',
          '| filter verb = "create" and objectRef.resource = "services" and requestObject.spec.type = "NodePort"',
          '| filter not (responseStatus.code >= 400)',
        ),
      },
    ],
    source: `${PANTHER} rules/kubernetes_rules/k8s_service_nodeport.yml`,
    pantherRule: 'Kubernetes.Service.NodePort.Deployed',
  },
];

/**
 * Every Panther rule port: the first three above, then the Kubernetes/EKS and
 * CloudTrail families.
 *
 * @example
 * ```ts
 * PANTHER_DETECTIONS.find((d) => d.pantherRule === 'Kubernetes.Pod.Host.PID')?.id; //=> 'panther.k8s-pod-host-pid'
 * ```
 */
export const PANTHER_DETECTIONS: readonly Detection[] = [
  ...FIRST_PORTS,
  ...PANTHER_KUBERNETES_DETECTIONS,
  ...PANTHER_CLOUDTRAIL_DETECTIONS,
];
