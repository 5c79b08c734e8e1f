import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

// The brief's standard: every public export carries TSDoc. Functions, classes
// and constants (the things a user calls or reads) need a summary and an
// `@example`, and so do the types of the root; the other types and
// interfaces need a summary.

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The public modules: the root and its subpaths (package.json `exports`). */
const entries = ['index', 'entries/schema', 'entries/detect', 'entries/sql', 'entries/engine'].map(
  (m) => `${root}src/${m}.ts`,
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
    const jsDocTags = ts.getJSDocTags(declaration);
    const tags = jsDocTags.map((tag) => tag.tagName.text);
    const exampleTag = jsDocTags.find((tag) => tag.tagName.text === 'example');
    const example = exampleTag === undefined ? '' : (ts.getTextOfJSDocComment(exampleTag.comment) ?? '');
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

  // Functions, classes and constants need an example everywhere; types need one in the root,
  // where a newcomer meets them first.
  const rootNames = new Set(checker.getExportsOfModule(moduleSymbols[0] as ts.Symbol).map((s) => s.name));
  const callable = exports.filter((info) => info.kind !== 'type' || rootNames.has(info.name));
  test.each(callable.map((info) => [`${info.name} (${info.kind}, ${info.file})`, info] as const))(
    '%s has an @example',
    (_, info) => {
      expect(info.tags, `${info.name} in ${info.file} needs an @example`).toContain('example');
      expect(info.example.trim(), `${info.name}'s @example is empty`).not.toBe('');
    },
  );
});
