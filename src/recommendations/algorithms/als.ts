import { transpose, type InteractionMatrix } from "./interactions";
import { seededRandom } from "../../common/random";

/** Implicit ALS hyper-parameters (Hu, Koren, Volinsky 2008). */
export interface AlsParams {
  factors: number;
  iterations: number;
  /** L2 regularization λ. */
  regularization: number;
  /** Confidence c = 1 + alpha · weight. */
  alpha: number;
  /** Conjugate-gradient steps per least-squares solve (Takács et al.). */
  cgSteps: number;
  seed: number;
}

export const DEFAULT_ALS: AlsParams = { factors: 64, iterations: 15, regularization: 0.1, alpha: 20, cgSteps: 3, seed: 7 };

/** Trained factors, row-major: users × f and items × f. */
export interface AlsFactors {
  factors: number;
  userFactors: Float32Array;
  itemFactors: Float32Array;
}

/** Gram matrix YᵀY + λI of row-major factors (f × f, float64). */
export function gram(y: Float32Array, rows: number, f: number, reg: number): Float64Array {
  const g = new Float64Array(f * f);
  for (let r = 0; r < rows; r++) {
    const o = r * f;
    for (let a = 0; a < f; a++) {
      const ya = y[o + a];
      if (ya === 0) continue;
      const ga = a * f;
      for (let b = a; b < f; b++) g[ga + b] += ya * y[o + b];
    }
  }
  for (let a = 0; a < f; a++) {
    g[a * f + a] += reg;
    for (let b = 0; b < a; b++) g[a * f + b] = g[b * f + a];
  }
  return g;
}

/**
 * Solves (YᵀY + λI + Σ (c−1) y yᵀ) x = Σ c y for one row by conjugate gradient, starting from `x`
 * (in place). `items`/`weights` are the row's interactions; c = 1 + alpha·weight.
 */
export function solveRow(x: Float32Array, xOffset: number, yty: Float64Array, y: Float32Array, f: number, items: ArrayLike<number>, weights: ArrayLike<number>, alpha: number, steps: number): void {
  const r = new Float64Array(f);
  const p = new Float64Array(f);
  const ap = new Float64Array(f);
  // r = b − A x
  for (let a = 0; a < f; a++) {
    let s = 0;
    for (let b = 0; b < f; b++) s -= yty[a * f + b] * x[xOffset + b];
    r[a] = s;
  }
  for (let k = 0; k < items.length; k++) {
    const o = items[k] * f;
    const c = 1 + alpha * weights[k];
    let dot = 0;
    for (let a = 0; a < f; a++) dot += y[o + a] * x[xOffset + a];
    const coef = c - (c - 1) * dot;
    for (let a = 0; a < f; a++) r[a] += coef * y[o + a];
  }
  p.set(r);
  let rs = 0;
  for (let a = 0; a < f; a++) rs += r[a] * r[a];
  for (let it = 0; it < steps && rs > 1e-20; it++) {
    for (let a = 0; a < f; a++) {
      let s = 0;
      for (let b = 0; b < f; b++) s += yty[a * f + b] * p[b];
      ap[a] = s;
    }
    for (let k = 0; k < items.length; k++) {
      const o = items[k] * f;
      const c1 = alpha * weights[k];
      let dot = 0;
      for (let a = 0; a < f; a++) dot += y[o + a] * p[a];
      const coef = c1 * dot;
      for (let a = 0; a < f; a++) ap[a] += coef * y[o + a];
    }
    let pap = 0;
    for (let a = 0; a < f; a++) pap += p[a] * ap[a];
    if (pap <= 0) break;
    const step = rs / pap;
    let next = 0;
    for (let a = 0; a < f; a++) {
      x[xOffset + a] += step * p[a];
      r[a] -= step * ap[a];
      next += r[a] * r[a];
    }
    for (let a = 0; a < f; a++) p[a] = r[a] + (next / rs) * p[a];
    rs = next;
  }
}

/** Trains implicit ALS; `onIteration` may report progress and return false to stop (cancellation). */
export function trainAls(m: InteractionMatrix, params: AlsParams, onIteration?: (done: number, total: number) => boolean | void): AlsFactors {
  const f = params.factors;
  const nUsers = m.userIds.length;
  const nItems = m.itemIds.length;
  const random = seededRandom(params.seed);
  const init = (n: number) => Float32Array.from({ length: n * f }, () => (random() - 0.5) * 0.02);
  const users = init(nUsers);
  const items = init(nItems);
  const t = transpose(m);
  for (let it = 0; it < params.iterations; it++) {
    const itemGram = gram(items, nItems, f, params.regularization);
    for (let u = 0; u < nUsers; u++) solveRow(users, u * f, itemGram, items, f, m.indices.subarray(m.indptr[u], m.indptr[u + 1]), m.values.subarray(m.indptr[u], m.indptr[u + 1]), params.alpha, params.cgSteps);
    const userGram = gram(users, nUsers, f, params.regularization);
    for (let i = 0; i < nItems; i++) solveRow(items, i * f, userGram, users, f, t.indices.subarray(t.indptr[i], t.indptr[i + 1]), t.values.subarray(t.indptr[i], t.indptr[i + 1]), params.alpha, params.cgSteps);
    if (onIteration?.(it + 1, params.iterations) === false) break;
  }
  return { factors: f, userFactors: users, itemFactors: items };
}

/** Fold-in: the user vector for fresh interactions against fixed item factors (no retraining). */
export function foldIn(itemFactors: Float32Array, yty: Float64Array, f: number, items: ArrayLike<number>, weights: ArrayLike<number>, alpha: number, steps = 8): Float32Array {
  // Float32Array like the training rows, so solveRow stays monomorphic (V8 deoptimizes mixed typed arrays).
  const x = new Float32Array(f);
  if (items.length) solveRow(x, 0, yty, itemFactors, f, items, weights, alpha, steps);
  return x;
}
