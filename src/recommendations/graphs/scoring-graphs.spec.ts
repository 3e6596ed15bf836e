import { buildMatrix, DEFAULT_WEIGHTING, type InteractionRow } from "../algorithms/interactions";
import { seededRandom } from "../../common/random";
import { foldIn, gram } from "../algorithms/als";
import { itemGram } from "../algorithms/ease";
import { buildTfidf, userTermVector, type ContentItem } from "../algorithms/tfidf";
import { itemNeighbors } from "../algorithms/item-knn";
import { buildAls, buildContent, buildEase, buildKnn, buildPopular } from "../trainers/build-models";
import { readInitializer } from "../../models/onnx/graph-builder";
import { MASKED } from "./scoring-graphs";
import { RecRuntime, type UserHistory } from "../serving/rec-runtime";

const NOW = Date.UTC(2026, 0, 1);

function sample(users: number, items: number, perUser: number, seed: number): InteractionRow[] {
  const r = seededRandom(seed);
  const rows: InteractionRow[] = [];
  for (let u = 0; u < users; u++) {
    for (let k = 0; k < perUser; k++) rows.push({ userId: `u${u}`, itemId: `i${Math.floor(r() * r() * items)}`, type: r() < 0.3 ? "purchase" : "view", at: NOW - Math.floor(r() * 60) * 86_400_000 });
  }
  return rows;
}

/** Plain TypeScript top-k over a dense score row with a mask. */
function referenceTopK(scores: Float64Array | Float32Array, mask: Float32Array | null, k: number): { indices: number[]; scores: number[] } {
  const masked = Array.from(scores, (s, i) => s + (mask ? mask[i] : 0));
  const order = masked.map((_, i) => i).sort((a, b) => masked[b] - masked[a] || a - b).slice(0, k);
  return { indices: order, scores: order.map((i) => masked[i]) };
}

function expectSameRanking(got: { indices: Int32Array; scores: Float32Array }, want: { indices: number[]; scores: number[] }): void {
  want.scores.forEach((s, r) => expect(got.scores[r]).toBeCloseTo(s, 3));
  // Ties may be ordered differently: compare the score at each rank, and the items where scores differ.
  want.indices.forEach((i, r) => {
    if (r + 1 < want.scores.length && Math.abs(want.scores[r] - want.scores[r + 1]) > 1e-4 && (r === 0 || Math.abs(want.scores[r] - want.scores[r - 1]) > 1e-4)) expect(got.indices[r]).toBe(i);
  });
}

describe("recommender ONNX graphs", () => {
  const rows = sample(40, 30, 8, 1);
  const m = buildMatrix(rows, NOW, DEFAULT_WEIGHTING);
  const n = m.itemIds.length;
  const history = (u: number): UserHistory => ({ items: m.indices.subarray(m.indptr[u], m.indptr[u + 1]), weights: m.values.subarray(m.indptr[u], m.indptr[u + 1]) });
  const maskOf = (h: UserHistory) => {
    const mask = new Float32Array(n);
    for (let j = 0; j < h.items.length; j++) mask[h.items[j]] = MASKED;
    return mask;
  };

  it("should score ALS like fold-in factors · item factors in TypeScript when run in onnxruntime", async () => {
    const built = buildAls(m, { factors: 8, iterations: 5 });
    const rt = await RecRuntime.load(built.onnx);
    const t = readInitializer(built.onnx, "item_factors_t");
    const y = new Float32Array(n * 8);
    for (let a = 0; a < 8; a++) for (let i = 0; i < n; i++) y[i * 8 + a] = (t.data as Float32Array)[a * n + i];
    const users = [0, 1, 2, 3];
    const got = await rt.score(users.map(history), users.map((u) => maskOf(history(u))), 5);
    users.forEach((u, r) => {
      const x = foldIn(y, gram(y, n, 8, 0.1), 8, history(u).items, history(u).weights, 20);
      const ref = new Float64Array(n).map((_, i) => y.subarray(i * 8, i * 8 + 8).reduce((s, v, a) => s + v * x[a], 0));
      expectSameRanking(got[r], referenceTopK(ref, maskOf(history(u)), 5));
    });
  });

  it("should score EASE like interaction vector × B in TypeScript when run in onnxruntime", async () => {
    const built = await buildEase(m, { lambda: 5 }, 1000);
    const rt = await RecRuntime.load(built.onnx);
    const b = readInitializer(built.onnx, "b").data as Float32Array;
    // Reference B from a plain Gauss–Jordan inverse of G + λI.
    const g = Array.from({ length: n }, (_, i) => Array.from(itemGram(m, true).subarray(i * n, (i + 1) * n), (v, j) => v + (i === j ? 5 : 0)));
    const inv = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
    for (let c = 0; c < n; c++) {
      const piv = g[c][c];
      for (let j = 0; j < n; j++) {
        g[c][j] /= piv;
        inv[c][j] /= piv;
      }
      for (let r = 0; r < n; r++) {
        if (r === c) continue;
        const f = g[r][c];
        for (let j = 0; j < n; j++) {
          g[r][j] -= f * g[c][j];
          inv[r][j] -= f * inv[c][j];
        }
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(b[i * n + j]).toBeCloseTo(i === j ? 0 : -inv[i][j] / inv[j][j], 3);
    const got = await rt.score([history(5)], [null], 6);
    const ref = new Float64Array(n).map((_, j) => Array.from(history(5).items).reduce((s, i) => s + b[i * n + j], 0));
    expectSameRanking(got[0], referenceTopK(ref, null, 6));
  });

  it("should refuse EASE when the catalog exceeds the configured item count", async () => {
    await expect(buildEase(m, {}, 5)).rejects.toThrow(/exceed the configured maximum of 5/);
  });

  it("should score item kNN like the sum of neighbour similarities in TypeScript when run in onnxruntime", async () => {
    const built = buildKnn(m, { neighbors: 6 });
    const rt = await RecRuntime.load(built.onnx);
    const table = itemNeighbors(m, { neighbors: 6, alpha: 0.5, shrink: 10, popularityPenalty: 0, binary: true });
    for (const u of [0, 7, 11]) {
      const h = history(u);
      const ref = new Float64Array(n);
      for (let j = 0; j < h.items.length; j++) for (let s = 0; s < 6; s++) ref[table.indices[h.items[j] * 6 + s]] += h.weights[j] * table.weights[h.items[j] * 6 + s];
      const got = await rt.score([h], [maskOf(h)], 4);
      expectSameRanking(got[0], referenceTopK(ref, maskOf(h), 4));
    }
  });

  it("should score content like the cosine of TF-IDF vectors in TypeScript when run in onnxruntime", async () => {
    const items: ContentItem[] = [
      { id: "a", title: "Red running shoes", category: "Shoes", brand: "Fast" },
      { id: "b", title: "Blue running shoes", category: "Shoes", brand: "Fast" },
      { id: "c", title: "Wool winter hat", category: "Hats", brand: "Warm" },
      { id: "d", title: "Trail running socks", description: "for running shoes", category: "Socks" },
      { id: "e", title: "Summer hat", category: "Hats" },
    ];
    const built = buildContent(items, { termsPerItem: 8 });
    const rt = await RecRuntime.load(built.onnx);
    const table = buildTfidf(items, { termsPerItem: 8, maxVocabulary: 1000 });
    const h: UserHistory = { items: [0], weights: [1] };
    const u = userTermVector(table, h.items, h.weights);
    const ref = new Float64Array(5).map((_, j) => {
      let s = 0;
      for (let t = 0; t < 8; t++) s += u[table.termIndices[j * 8 + t]] * table.termWeights[j * 8 + t];
      return s;
    });
    const got = await rt.score([h], [null], 5);
    expectSameRanking(got[0], referenceTopK(ref, null, 5));
    expect(rt.itemIds[got[0].indices[1]]).toBe("b");
  });

  it("should rank by popularity with the mask applied when run in onnxruntime", async () => {
    const scores = Float32Array.from([3, 9, 1, 7]);
    const rt = await RecRuntime.load(buildPopular(["w", "x", "y", "z"], scores, {}).onnx);
    const mask = Float32Array.from([0, MASKED, 0, 0]);
    const got = await rt.score([{ items: [], weights: [] }], [mask], 3);
    expect(Array.from(got[0].indices)).toEqual([3, 0, 2]);
  });
});
