/**
 * The Sigma `condition` language: search identifiers combined with `and`,
 * `or`, `not`, parentheses, and `1 of` / `all of` a pattern or `them`.
 * Precedence, least to most binding: `or`, `and`, `not`, `x of`, brackets.
 *
 * @module
 */
import { KubetrailError } from '../../errors.js';

/** A parsed condition. */
export type ConditionNode =
  | { readonly kind: 'ref'; readonly name: string }
  | { readonly kind: 'and' | 'or'; readonly left: ConditionNode; readonly right: ConditionNode }
  | { readonly kind: 'not'; readonly operand: ConditionNode }
  | { readonly kind: 'of'; readonly quantifier: 'one' | 'all'; readonly pattern: string | 'them' };

/** A condition that does not parse: the message and the 0-based offset in the condition text. */
export class ConditionSyntaxError extends KubetrailError {
  override readonly name = 'ConditionSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super('invalid_sigma_rules', message);
  }
}

interface Token {
  readonly text: string;
  readonly offset: number;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re = /\s*([()]|[^\s()]+)/gy;
  let m = re.exec(text);
  while (m !== null) {
    out.push({ text: m[1] as string, offset: m.index + (m[0].length - (m[1] as string).length) });
    m = re.exec(text);
  }
  const rest = text.slice(re.lastIndex === 0 ? 0 : re.lastIndex);
  if (out.length === 0 && rest.trim() === '') throw new ConditionSyntaxError('the condition is empty', 0);
  return out;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', '1', 'all', 'any']);

/**
 * Parses one condition string.
 *
 * @throws {ConditionSyntaxError} naming the offset of the first token that does not fit
 * @example
 * ```ts
 * parseCondition('selection and not 1 of filter_*');
 * //=> { kind: 'and', left: { kind: 'ref', name: 'selection' }, right: { kind: 'not', operand: { kind: 'of', quantifier: 'one', pattern: 'filter_*' } } }
 * ```
 */
export function parseCondition(text: string): ConditionNode {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): string | undefined => tokens[i]?.text.toLowerCase();
  const fail = (message: string): never => {
    throw new ConditionSyntaxError(message, tokens[i]?.offset ?? text.length);
  };
  const parseOr = (): ConditionNode => {
    let left = parseAnd();
    while (peek() === 'or') {
      i++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): ConditionNode => {
    let left = parseNot();
    while (peek() === 'and') {
      i++;
      left = { kind: 'and', left, right: parseNot() };
    }
    return left;
  };
  const parseNot = (): ConditionNode => {
    if (peek() === 'not') {
      i++;
      return { kind: 'not', operand: parseNot() };
    }
    return parseAtom();
  };
  const parseAtom = (): ConditionNode => {
    const t = tokens[i];
    if (t === undefined) return fail('the condition ends where a search identifier was expected');
    const word = t.text.toLowerCase();
    if (t.text === '(') {
      i++;
      const inner = parseOr();
      if (peek() !== ')') fail('a "(" is not closed');
      i++;
      return inner;
    }
    if ((word === '1' || word === 'all' || word === 'any') && tokens[i + 1]?.text.toLowerCase() === 'of') {
      i += 2;
      const target = tokens[i];
      if (target === undefined || target.text === '(' || target.text === ')')
        return fail('"of" must be followed by "them" or a search-identifier pattern');
      i++;
      const quantifier = word === 'all' ? 'all' : 'one';
      return { kind: 'of', quantifier, pattern: target.text.toLowerCase() === 'them' ? 'them' : target.text };
    }
    if (t.text === ')' || KEYWORDS.has(word)) return fail(`unexpected "${t.text}"`);
    if (/^\d+$/.test(word)) return fail(`only "1 of" and "all of" are quantifiers, not "${t.text} of"`);
    i++;
    return { kind: 'ref', name: t.text };
  };
  const node = parseOr();
  if (i < tokens.length) fail(`unexpected "${tokens[i]?.text}"`);
  return node;
}

/**
 * The search identifiers a pattern of `1 of` / `all of` stands for: `them`
 * is every identifier not starting with `_`; otherwise `*` matches any run
 * of characters.
 *
 * @example
 * ```ts
 * expandPattern('filter_*', ['selection', 'filter_a', 'filter_b']); //=> ['filter_a', 'filter_b']
 * ```
 */
export function expandPattern(pattern: string, names: readonly string[]): string[] {
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  const parts = pattern.split('*');
  return names.filter((name) => {
    if (parts.length === 1) return name === pattern;
    if (!name.startsWith(parts[0] as string)) return false;
    let at = (parts[0] as string).length;
    for (let k = 1; k < parts.length - 1; k++) {
      const found = name.indexOf(parts[k] as string, at);
      if (found < 0) return false;
      at = found + (parts[k] as string).length;
    }
    const last = parts.at(-1) as string;
    return name.length - last.length >= at && name.endsWith(last);
  });
}
