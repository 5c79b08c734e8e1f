/**
 * The machinery behind lenient validation: deriving a relaxed structural
 * schema from a strict one, coercing the documented type traps, and
 * quarantining values that still do not fit.
 *
 * @module
 */

import { z } from 'zod';

/**
 * The type of a value that passed lenient validation: every known field
 * optional, enums and literals widened to `string`, unknown fields kept.
 *
 * @example
 * ```ts
 * type T = Lenient<{ level: 'Metadata' | 'Request'; user: { username?: string } }>;
 * // { level?: string; user?: { username?: string } }
 * ```
 */
export type Lenient<T> = T extends readonly (infer E)[]
  ? Lenient<E>[]
  : T extends string
    ? string
    : T extends number | boolean | null | undefined
      ? T
      : T extends object
        ? { [K in keyof T]?: Lenient<T[K]> }
        : T;

/**
 * A note about something lenient mode tolerated, coerced or set aside.
 *
 * @example
 * ```ts
 * import { validateCloudTrailRecord, type ValidationWarning } from 'kubetrail/schema';
 * const result = validateCloudTrailRecord({ eventVersion: '1.08', readOnly: 'true' }, { mode: 'lenient' });
 * const warnings: readonly ValidationWarning[] = result.ok ? result.warnings : [];
 * warnings.map((w) => `${w.code}: ${w.message}`); // 'coerced: readOnly: …', then the missing fields
 * ```
 */
export interface ValidationWarning {
  /** Path to the field, as in zod issues (`['userIdentity', 'sessionContext', 'attributes', 'mfaAuthenticated']`). */
  readonly path: readonly PropertyKey[];
  /**
   * `coerced`: a type trap was converted (e.g. `readOnly: "true"` → `true`);
   * `filled`: a missing field was filled from a documented stand-in (`eventTime` ← `@timestamp`);
   * `quarantined`: a value of the wrong type was moved out of the record into {@link ValidationWarning.value};
   * anything else is the code of a strict-mode zod issue that lenient mode tolerated
   * (`invalid_type` for a missing required field, `invalid_value` for an unknown enum value, `invalid_format`, `custom`).
   */
  readonly code: string;
  /** Human-readable explanation naming the path. */
  readonly message: string;
  /** For `quarantined`: the original value. */
  readonly value?: unknown;
}

/**
 * Formats an issue path as `a.b[0].c`.
 *
 * @example
 * ```ts
 * formatPath(['Records', 3, 'userIdentity', 'type']); //=> 'Records[3].userIdentity.type'
 * ```
 */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out.length === 0 ? String(part) : `.${String(part)}`;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Defines an own data property (safe for keys such as `__proto__`). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Shallow copy that keeps own `__proto__` keys as data (spread uses CreateDataProperty). */
function copyObject(value: Record<string, unknown>): Record<string, unknown> {
  return { ...value };
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else {
      return current;
    }
  }
}

/**
 * Builds the relaxed structural twin of a strict schema: objects stay loose
 * with every field optional, enums/literals/formatted strings become plain
 * strings, integer checks are dropped, refinements are dropped.
 *
 * @example
 * ```ts
 * relaxSchema(z.looseObject({ level: z.enum(['A']) })).parse({}); //=> {}
 * ```
 */
export function relaxSchema(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional) return relaxSchema(schema.unwrap() as z.ZodType).optional();
  if (schema instanceof z.ZodNullable) return relaxSchema(schema.unwrap() as z.ZodType).nullable();
  if (schema instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = {};
    for (const [key, value] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      const relaxed = relaxSchema(value);
      shape[key] = relaxed instanceof z.ZodOptional ? relaxed : relaxed.optional();
    }
    return z.looseObject(shape);
  }
  if (schema instanceof z.ZodArray) return z.array(relaxSchema(schema.element as z.ZodType));
  if (schema instanceof z.ZodRecord) return z.record(z.string(), relaxSchema(schema.valueType as z.ZodType));
  if (schema instanceof z.ZodEnum || schema instanceof z.ZodString) return z.string();
  if (schema instanceof z.ZodLiteral) {
    return [...schema.values].every((v) => typeof v === 'string') ? z.string() : schema;
  }
  if (schema instanceof z.ZodNumber) return z.number();
  return schema;
}

type Plan =
  | { readonly kind: 'boolean' | 'number' | 'string' | 'skip' }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, z.ZodType])[] }
  | { readonly kind: 'record'; readonly value: z.ZodType; readonly skip: boolean }
  | { readonly kind: 'array'; readonly element: z.ZodType; readonly elementKind: Plan['kind'] };

const plans = new WeakMap<z.ZodType, Plan>();

/** What coercion does at a schema node, computed once per schema. */
function planOf(schema: z.ZodType): Plan {
  const cached = plans.get(schema);
  if (cached) return cached;
  const inner = unwrap(schema);
  let plan: Plan;
  if (inner instanceof z.ZodBoolean) plan = { kind: 'boolean' };
  else if (inner instanceof z.ZodNumber) plan = { kind: 'number' };
  else if (
    inner instanceof z.ZodString ||
    inner instanceof z.ZodEnum ||
    (inner instanceof z.ZodLiteral && [...inner.values].every((v) => typeof v === 'string'))
  ) {
    plan = { kind: 'string' };
  } else if (inner instanceof z.ZodObject) {
    plan = { kind: 'object', entries: Object.entries(inner.shape as Record<string, z.ZodType>) };
  } else if (inner instanceof z.ZodRecord) {
    const value = inner.valueType as z.ZodType;
    plan = { kind: 'record', value, skip: planOf(value).kind === 'skip' };
  } else if (inner instanceof z.ZodArray) {
    const element = inner.element as z.ZodType;
    plan = { kind: 'array', element, elementKind: planOf(element).kind };
  } else {
    plan = { kind: 'skip' };
  }
  plans.set(schema, plan);
  return plan;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Converts the documented type traps towards what `schema` expects, copying
 * (never mutating) containers on the way:
 * booleans written as `"true"`/`"false"` strings (`readOnly`, `managementEvent`),
 * numbers written as strings (`responseStatus.code: "200"`, Insights averages),
 * string fields written as booleans or numbers (`sessionCredentialFromConsole: true`,
 * `mfaAuthenticated: false`, annotation values), and a single value where an
 * array is expected (`sourceIPs: "10.0.0.1"`, `extra.arn: "arn:…"`).
 * Each conversion appends a `coerced` warning.
 *
 * @example
 * ```ts
 * const warnings: ValidationWarning[] = [];
 * coerceTraps(z.looseObject({ readOnly: z.boolean() }), { readOnly: 'true' }, [], warnings); //=> { readOnly: true }
 * ```
 */
export function coerceTraps(
  schema: z.ZodType,
  value: unknown,
  path: readonly PropertyKey[],
  warnings: ValidationWarning[],
): unknown {
  return coerceAt(
    schema,
    value,
    path.length === 0 ? undefined : { parent: undefined, key: path, root: true },
    warnings,
  );
}

/** A path built lazily, as a parent chain, so that the common no-warning case allocates no arrays. */
type PathNode =
  | { readonly parent: PathNode; readonly key: PropertyKey | readonly PropertyKey[]; readonly root?: true }
  | undefined;

function materialize(node: PathNode): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (let n = node; n !== undefined; n = n.parent) {
    if (n.root) out.unshift(...(n.key as readonly PropertyKey[]));
    else out.unshift(n.key as PropertyKey);
  }
  return out;
}

function coerceAt(schema: z.ZodType, value: unknown, at: PathNode, warnings: ValidationWarning[]): unknown {
  if (value === undefined || value === null) return value;
  const plan = planOf(schema);
  const note = (to: string, result: unknown): unknown => {
    const path = materialize(at);
    warnings.push({
      path,
      code: 'coerced',
      message: `${formatPath(path)}: coerced ${typeof value} ${describe(value)} to ${to}`,
    });
    return result;
  };
  switch (plan.kind) {
    case 'skip':
      return value;
    case 'boolean':
      if (typeof value === 'string') {
        const lower = value.trim().toLowerCase();
        if (lower === 'true' || lower === 'false') return note('boolean', lower === 'true');
      }
      return value;
    case 'number':
      if (typeof value === 'string' && value.trim().length > 0) {
        const n = Number(value);
        if (Number.isFinite(n)) return note('number', n);
      }
      return value;
    case 'string':
      if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
        return note('string', String(value));
      }
      return value;
    case 'object': {
      if (!isPlainObject(value)) return value;
      let out: Record<string, unknown> | undefined;
      for (const [key, child] of plan.entries) {
        if (!Object.hasOwn(value, key)) continue;
        const before = value[key];
        const after = coerceAt(child, before, { parent: at, key }, warnings);
        if (after !== before) {
          out ??= copyObject(value);
          setOwn(out, key, after);
        }
      }
      return out ?? value;
    }
    case 'record': {
      if (plan.skip || !isPlainObject(value)) return value;
      let out: Record<string, unknown> | undefined;
      for (const key of Object.keys(value)) {
        const before = value[key];
        const after = coerceAt(plan.value, before, { parent: at, key }, warnings);
        if (after !== before) {
          out ??= copyObject(value);
          setOwn(out, key, after);
        }
      }
      return out ?? value;
    }
    case 'array': {
      const { element, elementKind } = plan;
      if (!Array.isArray(value)) {
        const fits =
          (elementKind === 'string' && typeof value === 'string') ||
          (elementKind === 'number' && typeof value === 'number') ||
          ((elementKind === 'object' || elementKind === 'record') && isPlainObject(value));
        if (!fits) return value;
        const path = materialize(at);
        warnings.push({
          path,
          code: 'coerced',
          message: `${formatPath(path)}: wrapped a single value in an array`,
        });
        return [coerceAt(element, value, { parent: at, key: 0 }, warnings)];
      }
      if (elementKind === 'skip') return value;
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const before = value[i];
        const after = coerceAt(element, before, { parent: at, key: i }, warnings);
        if (after !== before) {
          out ??= value.slice();
          out[i] = after;
        }
      }
      return out ?? value;
    }
  }
}

/**
 * Removes the value at `path` from a copy of `root` (copy-on-write along the
 * path). When the value sits in an array, the whole array is removed, so
 * indexes of the remaining data never shift. Returns the new root and the
 * path actually removed, or `undefined` when nothing removable is there.
 *
 * @example
 * ```ts
 * removeAt({ a: { b: 1, c: 2 } }, ['a', 'b']); //=> { root: { a: { c: 2 } }, removed: ['a', 'b'], value: 1 }
 * ```
 */
export function removeAt(
  root: unknown,
  path: readonly PropertyKey[],
): { readonly root: unknown; readonly removed: readonly PropertyKey[]; readonly value: unknown } | undefined {
  // Find the deepest prefix whose parent is an object (not an array).
  let target = path;
  for (;;) {
    if (target.length === 0) return undefined;
    const parent = getAt(root, target.slice(0, -1));
    if (isPlainObject(parent)) {
      const key = target[target.length - 1];
      if (typeof key === 'string' && Object.hasOwn(parent, key)) break;
      // A missing key cannot be removed; nothing to quarantine at this level.
      if (typeof key === 'string') return undefined;
    }
    target = target.slice(0, -1);
  }
  const value = getAt(root, target);
  const rebuild = (node: unknown, depth: number): unknown => {
    const key = target[depth];
    if (depth === target.length - 1) {
      const copy = copyObject(node as Record<string, unknown>);
      delete copy[key as string];
      return copy;
    }
    if (Array.isArray(node)) {
      const copy = node.slice();
      copy[key as number] = rebuild(node[key as number], depth + 1);
      return copy;
    }
    const copy = copyObject(node as Record<string, unknown>);
    setOwn(copy, key as string, rebuild((node as Record<string, unknown>)[key as string], depth + 1));
    return copy;
  };
  return { root: rebuild(root, 0), removed: target, value };
}

function getAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isPlainObject(node) && typeof key === 'string' && Object.hasOwn(node, key)) node = node[key];
    else return undefined;
  }
  return node;
}
