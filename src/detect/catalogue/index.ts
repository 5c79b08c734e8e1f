/**
 * The built-in detection catalogue and its list/filter API.
 *
 * @module
 */
import { assertUniqueIds } from '../schema.js';
import type { Detection, DetectionFilter, InexpressibleRule, Severity } from '../types.js';
import { SEVERITIES } from '../types.js';
import { AUTHENTICATOR_DETECTIONS } from './authenticator.js';
import { CLOUDTRAIL_DETECTIONS } from './cloudtrail.js';
import { EKS_BEST_PRACTICES_DETECTIONS } from './eks-best-practices.js';
import { FALCO_DETECTIONS, FALCO_INEXPRESSIBLE } from './falco.js';
import { GUARDDUTY_DETECTIONS } from './guardduty.js';
import { IRSA_DETECTIONS } from './irsa.js';
import { KUBERNETES_DETECTIONS } from './kubernetes.js';
import { PANTHER_DETECTIONS } from './panther.js';

/**
 * Every built-in detection, in catalogue order (EKS guide, project
 * Kubernetes, GuardDuty, Falco, CloudTrail, IRSA, authenticator).
 *
 * @example
 * ```ts
 * BUILT_IN_DETECTIONS.find((d) => d.id === 'falco.attach-exec-pod')?.severity; //=> 'medium'
 * ```
 */
export const BUILT_IN_DETECTIONS: readonly Detection[] = [
  ...EKS_BEST_PRACTICES_DETECTIONS,
  ...KUBERNETES_DETECTIONS,
  ...GUARDDUTY_DETECTIONS,
  ...FALCO_DETECTIONS,
  ...CLOUDTRAIL_DETECTIONS,
  ...PANTHER_DETECTIONS,
  ...IRSA_DETECTIONS,
  ...AUTHENTICATOR_DETECTIONS,
];
assertUniqueIds(BUILT_IN_DETECTIONS);

/**
 * Peer rules the Logs Insights language cannot express, with the reason.
 *
 * @example
 * ```ts
 * INEXPRESSIBLE_RULES.map((r) => r.rule); //=> ['Create Disallowed Pod']
 * ```
 */
export const INEXPRESSIBLE_RULES: readonly InexpressibleRule[] = [...FALCO_INEXPRESSIBLE];

const asList = <T>(v: T | readonly T[] | undefined): readonly T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T];

/** Rank of a severity, 0 (info) to 4 (critical). */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/**
 * Lists detections matching every given criterion. Disabled detections
 * (Falco's disabled-by-default rules) are left out unless named in `ids` or
 * `includeDisabled` is set.
 *
 * @param filter - tags (any of), severity (exact), minSeverity, kind, ids.
 * @param detections - the set to filter; the built-ins by default.
 * @example
 * ```ts
 * listDetections({ tags: ['irsa'], minSeverity: 'medium' }).map((d) => d.id);
 * listDetections({ kind: 'cloudtrail' }).length;
 * ```
 */
export function listDetections(
  filter: DetectionFilter = {},
  detections: readonly Detection[] = BUILT_IN_DETECTIONS,
): readonly Detection[] {
  const tags = filter.tags;
  const severities = asList(filter.severity);
  const kinds = asList(filter.kind);
  const ids = filter.ids === undefined ? undefined : new Set(filter.ids);
  const minRank = filter.minSeverity === undefined ? 0 : severityRank(filter.minSeverity);
  return detections.filter((d) => {
    if (ids !== undefined && !ids.has(d.id)) return false;
    if (ids === undefined && d.enabled === false && filter.includeDisabled !== true) return false;
    if (tags !== undefined && !tags.some((t) => d.tags.includes(t))) return false;
    if (severities !== undefined && !severities.includes(d.severity)) return false;
    if (severityRank(d.severity) < minRank) return false;
    if (kinds !== undefined && !kinds.includes(d.kind)) return false;
    return true;
  });
}
