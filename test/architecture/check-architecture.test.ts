// The architecture checker (scripts/check-architecture.ts) on small synthetic
// module graphs and sources, and its facts on the real src/.
import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { exportedNames, findCycles, importsOf, layerViolations } from '../../scripts/architecture/graph.js';
import { LAYER_RULES, layerOf } from '../../scripts/check-architecture.js';

const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe('findCycles', () => {
  test.each([
    ['no edges', { a: [], b: [] }, []],
    ['a chain', { a: ['b'], b: ['c'], c: [] }, []],
    ['two modules', { a: ['b'], b: ['a'] }, [['a', 'b', 'a']]],
    ['a self-import', { a: ['a'], b: [] }, [['a', 'a']]],
    ['a triangle, found from its first module', { c: ['a'], a: ['b'], b: ['c'] }, [['a', 'b', 'c', 'a']]],
    ['the shortest path back', { a: ['b', 'c'], b: ['c'], c: ['a'] }, [['a', 'c', 'a']]],
    [
      'two components',
      { a: ['b'], b: ['a'], x: ['y'], y: ['x'], m: ['a', 'x'] },
      [
        ['a', 'b', 'a'],
        ['x', 'y', 'x'],
      ],
    ],
    ['an edge to a module outside the graph', { a: ['zzz'] }, []],
  ] as const)('%s', (_name, edges, expected) => {
    expect(findCycles(g(edges as unknown as Record<string, string[]>))).toEqual(expected);
  });

  test('a 20,000-module chain does not overflow the stack', () => {
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 20_000; i++) edges[`m${i}`] = i + 1 < 20_000 ? [`m${i + 1}`] : ['m0'];
    const [cycle] = findCycles(g(edges));
    expect(cycle?.length).toBe(20_001);
  });

  propTest.prop([fc.array(fc.tuple(fc.nat(7), fc.nat(7)), { maxLength: 20 })], { seed: 42, numRuns: 300 })(
    'a graph has a cycle exactly when a depth-first search finds a back edge, and each path is a real cycle',
    (pairs) => {
      const edges: Record<string, string[]> = {};
      for (let i = 0; i < 8; i++) edges[`n${i}`] = [];
      for (const [a, b] of pairs) edges[`n${a}`]?.push(`n${b}`);
      const graph = g(edges);
      const cycles = findCycles(graph);
      for (const c of cycles) {
        expect(c[0]).toBe(c.at(-1));
        for (let i = 0; i + 1 < c.length; i++) expect(graph.get(c[i] as string)).toContain(c[i + 1]);
      }
      // Reference: colour-marking depth-first search.
      const colour = new Map<string, number>();
      const hasBackEdge = (v: string): boolean => {
        colour.set(v, 1);
        for (const w of graph.get(v) ?? []) {
          if (colour.get(w) === 1) return true;
          if (colour.get(w) === undefined && hasBackEdge(w)) return true;
        }
        colour.set(v, 2);
        return false;
      };
      const cyclic = [...graph.keys()].some((v) => colour.get(v) === undefined && hasBackEdge(v));
      expect(cycles.length > 0).toBe(cyclic);
    },
  );
});

describe('importsOf', () => {
  test('runtime and type-only imports, re-exports and dynamic imports', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import { type C, type D } from './c.js';",
      "import { type E, f } from './e.js';",
      "export { g } from './g.js';",
      "export type { H } from './h.js';",
      "const m = await import('./m.js');",
      "type N = typeof import('node:module');",
      "import './side-effect.js';",
    ].join('\n');
    expect(importsOf(text)).toEqual([
      { specifier: './a.js', typeOnly: false },
      { specifier: './b.js', typeOnly: true },
      { specifier: './c.js', typeOnly: true },
      { specifier: './e.js', typeOnly: false },
      { specifier: './g.js', typeOnly: false },
      { specifier: './h.js', typeOnly: true },
      { specifier: './m.js', typeOnly: false },
      { specifier: 'node:module', typeOnly: true },
      { specifier: './side-effect.js', typeOnly: false },
    ]);
  });
});

describe('exportedNames', () => {
  test('lists, declarations and types are counted; export * is refused', () => {
    expect(
      exportedNames(
        "export { a, type B, c as d } from './x.js';\nexport const e = 1, f = 2;\nexport function g() {}\nexport interface H {}\nexport type I = 1;\nexport class J {}\nconst k = 1;",
      ),
    ).toEqual(['a', 'B', 'd', 'e', 'f', 'g', 'H', 'I', 'J']);
    expect(() => exportedNames("export * from './x.js';")).toThrow(/export \*/);
  });
});

describe('layerViolations', () => {
  const resolve = (_from: string, s: string) => s.replace(/^\.\//, '').replace(/\.js$/, '.ts');
  const run = (module: string, specifier: string, typeOnly = false) =>
    layerViolations(new Map([[module, [{ specifier, typeOnly }]]]), layerOf, resolve, LAYER_RULES);

  test.each([
    ['query/x.ts', 'node:fs', false, 'query may not import Node built-ins'],
    ['schema/x.ts', './query/y.js', false, 'schema may not import query'],
    ['query/x.ts', './cli/y.js', false, 'query may not import cli'],
    ['detect/x.ts', './read/y.js', false, 'detect may not import read'],
    ['detect/x.ts', './parallel/y.js', false, 'detect may not import parallel'],
    ['index.ts', './cli/run.js', false, 'api may not import cli'],
  ] as const)('%s -> %s is refused', (from, to, typeOnly, why) => {
    expect(run(from, to, typeOnly).map((v) => v.why)).toEqual([why]);
  });

  test.each([
    ['read/x.ts', 'node:fs', false],
    ['query/x.ts', 'node:fs', true],
    ['detect/x.ts', './query/y.js', false],
    ['cli/x.ts', './run/y.js', false],
    ['parallel/x.ts', './detect/y.js', false],
    ['run/x.ts', './detect/y.js', false],
    ['query/x.ts', 'zod', false],
    ['query/x.ts', './errors.js', false],
  ] as const)('%s -> %s is allowed (type-only: %s)', (from, to, typeOnly) => {
    expect(run(from, to, typeOnly)).toEqual([]);
  });
});

test('layerOf', () => {
  expect(['errors.ts', 'index.ts', 'entries/sql.ts', 'spill-store.ts', 'query/a/b.ts'].map(layerOf)).toEqual([
    'base',
    'api',
    'api',
    'spill-store',
    'query',
  ]);
});
