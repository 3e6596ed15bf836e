// Bayesian view of rates: Beta-Binomial posteriors (uniform Beta(1,1) prior), the chance that a
// variant beats the control by numerical integration, and Thompson sampling for subject lines.
import type { RateSample } from "./frequentist";
import { logGamma, regularizedBeta } from "./special";
import { seededRandom } from "../../common/random";

/** P(p_variant > p_control) under independent Beta(1 + s, 1 + f) posteriors. */
export function chanceToBeatControl(control: RateSample, variant: RateSample, prior = { alpha: 1, beta: 1 }): number {
  const aA = prior.alpha + control.successes;
  const bA = prior.beta + control.trials - control.successes;
  const aB = prior.alpha + variant.successes;
  const bB = prior.beta + variant.trials - variant.successes;
  // ∫ f_B(x) · F_A(x) dx over the region where B's posterior has mass (mean ± 12 sd), Simpson's rule.
  const mean = aB / (aB + bB);
  const sd = Math.sqrt((aB * bB) / ((aB + bB) ** 2 * (aB + bB + 1)));
  const lo = Math.max(0, mean - 12 * sd);
  const hi = Math.min(1, mean + 12 * sd);
  const steps = 400;
  const h = (hi - lo) / steps;
  const logNorm = logGamma(aB + bB) - logGamma(aB) - logGamma(bB);
  const density = (x: number): number => (x <= 0 || x >= 1 ? 0 : Math.exp(logNorm + (aB - 1) * Math.log(x) + (bB - 1) * Math.log1p(-x)));
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const x = lo + i * h;
    const weight = i === 0 || i === steps ? 1 : i % 2 ? 4 : 2;
    const f = density(x);
    if (f > 0) sum += weight * f * regularizedBeta(x, aA, bA);
  }
  // The endpoints at 0 or 1 may hold a finite density when a shape is 1; Simpson handles them
  // via the weights above, and the result is clamped against rounding.
  return Math.min(1, Math.max(0, (sum * h) / 3));
}


function normal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// Marsaglia–Tsang gamma sampler (shape ≥ 1; boosts smaller shapes).
function gamma(shape: number, random: () => number): number {
  if (shape < 1) return gamma(shape + 1, random) * Math.pow(random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** One draw from Beta(a, b). */
export function sampleBeta(a: number, b: number, random: () => number): number {
  const x = gamma(a, random);
  const y = gamma(b, random);
  return x / (x + y);
}

/**
 * Thompson sampling: the share of `draws` posterior draws in which each arm is best. Used both as
 * "chance to be best" and as the bandit's allocation of the next sends (subject lines).
 */
export function thompsonAllocation(arms: RateSample[], options: { draws?: number; seed?: number; minShare?: number } = {}): number[] {
  const draws = options.draws ?? 10_000;
  const random = seededRandom(options.seed ?? 1);
  const wins = new Array<number>(arms.length).fill(0);
  for (let d = 0; d < draws; d++) {
    let best = -1;
    let bestValue = -Infinity;
    arms.forEach((arm, i) => {
      const value = sampleBeta(1 + arm.successes, 1 + arm.trials - arm.successes, random);
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    wins[best]++;
  }
  const shares = wins.map((w) => w / draws);
  // A floor keeps every arm explored a little (and the allocation valid when one arm takes all).
  const floor = options.minShare ?? 0;
  if (floor <= 0) return shares;
  const lifted = shares.map((s) => Math.max(s, floor));
  const total = lifted.reduce((a, b) => a + b, 0);
  return lifted.map((s) => s / total);
}
