/**
 * The shape shared by every Panther port: one query, the rule's id and YAML
 * file, and the catalogue fields.
 *
 * @module
 * @internal
 */
import type { Detection, DetectionKind, Severity } from '../types.js';
import { PANTHER } from './sources.js';

/** One ported Panther rule, before the catalogue fields common to all ports are added. */
export interface PantherPort {
  /** Catalogue id without the `panther.` prefix. */
  readonly id: string;
  /** Panther's rule id. */
  readonly rule: string;
  /** The rule's YAML file, relative to `dir` of {@link pantherPorter}. */
  readonly file: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly mitre: readonly string[];
  readonly tags: readonly string[];
  readonly query: string;
  readonly enabled?: boolean;
  /** The allow-lists that apply (see `Detection.allowLists`). */
  readonly allowLists?: Detection['allowLists'];
}

/**
 * Makes the function that turns a {@link PantherPort} of one log kind into a detection.
 *
 * @example
 * ```ts
 * const port = pantherPorter('cloudtrail', 'cloudtrail', 'rules/aws_cloudtrail_rules/');
 * port({ id: 'x', rule: 'AWS.X', file: 'x.yml', ... }).id; //=> 'panther.x'
 * ```
 */
export function pantherPorter(kind: DetectionKind, tag: string, dir: string): (p: PantherPort) => Detection {
  return (p) => ({
    id: `panther.${p.id}`,
    title: p.title,
    description: p.description,
    severity: p.severity,
    mitre: p.mitre,
    tags: ['panther', tag, ...p.tags],
    kind,
    queries: [{ query: p.query }],
    source: `${PANTHER} ${dir}${p.file}`,
    pantherRule: p.rule,
    ...(p.allowLists === undefined ? {} : { allowLists: p.allowLists }),
    ...(p.enabled === undefined ? {} : { enabled: p.enabled }),
  });
}
