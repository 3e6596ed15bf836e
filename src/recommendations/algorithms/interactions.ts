/** A sparse user × item matrix in CSR form (rows = users), with the ids behind each index. */
export interface InteractionMatrix {
  userIds: string[];
  itemIds: string[];
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** One raw interaction: who, what, which event type and when. */
export interface InteractionRow {
  userId: string;
  itemId: string;
  type: string;
  at: number;
  /** Optional explicit strength (quantity, rating); multiplies the type weight. */
  strength?: number;
}

/** How raw events become a confidence: weight per event type, exponential time decay. */
export interface WeightingParams {
  eventWeights: Record<string, number>;
  /** Weight of types not listed (0 ignores them). */
  defaultWeight: number;
  /** Half-life of an event's weight in days; 0 disables decay. */
  halfLifeDays: number;
}

export const DEFAULT_EVENT_WEIGHTS: Record<string, number> = {
  view: 1,
  product_viewed: 1,
  product_view: 1,
  page_view: 0.5,
  click: 2,
  email_click: 2,
  email_clicked: 2,
  add_to_cart: 3,
  cart: 3,
  product_added: 3,
  wishlist: 2,
  purchase: 5,
  order_completed: 5,
  rating: 3,
};

export const DEFAULT_WEIGHTING: WeightingParams = { eventWeights: DEFAULT_EVENT_WEIGHTS, defaultWeight: 1, halfLifeDays: 90 };

/** Weight of one event at time `now` (ms). */
export function eventWeight(row: Pick<InteractionRow, "type" | "at" | "strength">, now: number, w: WeightingParams): number {
  const base = w.eventWeights[row.type] ?? w.defaultWeight;
  if (!base) return 0;
  const decay = w.halfLifeDays > 0 ? Math.pow(0.5, Math.max(0, now - row.at) / (w.halfLifeDays * 86_400_000)) : 1;
  return base * decay * (row.strength ?? 1);
}

/** Aggregates raw rows into a matrix; `itemVocabulary` fixes the item index space when given. */
export function buildMatrix(rows: InteractionRow[], now: number, weighting: WeightingParams, itemVocabulary?: string[]): InteractionMatrix {
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>(itemVocabulary?.map((id, i) => [id, i]));
  const itemIds = itemVocabulary ? [...itemVocabulary] : [];
  const perUser: Map<number, number>[] = [];
  for (const row of rows) {
    const w = eventWeight(row, now, weighting);
    if (!(w > 0)) continue;
    let item = itemIndex.get(row.itemId);
    if (item === undefined) {
      if (itemVocabulary) continue;
      item = itemIds.length;
      itemIds.push(row.itemId);
      itemIndex.set(row.itemId, item);
    }
    let user = userIndex.get(row.userId);
    if (user === undefined) {
      user = perUser.length;
      userIndex.set(row.userId, user);
      perUser.push(new Map());
    }
    const m = perUser[user];
    m.set(item, (m.get(item) ?? 0) + w);
  }
  return fromRows([...userIndex.keys()], itemIds, perUser);
}

/** CSR from per-user maps (item index → value), items sorted within each row. */
export function fromRows(userIds: string[], itemIds: string[], perUser: Map<number, number>[]): InteractionMatrix {
  const indptr = new Int32Array(perUser.length + 1);
  perUser.forEach((m, u) => (indptr[u + 1] = indptr[u] + m.size));
  const indices = new Int32Array(indptr[perUser.length]);
  const values = new Float32Array(indptr[perUser.length]);
  perUser.forEach((m, u) => {
    const entries = [...m.entries()].sort((a, b) => a[0] - b[0]);
    entries.forEach(([i, v], k) => {
      indices[indptr[u] + k] = i;
      values[indptr[u] + k] = v;
    });
  });
  return { userIds, itemIds, indptr, indices, values };
}

/** The item-major (CSC) view: for each item, its users and values. */
export function transpose(m: InteractionMatrix): { indptr: Int32Array; indices: Int32Array; values: Float32Array } {
  const nItems = m.itemIds.length;
  const counts = new Int32Array(nItems + 1);
  for (let k = 0; k < m.indices.length; k++) counts[m.indices[k] + 1]++;
  for (let i = 0; i < nItems; i++) counts[i + 1] += counts[i];
  const fill = counts.slice(0, nItems);
  const indices = new Int32Array(m.indices.length);
  const values = new Float32Array(m.indices.length);
  for (let u = 0; u < m.userIds.length; u++) {
    for (let k = m.indptr[u]; k < m.indptr[u + 1]; k++) {
      const at = fill[m.indices[k]]++;
      indices[at] = u;
      values[at] = m.values[k];
    }
  }
  return { indptr: counts, indices, values };
}

/** One user's row as (items, values). */
export function rowOf(m: InteractionMatrix, u: number): { items: Int32Array; values: Float32Array } {
  return { items: m.indices.subarray(m.indptr[u], m.indptr[u + 1]), values: m.values.subarray(m.indptr[u], m.indptr[u + 1]) };
}

