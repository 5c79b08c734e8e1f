/**
 * The size of the hostile generators: `KUBETRAIL_HOSTILE_SCALE` (default 1)
 * multiplies every count, so CI stays small and a local run can go big.
 */

/** `base` times the scale factor (at least 1). */
export function hostileScale(base: number): number {
  const raw = Number(process.env.KUBETRAIL_HOSTILE_SCALE ?? '1');
  const factor = Number.isFinite(raw) && raw > 0 ? raw : 1;
  return Math.max(1, Math.round(base * factor));
}
