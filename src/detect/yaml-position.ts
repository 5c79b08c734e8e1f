/**
 * Positions in YAML (and JSON) text: the line and column of the value or
 * key at a path, for errors that name where a rules file is wrong.
 *
 * @module
 * @internal
 */
import type { Document, LineCounter } from 'yaml';
import { loadYamlModule } from './yaml-module.js';

/**
 * The 1-based line and column of the node at `path` in a parsed document:
 * the key of the deepest map entry found along the path (or the list item),
 * else the document start.
 *
 * @example
 * ```ts
 * const yaml = loadYamlModule();
 * const lines = new yaml.LineCounter();
 * const doc = yaml.parseDocument('a:\n  b: 1\n', { lineCounter: lines });
 * yamlPosition(doc, lines, ['a', 'b']); //=> { line: 2, column: 3 }
 * ```
 */
export function yamlPosition(
  doc: Document,
  lines: LineCounter,
  path: readonly (string | number)[],
): { line: number; column: number } {
  const yaml = loadYamlModule();
  let node: unknown = doc.contents;
  let at: number | undefined = (node as { range?: [number] } | null)?.range?.[0];
  for (const seg of path) {
    if (yaml.isMap(node)) {
      const pair = node.items.find((p) => yaml.isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair === undefined) break;
      const keyRange = (pair.key as { range?: [number] }).range;
      if (keyRange) at = keyRange[0];
      node = pair.value;
    } else if (yaml.isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      node = item;
      const r = (item as { range?: [number] }).range;
      if (r) at = r[0];
    } else break;
  }
  const pos = lines.linePos(at ?? 0);
  return { line: pos.line, column: pos.col };
}
