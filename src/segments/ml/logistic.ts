import { seededRandom } from "../../common/random";

/** A logistic regression on standardized features (weights apply to z-scores). */
export interface LogisticModel {
  features: string[];
  means: number[];
  stds: number[];
  weights: number[];
  bias: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-Math.max(-35, Math.min(35, z))));

/** Probability of the positive class for one raw feature row. */
export function scoreRow(model: LogisticModel, row: number[]): number {
  let z = model.bias;
  for (let j = 0; j < row.length; j++) z += model.weights[j] * ((row[j] - model.means[j]) / model.stds[j]);
  return sigmoid(z);
}

/** Full-batch gradient descent with L2 and class weights balancing positives against negatives. */
export function trainLogistic(rows: number[][], labels: number[], features: string[], options: { iterations?: number; rate?: number; l2?: number } = {}): LogisticModel {
  const { iterations = 400, rate = 0.5, l2 = 1e-3 } = options;
  const d = features.length;
  const means = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
  const stds = means.map((m, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - m) ** 2, 0) / rows.length) || 1);
  const z = rows.map((r) => r.map((v, j) => (v - means[j]) / stds[j]));
  const positives = labels.filter((y) => y === 1).length;
  const wPos = rows.length / (2 * Math.max(1, positives));
  const wNeg = rows.length / (2 * Math.max(1, rows.length - positives));
  const weights = new Array(d).fill(0);
  let bias = 0;
  for (let it = 0; it < iterations; it++) {
    const grad = new Array(d).fill(0);
    let gradBias = 0;
    let total = 0;
    for (let i = 0; i < z.length; i++) {
      let s = bias;
      for (let j = 0; j < d; j++) s += weights[j] * z[i][j];
      const w = labels[i] === 1 ? wPos : wNeg;
      const err = w * (sigmoid(s) - labels[i]);
      for (let j = 0; j < d; j++) grad[j] += err * z[i][j];
      gradBias += err;
      total += w;
    }
    for (let j = 0; j < d; j++) weights[j] -= rate * (grad[j] / total + l2 * weights[j]);
    bias -= rate * (gradBias / total);
  }
  return { features, means, stds, weights, bias };
}

/** Area under the ROC curve (Mann–Whitney, ties counted half). */
export function auc(scores: number[], labels: number[]): number {
  const order = scores.map((s, i) => ({ s, y: labels[i] })).sort((a, b) => a.s - b.s);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j].s === order[i].s) j++;
    const rank = (i + j + 1) / 2; // average 1-based rank of the tie group
    for (let t = i; t < j; t++) {
      if (order[t].y !== 1) continue;
      rankSum += rank;
      positives++;
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (!positives || !negatives) return 0.5;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Splits indices into train and held-out parts (seeded shuffle). */
export function split(n: number, heldOutShare: number, seed = 11): { train: number[]; test: number[] } {
  const random = seededRandom(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const cut = Math.max(1, Math.round(n * heldOutShare));
  return { test: idx.slice(0, cut), train: idx.slice(cut) };
}
