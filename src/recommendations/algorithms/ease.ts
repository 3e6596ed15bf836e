import { invertMatrix } from "../../models/onnx/linalg";
import type { InteractionMatrix } from "./interactions";

/** EASE hyper-parameters (Steck 2019). */
export interface EaseParams {
  /** L2 regularization λ on the item–item weights. */
  lambda: number;
  /** Use 0/1 interactions instead of weights (the paper's setting). */
  binary: boolean;
}

export const DEFAULT_EASE: EaseParams = { lambda: 300, binary: true };

/** G = XᵀX (items × items, float32) from the user rows. */
export function itemGram(m: InteractionMatrix, binary: boolean): Float32Array {
  const n = m.itemIds.length;
  const g = new Float32Array(n * n);
  for (let u = 0; u < m.userIds.length; u++) {
    const start = m.indptr[u];
    const end = m.indptr[u + 1];
    for (let a = start; a < end; a++) {
      const i = m.indices[a];
      const vi = binary ? 1 : m.values[a];
      const row = i * n;
      for (let b = start; b < end; b++) g[row + m.indices[b]] += vi * (binary ? 1 : m.values[b]);
    }
  }
  return g;
}

/** The closed-form EASE weights B = I − P·diag(1/diag(P)), P = (G + λI)⁻¹, with a zero diagonal. */
export async function trainEase(m: InteractionMatrix, params: EaseParams): Promise<Float32Array> {
  const n = m.itemIds.length;
  const g = itemGram(m, params.binary);
  for (let i = 0; i < n; i++) g[i * n + i] += params.lambda;
  const p = await invertMatrix(g, n);
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) b[i * n + j] = i === j ? 0 : -p[i * n + j] / p[j * n + j];
  }
  return b;
}
