/**
 * Sigma values and value modifiers: wildcard patterns (`*`, `?`, `\`
 * escapes), case-insensitive matching unless `cased`, the string, encoding,
 * numeric, time, IP and field-reference modifiers, and which modifiers
 * cannot apply to JSON logs.
 *
 * @module
 */
import { RE2JS } from 're2js';
import { KubetrailError } from '../../errors.js';
import { inCidr, parseCidr, parseIp } from '../../query/functions/ip.js';

/**
 * Every modifier of the Sigma modifiers appendix (v2.1.0), with `i`, `m`
 * and `s` as sub-modifiers of `re`.
 *
 * @example
 * ```ts
 * SIGMA_MODIFIERS.includes('windash'); //=> true
 * ```
 */
export const SIGMA_MODIFIERS: readonly string[] = [
  'all',
  'startswith',
  'endswith',
  'contains',
  'exists',
  'cased',
  'neq',
  'windash',
  're',
  'i',
  'm',
  's',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'lt',
  'lte',
  'gt',
  'gte',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
  'cidr',
  'expand',
  'fieldref',
];

/** A modifier chain that kubetrail cannot run, or that is not valid Sigma. */
export class ModifierError extends KubetrailError {
  override readonly name = 'ModifierError';
  constructor(
    message: string,
    readonly severity: 'error' | 'unsupported',
  ) {
    super(severity === 'error' ? 'invalid_sigma_rules' : 'sigma_not_convertible', message);
  }
}

/** The dash characters `windash` makes interchangeable. @internal */
export const DASHES = '-/\u2013\u2014\u2015';

/** Pattern code: any run of characters. @internal */
export const STAR = -1;
/** Pattern code: one character. @internal */
export const ONE = -2;
/** Pattern code: one of the `windash` dashes. @internal */
export const DASH = -3;
/** A wildcard pattern: char codes, with `STAR`, `ONE` and `DASH` as wildcards. @internal */
export type Pattern = number[];

/**
 * Parses a Sigma string into a wildcard pattern: `*` any run, `?` one
 * character, `\*` `\?` `\\` the plain characters, any other backslash
 * itself.
 */
export function parseWildcards(text: string): Pattern {
  const out: Pattern = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) {
      const next = text[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        out.push(next.charCodeAt(0));
        i++;
      } else out.push(c);
    } else if (c === 0x2a) out.push(STAR);
    else if (c === 0x3f) out.push(ONE);
    else out.push(c);
  }
  return out;
}

function literal(text: string): Pattern {
  const out: Pattern = [];
  for (let i = 0; i < text.length; i++) out.push(text.charCodeAt(i));
  return out;
}

/**
 * Matches text against a pattern: iterative, with one backtrack point per
 * star (no exponential case), O(text × pattern) at worst.
 */
function matchPattern(p: Pattern, s: string): boolean {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const t = p[pi];
    if (t !== undefined && t !== STAR) {
      const c = s.charCodeAt(si);
      if (t === ONE || t === c || (t === DASH && DASHES.includes(s[si] as string))) {
        pi++;
        si++;
        continue;
      }
    } else if (t === STAR) {
      starP = pi++;
      starS = si;
      continue;
    }
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (p[pi] === STAR) pi++;
  return pi === p.length;
}

function lowerPattern(p: Pattern): Pattern {
  return p.map((c) => (c < 0 ? c : String.fromCharCode(c).toLowerCase().charCodeAt(0)));
}

/** A test of one leaf value of a field. */
type LeafTest = (leaf: unknown) => boolean;

function textOf(leaf: unknown): string | undefined {
  if (typeof leaf === 'string') return leaf;
  if (typeof leaf === 'number' || typeof leaf === 'boolean') return String(leaf);
  return undefined;
}

function patternTest(p: Pattern, cased: boolean): LeafTest {
  // `*` alone: any value at all (an object or list too), as backends read a lone wildcard
  if (p.length > 0 && p.every((c) => c === STAR)) return (leaf) => leaf !== null && leaf !== undefined;
  const simple = p.every((c) => c >= 0);
  const pattern = cased ? p : lowerPattern(p);
  if (simple) {
    const want = String.fromCharCode(...pattern);
    return (leaf) => {
      const t = textOf(leaf);
      return t !== undefined && (cased ? t : t.toLowerCase()) === want;
    };
  }
  // `*text*`, `text*`, `*text`: plain string searches
  const inner = pattern.slice(pattern[0] === STAR ? 1 : 0, pattern.at(-1) === STAR ? -1 : undefined);
  if (inner.every((c) => c >= 0) && inner.length < pattern.length) {
    const needle = String.fromCharCode(...inner);
    const lead = pattern[0] === STAR;
    const trail = pattern.at(-1) === STAR;
    return (leaf) => {
      const raw = textOf(leaf);
      if (raw === undefined) return false;
      const t = cased ? raw : raw.toLowerCase();
      if (lead && trail) return t.includes(needle);
      return lead ? t.endsWith(needle) : t.startsWith(needle);
    };
  }
  return (leaf) => {
    const t = textOf(leaf);
    return t !== undefined && matchPattern(pattern, cased ? t : t.toLowerCase());
  };
}

function base64Of(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * The three shifted encodings of `base64offset`: the value preceded by 0, 1
 * or 2 bytes, encoded, with the characters that depend on the neighbouring
 * bytes cut from both ends.
 */
function base64Offsets(bytes: Uint8Array): string[] {
  const starts = [0, 2, 3];
  const ends = [undefined, -3, -2];
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const padded = new Uint8Array(shift + bytes.length);
    padded.fill(0x20, 0, shift);
    padded.set(bytes, shift);
    out.push(base64Of(padded).slice(starts[shift], ends[(bytes.length + shift) % 3]));
  }
  return out;
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function utf16(text: string, order: 'le' | 'be', bom: boolean): Uint8Array {
  const out: number[] = bom ? [0xff, 0xfe] : [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (order === 'le' || bom) out.push(c & 0xff, c >> 8);
    else out.push(c >> 8, c & 0xff);
  }
  return Uint8Array.from(out);
}

/**
 * The wildcard patterns one string value stands for after the transforming
 * modifiers (`expand`, `utf16*` + `base64`/`base64offset`, `windash`) and
 * the position modifiers (`contains`, `startswith`, `endswith`), and
 * whether they match case-sensitively.
 *
 * @internal
 */
export function stringPatterns(
  text: string,
  mods: readonly string[],
  options: ValueOptions,
): { patterns: Pattern[]; cased: boolean } {
  const has = (m: string): boolean => mods.includes(m);
  const utf = mods.find((m) => UTF16.has(m));
  let texts = [text];
  if (has('expand')) texts = texts.flatMap((t) => expandPlaceholders(t, options));
  let patterns: Pattern[];
  if (has('base64') || has('base64offset')) {
    const bytesOf = (t: string): Uint8Array =>
      utf === undefined ? utf8(t) : utf16(t, utf === 'utf16be' ? 'be' : 'le', utf === 'utf16');
    patterns = texts.flatMap((t) =>
      (has('base64offset') ? base64Offsets(bytesOf(t)) : [base64Of(bytesOf(t))]).map(literal),
    );
  } else patterns = texts.map(parseWildcards);
  if (has('windash'))
    patterns = patterns.map((p) =>
      p.map((c) => (c >= 0 && DASHES.includes(String.fromCharCode(c)) ? DASH : c)),
    );
  const position = mods.filter((m) => POSITION.has(m));
  if (position.length > 1)
    throw new ModifierError('only one of contains, startswith, endswith may apply', 'error');
  patterns = patterns.map((p) => {
    switch (position[0]) {
      case 'contains':
        return [STAR, ...p, STAR];
      case 'startswith':
        return [...p, STAR];
      case 'endswith':
        return [STAR, ...p];
      default:
        return p;
    }
  });
  // base64 payloads are case-sensitive by nature
  return { patterns, cased: has('cased') || has('base64') || has('base64offset') };
}

/** Options that reach value compilation. */
export interface ValueOptions {
  /** Values of `expand` placeholders, by name without the `%`. */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
}

/** A compiled field entry: a test of the whole event given a value reader. */
export interface FieldEntry {
  readonly field: string;
  /** The modifiers as written. */
  readonly modifiers: readonly string[];
  /** Tests the event: `values(field)` gives every leaf value, `has(field)` presence. */
  readonly test: (read: {
    values(field: string): readonly unknown[];
    has(field: string): boolean;
  }) => boolean;
  /** Other fields the entry reads (`fieldref`). */
  readonly reads: readonly string[];
}

const NUMERIC = new Set(['lt', 'lte', 'gt', 'gte']);
const TIME = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const POSITION = new Set(['contains', 'startswith', 'endswith']);
const UTF16 = new Set(['utf16le', 'utf16be', 'utf16', 'wide']);

function timePart(leaf: unknown, part: string): number | undefined {
  const t = typeof leaf === 'number' ? leaf : typeof leaf === 'string' ? Date.parse(leaf) : Number.NaN;
  if (!Number.isFinite(t)) return undefined;
  const d = new Date(t);
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    default: {
      // ISO 8601 week: the week (Monday first) holding the year's first Thursday is week 1
      const day = (d.getUTCDay() + 6) % 7;
      const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3);
      const jan4 = new Date(Date.UTC(new Date(thursday).getUTCFullYear(), 0, 4));
      const week1Thursday = jan4.getTime() + (3 - ((jan4.getUTCDay() + 6) % 7)) * 86_400_000;
      return 1 + Math.round((thursday - week1Thursday) / 604_800_000);
    }
  }
}

/** A decimal number as text (no spaces), as numeric modifiers accept it. @internal */
export const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function numberOf(leaf: unknown): number | undefined {
  if (typeof leaf === 'number') return Number.isFinite(leaf) ? leaf : undefined;
  if (typeof leaf === 'string' && NUMBER_TEXT.test(leaf)) return Number(leaf);
  return undefined;
}

function compareWith(op: string, bound: number): (n: number) => boolean {
  switch (op) {
    case 'lt':
      return (n) => n < bound;
    case 'lte':
      return (n) => n <= bound;
    case 'gt':
      return (n) => n > bound;
    default:
      return (n) => n >= bound;
  }
}

function expandPlaceholders(text: string, options: ValueOptions): string[] {
  let outs = [''];
  const re = /\\%|%([A-Za-z0-9_.-]+)%|[^%\\]+|[%\\]/g;
  for (const m of text.matchAll(re)) {
    if (m[0] === '\\%') outs = outs.map((o) => `${o}%`);
    else if (m[1] !== undefined) {
      const values = options.placeholders?.[m[1]];
      if (values === undefined || values.length === 0)
        throw new ModifierError(
          `the placeholder %${m[1]}% has no values (give them with the placeholders option or --sigma-placeholder ${m[1]}=…)`,
          'unsupported',
        );
      outs = outs.flatMap((o) => values.map((v) => o + v));
    } else outs = outs.map((o) => o + m[0]);
  }
  return outs;
}

/**
 * Compiles one `field|modifiers: value(s)` entry of a selection.
 *
 * @throws {ModifierError} for an unknown modifier or a value of the wrong
 *   type (`error`), or a modifier that cannot apply to JSON logs (`unsupported`)
 * @example
 * ```ts
 * const e = compileFieldEntry('eventName|startswith', ['Delete', 'Stop'], {});
 * e.test({ values: () => ['StopLogging'], has: () => true }); //=> true
 * ```
 */
export function compileFieldEntry(key: string, raw: unknown, options: ValueOptions): FieldEntry {
  const [field = '', ...mods] = key.split('|');
  for (const m of mods) {
    if (!SIGMA_MODIFIERS.includes(m)) throw new ModifierError(`unknown modifier "${m}"`, 'error');
  }
  const has = (m: string): boolean => mods.includes(m);
  const reAt = mods.indexOf('re');
  for (const flag of ['i', 'm', 's']) {
    if (has(flag) && (reAt < 0 || mods.indexOf(flag) < reAt))
      throw new ModifierError(`"${flag}" is a sub-modifier of "re" and must follow it`, 'error');
  }
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  if (has('all') && list.length < 2)
    throw new ModifierError('"all" needs a list of two or more values', 'error');
  const utf = mods.find((m) => UTF16.has(m));
  if (utf !== undefined && !has('base64') && !has('base64offset'))
    throw new ModifierError(
      `"${utf}" makes UTF-16 bytes, which a JSON log's strings hold only inside a base64 payload (use it with base64 or base64offset)`,
      'unsupported',
    );
  const cased = has('cased');
  const neq = has('neq');
  const combineAll = has('all');

  if (has('exists')) {
    if (mods.length > 1) throw new ModifierError('"exists" takes no other modifier', 'error');
    if (typeof raw !== 'boolean') throw new ModifierError('"exists" needs true or false', 'error');
    return { field, modifiers: mods, reads: [], test: (r) => r.has(field) === raw };
  }

  if (has('fieldref')) {
    const other = mods.filter((m) => m !== 'fieldref' && m !== 'neq' && m !== 'cased' && m !== 'all');
    if (other.length > 0)
      throw new ModifierError(
        `"fieldref" is supported alone, with neq or cased, not with ${other.join(', ')}`,
        'unsupported',
      );
    const refs = list.map((v) => {
      if (typeof v !== 'string' || v === '') throw new ModifierError('"fieldref" needs field names', 'error');
      return v;
    });
    const fold = (v: unknown): string | undefined => {
      const t = textOf(v);
      return t === undefined ? undefined : cased ? t : t.toLowerCase();
    };
    const one = (r: Parameters<FieldEntry['test']>[0], ref: string): boolean => {
      const mine = r.values(field).map(fold);
      return r.values(ref).some((v) => {
        const f = fold(v);
        return f !== undefined && mine.includes(f);
      });
    };
    return {
      field,
      modifiers: mods,
      reads: refs,
      test: neq
        ? (r) => refs.every((ref) => !one(r, ref))
        : combineAll
          ? (r) => refs.every((ref) => one(r, ref))
          : (r) => refs.some((ref) => one(r, ref)),
    };
  }

  const leafTests: LeafTest[] = [];
  const numeric = mods.find((m) => NUMERIC.has(m));
  const time = mods.find((m) => TIME.has(m));
  for (const value of list) {
    if (value === null) {
      if (mods.some((m) => m !== 'neq')) throw new ModifierError('null takes no modifiers but neq', 'error');
      if (list.length > 1) throw new ModifierError('null cannot be part of a list of values', 'error');
      leafTests.push((leaf) => leaf === null);
      continue;
    }
    if (typeof value === 'object')
      throw new ModifierError('a field value must be a string, number, boolean or null', 'error');
    if (numeric !== undefined || time !== undefined) {
      const bound = typeof value === 'number' ? value : numberOf(value);
      if (bound === undefined)
        throw new ModifierError(`"${numeric ?? time}" needs a number, not ${JSON.stringify(value)}`, 'error');
      if (time !== undefined) {
        const cmp = numeric === undefined ? (n: number) => n === bound : compareWith(numeric, bound);
        leafTests.push((leaf) => {
          const n = timePart(leaf, time);
          return n !== undefined && cmp(n);
        });
      } else {
        const cmp = compareWith(numeric as string, bound);
        leafTests.push((leaf) => {
          const n = numberOf(leaf);
          return n !== undefined && cmp(n);
        });
      }
      continue;
    }
    if (typeof value === 'boolean') {
      leafTests.push(
        (leaf) => leaf === value || (typeof leaf === 'string' && leaf.toLowerCase() === String(value)),
      );
      continue;
    }
    const text = String(value);
    if (has('re')) {
      const bad = mods.filter((m) => !['re', 'i', 'm', 's', 'all', 'neq'].includes(m));
      if (bad.length > 0) throw new ModifierError(`"re" cannot be combined with ${bad.join(', ')}`, 'error');
      let flags = 0;
      if (has('i')) flags |= RE2JS.CASE_INSENSITIVE;
      if (has('m')) flags |= RE2JS.MULTILINE;
      if (has('s')) flags |= RE2JS.DOTALL;
      let re: RE2JS;
      try {
        re = RE2JS.compile(text, flags);
      } catch (e) {
        throw new ModifierError(`the regular expression does not compile: ${(e as Error).message}`, 'error');
      }
      leafTests.push((leaf) => {
        const t = textOf(leaf);
        return t !== undefined && re.matcher(t).find();
      });
      continue;
    }
    if (has('cidr')) {
      const bad = mods.filter((m) => !['cidr', 'all', 'neq'].includes(m));
      if (bad.length > 0)
        throw new ModifierError(`"cidr" cannot be combined with ${bad.join(', ')}`, 'error');
      const cidr = parseCidr(text);
      if (cidr === undefined) throw new ModifierError(`"${text}" is not a CIDR range`, 'error');
      leafTests.push((leaf) => {
        const ip = typeof leaf === 'string' ? parseIp(leaf.trim()) : undefined;
        return ip !== undefined && inCidr(ip, cidr);
      });
      continue;
    }
    const plan = stringPatterns(text, mods, options);
    const tests = plan.patterns.map((p) => patternTest(p, plan.cased));
    leafTests.push(tests.length === 1 ? (tests[0] as LeafTest) : (leaf) => tests.some((t) => t(leaf)));
  }
  const anyLeaf = (values: readonly unknown[], t: LeafTest): boolean => values.some(t);
  const isNull = list.length === 1 && list[0] === null;
  return {
    field,
    modifiers: mods,
    reads: [],
    test: (r) => {
      const values = r.values(field);
      if (isNull) {
        const missingOrNull = values.length === 0 || values.every((v) => v === null);
        return neq ? !missingOrNull : missingOrNull;
      }
      if (neq) return leafTests.every((t) => !anyLeaf(values, t));
      if (combineAll) return leafTests.every((t) => anyLeaf(values, t));
      return leafTests.some((t) => anyLeaf(values, t));
    },
  };
}

/**
 * Compiles keyword searches: each keyword is searched for anywhere in the
 * record's text (`@message`), case-insensitively, with wildcards; any of
 * them (or all, for `|all`) must occur.
 *
 * @example
 * ```ts
 * compileKeywords(['StopLogging'], false)('{"eventName":"stoplogging"}'); //=> true
 * ```
 */
export function compileKeywords(keywords: readonly unknown[], all: boolean): (message: string) => boolean {
  const tests = keywords.map((k) => {
    if (k === null || typeof k === 'object')
      throw new ModifierError('a keyword must be a string or number', 'error');
    return patternTest([STAR, ...parseWildcards(String(k)), STAR], false);
  });
  return all ? (m) => tests.every((t) => t(m)) : (m) => tests.some((t) => t(m));
}
