/**
 * Reading Sigma rule files for the CLI: files and directories (walked for
 * `.yml` / `.yaml`), loaded with `loadSigmaRules`, problems printed.
 *
 * @module
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DetectError } from '../../detect/errors.js';
import { type LoadSigmaOptions, loadSigmaRules, type SigmaSource } from '../../detect/sigma/load.js';
import type { SigmaProblem, SigmaRuleSet } from '../../detect/sigma/types.js';
import { UsageError } from '../errors.js';
import { escapeControl } from '../sanitize.js';

async function walk(path: string, out: string[]): Promise<void> {
  const entries = await readdir(path, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = join(path, e.name);
    if (e.isDirectory()) await walk(full, out);
    else if (/\.ya?ml$/i.test(e.name)) out.push(full);
  }
}

/**
 * Reads the Sigma files named by `paths` (directories are walked for
 * `.yml`/`.yaml`, in name order).
 *
 * @throws {UsageError} `bad_rules_file` when a path cannot be read
 */
export async function readSigmaSources(paths: readonly string[], command: string): Promise<SigmaSource[]> {
  const files: string[] = [];
  for (const p of paths) {
    try {
      if ((await stat(p)).isDirectory()) await walk(p, files);
      else files.push(p);
    } catch (error) {
      const reason = (error as { code?: unknown }).code ?? (error as Error).message;
      throw new UsageError(
        'bad_rules_file',
        `${command}: cannot read --sigma ${p}: ${String(reason)}`,
        command,
      );
    }
  }
  const out: SigmaSource[] = [];
  for (const file of files) out.push({ file, text: await readFile(file, 'utf8') });
  return out;
}

/** One problem as the CLI prints it: `file:line:col: severity [rule]: message`. */
export function formatSigmaProblem(p: SigmaProblem): string {
  const where = `${p.position.file}:${p.position.line}:${p.position.column}`;
  const rule = p.rule === undefined ? '' : ` [${p.rule}]`;
  return escapeControl(`${where}: ${p.severity}${rule}: ${p.message}`);
}

/**
 * Loads Sigma rules for a command: prints warnings and the rules that
 * cannot run to `warn`; throws `invalid_sigma_rules` listing every error.
 */
export async function loadSigmaForCli(
  paths: readonly string[],
  command: string,
  options: LoadSigmaOptions,
  warn: (line: string) => void,
): Promise<SigmaRuleSet> {
  const set = loadSigmaRules(await readSigmaSources(paths, command), options);
  const errors = set.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    throw new DetectError(
      'invalid_sigma_rules',
      `${errors.length} error${errors.length === 1 ? '' : 's'} in Sigma rules:\n${errors.map(formatSigmaProblem).join('\n')}`,
    );
  }
  for (const p of set.problems) warn(`kubetrail: sigma: ${formatSigmaProblem(p)}`);
  return set;
}

/** Parses `--sigma-placeholder name=a,b` options. */
export function placeholdersOf(values: readonly string[], command: string): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0)
      throw new UsageError(
        'bad_argument',
        `${command}: --sigma-placeholder needs name=value[,value…], not "${v}"`,
        command,
      );
    const name = v.slice(0, eq).replace(/^%|%$/g, '');
    out[name] = [
      ...(out[name] ?? []),
      ...v
        .slice(eq + 1)
        .split(',')
        .filter((x) => x !== ''),
    ];
  }
  return out;
}
