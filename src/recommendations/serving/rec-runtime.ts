import * as ort from "onnxruntime-node";
import { readInitializer, readMetadata } from "../../models/onnx/graph-builder";
import { foldIn, gram } from "../algorithms/als";
import { userTermMap, userTermVector, type TermTable } from "../algorithms/tfidf";
import { recommendationBatchSize, recommenderRuns } from "./rec-metrics";
import { MASKED } from "../graphs/scoring-graphs";

/** A user's interactions in a model's item index space (weights already decayed). */
export interface UserHistory {
  items: ArrayLike<number>;
  weights: ArrayLike<number>;
}

/** A user's mask: a full row, or a shared base row plus item indices to mask on top (saves a copy per user). */
export type UserMask = Float32Array | { base: Float32Array; masked: ArrayLike<number> } | null;

/** Top-k result of one user: item indices (model space) and scores, best first. */
export interface ScoredList {
  indices: Int32Array;
  scores: Float32Array;
}

type Family = "factor" | "item_item" | "neighbor" | "content" | "popularity";

/** Users per ONNX run: bounds the [batch, items] mask and how long one run blocks the event loop. */
export const MAX_BATCH = 64;

/** Longest history fed to a neighbour graph (most recent / strongest first). */
const MAX_HISTORY = 200;

/**
 * A loaded recommender model: its ONNX session plus what must happen in TypeScript before the
 * run (ALS fold-in, content user vector, neighbour history). Shared by serving and offline eval.
 */
export class RecRuntime {
  readonly itemIndex: Map<string, number>;
  private alsItems?: { y: Float32Array; yty: Float64Array; f: number; alpha: number };
  private terms?: TermTable;
  // Per history object (serving reuses one per cached profile state): fold-in and content vector are computed once.
  private readonly folded = new WeakMap<UserHistory, Float32Array>();
  private readonly termMaps = new WeakMap<UserHistory, Map<number, number>>();
  private termScratch?: Float64Array;
  // [batch, items] mask buffers returned after each run: a batch otherwise allocates (and the GC clears) ~80 KB per person.
  private readonly spareMasks: Float32Array[] = [];

  private constructor(
    readonly session: ort.InferenceSession,
    readonly kind: string,
    readonly itemIds: string[],
    readonly family: Family,
    readonly extra: Record<string, unknown>,
  ) {
    this.itemIndex = new Map(itemIds.map((id, i) => [id, i]));
  }

  get size(): number {
    return this.itemIds.length;
  }

  /** Reads the artifact's metadata and the initializers TypeScript needs, next to an existing session. */
  static async load(bytes: Uint8Array, session?: ort.InferenceSession): Promise<RecRuntime> {
    const meta = readMetadata(bytes);
    if (!meta["kindred.item_ids"]) throw new Error("not a Kindred recommender model (no kindred.item_ids metadata)");
    const itemIds = JSON.parse(meta["kindred.item_ids"]) as string[];
    const extra = JSON.parse(meta["kindred.extra"] ?? "{}") as Record<string, unknown>;
    const s = session ?? (await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 }));
    const inputs = s.inputNames;
    const family: Family = inputs.includes("user_factors") ? "factor" : inputs.includes("interactions") ? "item_item" : inputs.includes("history") ? "neighbor" : inputs.includes("user_terms") ? "content" : "popularity";
    const rt = new RecRuntime(s, meta["kindred.kind"] ?? "UNKNOWN", itemIds, family, extra);
    if (family === "factor") {
      const { dims, data } = readInitializer(bytes, "item_factors_t");
      const [f, n] = dims;
      const y = new Float32Array(n * f);
      for (let a = 0; a < f; a++) for (let i = 0; i < n; i++) y[i * f + a] = (data as Float32Array)[a * n + i];
      rt.alsItems = { y, yty: gram(y, n, f, Number(extra.regularization ?? 0.1)), f, alpha: Number(extra.alpha ?? 1) };
    }
    if (family === "content") {
      const idx = readInitializer(bytes, "term_idx");
      const w = readInitializer(bytes, "term_w");
      rt.terms = { vocabulary: new Array(Number(extra.vocabulary ?? 1)), termsPerItem: idx.dims[1], termIndices: Int32Array.from(idx.data as BigInt64Array, Number), termWeights: w.data as Float32Array };
    }
    return rt;
  }

  /** ALS fold-in: the user vector for these interactions, without retraining. */
  userFactors(history: UserHistory): Float32Array {
    let x = this.folded.get(history);
    if (!x) {
      const a = this.alsItems!;
      x = foldIn(a.y, a.yty, a.f, history.items, history.weights, a.alpha);
      this.folded.set(history, x);
    }
    return x;
  }

  /** Content scores of chosen items in TypeScript (u · x_j over each item's top terms): re-ranks a candidate set without a full-catalog run. */
  contentScores(history: UserHistory, itemIds: string[]): Float32Array {
    const t = this.terms!;
    let u = this.termMaps.get(history);
    if (!u) this.termMaps.set(history, (u = userTermMap(t, history.items, history.weights)));
    // The user's terms spread into a reusable dense row: array reads instead of a Map lookup per item term.
    const dense = (this.termScratch ??= new Float64Array(Math.max(1, t.vocabulary.length)));
    for (const [term, w] of u) dense[term] = w;
    const m = t.termsPerItem;
    const out = new Float32Array(itemIds.length);
    for (let k = 0; k < itemIds.length; k++) {
      const j = this.itemIndex.get(itemIds[k]);
      if (j === undefined) continue;
      let s = 0;
      for (let slot = j * m, end = slot + m; slot < end; slot++) s += dense[t.termIndices[slot]] * t.termWeights[slot];
      out[k] = s;
    }
    for (const term of u.keys()) dense[term] = 0;
    return out;
  }

  /**
   * Scores users in ONNX runs of at most MAX_BATCH (one run for a typical tick of requests);
   * bigger batches (a whole campaign) are split and yield to the event loop between runs.
   */
  async score(histories: UserHistory[], masks: UserMask[], k: number): Promise<ScoredList[]> {
    if (histories.length <= MAX_BATCH) return this.scoreOnce(histories, masks, k);
    const out: ScoredList[] = [];
    for (let s = 0; s < histories.length; s += MAX_BATCH) {
      out.push(...(await this.scoreOnce(histories.slice(s, s + MAX_BATCH), masks.slice(s, s + MAX_BATCH), k)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    return out;
  }

  private takeMaskBuffer(size: number): Float32Array {
    const spare = this.spareMasks.pop();
    return spare && spare.length >= size ? spare : new Float32Array(size);
  }

  /** One ONNX run for a batch; `masks[b]` (length = items) may be null. */
  private async scoreOnce(histories: UserHistory[], masks: UserMask[], k: number): Promise<ScoredList[]> {
    const b = histories.length;
    const n = this.size;
    const kk = Math.max(1, Math.min(k, n));
    // Mask rows are written whole (a null mask is a zero row), so a reused buffer needs no clearing.
    const buffer = this.takeMaskBuffer(b * n);
    const mask = buffer.subarray(0, b * n);
    masks.forEach((m, r) => {
      if (!m) return mask.fill(0, r * n, (r + 1) * n);
      if (m instanceof Float32Array) return mask.set(m, r * n);
      mask.set(m.base, r * n);
      for (let j = 0; j < m.masked.length; j++) mask[r * n + m.masked[j]] = MASKED;
    });
    const feeds: Record<string, ort.Tensor> = { mask: new ort.Tensor("float32", mask, [b, n]), k: new ort.Tensor("int64", BigInt64Array.of(BigInt(kk)), [1]) };
    if (this.family === "factor") {
      const f = this.alsItems!.f;
      const u = new Float32Array(b * f);
      histories.forEach((h, r) => u.set(this.userFactors(h), r * f));
      feeds.user_factors = new ort.Tensor("float32", u, [b, f]);
    } else if (this.family === "item_item") {
      const x = new Float32Array(b * n);
      const binary = this.extra.binary !== false;
      histories.forEach((h, r) => {
        for (let j = 0; j < h.items.length; j++) x[r * n + h.items[j]] = binary ? 1 : h.weights[j];
      });
      feeds.interactions = new ort.Tensor("float32", x, [b, n]);
    } else if (this.family === "neighbor") {
      const trimmed = histories.map((h) => trimHistory(h, MAX_HISTORY));
      const width = Math.max(1, ...trimmed.map((h) => h.items.length));
      const idx = new BigInt64Array(b * width).fill(BigInt(n));
      const w = new Float32Array(b * width);
      trimmed.forEach((h, r) => {
        for (let j = 0; j < h.items.length; j++) {
          idx[r * width + j] = BigInt(h.items[j]);
          w[r * width + j] = h.weights[j];
        }
      });
      feeds.history = new ort.Tensor("int64", idx, [b, width]);
      feeds.history_weights = new ort.Tensor("float32", w, [b, width]);
    } else if (this.family === "content") {
      const v = this.terms!.vocabulary.length;
      const u = new Float32Array(b * Math.max(1, v));
      histories.forEach((h, r) => u.set(userTermVector(this.terms!, h.items, h.weights), r * v));
      feeds.user_terms = new ort.Tensor("float32", u, [b, Math.max(1, v)]);
    }
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run(feeds);
    } finally {
      this.spareMasks.push(buffer);
    }
    recommenderRuns.inc({ kind: this.kind });
    recommendationBatchSize.observe({ kind: this.kind }, b);
    const scores = out.scores.data as Float32Array;
    const indices = out.indices.data as BigInt64Array;
    return histories.map((_, r) => ({ indices: Int32Array.from(indices.subarray(r * kk, (r + 1) * kk), Number), scores: scores.slice(r * kk, (r + 1) * kk) }));
  }
}

/** Keeps the strongest `max` interactions of a history. */
export function trimHistory(h: UserHistory, max: number): UserHistory {
  if (h.items.length <= max) return h;
  const order = Array.from({ length: h.items.length }, (_, i) => i).sort((a, b) => h.weights[b] - h.weights[a]).slice(0, max);
  return { items: order.map((i) => h.items[i]), weights: order.map((i) => h.weights[i]) };
}
