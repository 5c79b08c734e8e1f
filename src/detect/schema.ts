/**
 * The zod schema of a detection, and the loader for user-supplied files.
 *
 * @module
 */
import { z } from 'zod';
import { DetectError } from './errors.js';
import type { Detection } from './types.js';
import { loadYamlModule } from './yaml-module.js';
import { yamlPosition } from './yaml-position.js';

function parseYaml(text: string, options: { maxAliasCount: number }): unknown {
  // logLevel 'error': a file's YAML warnings (an unknown tag) must not reach stderr as process warnings.
  return loadYamlModule().parse(text, { ...options, logLevel: 'error' });
}

const ID_PATTERN = /^[a-z0-9][a-z0-9.-]{0,127}$/;

/**
 * Validates one query of a detection: the Logs Insights text, an optional
 * description, and whether it is quoted verbatim from its source. Unknown
 * keys are rejected.
 *
 * @example
 * ```ts
 * DetectionQuerySchema.parse({ query: 'filter verb = "delete"', verbatim: false });
 * //=> { query: 'filter verb = "delete"', verbatim: false }
 * DetectionQuerySchema.safeParse({ query: '' }).success; //=> false
 * ```
 */
export const DetectionQuerySchema = z
  .object({
    query: z.string().min(1),
    description: z.string().optional(),
    verbatim: z.boolean().optional(),
  })
  .strict();

/**
 * Validates one detection, built-in or user-supplied. Ids are lower-case,
 * dot- and dash-separated; at least one query is required.
 *
 * @example
 * ```ts
 * DetectionSchema.parse({
 *   id: 'my.exec', title: 'Exec', description: 'Exec into pods', severity: 'medium',
 *   mitre: ['T1609'], tags: ['execution'], kind: 'kubernetes-audit',
 *   queries: [{ query: 'filter objectRef.subresource = "exec"' }], source: 'local',
 * });
 * ```
 */
export const DetectionSchema = z
  .object({
    id: z.string().regex(ID_PATTERN, 'lower-case letters, digits, dots and dashes'),
    title: z.string().min(1),
    description: z.string().min(1),
    severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
    mitre: z.array(z.string().regex(/^T\d{4}(\.\d{3})?$/, 'an ATT&CK technique id such as T1609')),
    tags: z.array(z.string().min(1)),
    kind: z.enum(['kubernetes-audit', 'cloudtrail', 'authenticator']),
    queries: z.array(DetectionQuerySchema).min(1),
    source: z.string().min(1),
    falcoRule: z.string().optional(),
    falcoPriority: z
      .enum([
        'EMERGENCY',
        'ALERT',
        'CRITICAL',
        'ERROR',
        'WARNING',
        'NOTICE',
        'INFORMATIONAL',
        'INFO',
        'DEBUG',
      ])
      .optional(),
    falcoOutput: z
      .array(
        z
          .object({
            label: z.string().min(1),
            field: z.string().min(1),
            column: z.string().min(1).optional(),
          })
          .strict(),
      )
      .optional(),
    falcoFormerRules: z.array(z.string().min(1)).optional(),
    pantherRule: z.string().optional(),
    guardDutyFinding: z.string().optional(),
    allowLists: z.array(z.enum(['cidrs', 'users', 'serviceAccounts', 'namespaces', 'userAgents'])).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

/**
 * Options of {@link loadDetections}.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { type LoadDetectionsOptions, loadDetections } from 'kubetrail/detect';
 * const options: LoadDetectionsOptions = { format: 'yaml', file: 'my-rules.yaml' };
 * const mine = loadDetections(readFileSync('my-rules.yaml', 'utf8'), options);
 * ```
 */
export interface LoadDetectionsOptions {
  /** The text's format. */
  readonly format: 'yaml' | 'json';
  /** The file name problems are reported with. @defaultValue `'rules'` */
  readonly file?: string;
}

/**
 * Parses and validates detections from YAML or JSON text: either a list of
 * detections or an object `{ detections: [...] }`. Throws `DetectError` with
 * code `detection_parse_error`, `invalid_detection` or `duplicate_detection_id`.
 *
 * @example
 * ```ts
 * const mine = loadDetections(
 *   `- id: my.kube-system-exec
 *      title: Exec in kube-system
 *      description: Someone ran a command in a kube-system pod.
 *      severity: high
 *      mitre: [T1609]
 *      tags: [execution]
 *      kind: kubernetes-audit
 *      source: local
 *      queries:
 *        - query: filter objectRef.subresource = "exec" and objectRef.namespace = "kube-system"`,
 *   { format: 'yaml' },
 * );
 * ```
 */
export function loadDetections(text: string, options: LoadDetectionsOptions): readonly Detection[] {
  let data: unknown;
  try {
    data = options.format === 'json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (cause) {
    throw new DetectError('detection_parse_error', `cannot parse detections as ${options.format}`, { cause });
  }
  const list =
    data !== null && typeof data === 'object' && !Array.isArray(data) && Object.hasOwn(data, 'detections')
      ? (data as { detections: unknown }).detections
      : data;
  const parsed = z.array(DetectionSchema).safeParse(list);
  if (!parsed.success) {
    const file = options.file ?? 'rules';
    const wrapped = list !== data;
    const located = locate(text);
    const lines = parsed.error.issues.map((issue) => {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const pos = located?.([...(wrapped ? ['detections'] : []), ...path]);
      const where = path.length > 0 ? `${path.join('.')}: ` : '';
      return `${file}:${pos?.line ?? 1}:${pos?.column ?? 1}: ${where}${issue.message}`;
    });
    throw new DetectError(
      'invalid_detection',
      `${lines.length} problem${lines.length === 1 ? '' : 's'} in ${file} (each detection needs id, title, description, severity, mitre, tags, kind, queries and source; see docs/detections.md):\n${lines.join('\n')}`,
      { cause: parsed.error },
    );
  }
  const detections = parsed.data.map(fromParsed);
  assertUniqueIds(detections);
  return detections;
}

/** A position finder over the text (JSON is YAML too), or `undefined` when it does not parse. */
function locate(
  text: string,
): ((path: readonly (string | number)[]) => { line: number; column: number }) | undefined {
  try {
    const yaml = loadYamlModule();
    const lines = new yaml.LineCounter();
    const doc = yaml.parseDocument(text, { lineCounter: lines, logLevel: 'error' });
    return (path) => yamlPosition(doc, lines, path);
  } catch {
    return undefined;
  }
}

/** Throws `duplicate_detection_id` when two detections share an id. @internal */
export function assertUniqueIds(detections: readonly Detection[]): void {
  const seen = new Set<string>();
  for (const d of detections) {
    if (seen.has(d.id)) throw new DetectError('duplicate_detection_id', `duplicate detection id ${d.id}`);
    seen.add(d.id);
  }
}

function fromParsed(d: z.infer<typeof DetectionSchema>): Detection {
  const out: {
    -readonly [K in keyof Detection]: Detection[K];
  } = {
    id: d.id,
    title: d.title,
    description: d.description,
    severity: d.severity,
    mitre: d.mitre,
    tags: d.tags,
    kind: d.kind,
    queries: d.queries.map((q) => ({
      query: q.query,
      ...(q.description === undefined ? {} : { description: q.description }),
      ...(q.verbatim === undefined ? {} : { verbatim: q.verbatim }),
    })),
    source: d.source,
  };
  if (d.falcoRule !== undefined) out.falcoRule = d.falcoRule;
  if (d.falcoPriority !== undefined) out.falcoPriority = d.falcoPriority;
  if (d.falcoOutput !== undefined)
    out.falcoOutput = d.falcoOutput.map((f) => ({
      label: f.label,
      field: f.field,
      ...(f.column === undefined ? {} : { column: f.column }),
    }));
  if (d.falcoFormerRules !== undefined) out.falcoFormerRules = d.falcoFormerRules;
  if (d.pantherRule !== undefined) out.pantherRule = d.pantherRule;
  if (d.guardDutyFinding !== undefined) out.guardDutyFinding = d.guardDutyFinding;
  if (d.allowLists !== undefined) out.allowLists = d.allowLists;
  if (d.enabled !== undefined) out.enabled = d.enabled;
  return out;
}
