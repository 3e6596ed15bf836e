/** Ranking metrics of one user's top-k list against their relevant (held-out) items. */
export interface UserMetrics {
  precision: number;
  recall: number;
  ndcg: number;
  /** Average precision over all relevant items (the Recommenders library's `map`). */
  ap: number;
  hit: number;
}

/**
 * Metrics of a ranked list at k with binary relevance: precision = hits/k, recall = hits/|relevant|,
 * nDCG with gain 1 and discount 1/log2(1+rank) (ideal uses min(k, |relevant|)),
 * AP = Σ_hits (hits so far / rank) / |relevant|, hit = 1 when any hit.
 */
export function userMetrics(ranked: ArrayLike<string | number>, relevant: Set<string | number>, k: number): UserMetrics {
  let hits = 0;
  let dcg = 0;
  let apSum = 0;
  const top = Math.min(k, ranked.length);
  for (let r = 0; r < top; r++) {
    if (!relevant.has(ranked[r])) continue;
    hits++;
    dcg += 1 / Math.log2(r + 2);
    apSum += hits / (r + 1);
  }
  let idcg = 0;
  for (let r = 0; r < Math.min(k, relevant.size); r++) idcg += 1 / Math.log2(r + 2);
  return {
    precision: hits / k,
    recall: relevant.size ? hits / relevant.size : 0,
    ndcg: idcg ? dcg / idcg : 0,
    ap: relevant.size ? apSum / relevant.size : 0,
    hit: hits > 0 ? 1 : 0,
  };
}

/** Mean metrics over users (users without a list count as zeros only if the caller passes them). */
export function meanMetrics(all: UserMetrics[]): UserMetrics {
  const sum = { precision: 0, recall: 0, ndcg: 0, ap: 0, hit: 0 };
  for (const m of all) for (const key of Object.keys(sum) as (keyof UserMetrics)[]) sum[key] += m[key];
  const n = all.length || 1;
  return { precision: sum.precision / n, recall: sum.recall / n, ndcg: sum.ndcg / n, ap: sum.ap / n, hit: sum.hit / n };
}

/** Share of the catalog that appears in at least one user's list. */
export function catalogCoverage(lists: ArrayLike<string | number>[], catalogSize: number): number {
  const seen = new Set<string | number>();
  for (const list of lists) for (let i = 0; i < list.length; i++) seen.add(list[i]);
  return catalogSize ? seen.size / catalogSize : 0;
}
