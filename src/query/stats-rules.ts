/**
 * Two validity rules of the Stats page ("Using multiple stats commands"),
 * applied to the parsed commands before planning:
 *
 * - `sort` and `limit` cannot come before the second `stats` of a query
 *   (`command_before_stats`, located at the sort or limit).
 * - After `stats … max(sum_x) as max_x`, the aggregate's own text can stand
 *   for its alias: "You can only reference `max(sum_x)`, max_x or z at this
 *   point". A field reference spelled like an aliased stats item
 *   (`` `max(sum_x)` ``), or outside a `stats` a call spelled like one
 *   (`max(sum_x)`), is rewritten to read the alias's column. Spellings
 *   compare without whitespace and case, as the un-aliased column names do
 *   (`count(*)` reads the column `count(*)`). The rule lasts until the next
 *   `stats`, after which only that one's outputs exist.
 *
 * @module
 */
import { type Command, type Expr, type FieldRef, fieldRefName } from './ast.js';
import { compileError, spanText } from './evaluate.js';

function squeeze(s: string): string {
  return s.replace(/\s+/g, '').toLowerCase();
}

function aliasRef(alias: string, like: { readonly span: FieldRef['span'] }): FieldRef {
  const plain = /^[@A-Za-z_][A-Za-z0-9_.@-]*$/.test(alias);
  return {
    kind: 'FieldRef',
    path: [{ kind: 'name', name: alias }],
    text: plain ? alias : `\`${alias}\``,
    span: like.span,
  };
}

/** Rewrites every node of a command; `aliases` maps squeezed item texts to alias names. */
function rewrite(
  node: unknown,
  aliases: ReadonlyMap<string, string>,
  text: string,
  inStats: boolean,
): unknown {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, aliases, text, inStats));
  if (typeof node !== 'object' || node === null) return node;
  const n = node as { kind?: unknown };
  // the inner query of a join or subquery has names of its own
  if (n.kind === 'Query') return node;
  if (n.kind === 'FieldRef') {
    const ref = node as FieldRef;
    const alias = aliases.get(squeeze(fieldRefName(ref)));
    return alias === undefined ? node : aliasRef(alias, ref);
  }
  if (n.kind === 'CallExpr' && !inStats) {
    const call = node as Expr;
    const written = spanText(call.span, text);
    const alias = written === undefined ? undefined : aliases.get(squeeze(written));
    if (alias !== undefined) return aliasRef(alias, call);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = rewrite(v, aliases, text, inStats);
  return out;
}

/**
 * Checks the order rule and rewrites aggregate texts to their aliases (see
 * the module notes). Returns the commands unchanged when no `stats` item is
 * aliased.
 *
 * @throws {QueryError} `command_before_stats` for a sort or limit before the second stats
 * @example
 * ```ts
 * const ast = parseQuery('stats sum(x) as s by y | stats max(s) as m | sort `max(s)`');
 * applyStatsRules(ast.commands, text)[2] // sorts by the column m
 * ```
 */
export function applyStatsRules(commands: readonly Command[], text: string): readonly Command[] {
  const statsAt = commands.flatMap((c, i) => (c.kind === 'StatsCommand' ? [i] : []));
  const second = statsAt[1];
  if (second !== undefined) {
    for (const c of commands.slice(0, second)) {
      if (c.kind === 'SortCommand' || c.kind === 'LimitCommand') {
        const word = c.kind === 'SortCommand' ? 'sort' : c.keyword;
        compileError(
          'command_before_stats',
          `${word} cannot come before the second stats command (the Stats page)`,
          c.span,
          { text },
          [`move the ${word} after the last stats`],
        );
      }
    }
  }
  let aliases = new Map<string, string>();
  let changed = false;
  const out = commands.map((c) => {
    let next = c;
    if (aliases.size > 0) {
      next = rewrite(c, aliases, text, c.kind === 'StatsCommand') as Command;
      changed = true;
    }
    if (c.kind === 'StatsCommand') {
      aliases = new Map();
      for (const item of c.items) {
        const written = spanText(item.expr.span, text);
        // an item that only renames a column (`c as d`) keeps its old name readable as it is
        if (item.alias === undefined || item.expr.kind === 'FieldRef' || written === undefined) continue;
        if (squeeze(written) !== squeeze(item.alias.name)) aliases.set(squeeze(written), item.alias.name);
      }
    }
    return next;
  });
  return changed ? out : commands;
}
