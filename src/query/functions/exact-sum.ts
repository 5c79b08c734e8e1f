/**
 * Exact summation of doubles, so that aggregates merge exactly: the sum of a
 * set of numbers does not depend on the order they were added or on how
 * partial sums were combined. The state is an integer (`bigint`) times a
 * power of two, which represents every finite double sum exactly; safe
 * integers take a plain-number fast path. Results are rounded once, to the
 * nearest double.
 *
 * @module
 */

/** A structured-clone- and JSON-friendly snapshot of an {@link ExactSum}. */
export interface ExactSumSnapshot {
  readonly fast: number;
  readonly big: string;
  readonly exp: number;
}

/** Mutable exact-sum state: `fast + big * 2^exp`, `exp <= 0`. */
export interface ExactSum {
  fast: number;
  big: bigint;
  exp: number;
}

const view = new DataView(new ArrayBuffer(8));

/**
 * A finite double as `m * 2^e` with `m` an integer and trailing zero bits removed.
 *
 * @example
 * ```ts
 * decomposeDouble(0.5) //=> [1n, -1]
 * ```
 */
export function decomposeDouble(x: number): [bigint, number] {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const negative = hi >>> 31 === 1;
  const expBits = (hi >>> 20) & 0x7ff;
  let mantHi = hi & 0xfffff;
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mantHi |= 0x100000;
    e = expBits - 1075;
  }
  if (mantHi === 0 && lo === 0) return [0n, 0];
  let tz: number;
  if (lo !== 0) tz = 31 - Math.clz32(lo & -lo);
  else tz = 32 + 31 - Math.clz32(mantHi & -mantHi);
  let m = (BigInt(mantHi) << 32n) | BigInt(lo);
  if (tz > 0) {
    m >>= BigInt(tz);
    e += tz;
  }
  return [negative ? -m : m, e];
}

/**
 * A new, empty exact sum.
 *
 * @example
 * ```ts
 * exactSumValue(newExactSum()) //=> 0
 * ```
 */
export function newExactSum(): ExactSum {
  return { fast: 0, big: 0n, exp: 0 };
}

/**
 * Adds `m × 2^e` exactly.
 *
 * @example
 * ```ts
 * const s = newExactSum(); addScaledExact(s, 3n, -1); exactSumValue(s) //=> 1.5
 * ```
 */
export function addScaledExact(s: ExactSum, m: bigint, e: number): void {
  if (m === 0n) return;
  if (e < s.exp) {
    s.big <<= BigInt(s.exp - e);
    s.exp = e;
  }
  s.big += m << BigInt(e - s.exp);
}

/**
 * Adds a finite double exactly (non-finite input is ignored).
 *
 * @example
 * ```ts
 * const s = newExactSum(); addExact(s, 0.1); addExact(s, 0.2); exactSumValue(s) //=> 0.30000000000000004
 * ```
 */
export function addExact(s: ExactSum, x: number): void {
  if (!Number.isFinite(x)) return;
  if (Number.isSafeInteger(x)) {
    const t = s.fast + x;
    if (Number.isSafeInteger(t)) {
      s.fast = t;
      return;
    }
    addScaledExact(s, BigInt(s.fast), 0);
    s.fast = x;
    return;
  }
  const [m, e] = decomposeDouble(x);
  addScaledExact(s, m, e);
}

/**
 * The sum as `[integer, exponent]`: value = integer × 2^exponent.
 *
 * @example
 * ```ts
 * const s = newExactSum(); addExact(s, 0.5); exactSumParts(s) //=> [1n, -1]
 * ```
 */
export function exactSumParts(s: ExactSum): [bigint, number] {
  if (s.fast === 0) return [s.big, s.exp];
  return [s.big + (BigInt(s.fast) << BigInt(-s.exp)), s.exp];
}

/**
 * Folds `other` into `into`, exactly.
 *
 * @example
 * ```ts
 * const a = newExactSum(); const b = newExactSum(); addExact(b, 2); mergeExact(a, b); exactSumValue(a) //=> 2
 * ```
 */
export function mergeExact(into: ExactSum, other: ExactSum): void {
  const [m, e] = exactSumParts(other);
  addScaledExact(into, m, e);
}

function bitLength(n: bigint): number {
  return n === 0n
    ? 0
    : n.toString(16).length * 4 - (Math.clz32(Number.parseInt(n.toString(16)[0] ?? '0', 16)) - 28);
}

/**
 * `m × 2^e` rounded to the nearest double.
 *
 * @example
 * ```ts
 * scaledToNumber(3n, -1) //=> 1.5
 * ```
 */
export function scaledToNumber(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const negative = m < 0n;
  let a = negative ? -m : m;
  let exp = e;
  const bits = bitLength(a);
  if (bits > 64) {
    const shift = BigInt(bits - 64);
    const sticky = (a & ((1n << shift) - 1n)) === 0n ? 0n : 1n;
    a = (a >> shift) | sticky;
    exp += bits - 64;
  }
  let r = Number(a);
  // Scale in steps so that intermediate powers of two neither overflow nor underflow.
  while (exp > 0) {
    const step = Math.min(exp, 1000);
    r *= 2 ** step;
    exp -= step;
  }
  while (exp < 0) {
    const step = Math.max(exp, -1000);
    r *= 2 ** step;
    exp -= step;
  }
  return negative ? -r : r;
}

/**
 * `(m × 2^e) / d` rounded to the nearest double (`d` > 0).
 *
 * @example
 * ```ts
 * scaledQuotient(1n, 0, 3n) //=> 0.3333333333333333
 * ```
 */
export function scaledQuotient(m: bigint, e: number, d: bigint): number {
  if (m === 0n) return 0;
  const negative = m < 0n;
  const a = negative ? -m : m;
  const k = Math.max(0, 66 + bitLength(d) - bitLength(a));
  const scaled = a << BigInt(k);
  const q = scaled / d;
  const sticky = q * d === scaled ? 0n : 1n;
  const r = scaledToNumber((q << 1n) | sticky, e - k - 1);
  return negative ? -r : r;
}

/**
 * The sum rounded to the nearest double.
 *
 * @example
 * ```ts
 * const s = newExactSum(); addExact(s, 1e16); addExact(s, 1); addExact(s, -1e16); exactSumValue(s) //=> 1
 * ```
 */
export function exactSumValue(s: ExactSum): number {
  const [m, e] = exactSumParts(s);
  return scaledToNumber(m, e);
}

/**
 * Snapshot of an exact sum.
 *
 * @example
 * ```ts
 * exactSumSnapshot(newExactSum()) //=> { fast: 0, big: '0', exp: 0 }
 * ```
 */
export function exactSumSnapshot(s: ExactSum): ExactSumSnapshot {
  return { fast: s.fast, big: s.big.toString(), exp: s.exp };
}

/**
 * Rebuilds an exact sum from a snapshot; a malformed snapshot gives an empty sum.
 *
 * @example
 * ```ts
 * exactSumValue(exactSumFromSnapshot({ fast: 2, big: '1', exp: -1 })) //=> 2.5
 * ```
 */
export function exactSumFromSnapshot(x: unknown): ExactSum {
  if (typeof x !== 'object' || x === null) return newExactSum();
  const { fast, big, exp } = x as { fast?: unknown; big?: unknown; exp?: unknown };
  if (typeof fast !== 'number' || typeof big !== 'string' || typeof exp !== 'number') return newExactSum();
  if (!/^-?\d+$/.test(big) || !Number.isSafeInteger(fast) || !Number.isInteger(exp) || exp > 0)
    return newExactSum();
  return { fast, big: BigInt(big), exp };
}
