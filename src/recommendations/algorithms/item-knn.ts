import { transpose, type InteractionMatrix } from "./interactions";

/** Item–item co-occurrence neighbours. */
export interface KnnParams {
  /** Neighbours kept per item. */
  neighbors: number;
  /** Asymmetric cosine: sim = C_ij / (n_i^α · n_j^(1−α)); 0.5 is the cosine. */
  alpha: number;
  /** Shrinks similarities of rare pairs: C / (norm + shrink). */
  shrink: number;
  /** Divides by popularity_j^β, favouring less obvious neighbours (RP3β-style). */
  popularityPenalty: number;
  binary: boolean;
}

export const DEFAULT_KNN: KnnParams = { neighbors: 100, alpha: 0.5, shrink: 10, popularityPenalty: 0, binary: true };

/** Sparse neighbour table: `neighbors` slots per item (+1 padding row of zeros at index n). */
export interface NeighborTable {
  neighbors: number;
  indices: Int32Array;
  weights: Float32Array;
}

/** Computes each item's top neighbours by (asymmetric cosine) co-occurrence over users. */
export function itemNeighbors(m: InteractionMatrix, params: KnnParams): NeighborTable {
  const n = m.itemIds.length;
  const k = params.neighbors;
  const t = transpose(m);
  const norm = new Float64Array(n);
  const count = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let a = t.indptr[i]; a < t.indptr[i + 1]; a++) {
      const v = params.binary ? 1 : t.values[a];
      norm[i] += v * v;
      count[i] += 1;
    }
  }
  const indices = new Int32Array((n + 1) * k);
  const weights = new Float32Array((n + 1) * k);
  const acc = new Float64Array(n);
  const touched = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let nt = 0;
    for (let a = t.indptr[i]; a < t.indptr[i + 1]; a++) {
      const u = t.indices[a];
      const vi = params.binary ? 1 : t.values[a];
      for (let b = m.indptr[u]; b < m.indptr[u + 1]; b++) {
        const j = m.indices[b];
        if (j === i) continue;
        if (acc[j] === 0) touched[nt++] = j;
        acc[j] += vi * (params.binary ? 1 : m.values[b]);
      }
    }
    const cands: [number, number][] = [];
    for (let c = 0; c < nt; c++) {
      const j = touched[c];
      const denom = Math.pow(norm[i], params.alpha) * Math.pow(norm[j], 1 - params.alpha) + params.shrink;
      let sim = acc[j] / denom;
      if (params.popularityPenalty) sim /= Math.pow(count[j], params.popularityPenalty);
      cands.push([j, sim]);
      acc[j] = 0;
    }
    cands.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    for (let c = 0; c < Math.min(k, cands.length); c++) {
      indices[i * k + c] = cands[c][0];
      weights[i * k + c] = cands[c][1];
    }
  }
  return { neighbors: k, indices, weights };
}
