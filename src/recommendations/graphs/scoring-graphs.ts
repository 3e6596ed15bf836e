import { GraphBuilder } from "../../models/onnx/graph-builder";
import type { NeighborTable } from "../algorithms/item-knn";
import type { TermTable } from "../algorithms/tfidf";

/**
 * Every recommender graph ends the same way: raw scores [batch, items] + `mask` (0 or −1e9 for
 * filtered items) → TopK(`k`) → `scores`, `indices`. Masks use −1e9, never −inf (−inf · 0 = NaN).
 */
export const MASKED = -1e9;

/** Metadata every recommender artifact carries, so a session alone is enough to serve it. */
export interface RecModelMeta {
  kind: string;
  itemIds: string[];
  /** Algorithm-specific numbers (ALS alpha, content vocabulary size …). */
  extra: Record<string, unknown>;
}

function start(meta: RecModelMeta, doc: string): GraphBuilder {
  const g = new GraphBuilder({ name: meta.kind.toLowerCase(), docString: doc });
  g.meta("kindred.kind", meta.kind).meta("kindred.item_ids", JSON.stringify(meta.itemIds)).meta("kindred.extra", JSON.stringify(meta.extra));
  g.input("mask", "float", ["batch", meta.itemIds.length]);
  g.input("k", "int64", [1]);
  return g;
}

function finish(g: GraphBuilder, raw: string): Uint8Array {
  const masked = g.op("Add", [raw, "mask"]);
  g.node("TopK", [masked, "k"], ["scores", "indices"], { axis: 1, largest: 1, sorted: 1 });
  g.output("scores", "float", ["batch", "k"]);
  g.output("indices", "int64", ["batch", "k"]);
  return g.build();
}

/** ALS: `user_factors` [batch, f] × item factorsᵀ [f, items]. */
export function factorGraph(meta: RecModelMeta, itemFactors: Float32Array, f: number): Uint8Array {
  const n = meta.itemIds.length;
  const g = start(meta, "user factors × item factorsᵀ → TopK");
  g.input("user_factors", "float", ["batch", f]);
  const t = new Float32Array(f * n);
  for (let i = 0; i < n; i++) for (let a = 0; a < f; a++) t[a * n + i] = itemFactors[i * f + a];
  g.initializer("item_factors_t", "float", [f, n], t);
  return finish(g, g.op("MatMul", ["user_factors", "item_factors_t"]));
}

/** EASE: `interactions` [batch, items] × B [items, items]. */
export function itemItemGraph(meta: RecModelMeta, weights: Float32Array): Uint8Array {
  const n = meta.itemIds.length;
  const g = start(meta, "interaction vector × B → TopK");
  g.input("interactions", "float", ["batch", n]);
  g.initializer("b", "float", [n, n], weights);
  return finish(g, g.op("MatMul", ["interactions", "b"]));
}

/**
 * Sparse item–item (kNN, bought together): `history` int64 [batch, h] item indices (n = padding)
 * and `history_weights` [batch, h]; each history item adds weight × similarity to its neighbours.
 */
export function neighborGraph(meta: RecModelMeta, table: NeighborTable): Uint8Array {
  const n = meta.itemIds.length;
  const k = table.neighbors;
  const g = start(meta, "Σ history weight × neighbour similarity (ScatterElements add) → TopK");
  g.input("history", "int64", ["batch", "h"]);
  g.input("history_weights", "float", ["batch", "h"]);
  g.initializer("nbr_idx", "int64", [n + 1, k], BigInt64Array.from(table.indices, (v) => BigInt(v)));
  g.initializer("nbr_w", "float", [n + 1, k], table.weights);
  g.initializer("flat_shape", "int64", [2], [0, -1]);
  g.initializer("axis2", "int64", [1], [2]);
  const idx = g.op("Reshape", [g.op("Gather", ["nbr_idx", "history"], { axis: 0 }), "flat_shape"]);
  const w = g.op("Mul", [g.op("Gather", ["nbr_w", "history"], { axis: 0 }), g.op("Unsqueeze", ["history_weights", "axis2"])]);
  const wf = g.op("Reshape", [w, "flat_shape"]);
  // Scatter-add straight onto the mask: masked items stay ≈ −1e9 whatever they gain.
  const scattered = g.op("ScatterElements", ["mask", idx, wf], { axis: 1, reduction: "add" });
  g.node("TopK", [scattered, "k"], ["scores", "indices"], { axis: 1, largest: 1, sorted: 1 });
  g.output("scores", "float", ["batch", "k"]);
  g.output("indices", "int64", ["batch", "k"]);
  return g.build();
}

/** Content: cosine of `user_terms` [batch, vocabulary] with each item's TF-IDF vector (top terms per item). */
export function contentGraph(meta: RecModelMeta, table: TermTable): Uint8Array {
  const n = meta.itemIds.length;
  const m = table.termsPerItem;
  const g = start(meta, "Σ_m user_terms[term_idx] × term_w → TopK");
  g.input("user_terms", "float", ["batch", Math.max(1, table.vocabulary.length)]);
  g.initializer("term_idx", "int64", [n, m], BigInt64Array.from(table.termIndices, (v) => BigInt(v)));
  g.initializer("term_w", "float", [n, m], table.termWeights);
  g.initializer("axis2", "int64", [1], [2]);
  const gathered = g.op("Gather", ["user_terms", "term_idx"], { axis: 1 });
  const products = g.op("Mul", [gathered, "term_w"]);
  return finish(g, g.op("ReduceSum", [products, "axis2"], { keepdims: 0 }));
}

/** Popularity: a fixed score row [1, items] broadcast over the batch. */
export function popularityGraph(meta: RecModelMeta, scores: Float32Array): Uint8Array {
  const g = start(meta, "popularity + mask → TopK");
  g.initializer("popularity", "float", [1, meta.itemIds.length], scores);
  return finish(g, "popularity");
}
