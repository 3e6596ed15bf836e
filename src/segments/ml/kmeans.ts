import { seededRandom } from "../../common/random";

/** Column means and standard deviations (std 0 → 1 so constant columns stay 0). */
export function standardize(rows: number[][]): { z: number[][]; means: number[]; stds: number[] } {
  const d = rows[0]?.length ?? 0;
  const means = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / Math.max(1, rows.length));
  const stds = means.map((m, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - m) ** 2, 0) / Math.max(1, rows.length)) || 1);
  return { z: rows.map((r) => r.map((v, j) => (v - means[j]) / stds[j])), means, stds };
}

const dist2 = (a: number[], b: number[]) => a.reduce((s, v, j) => s + (v - b[j]) ** 2, 0);

/** The nearest centroid of a point. */
export function nearest(point: number[], centroids: number[][]): number {
  let best = 0;
  let bestD = Infinity;
  centroids.forEach((c, i) => {
    const d = dist2(point, c);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

/** One k-means fit. */
export interface KMeansResult {
  k: number;
  centroids: number[][];
  labels: number[];
  inertia: number;
}

/** k-means with k-means++ seeding (Lloyd iterations until labels stop changing). */
export function kmeans(points: number[][], k: number, seed = 1, maxIterations = 100): KMeansResult {
  const random = seededRandom(seed);
  const centroids: number[][] = [points[Math.floor(random() * points.length)]];
  const d2 = points.map((p) => dist2(p, centroids[0]));
  while (centroids.length < k) {
    const total = d2.reduce((s, v) => s + v, 0);
    let target = random() * total;
    let index = points.length - 1;
    for (let i = 0; i < points.length; i++) {
      target -= d2[i];
      if (target <= 0) {
        index = i;
        break;
      }
    }
    centroids.push([...points[index]]);
    points.forEach((p, i) => (d2[i] = Math.min(d2[i], dist2(p, centroids[centroids.length - 1]))));
  }
  let labels = points.map((p) => nearest(p, centroids));
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const sums = centroids.map((c) => c.map(() => 0));
    const counts = centroids.map(() => 0);
    points.forEach((p, i) => {
      counts[labels[i]]++;
      p.forEach((v, j) => (sums[labels[i]][j] += v));
    });
    sums.forEach((s, c) => {
      if (counts[c]) centroids[c] = s.map((v) => v / counts[c]);
    });
    const next = points.map((p) => nearest(p, centroids));
    const changed = next.some((l, i) => l !== labels[i]);
    labels = next;
    if (!changed) break;
  }
  const inertia = points.reduce((s, p, i) => s + dist2(p, centroids[labels[i]]), 0);
  return { k, centroids, labels, inertia };
}

/** Mean silhouette over (a sample of) the points: near 1 = tight, separated clusters. */
export function silhouette(points: number[][], labels: number[], k: number, sample = 1500, seed = 7): number {
  const random = seededRandom(seed);
  const idx = points.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const chosen = idx.slice(0, Math.min(sample, idx.length));
  let total = 0;
  for (const i of chosen) {
    const sums = new Array(k).fill(0);
    const counts = new Array(k).fill(0);
    for (const j of chosen) {
      if (i === j) continue;
      sums[labels[j]] += Math.sqrt(dist2(points[i], points[j]));
      counts[labels[j]]++;
    }
    const own = labels[i];
    if (!counts[own]) continue; // a singleton scores 0
    const a = sums[own] / counts[own];
    const b = Math.min(...sums.map((s, c) => (c === own || !counts[c] ? Infinity : s / counts[c])));
    total += b === Infinity ? 0 : (b - a) / Math.max(a, b);
  }
  return chosen.length ? total / chosen.length : 0;
}

/**
 * k-means++ starts per k. One start can settle in a local optimum (two blobs under one centroid,
 * another split in two), and then a larger k wins the silhouette: with a single start, 6 to 8 of
 * 1,000 orderings of three clear blobs chose k = 4. The start with the lowest inertia is kept.
 */
export const KMEANS_STARTS = 5;

/** The lowest-inertia fit of `starts` k-means++ starts (seeds derived from `seed`). */
export function bestOfStarts(points: number[][], k: number, seed = 1, starts = KMEANS_STARTS): KMeansResult {
  let best = kmeans(points, k, seed);
  for (let s = 1; s < starts; s++) {
    const fit = kmeans(points, k, seed + s * 7919);
    if (fit.inertia < best.inertia) best = fit;
  }
  return best;
}

/** Fits every k in the range and picks the best silhouette; the per-k inertia is the elbow curve. */
export function chooseK(points: number[][], kMin: number, kMax: number, seed = 1, starts = KMEANS_STARTS): { best: KMeansResult; curve: { k: number; inertia: number; silhouette: number }[] } {
  const curve: { k: number; inertia: number; silhouette: number }[] = [];
  let best: KMeansResult | undefined;
  let bestScore = -Infinity;
  for (let k = kMin; k <= Math.min(kMax, points.length - 1); k++) {
    const fit = bestOfStarts(points, k, seed, starts);
    const score = silhouette(points, fit.labels, k);
    curve.push({ k, inertia: fit.inertia, silhouette: score });
    if (score > bestScore) {
      bestScore = score;
      best = fit;
    }
  }
  if (!best) throw new Error("not enough profiles to cluster");
  return { best, curve };
}
