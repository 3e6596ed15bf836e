/** Drops null/undefined fields and class prototypes so a rule is stored as the plain JSON it was sent as. */
export function normalizeCondition(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeCondition);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = normalizeCondition(v);
  return out;
}
