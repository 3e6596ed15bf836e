// Frequentist comparisons of a variant against a control: rates (z-test, chi-square) and means
// (Welch's t-test), with confidence intervals for absolute and relative lift.
import { chiSquareSf, normalQuantile, normalSf, studentTQuantile, studentTSf } from "./special";

/** A rate: `successes` out of `trials`. */
export interface RateSample {
  successes: number;
  trials: number;
}

/** A mean from summary statistics (sample standard deviation, n ≥ 2). */
export interface MeanSample {
  mean: number;
  sd: number;
  n: number;
}

/** Absolute and relative difference of a variant (B) against a control (A), with CIs and a p-value. */
export interface Comparison {
  control: number;
  variant: number;
  /** B − A. */
  difference: number;
  differenceCi: [number, number];
  /** B / A − 1 (null when the control is 0). */
  relativeLift: number | null;
  relativeLiftCi: [number, number] | null;
  statistic: number;
  /** Degrees of freedom (t-test) or null for z. */
  df: number | null;
  pValue: number;
}

/** Two-sided two-proportion z-test (pooled SE for the test, unpooled for the CI). */
export function twoProportionZTest(a: RateSample, b: RateSample, confidence = 0.95): Comparison {
  const pa = rate(a);
  const pb = rate(b);
  const pooled = (a.successes + b.successes) / Math.max(1, a.trials + b.trials);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
  const z = sePooled > 0 ? (pb - pa) / sePooled : 0;
  const se = Math.sqrt((pa * (1 - pa)) / a.trials + (pb * (1 - pb)) / b.trials);
  const zc = normalQuantile(1 - (1 - confidence) / 2);
  const diff = pb - pa;
  // Relative lift: delta method on log(pB/pA).
  const logVar = pa > 0 && pb > 0 ? (1 - pb) / (b.trials * pb) + (1 - pa) / (a.trials * pa) : NaN;
  return {
    control: pa,
    variant: pb,
    difference: diff,
    differenceCi: [diff - zc * se, diff + zc * se],
    ...relative(pa, pb, logVar, zc),
    statistic: z,
    df: null,
    pValue: Math.min(1, 2 * normalSf(Math.abs(z))),
  };
}

/** Welch's unequal-variance t-test on means (e.g. revenue per recipient). */
export function welchTTest(a: MeanSample, b: MeanSample, confidence = 0.95): Comparison {
  const va = (a.sd * a.sd) / a.n;
  const vb = (b.sd * b.sd) / b.n;
  const se = Math.sqrt(va + vb);
  const df = se > 0 ? (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1)) : Infinity;
  const diff = b.mean - a.mean;
  const t = se > 0 ? diff / se : 0;
  const tc = studentTQuantile(1 - (1 - confidence) / 2, df);
  const logVar = a.mean > 0 && b.mean > 0 ? vb / (b.mean * b.mean) + va / (a.mean * a.mean) : NaN;
  return {
    control: a.mean,
    variant: b.mean,
    difference: diff,
    differenceCi: [diff - tc * se, diff + tc * se],
    ...relative(a.mean, b.mean, logVar, tc),
    statistic: t,
    df,
    pValue: se > 0 ? Math.min(1, 2 * studentTSf(Math.abs(t), df)) : 1,
  };
}

/** Pearson chi-square test of independence over k arms × {success, failure} (no continuity correction). */
export function chiSquareRates(arms: RateSample[]): { statistic: number; df: number; pValue: number } {
  const total = arms.reduce((s, a) => s + a.trials, 0);
  const successes = arms.reduce((s, a) => s + a.successes, 0);
  if (arms.length < 2 || total === 0 || successes === 0 || successes === total) return { statistic: 0, df: Math.max(0, arms.length - 1), pValue: 1 };
  let statistic = 0;
  for (const arm of arms) {
    const expectedS = (arm.trials * successes) / total;
    const expectedF = arm.trials - expectedS;
    if (expectedS > 0) statistic += (arm.successes - expectedS) ** 2 / expectedS;
    if (expectedF > 0) statistic += (arm.trials - arm.successes - expectedF) ** 2 / expectedF;
  }
  const df = arms.length - 1;
  return { statistic, df, pValue: chiSquareSf(statistic, df) };
}

/** Mean and sample SD from count, sum and sum of squares (what SQL aggregates return). */
export function meanFromSums(n: number, sum: number, sumSquares: number): MeanSample {
  const mean = n > 0 ? sum / n : 0;
  const variance = n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : 0;
  return { mean, sd: Math.sqrt(variance), n };
}

function rate(s: RateSample): number {
  return s.trials > 0 ? s.successes / s.trials : 0;
}

function relative(control: number, variant: number, logVar: number, critical: number): Pick<Comparison, "relativeLift" | "relativeLiftCi"> {
  if (control === 0) return { relativeLift: null, relativeLiftCi: null };
  const lift = variant / control - 1;
  if (!Number.isFinite(logVar)) return { relativeLift: lift, relativeLiftCi: null };
  const half = critical * Math.sqrt(logVar);
  const logRatio = Math.log(variant / control);
  return { relativeLift: lift, relativeLiftCi: [Math.exp(logRatio - half) - 1, Math.exp(logRatio + half) - 1] };
}
