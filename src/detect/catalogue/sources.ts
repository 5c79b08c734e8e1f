/**
 * Source references shared by the catalogue files.
 *
 * @module
 * @internal
 */

/** EKS Best Practices Guide, detective controls (audit queries; sample code MIT-0). */
export const EKS_BP_DETECTIVE =
  'https://docs.aws.amazon.com/eks/latest/best-practices/auditing-and-logging.html (aws/aws-eks-best-practices latest/bpg/security/detective.adoc@dc0243ad)';
/** EKS Best Practices Guide, data encryption and secrets management. */
export const EKS_BP_DATA =
  'https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html (aws/aws-eks-best-practices latest/bpg/security/data.adoc@dc0243ad)';
/** EKS Best Practices Guide, identity and access management. */
export const EKS_BP_IAM =
  'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html (aws/aws-eks-best-practices latest/bpg/security/iam.adoc@dc0243ad)';
/** Falco's Kubernetes audit rules. */
export const FALCO_RULES =
  'falcosecurity/plugins plugins/k8saudit/rules/k8s_audit_rules.yaml@0b3cbd8d84eba83877159cf3c9fdae1820084c26';
/** GuardDuty EKS audit-log finding types. */
export const GUARDDUTY_EKS =
  'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-finding-types-eks-audit-logs.html';
/** Panther analysis rules. */
export const PANTHER = 'panther-labs/panther-analysis@daa10c888566839e9918dfba1cd652743781e5fe';
/** Stratus Red Team techniques. */
export const STRATUS = 'https://stratus-red-team.cloud/attack-techniques/';

/** Joins query lines with newlines. */
export function lines(...parts: readonly string[]): string {
  return parts.join('\n');
}
