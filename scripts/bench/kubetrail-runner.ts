/**
 * Child process of the benchmark: runs one query with the built package
 * (`dist/`, imported by the path given) and prints the rows as JSON. It is
 * transpiled to plain JavaScript before the run, so the measured process is
 * node plus kubetrail and nothing else.
 *
 * @module
 */

/** What the parent asks for. */
export interface KubetrailSpec {
  readonly dist: string;
  readonly files: readonly string[];
  readonly query: string;
  readonly prefilter?: boolean;
  /** Worker threads (`query()`'s and `detectLogs()`'s `workers` option); 1 runs on the main thread. */
  readonly workers?: number;
  /** `query()`'s `engine` option (`duckdb`: the query compiled to SQL, on embedded DuckDB). */
  readonly engine?: 'duckdb';
  /** Run the built-in detections (`detectLogs`) instead of `query` (rows: detection id and row count). */
  readonly detect?: boolean;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as KubetrailSpec;
const kubetrail = (await import(spec.dist)) as typeof import('../../src/index.js');
if (spec.detect === true) {
  // kubetrail/detect, next to the root export in dist/
  const detect = (await import(
    new URL('./entries/detect.js', spec.dist).href
  )) as typeof import('../../src/entries/detect.js');
  const { findings } = await detect.detectLogs([...spec.files], {
    now: 0,
    onError: 'skip',
    ...(spec.workers === undefined ? {} : { workers: spec.workers }),
  });
  const rows = findings
    .map((f) => ({ id: f.detectionId, count: f.count }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  process.stdout.write(JSON.stringify({ rows }));
  process.exit(0);
}
const result = await kubetrail.query([...spec.files], spec.query, {
  now: 0,
  onError: 'skip',
  ...(spec.prefilter === undefined ? {} : { prefilter: spec.prefilter }),
  ...(spec.workers === undefined ? {} : { workers: spec.workers }),
  ...(spec.engine === undefined ? {} : { engine: spec.engine }),
});
process.stdout.write(JSON.stringify({ rows: result.rows, statistics: result.statistics }));
