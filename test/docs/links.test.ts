import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { DOC_PAGES } from './doc-pages.js';

// Every relative link in the README and docs/*.md must point at a file or
// folder of this repository, and every #anchor at a heading (or an explicit
// id) of the target page. Links may not leave the repository: the project
// speaks only of itself.

const root = fileURLToPath(new URL('../../', import.meta.url));

const pages = DOC_PAGES;

/** The page's lines, with the lines of fenced code blocks (fences included) blanked out. */
function linesOutsideFences(text: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (marker.startsWith(fence)) fence = undefined;
      out.push('');
      continue;
    }
    out.push(fence === undefined ? line : '');
  }
  return out;
}

/** The page's lines outside fenced code blocks, with inline code blanked out. */
function proseLines(text: string): string[] {
  return linesOutsideFences(text).map(blankInlineCode);
}

/** Replaces `code` spans with spaces so that their text is not read as links. */
function blankInlineCode(line: string): string {
  return line.replace(/(`+)(.+?)\1/g, (span) => ' '.repeat(span.length));
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
function slugify(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const anchorCache = new Map<string, ReadonlySet<string>>();

/** The anchors a markdown page defines: its headings (deduplicated as GitHub does) and explicit ids. */
function anchorsOf(page: string): ReadonlySet<string> {
  const cached = anchorCache.get(page);
  if (cached !== undefined) return cached;
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  for (const line of linesOutsideFences(readFileSync(page, 'utf8'))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const slug = slugify(heading);
      const seen = counts.get(slug) ?? 0;
      counts.set(slug, seen + 1);
      anchors.add(seen === 0 ? slug : `${slug}-${seen}`);
    }
    for (const m of line.matchAll(/\b(?:id|name)="([^"]+)"/g)) if (m[1] !== undefined) anchors.add(m[1]);
  }
  anchorCache.set(page, anchors);
  return anchors;
}

interface Link {
  readonly page: string;
  readonly line: number;
  readonly target: string;
}

/** Inline links `[text](target)` and `![alt](target)`, skipping absolute URLs. */
function relativeLinks(page: string): Link[] {
  const links: Link[] = [];
  proseLines(readFileSync(`${root}${page}`, 'utf8')).forEach((text, i) => {
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1];
      if (target === undefined || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      links.push({ page, line: i + 1, target });
    }
  });
  return links;
}

const links = pages.flatMap(relativeLinks);

/** Why a link is broken, or `undefined` when it resolves. */
function checkLink(link: Link): string | undefined {
  const hash = link.target.indexOf('#');
  const pathPart = decodeURI(hash === -1 ? link.target : link.target.slice(0, hash));
  const anchor = hash === -1 ? undefined : decodeURIComponent(link.target.slice(hash + 1));
  const from = resolve(root, dirname(link.page));
  const file = pathPart === '' ? resolve(root, link.page) : resolve(from, pathPart);
  const inside = relative(root, file);
  if (inside.startsWith(`..${sep}`) || inside === '..') return `leaves the repository (${inside})`;
  if (!existsSync(file)) return `no such file: ${inside}`;
  if (anchor !== undefined && anchor !== '') {
    if (!statSync(file).isFile() || !file.endsWith('.md'))
      return `anchor #${anchor} on a non-markdown target`;
    if (!anchorsOf(file).has(anchor)) return `no heading for #${anchor} in ${inside}`;
  }
  return undefined;
}

describe('relative links in README.md and docs/*.md', () => {
  test('the pages exist and have links', () => {
    expect(pages).toContain('README.md');
    expect(pages).toContain('docs/query-language.md');
    expect(links.length).toBeGreaterThan(10);
  });

  test.each(links.map((link) => [`${link.page}:${link.line} → ${link.target}`, link] as const))(
    '%s',
    (_, link) => {
      expect(checkLink(link)).toBeUndefined();
    },
  );

  test.each(pages)('%s names no path outside the repository', (page) => {
    const text = readFileSync(`${root}${page}`, 'utf8');
    const offenders = text
      .split('\n')
      .map((line, i) => ({ line: i + 1, text: line }))
      .filter(({ text }) => /(?:^|[\s(`'"])(?:\.\.\/)+shared\/|\/work\/|\/home\/|\/Users\//.test(text));
    expect(offenders).toEqual([]);
  });
});

describe('slugify', () => {
  test.each([
    ['Placement of sort and limit before filter', 'placement-of-sort-and-limit-before-filter'],
    ['The missing-field rule (§3.2, §9.3)', 'the-missing-field-rule-32-93'],
    ['kubetrail --help', 'kubetrail---help'],
    ['`panther.waf-disassociation`', 'pantherwaf-disassociation'],
    ['Schemas and [links](x.md)', 'schemas-and-links'],
  ])('%s → %s', (heading, slug) => {
    expect(slugify(heading)).toBe(slug);
  });
});
