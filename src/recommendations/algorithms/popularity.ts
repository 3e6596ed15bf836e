import { eventWeight, type InteractionRow, type WeightingParams } from "./interactions";

/** Time-decayed popularity per item (the weights of all its events, decayed to `now`). */
export function popularity(rows: InteractionRow[], itemIds: string[], now: number, weighting: WeightingParams): Float32Array {
  const index = new Map(itemIds.map((id, i) => [id, i]));
  const scores = new Float32Array(itemIds.length);
  for (const row of rows) {
    const i = index.get(row.itemId);
    if (i !== undefined) scores[i] += eventWeight(row, now, weighting);
  }
  return scores;
}
