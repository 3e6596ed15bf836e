// Guard rails around a test: sample-ratio mismatch, Holm's multiple-comparison correction and
// the sample size a test needs.
import { chiSquareSf, normalCdf, normalQuantile } from "./special";

/** The p-value below which a sample-ratio mismatch raises an alarm. */
export const SRM_ALARM_P = 0.001;

/** Result of a sample-ratio-mismatch check (chi-square goodness of fit to the planned weights). */
export interface SrmResult {
  statistic: number;
  df: number;
  pValue: number;
  alarm: boolean;
  expected: number[];
}

/** Chi-square goodness of fit of observed arm sizes to planned weights (any positive scale). */
export function sampleRatioMismatch(observed: number[], weights: number[]): SrmResult {
  if (observed.length !== weights.length) throw new Error("observed and weights must have the same length");
  const total = observed.reduce((s, x) => s + x, 0);
  const weightSum = weights.reduce((s, x) => s + x, 0);
  const expected = weights.map((w) => (total * w) / weightSum);
  let statistic = 0;
  observed.forEach((o, i) => {
    if (expected[i] > 0) statistic += (o - expected[i]) ** 2 / expected[i];
  });
  const df = observed.length - 1;
  const pValue = total > 0 && df > 0 ? chiSquareSf(statistic, df) : 1;
  return { statistic, df, pValue, alarm: pValue < SRM_ALARM_P, expected };
}

/** Holm–Bonferroni adjusted p-values (same order as given; equals R's p.adjust(p, "holm")). */
export function holmAdjust(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, index], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * Recipients per arm needed to detect a rate change from `baseline` to `baseline × (1 + relativeLift)`
 * with a two-sided test at `alpha` and the given power (same formula as R's power.prop.test).
 */
export function sampleSizeForRates(baseline: number, relativeLift: number, alpha = 0.05, power = 0.8): number {
  const p1 = baseline;
  const p2 = baseline * (1 + relativeLift);
  if (!(p1 > 0 && p1 < 1 && p2 > 0 && p2 < 1) || p1 === p2) throw new Error("baseline and lift must give two different rates in (0, 1)");
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  const pbar = (p1 + p2) / 2;
  const n = (za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p1 - p2) ** 2;
  return Math.ceil(n);
}

/** Recipients per arm to detect a difference `delta` in means with standard deviation `sd`. */
export function sampleSizeForMeans(sd: number, delta: number, alpha = 0.05, power = 0.8): number {
  if (!(sd > 0) || delta === 0) throw new Error("sd must be positive and delta non-zero");
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  return Math.ceil((2 * (za + zb) ** 2 * sd * sd) / (delta * delta));
}

/** Power of a two-sided two-proportion test with n recipients per arm. */
export function powerForRates(p1: number, p2: number, nPerArm: number, alpha = 0.05): number {
  const za = normalQuantile(1 - alpha / 2);
  const pbar = (p1 + p2) / 2;
  const num = Math.sqrt(nPerArm) * Math.abs(p1 - p2) - za * Math.sqrt(2 * pbar * (1 - pbar));
  const den = Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return normalCdf(num / den);
}
