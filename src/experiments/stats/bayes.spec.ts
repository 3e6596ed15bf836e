import { chanceToBeatControl, sampleBeta, thompsonAllocation } from "./bayes";
import { seededRandom } from "../../common/random";

describe("Bayesian chance to beat control and Thompson sampling", () => {
  it("should match scipy quadrature when 20/100 vs 30/100", () => {
    // integrate.quad(lambda x: beta(31,71).pdf(x) * beta(21,81).cdf(x), 0, 1) = 0.9476031033523692
    expect(chanceToBeatControl({ successes: 20, trials: 100 }, { successes: 30, trials: 100 })).toBeCloseTo(0.9476031033523692, 8);
  });

  it("should match scipy quadrature when counts are large", () => {
    // beta(1101, 8901) vs beta(1001, 9001): 0.9894573544317149
    expect(chanceToBeatControl({ successes: 1000, trials: 10000 }, { successes: 1100, trials: 10000 })).toBeCloseTo(0.9894573544317149, 8);
  });

  it("should be one half when both arms are identical and agree with seeded Monte Carlo", () => {
    expect(chanceToBeatControl({ successes: 7, trials: 40 }, { successes: 7, trials: 40 })).toBeCloseTo(0.5, 8);
    const random = seededRandom(42);
    let wins = 0;
    const draws = 100_000;
    for (let i = 0; i < draws; i++) if (sampleBeta(13, 30, random) > sampleBeta(9, 34, random)) wins++;
    // Monte Carlo standard error ≈ 0.0015: allow about 3.5 of them.
    expect(Math.abs(wins / draws - chanceToBeatControl({ successes: 8, trials: 41 }, { successes: 12, trials: 41 }))).toBeLessThan(0.005);
  });

  it("should give most traffic to the clear winner and be reproducible when seeded", () => {
    const arms = [
      { successes: 50, trials: 1000 },
      { successes: 90, trials: 1000 },
      { successes: 55, trials: 1000 },
    ];
    const shares = thompsonAllocation(arms, { seed: 7 });
    expect(shares[1]).toBeGreaterThan(0.95);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(thompsonAllocation(arms, { seed: 7 })).toEqual(shares);
    const floored = thompsonAllocation(arms, { seed: 7, minShare: 0.05 });
    expect(Math.min(...floored)).toBeGreaterThanOrEqual(0.045);
  });
});
