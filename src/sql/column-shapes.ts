/**
 * Chunk shapes of an imported copy's string columns: when every value of a
 * column has one shape, the service's sort order over it is the plain
 * code-point order, so the SQL sorts it with a plain `ORDER BY` instead of
 * building a chunk key per string (`SqlSemantics.sortKeys`).
 *
 * The shape of a string is the string with each ASCII digit replaced by `0`
 * and each ASCII letter by `a`, every other character kept. Two strings of
 * one shape have the same length, and the same character wherever either
 * has something other than an ASCII digit or letter; so `compareChunked`
 * splits both into chunks at the same places (every character's class —
 * digit, letter, other — is the same in both), each pair of chunks has one
 * length, and the first differing chunk pair differs first at an ASCII digit
 * or letter, where chunk order, code-unit order and UTF-8 byte order agree.
 *
 * @module
 */

/** 1 for an ASCII digit, 2 for an ASCII letter, 0 for any other UTF-16 unit. */
function unitClass(c: number): number {
  if (c >= 0x30 && c <= 0x39) return 1;
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return 2;
  return 0;
}

/**
 * The chunk shape of a string (see the module comment).
 *
 * @example
 * ```ts
 * chunkShape('2024-05-14T10:00:00Z') //=> '0000-00-00a00:00:00a'
 * ```
 */
export function chunkShape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const k = unitClass(c);
    out += k === 1 ? '0' : k === 2 ? 'a' : s[i];
  }
  return out;
}

/**
 * Whether two strings have one chunk shape, without building either shape.
 *
 * @example
 * ```ts
 * sameChunkShape('a-1', 'Z-9') //=> true
 * sameChunkShape('a-1', 'a.1') //=> false
 * ```
 */
export function sameChunkShape(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const k = unitClass(x);
    if (k === 0 || k !== unitClass(y)) return false;
  }
  return true;
}

/**
 * Whether a string of this shape could be a numeric string
 * (`isNumericString`; a letter may be an exponent's `e`). Numeric strings
 * sort as numbers, so a column of such a shape keeps the full sort key.
 *
 * @example
 * ```ts
 * mayBeNumericShape('0a00') //=> true
 * mayBeNumericShape('0000-00-00') //=> false
 * ```
 */
export function mayBeNumericShape(shape: string): boolean {
  return /^[+-]?(?:0+(?:\.0*)?|\.0+)(?:a[+-]?0+)?$/.test(shape);
}

/**
 * Follows the string values of some fields, row by row, and tells which
 * fields had one chunk shape over all their string values (other values are
 * ignored: a column is typed `str` only when every value is a string).
 *
 * @example
 * ```ts
 * const shapes = new ShapeTracker(['stageTimestamp', 'verb']);
 * shapes.observe({ stageTimestamp: '2024-05-14T10:00:00Z', verb: 'get' });
 * shapes.observe({ stageTimestamp: '2024-05-14T10:00:01Z', verb: 'list' });
 * shapes.shapes() //=> new Map([['stageTimestamp', '0000-00-00a00:00:00a']])
 * ```
 */
export class ShapeTracker {
  readonly #fields: readonly string[];
  /** Per field: the first string seen, `false` once two shapes were seen, `undefined` before any. */
  readonly #first: (string | false | undefined)[];

  constructor(fields: readonly string[]) {
    this.#fields = fields;
    this.#first = fields.map(() => undefined);
  }

  /** Looks at one row's values (field name → value). */
  observe(values: Readonly<Record<string, unknown>>): void {
    const fields = this.#fields;
    const first = this.#first;
    for (let i = 0; i < fields.length; i++) {
      const v = values[fields[i] as string];
      if (typeof v !== 'string') continue;
      const f = first[i];
      if (f === undefined) first[i] = v;
      else if (f !== false && f !== v && !sameChunkShape(f, v)) first[i] = false;
    }
  }

  /** The fields whose string values all had one shape, with that shape. */
  shapes(): Map<string, string> {
    const out = new Map<string, string>();
    this.#fields.forEach((field, i) => {
      const f = this.#first[i];
      if (typeof f === 'string') out.set(field, chunkShape(f));
    });
    return out;
  }
}
