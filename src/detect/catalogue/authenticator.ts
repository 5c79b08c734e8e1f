/**
 * Detections over the aws-iam-authenticator stream of the EKS control plane.
 *
 * @module
 */
import type { Detection } from '../types.js';
import { lines } from './sources.js';

/** Authenticator-stream detections. */
export const AUTHENTICATOR_DETECTIONS: readonly Detection[] = [
  {
    id: 'authenticator.access-denied',
    title: 'Authenticator denied access',
    description:
      'aws-iam-authenticator refused a token: the STS call failed or the IAM identity is not mapped (aws-auth or access entries). Bursts mean someone is trying credentials against the cluster.',
    severity: 'low',
    mitre: ['T1078.004', 'T1110'],
    tags: ['authenticator', 'initial-access'],
    kind: 'authenticator',
    queries: [
      {
        query: lines(
          'filter @message like /msg="access denied"/',
          '| parse @message /arn="(?<arn>[^"]*)"/',
          '| parse @message /error="(?<error>[^"]*)"/',
          '| stats count(*) as denials, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by arn, error',
          '| sort denials desc',
        ),
      },
    ],
    source: 'project-original; kubernetes-sigs/aws-iam-authenticator pkg/server/server.go log lines',
  },
];
