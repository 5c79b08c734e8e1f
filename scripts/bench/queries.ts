/**
 * The fixed query set of the benchmark: each query written for kubetrail,
 * jq and DuckDB, and a normaliser per tool that turns its output into one
 * canonical string, so that every tool's result can be checked equal.
 *
 * @module
 */

/** Which generated file a query reads. */
export type BenchInput = 'audit' | 'auditGz' | 'trail';

/** One kubetrail configuration of a query. */
export interface KubetrailVariant {
  readonly label: string;
  readonly workers: number;
}

/** One benchmark query. */
export interface BenchQuery {
  readonly id: string;
  readonly title: string;
  readonly input: BenchInput;
  readonly kubetrail: string;
  readonly variants: readonly KubetrailVariant[];
  /** jq arguments before the file (the file is appended), or a shell pipeline builder for `.gz`. */
  readonly jq: readonly string[];
  /** DuckDB SQL; `$FILE` is replaced by the input path. */
  readonly duckdb: string;
  /**
   * DuckDB SQL over the Parquet copy that `kubetrail import` made of the
   * input (`$PARQUET`), reading its typed columns: the hand-written baseline
   * of `kubetrail --engine duckdb` on that copy.
   */
  readonly parquet?: string;
  /** Whether the query streams (bounded memory); all of kubetrail's do. */
  readonly streaming: boolean;
  /**
   * Runs the built-in detection catalogue (`runDetections`) instead of
   * `kubetrail`; jq and DuckDB have no counterpart and are not run.
   */
  readonly detect?: boolean;
  readonly normalize: {
    readonly kubetrail: (rows: readonly Record<string, unknown>[]) => string;
    readonly jq: (stdout: string) => string;
    readonly duckdb: (rows: readonly Record<string, unknown>[]) => string;
  };
}

const MISSING = '\u0000missing';
const ONE: readonly KubetrailVariant[] = [{ label: 'kubetrail', workers: 1 }];
const TWO: readonly KubetrailVariant[] = [...ONE, { label: 'kubetrail 2 workers', workers: 2 }];

function jqLines(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

function sortedIds(ids: readonly unknown[]): string {
  return JSON.stringify([...ids].map(String).sort());
}

function idsFromMessages(rows: readonly Record<string, unknown>[]): string {
  return sortedIds(rows.map((r) => (JSON.parse(String(r['@message'])) as { auditID: string }).auditID));
}

function counts(pairs: readonly (readonly [unknown, unknown])[]): string {
  const canon = pairs.map(
    ([k, n]) => [k === undefined || k === null ? MISSING : String(k), Number(n)] as const,
  );
  canon.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return JSON.stringify(canon);
}

function countsFromJqObject(stdout: string): string {
  const obj = JSON.parse(stdout) as Record<string, number>;
  return counts(Object.entries(obj).map(([k, n]) => [k === MISSING ? undefined : k, n] as const));
}

function countRows(key: string, value: string): (rows: readonly Record<string, unknown>[]) => string {
  return (rows) => counts(rows.map((r) => [r[key], r[value]] as const));
}

const JQ_MISSING = '"\\u0000missing"';
const VERBS = '["create", "update", "patch", "delete"]';

/** The fixed query set. */
export const BENCH_QUERIES: readonly BenchQuery[] = [
  {
    id: 'detect',
    title: 'detect: every enabled built-in detection, one pass (detectLogs; on two workers, findings merged)',
    input: 'audit',
    kubetrail: '',
    variants: TWO,
    jq: [],
    duckdb: '',
    streaming: true,
    detect: true,
    normalize: {
      kubetrail: (rows) => JSON.stringify(rows),
      jq: () => '',
      duckdb: () => '',
    },
  },
  {
    id: 'rolebindings',
    title: 'seed: RBAC changes to rolebindings (sort|limit 100|filter)',
    input: 'audit',
    kubetrail: `fields @timestamp, @message | sort @timestamp desc | limit 100 | filter objectRef.resource="rolebindings" and verb in ${VERBS}`,
    variants: ONE,
    jq: [
      '-n',
      '-c',
      '[inputs | select(.objectRef.resource == "rolebindings" and (.verb | IN("create", "update", "patch", "delete"))) | {t: .requestReceivedTimestamp, id: .auditID}] | sort_by(.t) | reverse | .[:100] | .[].id',
    ],
    duckdb: `SELECT auditID FROM read_ndjson('$FILE', columns={auditID: 'VARCHAR', verb: 'VARCHAR', objectRef: 'STRUCT(resource VARCHAR)', requestReceivedTimestamp: 'VARCHAR'}) WHERE objectRef.resource = 'rolebindings' AND verb IN ('create', 'update', 'patch', 'delete') ORDER BY requestReceivedTimestamp DESC LIMIT 100`,
    parquet: `SELECT kc_auditid AS auditID FROM read_parquet('$PARQUET') WHERE kc_objectref_resource = 'rolebindings' AND kc_verb IN ('create', 'update', 'patch', 'delete') ORDER BY kt_timestamp DESC LIMIT 100`,
    streaming: true,
    normalize: {
      kubetrail: idsFromMessages,
      jq: (out) => sortedIds(jqLines(out)),
      duckdb: (rows) => sortedIds(rows.map((r) => r.auditID)),
    },
  },
  {
    id: '5xx',
    title: 'server errors: responseStatus.code >= 500 | limit 50',
    input: 'audit',
    kubetrail:
      'fields @logStream, @timestamp, responseStatus.code, @message | filter @logStream like /^kube-apiserver-audit/ | filter responseStatus.code >= 500 | limit 50',
    variants: TWO,
    jq: [
      '-n',
      '-c',
      '[inputs | select(.responseStatus.code >= 500) | {t: .requestReceivedTimestamp, id: .auditID}] | sort_by(.t) | reverse | .[:50] | .[].id',
    ],
    duckdb: `SELECT auditID FROM read_ndjson('$FILE', columns={auditID: 'VARCHAR', responseStatus: 'STRUCT(code BIGINT)', requestReceivedTimestamp: 'VARCHAR'}) WHERE responseStatus.code >= 500 ORDER BY requestReceivedTimestamp DESC LIMIT 50`,
    parquet: `SELECT kc_auditid AS auditID FROM read_parquet('$PARQUET') WHERE kc_responsestatus_code >= 500 ORDER BY kt_timestamp DESC LIMIT 50`,
    streaming: true,
    normalize: {
      kubetrail: idsFromMessages,
      jq: (out) => sortedIds(jqLines(out)),
      duckdb: (rows) => sortedIds(rows.map((r) => r.auditID)),
    },
  },
  {
    id: 'by-user',
    title: 'stats count(*) by user.username',
    input: 'audit',
    kubetrail: 'stats count(*) by user.username',
    variants: TWO,
    jq: ['-n', '-c', `reduce inputs as $e ({}; .[$e.user.username // ${JQ_MISSING}] += 1)`],
    duckdb: `SELECT user.username AS k, count(*) AS n FROM read_ndjson('$FILE', columns={user: 'STRUCT(username VARCHAR)'}) GROUP BY 1`,
    parquet: `SELECT kc_user_username AS k, count(*) AS n FROM read_parquet('$PARQUET') GROUP BY 1`,
    streaming: true,
    normalize: {
      kubetrail: countRows('user.username', 'count(*)'),
      jq: countsFromJqObject,
      duckdb: countRows('k', 'n'),
    },
  },
  {
    id: 'sort-limit',
    title: 'sort stageTimestamp desc | limit 100',
    input: 'audit',
    kubetrail: 'fields auditID, stageTimestamp | sort stageTimestamp desc | limit 100',
    variants: TWO,
    jq: [
      '-n',
      '-c',
      '[inputs | {t: .stageTimestamp, id: .auditID}] | sort_by(.t) | reverse | .[:100] | .[] | [.t, .id]',
    ],
    duckdb: `SELECT stageTimestamp AS t, auditID AS id FROM read_ndjson('$FILE', columns={auditID: 'VARCHAR', stageTimestamp: 'VARCHAR'}) ORDER BY stageTimestamp DESC LIMIT 100`,
    parquet: `SELECT kc_stagetimestamp AS t, kc_auditid AS id FROM read_parquet('$PARQUET') ORDER BY kc_stagetimestamp DESC LIMIT 100`,
    streaming: true,
    normalize: {
      // the order of timestamps, and the set of ids (ties may order differently)
      kubetrail: (rows) =>
        JSON.stringify([
          rows.map((r) => r.stageTimestamp),
          JSON.parse(sortedIds(rows.map((r) => r.auditID))),
        ]),
      jq: (out) => {
        const pairs = jqLines(out) as [string, string][];
        return JSON.stringify([pairs.map((p) => p[0]), JSON.parse(sortedIds(pairs.map((p) => p[1])))]);
      },
      duckdb: (rows) => JSON.stringify([rows.map((r) => r.t), JSON.parse(sortedIds(rows.map((r) => r.id)))]),
    },
  },
  {
    id: 'parse-stats',
    title: 'parse requestURI "/namespaces/*/" as ns | stats count(*) by ns',
    input: 'audit',
    kubetrail: 'parse requestURI "/namespaces/*/" as ns | stats count(*) by ns',
    variants: ONE,
    jq: [
      '-n',
      '-c',
      `reduce inputs as $e ({}; .[(($e.requestURI // "") | [capture("/namespaces/(?<ns>.*?)/")] | .[0].ns) // ${JQ_MISSING}] += 1)`,
    ],
    duckdb: `SELECT CASE WHEN regexp_matches(requestURI, '/namespaces/.*?/') THEN regexp_extract(requestURI, '/namespaces/(.*?)/', 1) END AS k, count(*) AS n FROM read_ndjson('$FILE', columns={requestURI: 'VARCHAR'}) GROUP BY 1`,
    parquet: `SELECT CASE WHEN regexp_matches(kc_requesturi, '/namespaces/.*?/') THEN regexp_extract(kc_requesturi, '/namespaces/(.*?)/', 1) END AS k, count(*) AS n FROM read_parquet('$PARQUET') GROUP BY 1`,
    streaming: true,
    normalize: {
      kubetrail: countRows('ns', 'count(*)'),
      jq: countsFromJqObject,
      duckdb: countRows('k', 'n'),
    },
  },
  {
    id: 'cloudtrail',
    title: 'CloudTrail {"Records":[…]}: stats count(*) by eventSource',
    input: 'trail',
    kubetrail: 'stats count(*) by eventSource',
    variants: ONE,
    jq: ['-c', `reduce .Records[] as $r ({}; .[$r.eventSource // ${JQ_MISSING}] += 1)`],
    duckdb: `SELECT r.eventSource AS k, count(*) AS n FROM (SELECT unnest(Records) AS r FROM read_json('$FILE', columns={Records: 'STRUCT(eventSource VARCHAR)[]'}, maximum_object_size=1000000000)) GROUP BY 1`,
    parquet: `SELECT kc_eventsource AS k, count(*) AS n FROM read_parquet('$PARQUET') GROUP BY 1`,
    streaming: true,
    normalize: {
      kubetrail: countRows('eventSource', 'count(*)'),
      jq: countsFromJqObject,
      duckdb: countRows('k', 'n'),
    },
  },
  {
    id: 'gz',
    title: '.gz: stats count(*) by user.username',
    input: 'auditGz',
    kubetrail: 'stats count(*) by user.username',
    variants: ONE,
    jq: ['-n', '-c', `reduce inputs as $e ({}; .[$e.user.username // ${JQ_MISSING}] += 1)`],
    duckdb: `SELECT user.username AS k, count(*) AS n FROM read_ndjson('$FILE', columns={user: 'STRUCT(username VARCHAR)'}) GROUP BY 1`,
    parquet: `SELECT kc_user_username AS k, count(*) AS n FROM read_parquet('$PARQUET') GROUP BY 1`,
    streaming: true,
    normalize: {
      kubetrail: countRows('user.username', 'count(*)'),
      jq: countsFromJqObject,
      duckdb: countRows('k', 'n'),
    },
  },
];
