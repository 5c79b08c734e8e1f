import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

// The brief's standard: every public export carries TSDoc. Every export of
// every public module (functions, classes, constants, types and interfaces)
// needs a summary and a non-empty `@example`, and the names an example
// imports from `kubetrail` or `kubetrail/<subpath>` must be exports of that
// module (a static check: the examples are not compiled one by one).

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The public modules: the root and its subpaths (package.json `exports`). */
const modules = ['index', 'entries/schema', 'entries/detect', 'entries/sql', 'entries/engine'];
const entries = modules.map((m) => `${root}src/${m}.ts`);
/** The specifier a user imports each public module by: `kubetrail`, `kubetrail/schema`, …. */
const specifiers = modules.map((m) =>
  m === 'index' ? 'kubetrail' : `kubetrail/${m.slice('entries/'.length)}`,
);

const program = ts.createProgram(entries, {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: ['node'],
});
const checker = program.getTypeChecker();
const moduleSymbols = entries.map((entry) => {
  const entryFile = program.getSourceFile(entry);
  if (entryFile === undefined) throw new Error(`cannot read ${entry}`);
  const moduleSymbol = checker.getSymbolAtLocation(entryFile);
  if (moduleSymbol === undefined) throw new Error(`${entry} is not a module`);
  return moduleSymbol;
});

type ExportKind = 'function' | 'class' | 'constant' | 'type';

interface ExportInfo {
  readonly name: string;
  readonly kind: ExportKind;
  readonly file: string;
  readonly summary: string;
  readonly tags: readonly string[];
  /** The text of the first `@example` tag, or `''`. */
  readonly example: string;
}

/**
 * The text of a declaration's first `@example`, read from the comment itself:
 * the compiler's tag text ends at the first `@word` of the example
 * (`@timestamp`, `@duckdb/node-api`), which examples are full of. The
 * example runs to the next line that starts a tag outside a code fence.
 */
function exampleOf(declaration: ts.Declaration): string {
  const lines = ts
    .getJSDocCommentsAndTags(declaration)
    .filter(ts.isJSDoc)
    .flatMap((doc) => doc.getText().split('\n'))
    .map((line) => line.replace(/^\s*(\/\*\*|\*\/|\*(?!\/))? ?/, '').replace(/\s*\*\/$/, ''));
  const start = lines.findIndex((line) => /^@example\b/.test(line));
  if (start < 0) return '';
  const out = [(lines[start] ?? '').slice('@example'.length)];
  let fenced = false;
  for (const line of lines.slice(start + 1)) {
    if (!fenced && /^@\w/.test(line)) break;
    if (line.trimStart().startsWith('```')) fenced = !fenced;
    out.push(line);
  }
  return out.join('\n').trim();
}

function kindOf(declaration: ts.Declaration): ExportKind {
  if (ts.isFunctionDeclaration(declaration)) return 'function';
  if (ts.isClassDeclaration(declaration)) return 'class';
  if (ts.isVariableDeclaration(declaration)) return 'constant';
  return 'type';
}

/** Follows re-exports to the declaring symbol and reads its doc comment. */
function describeExport(exported: ts.Symbol): readonly ExportInfo[] {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const declarations = symbol.declarations ?? [];
  // A name can be both a value and a type (e.g. a const and a type alias of
  // the same name); each meaning is checked on its own.
  const seen = new Set<ExportKind>();
  const infos: ExportInfo[] = [];
  for (const declaration of declarations) {
    const kind = kindOf(declaration);
    if (seen.has(kind)) continue; // overloads: the first declaration carries the doc
    seen.add(kind);
    const docs = ts.getJSDocCommentsAndTags(declaration);
    const summary = docs
      .filter(ts.isJSDoc)
      .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
      .join('\n')
      .trim();
    const tags = ts.getJSDocTags(declaration).map((tag) => tag.tagName.text);
    const example = exampleOf(declaration);
    infos.push({
      name: exported.name,
      kind,
      file: declaration.getSourceFile().fileName.slice(root.length),
      summary,
      tags,
      example,
    });
  }
  return infos;
}

// A name the root and a subpath both export is checked once.
const exports = [
  ...new Map(
    moduleSymbols
      .flatMap((m) => checker.getExportsOfModule(m))
      .flatMap(describeExport)
      .map((info) => [`${info.name} ${info.kind} ${info.file}`, info] as const),
  ).values(),
].sort((a, b) => a.name.localeCompare(b.name));

/** The names each public module exports, by the specifier users import it with. */
const exportedNames = new Map(
  moduleSymbols.map((m, i) => [
    specifiers[i] as string,
    new Set(checker.getExportsOfModule(m).map((s) => s.name)),
  ]),
);

/** What an example's `import … from 'kubetrail…'` lines name that the module does not export. */
function badImports(example: string): string[] {
  const problems: string[] = [];
  for (const m of example.matchAll(/\bimport\s+([^;]*?)\s*\bfrom\s*(['"])(kubetrail(?:\/[^'"]*)?)\2/g)) {
    const clause = m[1] ?? '';
    const specifier = m[3] ?? '';
    const names = exportedNames.get(specifier);
    if (names === undefined) {
      problems.push(`'${specifier}' is not a public module (${specifiers.join(', ')})`);
      continue;
    }
    const braces = /\{([^}]*)\}/.exec(clause)?.[1] ?? '';
    for (const part of braces.split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]
        ?.trim();
      if (name !== undefined && name !== '' && !names.has(name))
        problems.push(`${name} is not exported by '${specifier}'`);
    }
  }
  return problems;
}

describe('public API documentation (src/index.ts and src/entries/*.ts)', () => {
  test('the public modules export something', () => {
    expect(exports.length).toBeGreaterThan(150);
  });

  test.each(exports.map((info) => [`${info.name} (${info.kind}, ${info.file})`, info] as const))(
    '%s has a TSDoc summary',
    (_, info) => {
      expect(info.summary, `${info.name} in ${info.file} needs a one-sentence summary`).not.toBe('');
    },
  );

  test.each(exports.map((info) => [`${info.name} (${info.kind}, ${info.file})`, info] as const))(
    '%s is not marked @internal',
    (_, info) => {
      expect(info.tags, `${info.name} is exported from a public module but marked @internal`).not.toContain(
        'internal',
      );
    },
  );

  test.each(exports.map((info) => [`${info.name} (${info.kind}, ${info.file})`, info] as const))(
    '%s has an @example',
    (_, info) => {
      expect(info.tags, `${info.name} in ${info.file} needs an @example`).toContain('example');
      expect(info.example.trim(), `${info.name}'s @example is empty`).not.toBe('');
    },
  );

  const importing = exports.filter((info) => /\bfrom\s*['"]kubetrail/.test(info.example));
  test('examples import from the public modules', () => {
    expect(importing.length).toBeGreaterThan(90);
  });

  test.each(importing.map((info) => [`${info.name} (${info.kind}, ${info.file})`, info] as const))(
    "%s's @example imports only what its module exports",
    (_, info) => {
      expect(badImports(info.example), `${info.name}'s @example in ${info.file}`).toEqual([]);
    },
  );
});
