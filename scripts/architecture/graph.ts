/**
 * The facts `npm run check:architecture` checks, as pure functions over
 * source text and module graphs, so that the checker itself is tested on
 * small synthetic graphs (test/architecture/).
 *
 * @module
 */
import ts from 'typescript';

/** One import of a module: its specifier, and whether it exists at run time. */
export interface ModuleImport {
  readonly specifier: string;
  /** `import type`, `export type`, `import('x')` in a type: gone after compilation. */
  readonly typeOnly: boolean;
}

/**
 * The imports and re-exports of a TypeScript module, type-only ones marked.
 *
 * @example
 * ```ts
 * importsOf("import type { A } from './a.js'; import { b } from './b.js';")
 * //=> [{ specifier: './a.js', typeOnly: true }, { specifier: './b.js', typeOnly: false }]
 * ```
 */
export function importsOf(text: string): ModuleImport[] {
  const file = ts.createSourceFile('module.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: ModuleImport[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      out.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly =
        node.isTypeOnly ||
        (node.exportClause !== undefined &&
          ts.isNamedExports(node.exportClause) &&
          node.exportClause.elements.length > 0 &&
          node.exportClause.elements.every((e) => e.isTypeOnly));
      out.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      out.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/**
 * The import cycles of a module graph: one cycle (as a path that returns to
 * its start) per strongly connected component with more than one module, or
 * a module that imports itself. Deterministic: components and paths follow
 * the sorted module names.
 *
 * @example
 * ```ts
 * findCycles(new Map([['a', ['b']], ['b', ['a']], ['c', []]])) //=> [['a', 'b', 'a']]
 * ```
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const names = [...graph.keys()].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const next = (v: string): readonly string[] => [...(graph.get(v) ?? [])].filter((w) => graph.has(w)).sort();
  // Iterative Tarjan: a deep import chain must not overflow the stack.
  for (const start of names) {
    if (index.has(start)) continue;
    const work: { v: string; i: number }[] = [{ v: start, i: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { v: string; i: number };
      const edges = next(frame.v);
      if (frame.i < edges.length) {
        const w = edges[frame.i++] as string;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.v, Math.min(low.get(frame.v) as number, index.get(w) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined)
        low.set(parent.v, Math.min(low.get(parent.v) as number, low.get(frame.v) as number));
      if (low.get(frame.v) === index.get(frame.v)) {
        const component: string[] = [];
        for (;;) {
          const w = stack.pop() as string;
          onStack.delete(w);
          component.push(w);
          if (w === frame.v) break;
        }
        if (component.length > 1 || next(frame.v).includes(frame.v)) components.push(component.sort());
      }
    }
  }
  return components
    .map((component) => cyclePath(component, next))
    .sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}

/** A shortest cycle through the component's first module (breadth-first inside the component). */
function cyclePath(component: readonly string[], next: (v: string) => readonly string[]): string[] {
  const members = new Set(component);
  const start = component[0] as string;
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i] as string;
    for (const w of next(v)) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        for (let p = parent.get(v); p !== undefined; p = parent.get(p)) path.push(p);
        return [...path.reverse(), start];
      }
      if (!parent.has(w) && w !== start) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/**
 * The names a module exports (declarations and `export { … }` lists,
 * types included; `export *` is refused, since its names cannot be counted
 * from the text).
 *
 * @example
 * ```ts
 * exportedNames("export { a, type B } from './x.js'; export const c = 1;") //=> ['a', 'B', 'c']
 * ```
 */
export function exportedNames(text: string): string[] {
  const file = ts.createSourceFile('module.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  for (const s of file.statements) {
    if (ts.isExportDeclaration(s)) {
      if (s.exportClause === undefined) throw new Error('export * hides what a module exports');
      if (ts.isNamedExports(s.exportClause)) for (const e of s.exportClause.elements) out.push(e.name.text);
      else out.push(s.exportClause.name.text);
      continue;
    }
    const exported =
      ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) out.push(d.name.text);
    } else if (
      (ts.isFunctionDeclaration(s) ||
        ts.isClassDeclaration(s) ||
        ts.isInterfaceDeclaration(s) ||
        ts.isTypeAliasDeclaration(s) ||
        ts.isEnumDeclaration(s)) &&
      s.name !== undefined
    ) {
      out.push(s.name.text);
    }
  }
  return out;
}

/** A layer's rules: the layers it may import at run time, and whether it may import Node built-ins. */
export interface LayerRule {
  readonly mayImport: readonly string[];
  readonly node: boolean;
}

/** A run-time import that breaks a layer rule. */
export interface LayerViolation {
  readonly from: string;
  readonly to: string;
  readonly why: string;
}

/**
 * The run-time imports that break the layer rules. `layerOf` maps a module
 * to its layer; a specifier starting with `node:` is a Node import (the
 * linter requires the `node:` prefix); other bare specifiers are packages,
 * not checked.
 *
 * @example
 * ```ts
 * layerViolations(
 *   new Map([['query/a', [{ specifier: 'node:fs', typeOnly: false }]]]),
 *   () => 'query',
 *   (_from, s) => s,
 *   { query: { mayImport: [], node: false } },
 * ) //=> [{ from: 'query/a', to: 'node:fs', why: 'query may not import Node built-ins' }]
 * ```
 */
export function layerViolations(
  modules: ReadonlyMap<string, readonly ModuleImport[]>,
  layerOf: (module: string) => string,
  resolve: (from: string, specifier: string) => string | undefined,
  rules: Readonly<Record<string, LayerRule>>,
): LayerViolation[] {
  const out: LayerViolation[] = [];
  for (const [from, imports] of [...modules].sort(([a], [b]) => a.localeCompare(b))) {
    const layer = layerOf(from);
    const rule = rules[layer];
    if (rule === undefined) {
      out.push({ from, to: from, why: `${layer} is not a known layer` });
      continue;
    }
    for (const imp of imports) {
      if (imp.typeOnly) continue;
      if (imp.specifier.startsWith('node:')) {
        if (!rule.node) out.push({ from, to: imp.specifier, why: `${layer} may not import Node built-ins` });
        continue;
      }
      if (!imp.specifier.startsWith('.')) continue;
      const to = resolve(from, imp.specifier);
      if (to === undefined) continue;
      const target = layerOf(to);
      if (target !== layer && !rule.mayImport.includes(target))
        out.push({ from, to, why: `${layer} may not import ${target}` });
    }
  }
  return out;
}
