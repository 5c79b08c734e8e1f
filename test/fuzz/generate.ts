/**
 * What the fuzz campaign feeds kubetrail: query texts (mutated seed queries
 * and grammar-built ones), mutated bytes (truncation, byte flips, inserted
 * structure, huge lines, damaged gzip) and mutated YAML rules files.
 */
import { gzipSync } from 'node:zlib';
import { FUNCTIONS } from '../../src/query/functions/registry.js';
import type { Rng } from './random.js';

// ---------------------------------------------------------------------------
// Queries

const COMMANDS = [
  'fields',
  'filter',
  'stats',
  'sort',
  'limit',
  'parse',
  'display',
  'dedup',
  'unmask',
  'unnest',
  'filterIndex',
  'pattern',
  'diff',
  'anomaly',
  'json',
  'SOURCE',
  'head',
  'tail',
  'join',
  'accum',
  'filldown',
  'fillmissing',
  'autoregress',
  'expand',
  'addtotals',
  'sessionize',
  'countFrequent',
  'count_frequent',
  'outlier',
  'logcompare',
  'relevantfields',
  'lookup',
  'cidrlookup',
  'appendcols',
] as const;

/**
 * The source names a fuzzed `SOURCE '…'` uses inside `join`, `appendcols`
 * and subqueries: the campaign supplies the first two (`FUZZ_SOURCES`), so
 * the third is an unknown source.
 */
export const FUZZ_SOURCE_NAMES = ['audit', 'trail', 'nowhere'] as const;

/**
 * The lookup tables a fuzzed `lookup`/`cidrlookup` names, with their
 * columns: the campaign supplies `users` and `nets`; `nowhere` is unknown.
 */
export const FUZZ_LOOKUP_TABLES = {
  users: ['username', 'team', 'level'],
  nets: ['cidr', 'zone', 'owner'],
} as const;

const WORDS = [
  'and',
  'or',
  'not',
  'like',
  'in',
  'as',
  'by',
  'asc',
  'desc',
  'true',
  'false',
  'into',
  'logfmt',
  'csv',
  'multi',
  'any',
  'previousDay',
  'loggroups',
  'with',
  'for',
  'maxspan',
  'p',
  'col',
  'row',
  'fieldname',
  'timeshift',
  'action',
  'param',
  'uselower',
  'mark',
  'remove',
  'transform',
  'where',
];

const FIELDS = [
  '@timestamp',
  '@message',
  '@logStream',
  '@log',
  '@ptr',
  '@ingestionTime',
  'verb',
  'user.username',
  'objectRef.resource',
  'objectRef.namespace',
  'sourceIPs.0',
  'responseStatus.code',
  'eventName',
  'eventSource',
  'userIdentity.arn',
  'requestParameters.roleArn',
  'annotations.authorization.k8s.io/decision',
  'n',
  'x',
  's',
  '__proto__',
  'constructor',
  '`a b`',
  '`__proto__`',
  '`x``y`',
  'a.b.c.d.e.f',
];

const OPERATORS = [
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '=~',
  '!~',
  ',',
  '|',
  '(',
  ')',
  '[',
  ']',
  '.',
  '?',
  ':',
];

const LITERALS = [
  '0',
  '-0',
  '1',
  '401',
  '1.5',
  '1e308',
  '1e999',
  '-1e999',
  '99999999999999999999',
  '0.000000000001',
  '"get"',
  '"delete"',
  '""',
  '"\\u0000"',
  '"\\ud800"',
  '"\\"quoted\\""',
  '"é\u0301"',
  '"😀"',
  "'single'",
  '"unterminated',
  '/Exception/',
  '/(a+)+$/',
  '/(?i)admin/',
  '/[/',
  '/x{99999}/',
  '/\\/',
  '5m',
  '1h',
  '0s',
  '99999999999999999999y',
  '1ms',
  '-5m',
  '`name`',
  '@',
  '\u200b',
  '\u0000',
  '\\',
];

/** One token: a command, word, field, operator, literal or function name. */
function token(rng: Rng): string {
  switch (rng.int(6)) {
    case 0:
      return rng.pick(COMMANDS);
    case 1:
      return rng.pick(WORDS);
    case 2:
      return rng.pick(FIELDS);
    case 3:
      return rng.pick(OPERATORS);
    case 4:
      return rng.pick(LITERALS);
    default:
      return `${rng.pick(FUNCTIONS).name}(`;
  }
}

function field(rng: Rng): string {
  return rng.chance(0.8) ? rng.pick(FIELDS) : `f${rng.int(5)}`;
}

/** A random expression of at most `depth` levels. */
function expr(rng: Rng, depth: number): string {
  if (depth <= 0 || rng.chance(0.3)) return rng.chance(0.5) ? field(rng) : rng.pick(LITERALS);
  switch (rng.int(6)) {
    case 0:
    case 1: {
      const op = rng.pick(['=', '!=', '<', '>=', '+', '-', '*', '/', '%', '^', 'and', 'or', 'like', '=~']);
      return `${expr(rng, depth - 1)} ${op} ${expr(rng, depth - 1)}`;
    }
    case 2:
      return `not ${expr(rng, depth - 1)}`;
    case 3:
      return `(${expr(rng, depth - 1)})`;
    case 4: {
      const items = Array.from({ length: rng.int(4) }, () => expr(rng, depth - 1));
      return `${field(rng)} ${rng.chance(0.5) ? 'in' : 'not in'} [${items.join(', ')}]`;
    }
    default: {
      const f = rng.pick(FUNCTIONS);
      const max = Number.isFinite(f.maxArgs) ? f.maxArgs : f.minArgs + 3;
      const n = rng.chance(0.85) ? rng.range(f.minArgs, max) : rng.int(max + 3);
      const args = Array.from({ length: n }, () => expr(rng, depth - 1));
      return `${f.name}(${args.join(', ')})`;
    }
  }
}

/** A random aggregate call (for `stats`). */
function aggregate(rng: Rng): string {
  const aggs = FUNCTIONS.filter((f) => f.kind === 'aggregate');
  const f = rng.pick(aggs);
  if (f.name === 'count' && rng.chance(0.5)) return 'count(*)';
  if (f.name === 'pct' || f.name === 'percentile')
    return `${f.name}(${field(rng)}, ${rng.pick(['50', '99', '0', '100', '101', '-1', 'x'])})`;
  const n = rng.range(f.minArgs, Number.isFinite(f.maxArgs) ? f.maxArgs : f.minArgs + 1);
  return `${f.name}(${Array.from({ length: n }, () => expr(rng, 1)).join(', ')})`;
}

/** A random inner query (of a join, an appendcols or a subquery), with or without `SOURCE`. */
function innerQuery(rng: Rng): string {
  const quote = rng.pick(["'", '"']);
  const source = rng.chance(0.75)
    ? [`SOURCE ${quote}${rng.pick(FUZZ_SOURCE_NAMES)}${rng.chance(0.97) ? quote : ''}`]
    : [];
  const rest = Array.from({ length: rng.range(source.length === 0 ? 1 : 0, 3) }, () => {
    switch (rng.int(4)) {
      case 0:
        return `filter ${rng.chance(0.5) ? `ispresent(${keyField(rng)})` : expr(rng, 2)}`;
      case 1:
        return `fields ${Array.from({ length: rng.range(1, 3) }, () => (rng.chance(0.6) ? keyField(rng) : field(rng))).join(', ')}`;
      case 2:
        return `stats ${rng.chance(0.5) ? 'count(*)' : aggregate(rng)}${rng.chance(0.5) ? ` as s${rng.int(3)}` : ''} by ${keyField(rng)}`;
      default:
        // nesting is rejected (nested_subquery); sometimes try it
        return rng.chance(0.5) ? `limit ${rng.pick(['1', '3', '100'])}` : sideCommand(rng, 0);
    }
  });
  return [...source, ...rest].join(' | ');
}

/** A field both the audit and the CloudTrail events may have: keys for joins and subqueries. */
function keyField(rng: Rng): string {
  return rng.pick([
    'user.username',
    'sourceIPs.0',
    'sourceIPAddress',
    'verb',
    'eventName',
    'userAgent',
    'f1',
  ]);
}

/** A lookup-table column (sometimes one the table lacks). */
function lookupColumn(rng: Rng, table: string): string {
  const columns: readonly string[] =
    table in FUZZ_LOOKUP_TABLES ? FUZZ_LOOKUP_TABLES[table as keyof typeof FUZZ_LOOKUP_TABLES] : ['x'];
  const column = rng.chance(0.9) ? rng.pick(columns) : `c${rng.int(3)}`;
  return rng.chance(0.3) ? `${column} as ${field(rng)}` : column;
}

/**
 * A command that brings in other data: `join`, `appendcols`, `lookup`,
 * `cidrlookup` or a `filter … in (subquery)` (`depth` 0: inside an inner
 * query already).
 */
function sideCommand(rng: Rng, depth = 1): string {
  const inner = () => (depth > 0 ? innerQuery(rng) : 'fields x');
  switch (rng.int(5)) {
    case 0: {
      const [a, b] = rng.chance(0.95) ? ['l', 'r'] : ['l', 'l'];
      const on = Array.from(
        { length: rng.range(1, 2) },
        () => `${a}.${keyField(rng)} = ${b}.${keyField(rng)}`,
      );
      const type = rng.pick(['', 'type=inner ', 'type=left ', 'type=outer ']);
      return `join ${type}left=${a} right=${b} where ${on.join(' and ')} (${inner()})`;
    }
    case 1: {
      const options = [
        rng.chance(0.5) ? `override=${rng.pick(['true', 'false', 'maybe'])}` : '',
        rng.chance(0.5) ? `max=${rng.pick(['1', '2', '10000', '100000', '0', '100001', 'x'])}` : '',
      ].filter((o) => o !== '');
      return `appendcols ${options.join(' ')} (${inner()})`;
    }
    case 2: {
      const table = rng.pick(['users', 'users', 'nets', 'nowhere']);
      const keys = rng.chance(0.5)
        ? ['username as user.username']
        : Array.from({ length: rng.range(1, 2) }, () => lookupColumn(rng, table));
      const outputs = Array.from({ length: rng.range(1, 3) }, () => lookupColumn(rng, table));
      return `lookup ${table} ${keys.join(', ')} ${rng.pick(['OUTPUT', 'OUTPUTNEW', 'output'])} ${outputs.join(', ')}`;
    }
    case 3: {
      const table = rng.pick(['nets', 'nets', 'users', 'nowhere']);
      const cidr = rng.chance(0.3) ? ` as ${rng.pick(['cidr', 'zone', 'nope'])}` : '';
      const outputs = Array.from({ length: rng.range(1, 2) }, () => lookupColumn(rng, table));
      return `cidrlookup ${table} ${rng.pick(['sourceIPs.0', 'sourceIPAddress', 'ip', field(rng)])}${cidr} ${rng.pick(['OUTPUT', 'OUTPUTNEW'])} ${outputs.join(', ')}`;
    }
    default:
      return `filter ${keyField(rng)} ${rng.chance(0.7) ? 'in' : 'not in'} (${inner()})`;
  }
}

/** A random command of the language (mostly well formed). */
function command(rng: Rng): string {
  switch (rng.int(13)) {
    case 0:
      return `fields ${Array.from({ length: rng.range(1, 4) }, () => (rng.chance(0.3) ? `${expr(rng, 2)} as a${rng.int(4)}` : field(rng))).join(', ')}`;
    case 1:
    case 2:
      return `filter ${expr(rng, 3)}`;
    case 3: {
      const items = Array.from(
        { length: rng.range(1, 3) },
        () => `${aggregate(rng)}${rng.chance(0.4) ? ` as s${rng.int(3)}` : ''}`,
      );
      const by = rng.chance(0.6)
        ? ` by ${Array.from({ length: rng.range(1, 3) }, () => (rng.chance(0.3) ? `bin(${rng.pick(['1m', '5m', '1h', '0s', '1y', '30s'])})` : field(rng))).join(', ')}`
        : '';
      return `stats ${items.join(', ')}${by}`;
    }
    case 4:
      return `sort ${Array.from({ length: rng.range(1, 3) }, () => `${field(rng)}${rng.pick(['', ' asc', ' desc'])}`).join(', ')}`;
    case 5:
      return `limit ${rng.pick(['1', '5', '0', '10000', '10001', '-1', 'x', '1.5'])}`;
    case 6:
      return rng.pick([
        `parse @message "* * *" as a, b, c`,
        `parse @message /(?<verb>\\w+) (?<rest>.*)/`,
        'parse @message logfmt',
        'parse @message csv',
        `parse ${field(rng)} "[*]" as inner`,
      ]);
    case 7:
      return `dedup ${Array.from({ length: rng.range(1, 2) }, () => field(rng)).join(', ')}`;
    case 8:
      return `display ${field(rng)}`;
    case 10:
    case 11:
      return sideCommand(rng);
    case 9:
      return rng.pick([
        'pattern @message',
        'unnest x into y',
        'unmask(@message)',
        `filterIndex ${field(rng)} = "x"`,
      ]);
    default:
      return `${rng.pick(COMMANDS)} ${Array.from({ length: rng.int(4) }, () => token(rng)).join(' ')}`;
  }
}

/** A grammar-built query of one to six commands. */
export function generatedQuery(rng: Rng): string {
  return Array.from({ length: rng.range(1, 6) }, () => command(rng)).join(rng.pick([' | ', '\n| ', '|']));
}

/** Splits a query into tokens and the spaces between them (a rough split, good enough to mutate). */
function roughTokens(text: string): string[] {
  return text.match(/"(?:[^"\\]|\\.)*"?|\/(?:[^/\\\n]|\\.)*\/?|`[^`]*`?|[\w@.]+|\s+|./gsu) ?? [];
}

/** One structural mutation of a query text. */
function mutateQueryOnce(text: string, rng: Rng, seeds: readonly string[]): string {
  const tokens = roughTokens(text);
  const at = tokens.length === 0 ? 0 : rng.int(tokens.length);
  switch (rng.int(12)) {
    case 0:
      tokens.splice(at, 1);
      return tokens.join('');
    case 1:
      tokens.splice(at, 0, ` ${token(rng)} `);
      return tokens.join('');
    case 2:
      tokens[at] = token(rng);
      return tokens.join('');
    case 3:
      tokens.splice(at, 0, tokens[at] ?? '');
      return tokens.join('');
    case 4:
      return text.slice(0, rng.int(text.length + 1));
    case 5: {
      const other = rng.pick(seeds);
      return text.slice(0, rng.int(text.length + 1)) + other.slice(rng.int(other.length + 1));
    }
    case 6: {
      const i = rng.int(text.length + 1);
      const ch = rng.pick([
        '"',
        "'",
        '`',
        '/',
        '\\',
        '(',
        ')',
        '[',
        ']',
        '|',
        '\n',
        '\r',
        '\t',
        '\u0000',
        '\u200b',
        '\ud800',
        '😀',
        '#',
        '*',
      ]);
      return text.slice(0, i) + ch + text.slice(i);
    }
    case 7: {
      // deep nesting
      const n = rng.pick([50, 500, 5000, 50_000]);
      return `${text} | filter ${'('.repeat(n)}x${rng.chance(0.7) ? ')'.repeat(n) : ''}`;
    }
    case 8: {
      // many stages or many names
      const n = rng.pick([100, 2000, 20_000]);
      return rng.chance(0.5)
        ? `${text}${' | filter x = 1'.repeat(n)}`
        : `fields ${Array.from({ length: n }, (_, i) => `f${i}`).join(', ')} | ${text}`;
    }
    case 9: {
      // long literal
      const n = rng.pick([1000, 100_000, 1_000_000]);
      return `${text} | filter @message like "${'a'.repeat(n)}"`;
    }
    case 10:
      return `${text} | ${command(rng)}`;
    default:
      return `${rng.pick(['not ', '-', '!', '+'])}${text}`.repeat(rng.range(1, 3));
  }
}

/**
 * A mostly well-formed query around one or two commands that bring in other
 * data, so that joins, appendcols, subqueries and lookups get to run.
 */
export function sideQuery(rng: Rng): string {
  const stages = [
    ...(rng.chance(0.5)
      ? [
          rng.pick([
            'filter ispresent(verb)',
            'fields verb, user.username, sourceIPs.0',
            'sort @timestamp asc',
          ]),
        ]
      : []),
    sideCommand(rng),
    ...(rng.chance(0.3) ? [sideCommand(rng)] : []),
    ...(rng.chance(0.5)
      ? [
          rng.pick([
            'stats count(*) by user.username',
            'fields l.verb, r.eventName, team, zone',
            'limit 3',
            'sort verb desc',
          ]),
        ]
      : []),
  ];
  return stages.join(rng.pick([' | ', '\n| ']));
}

/** A query to try: a mutated seed query (usually), a grammar-built one, or one with side inputs. */
export function fuzzedQuery(rng: Rng, seeds: readonly string[]): string {
  if (rng.chance(0.25)) return rng.chance(0.8) ? sideQuery(rng) : mutateQueryOnce(sideQuery(rng), rng, seeds);
  if (seeds.length === 0 || rng.chance(0.35)) {
    const q = generatedQuery(rng);
    return rng.chance(0.3) ? mutateQueryOnce(q, rng, seeds.length === 0 ? [q] : seeds) : q;
  }
  let text = rng.pick(seeds);
  // a seed query with data from other inputs brought in (side inputs are few among the seeds)
  if (rng.chance(0.2)) text = `${text} | ${sideCommand(rng)}`;
  const n = rng.range(0, 4);
  for (let i = 0; i < n; i++) text = mutateQueryOnce(text, rng, seeds);
  return text;
}

// ---------------------------------------------------------------------------
// Bytes

const INSERTS: readonly (string | number[])[] = [
  '{',
  '}',
  '[',
  ']',
  '"',
  '\\',
  ',',
  ':',
  '\n',
  '\r\n',
  '\n\n\n',
  '{"Records":[',
  '{"messageType":"DATA_MESSAGE","logEvents":[',
  '"\\u0000"',
  '"\\ud800"',
  '1e999',
  '-0',
  '"requestReceivedTimestamp":"+275760-09-13T00:00:00.000Z"',
  '"eventTime":"2024-02-30T25:61:61Z"',
  '"__proto__":{"polluted":1}',
  '\u200b',
  [0xff],
  [0xc0, 0x80],
  [0xe2, 0x82],
  [0xef, 0xbb, 0xbf],
  [0x00],
  [0x1f, 0x8b, 0x08],
];

function insertBytes(rng: Rng): Buffer {
  const item = rng.pick(INSERTS);
  return typeof item === 'string' ? Buffer.from(item) : Buffer.from(item);
}

/** A huge line: one long value, or many tiny values (bounded by what the case allows). */
function hugeLine(rng: Rng, maxBytes: number): Buffer {
  const n = rng.range(1, maxBytes);
  switch (rng.int(4)) {
    case 0:
      return Buffer.from(`{"verb":"get","message":"${'x'.repeat(n)}"}`);
    case 1:
      return Buffer.from(`[${'{},'.repeat(Math.max(1, Math.floor(n / 3)))}{}]`);
    case 2:
      return Buffer.from(`{"a":${'['.repeat(Math.min(n, 100_000))}${']'.repeat(Math.min(n, 100_000))}}`);
    default:
      return Buffer.from('y'.repeat(n));
  }
}

/** Mutations a byte mutation can take, by name (the summary counts them). */
export const BYTE_MUTATIONS = [
  'truncate',
  'flip',
  'insert',
  'delete',
  'duplicate',
  'huge-line',
  'crlf',
  'bom',
  'gzip-truncate',
  'gzip-flip',
  'gzip-garbage',
  'gzip-members',
] as const;
export type ByteMutation = (typeof BYTE_MUTATIONS)[number];

/** One mutation of a file's bytes; `hugeBytes` bounds a huge line. */
export function mutateBytes(
  input: Buffer,
  rng: Rng,
  hugeBytes: number,
): { bytes: Buffer; mutation: ByteMutation } {
  const mutation = rng.pick(BYTE_MUTATIONS);
  const at = rng.int(input.length + 1);
  switch (mutation) {
    case 'truncate':
      return { bytes: input.subarray(0, at), mutation };
    case 'flip': {
      const out = Buffer.from(input);
      const n = rng.range(1, 8);
      for (let i = 0; i < n && out.length > 0; i++) {
        const j = rng.int(out.length);
        out[j] = rng.chance(0.5) ? (out[j] as number) ^ (1 << rng.int(8)) : rng.int(256);
      }
      return { bytes: out, mutation };
    }
    case 'insert':
      return {
        bytes: Buffer.concat([input.subarray(0, at), insertBytes(rng), input.subarray(at)]),
        mutation,
      };
    case 'delete': {
      const end = Math.min(input.length, at + rng.range(1, 64));
      return { bytes: Buffer.concat([input.subarray(0, at), input.subarray(end)]), mutation };
    }
    case 'duplicate': {
      const end = Math.min(input.length, at + rng.range(1, 4096));
      return {
        bytes: Buffer.concat([input.subarray(0, end), input.subarray(at, end), input.subarray(end)]),
        mutation,
      };
    }
    case 'huge-line': {
      const nl = input.indexOf(0x0a, at);
      const cut = nl === -1 ? input.length : nl + 1;
      return {
        bytes: Buffer.concat([
          input.subarray(0, cut),
          hugeLine(rng, hugeBytes),
          Buffer.from('\n'),
          input.subarray(cut),
        ]),
        mutation,
      };
    }
    case 'crlf':
      return { bytes: Buffer.from(input.toString('latin1').replaceAll('\n', '\r\n'), 'latin1'), mutation };
    case 'bom':
      return { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), input]), mutation };
    default:
      return { bytes: damageGzip(input, mutation, rng), mutation };
  }
}

function isGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function damageGzip(input: Buffer, how: ByteMutation, rng: Rng): Buffer {
  const gz = isGzip(input) ? input : gzipSync(input, { level: 1 });
  switch (how) {
    case 'gzip-truncate':
      return gz.subarray(0, rng.int(gz.length));
    case 'gzip-flip': {
      const out = Buffer.from(gz);
      const n = rng.range(1, 4);
      for (let i = 0; i < n; i++) {
        const j = rng.int(out.length);
        out[j] = (out[j] as number) ^ (1 << rng.int(8));
      }
      return out;
    }
    case 'gzip-garbage':
      return Buffer.concat([
        gz,
        Buffer.from(rng.chance(0.5) ? 'trailing garbage' : [0x1f, 0x8b, 0x08, 0x00]),
      ]);
    default:
      return Buffer.concat([gz, gz.subarray(0, rng.chance(0.5) ? gz.length : rng.int(gz.length))]);
  }
}

// ---------------------------------------------------------------------------
// YAML rules files

const YAML_VALUES = [
  'null',
  '~',
  '[]',
  '{}',
  "''",
  '""',
  '*a',
  '&a x',
  '!!binary aGVsbG8=',
  '!!js/function "x"',
  '1e999',
  '-.inf',
  '.nan',
  '0x10',
  'yes',
  "'unterminated",
  '"\\ud800"',
  '|',
  '>-',
  '- a',
  '[a, [b, [c]]]',
  '{__proto__: {polluted: 1}}',
  'filter eventName = "x" | stats count(*) by bin(1h)',
  'x'.repeat(300),
  '\u200b',
  '"2024-02-30T25:61:61Z"',
  'contains|all',
  'count() by x > 1',
];

const YAML_KEYS = [
  '__proto__',
  'constructor',
  'detection',
  'condition',
  'selection',
  'logsource',
  'queries',
  'query',
  'kind',
  'severity',
  'id',
  'correlation',
  'fields',
  'filter',
  'timespan',
  'group-by',
  'eventName|contains',
  'verb|re',
  'verb|cidr',
  'verb|base64offset|contains',
  'keywords',
];

/** A "billion laughs" document: aliases of aliases. */
function aliasBomb(rng: Rng): string {
  const depth = rng.range(3, 9);
  const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= depth; i++)
    lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(',')}]`);
  return lines.join('\n');
}

/** One mutation of a YAML text, line-wise or character-wise. */
export function mutateYaml(text: string, rng: Rng): string {
  const lines = text.split('\n');
  const at = rng.int(lines.length);
  switch (rng.int(11)) {
    case 0:
      lines.splice(at, 1);
      break;
    case 1:
      lines.splice(at, 0, lines[at] ?? '');
      break;
    case 2: {
      const j = rng.int(lines.length);
      [lines[at], lines[j]] = [lines[j] ?? '', lines[at] ?? ''];
      break;
    }
    case 3:
      lines[at] = rng.chance(0.5) ? `  ${lines[at]}` : (lines[at] ?? '').replace(/^ {1,2}/, '');
      break;
    case 4: {
      const line = lines[at] ?? '';
      const colon = line.indexOf(': ');
      lines[at] =
        colon === -1
          ? `${line} ${rng.pick(YAML_VALUES)}`
          : `${line.slice(0, colon + 2)}${rng.pick(YAML_VALUES)}`;
      break;
    }
    case 5: {
      const line = lines[at] ?? '';
      const indent = line.match(/^\s*/)?.[0] ?? '';
      lines.splice(at, 0, `${indent}${rng.pick(YAML_KEYS)}: ${rng.pick(YAML_VALUES)}`);
      break;
    }
    case 6:
      return text.slice(0, rng.int(text.length + 1));
    case 7: {
      const i = rng.int(text.length + 1);
      return (
        text.slice(0, i) +
        rng.pick([
          ':',
          '-',
          '\t',
          '"',
          "'",
          '&',
          '*',
          '!',
          '|',
          '>',
          '{',
          '[',
          '%',
          '@',
          '`',
          '\u0000',
          '\ufeff',
        ]) +
        text.slice(i)
      );
    }
    case 8:
      return rng.chance(0.5) ? `${aliasBomb(rng)}\n${text}` : `${text}\n---\n${aliasBomb(rng)}`;
    case 9:
      return `${text}\n---\n${text}`;
    default: {
      const line = lines[at] ?? '';
      lines[at] = line.replace(/:\s*(\S.*)$/, (_m, v: string) => `: ${v.repeat(rng.range(2, 50))}`);
      break;
    }
  }
  return lines.join('\n');
}
