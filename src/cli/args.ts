/**
 * Argument parsing with `node:util` `parseArgs`, driven by the help data so
 * that every documented option is accepted and nothing else is.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { didYouMean } from '../query/errors.js';
import { UsageError } from './errors.js';
import type { CommandHelp } from './help-types.js';

/** Parsed options: strings, booleans, and lists for `multiple` options. */
export type ParsedOptions = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;

/** A parsed command line for one command. */
export interface ParsedCommand {
  readonly options: ParsedOptions;
  readonly positionals: readonly string[];
}

/**
 * Parses a command's arguments strictly: unknown options and missing values
 * are usage errors. `-` is a positional (stdin).
 *
 * @throws {UsageError}
 * @example
 * ```ts
 * parseCommand(findCommand('check')!, ['filter x']).positionals //=> ['filter x']
 * ```
 */
export function parseCommand(help: CommandHelp, args: readonly string[]): ParsedCommand {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const o of help.options) {
    config[o.name] = {
      type: o.type,
      ...(o.short === undefined ? {} : { short: o.short }),
      ...(o.multiple === true ? { multiple: true } : {}),
    };
  }
  const joined = joinNegativeValues(help, args);
  // Non-strict parsing yields every token, so that unknown options and missing
  // values get our own messages (with did-you-mean) instead of Node's text.
  const { values, positionals, tokens } = parseArgs({
    args: joined,
    options: config,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = Object.hasOwn(config, token.name) ? config[token.name] : undefined;
    if (option === undefined) throw unknownOption(help, token.rawName);
    if (option.type === 'string' && token.value === undefined) {
      throw new UsageError('missing_value', `${help.name}: ${token.rawName} needs a value`, help.name);
    }
    if (option.type === 'boolean' && token.value !== undefined) {
      throw new UsageError('unexpected_value', `${help.name}: ${token.rawName} takes no value`, help.name);
    }
  }
  return { options: values as ParsedOptions, positionals };
}

function unknownOption(help: CommandHelp, raw: string): UsageError {
  const names = help.options.flatMap((o) => [
    `--${o.name}`,
    ...(o.short === undefined ? [] : [`-${o.short}`]),
  ]);
  const [best] = raw.startsWith('--')
    ? didYouMean(
        raw,
        names.filter((n) => n.startsWith('--')),
        1,
      )
    : [];
  const hint = best === undefined ? '' : `; did you mean ${best}?`;
  return new UsageError('unknown_option', `${help.name}: unknown option ${raw}${hint}`, help.name);
}

/**
 * Lets string options take values that start with a dash, as relative times
 * do (`--start -24h` becomes `--start=-24h`); parseArgs would read `-24h` as
 * an option otherwise.
 */
function joinNegativeValues(help: CommandHelp, args: readonly string[]): string[] {
  const stringOptions = new Set(help.options.filter((o) => o.type === 'string').map((o) => `--${o.name}`));
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const next = args[i + 1];
    if (stringOptions.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Reads a string option. */
export function stringOption(options: ParsedOptions, name: string): string | undefined {
  const v = Object.hasOwn(options, name) ? options[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Reads a boolean option. */
export function flag(options: ParsedOptions, name: string): boolean {
  return Object.hasOwn(options, name) && options[name] === true;
}

/** Reads a repeatable option as a list. */
export function listOption(options: ParsedOptions, name: string): readonly string[] {
  const v = Object.hasOwn(options, name) ? options[name] : undefined;
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}

/**
 * Reads a non-negative integer option.
 *
 * @throws {UsageError} `bad_number`
 */
export function integerOption(options: ParsedOptions, name: string, command: string): number | undefined {
  const text = stringOption(options, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError('bad_number', `--${name}: expected a whole number, got '${text}'`, command);
  }
  return n;
}

/**
 * Reads an option restricted to a set of choices.
 *
 * @throws {UsageError} `bad_choice`
 */
export function choiceOption<T extends string>(
  options: ParsedOptions,
  name: string,
  choices: readonly T[],
  command: string,
): T | undefined {
  const text = stringOption(options, name);
  if (text === undefined) return undefined;
  const found = choices.find((c) => c === text);
  if (found === undefined) {
    throw new UsageError(
      'bad_choice',
      `--${name}: expected one of ${choices.join(', ')}, got '${text}'`,
      command,
    );
  }
  return found;
}
