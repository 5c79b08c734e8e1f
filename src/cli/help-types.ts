/**
 * The shape of the CLI's help data (`help.ts` and the per-command help
 * files such as `commands/sql-help.ts`), in a module of its own so that the
 * help files do not import each other.
 *
 * @module
 */

/** One command-line option. */
export interface OptionHelp {
  readonly name: string;
  readonly short?: string;
  /** `string` options take a value, shown as `<value>` in help. */
  readonly type: 'string' | 'boolean';
  readonly value?: string;
  readonly multiple?: boolean;
  readonly description: string;
}

/** One command's help. */
export interface CommandHelp {
  readonly name: string;
  readonly summary: string;
  readonly usage: readonly string[];
  readonly description: string;
  readonly options: readonly OptionHelp[];
  readonly examples: readonly { readonly command: string; readonly comment: string }[];
}
