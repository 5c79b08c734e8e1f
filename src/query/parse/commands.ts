/**
 * Parses one command of a pipeline: finds the command word's spec in the
 * registry (`commands/registry.ts`) and lets it parse the rest; an unknown
 * word gets a "did you mean" hint.
 *
 * Internal to the parser; the public entry points are in `parser.ts`.
 *
 * @module
 */
import type { Command } from '../ast.js';
import { COMMAND_NAMES, specOfKeyword } from '../commands/registry.js';
import { didYouMean } from '../errors.js';
import { registerStageParser } from './side-commands.js';
import { describe, fail, type State } from './state.js';

export { COMMAND_NAMES } from '../commands/registry.js';

/**
 * Parses the command at the current token; `stage` is its position in the
 * query (0 for the first).
 *
 * @example
 * ```ts
 * const p = createState('where a > 1');
 * advance(p);
 * parseStage(p, 0).kind //=> 'FilterCommand'
 * ```
 * @internal
 */
export function parseStage(p: State, stage: number): Command {
  const tok = p.tok;
  const start = tok.start;
  if (tok.kind === 'Pipe' || tok.kind === 'EOF') {
    fail(p, 'expected_command', `expected a command, found ${describe(p, tok)}`);
  }
  if (tok.kind !== 'Name' || tok.word === undefined) {
    fail(p, 'expected_command', `expected a command name, found ${describe(p, tok)}`);
  }
  const spec = specOfKeyword(tok.word);
  if (spec !== undefined) return spec.parse(p, start, stage);
  const written = p.text.slice(tok.start, tok.end);
  const at = { start: tok.start, end: tok.end };
  const suggestions = didYouMean(written, COMMAND_NAMES);
  fail(
    p,
    'unknown_command',
    `unknown command "${written}"`,
    at,
    suggestions.length > 0 ? [`did you mean ${suggestions.join(' or ')}?`] : [],
  );
}

registerStageParser(parseStage);
