/**
 * Detections and investigations: the catalogue, the runner, IRSA / Pod
 * Identity, Kubernetes ↔ AWS pivots, offline CloudTrail Insights and
 * timelines.
 *
 * @module
 */
export { broadcast } from './broadcast.js';
export { BUILT_IN_DETECTIONS, INEXPRESSIBLE_RULES, listDetections, severityRank } from './catalogue/index.js';
export { ipv4InCidr, parseCidr } from './cidr.js';
export { DETECT_ERROR_CODES, DetectError, type DetectErrorCode } from './errors.js';
export {
  type Attribution,
  type AttributionValue,
  computeInsights,
  type InsightEvent,
  type InsightsOptions,
  type InsightType,
} from './insights.js';
export {
  type IrsaFinding,
  type IrsaFindingType,
  type IrsaOptions,
  type IrsaReport,
  investigateIrsa,
  type ServiceAccountAssumption,
  type SessionUse,
  toServiceAccountAssumption,
} from './irsa.js';
export {
  type AwsPrincipalSelector,
  type KubernetesUserSelector,
  type PivotIdentity,
  type PivotOptions,
  type PivotResult,
  pivotFromAwsPrincipal,
  pivotFromKubernetesUser,
} from './pivot.js';
export type { ResultRowLike } from './result-row.js';
export { runDetections } from './run.js';
export {
  type DetectionCompiledQuery,
  type DetectionCompiler,
  type RunDetectionsOptions,
  runDetectionsWith,
  sourceRuleOf,
  toFinding,
} from './run-detections.js';
export {
  DetectionQuerySchema,
  DetectionSchema,
  type LoadDetectionsOptions,
  loadDetections,
} from './schema.js';
export { sigmaToInsights } from './sigma/convert.js';
export {
  type LoadSigmaOptions,
  loadSigmaRules,
  SIGMA_FIELD_MAPPINGS,
  SigmaCorrelationSchema,
  SigmaFilterSchema,
  SigmaRuleSchema,
  type SigmaSource,
  sigmaKindOf,
} from './sigma/load.js';
export { createSigmaRunner, type SigmaRunner, type SigmaRunOptions } from './sigma/run.js';
export type {
  SigmaCorrelation,
  SigmaMeta,
  SigmaPosition,
  SigmaProblem,
  SigmaRule,
  SigmaRuleSet,
  SigmaRuleStatus,
} from './sigma/types.js';
export { SIGMA_MODIFIERS } from './sigma/values.js';
export {
  buildTimeline,
  type TimelineEntry,
  type TimelineOptions,
  type TimelineSelector,
  toTimelineEntry,
} from './timeline.js';
export {
  DETECTION_KINDS,
  type Detection,
  type DetectionFilter,
  type DetectionKind,
  type DetectionQuery,
  type DetectionSourceRule,
  type FalcoOutputField,
  type FalcoPriority,
  type Finding,
  type InexpressibleRule,
  SEVERITIES,
  type Severity,
} from './types.js';
