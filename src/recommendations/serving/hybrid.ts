/** Where a recommended item's score came from. */
export type ScoreSource = "collaborative" | "content" | "repeat" | "popular";

/** One component's candidates (best first) and its weight in the blend. */
export interface ComponentList {
  source: ScoreSource;
  ids: string[];
  scores: ArrayLike<number>;
  weight: number;
}

/** A blended candidate with the component that contributed most (for the reason string). */
export interface Blended {
  itemId: string;
  score: number;
  source: ScoreSource;
}

/** Weights of the AUTO hybrid (README documents how they were chosen). */
export interface HybridWeights {
  collaborative: number;
  content: number;
  repeat: number;
  popular: number;
}

export const DEFAULT_HYBRID: HybridWeights = { collaborative: 1, content: 0.15, repeat: 1, popular: 0.05 };

/**
 * Blends component lists: each list is scaled by its best positive score (so components are
 * comparable), weighted and summed per item; non-positive scores contribute nothing.
 */
export function blend(lists: ComponentList[], n: number, keep: (itemId: string) => boolean = () => true): Blended[] {
  const total = new Map<string, { score: number; best: number; source: ScoreSource }>();
  for (const list of lists) {
    if (!list.weight || !list.ids.length) continue;
    let max = 0;
    for (let i = 0; i < list.ids.length; i++) if (list.scores[i] > max) max = list.scores[i];
    if (max <= 0) continue;
    for (let i = 0; i < list.ids.length; i++) {
      const s = list.scores[i];
      if (!(s > 0) || !keep(list.ids[i])) continue;
      const part = (list.weight * s) / max;
      const entry = total.get(list.ids[i]);
      if (!entry) total.set(list.ids[i], { score: part, best: part, source: list.source });
      else {
        entry.score += part;
        if (part > entry.best) {
          entry.best = part;
          entry.source = list.source;
        }
      }
    }
  }
  return [...total.entries()]
    .map(([itemId, e]) => ({ itemId, score: e.score, source: e.source }))
    .sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1))
    .slice(0, n);
}

/** Repeat scores: the user's own interactions of repeatable types, strongest first. */
export function repeatList(history: { itemId: string; weight: number }[]): { ids: string[]; scores: number[] } {
  const sums = new Map<string, number>();
  for (const h of history) sums.set(h.itemId, (sums.get(h.itemId) ?? 0) + h.weight);
  const sorted = [...sums.entries()].sort((a, b) => b[1] - a[1]);
  return { ids: sorted.map(([id]) => id), scores: sorted.map(([, s]) => s) };
}
