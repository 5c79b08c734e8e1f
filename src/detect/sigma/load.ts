/**
 * `loadSigmaRules`: reads Sigma rules, correlation rules and filters from
 * YAML text, validates them, maps their log sources to kubetrail's kinds,
 * compiles their detections, and reports every problem at once with file,
 * line, column and rule id.
 *
 * @module
 */
import type { Document, LineCounter } from 'yaml';
import { z } from 'zod';
import { AuditEventSchema } from '../../schema/audit-event.js';
import { CloudTrailRecordShapeSchema } from '../../schema/cloudtrail-record.js';
import type { DetectionKind, Severity } from '../types.js';
import { loadYamlModule } from '../yaml-module.js';
import { yamlPosition } from '../yaml-position.js';
import { type ConditionNode, ConditionSyntaxError, expandPattern, parseCondition } from './condition.js';
import type {
  CorrelationCondition,
  EventTest,
  SigmaCorrelation,
  SigmaEventView,
  SigmaMeta,
  SigmaPosition,
  SigmaProblem,
  SigmaRule,
  SigmaRuleSet,
  SigmaRuleStatus,
} from './types.js';
import { compileFieldEntry, compileKeywords, ModifierError, type ValueOptions } from './values.js';

/**
 * One Sigma file's text.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { loadSigmaRules, type SigmaSource } from 'kubetrail/detect';
 * const file = 'rules/aws_cloudtrail_disable_logging.yml';
 * const sources: SigmaSource[] = [{ file, text: readFileSync(file, 'utf8') }];
 * const { rules, problems } = loadSigmaRules(sources);
 * ```
 */
export interface SigmaSource {
  /** The name problems give (a path as the user wrote it). */
  readonly file: string;
  readonly text: string;
}

/**
 * Options of {@link loadSigmaRules}.
 *
 * @example
 * ```ts
 * import { type LoadSigmaOptions, loadSigmaRules } from 'kubetrail/detect';
 * const options: LoadSigmaOptions = { placeholders: { admins: ['alice', 'ci-deployer'] } };
 * const set = loadSigmaRules([{ file: 'admins.yml', text: `title: Admin deletes a namespace
 * logsource: { product: kubernetes, service: audit }
 * detection:
 *   selection: { verb: delete, objectRef.resource: namespaces, user.username|expand: '%admins%' }
 *   condition: selection` }], options);
 * set.rules.length; //=> 1
 * ```
 */
export interface LoadSigmaOptions extends ValueOptions {}

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
const STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;

const stringList = z.array(z.string());
const MetaShape = {
  title: z.string().min(1).max(256),
  id: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  status: z.enum(STATUSES).optional(),
  description: z.string().optional(),
  author: z.string().optional(),
  references: stringList.optional(),
  date: z.union([z.string(), z.date()]).optional(),
  modified: z.union([z.string(), z.date()]).optional(),
  tags: stringList.optional(),
  falsepositives: z.union([z.string(), stringList]).optional(),
  level: z.enum(LEVELS).optional(),
  license: z.string().optional(),
  taxonomy: z.string().optional(),
};
const LogsourceSchema = z.looseObject({
  category: z.string().optional(),
  product: z.string().optional(),
  service: z.string().optional(),
  definition: z.string().optional(),
});
const DetectionSchema = z
  .looseObject({ condition: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]) })
  .catchall(z.unknown());

/**
 * The schema of a Sigma detection rule (after the Sigma JSON Schema:
 * `title`, `logsource` and `detection` required).
 *
 * @example
 * ```ts
 * SigmaRuleSchema.safeParse({ title: 'x', logsource: {}, detection: { condition: 'sel', sel: { a: 1 } } }).success; //=> true
 * ```
 */
export const SigmaRuleSchema = z.looseObject({
  ...MetaShape,
  related: z.array(z.looseObject({ id: z.string(), type: z.string() })).optional(),
  logsource: LogsourceSchema,
  detection: DetectionSchema,
  fields: stringList.optional(),
  scope: stringList.optional(),
});

const Bound = z.number();
/**
 * The schema of a Sigma correlation rule.
 *
 * @example
 * ```ts
 * SigmaCorrelationSchema.safeParse({ title: 'x', correlation: { type: 'temporal', rules: ['a', 'b'], 'group-by': ['u'], timespan: '5m' } }).success; //=> true
 * ```
 */
export const SigmaCorrelationSchema = z.looseObject({
  ...MetaShape,
  generate: z.boolean().optional(),
  correlation: z.looseObject({
    type: z.enum([
      'event_count',
      'value_count',
      'temporal',
      'temporal_ordered',
      'value_sum',
      'value_avg',
      'value_percentile',
    ]),
    rules: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    'group-by': z.array(z.string().min(1)).optional(),
    timespan: z.string().regex(/^\d+[smhdw]$/, 'a number and one of s, m, h, d, w (e.g. 90m)'),
    condition: z
      .object({
        gt: Bound.optional(),
        gte: Bound.optional(),
        lt: Bound.optional(),
        lte: Bound.optional(),
        eq: Bound.optional(),
        neq: Bound.optional(),
        field: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
      })
      .strict()
      .optional(),
    aliases: z.record(z.string(), z.record(z.string(), z.string())).optional(),
    generate: z.boolean().optional(),
  }),
});

/**
 * The schema of a Sigma filter (a global filter applied to named rules).
 *
 * @example
 * ```ts
 * SigmaFilterSchema.safeParse({ title: 'x', logsource: {}, filter: { rules: ['r'], selection: { a: 1 }, condition: 'selection' } }).success; //=> true
 * ```
 */
export const SigmaFilterSchema = z.looseObject({
  ...MetaShape,
  logsource: LogsourceSchema,
  filter: z
    .looseObject({
      rules: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
      condition: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    })
    .catchall(z.unknown()),
});

/**
 * Maps a Sigma `logsource` to the kubetrail kind it reads.
 *
 * @example
 * ```ts
 * sigmaKindOf({ product: 'aws', service: 'cloudtrail' }); //=> 'cloudtrail'
 * sigmaKindOf({ product: 'windows', category: 'process_creation' }); //=> undefined
 * ```
 */
export function sigmaKindOf(logsource: {
  readonly product?: string | undefined;
  readonly service?: string | undefined;
}): DetectionKind | undefined {
  const product = logsource.product?.toLowerCase();
  const service = logsource.service?.toLowerCase();
  if (product === 'aws' && (service === 'cloudtrail' || service === undefined)) return 'cloudtrail';
  if (product === 'kubernetes' && (service === 'audit' || service === undefined)) return 'kubernetes-audit';
  return undefined;
}

const KNOWN_TOP_LEVEL: Record<DetectionKind, ReadonlySet<string>> = {
  'kubernetes-audit': new Set(Object.keys(AuditEventSchema.shape)),
  cloudtrail: new Set([...Object.keys(CloudTrailRecordShapeSchema.shape), 'insightDetails']),
  authenticator: new Set(),
};

/**
 * kubetrail's field mapping for Sigma rules: Sigma field names that are not
 * the raw record's names, mapped to the record paths that hold them (as a
 * pySigma processing pipeline would). SigmaHQ's Kubernetes rules name
 * `apiGroup`, `hostPath` and `capabilities` at the top level, where the
 * audit record keeps them under `objectRef` and the pod spec.
 *
 * @example
 * ```ts
 * SIGMA_FIELD_MAPPINGS['kubernetes-audit'].apiGroup; //=> ['objectRef.apiGroup']
 * ```
 */
export const SIGMA_FIELD_MAPPINGS: Readonly<
  Record<DetectionKind, Readonly<Record<string, readonly string[]>>>
> = {
  'kubernetes-audit': {
    apiGroup: ['objectRef.apiGroup'],
    hostPath: ['requestObject.spec.volumes.hostPath', 'requestObject.spec.template.spec.volumes.hostPath'],
    capabilities: [
      'requestObject.spec.containers.securityContext.capabilities.add',
      'requestObject.spec.initContainers.securityContext.capabilities.add',
      'requestObject.spec.ephemeralContainers.securityContext.capabilities.add',
    ],
  },
  cloudtrail: {},
  authenticator: {},
};

/** Reads mapped fields at their record paths. */
function mappedReader(kind: DetectionKind, read: Parameters<EventTest>[0]): Parameters<EventTest>[0] {
  const map = SIGMA_FIELD_MAPPINGS[kind];
  return {
    message: read.message,
    values: (f) => {
      const paths = Object.hasOwn(map, f) ? map[f] : undefined;
      return paths === undefined ? read.values(f) : paths.flatMap((x) => read.values(x));
    },
    has: (f) => {
      const paths = Object.hasOwn(map, f) ? map[f] : undefined;
      return paths === undefined ? read.has(f) : paths.some((x) => read.has(x));
    },
  };
}

const SEVERITY: Record<(typeof LEVELS)[number], Severity> = {
  informational: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

/** Every value at a dotted path: arrays along the way are searched, keys may contain dots. */
function collect(node: unknown, parts: readonly string[], from: number, out: unknown[]): void {
  if (from === parts.length) {
    if (Array.isArray(node)) for (const x of node) out.push(x);
    else out.push(node);
    return;
  }
  if (Array.isArray(node)) {
    for (const x of node) collect(x, parts, from, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  let key = parts[from] as string;
  for (let j = from + 1; j <= parts.length; j++) {
    if (j > from + 1) key = `${key}.${parts[j - 1]}`;
    if (Object.hasOwn(node, key)) collect((node as Record<string, unknown>)[key], parts, j, out);
  }
}

/**
 * The view a compiled Sigma rule reads an event through; values are
 * computed once per field and shared by every rule that reads the event.
 *
 * @example
 * ```ts
 * sigmaEventView({ verb: 'create', a: [{ b: 1 }, { b: 2 }] }, '{}').values('a.b'); //=> [1, 2]
 * ```
 */
export function sigmaEventView(record: unknown, message: string): SigmaEventView {
  const cache = new Map<string, unknown[]>();
  const values = (field: string): unknown[] => {
    let v = cache.get(field);
    if (v === undefined) {
      v = [];
      collect(record, field.split('.'), 0, v);
      cache.set(field, v);
    }
    return v;
  };
  return {
    message,
    values: (field) => values(field).filter((x) => x !== undefined),
    has: (field) => values(field).some((x) => x !== undefined),
  };
}

interface DocContext {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  readonly problems: SigmaProblem[];
  rule?: string;
  title?: string;
}

function positionAt(ctx: DocContext, path: readonly (string | number)[]): SigmaPosition {
  return { file: ctx.file, ...yamlPosition(ctx.doc, ctx.lines, path) };
}

function problem(
  ctx: DocContext,
  severity: SigmaProblem['severity'],
  message: string,
  path: readonly (string | number)[],
): void {
  ctx.problems.push({
    severity,
    message,
    position: positionAt(ctx, path),
    ...(ctx.rule === undefined ? {} : { rule: ctx.rule }),
    ...(ctx.title === undefined ? {} : { title: ctx.title }),
  });
}

function schemaProblems(ctx: DocContext, error: z.ZodError): void {
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    problem(ctx, 'error', `${path.length ? `${path.join('.')}: ` : ''}${issue.message}`, path);
  }
}

function metaOf(
  ctx: DocContext,
  data: z.infer<typeof SigmaRuleSchema> | z.infer<typeof SigmaCorrelationSchema>,
): SigmaMeta {
  const fp = data.falsepositives;
  return {
    ...(data.id === undefined ? {} : { id: data.id }),
    ...(data.name === undefined ? {} : { name: data.name }),
    title: data.title,
    level: data.level ?? 'medium',
    ...(data.status === undefined ? {} : { status: data.status }),
    ...(data.author === undefined ? {} : { author: data.author }),
    references: data.references ?? [],
    ...(data.description === undefined ? {} : { description: data.description }),
    tags: data.tags ?? [],
    falsepositives: fp === undefined ? [] : typeof fp === 'string' ? [fp] : fp,
    position: positionAt(ctx, []),
  };
}

/** ATT&CK technique ids from Sigma tags (`attack.t1098.001` → `T1098.001`). */
function mitreOf(tags: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const t of tags ?? []) {
    const m = /^attack\.t(\d{4})(?:\.(\d{3}))?$/i.exec(t);
    if (m) out.push(`T${m[1]}${m[2] ? `.${m[2]}` : ''}`);
  }
  return out;
}

interface CompiledSearch {
  readonly test: EventTest;
  readonly fields: string[];
}

/** Compiles one search identifier (a map, a list of maps, or keywords). */
function compileSearch(
  ctx: DocContext,
  path: readonly (string | number)[],
  value: unknown,
  kind: DetectionKind,
  options: ValueOptions,
): CompiledSearch | undefined {
  const name = String(path.at(-1));
  const fields: string[] = [];
  const mapTest = (map: Record<string, unknown>, at: readonly (string | number)[]): EventTest | undefined => {
    const entries = Object.keys(map);
    if (entries.length === 0) {
      problem(
        ctx,
        'error',
        `the search identifier "${name}" is an empty map: it would match every event`,
        at,
      );
      return undefined;
    }
    const tests: EventTest[] = [];
    let ok = true;
    for (const key of entries) {
      const v = map[key];
      try {
        if (key === '|all' || key.startsWith('|')) {
          const mods = key.split('|').slice(1);
          if (mods.some((m) => m !== 'all'))
            throw new ModifierError(`keywords take only the all modifier, not ${key}`, 'error');
          const kw = compileKeywords(Array.isArray(v) ? v : [v], true);
          tests.push((e) => kw(e.message));
          continue;
        }
        const entry = compileFieldEntry(key, v, options);
        fields.push(entry.field, ...entry.reads);
        const map = SIGMA_FIELD_MAPPINGS[kind];
        const mapped = [entry.field, ...entry.reads].some((f) => Object.hasOwn(map, f));
        const top = entry.field.split('.')[0] as string;
        const known = KNOWN_TOP_LEVEL[kind];
        if (mapped) {
          const test = entry.test;
          tests.push((e) => test(mappedReader(kind, e)));
          continue;
        }
        if (known.size > 0 && !known.has(top))
          problem(
            ctx,
            'warning',
            `the field "${entry.field}" is not a field of ${kind} records (the top-level fields are ${[...known].slice(0, 8).join(', ')}, …): this entry never matches`,
            [...at, key],
          );
        tests.push(entry.test);
      } catch (e) {
        if (!(e instanceof ModifierError)) throw e;
        problem(ctx, e.severity, `${name}: ${key}: ${e.message}`, [...at, key]);
        ok = false;
      }
    }
    if (!ok) return undefined;
    return tests.length === 1 ? (tests[0] as EventTest) : (e) => tests.every((t) => t(e));
  };
  if (Array.isArray(value)) {
    if (value.length === 0) {
      problem(ctx, 'error', `the search identifier "${name}" is an empty list`, path);
      return undefined;
    }
    const tests: EventTest[] = [];
    const keywords: unknown[] = [];
    let ok = true;
    value.forEach((item, i) => {
      if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
        const t = mapTest(item as Record<string, unknown>, [...path, i]);
        if (t === undefined) ok = false;
        else tests.push(t);
      } else if (typeof item === 'string' || typeof item === 'number') keywords.push(item);
      else {
        problem(
          ctx,
          'error',
          `${name}: a list holds keywords (strings) or maps, not ${JSON.stringify(item)}`,
          [...path, i],
        );
        ok = false;
      }
    });
    if (!ok) return undefined;
    if (keywords.length > 0) {
      const kw = compileKeywords(keywords, false);
      tests.push((e) => kw(e.message));
    }
    return { test: tests.length === 1 ? (tests[0] as EventTest) : (e) => tests.some((t) => t(e)), fields };
  }
  if (value !== null && typeof value === 'object') {
    const t = mapTest(value as Record<string, unknown>, path);
    return t === undefined ? undefined : { test: t, fields };
  }
  if (typeof value === 'string' || typeof value === 'number') {
    const kw = compileKeywords([value], false);
    return { test: (e) => kw(e.message), fields };
  }
  problem(ctx, 'error', `the search identifier "${name}" must be a map or a list`, path);
  return undefined;
}

/** Resolves a parsed condition against the compiled searches. */
function compileCondition(
  node: ConditionNode,
  searches: ReadonlyMap<string, CompiledSearch>,
  fail: (message: string) => void,
): EventTest | undefined {
  switch (node.kind) {
    case 'ref': {
      const s = searches.get(node.name);
      if (s === undefined) {
        fail(`the condition names "${node.name}", which is not a search identifier of this rule`);
        return undefined;
      }
      return s.test;
    }
    case 'not': {
      const t = compileCondition(node.operand, searches, fail);
      return t === undefined ? undefined : (e) => !t(e);
    }
    case 'and':
    case 'or': {
      const a = compileCondition(node.left, searches, fail);
      const b = compileCondition(node.right, searches, fail);
      if (a === undefined || b === undefined) return undefined;
      return node.kind === 'and' ? (e) => a(e) && b(e) : (e) => a(e) || b(e);
    }
    case 'of': {
      const names = expandPattern(node.pattern, [...searches.keys()]);
      if (names.length === 0) {
        fail(`"${node.quantifier === 'all' ? 'all' : '1'} of ${node.pattern}" matches no search identifier`);
        return undefined;
      }
      const tests = names.map((n) => (searches.get(n) as CompiledSearch).test);
      return node.quantifier === 'all' ? (e) => tests.every((t) => t(e)) : (e) => tests.some((t) => t(e));
    }
  }
}

/** Whether a condition can hold without any positive selection matching (it is only negations). */
function onlyNegative(node: ConditionNode, negated = false): boolean {
  switch (node.kind) {
    case 'ref':
    case 'of':
      return negated;
    case 'not':
      return onlyNegative(node.operand, !negated);
    case 'and':
      return negated
        ? onlyNegative(node.left, negated) || onlyNegative(node.right, negated)
        : onlyNegative(node.left, negated) && onlyNegative(node.right, negated);
    case 'or':
      return negated
        ? onlyNegative(node.left, negated) && onlyNegative(node.right, negated)
        : onlyNegative(node.left, negated) || onlyNegative(node.right, negated);
  }
}

/** Compiles a detection-like block (a rule's `detection`, a filter's `filter`). */
function compileDetection(
  ctx: DocContext,
  block: Record<string, unknown>,
  path: readonly string[],
  kind: DetectionKind,
  options: ValueOptions,
  skip: readonly string[],
): { test: EventTest; fields: string[]; searches: Record<string, EventTest> } | undefined {
  const searches = new Map<string, CompiledSearch>();
  let ok = true;
  const fields: string[] = [];
  for (const name of Object.keys(block)) {
    if (name === 'condition' || skip.includes(name)) continue;
    if (name === 'timeframe') {
      problem(
        ctx,
        'unsupported',
        'detection.timeframe is Sigma 1 aggregation syntax; use a correlation rule',
        [...path, name],
      );
      ok = false;
      continue;
    }
    const s = compileSearch(ctx, [...path, name], block[name], kind, options);
    if (s === undefined) {
      ok = false;
      // still a search identifier: the condition's references stay checkable
      searches.set(name, { test: () => false, fields: [] });
    } else {
      searches.set(name, s);
      fields.push(...s.fields);
    }
  }
  const conditions = Array.isArray(block.condition)
    ? (block.condition as string[])
    : [String(block.condition)];
  const tests: EventTest[] = [];
  conditions.forEach((text, i) => {
    const at = Array.isArray(block.condition) ? [...path, 'condition', i] : [...path, 'condition'];
    if (text.includes('|')) {
      problem(
        ctx,
        'unsupported',
        `the condition "${text}" uses Sigma 1 aggregation ("| count() …"); use a correlation rule`,
        at,
      );
      ok = false;
      return;
    }
    let node: ConditionNode;
    try {
      node = parseCondition(text);
    } catch (e) {
      if (!(e instanceof ConditionSyntaxError)) throw e;
      problem(ctx, 'error', `condition: ${e.message} at column ${e.offset + 1} of "${text}"`, at);
      ok = false;
      return;
    }
    if (onlyNegative(node))
      problem(
        ctx,
        'warning',
        `the condition "${text}" holds for every event that its negated selections miss: it is very broad`,
        at,
      );
    const t = compileCondition(node, searches, (message) => {
      problem(ctx, 'error', message, at);
      ok = false;
    });
    if (t !== undefined) tests.push(t);
  });
  if (!ok || tests.length === 0) return undefined;
  return {
    test: tests.length === 1 ? (tests[0] as EventTest) : (e) => tests.some((t) => t(e)),
    fields: [...new Set(fields)],
    searches: Object.fromEntries([...searches].map(([k, v]) => [k, v.test])),
  };
}

function listOf(v: string | readonly string[]): readonly string[] {
  return typeof v === 'string' ? [v] : v;
}

const SPAN_UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

interface Pending {
  readonly kind: 'rule' | 'correlation' | 'filter';
  readonly ctx: DocContext;
  rule?: Omit<SigmaRule, 'generate'> & { name?: string };
  correlation?: z.infer<typeof SigmaCorrelationSchema>;
  filter?: { data: z.infer<typeof SigmaFilterSchema>; kind: DetectionKind | undefined };
}

/**
 * Loads Sigma rules, correlation rules and filters from YAML texts (one or
 * more documents per text). Never throws for bad rules: every problem is in
 * `problems` (and per document in `status`) with file, line, column and rule
 * id; rules with errors, or that kubetrail cannot run, are left out of
 * `rules`.
 *
 * @example
 * ```ts
 * const set = loadSigmaRules([{ file: 'stop.yml', text: `title: CloudTrail stopped
 * id: 4db60cc0-36fb-42b7-9b58-a5b53019fb74
 * logsource: { product: aws, service: cloudtrail }
 * detection:
 *   selection: { eventSource: cloudtrail.amazonaws.com, eventName: [StopLogging, DeleteTrail] }
 *   condition: selection
 * level: high` }]);
 * set.rules.length; //=> 1
 * ```
 */
export function loadSigmaRules(
  sources: readonly SigmaSource[],
  options: LoadSigmaOptions = {},
): SigmaRuleSet {
  const yaml = loadYamlModule();
  const problems: SigmaProblem[] = [];
  const pending: Pending[] = [];
  const statusOf: {
    file: string;
    line: number;
    p: Pending | undefined;
    problems: SigmaProblem[];
    type: SigmaRuleStatus['type'];
    state: SigmaRuleStatus['state'];
  }[] = [];
  for (const source of sources) {
    const lines = new yaml.LineCounter();
    const docs = yaml.parseAllDocuments(source.text, {
      lineCounter: lines,
      prettyErrors: false,
      logLevel: 'error',
    });
    const list = Array.isArray(docs) ? docs : [docs];
    for (const doc of list) {
      const ctx: DocContext = { file: source.file, doc: doc as Document.Parsed, lines, problems: [] };
      const start = lines.linePos((doc.contents as { range?: [number] } | null)?.range?.[0] ?? 0).line;
      const entry = {
        file: source.file,
        line: start,
        p: undefined as Pending | undefined,
        problems: ctx.problems,
        type: 'unknown' as SigmaRuleStatus['type'],
        state: 'error' as SigmaRuleStatus['state'],
      };
      statusOf.push(entry);
      if (doc.errors.length > 0) {
        for (const e of doc.errors) {
          const pos = e.linePos?.[0];
          ctx.problems.push({
            severity: 'error',
            message: `not valid YAML: ${e.message.split('\n')[0]}`,
            position: { file: source.file, line: pos?.line ?? start, column: pos?.col ?? 1 },
          });
        }
        continue;
      }
      let data: unknown;
      try {
        data = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        problem(ctx, 'error', `not valid YAML: ${(e as Error).message}`, []);
        continue;
      }
      if (data === null || data === undefined) {
        statusOf.pop();
        continue;
      }
      if (typeof data !== 'object' || Array.isArray(data)) {
        problem(ctx, 'error', 'a Sigma document must be a map', []);
        continue;
      }
      const obj = data as Record<string, unknown>;
      const ref = typeof obj.id === 'string' ? obj.id : typeof obj.name === 'string' ? obj.name : undefined;
      if (ref !== undefined) ctx.rule = ref;
      if (typeof obj.title === 'string') ctx.title = obj.title;
      if (Object.hasOwn(obj, 'action')) {
        problem(
          ctx,
          'unsupported',
          'rule collections with "action:" (Sigma 1.0) are not supported: write each rule as its own document',
          ['action'],
        );
        entry.state = 'unsupported';
        continue;
      }
      const type = Object.hasOwn(obj, 'correlation')
        ? 'correlation'
        : Object.hasOwn(obj, 'filter') && !Object.hasOwn(obj, 'detection')
          ? 'filter'
          : Object.hasOwn(obj, 'detection')
            ? 'rule'
            : undefined;
      if (type === undefined) {
        problem(
          ctx,
          'error',
          'not a Sigma rule, correlation or filter: no detection, correlation or filter section',
          [],
        );
        continue;
      }
      entry.type = type;
      const p: Pending = { kind: type, ctx };
      entry.p = p;
      if (type === 'rule') {
        const parsed = SigmaRuleSchema.safeParse(obj);
        if (!parsed.success) {
          schemaProblems(ctx, parsed.error);
          continue;
        }
        const d = parsed.data;
        const kind = sigmaKindOf(d.logsource);
        if (kind === undefined) {
          problem(
            ctx,
            'unsupported',
            `logsource ${JSON.stringify(d.logsource)} is not a log kubetrail reads (product: aws, service: cloudtrail; product: kubernetes, service: audit)`,
            ['logsource'],
          );
          entry.state = 'unsupported';
          continue;
        }
        const compiled = compileDetection(
          ctx,
          d.detection as Record<string, unknown>,
          ['detection'],
          kind,
          options,
          [],
        );
        if (compiled === undefined) {
          entry.state = ctx.problems.some((x) => x.severity === 'error') ? 'error' : 'unsupported';
          continue;
        }
        const meta = metaOf(ctx, d);
        p.rule = {
          meta,
          kind,
          severity: SEVERITY[d.level ?? 'medium'],
          test: compiled.test,
          fields: [...new Set([...compiled.fields, ...(d.fields ?? [])])],
          detection: d.detection as Record<string, unknown>,
          mitre: mitreOf(d.tags),
          searches: compiled.searches,
          ...(d.name === undefined ? {} : { name: d.name }),
        };
        entry.state = 'runs';
      } else if (type === 'correlation') {
        const parsed = SigmaCorrelationSchema.safeParse(obj);
        if (!parsed.success) {
          schemaProblems(ctx, parsed.error);
          continue;
        }
        p.correlation = parsed.data;
        entry.state = 'runs';
      } else {
        const parsed = SigmaFilterSchema.safeParse(obj);
        if (!parsed.success) {
          schemaProblems(ctx, parsed.error);
          continue;
        }
        p.filter = { data: parsed.data, kind: sigmaKindOf(parsed.data.logsource) };
        entry.state = 'runs';
      }
      pending.push(p);
    }
  }

  // Rules by id and name, for correlations and filters.
  const ruleList = pending.filter((p) => p.rule !== undefined);
  const byRef = new Map<string, Pending>();
  for (const p of pending) {
    const id = p.rule?.meta.id ?? p.correlation?.id;
    const name = p.rule?.name ?? p.correlation?.name;
    if (id !== undefined) byRef.set(id, p);
    if (name !== undefined) byRef.set(name, p);
  }
  const tests = new Map<Pending, EventTest>(ruleList.map((p) => [p, (p.rule as SigmaRule).test]));

  // Filters: the rule matches only when the filter's condition does not.
  for (const p of pending) {
    if (p.filter === undefined) continue;
    const { data, kind } = p.filter;
    const ctx = p.ctx;
    const targets = listOf(data.filter.rules);
    const compiledFor = new Map<DetectionKind, EventTest | undefined>();
    targets.forEach((ref, i) => {
      const target = byRef.get(ref);
      if (target?.rule === undefined) {
        problem(ctx, 'warning', `filter.rules names "${ref}", which is no loaded rule`, [
          'filter',
          'rules',
          i,
        ]);
        return;
      }
      const tkind = target.rule.kind;
      if (kind !== undefined && kind !== tkind) {
        problem(ctx, 'error', `the filter's logsource is ${kind} but rule "${ref}" reads ${tkind}`, [
          'filter',
          'rules',
          i,
        ]);
        return;
      }
      if (!compiledFor.has(tkind))
        compiledFor.set(
          tkind,
          compileDetection(ctx, data.filter as Record<string, unknown>, ['filter'], tkind, options, ['rules'])
            ?.test,
        );
      const f = compiledFor.get(tkind);
      if (f === undefined) return;
      const base = tests.get(target) as EventTest;
      tests.set(target, (e) => base(e) && !f(e));
    });
    if (ctx.problems.some((x) => x.severity === 'error')) statusOf.find((s) => s.p === p)!.state = 'error';
  }

  // Correlations.
  const correlations: SigmaCorrelation[] = [];
  const generateOf = new Map<Pending, boolean>();
  for (const p of pending) {
    if (p.correlation === undefined) continue;
    const c = p.correlation;
    const ctx = p.ctx;
    const corr = c.correlation;
    const refs = listOf(corr.rules);
    const indexes: number[] = [];
    let ok = true;
    refs.forEach((ref, i) => {
      const target = byRef.get(ref);
      if (target === undefined) {
        problem(ctx, 'error', `correlation.rules names "${ref}", which is no loaded rule`, [
          'correlation',
          'rules',
          i,
        ]);
        ok = false;
      } else if (target.rule === undefined) {
        problem(
          ctx,
          'unsupported',
          `correlation.rules names "${ref}", a correlation: chained correlations are not supported`,
          ['correlation', 'rules', i],
        );
        ok = false;
      } else {
        indexes.push(ruleList.indexOf(target));
        if (!(generateOf.get(target) ?? false)) generateOf.set(target, c.generate ?? corr.generate ?? false);
      }
    });
    const groupNames = corr['group-by'] ?? [];
    const needsCondition = !['temporal', 'temporal_ordered'].includes(corr.type);
    if (needsCondition && corr.condition === undefined) {
      problem(ctx, 'error', `a ${corr.type} correlation needs a condition`, ['correlation']);
      ok = false;
    }
    const field = corr.condition?.field;
    if (
      ['value_count', 'value_sum', 'value_avg', 'value_percentile'].includes(corr.type) &&
      field === undefined
    ) {
      problem(ctx, 'error', `a ${corr.type} correlation needs condition.field`, ['correlation', 'condition']);
      ok = false;
    }
    const bounds = Object.keys(corr.condition ?? {}).filter((k) => k !== 'field');
    if (needsCondition && corr.condition !== undefined && bounds.length === 0) {
      problem(ctx, 'error', 'the condition needs a bound (gt, gte, lt, lte, eq or neq)', [
        'correlation',
        'condition',
      ]);
      ok = false;
    }
    if (!ok) {
      statusOf.find((s) => s.p === p)!.state = ctx.problems.some((x) => x.severity === 'error')
        ? 'error'
        : 'unsupported';
      continue;
    }
    const kinds = new Set(indexes.map((i) => ((ruleList[i] as Pending).rule as SigmaRule).kind));
    if (kinds.size > 1)
      problem(
        ctx,
        'warning',
        'the correlated rules read different log kinds: group-by values must be spelled alike in both',
        ['correlation', 'rules'],
      );
    const groupBy = indexes.map((ri) => {
      const target = ruleList[ri] as Pending;
      const name = target.rule?.name;
      return groupNames.map((g) => {
        const alias = corr.aliases?.[g];
        if (alias === undefined) return g;
        return (
          (name !== undefined ? alias[name] : undefined) ??
          (target.rule?.meta.id !== undefined ? alias[target.rule.meta.id] : undefined) ??
          g
        );
      });
    });
    const m = /^(\d+)([smhdw])$/.exec(corr.timespan) as RegExpExecArray;
    const condition: { -readonly [K in keyof CorrelationCondition]: CorrelationCondition[K] } = {};
    for (const k of ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const) {
      const v = corr.condition?.[k];
      if (v !== undefined) condition[k] = v;
    }
    if (field !== undefined) condition.field = listOf(field);
    correlations.push({
      meta: metaOf(ctx, c),
      severity: SEVERITY[c.level ?? 'medium'],
      type: corr.type,
      rules: indexes,
      groupBy,
      groupNames,
      timespanMs: Number(m[1]) * (SPAN_UNITS[m[2] as string] as number),
      condition,
      mitre: mitreOf(c.tags),
    });
  }

  const rules: SigmaRule[] = ruleList.map((p) => ({
    ...(p.rule as SigmaRule),
    test: tests.get(p) as EventTest,
    generate:
      generateOf.get(p) ??
      !pending.some(
        (q) =>
          q.correlation !== undefined &&
          listOf(q.correlation.correlation.rules).some((r) => byRef.get(r) === p),
      ),
  }));
  const status: SigmaRuleStatus[] = statusOf.map((s) => {
    const id = s.p?.rule?.meta.id ?? s.p?.correlation?.id ?? s.p?.filter?.data.id;
    const title = s.p?.rule?.meta.title ?? s.p?.correlation?.title ?? s.p?.filter?.data.title;
    problems.push(...s.problems);
    return {
      file: s.file,
      line: s.line,
      ...(id === undefined ? {} : { id }),
      ...(title === undefined ? {} : { title }),
      type: s.type,
      state: s.state,
      problems: s.problems,
    };
  });
  return { rules, correlations, problems, status };
}
