/**
 * kubetrail: offline log forensics for Amazon EKS.
 *
 * @module
 */
export { isKubetrailError, KubetrailError } from './errors.js';
export type { LogEvent, LogKind, LogSource } from './log-event.js';
