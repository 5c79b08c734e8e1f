/**
 * `cidrlookup <table> <ipField> [AS <cidrColumn>] OUTPUT|OUTPUTNEW <column> [AS <field>], …`:
 * enriches each row with the columns of the lookup-table row whose CIDR
 * range holds the row's IP address.
 *
 * Semantics (docs/query-language.md records the decisions):
 * - The CIDR column is `cidr` unless `AS` names another. A cell is an IPv4
 *   or IPv6 CIDR, or a bare address (a /32 or /128); host bits are ignored
 *   (`10.1.2.3/8` is `10.0.0.0/8`). A cell that is neither stops the run
 *   with `invalid_lookup_table`, naming the file and line.
 * - The longest matching prefix wins; among equal ranges, the first row.
 *   IPv4 and IPv6 are apart (an IPv4 address never matches an IPv6 range,
 *   IPv4-mapped ones included).
 * - A field that is not an IP address matches nothing; the row passes on
 *   unchanged, as does a row without a match.
 * - `OUTPUT` overwrites; `OUTPUTNEW` fills only missing, null or `""` fields.
 *
 * The index is one hash map per prefix length present, probed from the
 * longest length down (at most 33 probes for IPv4, 129 for IPv6).
 *
 * @module
 */
import type { CidrlookupCommand } from '../ast.js';
import { QueryError } from '../errors.js';
import { compileExpr, type Evaluator } from '../evaluate.js';
import { type IpBytes, parseCidr, parseIp } from '../functions/ip.js';
import { type LookupTable, rowPlace } from '../lookup-table.js';
import { parseCidrlookup } from '../parse/side-commands.js';
import type { BufferLimit, RunState, StageFactory } from '../plan.js';
import { printName } from '../print-expression.js';
import { sideContext } from '../scope.js';
import {
  checkTable,
  columnOf,
  compileOutputs,
  outputNames,
  resolveOutputs,
  type SideCompileContext,
} from '../side-inputs.js';
import { sideCharge } from '../side-memory.js';
import { estimateValueBytes, type RunMemory } from '../spill.js';
import type { Value } from '../value.js';
import { enrichStage, type LookupMode, type LookupOutput, printLookupColumns } from './lookup.js';
import type { CommandSpec } from './spec.js';

/** One address family's ranges: prefix length → masked network → first row. */
interface FamilyIndex {
  /** Prefix lengths present, longest first. */
  lengths: number[];
  readonly byLength: Map<number, Map<string, number>>;
}

/** A table indexed on its CIDR column. @internal */
export interface CidrIndex {
  readonly table: LookupTable;
  readonly v4: FamilyIndex;
  readonly v6: FamilyIndex;
}

/** The network of `bytes` under a prefix of `prefix` bits, as a map key. */
function networkKey(bytes: IpBytes, prefix: number): string {
  let key = '';
  let bits = prefix;
  for (let i = 0; bits > 0; i++) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    key += `${((bytes[i] ?? 0) & mask).toString(16)}.`;
    bits -= 8;
  }
  return key;
}

/**
 * Indexes a table on its CIDR column. `badCell` is called (and must throw)
 * for a cell that is not a CIDR or address.
 *
 * @example
 * ```ts
 * const index = buildCidrIndex(table, 0, memory, limit, (i) => { throw new Error(`row ${i}`); });
 * matchCidr(index, '10.1.2.3') //=> 0
 * ```
 * @internal
 */
export function buildCidrIndex(
  table: LookupTable,
  cidrColumn: number,
  memory: RunMemory,
  limit: BufferLimit,
  badCell: (row: number, cell: Value) => never,
): CidrIndex {
  const v4: FamilyIndex = { lengths: [], byLength: new Map() };
  const v6: FamilyIndex = { lengths: [], byLength: new Map() };
  const charge = sideCharge(memory, limit);
  table.rows.forEach((cells, i) => {
    const cell = cells[cidrColumn];
    const cidr = typeof cell === 'string' ? parseCidr(cell.trim()) : undefined;
    if (cidr === undefined) badCell(i, cell);
    let bytes = 128;
    for (const c of cells) bytes += estimateValueBytes(c);
    charge.add(bytes);
    const family = cidr.bytes.length === 4 ? v4 : v6;
    let networks = family.byLength.get(cidr.prefix);
    if (networks === undefined) {
      networks = new Map();
      family.byLength.set(cidr.prefix, networks);
      family.lengths.push(cidr.prefix);
    }
    const key = networkKey(cidr.bytes, cidr.prefix);
    if (!networks.has(key)) networks.set(key, i);
  });
  v4.lengths.sort((a, b) => b - a);
  v6.lengths.sort((a, b) => b - a);
  return { table, v4, v6 };
}

/**
 * The row of the longest CIDR range holding `value` (an IP address string), or `undefined`.
 *
 * @example
 * ```ts
 * matchCidr(index, '2001:db8::1') // the row of 2001:db8::/32, if any
 * ```
 * @internal
 */
export function matchCidr(index: CidrIndex, value: Value): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ip = parseIp(value);
  if (ip === undefined) return undefined;
  const family = ip.length === 4 ? index.v4 : index.v6;
  for (const length of family.lengths) {
    const found = family.byLength.get(length)?.get(networkKey(ip, length));
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The `cidrlookup` stage.
 *
 * @internal
 */
export function cidrlookupStage(
  ip: Evaluator,
  outputs: readonly LookupOutput[],
  mode: LookupMode,
  index: CidrIndex,
): StageFactory {
  return enrichStage(index.table, (row, ctx) => matchCidr(index, ip(row, ctx)), outputs, mode);
}

/**
 * Compiles a `cidrlookup`: registers the table's CIDR index for each run and returns its stage.
 *
 * @internal
 */
export function compileCidrlookupStage(c: CidrlookupCommand, ctx: SideCompileContext): StageFactory {
  checkTable(c.table, ctx);
  ctx.check(c.field, 'cidrlookup');
  const ip = compileExpr(c.field, ctx.scope);
  const outputs = compileOutputs(c.outputs, ctx);
  const cidrColumn = c.cidrColumn ?? { kind: 'Identifier' as const, name: 'cidr', span: c.table.span };
  const limit = ctx.bound(`the lookup table ${c.table.name}`, 'rows', c.table.span, []);
  const indexes = new WeakMap<RunState, { index: CidrIndex; outputs: LookupOutput[] }>();
  ctx.prepares.push(async (run) => {
    const table = await run.table(c.table.name, c.table.span);
    const column = columnOf(table, cidrColumn, run.text);
    const resolved = resolveOutputs(table, outputs, run.text);
    const badCell = (i: number, cell: Value): never => {
      throw new QueryError({
        code: 'invalid_lookup_table',
        message: `the lookup table "${table.name}" has ${JSON.stringify(cell ?? null)} in its column "${cidrColumn.name}" at ${rowPlace(table, i)}, which is not a CIDR range or an IP address`,
        phase: 'run',
        span: cidrColumn.span,
        source: run.text,
      });
    };
    indexes.set(run.state, {
      index: buildCidrIndex(table, column, run.state.memory, limit, badCell),
      outputs: resolved,
    });
  });
  ctx.define(outputNames(c.outputs));
  return (next, state) => {
    const entry = indexes.get(state) as { index: CidrIndex; outputs: LookupOutput[] };
    return cidrlookupStage(ip, entry.outputs, c.mode, entry.index)(next, state);
  };
}

/**
 * The `cidrlookup` command: one row in, one row out; a filter moves ahead
 * of it unless it reads an output field; one thread.
 *
 * @example
 * ```ts
 * cidrlookupCommand.defines(parseQuery('cidrlookup nets ip OUTPUT zone').commands[0], undefined) //=> ['zone']
 * ```
 * @internal
 */
export const cidrlookupCommand: CommandSpec<CidrlookupCommand> = {
  kind: 'CidrlookupCommand',
  keywords: ['cidrlookup'],
  parse: (p, start) => parseCidrlookup(p, start),
  print(c) {
    const column = c.cidrColumn === undefined ? '' : ` as ${printName(c.cidrColumn.name)}`;
    return `cidrlookup ${printName(c.table.name)} ${c.field.text}${column} ${c.mode} ${printLookupColumns(c.outputs)}`;
  },
  defines: (c) => outputNames(c.outputs),
  hoist: 'unless-defined',
  barrier: false,
  order: () => undefined,
  oneToOne: () => true,
  split: 'one-thread',
  compile(c, { state, emit }) {
    emit(compileCidrlookupStage(c, sideContext(state)));
  },
};
