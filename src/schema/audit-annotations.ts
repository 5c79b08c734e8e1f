/**
 * Well-known Kubernetes audit annotation keys and typed accessors. The
 * annotations map is open (any `<prefix>/<key>`); values are always strings,
 * some of them JSON inside the string.
 *
 * @module
 */

/**
 * Annotation keys written by the apiserver and its admission plugins.
 *
 * @example
 * ```ts
 * event.annotations?.[AUDIT_ANNOTATIONS.authorizationDecision]; //=> 'allow' | 'forbid' | undefined
 * ```
 */
export const AUDIT_ANNOTATIONS = Object.freeze({
  /** `allow` or `forbid`. */
  authorizationDecision: 'authorization.k8s.io/decision',
  /** Free text, e.g. `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "z"`; often `""`. */
  authorizationReason: 'authorization.k8s.io/reason',
  /** `<level>:<version>`, e.g. `restricted:latest`. */
  podSecurityEnforcePolicy: 'pod-security.kubernetes.io/enforce-policy',
  /** `would violate PodSecurity "restricted:latest": …`. */
  podSecurityAuditViolations: 'pod-security.kubernetes.io/audit-violations',
  /** `user`, `namespace` or `runtimeClass`. */
  podSecurityExempt: 'pod-security.kubernetes.io/exempt',
  /** `"true"` when the truncate backend dropped request/response objects. */
  truncated: 'audit.k8s.io/truncated',
  /** Service-account user name that authenticated with a legacy secret-based token. */
  legacyToken: 'authentication.k8s.io/legacy-token',
  /** Credential id issued by a TokenRequest (`serviceaccounts/token`). */
  issuedCredentialId: 'authentication.kubernetes.io/issued-credential-id',
  /** `"true"` when a deprecated API version was used. */
  deprecated: 'k8s.io/deprecated',
  /** Release in which the used deprecated API is removed, e.g. `"1.22"`. */
  removedRelease: 'k8s.io/removed-release',
  /** JSON array string of ValidatingAdmissionPolicy failures. */
  validationPolicyFailure: 'validation.policy.admission.k8s.io/validation_failure',
  /** `""` when an unsafe delete ignored a read error. */
  unsafeDeleteIgnoreReadError: 'apiserver.k8s.io/unsafe-delete-ignore-read-error',
} as const);

/**
 * Key prefixes of families of annotations (the rest of the key is
 * `round_<r>_index_<i>`, a latency component or a host name).
 *
 * @example
 * ```ts
 * key.startsWith(AUDIT_ANNOTATION_PREFIXES.mutationWebhook);
 * ```
 */
export const AUDIT_ANNOTATION_PREFIXES = Object.freeze({
  /** JSON `{"configuration","webhook","mutated":bool}`. */
  mutationWebhook: 'mutation.webhook.admission.k8s.io/',
  /** JSON `{"configuration","webhook","patch":[…],"patchType":"JSONPatch"}` (Request+ levels). */
  patchWebhook: 'patch.webhook.admission.k8s.io/',
  failedOpenMutationWebhook: 'failed-open.mutation.webhook.admission.k8s.io/',
  failedOpenValidatingWebhook: 'failed-open.validating.webhook.admission.k8s.io/',
  validatingWebhook: 'validating.webhook.admission.k8s.io/',
  /** Go durations (`"1.02s"`, `"350.1µs"`), on slow requests only: `total`, `etcd`, `authorization`, … */
  latency: 'apiserver.latency.k8s.io/',
  missingSanInvalidCert: 'missing-san.invalid-cert.kubernetes.io/',
  insecureSha1InvalidCert: 'insecure-sha1.invalid-cert.kubernetes.io/',
} as const);

/** Anything with an optional annotations map (a strict or lenient audit event). */
export interface HasAnnotations {
  readonly annotations?: Readonly<Record<string, unknown>> | undefined;
  readonly [key: string]: unknown;
}

/**
 * Reads one annotation as a string (own keys only; non-strings are ignored).
 *
 * @example
 * ```ts
 * getAnnotation({ annotations: { 'k8s.io/deprecated': 'true' } }, 'k8s.io/deprecated'); //=> 'true'
 * ```
 */
export function getAnnotation(event: HasAnnotations, key: string): string | undefined {
  const map = event.annotations;
  if (typeof map !== 'object' || map === null || !Object.hasOwn(map, key)) return undefined;
  const value = map[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The authorizer's decision: `allow`, `forbid`, or `undefined` when absent or unexpected.
 *
 * @example
 * ```ts
 * getAuthorizationDecision({ annotations: { 'authorization.k8s.io/decision': 'forbid' } }); //=> 'forbid'
 * ```
 */
export function getAuthorizationDecision(event: HasAnnotations): 'allow' | 'forbid' | undefined {
  const value = getAnnotation(event, AUDIT_ANNOTATIONS.authorizationDecision);
  return value === 'allow' || value === 'forbid' ? value : undefined;
}

/**
 * The authorizer's reason text (may be `""`).
 *
 * @example
 * ```ts
 * getAuthorizationReason({ annotations: { 'authorization.k8s.io/reason': '' } }); //=> ''
 * ```
 */
export function getAuthorizationReason(event: HasAnnotations): string | undefined {
  return getAnnotation(event, AUDIT_ANNOTATIONS.authorizationReason);
}

/**
 * The Pod Security enforce policy split into level and version.
 *
 * @example
 * ```ts
 * getPodSecurityEnforcePolicy({ annotations: { 'pod-security.kubernetes.io/enforce-policy': 'restricted:latest' } });
 * //=> { level: 'restricted', version: 'latest' }
 * ```
 */
export function getPodSecurityEnforcePolicy(
  event: HasAnnotations,
): { readonly level: string; readonly version: string } | undefined {
  const value = getAnnotation(event, AUDIT_ANNOTATIONS.podSecurityEnforcePolicy);
  if (value === undefined) return undefined;
  const colon = value.indexOf(':');
  return colon === -1
    ? { level: value, version: '' }
    : { level: value.slice(0, colon), version: value.slice(colon + 1) };
}

/**
 * Whether the truncate backend dropped the request/response objects.
 *
 * @example
 * ```ts
 * isTruncated({ annotations: { 'audit.k8s.io/truncated': 'true' } }); //=> true
 * ```
 */
export function isTruncated(event: HasAnnotations): boolean {
  return getAnnotation(event, AUDIT_ANNOTATIONS.truncated) === 'true';
}

/**
 * Whether a deprecated API version was used, and its removal release.
 *
 * @example
 * ```ts
 * getDeprecation({ annotations: { 'k8s.io/deprecated': 'true', 'k8s.io/removed-release': '1.22' } });
 * //=> { removedRelease: '1.22' }
 * ```
 */
export function getDeprecation(event: HasAnnotations): { readonly removedRelease?: string } | undefined {
  if (getAnnotation(event, AUDIT_ANNOTATIONS.deprecated) !== 'true') return undefined;
  const removedRelease = getAnnotation(event, AUDIT_ANNOTATIONS.removedRelease);
  return removedRelease === undefined ? {} : { removedRelease };
}

/** One admission-webhook mutation or patch annotation, decoded. */
export interface WebhookAnnotation {
  /** The full annotation key. */
  readonly key: string;
  /** `mutation` or `patch`. */
  readonly kind: 'mutation' | 'patch';
  /** The decoded JSON value, or `undefined` when it is not valid JSON. */
  readonly value: unknown;
  /** The raw string. */
  readonly raw: string;
}

/**
 * Decodes the `mutation.webhook…` and `patch.webhook…` annotations (JSON in a string).
 *
 * @example
 * ```ts
 * getWebhookAnnotations({ annotations: {
 *   'mutation.webhook.admission.k8s.io/round_0_index_0': '{"configuration":"c","webhook":"w","mutated":true}',
 * } })[0]?.value; //=> { configuration: 'c', webhook: 'w', mutated: true }
 * ```
 */
export function getWebhookAnnotations(event: HasAnnotations): readonly WebhookAnnotation[] {
  const map = event.annotations;
  if (typeof map !== 'object' || map === null) return [];
  const out: WebhookAnnotation[] = [];
  for (const key of Object.keys(map)) {
    const kind = key.startsWith(AUDIT_ANNOTATION_PREFIXES.mutationWebhook)
      ? 'mutation'
      : key.startsWith(AUDIT_ANNOTATION_PREFIXES.patchWebhook)
        ? 'patch'
        : undefined;
    const raw = map[key];
    if (kind === undefined || typeof raw !== 'string') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
    out.push({ key, kind, value, raw });
  }
  return out;
}

/**
 * The `apiserver.latency.k8s.io/*` annotations as a null-prototype map from
 * component (`total`, `etcd`, …) to the raw Go duration string.
 *
 * @example
 * ```ts
 * getLatencyAnnotations({ annotations: { 'apiserver.latency.k8s.io/total': '1.02s' } }).total; //=> '1.02s'
 * ```
 */
export function getLatencyAnnotations(event: HasAnnotations): Readonly<Record<string, string>> {
  const out = Object.create(null) as Record<string, string>;
  const map = event.annotations;
  if (typeof map !== 'object' || map === null) return out;
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (key.startsWith(AUDIT_ANNOTATION_PREFIXES.latency) && typeof value === 'string') {
      out[key.slice(AUDIT_ANNOTATION_PREFIXES.latency.length)] = value;
    }
  }
  return out;
}
