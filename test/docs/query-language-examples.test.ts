import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isQueryError } from '../../src/entries/engine.js';
import { checkQuery, compileQuery, parseQuery, query, toInsightsResults } from '../../src/index.js';

// docs/query-language.md is executable:
// - every ```query block must parse and check without a diagnostic, unless its
//   info string is `query error=<code>`: then checking must report that code,
//   and a ```text block right after it must be the error's code frame;
// - a markdown table right after a ```query block is the query's result over
//   the page's ```ndjson example events, as toInsightsResults prints it
//   (without @ptr);
// - every example in the command table must parse and check cleanly.

const doc = readFileSync(new URL('../../docs/query-language.md', import.meta.url), 'utf8');
const lines = doc.split('\n');

interface Fence {
  readonly info: string;
  readonly body: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** 0-based index of the line after the closing fence. */
  readonly next: number;
}

function fences(): Fence[] {
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const marker = open[1] ?? '```';
    let j = i + 1;
    while (j < lines.length && !(lines[j] ?? '').startsWith(marker)) j++;
    out.push({
      info: (open[2] ?? '').trim(),
      body: lines.slice(i + 1, j).join('\n'),
      line: i + 1,
      next: j + 1,
    });
    i = j;
  }
  return out;
}

/** Splits a markdown table row into cells, honouring `\|` and `\<` escapes (`\<Token-1>` renders as text, not a tag). */
function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  const out: string[] = [];
  let cell = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\' && (inner[i + 1] === '|' || inner[i + 1] === '<')) {
      cell += inner[i + 1];
      i++;
    } else if (c === '|') {
      out.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  out.push(cell.trim());
  return out;
}

/** The markdown table that starts after blank lines at `from`, if any. */
function tableAt(from: number): { header: string[]; rows: string[][] } | undefined {
  let i = from;
  while (i < lines.length && (lines[i] ?? '').trim() === '') i++;
  const rows: string[] = [];
  while (i < lines.length && (lines[i] ?? '').trimStart().startsWith('|')) rows.push(lines[i++] ?? '');
  if (rows.length < 2 || !/^\|?\s*:?-{3,}/.test((rows[1] ?? '').trim())) return undefined;
  return { header: cells(rows[0] ?? ''), rows: rows.slice(2).map(cells) };
}

/** The fenced block that starts after blank lines at `from`, if any. */
function fenceAt(all: readonly Fence[], from: number): Fence | undefined {
  let i = from;
  while (i < lines.length && (lines[i] ?? '').trim() === '') i++;
  return all.find((f) => f.line === i + 1);
}

const allFences = fences();
const queryFences = allFences.filter((f) => /^query\b/.test(f.info));
const validQueries = queryFences.filter((f) => !/\berror=/.test(f.info));
const errorQueries = queryFences.filter((f) => /\berror=/.test(f.info));
const examples = validQueries.flatMap((f) => {
  const table = tableAt(f.next);
  return table === undefined ? [] : [{ ...f, table }];
});
const eventFence = allFences.find((f) => f.info.startsWith('ndjson'));

/** The example column of the command table (section "Commands"). */
function commandTableExamples(): { readonly line: number; readonly text: string }[] {
  const start = lines.indexOf('## Commands');
  const out: { line: number; text: string }[] = [];
  let inTable = false;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('## ')) break;
    if (line.startsWith('| Command |')) {
      inTable = true;
      continue;
    }
    if (!inTable) continue;
    if (!line.startsWith('|')) break;
    if (/^\|\s*-/.test(line)) continue;
    const example = cells(line).at(-1) ?? '';
    const code = /^`(.*)`$/.exec(example)?.[1];
    if (code !== undefined) out.push({ line: i + 1, text: code });
  }
  return out;
}

const tableExamples = commandTableExamples();

describe('docs/query-language.md examples', () => {
  test('the page has examples, results and example events', () => {
    expect(validQueries.length).toBeGreaterThanOrEqual(15);
    expect(examples.length).toBeGreaterThanOrEqual(15);
    expect(errorQueries.length).toBeGreaterThanOrEqual(1);
    expect(tableExamples.length).toBeGreaterThanOrEqual(13);
    expect(eventFence).toBeDefined();
  });

  test.each(validQueries.map((f) => [f.line, f.body] as const))(
    'query block at line %i parses and checks cleanly',
    (_, text) => {
      expect(() => parseQuery(text)).not.toThrow();
      expect(checkQuery(text)).toEqual([]);
    },
  );

  test.each(tableExamples.map((e) => [e.line, e.text] as const))(
    'command table example at line %i parses and checks cleanly: %s',
    (_, text) => {
      expect(() => parseQuery(text)).not.toThrow();
      expect(checkQuery(text)).toEqual([]);
    },
  );

  test.each(errorQueries.map((f) => [f.line, f] as const))(
    'error example at line %i fails with its code and frame',
    (_, fence) => {
      const code = /\berror=(\w+)/.exec(fence.info)?.[1];
      expect(checkQuery(fence.body)[0]?.code).toBe(code);
      const frame = fenceAt(allFences, fence.next);
      if (frame?.info !== 'text') return;
      let thrown: unknown;
      try {
        compileQuery(fence.body);
      } catch (error) {
        thrown = error;
      }
      expect(isQueryError(thrown)).toBe(true);
      if (isQueryError(thrown)) expect(thrown.format()).toBe(frame.body);
    },
  );

  describe('results over the example events', () => {
    let dir = '';
    let file = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'kubetrail-docs-'));
      file = join(dir, 'events.ndjson');
      writeFileSync(file, `${eventFence?.body ?? ''}\n`);
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    test.each(examples.map((e) => [e.line, e] as const))(
      'query at line %i returns its table',
      async (_, example) => {
        const result = await query(file, example.body, { now: Date.parse('2024-05-01T12:00:00Z') });
        const columns = result.fields.filter((f) => f !== '@ptr');
        const rows = toInsightsResults(result).results.map((row) => {
          const byField = new Map(row.map((cell) => [cell.field, cell.value]));
          return columns.map((c) => byField.get(c) ?? '');
        });
        expect({ header: columns, rows }).toEqual(example.table);
      },
    );
  });
});
