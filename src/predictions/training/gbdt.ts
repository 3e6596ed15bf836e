import { sigmoid } from "./logistic";
import { seededRandom } from "../../common/random";

/** One node of a regression tree; `value` is the leaf weight (or, inside, what the leaf would be: used for "why"). */
export interface TreeNode {
  leaf: boolean;
  feature: number;
  /** float32 threshold: rows with fround(x) <= threshold go left. */
  threshold: number;
  left: number;
  right: number;
  value: number;
}

/** A fitted gradient-boosted tree ensemble for binary log-loss (raw score = base + Σ leaves). */
export interface GbdtModel {
  kind: "gbdt";
  features: string[];
  baseScore: number;
  trees: TreeNode[][];
  /** Total split gain per feature, normalized to sum to 1. */
  importances: number[];
}

export interface GbdtOptions {
  trees?: number;
  learningRate?: number;
  maxDepth?: number;
  maxBins?: number;
  /** L2 penalty on leaf weights. */
  lambda?: number;
  minChildHessian?: number;
  minGain?: number;
  /** Share of rows sampled per tree (seeded). */
  subsample?: number;
  /** Share of features each tree may split on (seeded; xgboost's colsample_bytree: ⌊share · features⌋, at least 1). */
  colsampleByTree?: number;
  /** Share of the tree's features each node may split on (seeded; xgboost's colsample_bynode). */
  colsampleByNode?: number;
  seed?: number;
  /** Early stopping on a validation set: stop after this many trees without improvement. */
  validation?: { x: number[][]; y: ArrayLike<number>; patience?: number };
}


/** Quantile thresholds per feature, as float32 data values (so ONNX and TS split identically). */
export function binEdges(x: number[][], feature: number, maxBins: number): number[] {
  const values = Float32Array.from(x, (row) => row[feature]).sort();
  const edges: number[] = [];
  for (let b = 1; b < maxBins; b++) {
    const v = values[Math.min(values.length - 1, Math.floor((b * values.length) / maxBins))];
    // A threshold equal to the maximum splits nothing off.
    if (v !== values[values.length - 1] && (edges.length === 0 || v > edges[edges.length - 1])) edges.push(v);
  }
  // Below the first quantile there may still be a smaller distinct value worth a split.
  if (edges.length === 0 && values.length > 0 && values[0] !== values[values.length - 1]) edges.push(values[0]);
  return edges;
}

/** ⌊share · n⌋ (at least 1) distinct entries of `from`, drawn by a partial Fisher–Yates shuffle, in ascending order. */
function sampleFeatures(from: number[], share: number, random: () => number): number[] {
  if (share >= 1) return from;
  const pool = [...from];
  const k = Math.max(1, Math.floor(share * pool.length));
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k).sort((a, b) => a - b);
}

function binOf(edges: number[], v: number): number {
  const f = Math.fround(v);
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (f <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Trains trees depth-wise on per-feature histograms of gradients and hessians. */
export function trainGbdt(x: number[][], y: ArrayLike<number>, features: string[], options: GbdtOptions = {}): GbdtModel {
  const n = x.length;
  const d = features.length;
  if (n === 0) throw new Error("no training rows");
  const nTrees = options.trees ?? 200;
  const lr = options.learningRate ?? 0.05;
  const maxDepth = options.maxDepth ?? 4;
  const maxBins = Math.min(options.maxBins ?? 64, 255);
  const lambda = options.lambda ?? 1;
  const minChildHessian = options.minChildHessian ?? 1;
  const minGain = options.minGain ?? 0;
  const subsample = options.subsample ?? 0.8;
  const colsampleByTree = options.colsampleByTree ?? 1;
  const colsampleByNode = options.colsampleByNode ?? 1;
  const random = seededRandom(options.seed ?? 42);
  const allFeatures = features.map((_, j) => j);

  const edges = features.map((_, j) => binEdges(x, j, maxBins));
  const bins = new Uint8Array(n * d);
  for (let j = 0; j < d; j++) for (let i = 0; i < n; i++) bins[j * n + i] = binOf(edges[j], x[i][j]);

  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean = Math.min(Math.max(mean / n, 1e-6), 1 - 1e-6);
  const baseScore = Math.log(mean / (1 - mean));
  const raw = new Float64Array(n).fill(baseScore);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const gains = new Array<number>(d).fill(0);
  const trees: TreeNode[][] = [];

  const validation = options.validation;
  const validRaw = validation ? new Float64Array(validation.x.length).fill(baseScore) : null;
  let bestLoss = Infinity;
  let bestTrees = 0;
  const patience = validation?.patience ?? 30;

  for (let t = 0; t < nTrees; t++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(raw[i]);
      grad[i] = p - y[i];
      hess[i] = Math.max(p * (1 - p), 1e-12);
    }
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (subsample >= 1 || random() < subsample) rows.push(i);
    const treeFeatures = sampleFeatures(allFeatures, colsampleByTree, random);
    const nodeFeatures = () => sampleFeatures(treeFeatures, colsampleByNode, random);
    const tree = growTree(rows, { bins, n, edges, grad, hess, lambda, minChildHessian, minGain, maxDepth, lr, gains, nodeFeatures });
    trees.push(tree);
    for (let i = 0; i < n; i++) raw[i] += leafValue(tree, x[i]);
    if (validation && validRaw) {
      let loss = 0;
      for (let i = 0; i < validation.x.length; i++) {
        validRaw[i] += leafValue(tree, validation.x[i]);
        const p = Math.min(Math.max(sigmoid(validRaw[i]), 1e-12), 1 - 1e-12);
        loss -= validation.y[i] ? Math.log(p) : Math.log(1 - p);
      }
      if (loss < bestLoss - 1e-9) {
        bestLoss = loss;
        bestTrees = trees.length;
      } else if (trees.length - bestTrees >= patience) break;
    }
  }
  const kept = validation ? trees.slice(0, Math.max(1, bestTrees)) : trees;
  const total = gains.reduce((a, b) => a + b, 0) || 1;
  return { kind: "gbdt", features: [...features], baseScore, trees: kept, importances: gains.map((g) => g / total) };
}

interface GrowContext {
  bins: Uint8Array;
  n: number;
  edges: number[][];
  grad: Float64Array;
  hess: Float64Array;
  lambda: number;
  minChildHessian: number;
  minGain: number;
  maxDepth: number;
  lr: number;
  gains: number[];
  /** The features this node may split on (all of them, or a seeded sample). */
  nodeFeatures: () => number[];
}

function growTree(rootRows: number[], c: GrowContext): TreeNode[] {
  const nodes: TreeNode[] = [];
  const score = (g: number, h: number) => (g * g) / (h + c.lambda);
  const build = (rows: number[], depth: number): number => {
    let g = 0;
    let h = 0;
    for (const i of rows) {
      g += c.grad[i];
      h += c.hess[i];
    }
    const index = nodes.length;
    nodes.push({ leaf: true, feature: 0, threshold: 0, left: -1, right: -1, value: (-g / (h + c.lambda)) * c.lr });
    if (depth >= c.maxDepth || h < 2 * c.minChildHessian) return index;
    let best = { gain: c.minGain, feature: -1, bin: -1 };
    const parent = score(g, h);
    for (const j of c.nodeFeatures()) {
      const nb = c.edges[j].length + 1;
      if (nb < 2) continue;
      const hg = new Float64Array(nb);
      const hh = new Float64Array(nb);
      const offset = j * c.n;
      for (const i of rows) {
        const b = c.bins[offset + i];
        hg[b] += c.grad[i];
        hh[b] += c.hess[i];
      }
      let gl = 0;
      let hl = 0;
      for (let b = 0; b < nb - 1; b++) {
        gl += hg[b];
        hl += hh[b];
        const hr = h - hl;
        if (hl < c.minChildHessian || hr < c.minChildHessian) continue;
        const gain = score(gl, hl) + score(g - gl, hr) - parent;
        if (gain > best.gain) best = { gain, feature: j, bin: b };
      }
    }
    if (best.feature < 0) return index;
    c.gains[best.feature] += best.gain;
    const offset = best.feature * c.n;
    const leftRows = rows.filter((i) => c.bins[offset + i] <= best.bin);
    const rightRows = rows.filter((i) => c.bins[offset + i] > best.bin);
    const node = nodes[index];
    node.leaf = false;
    node.feature = best.feature;
    node.threshold = c.edges[best.feature][best.bin];
    node.left = build(leftRows, depth + 1);
    node.right = build(rightRows, depth + 1);
    return index;
  };
  build(rootRows, 0);
  return nodes;
}

function leafValue(tree: TreeNode[], row: ArrayLike<number>): number {
  let k = 0;
  while (!tree[k].leaf) k = Math.fround(row[tree[k].feature]) <= tree[k].threshold ? tree[k].left : tree[k].right;
  return tree[k].value;
}

/** Raw score (log-odds) for one row. */
export function gbdtRawScore(model: GbdtModel, row: ArrayLike<number>): number {
  let s = model.baseScore;
  for (const tree of model.trees) s += leafValue(tree, row);
  return s;
}

export function predictGbdt(model: GbdtModel, row: ArrayLike<number>): number {
  return sigmoid(gbdtRawScore(model, row));
}

/** Per-feature log-odds contributions along each tree's path (Saabas): they sum to raw − expected. */
export function gbdtContributions(model: GbdtModel, row: ArrayLike<number>): number[] {
  const out = new Array<number>(model.features.length).fill(0);
  for (const tree of model.trees) {
    let k = 0;
    while (!tree[k].leaf) {
      const next = Math.fround(row[tree[k].feature]) <= tree[k].threshold ? tree[k].left : tree[k].right;
      out[tree[k].feature] += tree[next].value - tree[k].value;
      k = next;
    }
  }
  return out;
}
