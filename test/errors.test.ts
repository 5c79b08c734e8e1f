import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CliIo } from '../src/cli/io.js';
import { reportError } from '../src/cli/run.js';
import {
  INPUT_ERROR_CODES as CATALOGUE_INPUT_CODES,
  QUERY_ERROR_CODES as CATALOGUE_QUERY_CODES,
  COMPILE_ERROR_CODES,
  ERROR_CATALOGUE,
} from '../src/error-codes.js';
import { InternalError, isKubetrailError, KubetrailError } from '../src/errors.js';
import { QUERY_ERROR_CODES } from '../src/query/errors.js';
import { INPUT_ERROR_CODES } from '../src/read/input-error.js';

describe('KubetrailError', () => {
  test('carries a stable code and is recognised by the guard', () => {
    const error = new KubetrailError('bad_json_line', 'bad line');
    expect(error.code).toBe('bad_json_line');
    expect(isKubetrailError(error)).toBe(true);
  });

  test.each([new Error('x'), null, undefined, 'text', { code: 'x' }])('guard rejects %s', (value) => {
    expect(isKubetrailError(value)).toBe(false);
  });
});

/** Every `.ts` file under `src/`. */
function sourceFiles(dir = 'src'): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out.sort();
}

/** The code of a file without its comments (TSDoc examples may show `new Error('x')`). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** Error constructors outside the `KubetrailError` tree. */
const BARE =
  /\bnew (Error|TypeError|RangeError|SyntaxError|ReferenceError|EvalError|URIError|AggregateError)\(/;
const OUTSIDE_CLASS = /\bclass \w+ extends (Error|TypeError|RangeError|SyntaxError)\b/;

describe('no error outside the KubetrailError tree escapes the library', () => {
  const files = sourceFiles();

  test('src/ has files to scan', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain(join('src', 'errors.ts'));
  });

  test('no bare Error, TypeError, … is constructed in src/', () => {
    const found: string[] = [];
    for (const file of files) {
      withoutComments(readFileSync(file, 'utf8'))
        .split('\n')
        .forEach((line, i) => {
          if (BARE.test(line)) found.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  test('every error class extends KubetrailError (only KubetrailError extends Error)', () => {
    const found: string[] = [];
    for (const file of files) {
      for (const m of withoutComments(readFileSync(file, 'utf8')).matchAll(new RegExp(OUTSIDE_CLASS, 'g'))) {
        if (!(file === join('src', 'errors.ts') && m[0] === 'class KubetrailError extends Error'))
          found.push(`${file}: ${m[0]}`);
      }
    }
    expect(found).toEqual([]);
  });

  test('the scan finds what it looks for', () => {
    expect(BARE.test("throw new Error('x')")).toBe(true);
    expect(BARE.test("throw new TypeError('x')")).toBe(true);
    expect(BARE.test("throw new InputError('bad_json_line', 'x')")).toBe(false);
    expect(OUTSIDE_CLASS.test('class Oops extends Error {')).toBe(true);
    expect(withoutComments("/** new Error('x') */\nconst a = 1; // new Error('y')")).not.toMatch(BARE);
  });
});

describe('the error-code catalogue', () => {
  test('every class has codes, each snake_case with a one-line description', () => {
    for (const entry of ERROR_CATALOGUE) {
      expect(Object.keys(entry.codes).length, entry.errorClass).toBeGreaterThan(0);
      for (const [code, meaning] of Object.entries(entry.codes)) {
        expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
        expect(meaning.trim().length, code).toBeGreaterThan(10);
        expect(meaning, code).not.toContain('\n');
      }
    }
  });

  test("each layer's table is the catalogue's", () => {
    expect(QUERY_ERROR_CODES).toBe(CATALOGUE_QUERY_CODES);
    expect(INPUT_ERROR_CODES).toBe(CATALOGUE_INPUT_CODES);
    for (const code of COMPILE_ERROR_CODES) expect(Object.hasOwn(QUERY_ERROR_CODES, code), code).toBe(true);
  });

  test('the CLI reports an InternalError as a bug (exit 5), not as bad input', () => {
    const err: string[] = [];
    const io = { stderr: { write: (t: string) => err.push(t) } } as unknown as CliIo;
    expect(reportError(new InternalError('internal_error', 'query help missing'), io)).toBe(5);
    expect(err.join('')).toContain('internal error [internal_error]');
  });
});
