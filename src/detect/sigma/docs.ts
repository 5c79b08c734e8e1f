/**
 * The Sigma part of docs/detections.md: what kubetrail supports, the
 * load/run status of the vendored SigmaHQ rules, and which of them fire on
 * the labelled events (the report is computed by the tests, which can read
 * files; this layer only renders it).
 *
 * @module
 * @internal
 */
import { SIGMA_MODIFIERS } from './values.js';

/** What the tests measured over the SigmaHQ corpus. */
export interface SigmaCorpusReport {
  readonly status: readonly {
    readonly file: string;
    readonly id: string;
    readonly title: string;
    readonly level: string;
    readonly author: string;
    readonly state: string;
    readonly notes: readonly string[];
  }[];
  readonly labelled: readonly {
    readonly rule: string;
    readonly title: string;
    readonly stratus: readonly string[];
    readonly panther: number;
    readonly falco: number;
  }[];
  readonly misses: readonly {
    readonly rule: string;
    readonly title: string;
    readonly set: string;
    readonly reason: string;
  }[];
}

const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/**
 * Renders the Sigma sections.
 *
 * @example
 * ```ts
 * renderSigmaDocs({ status: [], labelled: [], misses: [] }).startsWith('\n## Sigma rules'); //=> true
 * ```
 */
export function renderSigmaDocs(report: SigmaCorpusReport): string {
  const runs = report.status.filter((s) => s.state === 'runs').length;
  const out: string[] = [
    '',
    '## Sigma rules',
    '',
    '`kubetrail detect <logs> --sigma <files|dirs>` loads Sigma rules, correlation rules and filters and runs them',
    'in the same pass as the built-in catalogue (`--sigma-only`: instead of it). In the library,',
    '`loadSigmaRules([{ file, text }])` returns the rules and every problem, and `runDetections(events, { sigma })`',
    "runs them. Findings of a Sigma rule have the id `sigma.<rule id>` and carry the rule's `id`, `title`,",
    '`level`, `author` and `references` in `sigma` (DRL 1.1 attribution), with the file and line of the rule.',
    '',
    '```sh',
    'kubetrail detect samples/incident --sigma test/fixtures/corpus/sigmahq-rules --sigma-only',
    '```',
    '',
    'What is supported:',
    '',
    '- **Log sources:** `product: aws` + `service: cloudtrail` reads CloudTrail records; `product: kubernetes` +',
    '  `service: audit` reads Kubernetes audit events. Any other log source is reported as unsupported and skipped.',
    "- **Fields** are the record's own names, dotted (`objectRef.resource`, `userIdentity.arn`); a dotted name also",
    '  reaches keys that contain dots (`annotations.authorization.k8s.io/decision`); lists on the way are searched',
    "  (a value matches when any element does). SigmaHQ's Kubernetes rules name `apiGroup`, `hostPath` and",
    "  `capabilities`; kubetrail maps them to `objectRef.apiGroup`, the pod spec's `volumes.hostPath` and the",
    "  containers' `securityContext.capabilities.add`. A field that is not a top-level field of the log source",
    '  is a warning (the entry can never match).',
    '- **Detection:** named search identifiers; maps (AND), lists of values and lists of maps (OR); keywords',
    "  (searched in the record's JSON text, `@message`, case-insensitively) and `|all` keywords; `condition` with",
    '  `and`, `or`, `not`, brackets, `1 of` / `all of` a pattern (`*` anywhere) or `them` (identifiers not starting',
    '  with `_`), and a list of conditions (OR).',
    '- **Values:** case-insensitive by default; `*` and `?` wildcards with `\\*`, `\\?` and `\\\\` escapes (matched',
    "  without backtracking); `''` is the empty string; `null` a missing or null field; numbers also match their",
    '  spelling as a string; a lone `*` matches any value, objects included.',
    `- **Modifiers** (the appendix's ${SIGMA_MODIFIERS.length}, with \`i\`, \`m\`, \`s\` after \`re\`): \`contains\`, \`startswith\`, \`endswith\`,`,
    '  `all`, `exists`, `cased`, `neq`, `windash`, `re` (RE2 syntax through RE2JS: no backtracking on log data),',
    '  `base64`, `base64offset`, `lt`/`lte`/`gt`/`gte`, `minute`/`hour`/`day`/`week`/`month`/`year` (UTC, ISO weeks),',
    '  `cidr` (IPv4 and IPv6), `expand` (placeholder values from `--sigma-placeholder name=v1,v2` or the',
    '  `placeholders` option; a placeholder without values makes the rule unsupported), `fieldref` (alone or with',
    '  `neq`/`cased`). `utf16le`/`utf16be`/`utf16`/`wide` work before `base64`/`base64offset`; alone they are',
    "  unsupported (a JSON log's strings never hold UTF-16 bytes). An unknown modifier is an error.",
    '- **Correlation rules:** `event_count`, `value_count`, `temporal`, `temporal_ordered`, `value_sum`, `value_avg`,',
    '  `value_percentile`, with `group-by`, `timespan` (`s`, `m`, `h`, `d`, `w`), `condition` bounds and `aliases`.',
    '  Rules are referenced by `id` or `name`; the referenced rules report their own matches only with',
    "  `generate: true`. A window starts at each event of a group and holds the group's events up to `timespan`",
    '  later; a group matches when its condition holds in some window (the finding row shows the first one).',
    '  `value_percentile` matches when a value makes up at most (or at least, per the bound) the given percentage',
    "  of the window's events. Chained correlations (a correlation of correlations) are unsupported.",
    '- **Filters** (`filter:` documents) remove their matches from the rules they name.',
    '- **Problems** are reported all at once, each with file, line, column and rule id: invalid YAML, schema',
    '  errors, unknown modifiers, unknown search identifiers, an empty selection (`condition: selection` on `{}`',
    '  would match everything) stop the run (exit 4); unsupported rules and warnings (unknown fields, a condition',
    '  made only of negations) are printed and the rest runs.',
    '',
    '### `kubetrail sigma convert`',
    '',
    '`kubetrail sigma convert <rules>` prints each Sigma detection rule as a Logs Insights query, so the same rule',
    'runs in the CloudWatch console (library: `sigmaToInsights(rule)`). Strings become anchored RE2 regexes,',
    'case-insensitive unless `cased` (`eventName like /(?is)^StopLogging$/`); keywords search `@message`; `exists` is',
    '`ispresent`; `cidr` is `isIpInSubnet`; `fieldref` compares `tolower()` of both fields; numeric modifiers compare',
    'only values that are numbers. A property test runs generated rules and events both ways and requires the same',
    'matches (`test/detect/sigma-convert.test.ts`), and every SigmaHQ rule converts. Two differences are inherent',
    'to Logs Insights: it flattens lists into `field.0`, `field.1`, … (a Sigma rule tests every element; the query',
    'sees the field only when it is a single value), and `ispresent` is false for a field holding `null`, which',
    "Sigma's `exists: true` counts as present. The time modifiers, correlations and filters are not converted.",
    '',
    '```sh',
    'kubetrail sigma convert test/fixtures/corpus/sigmahq-rules/cloudtrail/aws_cloudtrail_disable_logging.yml',
    '```',
    '',
    '### SigmaHQ rules: load and run status',
    '',
    `The ${report.status.length} SigmaHQ rules vendored in \`test/fixtures/corpus/sigmahq-rules/\` (Detection Rule License 1.1;`,
    `the authors are credited below and in each rule) run unchanged: ${runs} of ${report.status.length} load and run.`,
    'Generated by `test/detect/sigma-corpus.test.ts`.',
    '',
    '| rule | title | level | author | status |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const s of report.status) {
    const notes = s.notes.length === 0 ? '' : `; ${s.notes.join('; ')}`;
    out.push(
      `| \`${s.file}\` | ${cell(s.title)} | ${s.level} | ${cell(s.author)} | ${s.state}${cell(notes)} |`,
    );
  }
  out.push(
    '',
    '### SigmaHQ rules on labelled events',
    '',
    'Which SigmaHQ rules fire on the labelled events of the corpus: the Stratus Red Team detonations (one file per',
    "technique), Panther's rule-test events and Falco's audit traces (events matched).",
    '',
    '| rule | title | Stratus techniques | Panther test events | Falco trace events |',
    '| --- | --- | --- | ---: | ---: |',
  );
  for (const l of report.labelled) {
    out.push(
      `| \`${l.rule}\` | ${cell(l.title)} | ${l.stratus.length === 0 ? '—' : l.stratus.map((t) => `\`${t}\``).join(', ')} | ${l.panther} | ${l.falco} |`,
    );
  }
  out.push(
    '',
    'Misses: a Stratus technique whose events include the API call a rule names, but the rule does not fire, and why.',
    '',
    '| rule | title | detonation | why not |',
    '| --- | --- | --- | --- |',
  );
  for (const m of report.misses)
    out.push(`| \`${m.rule}\` | ${cell(m.title)} | ${m.set} | ${cell(m.reason)} |`);
  if (report.misses.length === 0) out.push('| — | — | — | — |');
  return `${out.join('\n')}\n`;
}
