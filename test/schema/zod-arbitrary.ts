/**
 * Builds fast-check arbitraries from the zod schemas (the subset of zod the
 * schemas use), so property tests generate records from the schemas
 * themselves rather than from a hand-written copy.
 */
import fc from 'fast-check';
import { z } from 'zod';

interface CheckDef {
  readonly check?: string;
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly minimum?: number;
}

function checksOf(schema: z.ZodType): CheckDef[] {
  const def = schema._zod.def as { checks?: { _zod: { def: CheckDef } }[] };
  return (def.checks ?? []).map((c) => c._zod.def);
}

/** Options: `allRequired` makes every optional key present. */
export interface ArbitraryOptions {
  readonly allRequired?: boolean;
  readonly maxArray?: number;
}

const jsonish = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);

/**
 * A fast-check arbitrary producing JSON values that the (unrefined) schema accepts.
 */
export function arbitraryFor(schema: z.ZodType, options: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const maxLength = options.maxArray ?? 2;
  if (schema instanceof z.ZodOptional)
    return fc.option(arbitraryFor(schema.unwrap() as z.ZodType, options), { nil: undefined });
  if (schema instanceof z.ZodNullable)
    return fc.option(arbitraryFor(schema.unwrap() as z.ZodType, options), { nil: null });
  if (schema instanceof z.ZodObject) {
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    const requiredKeys: string[] = [];
    for (const [key, value] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      const optional = value instanceof z.ZodOptional;
      model[key] = arbitraryFor(optional ? (value.unwrap() as z.ZodType) : value, options);
      if (!optional || options.allRequired) requiredKeys.push(key);
    }
    return fc.record(model, { requiredKeys });
  }
  if (schema instanceof z.ZodArray)
    return fc.array(arbitraryFor(schema.element as z.ZodType, options), { maxLength });
  if (schema instanceof z.ZodRecord) {
    return fc.dictionary(fc.string({ maxLength: 12 }), arbitraryFor(schema.valueType as z.ZodType, options), {
      maxKeys: 3,
    });
  }
  if (schema instanceof z.ZodEnum) return fc.constantFrom(...(schema.options as string[]));
  if (schema instanceof z.ZodLiteral) return fc.constantFrom(...[...schema.values]);
  if (schema instanceof z.ZodString) {
    const checks = checksOf(schema);
    const regex = checks.find((c) => c.format === 'regex')?.pattern;
    if (regex) return fc.stringMatching(regex);
    const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
    return fc.string({ minLength: min, maxLength: 24 });
  }
  if (schema instanceof z.ZodNumber) {
    if (checksOf(schema).some((c) => c.format === 'safeint'))
      return fc.integer({ min: -1_000_000, max: 1_000_000 });
    return fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x));
  }
  if (schema instanceof z.ZodBoolean) return fc.boolean();
  if (schema instanceof z.ZodUnknown) return jsonish;
  throw new Error(`arbitraryFor: unsupported zod type ${schema._zod.def.type}`);
}
