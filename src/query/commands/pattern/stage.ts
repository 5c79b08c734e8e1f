/**
 * The plan stage of `pattern`, `pattern … | diff` and `pattern … | anomaly`:
 * it takes every row, counts its text by signature ({@link PatternSummary}),
 * and at the end mines the templates and emits one row per pattern, per
 * compared pattern, or per finding.
 *
 * Rows whose value is missing or `null` are not clustered and do not count
 * in `@ratio`; other values are clustered by their result text (numbers,
 * booleans and timestamps as printed, maps and lists as JSON).
 *
 * Output fields:
 *
 * - `pattern`: `@pattern`, `@ratio`, `@sampleCount`, `@severityLabel`
 *   (most events first, then by pattern text);
 * - `diff`: `@pattern`, `@severityLabel`, `@sampleCount` and `@ratio` (the
 *   query window), `@previousSampleCount`, `@previousRatio`, `@change`,
 *   `@changePercent`, `@diffType` (see {@link compareWindows});
 * - `anomaly`: `@timestamp` (the bin's start), the four `pattern` fields,
 *   `@anomalyType`, `@priority`, `@priorityScore`, `@observedCount`,
 *   `@expectedCount`, `@binSize`, `@description` (see {@link detectAnomalies}).
 *
 * @module
 */
import type { Evaluator } from '../../evaluate.js';
import type { BufferLimit, StageFactory } from '../../plan.js';
import { fieldsRow, type Row } from '../../row.js';
import { formatTimestamp, valueToResultString } from '../../semantics/format.js';
import { mustSpill } from '../../spill.js';
import type { Value } from '../../value.js';
import { detectAnomalies, formatBinWidth } from '../anomaly/detect.js';
import { compareWindows, slotsFromBins } from '../diff/compare.js';
import {
  type DiffBaseline,
  type DiffWindows,
  dataWindows,
  diffWindows,
  type TimeWindow,
} from '../diff/windows.js';
import { createPatternSummary, DEFAULT_MAX_SIGNATURES, type MinedPattern, minePatterns } from './drain.js';

/** What the stage emits. */
export type PatternMode =
  | { readonly kind: 'pattern' }
  | {
      readonly kind: 'diff';
      readonly baseline: DiffBaseline;
      /** The query window, when the run has both ends; otherwise the data's range decides at the end. */
      readonly window: TimeWindow | undefined;
      /** Throws the error for data too short to hold both windows. */
      readonly noWindows: (min: number, max: number) => never;
    }
  | {
      readonly kind: 'anomaly';
      /** The run's window ends, where given; the data's first and last times fill in the rest. */
      readonly start: number | undefined;
      readonly end: number | undefined;
    };

/** The compiled form of the stage. */
export interface PatternStageSpec {
  /** The clustered value (`pattern <expr>`; `@message` for a bare `diff` or `anomaly`). */
  readonly value: Evaluator;
  /** The row's time in epoch ms, `undefined` when it has none. */
  readonly timestamp: (row: Row) => number | undefined;
  readonly mode: PatternMode;
  /** The byte budget's error (`overBudget`) and the row bound (`max`). */
  readonly limit: BufferLimit;
  /** Throws the error for more distinct signatures than the cap. */
  readonly signatureLimit: (max: number) => never;
}

/**
 * The cap on distinct signatures for a row bound: the default cap, or the
 * bound when it is lower.
 *
 * @example
 * ```ts
 * signatureCap(Number.POSITIVE_INFINITY); // 20000
 * ```
 */
export function signatureCap(maxBufferedRows: number): number {
  return Math.min(DEFAULT_MAX_SIGNATURES, maxBufferedRows);
}

function patternCells(p: MinedPattern, total: number): Map<string, Value> {
  return new Map<string, Value>([
    ['@pattern', p.pattern],
    ['@ratio', total === 0 ? 0 : p.count / total],
    ['@sampleCount', p.count],
    ['@severityLabel', p.severity],
  ]);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * The stage.
 *
 * @internal
 */
export function patternStage(spec: PatternStageSpec): StageFactory {
  return (next, state) => {
    const { mode, limit } = spec;
    const explicit: DiffWindows | undefined =
      mode.kind === 'diff' && mode.window !== undefined ? diffWindows(mode.baseline, mode.window) : undefined;
    const summary = createPatternSummary({
      maxSignatures: signatureCap(limit.max),
      onLimit: spec.signatureLimit,
      timeBins: mode.kind === 'anomaly' || (mode.kind === 'diff' && explicit === undefined),
    });
    let own = 0;
    const emit = (cells: Map<string, Value>): boolean => next.push(fieldsRow(cells, state.nextOrdinal++));
    return {
      push(row) {
        const text = valueToResultString(spec.value(row, state.ctx));
        if (text === undefined) return true;
        const t = spec.timestamp(row);
        let slot: 0 | 1 | undefined;
        if (explicit !== undefined) {
          if (t === undefined) return true;
          if (t >= explicit.current.start && t <= explicit.current.end) slot = 0;
          else if (t >= explicit.previous.start && t <= explicit.previous.end) slot = 1;
          else return true;
        }
        summary.add(text, t, slot);
        const bytes = summary.bytes;
        state.memory.used += bytes - own;
        own = bytes;
        if (mustSpill(state.memory, own)) limit.overBudget();
        return true;
      },
      end() {
        const mined = minePatterns(summary);
        state.memory.used -= own;
        own = 0;
        if (mode.kind === 'pattern') {
          for (const p of mined) if (!emit(patternCells(p, summary.total))) break;
        } else if (mode.kind === 'diff') {
          let rows = mined;
          const bins = summary.bins;
          if (explicit === undefined && bins !== undefined && bins.minTime !== undefined) {
            const min = bins.minTime;
            const max = bins.maxTime as number;
            const windows = dataWindows(mode.baseline, min, max);
            if (windows === undefined) return mode.noWindows(min, max);
            rows = slotsFromBins(mined, bins, windows);
          } else if (explicit === undefined) rows = [];
          for (const r of compareWindows(rows)) {
            const cells = new Map<string, Value>([
              ['@pattern', r.pattern.pattern],
              ['@severityLabel', r.pattern.severity],
              ['@sampleCount', r.current],
              ['@ratio', r.currentRatio],
              ['@previousSampleCount', r.previous],
              ['@previousRatio', r.previousRatio],
              ['@change', r.change],
              ['@changePercent', r.changePercent === null ? null : round3(r.changePercent)],
              ['@diffType', r.type],
            ]);
            if (!emit(cells)) break;
          }
        } else {
          const bins = summary.bins;
          const start = mode.start ?? bins?.minTime;
          const end = mode.end ?? bins?.maxTime;
          if (bins !== undefined && start !== undefined && end !== undefined) {
            for (const f of detectAnomalies(mined, bins, { start, end })) {
              const size = formatBinWidth(f.binWidth);
              const cells = patternCells(f.pattern, summary.total);
              const at = formatTimestamp(f.binStart);
              cells.set('@timestamp', new Date(f.binStart));
              cells.set('@anomalyType', f.type);
              cells.set('@priority', f.priority);
              cells.set('@priorityScore', round3(f.score));
              cells.set('@observedCount', f.observed);
              cells.set('@expectedCount', f.expected);
              cells.set('@binSize', size);
              cells.set(
                '@description',
                f.type === 'new-pattern'
                  ? `new pattern: first seen in the ${size} bin at ${at}, with no events in the first half of the window`
                  : `${f.observed} events in the ${size} bin at ${at}; the pattern's median is ${f.expected} per bin (robust z ${round3(f.score)})`,
              );
              if (!emit(cells)) break;
            }
          }
        }
        next.end();
      },
    };
  };
}
