/**
 * Types of the detection catalogue: detections, findings and their options.
 *
 * @module
 */
import type { ResultRowLike } from './result-row.js';

/** The kinds of allow-list a detection can declare. */
export type AllowListKind = 'cidrs' | 'users' | 'serviceAccounts' | 'namespaces' | 'userAgents';

/**
 * How bad a finding is, from `info` (context) to `critical` (act now).
 *
 * @example
 * ```ts
 * import { listDetections, type Severity } from 'kubetrail/detect';
 * const floor: Severity = 'high';
 * listDetections({ minSeverity: floor }).every((d) => d.severity === 'high' || d.severity === 'critical'); //=> true
 * ```
 */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/**
 * Every severity, least to most severe.
 *
 * @example
 * ```ts
 * SEVERITIES.indexOf('high') > SEVERITIES.indexOf('medium'); //=> true
 * SEVERITIES.at(-1); //=> 'critical'
 * ```
 */
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/**
 * The log kinds a detection can apply to.
 *
 * @example
 * ```ts
 * import { type DetectionKind, listDetections } from 'kubetrail/detect';
 * const kind: DetectionKind = 'authenticator';
 * listDetections({ kind }).map((d) => d.id);
 * ```
 */
export type DetectionKind = 'kubernetes-audit' | 'cloudtrail' | 'authenticator';

/**
 * Every detection kind.
 *
 * @example
 * ```ts
 * DETECTION_KINDS; //=> ['kubernetes-audit', 'cloudtrail', 'authenticator']
 * DETECTION_KINDS.map((kind) => listDetections({ kind }).length); // enabled detections of each kind
 * ```
 */
export const DETECTION_KINDS: readonly DetectionKind[] = ['kubernetes-audit', 'cloudtrail', 'authenticator'];

/**
 * One Logs Insights query of a detection.
 *
 * @example
 * ```ts
 * import { BUILT_IN_DETECTIONS, type DetectionQuery } from 'kubetrail/detect';
 * const exec = BUILT_IN_DETECTIONS.find((d) => d.id === 'falco.attach-exec-pod');
 * const queries: readonly DetectionQuery[] = exec?.queries ?? [];
 * for (const q of queries) console.log(q.description ?? '(one query)', q.query);
 * ```
 */
export interface DetectionQuery {
  /** The query text in the Logs Insights language. */
  readonly query: string;
  /** What this query shows, when a detection has several. */
  readonly description?: string;
  /** `true` when the text is reproduced character for character from `Detection.source`. */
  readonly verbatim?: boolean;
}

/**
 * One detection: data that the engine runs. Built-ins live in
 * `src/detect/catalogue/`; users add their own from YAML or JSON with
 * {@link loadDetections}.
 *
 * @example
 * ```ts
 * import { type Detection, listDetections } from 'kubetrail/detect';
 * const rbac: readonly Detection[] = listDetections({ tags: ['rbac'] });
 * for (const d of rbac) console.log(d.id, d.severity, d.mitre.join(','), d.queries.length);
 * ```
 */
export interface Detection {
  /** Stable id, e.g. `falco.attach-exec-pod` or `eks-bp.aws-auth-modified`. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  /** MITRE ATT&CK technique ids, e.g. `T1609`. */
  readonly mitre: readonly string[];
  readonly tags: readonly string[];
  /** The log kind the queries run over; events of other kinds are not fed to them. */
  readonly kind: DetectionKind;
  readonly queries: readonly DetectionQuery[];
  /** Where the detection comes from: a URL or `repo path@commit` and rule name. */
  readonly source: string;
  /** For Falco equivalents, the Falco rule name (as in the current rules file). */
  readonly falcoRule?: string;
  /** For Falco equivalents, the rule's Falco priority, as Falco spells it (`WARNING`, `NOTICE`, …). */
  readonly falcoPriority?: FalcoPriority;
  /**
   * For Falco equivalents, the fields of the rule's Falco output, each with
   * the label Falco prints it under; the query projects each one it can
   * under that label (see `FalcoOutputField.column`).
   */
  readonly falcoOutput?: readonly FalcoOutputField[];
  /**
   * Names the same Falco rule had in earlier Falco rule files, e.g.
   * `K8s Role/Clusterrole Created` before Falco split it by RBAC object.
   */
  readonly falcoFormerRules?: readonly string[];
  /** For Panther ports, the Panther RuleID. */
  readonly pantherRule?: string;
  /** For GuardDuty equivalents, the finding type. */
  readonly guardDutyFinding?: string;
  /**
   * The allow-lists (`RunDetectionsOptions.allowLists`) that apply: events
   * they match are withheld from the queries and counted in
   * `Finding.suppressed`.
   */
  readonly allowLists?: readonly AllowListKind[];
  /**
   * `false` for detections that match too broadly to run by default (Falco's
   * disabled-by-default rules); they run only when asked for by id.
   * @defaultValue true
   */
  readonly enabled?: boolean;
}

/** Falco's rule priorities, most severe first. */
export type FalcoPriority =
  | 'EMERGENCY'
  | 'ALERT'
  | 'CRITICAL'
  | 'ERROR'
  | 'WARNING'
  | 'NOTICE'
  | 'INFORMATIONAL'
  | 'INFO'
  | 'DEBUG';

/**
 * One field of a Falco rule's output: `label=%field` in Falco's output
 * format, and the result column that holds it.
 */
export interface FalcoOutputField {
  /** The label Falco prints, e.g. `user` or `ns`; the query's column alias. */
  readonly label: string;
  /** The Falco field, e.g. `ka.user.name` or `jevt.value[/requestObject/spec/volumes]`. */
  readonly field: string;
  /**
   * The Logs Insights field projected under `label` (for a Falco list
   * field, its first element), or `undefined` when the value is an object
   * or a list of objects, which the language does not project.
   */
  readonly column?: string;
}

/** The rule set a detection mirrors, and the rule's name there. */
export interface DetectionSourceRule {
  readonly ruleSet: 'falco' | 'panther' | 'guardduty';
  /** Falco's rule name, Panther's RuleID or GuardDuty's finding type. */
  readonly rule: string;
  /** The Falco priority (Falco rules only). */
  readonly priority?: FalcoPriority;
  /** Earlier names of the same rule (Falco rules only). */
  readonly formerly?: readonly string[];
}

/**
 * A detection the language cannot express, with the reason.
 *
 * @example
 * ```ts
 * import { INEXPRESSIBLE_RULES, type InexpressibleRule } from 'kubetrail/detect';
 * const skipped: readonly InexpressibleRule[] = INEXPRESSIBLE_RULES;
 * for (const r of skipped) console.log(`${r.rule} (${r.source}): ${r.reason}`);
 * ```
 */
export interface InexpressibleRule {
  /** The peer rule's name. */
  readonly rule: string;
  readonly source: string;
  readonly reason: string;
}

/**
 * Filter for {@link listDetections}. Every given criterion must hold.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { type DetectionFilter, listDetections, runDetections } from 'kubetrail/detect';
 * const filter: DetectionFilter = { kind: 'kubernetes-audit', minSeverity: 'high', tags: ['rbac', 'secrets'] };
 * listDetections(filter).map((d) => d.id);
 * const findings = await runDetections(readLogs('samples/incident/'), { filter });
 * ```
 */
export interface DetectionFilter {
  /** Keep detections carrying at least one of these tags. */
  readonly tags?: readonly string[];
  /** Keep detections at exactly these severities (one or a list). */
  readonly severity?: Severity | readonly Severity[];
  /** Keep detections at or above this severity. */
  readonly minSeverity?: Severity;
  /** Keep detections of these kinds. */
  readonly kind?: DetectionKind | readonly DetectionKind[];
  /** Keep only these ids (disabled detections included when named here). */
  readonly ids?: readonly string[];
  /** Include disabled detections without naming them. @defaultValue false */
  readonly includeDisabled?: boolean;
}

/**
 * One detection's findings over the input.
 *
 * @example
 * ```ts
 * const findings: Finding[] = await runDetections(readLogs('samples/incident/'));
 * for (const f of findings) console.log(f.severity, f.detectionId, f.count);
 * ```
 */
export interface Finding {
  readonly detectionId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly mitre: readonly string[];
  readonly kind: DetectionKind;
  /**
   * The rule this detection mirrors, for Falco, Panther and GuardDuty
   * equivalents: e.g. `{ ruleSet: 'falco', rule: 'Attach/Exec Pod', priority: 'NOTICE' }`.
   */
  readonly source?: DetectionSourceRule;
  /** Result rows over all the detection's queries. */
  readonly count: number;
  /** Records the queries' filters matched, summed over queries (engine statistics). */
  readonly recordsMatched: number;
  /** Earliest timestamp seen in the result rows (epoch ms), if any row carries one. */
  readonly firstSeen?: number;
  /** Latest timestamp seen in the result rows (epoch ms). */
  readonly lastSeen?: number;
  /** Up to `sampleLimit` result rows, in result order. */
  readonly samples: readonly ResultRowLike[];
  /** Per query: rows and matched records. */
  readonly queries: readonly {
    readonly index: number;
    readonly rows: number;
    readonly recordsMatched: number;
  }[];
  /**
   * What the allow-lists withheld, when any applied: the records the
   * queries' filters would have matched among the withheld events, and the
   * result rows those events alone give. A finding with `count` 0 is still
   * returned when it suppressed something, so nothing is lost silently.
   */
  readonly suppressed?: {
    readonly records: number;
    readonly rows: number;
    readonly lists: readonly AllowListKind[];
  };
  /**
   * For findings of Sigma rules: the rule's id, title, level, author and
   * references (the DRL 1.1 attribution), the file and line it was loaded
   * from, and the correlation type for correlation rules.
   */
  readonly sigma?: {
    readonly id?: string;
    readonly title: string;
    readonly level: string;
    readonly author?: string;
    readonly references: readonly string[];
    readonly status?: string;
    readonly file: string;
    readonly line: number;
    readonly correlation?: string;
  };
}
