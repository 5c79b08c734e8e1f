import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transform } from 'esbuild';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { COMMANDS } from '../../src/cli/help.js';
import { BUNDLE_DIR, bundleOnce } from '../cli/built-cli.js';
import { runCliInProcess } from '../cli/run-in-process.js';
import { shellWords } from '../cli/shell-words.js';
import { DOC_PAGES, DOCS_ROOT } from './doc-pages.js';

// Every shell and TypeScript example in the README and docs/ works as written.
//
// Conventions (also in docs/architecture.md, "Tested docs"; the command
// reference's help examples are described at helpExamples below):
// - ```sh blocks: each command (a line, continued while a quote is open or
//   the line ends in `\`) that runs `kubetrail` or `npx kubetrail` is run with
//   bash against a private bundle of the sources (the same build as dist/),
//   from a directory where `samples/` and `test/` are the repository's; a
//   plain `kubetrail <args>` (no pipe, redirect, variable, `--to` or
//   `--workers`) runs in process through the CLI's `runCli` instead, which
//   is the same code minus the process start (see inProcessArgs); such a
//   command that is also a help example with the same exit (0, or 2 and up)
//   is left to test/cli/help-examples.test.ts (see runByHelpExamples). It
//   must exit 0 unless its trailing comment says otherwise: `# exits 3` (or
//   `# exits 3: why`). Every other command (npm, tsx, ...) must be listed in
//   OTHER_COMMANDS below with the place that proves it, so that none is
//   silently left unchecked. There are no placeholders: examples name real
//   files.
// - ```ts blocks: each is a program; a block without an `import` continues
//   the page's previous program (notebook cells). Programs are type-checked
//   with the project's tsconfig (where `kubetrail` is src/index.ts) and run
//   with node from the repository root, `kubetrail` being the private
//   bundle. A program that imports 'vitest' is a test file: it must be a file
//   of test/ byte for byte (the suite runs it), and is only type-checked
//   here. `Deno.jupyter` (the notebook's display) is stubbed.

const ROOT = DOCS_ROOT;
const WORK = `${ROOT}node_modules/.cache/kubetrail-docs-examples/`;
/** The private bundle of the CLI tests (the same build as dist/, see test/cli/cli-build.ts). */
const BUNDLE = BUNDLE_DIR;

/** Commands in ```sh blocks that are not kubetrail runs, and what proves each. */
const OTHER_COMMANDS: ReadonlyMap<string, string> = new Map([
  [
    'npm ci',
    'CI runs it (.ci/run); its `prepare` script builds dist/, which `npm run test:package` then checks',
  ],
  [
    'npm run demo',
    'the demo runs real kubetrail command lines (src/cli/demo.ts); not run here: ~15 s of CPU',
  ],
  ['npm test', 'CI runs `npm ci && npm test` (.ci/run)'],
  ['npm link', '`npm run test:package` (scripts/check-package.ts) links the checkout into a scratch prefix'],
  ['npm pack', '`npm run test:package` packs the package and installs the tarball'],
  [
    'npm install ../kubetrail/kubetrail-0.1.0.tgz',
    '`npm run test:package` installs the tarball into an empty project (offline, at the locked versions)',
  ],
  [
    'npm install --save-dev ../kubetrail/kubetrail-0.1.0.tgz vitest',
    '`npm run test:package` installs the tarball into an empty project, type-checks an import and runs it',
  ],
  [
    'npx vitest run investigations/',
    'the suite runs the same file: test/investigations/sample-incident.test.ts',
  ],
  [
    'npx tsx scripts/generate-samples.ts --out samples --seed 20240514',
    'test/samples/determinism.test.ts checks that the committed files equal the generator output',
  ],
]);

interface Fence {
  readonly page: string;
  /** The first word of the info string. */
  readonly lang: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly body: string;
}

/** The fenced code blocks of a markdown page. */
function fencesOf(page: string): Fence[] {
  const lines = readFileSync(`${ROOT}${page}`, 'utf8').split('\n');
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*(`{3,}|~{3,})\s*(\S*)/.exec(lines[i] ?? '');
    if (open === null) continue;
    const marker = open[1] ?? '```';
    let j = i + 1;
    while (j < lines.length && !(lines[j] ?? '').trimStart().startsWith(marker)) j++;
    out.push({ page, lang: open[2] ?? '', line: i + 1, body: lines.slice(i + 1, j).join('\n') });
    i = j;
  }
  return out;
}

const fences = DOC_PAGES.flatMap(fencesOf);

// ---------------------------------------------------------------------------
// Shell

interface ShellCommand {
  readonly where: string;
  /** The command without its trailing comment. */
  readonly text: string;
  readonly exit: number;
}

/** Where an unquoted `#` comment starts in `line` given the quote open at its start, and the quote open at its end. */
function scanLine(line: string, quote: string | undefined): { comment: number; quote: string | undefined } {
  let q = quote;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q !== undefined) {
      if (c === q) q = undefined;
      else if (c === '\\' && q === '"') i++;
    } else if (c === "'" || c === '"') q = c;
    else if (c === '\\') i++;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) return { comment: i, quote: q };
  }
  return { comment: -1, quote: q };
}

/** Splits a ```sh block into commands, reading each one's `# exits N` annotation. */
function shellCommands(fence: Fence): ShellCommand[] {
  const out: ShellCommand[] = [];
  let text = '';
  let start = 0;
  let quote: string | undefined;
  fence.body.split('\n').forEach((raw, index) => {
    if (text === '' && (raw.trim() === '' || raw.trim().startsWith('#'))) return;
    if (text === '') start = fence.line + 1 + index;
    const scan = scanLine(raw, quote);
    quote = scan.quote;
    const code = scan.comment < 0 ? raw : raw.slice(0, scan.comment);
    const comment = scan.comment < 0 ? '' : raw.slice(scan.comment + 1).trim();
    text += text === '' ? code.trimEnd() : `\n${code.trimEnd()}`;
    if (quote !== undefined || text.endsWith('\\')) return;
    const exits = /^exits (\d+)\b/.exec(comment);
    out.push({
      where: `${fence.page}:${start}`,
      text: text.trim(),
      exit: exits === null ? 0 : Number(exits[1]),
    });
    text = '';
  });
  if (text !== '')
    throw new Error(`${fence.page}:${start}: unterminated command (open quote or trailing \\)`);
  return out;
}

const commands = fences.filter((f) => f.lang === 'sh').flatMap(shellCommands);
const runsKubetrail = (text: string): boolean => /(^|[|;&]\s*)(npx )?kubetrail\s/.test(text);
const kubetrailCommands = commands.filter((c) => runsKubetrail(c.text));
const otherCommands = commands.filter((c) => !runsKubetrail(c.text));

/**
 * The examples of the generated command reference in docs/cli.md (`Examples:`
 * in each command's help): a `# comment` line, then the command. A comment
 * saying `exit N` sets the expected code. An example that names a file or
 * folder the repository lacks (`logs/`, `my-rules.yaml`) stands for the
 * user's files: it is reported as skipped, with that name.
 */
interface HelpExample extends ShellCommand {
  readonly placeholder: string | undefined;
}

function helpExamples(): HelpExample[] {
  const out: HelpExample[] = [];
  for (const fence of fences.filter(
    (f) => f.page === 'docs/cli.md' && (f.lang === '' || f.lang === 'text'),
  )) {
    const lines = fence.body.split('\n');
    const start = lines.findIndex((line) => line.trim() === 'Examples:');
    if (start < 0) continue;
    let comment = '';
    lines.slice(start + 1).forEach((raw, i) => {
      const line = raw.trim();
      if (line.startsWith('#')) comment = line;
      else if (runsKubetrail(`${line} `)) {
        const exits = /\bexit (\d+)\b/.exec(comment);
        out.push({
          where: `${fence.page}:${fence.line + start + 2 + i}`,
          text: line,
          exit: exits === null ? 0 : Number(exits[1]),
          placeholder: placeholderIn(line),
        });
        comment = '';
      }
    });
  }
  return out;
}

/** The first path-like word of `command` (before any `>`) that names nothing in the repository. */
function placeholderIn(command: string): string | undefined {
  const words = command.replace(/'[^']*'/g, "''").split(/\s+/);
  const cut = words.indexOf('>');
  for (const word of cut < 0 ? words : words.slice(0, cut)) {
    if (!/\/$|\.(gz|json|ndjson|ya?ml|log|csv)$/.test(word)) continue;
    if (!existsSync(`${ROOT}${word}`)) return word;
  }
  return undefined;
}

const helpCommands = helpExamples();

let sandbox = '';

/** `kubetrail` and `npx kubetrail` as the private bundle; any other npx is refused. */
const PRELUDE = [
  'kubetrail() { node "$KUBETRAIL_MAIN" "$@"; }',
  'npx() { if [ "$1" = kubetrail ]; then shift; kubetrail "$@"; else echo "npx $1: not run by the docs test" >&2; return 127; fi; }',
].join('\n');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end; a non-zero exit is a result, not an error. */
function runCommand(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', ...env } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : undefined;
        if (code === undefined) reject(error);
        else resolve({ code, stdout, stderr });
      },
    );
  });
}

const shellRuns = new Map<string, Promise<Run>>();
/** Shell runs at a time: the machine's two cores. */
const SHELL_SLOTS = 2;
let busySlots = 0;
const waitingForSlot: (() => void)[] = [];

async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  while (busySlots >= SHELL_SLOTS) await new Promise<void>((resolve) => waitingForSlot.push(resolve));
  busySlots++;
  try {
    return await work();
  } finally {
    busySlots--;
    waitingForSlot.shift()?.();
  }
}

/** The same command for every page: `npx kubetrail …` is `kubetrail …`. */
const commandKey = (text: string): string => text.replace(/(^|[|;&]\s*)npx kubetrail\s/g, '$1kubetrail ');

/**
 * The arguments of a command that needs no shell and no process of its own: one
 * `kubetrail` run without pipes, redirects, expansions or `;`/`&&`, that writes
 * no file (`--to`) and starts no workers (`--workers`, which need the built
 * worker script). Those run in process; the others (and so the bin, piping and
 * the process wiring) run with bash against the bundle.
 */
function inProcessArgs(text: string): string[] | undefined {
  const key = commandKey(text);
  if (!key.startsWith('kubetrail ')) return undefined;
  const unquoted = key.replaceAll('\\\n', ' ').replace(/'[^']*'|"[^"$`\\]*"/g, "''");
  if (/[|<>;&$`\\\n(){}*?]/.test(unquoted)) return undefined;
  const args = shellWords(key).slice(1);
  if (args.some((a) => a === '--to' || a.startsWith('--to=') || a.startsWith('--workers'))) return undefined;
  return args;
}

/** Runs a shell command; the same command runs once for all pages. */
function runShell(text: string): Promise<Run> {
  const key = commandKey(text);
  let run = shellRuns.get(key);
  if (run === undefined) {
    const args = inProcessArgs(text);
    run =
      args !== undefined
        ? runCliInProcess(args)
        : inSlot(() =>
            runCommand('bash', ['-o', 'pipefail', '-c', `${PRELUDE}\n${text}`], sandbox, {
              KUBETRAIL_MAIN: `${BUNDLE}cli/main.js`,
            }),
          );
    shellRuns.set(key, run);
  }
  return run;
}

// ---------------------------------------------------------------------------
// TypeScript

interface Program {
  readonly where: string;
  readonly source: string;
  readonly file: string;
}

/** The ```ts blocks as programs: a block without an import continues the page's previous one. */
function programs(): Program[] {
  const out: { where: string; page: string; source: string }[] = [];
  for (const fence of fences.filter((f) => f.lang === 'ts')) {
    const previous = out.at(-1);
    if (!/^import\s/m.test(fence.body) && previous?.page === fence.page) {
      previous.source += `\n${fence.body}\n`;
    } else {
      out.push({ where: `${fence.page}:${fence.line}`, page: fence.page, source: `${fence.body}\n` });
    }
  }
  return out.map((p) => ({
    where: p.where,
    source: p.source,
    file: `${WORK}programs/${p.where.replace(/[^A-Za-z0-9]+/g, '-')}.ts`,
  }));
}

const tsPrograms = programs();
const isTestFile = (p: Program): boolean => /from ['"]vitest['"]/.test(p.source);
const DENO_STUB =
  'declare const Deno: { jupyter: { svg(strings: TemplateStringsArray, ...values: unknown[]): unknown } };\n';

/** The type errors of all programs, one compilation with the project's tsconfig. */
function typeErrors(): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    `${ROOT}tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('cannot read tsconfig.json');
  const stub = `${WORK}programs/deno-stub.d.ts`;
  writeFileSync(stub, DENO_STUB);
  const program = ts.createProgram([...tsPrograms.map((p) => p.file), stub], {
    ...config.options,
    noEmit: true,
  });
  // The diagnostics of the programs only (and the global ones): `npm run typecheck` checks src/,
  // and checking every file the programs import was most of this file's time.
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...tsPrograms.flatMap((p) => {
      const file = program.getSourceFile(p.file);
      if (file === undefined) throw new Error(`${p.file} is not in the program`);
      return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    }),
  ];
  const errors = new Map<string, string[]>();
  for (const d of diagnostics) {
    const file = d.file?.fileName ?? '(global)';
    const at =
      d.file !== undefined && d.start !== undefined
        ? d.file.getLineAndCharacterOfPosition(d.start)
        : undefined;
    const message = `${at === undefined ? '' : `${at.line + 1}:${at.character + 1} `}${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    errors.set(file, [...(errors.get(file) ?? []), message]);
  }
  return errors;
}

/** Runs a program with node from the repository root, `kubetrail` being the private bundle. */
async function runProgram(p: Program): Promise<Run> {
  // `kubetrail` is the bundle's root module, `kubetrail/<subpath>` its entries/<subpath>.js.
  const source = p.source.replace(
    /(from\s*)(['"])kubetrail(?:\/(schema|detect|sql|engine))?\2/g,
    (_m, from: string, _q: string, sub: string | undefined) =>
      `${from}'${pathToFileURL(`${BUNDLE}${sub === undefined ? 'index' : `entries/${sub}`}.js`).href}'`,
  );
  const { code: js } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20' });
  const file = p.file.replace(/\.ts$/, '.mjs');
  writeFileSync(file, `globalThis.Deno = { jupyter: { svg: () => ({}) } };\n${js}`);
  return runCommand(process.execPath, [file], ROOT);
}

/** The test files whose text equals `source`. */
function testFilesEqualTo(source: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(`${ROOT}${dir}`, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.test.ts') && readFileSync(`${ROOT}${path}`, 'utf8') === source)
        found.push(path);
    }
  };
  walk('test');
  return found;
}

// ---------------------------------------------------------------------------

let errors = new Map<string, string[]>();

beforeAll(async () => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(`${WORK}programs`, { recursive: true });
  await bundleOnce();
  sandbox = mkdtempSync(join(tmpdir(), 'kubetrail-docs-'));
  for (const name of ['samples', 'test']) symlinkSync(`${ROOT}${name}`, join(sandbox, name));
  // Start every shell run (two at a time) while the programs type-check; each test awaits its own.
  for (const c of kubetrailCommands) {
    if (inProcessArgs(c.text) === undefined) runShell(c.text).catch(() => {});
  }
  for (const p of tsPrograms) writeFileSync(p.file, p.source);
  errors = typeErrors();
});

afterAll(() => {
  if (sandbox !== '') rmSync(sandbox, { recursive: true, force: true });
});

describe('shell examples', () => {
  test('the pages have kubetrail examples, and every command is a kubetrail run or accounted for', () => {
    expect(kubetrailCommands.length).toBeGreaterThan(5);
    const unaccounted = otherCommands
      .filter((c) => !OTHER_COMMANDS.has(c.text))
      .map((c) => `${c.where}: ${c.text}`);
    expect(unaccounted, 'add each to OTHER_COMMANDS with the test that proves it').toEqual([]);
    const texts = new Set(otherCommands.map((c) => c.text));
    expect(
      [...OTHER_COMMANDS.keys()].filter((text) => !texts.has(text)),
      'stale OTHER_COMMANDS entries',
    ).toEqual([]);
  });

  test.each(kubetrailCommands.map((c) => [`${c.where}: ${c.text.split('\n')[0]}`, c] as const))(
    '%s',
    async (_name, command) => {
      if (runByHelpExamples(command)) {
        // The same plain command is a help example with this exit: test/cli/help-examples.test.ts runs
        // it in process, as this test would, and checks at least as much (exit, no stack trace, output
        // that shows something; stderr for exit 2 and up), so it is not run a second time here.
        expect(HELP_EXAMPLES.get(commandKey(command.text))).toBe(command.exit);
        return;
      }
      const run = await runShell(command.text);
      const output = `exit ${run.code}\n--- stdout\n${run.stdout.slice(0, 2000)}\n--- stderr\n${run.stderr.slice(0, 2000)}`;
      expect(run.code, output).toBe(command.exit);
      expect(run.stderr, 'no stack trace').not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
      if (command.exit === 0) expect(run.stdout.trim(), output).not.toBe('');
      else expect(run.stderr.trim(), 'a failure says why').not.toBe('');
    },
  );
});

// The reference is generated from src/cli/help.ts (test/cli/cli-doc.test.ts keeps it so), and
// test/cli/help-examples.test.ts runs every help example in process: its exit code, no stack
// trace, and output that shows something. Here each example of the page is one of those, with
// the same expected exit, instead of a second run of the same command.
const HELP_EXAMPLES: ReadonlyMap<string, number> = new Map(
  COMMANDS.flatMap((c) =>
    c.examples.map((e) => {
      const exit = /\bexit (\d+)\b/.exec(e.comment);
      return [e.command, exit === null ? 0 : Number(exit[1])] as const;
    }),
  ),
);

/**
 * Whether a page's shell command is a help example that test/cli/help-examples.test.ts runs: a
 * plain run (in process here too) with the same expected exit, 0 or 2 and up (for exit 1 that file
 * checks stdout where this one checks stderr).
 */
function runByHelpExamples(command: ShellCommand): boolean {
  return (
    command.exit !== 1 &&
    inProcessArgs(command.text) !== undefined &&
    HELP_EXAMPLES.get(commandKey(command.text)) === command.exit
  );
}

describe('command reference examples (docs/cli.md, from src/cli/help.ts)', () => {
  test('the reference has examples', () => {
    expect(helpCommands.filter((c) => c.placeholder === undefined).length).toBeGreaterThan(5);
  });

  for (const command of helpCommands) {
    const name = `${command.where}: ${command.text}`;
    if (command.placeholder !== undefined) {
      test.skip(`${name} (names ${command.placeholder}, which stands for your files)`, () => {});
      continue;
    }
    test(name, () => {
      expect(
        HELP_EXAMPLES.get(command.text),
        'a src/cli/help.ts example with this exit (test/cli/help-examples.test.ts runs it)',
      ).toBe(command.exit);
    });
  }
});

describe('TypeScript examples', () => {
  test('the pages have TypeScript examples', () => {
    expect(tsPrograms.length).toBeGreaterThan(3);
  });

  test.each(tsPrograms.map((p) => [p.where, p] as const))('%s type-checks and runs', async (_where, p) => {
    expect(errors.get(p.file) ?? [], 'type errors').toEqual([]);
    if (isTestFile(p)) {
      expect(testFilesEqualTo(p.source), 'a test file shown in the docs is a file of test/').not.toEqual([]);
      return;
    }
    const run = await runProgram(p);
    expect(run.code, `exit ${run.code}\n--- stderr\n${run.stderr.slice(0, 3000)}`).toBe(0);
  });
});
