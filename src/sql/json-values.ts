/**
 * Maps and lists the query makes, as DuckDB JSON: `jsonParse`, `split`, the
 * paths into them (`j.user.id`, `jsonParse(s).start`, `j.tags[1]`) and the
 * element lists `unnest` multiplies rows out of.
 *
 * A value that may hold a map or list is a `json` value marked `structured`
 * (see `values.ts`). The rules are the engine's (`src/query/functions/json.ts`,
 * `walkValue` in `src/query/row.ts`):
 * - `jsonParse` takes a string whose JavaScript-trimmed text starts with `{`
 *   or `[`, is at most 1,048,576 UTF-16 units long and is strict JSON
 *   (`JSON.parse`); DuckDB's parser also reads trailing commas and
 *   `NaN`/`Infinity`, so those are tested apart and give no value, as in the
 *   engine. A lone surrogate escape (`"\ud800"`), which `JSON.parse` reads and
 *   DuckDB rejects, stops the query (`sql_unsupported`) instead.
 * - A path walks maps by key, trying the dotted joins of the segments in the
 *   engine's order (`a.b` is key `a` then `b`, else key `a.b`), and lists by
 *   index segment (digits, no leading zero). A map whose read key is repeated
 *   (`JSON.parse` keeps the last, DuckDB the first) stops the query.
 * - The text of a map or list (a `stats` group, `like`, `dedup`) is not
 *   translated (the engine's compact JSON writes numbers and escapes its own
 *   way): it stops the query when a row holds one.
 *
 * Trino: none of this is translated. `json_parse`'s grammar and duplicate-key
 * rule cannot be checked here, so each construct stays `sql_unsupported` there.
 *
 * @module
 */
import { sqlString } from './dialect.js';
import { JS_WHITESPACE, notTranslated, type Semantics, type SqlValue } from './values.js';

/** Largest string `jsonParse` reads (UTF-16 units), as the engine's `MAX_JSON_PARSE_LENGTH`. */
const MAX_PARSE = 1_048_576;

/** Path segments beyond this many are not translated (the dotted-join alternatives double per segment). */
export const MAX_PATH_SEGMENTS = 8;

/**
 * True when a JSON value is a map or a list.
 *
 * @example
 * ```ts
 * isStructureSql('d1') //=> "json_type(d1) IN ('OBJECT', 'ARRAY')"
 * ```
 * @internal
 */
export function isStructureSql(x: string): string {
  return `json_type(${x}) IN ('OBJECT', 'ARRAY')`;
}

/** The number of UTF-16 units of a string (astral code points count two). */
function utf16Length(s: string): string {
  return `(length(${s}) + length(regexp_replace(${s}, '[^\\x{10000}-\\x{10FFFF}]', '', 'g')))`;
}

/** `jsonParse` of a string (SQL VARCHAR) as structured JSON, NULL where the engine gives no value. */
function parseString(s: string): string {
  const t = `regexp_replace(${s}, ${sqlString(`^[${JS_WHITESPACE}]+|[${JS_WHITESPACE}]+$`)}, '', 'g')`;
  // Strings blanked, what remains must be JSON.parse's tokens: no trailing comma, no NaN/Infinity.
  const bare = `regexp_replace(kt_p, '"(?:[^"\\\\]|\\\\.)*"', '""', 'g')`;
  const strict = `NOT regexp_matches(${bare}, ',[ \\t\\n\\r]*[\\]}]') AND regexp_full_match(regexp_replace(${bare}, 'true|false|null', '', 'g'), '[ \\t\\n\\r\\[\\]{}:,0-9.eE+"-]*')`;
  const surrogate = `regexp_matches(kt_p, '\\\\u[dD][89abAB]')`;
  const parse = `list_transform([${t}], kt_p -> CASE WHEN left(kt_p, 1) NOT IN ('{', '[') THEN NULL WHEN json_valid(kt_p) THEN CASE WHEN ${strict} THEN json(kt_p) END WHEN ${surrogate} THEN ${notTranslated('jsonParse of text with a lone surrogate escape')} END)[1]`;
  return `CASE WHEN length(${s}) <= ${MAX_PARSE / 2} OR ${utf16Length(s)} <= ${MAX_PARSE} THEN ${parse} END`;
}

/**
 * `jsonParse(v)`: a map or list as itself, a string parsed, anything else no value.
 *
 * @example
 * ```ts
 * jsonParseValue({ kind: 'num', sql: 'x' }, sem).sql //=> 'CAST(NULL AS JSON)'
 * ```
 * @internal
 */
export function jsonParseValue(v: SqlValue, sem: Semantics): SqlValue {
  const s = sem.str(v);
  const parsed = s === undefined ? 'CAST(NULL AS JSON)' : parseString(s);
  if (v.structured === true)
    return structured(`CASE WHEN ${isStructureSql(v.sql)} THEN ${v.sql} ELSE ${parsed} END`);
  return structured(parsed);
}

/**
 * `split(s, delimiter)`: the list of strings as JSON (an empty delimiter splits into code points; `''` into none).
 *
 * @example
 * ```ts
 * splitValue("'a,b'", "','").kind //=> 'json'
 * ```
 * @internal
 */
export function splitValue(s: string, delimiter: string): SqlValue {
  return structured(
    `CASE WHEN ${delimiter} = '' AND ${s} = '' THEN CAST('[]' AS JSON) ELSE to_json(string_split(${s}, ${delimiter})) END`,
  );
}

/** A structured JSON value. @internal */
export function structured(sql: string): SqlValue {
  return { kind: 'json', sql, structured: true };
}

function isIndexSegment(s: string): boolean {
  return /^(?:0|[1-9][0-9]{0,8})$/.test(s);
}

/** One step of a walk: a map's key (stopping on a repeated key), or a list's index. */
function step(node: string, key: string): string {
  const pointer = sqlString(`/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`);
  const repeated = `len(list_filter(json_keys(${node}), kt_k -> kt_k = ${sqlString(key)})) > 1`;
  const map = `CASE WHEN ${repeated} THEN ${notTranslated('a path into a map with a repeated key')} ELSE json_extract(${node}, ${pointer}) END`;
  const list = isIndexSegment(key) ? ` WHEN 'ARRAY' THEN json_extract(${node}, ${pointer})` : '';
  return `CASE json_type(${node}) WHEN 'OBJECT' THEN ${map}${list} END`;
}

/**
 * The engine's `walkValue` of a structured JSON value along path parts: the
 * first reading, over the dotted joins of the parts, that finds a value.
 *
 * @example
 * ```ts
 * walkSql('d1', []) //=> 'd1'
 * ```
 * @internal
 */
export function walkSql(node: string, parts: readonly string[], depth = 0): string {
  if (parts.length === 0) return node;
  const n = `kt_w${depth}`;
  const readings: string[] = [];
  for (let j = 1; j <= parts.length; j++)
    readings.push(walkSql(step(n, parts.slice(0, j).join('.')), parts.slice(j), depth + 1));
  const first = readings.length === 1 ? (readings[0] as string) : `COALESCE(${readings.join(', ')})`;
  return `list_transform([${node}], ${n} -> ${first})[1]`;
}

/**
 * The elements `unnest` makes rows of, from a JSON value: a list's elements
 * (a JSON null element stays: a row whose field is null), any other present
 * value as a list of one, and none for a missing value or null.
 *
 * @example
 * ```ts
 * unnestItems(structured('d1'), sem) //=> "CASE WHEN json_type(d1) = 'ARRAY' THEN json_extract(d1, '$[*]') WHEN … THEN [d1] ELSE CAST([] AS JSON[]) END"
 * ```
 * @internal
 */
export function unnestItems(v: SqlValue, sem: Semantics): string {
  const present = sem.present(v) ?? 'FALSE';
  const list =
    v.structured === true ? `WHEN json_type(${v.sql}) = 'ARRAY' THEN json_extract(${v.sql}, '$[*]') ` : '';
  return `CASE ${list}WHEN ${present} THEN [${v.sql}] ELSE CAST([] AS JSON[]) END`;
}
