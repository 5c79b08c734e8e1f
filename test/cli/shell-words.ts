// Splits the command lines of the docs and the CLI's help examples into argv
// words, for the tests that run them in process instead of through a shell.

/**
 * Splits a shell command line into words: single and double quotes, no
 * expansions. A backslash-newline (a continued line) is a space.
 *
 * @example
 * ```ts
 * shellWords(`kubetrail query 'stats count(*)' samples/`); // ['kubetrail', 'query', 'stats count(*)', 'samples/']
 * ```
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const c of line.replaceAll('\\\n', ' ')) {
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else word = (word ?? '') + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote !== undefined) throw new Error(`unbalanced quote in: ${line}`);
  if (word !== undefined) words.push(word);
  return words;
}
