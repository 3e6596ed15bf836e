import { DEFAULT_ALS, trainAls, type AlsParams } from "../algorithms/als";
import { DEFAULT_EASE, trainEase, type EaseParams } from "../algorithms/ease";
import type { InteractionMatrix } from "../algorithms/interactions";
import { DEFAULT_KNN, itemNeighbors, type KnnParams } from "../algorithms/item-knn";
import { buildTfidf, DEFAULT_TFIDF, type ContentItem, type TfidfParams } from "../algorithms/tfidf";
import { contentGraph, factorGraph, itemItemGraph, neighborGraph, popularityGraph } from "../graphs/scoring-graphs";

/** A built model: the ONNX bytes and the params actually used. */
export interface BuiltModel {
  onnx: Uint8Array;
  params: Record<string, unknown>;
}

/** Trains implicit ALS and exports the factor graph. */
export function buildAls(m: InteractionMatrix, overrides: Partial<AlsParams>, onIteration?: (done: number, total: number) => boolean | void): BuiltModel {
  const params = { ...DEFAULT_ALS, ...overrides };
  const { itemFactors } = trainAls(m, params, onIteration);
  const onnx = factorGraph({ kind: "ALS", itemIds: m.itemIds, extra: { alpha: params.alpha, regularization: params.regularization, factors: params.factors } }, itemFactors, params.factors);
  return { onnx, params: { ...params } };
}

/** Refused when the catalog is too large for a dense items × items matrix. */
export class TooManyItemsError extends Error {
  override name = "TooManyItemsError";
}

/** Solves EASE in closed form and exports the item–item graph. */
export async function buildEase(m: InteractionMatrix, overrides: Partial<EaseParams>, maxItems: number): Promise<BuiltModel> {
  if (m.itemIds.length > maxItems) throw new TooManyItemsError(`EASE needs an items × items matrix; ${m.itemIds.length} items exceed the configured maximum of ${maxItems} (KINDRED_EASE_MAX_ITEMS): use ALS or ITEM_KNN`);
  const params = { ...DEFAULT_EASE, ...overrides };
  const b = await trainEase(m, params);
  return { onnx: itemItemGraph({ kind: "EASE", itemIds: m.itemIds, extra: { binary: params.binary, lambda: params.lambda } }, b), params: { ...params } };
}

/** Item–item co-occurrence neighbours (ITEM_KNN, or BOUGHT_TOGETHER over purchases). */
export function buildKnn(m: InteractionMatrix, overrides: Partial<KnnParams>, kind = "ITEM_KNN"): BuiltModel {
  const params = { ...DEFAULT_KNN, ...overrides };
  const table = itemNeighbors(m, params);
  return { onnx: neighborGraph({ kind, itemIds: m.itemIds, extra: { ...params } }, table), params: { ...params } };
}

/** TF-IDF content vectors over the whole catalog. */
export function buildContent(items: ContentItem[], overrides: Partial<TfidfParams>): BuiltModel {
  const params = { ...DEFAULT_TFIDF, ...overrides };
  const table = buildTfidf(items, params);
  return { onnx: contentGraph({ kind: "CONTENT", itemIds: items.map((i) => i.id), extra: { vocabulary: table.vocabulary.length, ...params } }, table), params: { ...params } };
}

/** Time-decayed popularity. */
export function buildPopular(itemIds: string[], scores: Float32Array, params: Record<string, unknown>): BuiltModel {
  return { onnx: popularityGraph({ kind: "POPULAR", itemIds, extra: params }, scores), params };
}
