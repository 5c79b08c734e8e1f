// Every example in the CLI's help (src/cli/help.ts, also docs/cli.md) runs on
// the bundled samples, in process, and returns something: an example that
// needs the reader's own files, or that finds nothing, teaches nothing.
// `# … exit N` in the comment states a non-zero exit. docs/examples.test.ts
// relies on this file for the examples of docs/cli.md (the same text,
// generated from src/cli/help.ts) instead of running them a second time.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { COMMANDS } from '../../src/cli/help.js';
import { runCliInProcess } from './run-in-process.js';
import { shellWords } from './shell-words.js';

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
  // `--to <file>` writes into a directory of this run, not a path other runs share (/tmp/events.parquet).
  const scratch = mkdtempSync(join(tmpdir(), 'kubetrail-help-examples-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const scratchTo = (args: readonly string[]): string[] =>
    args.map((a, i) => (args[i - 1] === '--to' ? join(scratch, basename(a)) : a));
  const examples = COMMANDS.flatMap((c) => c.examples.map((e) => ({ name: c.name, ...e })));

  test('every command has an example', () => {
    expect(COMMANDS.filter((c) => c.examples.length === 0).map((c) => c.name)).toEqual([]);
  });

  test.each(examples)('$name: $command', async ({ command, comment }) => {
    const example = parse(command, comment);
    const run = await runCliInProcess(
      scratchTo(example.args),
      example.input === undefined ? {} : { input: example.input },
    );
    expect({ code: run.code, stderr: run.code === example.exit ? '' : run.stderr }).toEqual({
      code: example.exit,
      stderr: '',
    });
    expect(run.stderr, 'no stack trace').not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    if (example.exit >= 2) {
      // an example of an error shows the message (exit 1 is "found something", under a --fail-on option)
      expect(run.stderr.trim()).not.toBe('');
    } else {
      expect(run.stdout.trim()).not.toBe('');
      expect(run.stdout).not.toMatch(NOTHING);
    }
  });
});
