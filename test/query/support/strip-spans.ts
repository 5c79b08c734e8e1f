/** Deep-copies a syntax tree without its `span` properties, for comparing trees modulo spans. */
export function stripSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSpans);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key !== 'span') out[key] = stripSpans(v);
  }
  return out;
}
