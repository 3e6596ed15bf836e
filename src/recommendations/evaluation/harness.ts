import { MASKED } from "../graphs/scoring-graphs";
import { rowOf, type InteractionMatrix } from "../algorithms/interactions";
import type { RecRuntime, ScoredList } from "../serving/rec-runtime";
import { catalogCoverage, meanMetrics, userMetrics, type UserMetrics } from "./ranking-metrics";

/** Top-k lists (model item indices) for the given train-matrix users, scored in ONNX batches. */
export async function topLists(rt: RecRuntime, m: InteractionMatrix, users: number[], k: number, excludeSeen: boolean, batch = 128): Promise<ScoredList[]> {
  const out: ScoredList[] = [];
  const n = rt.size;
  for (let s = 0; s < users.length; s += batch) {
    const chunk = users.slice(s, s + batch);
    const histories = chunk.map((u) => {
      const r = rowOf(m, u);
      return { items: r.items, weights: r.values };
    });
    const masks = excludeSeen
      ? histories.map((h) => {
          const mask = new Float32Array(n);
          for (let j = 0; j < h.items.length; j++) mask[h.items[j]] = MASKED;
          return mask;
        })
      : histories.map(() => null);
    out.push(...(await rt.score(histories, masks, k)));
  }
  return out;
}

/** Mean metrics at k over users with held-out items, plus catalog coverage. */
export function evaluateLists(lists: Map<number, ArrayLike<number>>, test: Map<number, Set<number>>, k: number, catalogSize: number): UserMetrics & { coverage: number; users: number } {
  const per: UserMetrics[] = [];
  const shown: ArrayLike<number>[] = [];
  for (const [u, relevant] of test) {
    const list = lists.get(u);
    if (!list) continue;
    const top = Array.from(list).slice(0, k);
    shown.push(top);
    per.push(userMetrics(top, relevant, k));
  }
  return { ...meanMetrics(per), coverage: catalogCoverage(shown, catalogSize), users: per.length };
}

/** Rounds every number of a figure table for printing and JSON. */
export function round(values: Record<string, number>, digits = 4): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Math.round(v * 10 ** digits) / 10 ** digits]));
}

/** A fixed-width table for the terminal. */
export function table(rows: Record<string, Record<string, number>>, columns: string[]): string[] {
  const lines = [`${"model".padEnd(16)}${columns.map((c) => c.padStart(15)).join("")}`];
  for (const [name, values] of Object.entries(rows)) lines.push(`${name.padEnd(16)}${columns.map((c) => (values[c] ?? NaN).toFixed(4).padStart(15)).join("")}`);
  return lines;
}
