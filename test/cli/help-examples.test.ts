// Every example in the CLI's help (src/cli/help.ts, also docs/cli.md) runs on
// the bundled samples, in process, and returns something: an example that
// needs the reader's own files, or that finds nothing, teaches nothing.
// `# … exit N` in the comment states a non-zero exit.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { COMMANDS } from '../../src/cli/help.js';
import { runCliInProcess } from './run-in-process.js';

/** Splits a shell command line into words: single and double quotes, no expansions. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const c of line) {
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

interface Example {
  readonly command: string;
  /** stdin, from a leading `zcat <file> |`. */
  readonly input?: string;
  readonly args: readonly string[];
  readonly exit: number;
}

/** An example as argv: `zcat f |` becomes stdin, `> file` keeps stdout here. */
function parse(command: string, comment: string): Example {
  const piped = /^zcat (\S+) \| (.*)$/.exec(command);
  const words = shellWords(piped === null ? command : (piped[2] ?? ''));
  const redirect = words.indexOf('>');
  const argv = redirect < 0 ? words : words.slice(0, redirect);
  expect(argv[0], command).toBe('kubetrail');
  const exit = /\bexit (\d+)\b/.exec(comment);
  return {
    command,
    ...(piped === null ? {} : { input: gunzipSync(readFileSync(piped[1] ?? '')).toString('utf8') }),
    args: argv.slice(1),
    exit: exit === null ? 0 : Number(exit[1]),
  };
}

/** Output that shows nothing found. */
const NOTHING = /^\(no results\)$|^0 insight events|^0 of \d+ detections fired|^\[\]$/m;

describe('every --help example runs on the bundled samples and returns something', () => {
  const examples = COMMANDS.flatMap((c) => c.examples.map((e) => ({ name: c.name, ...e })));

  test('every command has an example', () => {
    expect(COMMANDS.filter((c) => c.examples.length === 0).map((c) => c.name)).toEqual([]);
  });

  test.each(examples)('$name: $command', async ({ command, comment }) => {
    const example = parse(command, comment);
    const run = await runCliInProcess(
      example.args,
      example.input === undefined ? {} : { input: example.input },
    );
    expect({ code: run.code, stderr: run.code === example.exit ? '' : run.stderr }).toEqual({
      code: example.exit,
      stderr: '',
    });
    if (example.exit >= 2) {
      // an example of an error shows the message (exit 1 is "found something", under a --fail-on option)
      expect(run.stderr.trim()).not.toBe('');
    } else {
      expect(run.stdout.trim()).not.toBe('');
      expect(run.stdout).not.toMatch(NOTHING);
    }
  });
});
