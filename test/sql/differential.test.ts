/**
 * Differential equality on DuckDB: for every JSON conformance case whose
 * query the SQL compiler supports, `runOnDuckdb` returns exactly the
 * streaming engine's rows (in order where the case defines one), with the
 * same statistics, or fails with the same error code. The supported share
 * of the cases must stay at or above 90%.
 */
import { describe, expect, test } from 'vitest';
import { isKubetrailError } from '../../src/errors.js';
import { compileQuery, type QueryResult } from '../../src/query/index.js';
import { runOnDuckdb } from '../../src/sql/index.js';
import { cellsOf, loadCases, type RawCase, useDuckdb } from './support.js';

const cases = loadCases();
const db = useDuckdb();

type Outcome = { result: QueryResult } | { error: unknown };

async function outcome(run: () => Promise<QueryResult>): Promise<Outcome> {
  try {
    return { result: await run() };
  } catch (error) {
    return { error };
  }
}

/** Why a case is not compared, or undefined when it is. */
function notComparable(c: RawCase): string | undefined {
  // maxBufferedRows bounds the streaming engine's buffers; DuckDB spills under its memory limit instead.
  if (c.options.maxBufferedRows !== undefined) return 'maxBufferedRows is a streaming-engine bound';
  // The byte budget and its spill store are the streaming engine's; DuckDB has its own memory limit.
  if (c.options.memoryBudgetBytes !== undefined) return 'memoryBudgetBytes is a streaming-engine bound';
  return undefined;
}

const tally = {
  compared: 0,
  sameError: 0,
  unsupported: new Map<string, number>(),
  excluded: 0,
  streamingOnly: 0,
};

/**
 * Commands the SQL back end leaves to the streaming engine by design
 * (docs/scale-out.md, "Supported constructs"): a template miner (`pattern`),
 * a baseline window (`diff`, `anomaly`, `logcompare`), the engine's exact
 * summation (`accum`, `addtotals`), `fillmissing`, which makes rows from the
 * query window and the stats' bin, and the two passes of `outlier` (bounds
 * over every row, then each row in order) and `relevantfields` (distances
 * over every field of the rows). Their cases must still fail with
 * `sql_unsupported` (checked above); they do not count towards the
 * supported share. Every other command counts, translated or not.
 */
const STREAMING_ONLY =
  /^(pattern|diff|anomaly|accum|addtotals|fillmissing|outlier|logcompare|relevantfields) is not translated to SQL$/;

/**
 * Constructs that read data the caller supplies beside the input (`join`,
 * `appendcols` and subqueries read the `sources` option, `lookup` and `cidrlookup` the
 * `lookups` option): the SQL back end takes one input table and neither
 * option, so they stay with the streaming engine by design. Their cases
 * must still fail with `sql_unsupported`; they do not count towards the
 * supported share.
 */
const SIDE_INPUTS = /^(join|lookup|cidrlookup|appendcols|a subquery \(in \(…\)\)) is not translated to SQL$/;

function countUnsupported(message: string): void {
  if (STREAMING_ONLY.test(message) || SIDE_INPUTS.test(message)) tally.streamingOnly++;
  else tally.unsupported.set(message, (tally.unsupported.get(message) ?? 0) + 1);
}

describe('DuckDB engine = streaming engine on the conformance cases', () => {
  test.each(cases.map((c) => [`${c.file} › ${c.name}`, c] as const))('%s', async (_name, c) => {
    const why = notComparable(c);
    if (why !== undefined) {
      tally.excluded++;
      return;
    }
    const stream = await outcome(() => compileQuery(c.query, c.options).run(c.events));
    const duck = await outcome(() =>
      runOnDuckdb(c.query, c.events, { ...c.options, connection: db.connection }),
    );
    if ('error' in stream) {
      expect('error' in duck, 'DuckDB should fail too').toBe(true);
      const a = stream.error;
      const b = (duck as { error: unknown }).error;
      if (!isKubetrailError(a)) throw a;
      if (isKubetrailError(b) && b.code === 'sql_unsupported') {
        countUnsupported(b.message);
        return;
      }
      expect(isKubetrailError(b) ? b.code : b).toBe(a.code);
      tally.sameError++;
      return;
    }
    if ('error' in duck) {
      const e = duck.error;
      if (isKubetrailError(e) && e.code === 'sql_unsupported') {
        countUnsupported(e.message);
        return;
      }
      throw e;
    }
    const expected = cellsOf(stream.result);
    const actual = cellsOf(duck.result);
    if (c.ordered) expect(actual).toEqual(expected);
    else {
      const key = (rows: [string, string][][]) => rows.map((r) => JSON.stringify(r)).sort();
      expect(key(actual)).toEqual(key(expected));
    }
    expect(duck.result.fields).toEqual(stream.result.fields);
    // A satisfied limit in input order stops the streaming engine's reading early; DuckDB reads everything.
    if (stream.result.statistics.recordsScanned === c.events.length) {
      expect(duck.result.statistics).toEqual(stream.result.statistics);
    }
    tally.compared++;
  });

  test('the compiler supports at least 90% of the comparable cases', () => {
    const comparable = cases.length - tally.excluded - tally.streamingOnly;
    const supported = tally.compared + tally.sameError;
    const share = supported / comparable;
    expect(
      share,
      `supported ${supported}/${comparable}; not translated: ${JSON.stringify([...tally.unsupported])}`,
    ).toBeGreaterThanOrEqual(0.9);
  });
});
