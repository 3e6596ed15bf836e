// Sequential testing: the mixture sequential probability ratio test (mSPRT, Johari et al. 2017,
// "Peeking at A/B tests"). Under a normal approximation of the estimated difference Δ̂ with variance
// σ² and a N(0, τ²) mixing prior on Δ, the likelihood ratio is
//   Λ = sqrt(σ² / (σ² + τ²)) · exp(τ² Δ̂² / (2 σ² (σ² + τ²))).
// By Ville's inequality P(Λ ever ≥ 1/α | H0) ≤ α, so p = min(1, 1/Λ) is an "always-valid" p-value
// and its confidence sequence may be watched after every send without inflating false positives.

/** An always-valid result for one look at a running test. */
export interface SequentialResult {
  /** Always-valid p-value at this look (valid at any stopping time). */
  pValue: number;
  /** Always-valid confidence interval for the difference. */
  interval: [number, number];
  /** True when the difference is significant at `alpha` despite peeking. */
  significant: boolean;
}

/**
 * mSPRT for a difference `difference` whose standard error is `standardError`. `tau` is the scale
 * of effects we expect (the mixing prior's sd); a good default is ~10% of the control's level.
 */
export function msprt(difference: number, standardError: number, tau: number, alpha = 0.05): SequentialResult {
  const v = standardError * standardError;
  const t2 = tau * tau;
  if (!(v > 0) || !(t2 > 0)) return { pValue: 1, interval: [-Infinity, Infinity], significant: false };
  const logLambda = 0.5 * Math.log(v / (v + t2)) + (t2 * difference * difference) / (2 * v * (v + t2));
  const pValue = Math.min(1, Math.exp(-logLambda));
  const half = Math.sqrt(((v * (v + t2)) / t2) * (2 * Math.log(1 / alpha) + Math.log((v + t2) / v)));
  return { pValue, interval: [difference - half, difference + half], significant: pValue < alpha };
}
