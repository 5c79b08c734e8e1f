/**
 * The error-code catalogue: every code kubetrail's errors carry, with what
 * it means, grouped by the error class that carries it. Each layer's table
 * (`QUERY_ERROR_CODES`, `INPUT_ERROR_CODES`, …) is defined here and
 * re-exported by its layer, and `docs/errors.md` is generated from
 * {@link ERROR_CATALOGUE} (`scripts/generate-error-docs.ts`). Codes are
 * stable: never rename one, only add.
 *
 * This module imports nothing, so every layer (the browser-safe schemas and
 * engine included) can take its codes from it.
 *
 * @module
 */

/**
 * Every query error code with a one-line description, for `docs/errors.md`
 * and `--help`. Codes are stable: never rename one, only add.
 *
 * @example
 * ```ts
 * QUERY_ERROR_CODES.unknown_command //=> 'A stage starts with a word that is not a command.'
 * ```
 */
export const QUERY_ERROR_CODES = {
  // lex
  unexpected_character: 'A character that cannot start any token, such as `!` alone or `$`.',
  unterminated_string: 'A quoted string has no closing quote.',
  unterminated_regex: 'A `/regex/` has no closing slash.',
  unterminated_name: 'A backtick-quoted name has no closing backtick.',
  invalid_number: 'A number is malformed or followed by letters that are not a time unit (`5x`, `1e`).',
  // parse
  empty_query: 'The query has no commands (it is empty or only comments).',
  expected_command: 'A stage is empty (`| |`, a trailing `|`) or does not start with a command name.',
  unknown_command: 'A stage starts with a word that is not a command.',
  unexpected_token: 'A token that the grammar does not allow here.',
  expected_expression: 'An expression (field, literal, call, list or parenthesised expression) is missing.',
  expected_name: 'A field name or alias is missing (after `as`, `into`, in `dedup`, ...).',
  expected_integer: 'A whole number is missing (after `limit`).',
  expected_period: 'A duration such as `1h` is missing (after `offset` in `by bin(5m) offset 1h`).',
  limit_too_large: '`limit N` (or `head`/`tail`) with N above 100,000, the maximum of the Limit page.',
  chained_comparison: 'Two comparisons in a row (`a < b < c`); add parentheses.',
  misplaced_source: '`SOURCE` appears after the first stage.',
  nesting_too_deep: 'The expression nests deeper than the parser allows.',
  parse_name_mismatch: 'A `parse` glob has a different number of `*` wildcards than names after `as`.',
  // compile
  unknown_function: 'A call names a function that does not exist.',
  wrong_arity: 'A function is called with too few or too many arguments.',
  invalid_regex: 'A regex is not valid RE2 syntax (backreferences and lookaround are not supported).',
  invalid_argument: 'A function argument has the wrong form (for example a period where a field is needed).',
  constant_required: 'An argument that must be a literal (a period, a percent) is a field or expression.',
  aggregate_not_allowed: 'An aggregate function is used outside `stats`, or nested in another aggregate.',
  aggregate_required: 'A `stats` item has no aggregate function.',
  unknown_field_after_stats: 'A command after `stats` references a field that `stats` did not produce.',
  command_after_dedup: 'A command other than `limit` follows `dedup`.',
  too_many_stats: 'The query has more than two `stats` commands.',
  command_before_stats:
    'A `sort` or `limit` comes before the second `stats` of the query, which the Stats page does not allow.',
  unsupported_command: 'The command exists in the service but cannot run offline, or is not supported.',
  misplaced_command:
    '`diff` or `anomaly` is neither directly after `pattern` nor on its own (where it mines `@message`): another command stands between them, or it follows another `diff` or `anomaly`.',
  fillmissing_without_bin:
    '`fillmissing` does not follow a `stats … by bin(…)` whose bin column is still there: it has no time bins to fill.',
  // join, subqueries, lookup and cidrlookup (data the caller supplies)
  unknown_source:
    'A `SOURCE` inside a `join` or a subquery names a source the caller did not supply (the `sources` option, `--source name=path`).',
  unknown_lookup_table:
    '`lookup` or `cidrlookup` names a table the caller did not supply (the `lookups` option, `--lookup name=file.csv`).',
  unknown_lookup_column: '`lookup` or `cidrlookup` names a column that the lookup table does not have.',
  invalid_lookup_table:
    'A lookup table cannot be used as the query asks: a row that is not an object of cells, or a `cidrlookup` CIDR cell that is not a CIDR; the message names the file and line.',
  bad_join_condition:
    'The `where` of a `join` is not `left.field = right.field` equalities joined with `and` (each side naming one alias), or the aliases are missing or the same.',
  nested_subquery:
    'A subquery or `join` inside a subquery or the right side of a `join`: subqueries do not nest.',
  subquery_field_missing:
    'The inner query of `field in (…)` does not produce the field the outer query compares (nor exactly one column).',
  // SQL (src/sql)
  sql_unsupported:
    'A construct of the query (a command, function, operator or regex feature) that the SQL compiler (`compileToSql`, `engine: "duckdb"`, `kubetrail sql`) does not translate; the error names it and its span.',
  sql_unreachable_field:
    'The SQL table model has no column or path for a field the query reads (for example `@message` under the CloudTrail SerDe).',
  // run
  query_cancelled: 'The query was cancelled through its AbortSignal.',
  diff_no_baseline:
    "`diff` without both ends of a window (`startTime`/`endTime`, `--start`/`--end`) uses the data's own range, and that range is too short to hold the window and the earlier one it is compared with; give the window, or read more data.",
  resource_limit:
    "A buffering stage reached the run's memory budget (`memoryBudgetBytes`, `--memory-budget`) and cannot spill (no spill store, one stats group alone over the budget, or the table/csv/json output), or it would hold more rows than an explicit `maxBufferedRows`; the run stops instead of dropping rows.",
} as const satisfies Record<string, string>;

/**
 * The error codes that `compileQuery` and a run can throw (their
 * descriptions are in `QUERY_ERROR_CODES`), for `docs/errors.md`. Syntax
 * errors from `parseQuery` come first, with their own codes.
 *
 * @example
 * ```ts
 * COMPILE_ERROR_CODES.includes('unknown_function') //=> true
 * ```
 */
export const COMPILE_ERROR_CODES: readonly (keyof typeof QUERY_ERROR_CODES)[] = Object.freeze([
  'unknown_function',
  'wrong_arity',
  'invalid_regex',
  'invalid_argument',
  'constant_required',
  'aggregate_not_allowed',
  'aggregate_required',
  'unknown_field_after_stats',
  'command_after_dedup',
  'too_many_stats',
  'command_before_stats',
  'unsupported_command',
  'misplaced_command',
  'fillmissing_without_bin',
  'diff_no_baseline',
  'misplaced_source',
  'parse_name_mismatch',
  'unknown_source',
  'unknown_lookup_table',
  'unknown_lookup_column',
  'invalid_lookup_table',
  'bad_join_condition',
  'nested_subquery',
  'subquery_field_missing',
  'query_cancelled',
  'resource_limit',
] as const);

/**
 * Error codes the function library reports through the evaluator.
 *
 * @example
 * ```ts
 * FUNCTION_ERROR_CODES.invalid_argument //=> 'A constant argument …'
 * ```
 */
export const FUNCTION_ERROR_CODES: Readonly<Partial<Record<keyof typeof QUERY_ERROR_CODES, string>>> =
  Object.freeze({
    invalid_argument:
      'A constant argument is malformed or out of range: a pct percent outside 0–100, a period that is not positive, an invalid regexReplace pattern, an unsupported parseDate pattern letter.',
  });

/**
 * Every code an {@link InputError} can carry, with a one-line description.
 * `docs/errors.md` is generated from this table.
 *
 * @example
 * ```ts
 * INPUT_ERROR_CODES.truncated_gzip //=> 'The gzip stream ended before its end-of-member trailer…'
 * ```
 */
export const INPUT_ERROR_CODES = Object.freeze({
  bad_json_line: 'A line of a newline-delimited JSON file is not valid JSON.',
  bad_json_value:
    'A JSON value inside a document (an element of Records, events, items, …, or a whole document) is not valid JSON.',
  truncated_json: 'The input ended inside a JSON value: the file was cut off mid-document.',
  truncated_gzip: 'The gzip stream ended before its end-of-member trailer: the file was cut off.',
  bad_gzip: 'The input starts with the gzip magic bytes but its compressed data is corrupt.',
  invalid_utf8: 'A record contains bytes that are not valid UTF-8.',
  line_too_long: 'A single line or record is larger than the maxLineBytes limit.',
  record_too_complex:
    'A record holds more JSON values than the maxRecordValues limit: parsing it would build far more memory than its size.',
  bad_csv_row: 'A CSV row has an unterminated quoted field or cannot be parsed.',
  bad_record:
    'A record has the right syntax but not the shape its format requires (e.g. a non-string message).',
  unreadable_file: 'A file or directory could not be opened or read (missing, permission denied, I/O error).',
  unknown_format: 'The content matches none of the supported formats; force one with the format option.',
  bad_input: 'The input value is not one of the supported input types, or a glob matched nothing.',
  aborted: 'Reading was aborted through the AbortSignal.',
  bad_lookup_table:
    'A lookup table CSV file has no header row, an empty or repeated column name, a row with more or fewer cells than the header, an unterminated quoted field or bytes that are not UTF-8; the error names the file and line.',
  lookup_table_too_large:
    'A lookup table CSV file is larger than the 10 MB the service allows for a table body.',
} as const);

/**
 * Error codes thrown by `kubetrail`'s schema layer, with what they mean.
 *
 * @example
 * ```ts
 * SCHEMA_ERROR_CODES.invalid_record; //=> 'A record failed validation …'
 * ```
 */
export const SCHEMA_ERROR_CODES = Object.freeze({
  invalid_record:
    'A record failed validation against its schema (strict mode: any type, enum, format or required-field ' +
    'violation; lenient mode: the value is not a JSON object). The error carries the zod issues and the path ' +
    'of the first offending field.',
} as const);

/**
 * Stable error codes thrown by `src/detect`, with what each means.
 *
 * @example
 * ```ts
 * Object.keys(DETECT_ERROR_CODES).includes('unknown_detection_id'); //=> true
 * DETECT_ERROR_CODES.duplicate_detection_id; //=> 'Two detections in one set share an id.'
 * ```
 */
export const DETECT_ERROR_CODES = {
  detection_parse_error: 'A detections file is not valid YAML or JSON text.',
  invalid_detection:
    'A detection does not match DetectionSchema (missing field, bad id, unknown severity or kind).',
  duplicate_detection_id: 'Two detections in one set share an id.',
  invalid_detection_query: "A detection's query failed to compile; the engine's QueryError is the cause.",
  unknown_detection_id: 'A detection id asked for by name is not in the catalogue.',
  invalid_sigma_rules:
    'Sigma rules have errors (not valid YAML, not valid Sigma, an unknown modifier or search identifier, an empty selection); every problem is listed with file, line and column.',
  sigma_not_convertible:
    'A Sigma rule uses something Logs Insights cannot express (a time modifier, a correlation), so sigma convert cannot translate it.',
  sigma_correlation_limit:
    'A Sigma correlation kept more matching events than maxCorrelationEvents allows; the run stops rather than drop any.',
  invalid_investigation_option:
    'An investigation option is out of range (a CIDR that does not parse, a negative window).',
  invalid_allow_list:
    'An allow-list file or option is not valid (not YAML or JSON, an unknown list, a CIDR that does not parse); the message names the file and line.',
  resource_limit:
    'A timeline would hold more entries than `maxEntries` or more bytes than `memoryBudgetBytes` allows; narrow the selector or the window, or raise the bound. Entries are never dropped.',
} as const;

/**
 * The codes of {@link SqlEngineError}, with their descriptions (for docs/errors.md).
 *
 * @example
 * ```ts
 * Object.keys(SQL_ENGINE_ERROR_CODES).includes('duckdb_missing') //=> true
 * ```
 */
export const SQL_ENGINE_ERROR_CODES = {
  duckdb_missing:
    "`engine: 'duckdb'`, `kubetrail import` or `--engine duckdb` needs the optional dependency `@duckdb/node-api`, which is not installed (`npm install @duckdb/node-api`).",
  duckdb_error: 'DuckDB failed while loading or querying the events; the message is DuckDB’s own.',
  lone_surrogate:
    'An event the DuckDB engine would load holds a lone UTF-16 surrogate (a JSON `\\ud800` escape without its pair), which DuckDB cannot store. `query`/`queryStream` and the CLI then run the query on the streaming engine when they can read the input again (files; not stdin or a stream).',
  unknown_table_model: 'The table model (`--table`) is not one of the models kubetrail knows.',
  unknown_dialect: 'The SQL dialect (`--dialect`) is not `duckdb` or `trino`.',
} as const satisfies Record<string, string>;

/**
 * The codes of {@link ReadNothingError}, with what each means (for `docs/errors.md`).
 *
 * @example
 * ```ts
 * READ_NOTHING_CODES.glob_matched_nothing; //=> 'A glob given on the command line matched no file.'
 * ```
 */
export const READ_NOTHING_CODES = {
  no_such_path: 'A path given on the command line does not exist (with or without glob characters).',
  glob_matched_nothing: 'A glob given on the command line matched no file.',
  empty_directory: 'A directory given on the command line holds no file to read (dot-files are not read).',
  no_log_files:
    'A directory or glob holds files, but none in a log format kubetrail reads (unknown formats, CloudTrail digests, unreadable files).',
} as const;

/**
 * The codes of `UsageError`: a command line the CLI cannot run (exit code 2).
 *
 * @example
 * ```ts
 * USAGE_ERROR_CODES.unknown_command //=> 'The first word is not a kubetrail command.'
 * ```
 */
export const USAGE_ERROR_CODES = Object.freeze({
  unknown_command: 'The first word is not a kubetrail command.',
  unknown_option: 'An option the command does not take.',
  missing_value: 'An option that takes a value is last on the command line or followed by another option.',
  unexpected_value: 'A flag that takes no value was given one (`--quiet=yes`).',
  bad_argument: 'An option value has the wrong form (`--sigma-placeholder` without `name=value`, …).',
  bad_arguments: 'Positional arguments or options that do not go together, or too many or too few of them.',
  bad_choice: 'An option value is not one of the values the option allows (`--format`, `--engine`, …).',
  bad_number: 'A numeric option is not a whole number, or is out of range.',
  bad_time: 'A time option (`--start`, `--end`, `--now`) cannot be read as a time.',
  empty_window: 'The time window is empty: `--start` is after `--end`.',
  bad_option: 'Options that cannot be used together (`--histogram` with `--engine duckdb`, …).',
  missing_paths: 'The command reads logs and was given no file, directory or `-` for stdin.',
  missing_query: '`kubetrail query` was given no query text and no `--query-file`.',
  bad_query_file: 'The `--query-file` could not be read.',
  bad_rules_file: 'A `--rules`, `--sigma` or `--allow-list` file could not be read.',
  bad_schema: '`kubetrail schema` was asked for a schema other than `audit` or `cloudtrail`.',
  stdin_twice: 'Standard input (`-`) is named more than once.',
  missing_selector: 'A pivot or timeline needs a selector and got none.',
  bad_selector: 'Selector options that do not go together (a Kubernetes user with `--from aws`, …).',
  unknown_detection: 'A detection id asked for by name is not in the catalogue.',
} as const);

/**
 * The codes of `InternalError`: a promise kubetrail keeps to itself did not
 * hold. The CLI reports them as a bug (exit code 5).
 *
 * @example
 * ```ts
 * INTERNAL_ERROR_CODES.internal_error //=> 'An invariant of kubetrail did not hold: a bug; please report it.'
 * ```
 */
export const INTERNAL_ERROR_CODES = Object.freeze({
  internal_error: 'An invariant of kubetrail did not hold: a bug; please report it.',
  spill_corrupt:
    'A spill file read back is not what the run wrote (the temporary directory was changed under the run, or the disk failed).',
  runtime_unsupported:
    'The JavaScript runtime lacks something kubetrail needs here (YAML text needs Node.js 20.16 or later).',
} as const);

/** One error class of the catalogue: its codes and what the docs say about it. */
export interface ErrorClassEntry {
  readonly errorClass: string;
  readonly title: string;
  /** What throws it and what the CLI does with it (for docs/errors.md). */
  readonly intro: string;
  readonly codes: Readonly<Record<string, string>>;
}

/**
 * Every error class with its codes, in the order of docs/errors.md.
 *
 * @example
 * ```ts
 * ERROR_CATALOGUE.find((e) => e.errorClass === 'InputError')?.codes.bad_json_line //=> 'A line of a newline-delimited JSON file is not valid JSON.'
 * ```
 */
export const ERROR_CATALOGUE: readonly ErrorClassEntry[] = Object.freeze([
  {
    title: 'Query errors',
    errorClass: 'QueryError',
    intro:
      'Thrown by `parseQuery` and `compileQuery` before any input is read (and returned as diagnostics by `checkQuery`). ' +
      'Each carries the span of the offending text, its 1-based `line` and `column`, `hints` such as "did you mean strlen?", ' +
      'and `format()`, which renders a code frame with a caret. The CLI exits with code 3 (code 7 for `resource_limit`).',
    codes: { ...QUERY_ERROR_CODES, ...FUNCTION_ERROR_CODES },
  },
  {
    title: 'Input errors',
    errorClass: 'InputError',
    intro:
      'Thrown by `readLogs` under `onError: "throw"` (the default) at the first bad record, with `file`, `line` and ' +
      '`byteOffset`; under `onError: "skip"` the same codes are counted and located in the reader summary instead. ' +
      'The CLI exits with code 4.',
    codes: INPUT_ERROR_CODES,
  },
  {
    title: 'Validation errors',
    errorClass: 'ValidationError',
    intro:
      'Thrown by the `parse*` schema functions (the `validate*` functions return the same information without throwing). ' +
      'The error names the first offending path and keeps every zod issue.',
    codes: SCHEMA_ERROR_CODES,
  },
  {
    title: 'Detection errors',
    errorClass: 'DetectError',
    intro:
      'Thrown when loading user detections and by the investigations when an option is invalid or a memory cap is reached ' +
      '(`resource_limit`: the CLI exits with code 7).',
    codes: DETECT_ERROR_CODES,
  },
  {
    title: 'SQL engine errors',
    errorClass: 'SqlEngineError',
    intro:
      "Thrown by the DuckDB engine (`engine: 'duckdb'`, `--engine duckdb`, `kubetrail import`) and by the SQL options of " +
      '`compileToSql` (`kubetrail sql`, `kubetrail ddl`). Constructs the compiler does not translate are query errors ' +
      '(`sql_unsupported`, `sql_unreachable_field`, above). The CLI exits with code 4.',
    codes: SQL_ENGINE_ERROR_CODES,
  },
  {
    title: 'Nothing to read',
    errorClass: 'ReadNothingError',
    intro:
      'Thrown by the CLI when a path given on the command line stands for no log file: reading nothing is not "no evidence". ' +
      'The CLI exits with code 6; `--allow-empty` prints the same message as a warning and goes on.',
    codes: READ_NOTHING_CODES,
  },
  {
    title: 'Usage errors',
    errorClass: 'UsageError',
    intro:
      'Thrown by the CLI for a command line it cannot run; the message names the option or argument, and the CLI points ' +
      "to the command's `--help`. The CLI exits with code 2.",
    codes: USAGE_ERROR_CODES,
  },
  {
    title: 'Internal errors',
    errorClass: 'InternalError',
    intro:
      'Thrown when something kubetrail relies on does not hold: a bug, a spill file changed under the run, or a runtime ' +
      'without what a feature needs. The CLI exits with code 5 and asks for a bug report.',
    codes: INTERNAL_ERROR_CODES,
  },
]);

/**
 * Any code of the catalogue.
 *
 * @example
 * ```ts
 * const code: ErrorCode = 'bad_json_line';
 * ```
 */
export type ErrorCode =
  | keyof typeof QUERY_ERROR_CODES
  | keyof typeof INPUT_ERROR_CODES
  | keyof typeof SCHEMA_ERROR_CODES
  | keyof typeof DETECT_ERROR_CODES
  | keyof typeof SQL_ENGINE_ERROR_CODES
  | keyof typeof READ_NOTHING_CODES
  | keyof typeof USAGE_ERROR_CODES
  | keyof typeof INTERNAL_ERROR_CODES;
