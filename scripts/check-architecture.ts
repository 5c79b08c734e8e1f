/**
 * `npm run check:architecture`: the architecture facts of docs/architecture.md,
 * measured on `src/` and checked (part of `npm test`):
 * - no import cycle among the modules (type-only imports included: a cycle
 *   of types still ties two modules together);
 * - the layer rules: which layers a layer may import at run time, and which
 *   may import Node built-ins;
 * - the root export (`src/index.ts`) has at most {@link MAX_ROOT_EXPORTS} names;
 * - every command kind of the AST (`Command` in `src/query/ast.ts`) has an
 *   entry in the command registry.
 * Prints each fact, and each problem with the modules involved; exits 1 on a
 * problem.
 *
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { COMMANDS } from '../src/query/commands/registry.js';
import {
  exportedNames,
  findCycles,
  importsOf,
  type LayerRule,
  layerViolations,
} from './architecture/graph.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** The most names the root export may have (issue: "about 30–40 names"). */
export const MAX_ROOT_EXPORTS = 40;

const BASE = ['errors.ts', 'error-codes.ts', 'log-event.ts'];

/** The layer rules (docs/architecture.md, "Layers and their rules"). */
export const LAYER_RULES: Readonly<Record<string, LayerRule>> = {
  base: { mayImport: [], node: false },
  schema: { mayImport: ['base'], node: false },
  query: { mayImport: ['base'], node: false },
  read: { mayImport: ['base', 'schema'], node: true },
  detect: { mayImport: ['base', 'schema', 'query'], node: false },
  'spill-store': { mayImport: ['base', 'query'], node: true },
  sql: { mayImport: ['base', 'schema', 'query', 'read'], node: true },
  // (parallel and run may import detect: detection runs split over worker threads, `detectLogs`)
  parallel: { mayImport: ['base', 'schema', 'query', 'read', 'detect', 'run', 'spill-store'], node: true },
  run: {
    mayImport: ['base', 'schema', 'query', 'read', 'detect', 'sql', 'parallel', 'spill-store'],
    node: true,
  },
  cli: {
    mayImport: ['base', 'schema', 'query', 'read', 'detect', 'sql', 'parallel', 'run', 'spill-store'],
    node: true,
  },
  api: { mayImport: ['base', 'schema', 'query', 'read', 'detect', 'sql', 'run', 'spill-store'], node: false },
};

/** The layer of a module (its path under src/, `/`-separated). */
export function layerOf(module: string): string {
  if (BASE.includes(module)) return 'base';
  if (module === 'index.ts' || module.startsWith('entries/')) return 'api';
  if (module === 'spill-store.ts') return 'spill-store';
  const slash = module.indexOf('/');
  return slash < 0 ? module.replace(/\.ts$/, '') : module.slice(0, slash);
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (entry.endsWith('.ts')) out.push(relative(SRC, path).split('\\').join('/'));
  }
  return out;
}

function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = relative(SRC, resolve(SRC, dirname(from), specifier.replace(/\.js$/, '.ts')));
  return target.split('\\').join('/');
}

/** The `kind` literals of the `Command` union's members in ast.ts. */
function astCommandKinds(text: string): string[] {
  const file = ts.createSourceFile('ast.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  let members: string[] = [];
  for (const s of file.statements) {
    if (ts.isInterfaceDeclaration(s)) interfaces.set(s.name.text, s);
    if (ts.isTypeAliasDeclaration(s) && s.name.text === 'Command' && ts.isUnionTypeNode(s.type)) {
      members = s.type.types.filter(ts.isTypeReferenceNode).map((t) => t.typeName.getText(file));
    }
  }
  return members.map((name) => {
    const kind = interfaces
      .get(name)
      ?.members.find((m) => ts.isPropertySignature(m) && m.name.getText(file) === 'kind') as
      | ts.PropertySignature
      | undefined;
    const type = kind?.type;
    return type !== undefined && ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)
      ? type.literal.text
      : `${name} (no kind literal)`;
  });
}

function main(): number {
  let problems = 0;
  const files = sourceFiles(SRC);
  const imports = new Map(files.map((f) => [f, importsOf(readFileSync(join(SRC, f), 'utf8'))]));
  const graph = new Map(
    [...imports].map(([f, list]) => [
      f,
      list.map((i) => resolveImport(f, i.specifier)).filter((t): t is string => t !== undefined),
    ]),
  );

  const cycles = findCycles(graph);
  process.stdout.write(`modules: ${files.length}; import cycles: ${cycles.length}\n`);
  for (const cycle of cycles) {
    problems++;
    process.stdout.write(`  cycle: ${cycle.join(' -> ')}\n`);
  }

  const violations = layerViolations(imports, layerOf, resolveImport, LAYER_RULES);
  process.stdout.write(`layer rule violations: ${violations.length}\n`);
  for (const v of violations) {
    problems++;
    process.stdout.write(`  ${v.from} -> ${v.to}: ${v.why}\n`);
  }

  const root = exportedNames(readFileSync(join(SRC, 'index.ts'), 'utf8'));
  process.stdout.write(`root exports: ${root.length} (at most ${MAX_ROOT_EXPORTS})\n`);
  if (root.length > MAX_ROOT_EXPORTS) {
    problems++;
    process.stdout.write(`  the root export has ${root.length - MAX_ROOT_EXPORTS} names too many\n`);
  }

  const kinds = astCommandKinds(readFileSync(join(SRC, 'query/ast.ts'), 'utf8'));
  const registered = new Set(Object.keys(COMMANDS));
  const missing = kinds.filter((k) => !registered.has(k));
  const extra = [...registered].filter((k) => !kinds.includes(k));
  process.stdout.write(`command kinds: ${kinds.length} in the AST, ${registered.size} in the registry\n`);
  for (const k of missing) {
    problems++;
    process.stdout.write(`  ${k} has no registry entry\n`);
  }
  for (const k of extra) {
    problems++;
    process.stdout.write(`  the registry has ${k}, which the AST's Command union lacks\n`);
  }

  process.stdout.write(problems === 0 ? 'architecture: ok\n' : `architecture: ${problems} problem(s)\n`);
  return problems === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
