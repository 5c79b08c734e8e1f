/**
 * `kubetrail/detect`: detections and investigations.
 *
 * The built-in catalogue, detection and Sigma rule loading, `runDetections`,
 * IRSA misuse, pivots between Kubernetes users and AWS sessions, timelines and
 * insights. See docs/detections.md and docs/investigations.md.
 *
 * @example
 * ```ts
 * import { buildTimeline, listDetections } from 'kubetrail/detect';
 * ```
 *
 * @module
 */
export {
  type Attribution,
  type AttributionValue,
  type AwsPrincipalSelector,
  BUILT_IN_DETECTIONS,
  buildTimeline,
  computeInsights,
  DETECT_ERROR_CODES,
  DETECTION_KINDS,
  DetectError,
  type DetectErrorCode,
  type Detection,
  type DetectionFilter,
  type DetectionKind,
  type DetectionQuery,
  DetectionQuerySchema,
  DetectionSchema,
  type Finding,
  INEXPRESSIBLE_RULES,
  type InexpressibleRule,
  type InsightEvent,
  type InsightsOptions,
  type InsightType,
  type IrsaFinding,
  type IrsaFindingType,
  type IrsaOptions,
  type IrsaReport,
  investigateIrsa,
  type KubernetesUserSelector,
  type LoadDetectionsOptions,
  type LoadSigmaOptions,
  listDetections,
  loadDetections,
  loadSigmaRules,
  type PivotIdentity,
  type PivotOptions,
  type PivotResult,
  pivotFromAwsPrincipal,
  pivotFromKubernetesUser,
  type RunDetectionsOptions,
  runDetections,
  SEVERITIES,
  type ServiceAccountAssumption,
  type SessionUse,
  type Severity,
  type SigmaProblem,
  type SigmaRuleSet,
  type SigmaSource,
  sigmaToInsights,
  type TimelineEntry,
  type TimelineOptions,
  type TimelineSelector,
  toServiceAccountAssumption,
  toTimelineEntry,
} from '../detect/index.js';
export { type DetectLogsOptions, type DetectLogsResult, detectLogs } from '../run/detect-logs.js';
