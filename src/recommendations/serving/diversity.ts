import type { Diversity } from "./types";

/** A scored candidate with the category used for diversity. */
export interface DiversityCandidate {
  itemId: string;
  score: number;
  category: string | null;
}

/**
 * Re-ranks candidates: with `maxPerCategory` keeps at most M per category (in score order); with
 * `mmrLambda` picks greedily by λ·relevance − (1−λ)·(share of picked items in the same category).
 */
export function diversify<T extends DiversityCandidate>(candidates: T[], n: number, diversity: Diversity | null | undefined): T[] {
  if (!diversity || (diversity.maxPerCategory == null && diversity.mmrLambda == null)) return candidates.slice(0, n);
  let pool = candidates;
  if (diversity.maxPerCategory != null) {
    const counts = new Map<string | null, number>();
    pool = pool.filter((c) => {
      const k = counts.get(c.category) ?? 0;
      if (k >= diversity.maxPerCategory!) return false;
      counts.set(c.category, k + 1);
      return true;
    });
  }
  if (diversity.mmrLambda == null) return pool.slice(0, n);
  const lambda = diversity.mmrLambda;
  const max = Math.max(...pool.map((c) => c.score), 1e-9);
  const min = Math.min(...pool.map((c) => c.score), 0);
  const picked: T[] = [];
  const perCategory = new Map<string | null, number>();
  const left = [...pool];
  while (picked.length < n && left.length) {
    let best = 0;
    let bestValue = -Infinity;
    left.forEach((c, i) => {
      const relevance = (c.score - min) / (max - min || 1);
      const redundancy = picked.length ? (perCategory.get(c.category) ?? 0) / picked.length : 0;
      const value = lambda * relevance - (1 - lambda) * redundancy;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    const [chosen] = left.splice(best, 1);
    picked.push(chosen);
    perCategory.set(chosen.category, (perCategory.get(chosen.category) ?? 0) + 1);
  }
  return picked;
}
