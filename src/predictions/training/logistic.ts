/** A fitted L2-regularized logistic regression on standardized inputs. */
export interface LogisticModel {
  kind: "logistic";
  features: string[];
  means: number[];
  stds: number[];
  /** Coefficients on standardized inputs. */
  weights: number[];
  bias: number;
}

export interface LogisticOptions {
  /** L2 penalty on the (standardized) coefficients, per row: loss = mean log-loss + l2/2·|w|². */
  l2?: number;
  maxIterations?: number;
  tolerance?: number;
}

/** Column means and standard deviations (std 1 for constant columns, so they drop out). */
export function standardization(x: number[][], cols: number): { means: number[]; stds: number[] } {
  const means = new Array<number>(cols).fill(0);
  const stds = new Array<number>(cols).fill(0);
  for (const row of x) for (let j = 0; j < cols; j++) means[j] += row[j];
  for (let j = 0; j < cols; j++) means[j] /= Math.max(1, x.length);
  for (const row of x) for (let j = 0; j < cols; j++) stds[j] += (row[j] - means[j]) ** 2;
  for (let j = 0; j < cols; j++) {
    const sd = Math.sqrt(stds[j] / Math.max(1, x.length));
    stds[j] = sd > 1e-12 ? sd : 1;
  }
  return { means, stds };
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Fits by Newton's method (IRLS): few features, so the d×d Hessian solve is cheap and exact. */
export function trainLogistic(x: number[][], y: ArrayLike<number>, features: string[], options: LogisticOptions = {}): LogisticModel {
  const d = features.length;
  const n = x.length;
  if (n === 0) throw new Error("no training rows");
  const l2 = options.l2 ?? 1e-3;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-8;
  const { means, stds } = standardization(x, d);
  const z = x.map((row) => row.map((v, j) => (v - means[j]) / stds[j]));
  // Parameter vector: d weights then the bias (not penalized).
  const beta = new Array<number>(d + 1).fill(0);
  for (let iter = 0; iter < maxIterations; iter++) {
    const grad = new Array<number>(d + 1).fill(0);
    const hess = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const zi = z[i];
      let eta = beta[d];
      for (let j = 0; j < d; j++) eta += beta[j] * zi[j];
      const p = sigmoid(eta);
      const r = p - y[i];
      const w = Math.max(p * (1 - p), 1e-10);
      for (let j = 0; j < d; j++) {
        grad[j] += r * zi[j];
        const wz = w * zi[j];
        for (let k = 0; k <= j; k++) hess[j][k] += wz * zi[k];
        hess[d][j] += wz;
      }
      grad[d] += r;
      hess[d][d] += w;
    }
    for (let j = 0; j <= d; j++) {
      grad[j] /= n;
      for (let k = 0; k <= j; k++) hess[j][k] /= n;
    }
    for (let j = 0; j < d; j++) {
      grad[j] += l2 * beta[j];
      hess[j][j] += l2;
    }
    for (let j = 0; j <= d; j++) for (let k = j + 1; k <= d; k++) hess[j][k] = hess[k][j];
    const step = solveSymmetric(hess, grad);
    let change = 0;
    for (let j = 0; j <= d; j++) {
      beta[j] -= step[j];
      change = Math.max(change, Math.abs(step[j]));
    }
    if (change < tolerance) break;
  }
  return { kind: "logistic", features: [...features], means, stds, weights: beta.slice(0, d), bias: beta[d] };
}

/** Cholesky solve of A·x = b for a symmetric positive-definite A (ridge keeps it so). */
function solveSymmetric(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i][j];
      for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
      if (i === j) l[i][i] = Math.sqrt(Math.max(sum, 1e-12));
      else l[i][j] = sum / l[j][j];
    }
  }
  const yv = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i][k] * yv[k];
    yv[i] = sum / l[i][i];
  }
  const xv = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = yv[i];
    for (let k = i + 1; k < n; k++) sum -= l[k][i] * xv[k];
    xv[i] = sum / l[i][i];
  }
  return xv;
}

/** Raw (unstandardized) weights and intercept: what the ONNX graph multiplies by. */
export function logisticRawCoefficients(model: LogisticModel): { weights: number[]; bias: number } {
  const weights = model.weights.map((w, j) => w / model.stds[j]);
  const bias = model.bias - model.weights.reduce((sum, w, j) => sum + (w * model.means[j]) / model.stds[j], 0);
  return { weights, bias };
}

/** Log-odds for one feature row, computed like the exported graph (float32 inputs). */
export function logisticLogit(model: LogisticModel, row: ArrayLike<number>): number {
  const { weights, bias } = logisticRawCoefficients(model);
  let eta = bias;
  for (let j = 0; j < weights.length; j++) eta += weights[j] * Math.fround(row[j]);
  return eta;
}

/** P(y=1) for one feature row, computed like the exported graph (float32 inputs). */
export function predictLogistic(model: LogisticModel, row: ArrayLike<number>): number {
  return sigmoid(logisticLogit(model, row));
}

/** Each feature's contribution to the log-odds relative to the training mean (the "why"). */
export function logisticContributions(model: LogisticModel, row: ArrayLike<number>): number[] {
  return model.weights.map((w, j) => (w * (row[j] - model.means[j])) / model.stds[j]);
}

/** |standardized coefficient|, normalized to sum to 1. */
export function logisticImportances(model: LogisticModel): number[] {
  const abs = model.weights.map(Math.abs);
  const total = abs.reduce((a, b) => a + b, 0) || 1;
  return abs.map((v) => v / total);
}
