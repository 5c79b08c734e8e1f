import { lookupFunction } from '../../../src/query/functions/registry.js';
import type { Accumulator, AggregateRow, Arg, EvalContext } from '../../../src/query/functions/types.js';
import type { Period, PeriodUnit, Value } from '../../../src/query/value.js';

export const CTX: EvalContext = {
  startTime: 1_704_067_200_000,
  endTime: 1_704_070_799_999,
  now: 1_704_067_200_500,
};

/** Calls a scalar function by name. */
export function call(name: string, ...args: Arg[]): Value {
  const f = lookupFunction(name);
  if (f === undefined || f.kind !== 'scalar') throw new Error(`no scalar function ${name}`);
  return f.call(args, CTX);
}

export function period(amount: number, unit: PeriodUnit): Period {
  return { kind: 'Period', amount, unit };
}

export function utc(iso: string): Date {
  return new Date(iso);
}

/** Creates an accumulator for an aggregate by name. */
export function accumulator(name: string, constants: readonly Arg[] = []): Accumulator {
  const f = lookupFunction(name);
  if (f === undefined || f.kind !== 'aggregate') throw new Error(`no aggregate ${name}`);
  return f.create(constants);
}

/** Runs an aggregate over rows of [value, timestamp?]. */
export function aggregate(
  name: string,
  values: readonly Value[],
  extra: readonly Arg[] = [],
  timestamps?: readonly number[],
): Value {
  const constants: Arg[] = [undefined, ...extra];
  const acc = accumulator(name, constants);
  values.forEach((v, i) => {
    const row: AggregateRow = { timestamp: timestamps?.[i] };
    acc.add([v, ...extra], row);
  });
  return acc.result();
}
