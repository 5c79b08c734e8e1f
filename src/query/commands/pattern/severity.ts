/**
 * `@severityLabel`: the log level of a pattern, read from its literal text.
 *
 * The first level word of a masked token list decides (case-insensitive,
 * whole words of ASCII letters): `error`, `err`, `fatal`, `critical`,
 * `crit`, `panic`, `emerg`, `emergency`, `alert`, `severe` give `Error`;
 * `warn`, `warning` give `Warning`; `info`, `information`, `notice` give
 * `Info`; `debug`, `trace`, `verbose` give `Debug`. A klog header (`I`, `W`,
 * `E` or `F` right before the masked time of the first token) decides first.
 * Without a level word the label is `Unknown`.
 *
 * @module
 */
import { MARK } from './mask.js';

/** The values of `@severityLabel`. */
export type SeverityLabel = 'Error' | 'Warning' | 'Info' | 'Debug' | 'Unknown';

/**
 * The labels from most to least severe (ties between labels go to the first).
 *
 * @example
 * ```ts
 * SEVERITY_ORDER[0]; // 'Error'
 * ```
 */
export const SEVERITY_ORDER: readonly SeverityLabel[] = ['Error', 'Warning', 'Info', 'Debug', 'Unknown'];

const WORDS: ReadonlyMap<string, SeverityLabel> = new Map([
  ['error', 'Error'],
  ['err', 'Error'],
  ['fatal', 'Error'],
  ['critical', 'Error'],
  ['crit', 'Error'],
  ['panic', 'Error'],
  ['emerg', 'Error'],
  ['emergency', 'Error'],
  ['alert', 'Error'],
  ['severe', 'Error'],
  ['warn', 'Warning'],
  ['warning', 'Warning'],
  ['info', 'Info'],
  ['information', 'Info'],
  ['notice', 'Info'],
  ['debug', 'Debug'],
  ['trace', 'Debug'],
  ['verbose', 'Debug'],
]);

const KLOG: Readonly<Record<string, SeverityLabel>> = { I: 'Info', W: 'Warning', E: 'Error', F: 'Error' };

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * The severity of a masked token list.
 *
 * @example
 * ```ts
 * severityOf(maskText('2024-01-01T00:00:00Z [WARN] disk 91% full')); // 'Warning'
 * ```
 */
export function severityOf(tokens: readonly string[]): SeverityLabel {
  const first = tokens[0];
  if (first !== undefined && first.length === 3 && first[1] === MARK && first[2] === 'T') {
    const label = KLOG[first[0] as string];
    if (label !== undefined) return label;
  }
  for (const token of tokens) {
    let i = 0;
    while (i < token.length) {
      if (token[i] === MARK) {
        i += 2;
        continue;
      }
      if (!isLetter(token.charCodeAt(i))) {
        i++;
        continue;
      }
      const start = i;
      while (i < token.length && isLetter(token.charCodeAt(i))) i++;
      const label = WORDS.get(token.slice(start, i).toLowerCase());
      if (label !== undefined) return label;
    }
  }
  return 'Unknown';
}
