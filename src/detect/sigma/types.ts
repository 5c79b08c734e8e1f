/**
 * Types of kubetrail's Sigma support: loaded rules, correlations, filters,
 * the problems found while loading them, and the compiled matchers.
 *
 * @module
 */
import type { DetectionKind, Severity } from '../types.js';

/** Where something is in a rule file: 1-based line and column. */
export interface SigmaPosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A problem found while loading Sigma rules. `error`s make the rule (or the
 * whole document) unusable because it is not valid Sigma or is too broad;
 * `unsupported` marks valid Sigma that kubetrail cannot run (a log source
 * it does not read, a modifier that cannot apply to JSON logs) and is
 * skipped; `warning`s leave the rule running.
 *
 * @example
 * ```ts
 * import { loadSigmaRules, type SigmaProblem } from 'kubetrail/detect';
 * const { problems } = loadSigmaRules([{ file: 'broken.yml', text: 'title: no detection block' }]);
 * for (const p of problems as readonly SigmaProblem[]) {
 *   console.log(`${p.position.file}:${p.position.line}:${p.position.column} ${p.severity}: ${p.message}`);
 * }
 * ```
 */
export interface SigmaProblem {
  readonly severity: 'error' | 'unsupported' | 'warning';
  readonly message: string;
  readonly position: SigmaPosition;
  /** The rule's `id` (or `name`, or `title`) when the document got that far. */
  readonly rule?: string;
  readonly title?: string;
}

/** The metadata a finding of a Sigma rule carries (DRL 1.1 attribution). */
export interface SigmaMeta {
  readonly id?: string;
  readonly name?: string;
  readonly title: string;
  readonly level: string;
  readonly status?: string;
  readonly author?: string;
  readonly references: readonly string[];
  readonly description?: string;
  readonly tags: readonly string[];
  readonly falsepositives: readonly string[];
  /** The file and line the rule starts at. */
  readonly position: SigmaPosition;
}

/** One compiled value test of a field. */
export type ValueTest = (value: unknown) => boolean;

/** A compiled condition over one event. */
export type EventTest = (event: SigmaEventView) => boolean;

/** What a compiled rule reads from an event. */
export interface SigmaEventView {
  /** Every value at the dotted field path (arrays along the way are searched; `[]` when absent). */
  values(field: string): readonly unknown[];
  /** Whether the field is present (any value, `null` included). */
  has(field: string): boolean;
  /** The raw record text (`@message`), for keyword searches. */
  readonly message: string;
}

/** A Sigma detection rule, compiled and ready to run. */
export interface SigmaRule {
  readonly meta: SigmaMeta;
  readonly kind: DetectionKind;
  readonly severity: Severity;
  readonly test: EventTest;
  /** Field names the detection reads (shown in sample rows). */
  readonly fields: readonly string[];
  /** The rule's `detection` block as written (for `sigma convert`). */
  readonly detection: Readonly<Record<string, unknown>>;
  /** Whether the rule's own matches are reported (`false` when only a correlation uses it). */
  readonly generate: boolean;
  /** MITRE ATT&CK technique ids from `attack.tNNNN` tags. */
  readonly mitre: readonly string[];
  /** Each search identifier's own test (for explaining why a rule did not fire). */
  readonly searches: Readonly<Record<string, EventTest>>;
}

/** The condition of a correlation: one or two bounds on the counted value. */
export interface CorrelationCondition {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
  readonly eq?: number;
  readonly neq?: number;
  readonly field?: readonly string[];
}

/** A Sigma correlation rule. */
export interface SigmaCorrelation {
  readonly meta: SigmaMeta;
  readonly severity: Severity;
  readonly type:
    | 'event_count'
    | 'value_count'
    | 'temporal'
    | 'temporal_ordered'
    | 'value_sum'
    | 'value_avg'
    | 'value_percentile';
  /** Indexes into {@link SigmaRuleSet.rules}, in the order the correlation names them. */
  readonly rules: readonly number[];
  /** Group-by fields per referenced rule (aliases resolved), same order as `rules`. */
  readonly groupBy: readonly (readonly string[])[];
  /** The group-by names as written (aliases or fields). */
  readonly groupNames: readonly string[];
  readonly timespanMs: number;
  readonly condition: CorrelationCondition;
  readonly mitre: readonly string[];
}

/**
 * Everything loaded from a set of Sigma files.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { loadSigmaRules, runDetections, type SigmaRuleSet } from 'kubetrail/detect';
 * const sigma: SigmaRuleSet = loadSigmaRules([{ file: 'stop.yml', text: `title: CloudTrail stopped
 * logsource: { product: aws, service: cloudtrail }
 * detection:
 *   selection: { eventSource: cloudtrail.amazonaws.com, eventName: [StopLogging, DeleteTrail] }
 *   condition: selection` }]);
 * console.log(sigma.rules.length, sigma.correlations.length, sigma.problems.length); //=> 1 0 0
 * const findings = await runDetections(readLogs('samples/incident/'), { sigma });
 * findings.filter((f) => f.sigma !== undefined).map((f) => f.sigma?.title);
 * ```
 */
export interface SigmaRuleSet {
  readonly rules: readonly SigmaRule[];
  readonly correlations: readonly SigmaCorrelation[];
  /** Every problem, in file order; rules with `error` or `unsupported` problems are not in `rules`. */
  readonly problems: readonly SigmaProblem[];
  /** Per document: what became of it (for the load/run status table). */
  readonly status: readonly SigmaRuleStatus[];
}

/** What became of one Sigma document. */
export interface SigmaRuleStatus {
  readonly file: string;
  readonly line: number;
  readonly id?: string;
  readonly title?: string;
  readonly type: 'rule' | 'correlation' | 'filter' | 'unknown';
  readonly state: 'runs' | 'error' | 'unsupported';
  /** Problems of this document (warnings included). */
  readonly problems: readonly SigmaProblem[];
}
