import { type fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Command, QueryAst } from '../../src/query/ast.js';
import { COMMAND_NAMES, COMMANDS, definedNamesOf, specOf } from '../../src/query/commands/registry.js';
import { compileQuery } from '../../src/query/compile.js';
import { parseQuery } from '../../src/query/parser.js';
import { hoistFilters, planCommands } from '../../src/query/plan-commands.js';
import { computePrefilter } from '../../src/query/prefilter.js';
import { printQuery } from '../../src/query/print.js';
import { commandArbitraries } from './support/ast-arbitraries.js';
import { stripSpans } from './support/strip-spans.js';

const span = { start: 0, end: 0 };

/** Every command kind of the AST: the keys of a record typed over `Command['kind']` (a missing kind fails tsc). */
const AST_KINDS = Object.keys(commandArbitraries) as Command['kind'][];

describe('the command registry', () => {
  it('has one spec for every AST command kind, under its own kind', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual([...AST_KINDS].sort());
    for (const [kind, spec] of Object.entries(COMMANDS)) expect(spec.kind).toBe(kind);
  });

  it('lists the documented command words in order', () => {
    expect(COMMAND_NAMES).toEqual([
      'fields',
      'display',
      'filter',
      'where',
      'stats',
      'sort',
      'limit',
      'head',
      'tail',
      'parse',
      'json',
      'dedup',
      'unnest',
      'filterIndex',
      'unmask',
      'pattern',
      'diff',
      'anomaly',
      'SOURCE',
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
      'join',
      'lookup',
      'cidrlookup',
      'appendcols',
    ]);
  });

  it('parses every keyword of a spec to that spec kind', () => {
    const sample: Partial<Record<string, string>> = {
      fields: 'fields a',
      display: 'display a',
      filter: 'filter a',
      where: 'where a',
      stats: 'stats count(*)',
      sort: 'sort a',
      limit: 'limit 1',
      head: 'head 1',
      tail: 'tail 1',
      parse: 'parse "*" as a',
      json: 'json field=a "b" as c',
      dedup: 'dedup a',
      unnest: 'unnest a into b',
      filterIndex: 'filterIndex a = "b"',
      unmask: 'unmask',
      pattern: 'pattern a',
      diff: 'diff',
      anomaly: 'anomaly',
      SOURCE: 'SOURCE "g"',
      accum: 'accum a as b',
      filldown: 'filldown a b*',
      fillmissing: 'fillmissing with 0 for n',
      autoregress: 'autoregress a p=1-2',
      expand: 'expand a',
      addtotals: 'addtotals col=true a, b',
      sessionize: 'sessionize a maxspan 1h as s',
      countFrequent: 'countFrequent a',
      count_frequent: 'count_frequent a, b',
      outlier: 'outlier param=3 a b',
      logcompare: 'logcompare timeshift 7d',
      relevantfields: 'relevantfields a where b > 1',
      join: 'join left=a right=b where a.x = b.x (SOURCE "s")',
      lookup: 'lookup t k OUTPUT v',
      cidrlookup: 'cidrlookup t ip OUTPUT v',
      appendcols: "appendcols max=5 (SOURCE 's' | stats count(*))",
    };
    for (const spec of Object.values(COMMANDS)) {
      for (const word of spec.keywords) {
        const text = sample[word];
        expect(text, word).toBeDefined();
        expect(parseQuery(text as string).commands[0]?.kind).toBe(spec.kind);
      }
    }
  });

  it('refuses a node whose kind is not a command with internal_error', () => {
    expect(() => specOf({ kind: 'constructor', span } as unknown as Command)).toThrow(
      expect.objectContaining({ code: 'internal_error' }),
    );
  });

  for (const kind of AST_KINDS) {
    const arbitrary = commandArbitraries[kind] as fc.Arbitrary<Command>;
    test.prop([arbitrary], { numRuns: 200, seed: 42 })(`${kind}: parse(print(c)) equals c`, (c) => {
      const ast: QueryAst = { kind: 'Query', commands: [c], span };
      const text = printQuery(ast);
      expect(specOf(c).print(c)).toBe(text);
      const reparsed = parseQuery(text);
      expect(stripSpans(reparsed)).toEqual(stripSpans(ast));
    });
  }
});

describe('the names a command defines (one source for the planner and the prefilter)', () => {
  const defined = (q: string): readonly string[] => definedNamesOf(parseQuery(q).commands[0] as Command, q);
  const prefilterOf = (q: string) => compileQuery(q).prefilter.clauses;
  const kinds = (q: string) => hoistFilters(parseQuery(q).commands, q).map((c) => c.kind);

  it.each([
    ['fields verb, a as b, strlen(x)', ['b', 'strlen(x)']],
    ['fields objectRef.resource', []],
    ['parse @message "* *" as a, b', ['a', 'b']],
    ['parse @message /(?<user>\\S+) (?P<verb>\\w+)/', ['user', 'verb']],
    ['parse @message /(\\S+)/ as u', ['u']],
    ['parse @message logfmt as m', ['m']],
    ['parse @message csv as a, b', ['a', 'b']],
    ['unnest jsonParse(x) into item', ['item']],
    ['json field=@message "a.b" as ab', ['ab']],
    ['stats count(*) as n by verb, bin(5m)', ['n', 'bin(5m)']],
    ['sort verb', []],
    ['display verb', []],
    ['filter verb = "get"', []],
  ] as const)('%s defines %j', (q, names) => {
    expect(defined(q)).toEqual(names);
  });

  it('a filter moves past a field kept under its own name, not past a name a command defines', () => {
    expect(kinds('fields verb | filter verb = "get"')).toEqual(['FilterCommand', 'FieldsCommand']);
    expect(kinds('fields verb as v | filter v = "get"')).toEqual(['FieldsCommand', 'FilterCommand']);
    expect(kinds('parse @message /(?<verb>\\w+)/ | filter verb = "get"')).toEqual([
      'ParseCommand',
      'FilterCommand',
    ]);
    expect(kinds('stats count(*) as n by verb | filter verb = "get"')).toEqual([
      'FilterCommand',
      'StatsCommand',
    ]);
    expect(kinds('stats count(*) as n by verb | filter n > 1')).toEqual(['StatsCommand', 'FilterCommand']);
  });

  it('many filters moving past one command of many names cost its names once (fuzz seed 20261207, query 3454)', () => {
    const n = 20_000;
    const fields = `fields ${Array.from({ length: n }, (_, i) => `f${i}`).join(', ')}`;
    const text = `${fields}${' | filter x = 1'.repeat(n)}`;
    const commands = parseQuery(text).commands;
    // count the walks over the fields command's items (defines reads them)
    const first = commands[0] as Command & { items: readonly unknown[] };
    let walks = 0;
    const items = new Proxy(first.items, {
      get(target, key, receiver) {
        if (key === Symbol.iterator) walks++;
        return Reflect.get(target, key, receiver);
      },
    });
    const hoisted = hoistFilters([{ ...first, items } as Command, ...commands.slice(1)], text);
    expect(hoisted.at(-1)?.kind).toBe('FieldsCommand');
    expect(walks).toBe(1);
    // and the whole query compiles (it took minutes before)
    expect(compileQuery(text).columns).toHaveLength(n);
  });

  it('the prefilter leaves out exactly the names the commands before a filter define', () => {
    const term = (field: string, text: string) => [{ field, text, where: 'json-value' }];
    // A regex's named groups are defined; other fields stay prefilter terms.
    expect(prefilterOf('parse @message /(?<user>\\S+)/ | filter verb = "get"')).toEqual([
      term('verb', 'get'),
    ]);
    expect(prefilterOf('parse @message /(?<verb>\\S+)/ | filter verb = "get"')).toEqual([]);
    expect(prefilterOf('fields strlen(x) as verb | filter verb = "get"')).toEqual([]);
    expect(prefilterOf('fields verb | filter verb = "get"')).toEqual([term('verb', 'get')]);
    expect(prefilterOf('unnest jsonParse(x) into verb | filter verb = "get"')).toEqual([]);
  });

  it('computePrefilter stops at the first step that counts, reorders or aggregates', () => {
    const text = 'filter a = "x" | dedup b | limit 3';
    const steps = planCommands(parseQuery(text).commands, { order: 'input' }, text);
    expect(computePrefilter(steps, text).clauses).toEqual([[{ field: 'a', text: 'x', where: 'json-value' }]]);
  });
});
