/**
 * Renders `docs/functions.md` from the function registry, so the reference
 * cannot drift from the code (a test compares the file with this output).
 *
 * @module
 */
import { FUNCTION_ERROR_CODES } from './aggregate.js';
import { FUNCTIONS, lookupFunction } from './registry.js';
import type { FunctionDef } from './types.js';

const FAMILY_TITLES: readonly (readonly [string, string])[] = [
  ['numeric', 'Numeric'],
  ['general', 'General'],
  ['string', 'String'],
  ['datetime', 'Date and time'],
  ['ip', 'IP address'],
  ['json', 'JSON and structure types'],
  ['hash', 'Hashing'],
  ['aggregate', 'Aggregates (stats)'],
  ['time-series', 'Time series (stats)'],
];

/**
 * The signature shown in the docs for a function or alias (`substr(s, start [, length])`),
 * from its {@link FunctionDef.signature}.
 *
 * @example
 * ```ts
 * functionSignature('strlen') //=> 'strlen(s)'
 * ```
 */
export function functionSignature(name: string): string | undefined {
  return lookupFunction(name)?.signature;
}

function arity(f: FunctionDef): string {
  if (f.maxArgs === Number.POSITIVE_INFINITY) return `${f.minArgs} or more`;
  if (f.minArgs === f.maxArgs) return String(f.minArgs);
  return `${f.minArgs}–${f.maxArgs}`;
}

const TIME_SERIES = `## Time-series decisions

The newest revision's time-series page gives each function's name, argument types and a one-line meaning; the
formulas below are kubetrail's decisions (see also [the query language](query-language.md#decisions-for-the-newest-functions)).

- **The window is the stats group.** The time-series functions are aggregates. With \`by bin(5m)\` each bin is a
  window; without a \`bin\` group the whole group is one window. \`count_over_time\` and \`sum_over_time\` then equal
  \`count(field)\` and \`sum(field)\`; they exist because the page names them. The zh_cn copy's camelCase spellings
  \`countOverTime\` and \`sumOverTime\` are aliases of the same functions.
- **\`rate(field, interval)\`** is a gauge rate between the first and the last sample of the window:
  \`(last − first) / (t_last − t_first) × interval\`. A sample is a row with a numeric value and a \`@timestamp\`;
  first and last go by \`@timestamp\` (on a tie the smaller value is first and the larger last). Counter resets
  are not detected. Fewer than two distinct timestamps give no value. The interval is a fixed-length period
  (\`ms\` … \`w\`), used as written: the \`bin\` caps do not apply, and \`mo\`/\`q\`/\`y\` are \`invalid_argument\`.
- **\`histogram(field, buckets)\`** returns a map. It splits [min, max] of the window's numeric values into
  \`buckets\` equal-width buckets (a whole number from 1 to 1000, else \`invalid_argument\`): keys \`[lo,hi)\`, the
  last \`[lo,hi]\`, ascending, empty buckets included, numbers in result-string form. If every value is the same
  there is one bucket \`[v,v]\`. It keeps one counter per distinct value, like \`pct\`.
- **\`by bin(5m) offset 1h\`** adds the offset to the label of every bin: a row at 09:07 falls in the bin
  labelled 10:05. So the counts of an earlier period line up with the bins of a later one, the comparison the
  page describes. The offset is a fixed-length period and is not capped. \`bin(5m, 1h)\` is the same call, and
  the column is named as written (\`bin(5m) offset 1h\`). The query window is not widened: the rows must
  already be in the input and the time range.
`;

const DECISIONS = `## Value semantics and decisions

These rules live in \`src/query/semantics/\` (compare, format, sort keys) and the function family files; the evaluator uses them for every operator.

- **Numeric strings.** A string is numeric when it spells a decimal number exactly: optional sign, digits with an optional fraction, optional exponent (\`401\`, \`01\`, \`-1.5\`, \`2e3\`). No surrounding whitespace, no hex. Arithmetic and numeric aggregates coerce numeric strings (the docs' \`parse … | stats avg(…)\`), booleans (1/0) and timestamps (epoch ms); other values make the result missing.
- **Equality** (\`=\`, \`==\`, \`!=\`, \`in\`). A number and a string compare by value (\`401\` equals \`"401"\` and \`"401.0"\`, as the EKS guide's \`responseStatus.code="401"\` needs). A timestamp compares as its epoch ms. A boolean equals \`true\`/\`false\`, \`"true"\`/\`"false"\` and 1/0. Missing fields and JSON nulls are never equal to anything, not even to each other; maps and lists are never equal to anything (the docs: "Comparing map and list to any other fields result in false").
- **Ordering** (\`<\`, \`<=\`, \`>\`, \`>=\`). Numeric when both sides are numbers, numeric strings or timestamps (a boolean against a number counts as 1/0); otherwise the result strings compare by code point, so ordering agrees with equality. Missing, null, maps and lists make the comparison false.
- **Sort order** (\`sort\`, \`sortsFirst\`, \`sortsLast\`, \`min\`/\`max\` over text). Ascending is: missing, then null, then non-numbers, then numbers (numbers, numeric strings, timestamps). Non-numbers split into runs of digits, runs of letters and single other characters; digit runs compare by length and then value, other chunks by code point (the documented example \`!:\`, \`#\`, \`*%04\`, \`0#\`, \`5A\`, \`111A\`, \`2345_\`, \`@\`, \`@_\`, \`A\`, \`A9876fghj\`, \`a12345hfh\`, \`0\`, \`01\`, \`1\`, \`2\`, \`3\` is a test). Numbers compare by value, then by text (\`0 < 01 < 1\`). In the picks of \`min\`, \`max\`, \`sortsFirst\`, \`sortsLast\`, \`earliest\` and \`latest\`, -0 counts as smaller than +0 (their only tie), so the pick does not depend on row or merge order. Descending is the exact reverse, so \`sort x desc | limit n\` lists values before rows without \`x\`.
- **Truthiness** (\`filter x\`, \`if\`, \`case\`). Booleans as themselves; numbers unless 0; strings unless empty, \`"false"\` or a numeric zero; timestamps true; missing, null, maps and lists false.
- **Result strings.** Numbers print without exponent and with the shortest digits that round-trip (\`0.30000000000000004\`, \`1000000000000000000000\`, \`0.0000001\`); booleans \`true\`/\`false\`; timestamps \`YYYY-MM-DD HH:MM:SS.mmm\` UTC; maps and lists as compact JSON. Missing and null values have no string, so the cell is left out of the row.
- **Bad data never throws.** A function given the wrong kind of value returns no value (predicates return 0/false). Maps and lists are null for string, number and date functions.
- **Return types.** \`isempty\`, \`isblank\`, \`strcontains\`, \`startsWith\` and \`endsWith\` return 1/0; \`ispresent\`, \`isNumeric\`, the IP predicates and \`jsonArrayContains\` return \`true\`/\`false\`, as the function tables say.
- **Periods.** \`bin\`, \`datefloor\` and \`dateceil\` cap the period as the service documents: more than 1000 \`ms\` becomes 1000, more than 60 \`s\` or \`m\` becomes 60, more than 24 \`h\` becomes 24 (\`bin(300s)\` buckets by 60 s; write \`bin(5m)\`). Buckets are in UTC: \`ms\`…\`d\` aligned to the Unix epoch (\`1d\` starts at midnight UTC), \`w\` starts on Monday 00:00 UTC, \`mo\`/\`q\`/\`y\` are calendar months, quarters and years (multiples count from year 0). \`dateceil\` of a boundary is the boundary. \`bin(p)\` is \`datefloor(@timestamp, p)\`: the evaluator appends the row's \`@timestamp\`.
- **\`now()\`** is the query's start time in epoch seconds, from the \`now\` query option (the wall clock only when the option is omitted); it is the same for every row.
- **\`parseDate\`** implements a subset of Java \`DateTimeFormatter\`: \`y u M L d D H k h K a m s S E X x Z V z\` and quoted literals (\`z\` accepts \`UTC\`, \`GMT\` or a zone id; ambiguous abbreviations such as \`PST\` give no value); the whole text must match; missing date parts default to 1970-01-01 and time parts to 0; without an offset in the text the time-zone argument (default UTC; IANA names and \`±hh:mm\` accepted) applies. Other pattern letters are a compile error (\`invalid_argument\`).
- **\`formatDate\` / \`strftime\`** support \`%a %A %b %B %h %C %d %e %D %F %H %I %j %k %l %m %M %n %p %R %s %S %t %T %u %w %y %Y %z %Z %L %f %%\`; other directives are kept as written.
- **Strings.** Lengths and offsets count Unicode code points. \`substr\` is 0-based and clamps its start to the string. \`trim\` and friends without a character set remove JavaScript whitespace (\`\\s\`). \`replace\` is literal and replaces every occurrence; an empty search string changes nothing. \`concat\` skips arguments without a value. \`urlencode\` follows Java's \`URLEncoder\` (space as \`+\`). \`regexReplace\` patterns run on RE2 (linear time), like every user regex.
- **Hashing.** The docs give only the names and result type. \`md5\` and \`sha256\` hash the UTF-8 bytes of the value's result string (so \`md5(401)\` equals \`md5("401")\`, and a timestamp hashes its \`YYYY-MM-DD HH:MM:SS.mmm\` text) and return lower-case hex. Missing, null, maps and lists give no value. A lone UTF-16 surrogate is encoded as U+FFFD before hashing. Both digests are implemented in \`src/query/functions/hash.ts\` (no \`node:crypto\`, so the engine runs in a browser), and a property test checks them against \`node:crypto\`.
- **IP addresses.** IPv4 is strict dotted-quad (no leading zeros); IPv6 is RFC 4291 text without a zone. A CIDR may have host bits set. \`isPrivateIP\` covers RFC 1918 and \`fc00::/7\`; \`isReservedIP\` covers the other IANA special-purpose ranges (loopback, link-local, CGNAT, documentation, benchmarking, multicast, reserved, broadcast and their IPv6 counterparts); \`isPublicIP\` is valid and neither. IPv4-mapped IPv6 addresses are classified as their IPv4 address.
- **Aggregates merge exactly.** Every accumulator can be snapshotted and merged, and merging partial results gives exactly the result of one pass, whatever the order. Sums are exact (an integer times a power of two) and rounded once, so \`sum\` and \`avg\` do not depend on row order.
  - \`avg\`, \`sum\`, \`stddev\`, \`pct\` use the numeric values and skip the rest; with none they have no value.
  - \`stddev\` is the **sample** standard deviation (n − 1); a single value has no value.
  - \`pct(x, p)\` is the **nearest-rank** percentile without interpolation: the smallest value with at least p% of the values at or below it. It keeps one counter per distinct value.
  - \`count_distinct\` is **exact** (the service approximates at very high cardinality) and keeps every distinct value; values are distinct by their result string.
  - \`max\`/\`min\` compare numerically when the group has numeric values (non-numeric ones are then ignored), else by the sort order. Maps and lists are ignored.
  - \`earliest\`/\`latest\` take the value from the row with the smallest/largest \`@timestamp\` among rows that have the field; timestamp ties go to the value that sorts first/last.
`;

function aliasCount(): number {
  return FUNCTIONS.reduce((n, f) => n + (f.aliases?.length ?? 0), 0);
}

/**
 * Renders the function reference as Markdown.
 *
 * @example
 * ```ts
 * renderFunctionDocs().startsWith('# Functions') //=> true
 * ```
 */
export function renderFunctionDocs(): string {
  const lines: string[] = [
    '# Functions',
    '',
    '<!-- Generated by scripts/generate-function-docs.ts from src/query/functions; do not edit by hand. -->',
    '',
    `kubetrail implements ${FUNCTIONS.length} functions of the CloudWatch Logs Insights query language (${aliasCount()} more spellings are aliases): every function of the current documentation revision and of the newest revision's function tables, including the hashing functions \`md5\` and \`sha256\` and the time-series functions \`count_over_time\`, \`sum_over_time\`, \`rate\` and \`histogram\`. No function of those tables is missing. Function names are case-insensitive. Examples show a call and its result; a result in quotes is a string. Where the reference material has a gap, the decision is stated here and in [the query language](query-language.md#decisions-for-the-newest-functions).`,
    '',
  ];
  for (const [family, title] of FAMILY_TITLES) {
    const members = FUNCTIONS.filter((f) => f.family === family);
    if (members.length === 0) continue;
    lines.push(`## ${title}`, '');
    for (const f of members) {
      lines.push(`### ${f.name}`, '');
      lines.push(`\`${f.signature}\` → ${f.returns ?? 'value'}`, '');
      lines.push(f.summary, '');
      const notes: string[] = [`arguments: ${arity(f)}`];
      if (f.constantArgs !== undefined && f.constantArgs.length > 0) {
        notes.push(
          `constant argument${f.constantArgs.length > 1 ? 's' : ''}: ${f.constantArgs.map((i) => i + 1).join(', ')}`,
        );
      }
      if (f.kind === 'aggregate') notes.push('aggregate: use in `stats`');
      if (f.aliases !== undefined && f.aliases.length > 0)
        notes.push(`also spelled ${f.aliases.map((a) => `\`${a}\``).join(', ')}`);
      lines.push(`${notes.join('; ')}.`, '');
      lines.push('```', f.example, '```', '');
    }
  }
  lines.push(TIME_SERIES);
  lines.push(DECISIONS);
  lines.push('## Error codes', '', '| Code | Meaning |', '|---|---|');
  for (const [code, meaning] of Object.entries(FUNCTION_ERROR_CODES))
    lines.push(`| \`${code}\` | ${meaning} |`);
  lines.push('');
  return lines.join('\n');
}
