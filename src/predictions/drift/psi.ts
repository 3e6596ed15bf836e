/** Population stability index of one variable between a reference sample and a recent one. */
export interface PsiResult {
  psi: number;
  /** Upper bin edges (the last bin is open-ended). */
  edges: number[];
  expected: number[];
  actual: number[];
}

// Empty bins would make ln(a/e) infinite; a small floor is the usual convention.
const FLOOR = 1e-4;

/** Quantile bin edges of the reference sample (deduplicated: discrete variables get fewer bins). */
export function quantileEdges(reference: ArrayLike<number>, bins = 10): number[] {
  const sorted = Float64Array.from(reference).sort();
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / bins))];
    if (sorted.length && (edges.length === 0 || v > edges[edges.length - 1])) edges.push(v);
  }
  return edges;
}

/** Share of values in each bin: bin k holds v < edges[k] (and ≥ edges[k−1]); the last bin the rest. */
export function binShares(values: ArrayLike<number>, edges: number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    let k = 0;
    while (k < edges.length && values[i] >= edges[k]) k++;
    counts[k]++;
  }
  return counts.map((c) => (values.length ? c / values.length : 0));
}

/** PSI = Σ (a − e)·ln(a / e) over the reference's quantile bins; > 0.2 is the usual "shifted" line. */
export function psi(reference: ArrayLike<number>, recent: ArrayLike<number>, bins = 10): PsiResult {
  const edges = quantileEdges(reference, bins);
  return psiWithEdges(edges, binShares(reference, edges), recent);
}

/** PSI against stored reference shares (a training snapshot keeps edges and shares, not rows). */
export function psiWithEdges(edges: number[], expected: number[], recent: ArrayLike<number>): PsiResult {
  const actual = binShares(recent, edges);
  let value = 0;
  for (let k = 0; k < expected.length; k++) {
    const e = Math.max(expected[k], FLOOR);
    const a = Math.max(actual[k], FLOOR);
    value += (a - e) * Math.log(a / e);
  }
  return { psi: value, edges, expected, actual };
}
