/**
 * The generated part of `docs/cli.md`: the main help and every command's
 * help, from the same strings `--help` prints, so the two cannot drift.
 *
 * @module
 */
import { InternalError } from '../errors.js';
import { COMMANDS, formatCommandHelp, formatMainHelp } from './help.js';

/** Marks the start of the generated part of `docs/cli.md`. */
export const DOC_BEGIN =
  '<!-- BEGIN GENERATED FROM src/cli/help.ts: run `npx tsx test/cli/update-cli-doc.ts` -->';
/** Marks the end of the generated part of `docs/cli.md`. */
export const DOC_END = '<!-- END GENERATED -->';

/**
 * Renders the command reference as Markdown.
 *
 * @example
 * ```ts
 * cliDocSections().includes('## kubetrail query') //=> true
 * ```
 */
export function cliDocSections(): string {
  const parts = [
    '## kubetrail --help',
    '',
    '```text',
    formatMainHelp().trimEnd(),
    '```',
    ...COMMANDS.flatMap((c) => [
      '',
      `## kubetrail ${c.name}`,
      '',
      '```text',
      formatCommandHelp(c).trimEnd(),
      '```',
    ]),
  ];
  return parts.join('\n') + '\n';
}

/**
 * Replaces the generated part of a `docs/cli.md` text.
 *
 * @example
 * ```ts
 * spliceCliDoc(`intro\n${DOC_BEGIN}\nold\n${DOC_END}\n`).includes('## kubetrail query') //=> true
 * ```
 */
export function spliceCliDoc(doc: string): string {
  const begin = doc.indexOf(DOC_BEGIN);
  const end = doc.indexOf(DOC_END);
  if (begin === -1 || end === -1 || end < begin)
    throw new InternalError('internal_error', 'docs/cli.md lacks the generated-section markers');
  return doc.slice(0, begin + DOC_BEGIN.length) + '\n\n' + cliDocSections() + '\n' + doc.slice(end);
}
