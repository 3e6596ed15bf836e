import { chiSquareRates, meanFromSums, twoProportionZTest, welchTTest } from "./frequentist";

describe("frequentist comparisons", () => {
  it("should give the published Welch result when means 0.41 vs 0.70, sd 3.9 vs 6.2, n 3407 vs 3461", () => {
    const r = welchTTest({ mean: 0.41, sd: 3.9, n: 3407 }, { mean: 0.7, sd: 6.2, n: 3461 });
    expect(r.difference).toBeCloseTo(0.29, 12);
    expect(r.differenceCi[0]).toBeCloseTo(0.0454, 4);
    expect(r.differenceCi[1]).toBeCloseTo(0.5346, 4);
    expect(r.pValue).toBeCloseTo(0.0202, 4);
    // scipy.stats.ttest_ind_from_stats(..., equal_var=False): t 2.3240227609215203, p 0.02015840264358697
    expect(r.statistic).toBeCloseTo(2.3240227609215203, 11);
    expect(r.pValue).toBeCloseTo(0.02015840264358697, 10);
    expect(r.df!).toBeCloseTo(5841.742032093564, 6);
    expect(r.relativeLift).toBeCloseTo(0.7 / 0.41 - 1, 12);
    const [lo, hi] = r.relativeLiftCi!;
    expect(lo).toBeLessThan(r.relativeLift!);
    expect(hi).toBeGreaterThan(r.relativeLift!);
    // Delta method on log-ratio: the interval is symmetric in log space around the ratio.
    expect(Math.log(1 + lo) + Math.log(1 + hi)).toBeCloseTo(2 * Math.log(0.7 / 0.41), 10);
  });

  it("should match R's prop.test without correction when 15/50 vs 25/50", () => {
    // prop.test(c(15, 25), c(50, 50), correct = FALSE): X-squared = 4.1667, p-value = 0.04123
    const r = twoProportionZTest({ successes: 15, trials: 50 }, { successes: 25, trials: 50 });
    expect(r.statistic ** 2).toBeCloseTo(4.166666666666667, 10);
    expect(r.pValue).toBeCloseTo(0.04122683333716, 8);
    expect(r.difference).toBeCloseTo(0.2, 12);
    // Unpooled 95% CI: 0.2 ± 1.959964 · sqrt(.3·.7/50 + .5·.5/50)
    const half = 1.959963984540054 * Math.sqrt(0.21 / 50 + 0.25 / 50);
    expect(r.differenceCi[0]).toBeCloseTo(0.2 - half, 12);
    expect(r.relativeLift).toBeCloseTo(2 / 3, 12);
  });

  it("should equal the z-test squared when chi-square has two arms and match scipy for three", () => {
    const two = chiSquareRates([{ successes: 15, trials: 50 }, { successes: 25, trials: 50 }]);
    expect(two.statistic).toBeCloseTo(4.166666666666667, 10);
    // scipy.stats.chi2_contingency([[15,35],[25,25],[30,20]], correction=False): 9.375, p 0.009209681603968142
    const three = chiSquareRates([{ successes: 15, trials: 50 }, { successes: 25, trials: 50 }, { successes: 30, trials: 50 }]);
    expect(three.statistic).toBeCloseTo(9.375, 10);
    expect(three.df).toBe(2);
    expect(three.pValue).toBeCloseTo(0.009209681603968142, 12);
  });

  it("should recover mean and sample sd when given SQL-style sums", () => {
    const xs = [0, 0, 3, 10.5, 0, 2];
    const n = xs.length;
    const m = meanFromSums(n, xs.reduce((a, b) => a + b, 0), xs.reduce((a, b) => a + b * b, 0));
    const mean = 15.5 / 6;
    expect(m.mean).toBeCloseTo(mean, 12);
    expect(m.sd).toBeCloseTo(Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)), 12);
  });

  it("should report p = 1 and no relative lift when the control is empty", () => {
    const r = twoProportionZTest({ successes: 0, trials: 100 }, { successes: 0, trials: 100 });
    expect(r.pValue).toBe(1);
    expect(r.relativeLift).toBeNull();
  });
});
