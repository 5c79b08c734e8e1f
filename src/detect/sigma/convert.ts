/**
 * `sigma convert`: a Sigma detection rule as a CloudWatch Logs Insights
 * query, so the same rule runs in the console. Strings become anchored
 * RE2 regexes (`like /(?is)^…$/`, case-insensitive unless `cased`),
 * keywords search `@message`, `exists` is `ispresent`, `cidr` is
 * `isIpInSubnet`, `fieldref` compares with `tolower`.
 *
 * Logs Insights flattens lists into `field.0`, `field.1`, …, so a converted
 * query sees one value per field where the Sigma rule tests every element
 * of a list; and `ispresent` is false for a field that holds `null`, which
 * `exists: true` counts as present. Correlations, filters and the time
 * modifiers have no Logs Insights form and are not converted.
 *
 * @module
 */

import { KubetrailError } from '../../errors.js';
import { DetectError } from '../errors.js';
import { type ConditionNode, expandPattern, parseCondition } from './condition.js';
import { SIGMA_FIELD_MAPPINGS } from './load.js';
import type { SigmaRule } from './types.js';
import { DASH, ModifierError, ONE, type Pattern, STAR, stringPatterns, type ValueOptions } from './values.js';

const REGEX_META = new Set('\\^$.|?*+()[]{}/'.split(''));

function regexChar(c: number): string {
  const ch = String.fromCharCode(c);
  if (REGEX_META.has(ch)) return `\\${ch}`;
  if (c < 0x20 || c === 0x7f || (c >= 0x80 && !/\p{L}|\p{N}/u.test(ch))) return `\\x{${c.toString(16)}}`;
  return ch;
}

/** A wildcard pattern as an anchored RE2 regex. */
function patternRegex(p: Pattern, cased: boolean): string {
  let body = '';
  for (const c of p) {
    if (c === STAR) body += '.*';
    else if (c === ONE) body += '.';
    else if (c === DASH) body += '[\\-\\/\\x{2013}\\x{2014}\\x{2015}]';
    else body += regexChar(c);
  }
  return `/(?${cased ? '' : 'i'}s)^${body}$/`;
}

/** Escapes the unescaped `/` of a user regex for a `/…/` literal. */
function regexLiteral(re: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i] as string;
    if (c === '\\') {
      out += c + (re[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    if (c === '/' && !inClass) out += '\\/';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else out += c;
  }
  return out;
}

/** A field name as the query language writes it (backticks when it is not a plain dotted name). */
function fieldName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/.test(name) ? name : `\`${name.replaceAll('`', '``')}\``;
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function or(parts: readonly string[]): string {
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(' or ')})`;
}

function and(parts: readonly string[]): string {
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(' and ')})`;
}

const NUMERIC: Record<string, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

class NotConvertible extends KubetrailError {
  constructor(message: string) {
    super('sigma_not_convertible', message);
  }
}

/** One `field|mods: values` entry as a query expression. */
function entryExpr(
  key: string,
  raw: unknown,
  mappings: Readonly<Record<string, readonly string[]>>,
  options: ValueOptions,
): string {
  const [field = '', ...mods] = key.split('|');
  const paths = Object.hasOwn(mappings, field) ? (mappings[field] as readonly string[]) : [field];
  if (paths.length > 1) return or(paths.map((p) => entryExpr([p, ...mods].join('|'), raw, {}, options)));
  const f = fieldName(paths[0] as string);
  const has = (m: string): boolean => mods.includes(m);
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  const combine = (parts: string[]): string =>
    has('neq') ? `not ${or(parts)}` : has('all') ? and(parts) : or(parts);
  if (has('exists')) return raw === true ? `ispresent(${f})` : `not ispresent(${f})`;
  for (const m of ['minute', 'hour', 'day', 'week', 'month', 'year'])
    if (has(m)) throw new NotConvertible(`the ${m} modifier has no Logs Insights function`);
  if (has('fieldref')) {
    const parts = list.map((ref) =>
      has('cased')
        ? `${f} = ${fieldName(String(ref))}`
        : `tolower(${f}) = tolower(${fieldName(String(ref))})`,
    );
    return combine(parts);
  }
  if (list.length === 1 && list[0] === null) return has('neq') ? `ispresent(${f})` : `not ispresent(${f})`;
  const numeric = mods.find((m) => Object.hasOwn(NUMERIC, m));
  const parts = list.map((v) => {
    // only numbers (and numeric strings) compare: the engine would compare other text as strings
    if (numeric !== undefined)
      return `(${f} like /^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?$/ and ${f} ${NUMERIC[numeric]} ${Number(v)})`;
    if (typeof v === 'boolean') return `${f} like /(?i)^${v}$/`;
    const text = String(v);
    if (has('re')) {
      const flags = ['i', 'm', 's'].filter((x) => has(x)).join('');
      return `${f} like /${flags ? `(?${flags})` : ''}${regexLiteral(text)}/`;
    }
    if (has('cidr')) return `isIpInSubnet(${f}, ${quote(text)})`;
    const plan = stringPatterns(text, mods, options);
    const one = plan.patterns.map((p) =>
      p.length > 0 && p.every((c) => c === STAR)
        ? `ispresent(${f})`
        : `${f} like ${patternRegex(p, plan.cased)}`,
    );
    return or(one);
  });
  return combine(parts);
}

function keywordExpr(words: readonly unknown[], all: boolean): string {
  const parts = words.map((w) => {
    const plan = stringPatterns(String(w), ['contains'], {});
    return `@message like ${patternRegex(plan.patterns[0] as Pattern, false)}`;
  });
  return all ? and(parts) : or(parts);
}

function searchExpr(
  value: unknown,
  mappings: Readonly<Record<string, readonly string[]>>,
  options: ValueOptions,
): string {
  const mapExpr = (map: Record<string, unknown>): string =>
    and(
      Object.entries(map).map(([k, v]) =>
        k.startsWith('|')
          ? keywordExpr(Array.isArray(v) ? v : [v], true)
          : entryExpr(k, v, mappings, options),
      ),
    );
  if (Array.isArray(value)) {
    const maps = value.filter((x) => x !== null && typeof x === 'object') as Record<string, unknown>[];
    const words = value.filter((x) => typeof x === 'string' || typeof x === 'number');
    return or([...maps.map(mapExpr), ...(words.length > 0 ? [keywordExpr(words, false)] : [])]);
  }
  if (value !== null && typeof value === 'object') return mapExpr(value as Record<string, unknown>);
  return keywordExpr([value], false);
}

function conditionExpr(node: ConditionNode, searches: ReadonlyMap<string, string>): string {
  switch (node.kind) {
    case 'ref':
      return searches.get(node.name) as string;
    case 'not':
      return `not ${conditionExpr(node.operand, searches)}`;
    case 'and':
      return `(${conditionExpr(node.left, searches)} and ${conditionExpr(node.right, searches)})`;
    case 'or':
      return `(${conditionExpr(node.left, searches)} or ${conditionExpr(node.right, searches)})`;
    case 'of': {
      const names = expandPattern(node.pattern, [...searches.keys()]).map((n) => searches.get(n) as string);
      return node.quantifier === 'all' ? and(names) : or(names);
    }
  }
}

/**
 * Converts a loaded Sigma rule to a Logs Insights query: `fields` with the
 * rule's fields, then one `filter` with the whole condition.
 *
 * @throws {DetectError} `sigma_not_convertible` for the time modifiers
 * @example
 * ```ts
 * const [rule] = loadSigmaRules([{ file: 'stop.yml', text: `title: CloudTrail stopped
 * logsource: { product: aws, service: cloudtrail }
 * detection:
 *   selection: { eventSource: cloudtrail.amazonaws.com, eventName: [StopLogging, DeleteTrail] }
 *   condition: selection` }]).rules;
 * if (rule !== undefined) sigmaToInsights(rule);
 * //=> 'fields @timestamp, eventSource, eventName\n| filter (eventSource like /(?is)^cloudtrail\\.amazonaws\\.com$/ and (eventName like /(?is)^StopLogging$/ or eventName like /(?is)^DeleteTrail$/))'
 * ```
 */
export function sigmaToInsights(rule: SigmaRule, options: ValueOptions = {}): string {
  const mappings = SIGMA_FIELD_MAPPINGS[rule.kind];
  const searches = new Map<string, string>();
  try {
    for (const [name, value] of Object.entries(rule.detection)) {
      if (name === 'condition') continue;
      searches.set(name, searchExpr(value, mappings, options));
    }
    const conditions = Array.isArray(rule.detection.condition)
      ? (rule.detection.condition as string[])
      : [String(rule.detection.condition)];
    const filter = or(conditions.map((c) => conditionExpr(parseCondition(c), searches)));
    const fields = ['@timestamp', ...rule.fields.filter((f) => !f.startsWith('@')).map(fieldName)];
    return `fields ${[...new Set(fields)].join(', ')}\n| filter ${filter}`;
  } catch (e) {
    if (e instanceof NotConvertible || e instanceof ModifierError)
      throw new DetectError('sigma_not_convertible', `${rule.meta.title}: ${e.message}`);
    throw e;
  }
}
