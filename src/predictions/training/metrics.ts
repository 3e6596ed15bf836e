/** One bin of a calibration table: predictions in [from, to). */
export interface CalibrationBin {
  from: number;
  to: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/** Quality of a binary classifier on labelled rows. */
export interface ClassifierMetrics {
  rocAuc: number;
  prAuc: number;
  brier: number;
  positives: number;
  count: number;
  calibration: CalibrationBin[];
}

/** ROC-AUC by the rank-sum (Mann–Whitney) formula; ties get average ranks. NaN without both classes. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0;
  let positives = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[order[k]]) {
      rankSumPos += rank;
      positives++;
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSumPos - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** PR-AUC as average precision (Σ over thresholds of Δrecall × precision), like scikit-learn's. */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i]) positives++;
  if (positives === 0) return NaN;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  for (let i = 0; i < n; ) {
    // All rows tied at one score cross the threshold together.
    let j = i;
    let tpStep = 0;
    while (j < n && scores[order[j]] === scores[order[i]]) {
      if (labels[order[j]]) tpStep++;
      j++;
    }
    seen += j - i;
    tp += tpStep;
    ap += (tpStep / positives) * (tp / seen);
    i = j;
  }
  return ap;
}

export function brierScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) sum += (probabilities[i] - labels[i]) ** 2;
  return probabilities.length ? sum / probabilities.length : NaN;
}

/** Equal-width bins over [0, 1]; empty bins are kept (count 0) so tables line up across models. */
export function calibrationTable(probabilities: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const table = Array.from({ length: bins }, (_, b) => ({ from: b / bins, to: (b + 1) / bins, count: 0, sumP: 0, sumY: 0 }));
  for (let i = 0; i < probabilities.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(probabilities[i] * bins)));
    table[b].count++;
    table[b].sumP += probabilities[i];
    table[b].sumY += labels[i];
  }
  return table.map(({ from, to, count, sumP, sumY }) => ({ from, to, count, meanPredicted: count ? sumP / count : 0, observedRate: count ? sumY / count : 0 }));
}

export function classifierMetrics(probabilities: ArrayLike<number>, labels: ArrayLike<number>): ClassifierMetrics {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] ? 1 : 0;
  return {
    rocAuc: rocAuc(probabilities, labels),
    prAuc: averagePrecision(probabilities, labels),
    brier: brierScore(probabilities, labels),
    positives,
    count: labels.length,
    calibration: calibrationTable(probabilities, labels),
  };
}
