/**
 * The run layer: `query()`/`queryStream()`, their options, statistics and
 * option mapping. `src/parallel/` builds on its lower modules (options,
 * statistics, raw prefilter, one-thread run); only `query.ts` picks
 * between them and the parallel run.
 *
 * @module
 */

export { type LookupTableOptions, loadLookupTable, parseLookupCsv } from './lookup-table-file.js';
export { queryStreamOneThread } from './one-thread.js';
export { hookedEvents, readOptionsOf, spillOption, toCompileOptions } from './options.js';
export { query, queryStream } from './query.js';
export { toRawPrefilter } from './raw-prefilter.js';
export {
  type LookupInput,
  rereadOf,
  type SourceInput,
  sideOptions,
  toLookupSupplies,
  toSourceSupplies,
  usesSideInputs,
} from './side-inputs.js';
export { emptyStatistics, mergeStatistics } from './statistics.js';
export type {
  QueryLogsOptions,
  QueryLogsResult,
  QueryLogsStatistics,
  QueryLogsStream,
} from './types.js';
