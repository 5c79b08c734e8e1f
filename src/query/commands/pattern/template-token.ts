/**
 * The tokens of a template: a signature token as it is, or a token with one
 * wildcard inside (`verb=<Token-1>`, `"auditID":"<ID-2>",`, `<Token-3>`).
 *
 * When two tokens at one position differ, the template keeps what they have
 * in common around the difference: the longest common prefix, cut back to
 * end just after a punctuation character, and the longest common suffix made
 * only of punctuation; neither may hold a placeholder. What is between them
 * is the wildcard. A token glued to the one before it (the parts of a JSON
 * message, see {@link GLUE}) stays glued when both were.
 *
 * @module
 */
import { GLUE, KIND_OF_LETTER, MARK, type MaskKind } from './mask.js';

/** The kind written in a dynamic token: a masked kind, or `Token` when it is not known. */
export type TokenKind = MaskKind | 'Token';

/** The wildcard inside a template token. @internal */
export const WILD = `${MARK}*`;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
}

/** Whether a template token holds a wildcard. @internal */
export function isWild(token: string): boolean {
  return token.includes(WILD);
}

/** Splits off the glue mark. @internal */
export function unglue(token: string): [boolean, string] {
  return token.startsWith(GLUE) ? [true, token.slice(GLUE.length)] : [false, token];
}

/**
 * The kind of a value: a lone placeholder's kind, else `Token`.
 *
 * @internal
 */
export function valueKind(value: string): TokenKind {
  if (value.length === 2 && value[0] === MARK) return KIND_OF_LETTER[value[1] as string] ?? 'Token';
  return 'Token';
}

/**
 * The kind of two values seen at one place: equal kinds stay, `Number` and
 * `ID` give `ID`, anything else `Token`.
 *
 * @internal
 */
export function combineKinds(a: TokenKind, b: TokenKind): TokenKind {
  if (a === b) return a;
  if ((a === 'Number' || a === 'ID') && (b === 'Number' || b === 'ID')) return 'ID';
  return 'Token';
}

function commonPrefix(a: string, b: string): string {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n] && a[n] !== MARK) n++;
  // Cut back to just after punctuation, so a word is never split.
  while (n > 0 && isAlnum(a.charCodeAt(n - 1))) n--;
  return a.slice(0, n);
}

function commonSuffix(a: string, b: string, maxLength: number): string {
  let n = 0;
  while (
    n < maxLength &&
    n < a.length &&
    n < b.length &&
    a[a.length - 1 - n] === b[b.length - 1 - n] &&
    a[a.length - 1 - n] !== MARK &&
    a[a.length - 2 - n] !== MARK &&
    !isAlnum(a.charCodeAt(a.length - 1 - n))
  ) {
    n++;
  }
  return a.slice(a.length - n);
}

/** The parts of a wildcard token: glue, prefix, suffix. */
function wildParts(token: string): { glued: boolean; prefix: string; suffix: string } {
  const [glued, body] = unglue(token);
  const at = body.indexOf(WILD);
  return { glued, prefix: body.slice(0, at), suffix: body.slice(at + WILD.length) };
}

/**
 * What a template token matches of a signature token: the value in its
 * wildcard, or `undefined` when the token does not fit around it.
 *
 * @internal
 */
export function wildValue(template: string, token: string): string | undefined {
  const { glued, prefix, suffix } = wildParts(template);
  const [g, body] = unglue(token);
  if (g !== glued || body.length < prefix.length + suffix.length) return undefined;
  if (!body.startsWith(prefix) || !body.endsWith(suffix)) return undefined;
  return body.slice(prefix.length, body.length - suffix.length);
}

/**
 * Generalises a template token to also cover `token`; returns the new
 * template token and the kind of its wildcard.
 *
 * @internal
 */
export function generalize(
  had: string,
  kind: TokenKind | undefined,
  token: string,
): { token: string; kind: TokenKind } {
  if (isWild(had)) {
    const value = wildValue(had, token);
    if (value !== undefined) return { token: had, kind: combineKinds(kind ?? 'Token', valueKind(value)) };
    const { glued, prefix, suffix } = wildParts(had);
    const [g, body] = unglue(token);
    const p = commonPrefix(prefix, body);
    const s = commonSuffix(suffix, body.slice(p.length), body.length - p.length);
    return { token: `${glued && g ? GLUE : ''}${p}${WILD}${s}`, kind: 'Token' };
  }
  const [g1, a] = unglue(had);
  const [g2, b] = unglue(token);
  const p = commonPrefix(a, b);
  const s = commonSuffix(a.slice(p.length), b.slice(p.length), Math.min(a.length, b.length) - p.length);
  const middleA = a.slice(p.length, a.length - s.length);
  const middleB = b.slice(p.length, b.length - s.length);
  return {
    token: `${g1 && g2 ? GLUE : ''}${p}${WILD}${s}`,
    kind: combineKinds(valueKind(middleA), valueKind(middleB)),
  };
}

/**
 * Renders template tokens: placeholders and wildcards become `<Kind-N>`,
 * numbered from 1 left to right; glued tokens follow without a space.
 *
 * @internal
 */
export function renderTemplate(
  tokens: readonly string[],
  wildKinds: ReadonlyArray<TokenKind | undefined>,
): { pattern: string; kinds: TokenKind[] } {
  const kinds: TokenKind[] = [];
  let out = '';
  for (let p = 0; p < tokens.length; p++) {
    const [glued, body] = unglue(tokens[p] as string);
    if (p > 0 && !glued) out += ' ';
    for (let i = 0; i < body.length; i++) {
      if (body[i] !== MARK) {
        out += body[i];
        continue;
      }
      const letter = body[i + 1] as string;
      const kind: TokenKind =
        letter === '*' ? (wildKinds[p] ?? 'Token') : (KIND_OF_LETTER[letter] ?? 'Token');
      kinds.push(kind);
      out += `<${kind}-${kinds.length}>`;
      i++;
    }
  }
  return { pattern: out, kinds };
}
